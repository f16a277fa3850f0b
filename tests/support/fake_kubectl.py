"""A stand-in for kubectl, for running kstep's deploy scripts in tests.

It keeps the cluster's objects in a JSON file and implements the few commands the scripts
use, with the API's semantics where they matter:

- label selectors as the API evaluates them: `k=v`, `k==v`, `k!=v`, `k`, `!k`,
  `k in (a,b)`, `k notin (a,b)`; `k!=v` and `notin` also match objects without the key;
- a Deployment's `spec.selector` cannot change (the API answers "field is immutable");
- an object's namespace must match `--namespace` when both are given;
- `--dry-run=server` validates and changes nothing.

Environment:
  FAKE_KUBECTL_STATE         the JSON state file (required)
  FAKE_KUBECTL_FAIL_ROLLOUT  a Deployment name whose rollout times out ("*" for any); its pods
                             then report not ready to `get pods` until a rollout succeeds

Every invocation's arguments are appended to the state's "log", so tests can check what
reached a command line.
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


def pods(state, selector, namespace):
    """The pods the Deployments run, as `<deployment>-<template hash>-<i>`.

    After a failed rollout the new template's pods are not ready, and the previous
    template's pods (if the template changed) are still there and ready.
    """
    requirements = parse_selector(selector)
    for obj in state["objects"]:
        if obj["kind"] != "Deployment" or obj["metadata"].get("namespace") != (namespace or "default"):
            continue
        if not matches(obj["spec"]["template"]["metadata"].get("labels", {}), requirements):
            continue
        name = obj["metadata"]["name"]
        replicas = obj["spec"].get("replicas", 1)
        failed = state.get("unready") == name
        for i in range(replicas):
            yield f"{name}-{template_hash(obj)}-{i}", "False" if failed else "True"
        previous = state.get("previous", {}).get(name)
        if failed and previous:
            for i in range(replicas):
                yield f"{name}-{previous}-{i}", "True"


POD_READINESS = (
    'jsonpath={range .items[*]}{.metadata.name}{" "}'
    '{.status.conditions[?(@.type=="Ready")].status}{"\\n"}{end}'
)


def get_pods(state, selector, namespace, output):
    if output == "wide":
        for name, ready in pods(state, selector, namespace):
            print(f"{name}  {'1/1' if ready == 'True' else '0/1'}")
    elif output == POD_READINESS:
        for name, ready in pods(state, selector, namespace):
            print(f"{name} {ready}")
    else:
        fail(f"fake kubectl: unsupported output {output!r}")


def main(argv):
    state_path = os.environ["FAKE_KUBECTL_STATE"]
    # One kubectl at a time: deploy.sh pipes `get pods` into `describe pod`, and two
    # processes that load and save the state at once would lose one's changes. The lock is
    # held until the process exits.
    lock = open(state_path + ".lock", "w")  # noqa: SIM115 (held for the process's life)
    fcntl.flock(lock, fcntl.LOCK_EX)
    state = load_state(state_path)
    state["log"].append(argv)
    save_state(state_path, state)  # logged even if the command fails
    namespace, rest, options = None, [], {}
    i = 0
    while i < len(argv):
        arg = argv[i]
        if arg in ("--namespace", "--context", "--selector", "--timeout", "--output"):
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
            pass
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
