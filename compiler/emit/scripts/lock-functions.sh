
utc_now() {
  date -u +%Y-%m-%dT%H:%M:%S.000000Z
}

# Seconds since the epoch of a time as the API writes it (RFC 3339 in UTC), or nothing. GNU
# date, else BSD date.
epoch_of() {
  local time=${1%Z}
  time=${time%%.*}
  case "$time" in
    [0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9]) ;;
    *) return 0 ;;
  esac
  date -u -d "${time}Z" +%s 2>/dev/null || date -u -j -f %Y-%m-%dT%H:%M:%S "$time" +%s 2>/dev/null || true
}

# Reads the Lease into lease_version (its resourceVersion), lease_duration, lease_acquired,
# lease_renewed and lease_holder: all empty when there is none, the holder empty when it was
# released.
read_lease() {
  local record
  record=$(run_kubectl get lease "$lock_name" --ignore-not-found --output "$lease_fields" </dev/null) || return 1
  IFS=, read -r lease_version lease_duration lease_acquired lease_renewed lease_holder <<<"$record"
  case "$lease_version" in *[!A-Za-z0-9]*) lease_version="" ;; esac
}

# Whether the Lease read last has expired: not renewed within its duration.
lease_expired() {
  local renewed
  renewed=$(epoch_of "${lease_renewed:-$lease_acquired}")
  case "$lease_duration" in '' | *[!0-9]*) return 0 ;; esac
  [ -z "$renewed" ] || [ "$(date +%s)" -gt $((renewed + lease_duration)) ]
}

# The Lease as JSON: $1 the resourceVersion read (none to create it), $2 the holder (none:
# released), $3 when it was taken, $4 when it was renewed. Names are DNS names, and the holder
# and times are made of characters that need no escaping.
lease_json() {
  local version="" holder=""
  if [ -n "$1" ]; then version=",\"resourceVersion\":\"$1\""; fi
  if [ -n "$2" ]; then holder=",\"holderIdentity\":\"$2\",\"acquireTime\":\"$3\""; fi
  printf '{"apiVersion":"coordination.k8s.io/v1","kind":"Lease","metadata":{"name":"%s","labels":{"kstep.dev/step":"%s"}%s},"spec":{"leaseDurationSeconds":%s,"renewTime":"%s"%s}}\n' \
    "$lock_name" "$step_id" "$version" "$lock_duration" "$4" "$holder"
}

# Creates (`create`) or replaces (`replace`) the Lease, from lease_json's arguments, and prints
# its new resourceVersion. Returns 1 when another run wrote it first (it exists, changed since
# it was read, or is gone), 2 after printing any other error.
write_lease() {
  local verb=$1 out
  shift
  if out=$(lease_json "$@" | run_kubectl "$verb" --filename - --output 'jsonpath={.metadata.resourceVersion}' 2>&1); then
    printf '%s' "${out##*$'\n'}"
    return 0
  fi
  case "$out" in
    *'(AlreadyExists)'* | *'(Conflict)'* | *'(NotFound)'*) return 1 ;;
  esac
  printf '%s\n' "$out" >&2
  return 2
}

# Takes the lock, waiting up to --lock-timeout seconds while another run holds it; then starts
# the renewer. A dry run changes nothing, so it takes no lock: it says who holds it.
take_lock() {
  local start now version status said=""
  if "$dry_run"; then
    read_lease
    if [ -n "$lease_holder" ] && ! lease_expired; then
      printf 'dry run: the deployment lock is not taken; lease/%s is held by %s since %s\n' "$lock_name" "$lease_holder" "${lease_acquired:-?}"
    else
      printf 'dry run: the deployment lock (lease/%s) is not taken\n' "$lock_name"
    fi
    return 0
  fi
  start=$(date +%s)
  while :; do
    read_lease
    now=$(utc_now)
    status=0
    if [ -z "$lease_version" ]; then
      version=$(write_lease create "" "$lock_holder" "$now" "$now") || status=$?
    elif [ -z "$lease_holder" ] || lease_expired; then
      if [ -n "$lease_holder" ]; then
        printf 'The deployment lock of %s expired (last renewed %s): taking it over\n' "$lease_holder" "${lease_renewed:-?}"
      fi
      version=$(write_lease replace "$lease_version" "$lock_holder" "$now" "$now") || status=$?
    else
      # Whole seconds: more than the timeout apart, at least the timeout has passed.
      if [ "$lock_timeout" -eq 0 ] || [ $(($(date +%s) - start)) -gt "$lock_timeout" ]; then
        lock_busy
      fi
      if [ "$said" != "$lease_holder" ]; then
        printf 'Waiting up to %s s for the deployment lock: lease/%s is held by %s since %s\n' "$lock_timeout" "$lock_name" "$lease_holder" "${lease_acquired:-?}"
        said=$lease_holder
      fi
      waiting sleep 2
      continue
    fi
    case "$status" in
      0) break ;;
      2) exit 1 ;;
    esac
  done
  lock_held=true
  printf 'Deployment lock: lease/%s, held as %s\n' "$lock_name" "$lock_holder"
  renew_lock "$version" "$now" &
  renewer=$!
}

