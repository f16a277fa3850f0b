"""A stand-in for kubectl, for running kstep's deploy scripts in tests.

It keeps the cluster's objects in a JSON file and implements the few commands the scripts
use, with the API's semantics where they matter:

- label selectors as the API evaluates them: `k=v`, `k==v`, `k!=v`, `k`, `!k`,
  `k in (a,b)`, `k notin (a,b)`; `k!=v` and `notin` also match objects without the key;
- a Deployment's `spec.selector` cannot change (the API answers "field is immutable");
- an object's namespace must match `--namespace` when both are given;
- `--dry-run=server` validates and changes nothing.

Pods are made up from the Deployments, `<deployment>-<template hash>-<i>`, with a `status` in
the API's shape (conditions, `initContainerStatuses`, `containerStatuses`). `get pods` prints
them as a table (`--output wide`), as JSON (`--output json`) or through deploy.sh's
go-template (compiler/emit/scripts/pod-report.gotmpl, read from there: any other template is
refused), rendered as kubectl renders it; `get events` likewise with probe-events.gotmpl.
tests/report.rs checks the rendering against the real kubectl.

Environment:
  FAKE_KUBECTL_STATE         the JSON state file (required)
  FAKE_KUBECTL_FAIL_ROLLOUT  a Deployment name whose rollout times out ("*" for any); its pods
                             then report not ready to `get pods` until a rollout succeeds
  FAKE_KUBECTL_FAIL_STATUS   the `status` of those pods, as JSON in the API's shape (default:
                             every container running but not ready, as with a failing
                             readiness probe)
  FAKE_KUBECTL_FAIL_EVENTS   events about each of those pods, a JSON list of
                             {"type", "reason", "message", "fieldPath"}: each becomes an Event
                             whose involvedObject is the pod

Every invocation's arguments are appended to the state's "log", so tests can check what
reached a command line, and to "raw_log" as the bytes they were, in hex (an argument need
not be UTF-8: a directory name, a context name).
"""
import fcntl
import hashlib
import json
import os
import re
import sys

import yaml

KINDS = {
    "endpointslices": "EndpointSlice",
    "deployments.apps": "Deployment",
    "deployments": "Deployment",
    "deployment": "Deployment",
    "configmaps": "ConfigMap",
    "secrets": "Secret",
    "services": "Service",
    "ingresses.networking.k8s.io": "Ingress",
    "endpointslices.discovery.k8s.io": "EndpointSlice",
    "pods": "Pod",
}


def fail(message, code=1):
    print(message, file=sys.stderr)
    sys.exit(code)


def load_state(path):
    if os.path.exists(path):
        with open(path, encoding="utf-8") as f:
            return json.load(f)
    return {"objects": [], "log": []}


def save_state(path, state):
    with open(path + ".tmp", "w", encoding="utf-8") as f:
        json.dump(state, f, indent=1, sort_keys=True)
    os.replace(path + ".tmp", path)


def parse_selector(text):
    """Requirements as (key, operator, values); operators: =, !=, in, notin, exists, !exists."""
    requirements = []
    # Split on commas outside parentheses.
    parts, depth, current = [], 0, ""
    for ch in text:
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
        if ch == "," and depth == 0:
            parts.append(current)
            current = ""
        else:
            current += ch
    parts.append(current)
    for part in (p.strip() for p in parts):
        if not part:
            fail(f"error: invalid selector {text!r}")
        m = re.fullmatch(r"(\S+)\s+(in|notin)\s+\(([^)]*)\)", part)
        if m:
            values = [v.strip() for v in m.group(3).split(",") if v.strip()]
            requirements.append((m.group(1), m.group(2), values))
        elif "!=" in part:
            key, value = part.split("!=", 1)
            requirements.append((key.strip(), "!=", [value.strip()]))
        elif "==" in part:
            key, value = part.split("==", 1)
            requirements.append((key.strip(), "=", [value.strip()]))
        elif "=" in part:
            key, value = part.split("=", 1)
            requirements.append((key.strip(), "=", [value.strip()]))
        elif part.startswith("!"):
            requirements.append((part[1:].strip(), "!exists", []))
        else:
            requirements.append((part, "exists", []))
    return requirements


