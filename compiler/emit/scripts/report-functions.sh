# A hint for a common cause, each at most once. The wording is kstep's, kept here in one place.
hint() {
  case " $hints_shown " in *" $1 "*) return 0 ;; esac
  hints_shown+=" $1"
  local text
  case "$1" in
    root) text='the image runs as root, and the pod requires a non-root user (runAsNonRoot): if the image can run as another user, give its number in the step, a container'\''s security = { run_as_user = 1000 } (or the same in [pod]); if it needs root, remove security_profile = "restricted" (from [pod] or the kstep.toml above the step), or set run_as_non_root = false in that container'\''s security' ;;
    non-numeric) text='the image names its user by name, so the kubelet cannot check that it is not root: set a numeric user in the step, [pod] security = { run_as_user = 1000 } or a container'\''s security = { run_as_user = ... }' ;;
    config) text='a ConfigMap, Secret or key that the container uses (env, env_from, volumes) does not exist in the namespace: create it, correct the name, or make the reference optional' ;;
    image) text='the image cannot be pulled: check its name and tag, and that it is in the registry; a private registry needs credentials (a Secret with a registry, or [pod] image_pull_secrets)' ;;
    crash) text="the container keeps exiting: its log before the last restart shows why: kubectl logs $2 --container $3 --previous" ;;
    oom) text='the container used more memory than its limit and was killed: raise its memory limit (resources), or find out why it needs more' ;;
    killed) text='the container was killed (exit code 137 is SIGKILL, 143 SIGTERM), often for failing its liveness probe: see the events of the pod below' ;;
    start) text='the container could not be started: check command, args and working_dir, and that the image has them' ;;
    readiness) text='the readiness probe fails: check its path and port, and that the app listens there; the events of the pod below have its errors' ;;
    startup) text='the startup probe has not passed: the app may need longer to start (failure_threshold times period), or the probe is wrong' ;;
    unscheduled) text='no node can run the pod: it may request more cpu or memory than any node has free (resources), or no node fits its node selector, affinity or tolerations' ;;
  esac
  printf '    hint: %s\n' "$text" >&2
}

# The latest Unhealthy event of a container whose message starts with $3, Go-quoted, or "".
probe_event() {
  local event_pod path message found=""
  while IFS=$'\t' read -r event_pod path message; do
    if [ "$event_pod" = "\"$1\"" ] && [ "$path" = "\"spec.containers{$2}\"" ]; then
      case "$message" in "\"$3"*) found=$message ;; esac
    fi
  done <<<"$events"
  printf '%s' "$found"
}

# One line for a container of an unready pod, and a hint. The arguments are the pod's name,
# then the fields of a container line of pod_report; reasons and names lose Go's quotes, a
# message keeps them (its escapes read as in a Go string).
explain_container() {
  local pod=$1 kind=$2 name=${3#\"} ready=$4 started=$5 restarts=$6 state=$7
  local reason=${8#\"} message=$9 code=${10} last_reason=${11#\"} last_code=${12} text
  name=${name%\"} reason=${reason%\"} last_reason=${last_reason%\"}
  case "$restarts" in '' | *[!0-9]*) restarts='?' ;; esac
  case "$code" in '' | *[!0-9-]*) code='?' ;; esac
  case "$last_code" in '' | *[!0-9-]*) last_code='?' ;; esac
  if [ "$message" = '""' ]; then message=""; fi
  text=$state
  if [ "$state" = running ]; then
    if [ "$ready" = true ]; then
      text="running, ready"
    elif [ "$started" = false ]; then
      text="running, not started"
      message=$(probe_event "$pod" "$name" "Startup probe")
    else
      text="running, not ready"
      message=$(probe_event "$pod" "$name" "Readiness probe")
    fi
  elif [ -n "$reason" ] && [ "$code" != - ]; then
    text+=" ($reason, exit code $code)"
  elif [ -n "$reason" ]; then
    text+=" ($reason)"
  fi
  if [ -n "$message" ]; then text+=": $message"; fi
  if [ "$restarts" != 0 ]; then
    text+="; restarts: $restarts"
    if [ "$last_code" != - ]; then text+=", last exit code $last_code"; fi
    if [ -n "$last_reason" ]; then text+=" ($last_reason)"; fi
  fi
  if [ "$kind" = init ]; then kind="init container"; else kind="container"; fi
  printf '  pod %s, %s %s: %s\n' "$pod" "$kind" "$name" "$text" >&2
  case "$state/$reason" in
    waiting/CreateContainerConfigError)
      case "$message" in
        *runAsNonRoot*"will run as root"*) hint root ;;
        *runAsNonRoot*"non-numeric user"*) hint non-numeric ;;
        *) hint config ;;
      esac ;;
    waiting/ErrImagePull | waiting/ImagePullBackOff | waiting/InvalidImageName | waiting/ErrImageNeverPull) hint image ;;
    waiting/CreateContainerError | waiting/RunContainerError | terminated/ContainerCannotRun | terminated/StartError) hint start ;;
    terminated/OOMKilled) hint oom ;;
    running/*)
      if [ "$ready" = true ]; then :
      elif [ "$started" = false ]; then hint startup
      else hint readiness
      fi ;;
  esac
  if [ "$restarts" != 0 ]; then
    case "$last_reason/$last_code" in
      OOMKilled/*) hint oom ;;
      */137 | */143) hint killed ;;
      *) hint crash "$pod" "$name" ;;
    esac
  fi
}

# On a failed rollout of the workload $1 (a $workload_kind), whose pods $2 selects: a line
# per container of each pod that is not ready, with hints; then the workload, its pods, and
# each unready pod described (their events). kubectl inside a loop reads /dev/null: a
# kubectl, or a KUBECTL wrapper, that reads its standard input would swallow what the loop
# reads.
report_failure() {
  local pods events kind f1 f2 f3 f4 f5 f6 f7 f8 f9 f10 f11 pod="" hints_shown="" name
  local unready=()
  pods=$(run_kubectl get pods --selector "$2" --output "go-template=$pod_report" </dev/null) || pods=""
  events=$(run_kubectl get events --field-selector involvedObject.kind=Pod,reason=Unhealthy \
    --output "go-template=$probe_events" 2>/dev/null) || events=""
  printf 'Pods that are not ready:\n' >&2
  while IFS=$'\t' read -r kind f1 f2 f3 f4 f5 f6 f7 f8 f9 f10 f11; do
    case "$kind" in
      pod)
        pod=""
        if [ "$f2" != '"True"' ]; then
          pod=${f1#\"} pod=${pod%\"}
          unready+=("$pod")
          if [ "$f3" = unscheduled ]; then
            f4=${f4#\"} f4=${f4%\"}
            printf '  pod %s: not scheduled (%s): %s\n' "$pod" "$f4" "$f5" >&2
            hint unscheduled
          fi
        fi
        ;;
      container)
        if [ -n "$pod" ]; then
          explain_container "$pod" "$f1" "$f2" "$f3" "$f4" "$f5" "$f6" "$f7" "$f8" "$f9" "$f10" "$f11"
        fi
        ;;
    esac
  done <<<"$pods"
  if [ -z "${unready[*]+set}" ]; then
    printf '  none found: the %s may have no pods yet (its conditions below say why)\n' "$workload_kind" >&2
  fi
  run_kubectl describe "$workload_resource" "$1" </dev/null >&2 || true
  run_kubectl get pods --selector "$2" --output wide </dev/null >&2 || true
  for name in ${unready[@]+"${unready[@]}"}; do
    run_kubectl describe pod -- "$name" </dev/null >&2 || true
  done
}