# Another run held the lock for all of --lock-timeout.
lock_busy() {
  {
    printf 'deploy.sh: another run holds the deployment lock lease/%s: %s, since %s (last renewed %s)\n' \
      "$lock_name" "$lease_holder" "${lease_acquired:-?}" "${lease_renewed:-?}"
    printf 'deploy.sh: waited %s s (--lock-timeout); nothing was changed\n' "$lock_timeout"
    printf 'deploy.sh: if no run of this step is going on, the lock expires %s s after its last renewal; or remove it now: %s unlock --force\n' \
      "${lease_duration:-?}" "$0"
  } >&2
  exit 5
}

# In the background: renews the lock every third of its duration, with the resourceVersion it
# wrote last, until the script stops it (or is gone). If another run took the lock over
# meanwhile (renewals failed for a whole duration), it stops the script with SIGUSR1.
renew_lock() {
  local version=$1 acquired=$2 next sleeper=""
  trap 'if [ -n "$sleeper" ]; then kill "$sleeper" 2>/dev/null; fi; exit 0' TERM
  while :; do
    sleep $((lock_duration / 3)) &
    sleeper=$!
    wait "$sleeper" || true
    sleeper=""
    kill -0 "$$" 2>/dev/null || exit 0
    if next=$(write_lease replace "$version" "$lock_holder" "$acquired" "$(utc_now)" </dev/null); then
      version=$next
    elif [ $? -eq 1 ]; then
      printf 'deploy.sh: lost the deployment lock lease/%s to another run\n' "$lock_name" >&2
      kill -USR1 "$$"
      exit 0
    fi
  done
}

# Releases the lock if this run holds it: the renewer stops, and the Lease is replaced, with
# the resourceVersion read, by one without a holder.
release_lock() {
  local status
  "$lock_held" || return 0
  lock_held=false
  if [ -n "$renewer" ]; then
    kill "$renewer" 2>/dev/null || true
    wait "$renewer" 2>/dev/null || true
    renewer=""
  fi
  for _ in 1 2 3; do
    read_lease || break
    if [ "$lease_holder" != "$lock_holder" ]; then return 0; fi
    status=0
    write_lease replace "$lease_version" "" "" "$(utc_now)" >/dev/null || status=$?
    case "$status" in
      0) return 0 ;;
      2) break ;;
    esac
  done
  printf 'deploy.sh: could not release the deployment lock lease/%s; it expires %s s after its last renewal, or remove it: %s unlock --force\n' \
    "$lock_name" "$lock_duration" "$0" >&2
}

# Says who holds the lock, for `status`.
show_lock() {
  read_lease
  if [ -z "$lease_holder" ]; then
    printf 'Lock: free (lease/%s)\n' "$lock_name"
  elif lease_expired; then
    printf 'Lock: expired: lease/%s was held by %s since %s, last renewed %s; the next run takes it over\n' \
      "$lock_name" "$lease_holder" "${lease_acquired:-?}" "${lease_renewed:-?}"
  else
    printf 'Lock: held by %s since %s (lease/%s, last renewed %s, valid %s s from then)\n' \
      "$lease_holder" "${lease_acquired:-?}" "$lock_name" "${lease_renewed:-?}" "${lease_duration:-?}"
  fi
}