def matches(labels, requirements):
    for key, op, values in requirements:
        present = key in labels
        value = labels.get(key)
        if op == "=" and not (present and value == values[0]):
            return False
        if op == "!=" and present and value == values[0]:
            return False
        if op == "in" and not (present and value in values):
            return False
        if op == "notin" and present and value in values:
            return False
        if op == "exists" and not present:
            return False
        if op == "!exists" and present:
            return False
    return True


def namespace_of(obj, flag_namespace):
    own = obj.get("metadata", {}).get("namespace")
    if own and flag_namespace and own != flag_namespace:
        fail(
            f'error: the namespace from the provided object "{own}" does not match '
            f'the namespace "{flag_namespace}". You must pass \'--namespace={own}\' to perform this operation.'
        )
    return own or flag_namespace or "default"


def find(state, kind, namespace, name):
    for obj in state["objects"]:
        meta = obj["metadata"]
        if obj["kind"] == kind and meta.get("namespace") == namespace and meta["name"] == name:
            return obj
    return None


def go_json(value):
    """JSON as Go's encoding/json writes it for kubectl: compact, map keys sorted, UTF-8 as
    it is, and <, > and & escaped."""
    text = json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def get_one(state, kind, name, namespace, options):
    """`get KIND NAME [--ignore-not-found] --output jsonpath={.a.b}`: like kubectl, a map or a
    list prints as JSON, anything else as text; a missing object is NotFound (exit 1) unless
    --ignore-not-found, which prints nothing."""
    obj = find(state, kind, namespace, name)
    if obj is None:
        if options.get("ignore-not-found"):
            return
        fail(f'Error from server (NotFound): {kind.lower()}s "{name}" not found')
    output = options.get("--output", "")
    m = re.fullmatch(r"jsonpath=\{((?:\.[A-Za-z]+)+)\}", output)
    if not m:
        fail(f"fake kubectl: unsupported output {output!r}")
    value = obj
    for key in m.group(1).split(".")[1:]:
        value = value.get(key) if isinstance(value, dict) else None
    if value is None:
        return
    print(go_json(value) if isinstance(value, (dict, list)) else value, end="")


def apply(state, files, namespace, dry_run):
    for path in files:
        with open(path, encoding="utf-8") as f:
            documents = [d for d in yaml.safe_load_all(f) if d]
        for obj in documents:
            obj = json.loads(json.dumps(obj))
            ns = namespace_of(obj, namespace)
            obj["metadata"]["namespace"] = ns
            kind, name = obj["kind"], obj["metadata"]["name"]
            existing = find(state, kind, ns, name)
            if kind == "Deployment" and existing is not None:
                if existing["spec"]["selector"] != obj["spec"]["selector"]:
                    fail(
                        f'The Deployment "{name}" is invalid: spec.selector: Invalid value: '
                        f'{json.dumps(obj["spec"]["selector"])}: field is immutable'
                    )
            suffix = " (server dry run)" if dry_run else ""
            resource = f"{kind.lower()}/{name}"
            if dry_run:
                print(f"{resource} {'configured' if existing else 'created'}{suffix}")
                continue
            if existing is not None:
                if kind == "Deployment" and keeps_old_pods(existing, obj):
                    state.setdefault("previous", {})[name] = template_hash(existing)
                state["objects"].remove(existing)
            state["objects"].append(obj)
            print(f"{resource} {'configured' if existing else 'created'}")


def delete(state, kinds, selector, namespace, dry_run):
    wanted = set()
    for kind in kinds.split(","):
        if kind not in KINDS:
            fail(f'error: the server doesn\'t have a resource type "{kind}"')
        wanted.add(KINDS[kind])
    requirements = parse_selector(selector)
    ns = namespace or "default"
    doomed = [
        obj
        for obj in state["objects"]
        if obj["kind"] in wanted
        and obj["metadata"].get("namespace") == ns
        and matches(obj["metadata"].get("labels") or {}, requirements)
    ]
    for obj in doomed:
        suffix = " (server dry run)" if dry_run else ""
        print(f'{obj["kind"].lower()} "{obj["metadata"]["name"]}" deleted{suffix}')
        if not dry_run:
            state["objects"].remove(obj)


def rollout_status(state, target, namespace):
    kind, _, name = target.partition("/")
    if KINDS.get(kind) != "Deployment":
        fail(f"error: unsupported rollout target {target}")
    if find(state, "Deployment", namespace or "default", name) is None:
        fail(f'Error from server (NotFound): deployments.apps "{name}" not found')
    failing = os.environ.get("FAKE_KUBECTL_FAIL_ROLLOUT", "")
    if failing in ("*", name):
        state["unready"] = name
        save_state(os.environ["FAKE_KUBECTL_STATE"], state)
        fail("error: timed out waiting for the condition")
    state.pop("unready", None)
    state.get("previous", {}).pop(name, None)
    print(f'deployment "{name}" successfully rolled out')


def template_hash(deployment):
    text = json.dumps(deployment["spec"]["template"], sort_keys=True)
    return hashlib.sha256(text.encode()).hexdigest()[:10]


def keeps_old_pods(existing, new):
    """A rolling update keeps the old ReplicaSet's pods until the rollout completes."""
    recreate = new["spec"].get("strategy", {}).get("type") == "Recreate"
    return not recreate and template_hash(existing) != template_hash(new)


SCRIPTS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "compiler", "emit", "scripts")


def go_template(name):
    with open(os.path.join(SCRIPTS, name), encoding="utf-8") as f:
        return "go-template=" + f.read()


POD_REPORT = go_template("pod-report.gotmpl")
PROBE_EVENTS = go_template("probe-events.gotmpl")


def container_names(deployment, init):
    spec = deployment["spec"]["template"]["spec"]
    return [c["name"] for c in spec.get("initContainers" if init else "containers", [])]


def status(deployment, ready):
    """A pod's status in the API's shape: ready, or as FAKE_KUBECTL_FAIL_STATUS says."""
    if not ready and os.environ.get("FAKE_KUBECTL_FAIL_STATUS"):
        return json.loads(os.environ["FAKE_KUBECTL_FAIL_STATUS"])
    word = "True" if ready else "False"
    conditions = [{"type": "PodScheduled", "status": "True"}, {"type": "Initialized", "status": "True"}]
    for kind in ("ContainersReady", "Ready"):
        condition = {"type": kind, "status": word}
        if not ready:
            condition.update(reason="ContainersNotReady", message="containers with unready status: [...]")
        conditions.append(condition)
    return {
        "phase": "Running",
        "conditions": conditions,
        "initContainerStatuses": [
            {"name": name, "ready": True, "started": False, "restartCount": 0,
             "state": {"terminated": {"exitCode": 0, "reason": "Completed"}}}
            for name in container_names(deployment, True)
        ],
        "containerStatuses": [
            {"name": name, "ready": ready, "started": True, "restartCount": 0,
             "state": {"running": {"startedAt": "2025-01-01T00:00:00Z"}}}
            for name in container_names(deployment, False)
        ],
    }


def pods(state, selector, namespace):
    """The pods the Deployments run, as `<deployment>-<template hash>-<i>`.

    After a failed rollout the new template's pods are not ready, and the previous
    template's pods (if the template changed) are still there and ready.
    """
    requirements = parse_selector(selector) if selector else []
    ns = namespace or "default"
    for obj in state["objects"]:
        if obj["kind"] != "Deployment" or obj["metadata"].get("namespace") != ns:
            continue
        labels = obj["spec"]["template"]["metadata"].get("labels", {})
        if not matches(labels, requirements):
            continue
        name = obj["metadata"]["name"]
        replicas = obj["spec"].get("replicas", 1)
        failed = state.get("unready") == name
        hashes = [(template_hash(obj), not failed)]
        previous = state.get("previous", {}).get(name)
        if failed and previous:
            hashes.append((previous, True))
        for pod_hash, ready in hashes:
            for i in range(replicas):
                yield {
                    "apiVersion": "v1",
                    "kind": "Pod",
                    "metadata": {"name": f"{name}-{pod_hash}-{i}", "namespace": ns, "labels": labels},
                    "status": status(obj, ready),
                }


def is_ready(pod):
    conditions = pod["status"].get("conditions", [])
    return any(c.get("type") == "Ready" and c.get("status") == "True" for c in conditions)


def events(state, namespace):
    """Events about the pods of a failed rollout, from FAKE_KUBECTL_FAIL_EVENTS."""
    given = json.loads(os.environ.get("FAKE_KUBECTL_FAIL_EVENTS") or "[]")
    for pod in pods(state, "", namespace):
        if is_ready(pod):
            continue
        for i, event in enumerate(given):
            yield {
                "apiVersion": "v1",
                "kind": "Event",
                "metadata": {"name": f'{pod["metadata"]["name"]}.{i:016x}', "namespace": pod["metadata"]["namespace"]},
                "involvedObject": {
                    "kind": "Pod",
                    "name": pod["metadata"]["name"],
                    "namespace": pod["metadata"]["namespace"],
                    "fieldPath": event["fieldPath"],
                },
                "type": event["type"],
                "reason": event["reason"],
                "message": event["message"],
            }


def field_selected(event, selector):
    """Field selectors on events: `path=value` terms, all required."""
    for term in filter(None, selector.split(",")):
        path, _, value = term.partition("=")
        found = event
        for part in path.split("."):
            found = found.get(part) if isinstance(found, dict) else None
        if found != value:
            return False
    return True


# Go's text/template, as far as the two templates use it.


def truthy(value):
    """Go templates' truth: false, 0, nil and empty strings, lists and maps are false."""
    return value not in (None, False, 0, "", [], {})


def go_quote(text):
    """Go's strconv.Quote, which printf "%q" applies to a string."""
    if not isinstance(text, str):
        fail(f"fake kubectl: %q of a {type(text).__name__} is not modelled")
    escapes = {"\a": "\\a", "\b": "\\b", "\f": "\\f", "\n": "\\n", "\r": "\\r", "\t": "\\t", "\v": "\\v"}
    out = ['"']
    for ch in text:
        code = ord(ch)
        if 0xD800 <= code <= 0xDFFF:  # JSON's lone surrogates: Go decodes them as U+FFFD
            ch, code = "\ufffd", 0xFFFD
        if ch in '"\\':
            out.append("\\" + ch)
        elif ch == " " or ch.isprintable():  # unicode.IsPrint: letters, marks, numbers, punctuation, symbols
            out.append(ch)
        elif ch in escapes:
            out.append(escapes[ch])
        elif code < 0x20 or code == 0x7F:
            out.append(f"\\x{code:02x}")
        elif code < 0x10000:
            out.append(f"\\u{code:04x}")
        else:
            out.append(f"\\U{code:08x}")
    out.append('"')
    return "".join(out)


def text(value):
    """{{template "text" .}}: the value quoted, or "" when empty or missing."""
    return go_quote(value) if truthy(value) else '""'


def number(value):
    """{{.}} of an integer; kubectl's objects hold integers as int64."""
    return "<no value>" if value is None else str(value)


def container_line(kind, c):
    state = c.get("state")
    fields = [text(c.get("name")), "true" if truthy(c.get("ready")) else "false",
              "false" if c.get("started") is False else "true",
              number(c["restartCount"]) if truthy(c.get("restartCount")) else "0"]
    if truthy(state) and truthy(state.get("waiting")):
        w = state["waiting"]
        fields += ["waiting", text(w.get("reason")), text(w.get("message")), "-"]
    elif truthy(state) and truthy(state.get("terminated")):
        t = state["terminated"]
        fields += ["terminated", text(t.get("reason")), text(t.get("message")), number(t.get("exitCode"))]
    elif truthy(state) and truthy(state.get("running")):
        fields += ["running", '""', '""', "-"]
    else:
        fields += ["unknown", '""', '""', "-"]
    last = (c.get("lastState") or {}).get("terminated")
    fields += [text(last.get("reason")), number(last.get("exitCode"))] if truthy(last) else ['""', "-"]
    return "\t".join(["container", kind] + fields) + "\n"


def pod_report(pod):
    ready, unscheduled = "Unknown", None
    for condition in pod["status"].get("conditions") or []:
        if condition["type"] == "Ready":
            ready = condition.get("status")
        if condition["type"] == "PodScheduled" and condition.get("status") == "False":
            unscheduled = condition
    line = ["pod", text(pod["metadata"]["name"]), text(ready)]
    if truthy(unscheduled):
        line += ["unscheduled", text(unscheduled.get("reason")), text(unscheduled.get("message"))]
    else:
        line += ["scheduled", '""', '""']
    out = "\t".join(line) + "\n"
    for c in pod["status"].get("initContainerStatuses") or []:
        out += container_line("init", c)
    for c in pod["status"].get("containerStatuses") or []:
        out += container_line("app", c)
    return out


def probe_event_line(event):
    involved = event.get("involvedObject")
    if truthy(involved):
        head = [text(involved.get("name")), text(involved.get("fieldPath"))]
    else:
        head = ['""', '""']
    return "\t".join(head + [text(event.get("message"))]) + "\n"


def get_pods(state, selector, namespace, output):
    found = list(pods(state, selector, namespace))
    if output == "wide":
        for pod in found:
            print(f'{pod["metadata"]["name"]}  {"1/1" if is_ready(pod) else "0/1"}')
    elif output == "json":
        print(json.dumps({"apiVersion": "v1", "kind": "List", "items": found}, indent=4))
    elif output == POD_REPORT:
        # The template's text after its last action is a newline.
        sys.stdout.write("".join(pod_report(pod) for pod in found) + "\n")
    else:
        fail(f"fake kubectl: unsupported output {output!r}")


def get_events(state, selector, namespace, output):
    found = [e for e in events(state, namespace) if field_selected(e, selector)]
    if output == PROBE_EVENTS:
        sys.stdout.write("".join(probe_event_line(e) for e in found) + "\n")
    elif output == "json":
        print(json.dumps({"apiVersion": "v1", "kind": "List", "items": found}, indent=4))
    else:
        fail(f"fake kubectl: unsupported output {output!r}")


def main(argv):
    state_path = os.environ["FAKE_KUBECTL_STATE"]
    # One kubectl at a time: two processes that load and save the state at once would lose
    # one's changes. The lock is held until the process exits.
    lock = open(state_path + ".lock", "w")  # noqa: SIM115 (held for the process's life)
    fcntl.flock(lock, fcntl.LOCK_EX)
    state = load_state(state_path)
    state.setdefault("raw_log", []).append([os.fsencode(arg).hex() for arg in argv])
    # Arguments that are not UTF-8 (Python holds their bytes as lone surrogates, which JSON
    # cannot keep) are logged and used with U+FFFD in their place, but file names are opened
    # as they are.
    lossy = [os.fsencode(arg).decode("utf-8", "replace") for arg in argv]
    state["log"].append(lossy)
    argv = [arg if argv[i - 1 : i] == ["--filename"] else lossy[i] for i, arg in enumerate(argv)]
    save_state(state_path, state)  # logged even if the command fails
    namespace, rest, options = None, [], {}
    i = 0
    while i < len(argv):
        arg = argv[i]
        if arg in ("--namespace", "--context", "--selector", "--field-selector", "--timeout", "--output"):
            options[arg] = argv[i + 1]
            i += 2
            continue
        if arg == "--filename":
            options.setdefault("--filename", []).append(argv[i + 1])
            i += 2
            continue
        if arg.startswith("--timeout="):
            options["--timeout"] = arg.split("=", 1)[1]
        elif arg == "--dry-run=server":
            options["dry-run"] = True
        elif arg == "--ignore-not-found":
            options["ignore-not-found"] = True
        elif arg == "--":  # the end of the options
            rest.extend(argv[i + 1:])
            break
        elif arg.startswith("--"):
            fail(f"error: unknown flag: {arg}")
        else:
            rest.append(arg)
        i += 1
    namespace = options.get("--namespace")
    dry_run = options.get("dry-run", False)
    verb = rest[0] if rest else ""
    if verb == "apply":
        apply(state, options.get("--filename", []), namespace, dry_run)
    elif verb == "delete":
        delete(state, rest[1], options["--selector"], namespace, dry_run)
    elif verb == "rollout" and rest[1:2] == ["status"]:
        rollout_status(state, rest[2], namespace)
    elif verb == "get" and rest[1] == "pods":
        get_pods(state, options.get("--selector", ""), namespace, options.get("--output", ""))
    elif verb == "get" and rest[1] == "events":
        get_events(state, options.get("--field-selector", ""), namespace, options.get("--output", ""))
    elif verb == "get" and len(rest) == 3:
        get_one(state, KINDS.get(rest[1], rest[1]), rest[2], namespace, options)
    elif verb in ("get", "describe"):
        kind = KINDS.get(rest[1], rest[1])
        for obj in state["objects"]:
            if obj["kind"] == kind:
                print(f'{kind.lower()}/{obj["metadata"]["name"]}')
    else:
        fail(f"fake kubectl: unsupported command {argv}")
    save_state(state_path, state)


if __name__ == "__main__":
    main(sys.argv[1:])
