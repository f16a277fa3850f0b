"""A stand-in for kubectl, for running kstep's deploy scripts in tests.

It keeps the cluster's objects in a JSON file and implements the commands the scripts use,
with the API server's semantics where the scripts depend on them:

- label selectors as the API evaluates them: `k=v`, `k==v`, `k!=v`, `k`, `!k`,
  `k in (a,b)`, `k notin (a,b)`; `k!=v` and `notin` also match objects without the key;
- every write gives the object a new `metadata.resourceVersion`; `create` fails with
  AlreadyExists on an existing object; `replace` fails with NotFound on a missing one, and
  with Conflict when the object carries a resourceVersion other than the stored one;
- `apply` is kubectl's client-side apply: a three-way merge of the object as last applied,
  the live object and the manifest, so a field the manifest did not change since it was last
  applied keeps its live value (a Deployment scaled by `scale` or `patch` keeps its
  replicas), and a field dropped from the manifest is removed;
- `patch --type=merge` is a JSON merge patch (RFC 7386) on the live object, `patch --local`
  one on a file's object, printed; `scale` sets `spec.replicas`; annotations, labels and a
  Service's selector must hold strings, replicas an integer, a Lease's times MicroTime;
- a Deployment's `spec.selector` cannot change (the API answers "field is immutable");
- an object's namespace must match `--namespace` when both are given;
- `--dry-run=server` validates and changes nothing;
- `get -o jsonpath=...` as kubectl's JSONPath prints it (fields with `\.` in keys, literal
  text, `{"\n"}`, `{range .items[*]}...{end}`; missing keys print nothing), `-o name`.

StatefulSets, DaemonSets, Jobs and CronJobs are kept like Deployments: `rollout status` of a
StatefulSet or DaemonSet (refused under OnDelete, as kubectl refuses it), the StatefulSet
fields that cannot change, a DaemonSet's immutable selector; a Job gets the selector and pod
labels the API server gives it, its pod template cannot change, and its status comes from its
run (see FAKE_KUBECTL_FAIL_JOB and FAKE_KUBECTL_JOB_POLLS); `logs POD --tail=N`.

Pods are made up from the Deployments, `<deployment>-<template hash>-<i>`, `spec.replicas` of
them (a StatefulSet's `<name>-<ordinal>`, a DaemonSet's on two nodes, a Job's `<job>-<i>`), with a `status` in the API's shape (conditions, `initContainerStatuses`,
`containerStatuses`); a Deployment's `status` counts its ready pods. `get pods` prints them
as a table (`--output wide`), as JSON (`--output json`) or through deploy.sh's go-template
(compiler/emit/scripts/pod-report.gotmpl, read from there: any other template is refused),
rendered as kubectl renders it; `get events` likewise with probe-events.gotmpl.
tests/report.rs checks the rendering against the real kubectl.

Environment:
  FAKE_KUBECTL_STATE           the JSON state file (required)
  FAKE_KUBECTL_FAIL_ROLLOUT    a Deployment name whose rollout times out ("*" for any); its
                               pods then report not ready to `get pods` until a rollout
                               succeeds
  FAKE_KUBECTL_FAIL_STATUS     the `status` of those pods, as JSON in the API's shape
                               (default: every container running but not ready, as with a
                               failing readiness probe)
  FAKE_KUBECTL_FAIL_EVENTS     events about each of those pods, a JSON list of
                               {"type", "reason", "message", "fieldPath"}: each becomes an
                               Event whose involvedObject is the pod
  FAKE_KUBECTL_ROLLOUT_SECONDS `rollout status` takes this long (the state is not locked
                               meanwhile, so other kubectl calls go on)
  FAKE_KUBECTL_LAGGING_READS   a Deployment created by `apply` is not found by the first N
                               `get deployment NAME` and `rollout status` calls, as when an
                               API server's cache lags behind a write
  FAKE_KUBECTL_FAIL_COMMAND    a regular expression: a call whose arguments, joined by
                               spaces, match it fails as the API server fails a request
  FAKE_KUBECTL_UNREACHABLE     every call fails as kubectl fails when no API server answers
                               at the context's address (connection refused)
  FAKE_KUBECTL_FAIL_JOB        a prefix of the names of Jobs that fail ("*" for any): their
                               condition Failed (BackoffLimitExceeded), backoffLimit + 1 failed
                               pods (exit code 1); other Jobs complete
  FAKE_KUBECTL_JOB_POLLS       a Job created by `apply` runs (status `active`) for this many
                               reads (`get job`) before it completes or fails (default 0)
  FAKE_KUBECTL_LOGS            the log lines of every pod (default: 30 lines naming the pod)
  FAKE_KUBECTL_NO_GATEWAY_API  the cluster does not serve the Gateway API (its CRDs are not
                               installed): `api-resources --api-group=gateway.networking.k8s.io`
                               lists nothing, and HTTPRoutes cannot be applied, got or deleted
  FAKE_KUBECTL_LEASE_RACE      another client writes the Lease just before the first
                               `create` or `replace` of one (once per state): it holds it as
                               "racer/1/other" for 2 s, so that write fails (AlreadyExists,
                               Conflict)

HTTPRoutes get a `status` when read, as a Gateway controller would write it: for each parent
that is a Gateway in the state (kind Gateway, added by a test), an entry with `Accepted`
(False, NoMatchingParent, when `sectionName` names no listener; False,
NotAllowedByListeners, when no listener allows routes from the route's namespace: a
listener's `allowedRoutes.namespaces.from` is `Same` by default or `All`; `Selector` is not
modelled and allows none) and `ResolvedRefs` (False, BackendNotFound, when a backend
Service does not exist). A parent that is not a Gateway of the state gets no entry, as no
controller reports on it. `api-resources --api-group=G --output name` lists the resources of
the groups the stand-in knows.

Every invocation's arguments are appended to the state's "log", with the time in "times", so
tests can check what reached a command line and when, and to "raw_log" as the bytes they
were, in hex (an argument need not be UTF-8: a directory name, a context name).
"""
import copy
import fcntl
import hashlib
import json
import os
import re
import sys
import time

import yaml

KINDS = {
    "endpointslices": "EndpointSlice",
    "deployments.apps": "Deployment",
    "deployments": "Deployment",
    "deployment": "Deployment",
    "configmaps": "ConfigMap",
    "configmap": "ConfigMap",
    "secrets": "Secret",
    "secret": "Secret",
    "services": "Service",
    "service": "Service",
    "ingresses.networking.k8s.io": "Ingress",
    "endpointslices.discovery.k8s.io": "EndpointSlice",
    "pods": "Pod",
    "lease": "Lease",
    "leases": "Lease",
    "leases.coordination.k8s.io": "Lease",
    "statefulsets.apps": "StatefulSet",
    "statefulsets": "StatefulSet",
    "statefulset": "StatefulSet",
    "daemonsets.apps": "DaemonSet",
    "daemonsets": "DaemonSet",
    "daemonset": "DaemonSet",
    "jobs.batch": "Job",
    "jobs": "Job",
    "job": "Job",
    "cronjobs.batch": "CronJob",
    "cronjobs": "CronJob",
    "cronjob": "CronJob",
    "poddisruptionbudgets.policy": "PodDisruptionBudget",
    "poddisruptionbudget": "PodDisruptionBudget",
    "horizontalpodautoscalers.autoscaling": "HorizontalPodAutoscaler",
    "horizontalpodautoscaler": "HorizontalPodAutoscaler",
    "hpa": "HorizontalPodAutoscaler",
    "httproutes.gateway.networking.k8s.io": "HTTPRoute",
    "httproute": "HTTPRoute",
    "httproutes": "HTTPRoute",
    "gateways.gateway.networking.k8s.io": "Gateway",
    "gateway": "Gateway",
}

# What `api-resources --api-group=G --output name` lists, per group.
API_GROUPS = {
    "apps": ["controllerrevisions.apps", "daemonsets.apps", "deployments.apps", "replicasets.apps", "statefulsets.apps"],
    "policy": ["poddisruptionbudgets.policy"],
    "autoscaling": ["horizontalpodautoscalers.autoscaling"],
    "gateway.networking.k8s.io": [
        "backendtlspolicies.gateway.networking.k8s.io",
        "gatewayclasses.gateway.networking.k8s.io",
        "gateways.gateway.networking.k8s.io",
        "grpcroutes.gateway.networking.k8s.io",
        "httproutes.gateway.networking.k8s.io",
        "referencegrants.gateway.networking.k8s.io",
    ],
}
GATEWAY_KINDS = ("HTTPRoute", "Gateway")


def gateway_api_served():
    return not os.environ.get("FAKE_KUBECTL_NO_GATEWAY_API")


def route_status(state, route):
    """The status a Gateway controller writes on an HTTPRoute (see the module's docs)."""
    ns = route["metadata"]["namespace"]
    services = {o["metadata"]["name"] for o in state["objects"] if o["kind"] == "Service" and o["metadata"].get("namespace") == ns}
    missing = [
        b["name"]
        for rule in route.get("spec", {}).get("rules", [])
        for b in rule.get("backendRefs", [])
        if b.get("kind", "Service") == "Service" and b.get("group", "") == "" and b["name"] not in services
    ]
    resolved = {"type": "ResolvedRefs", "status": "True", "reason": "ResolvedRefs", "message": "Resolved all the Object references for the Route"}
    if missing:
        resolved = {"type": "ResolvedRefs", "status": "False", "reason": "BackendNotFound", "message": f'Service "{missing[0]}" not found'}
    parents = []
    for ref in route.get("spec", {}).get("parentRefs", []):
        gateway_ns = ref.get("namespace", ns)
        gateway = find(state, "Gateway", gateway_ns, ref["name"])
        if gateway is None:
            continue
        listeners = gateway.get("spec", {}).get("listeners", [])
        if "sectionName" in ref:
            listeners = [l for l in listeners if l.get("name") == ref["sectionName"]]
        def allows(listener):
            allowed = listener.get("allowedRoutes", {}).get("namespaces", {}).get("from", "Same")
            return allowed == "All" or (allowed == "Same" and gateway_ns == ns)

        allowing = [l for l in listeners if allows(l)]
        accepted = {"type": "Accepted", "status": "True", "reason": "Accepted", "message": "Route is accepted"}
        if not listeners:
            accepted = {"type": "Accepted", "status": "False", "reason": "NoMatchingParent", "message": f'Gateway has no listener named "{ref.get("sectionName")}"'}
        elif not allowing:
            accepted = {"type": "Accepted", "status": "False", "reason": "NotAllowedByListeners", "message": f"no listener of the Gateway allows routes from namespace {ns}"}
        parents.append({"parentRef": ref, "controllerName": "example.com/gateway-controller", "conditions": [accepted, resolved]})
    return {"parents": parents}


# How kubectl names a kind's resource in its messages.
RESOURCES = {
    "Deployment": "deployments.apps",
    "Ingress": "ingresses.networking.k8s.io",
    "EndpointSlice": "endpointslices.discovery.k8s.io",
    "Lease": "leases.coordination.k8s.io",
    "StatefulSet": "statefulsets.apps",
    "DaemonSet": "daemonsets.apps",
    "Job": "jobs.batch",
    "CronJob": "cronjobs.batch",
    "PodDisruptionBudget": "poddisruptionbudgets.policy",
    "HorizontalPodAutoscaler": "horizontalpodautoscalers.autoscaling",
    "HTTPRoute": "httproutes.gateway.networking.k8s.io",
    "Gateway": "gateways.gateway.networking.k8s.io",
}

# The workload kinds that run pods from `spec.template` (a CronJob's run only on its schedule).
WORKLOADS = ("Deployment", "StatefulSet", "DaemonSet", "Job")


def resource(kind):
    return RESOURCES.get(kind, kind.lower() + "s")


def singular(kind):
    """`deployment.apps/web`, as kubectl prints an object it changed."""
    group = resource(kind).partition(".")[2]
    return kind.lower() + ("." + group if group else "")


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


def key_of(kind, namespace, name):
    return f"{kind}/{namespace}/{name}"


def go_json(value):
    """JSON as Go's encoding/json writes it for kubectl: compact, map keys sorted, UTF-8 as
    it is, and <, > and & escaped."""
    text = json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


# kubectl's JSONPath (k8s.io/client-go/util/jsonpath), as far as deploy.sh uses it.


def jsonpath_tokens(template):
    """Literal text and `{...}` actions, in order."""
    tokens, i = [], 0
    while i < len(template):
        start = template.find("{", i)
        if start < 0:
            tokens.append(("text", template[i:]))
            break
        if start > i:
            tokens.append(("text", template[i:start]))
        end, depth, quoted = start + 1, 1, False
        while depth:
            if end >= len(template):
                fail(f"error: error parsing jsonpath {template}, unclosed action")
            ch = template[end]
            if quoted:
                if ch == "\\":
                    end += 1
                elif ch == '"':
                    quoted = False
            elif ch == '"':
                quoted = True
            elif ch == "{":
                depth += 1
            elif ch == "}":
                depth -= 1
            end += 1
        tokens.append(("action", template[start + 1 : end - 1].strip()))
        i = end
    return tokens


def jsonpath_fields(path):
    """`.a.b\\.c[*]` as ["a", "b.c", "[*]"]."""
    if not path.startswith("."):
        fail(f"fake kubectl: unsupported jsonpath {path!r}")
    fields, current, i = [], "", 1
    while i < len(path):
        ch = path[i]
        if ch == "\\" and i + 1 < len(path):
            current += path[i + 1]
            i += 2
            continue
        if ch == ".":
            fields.append(current)
            current = ""
        elif ch == "[":
            if current:
                fields.append(current)
            close = path.index("]", i)
            fields.append(path[i : close + 1])
            current = ""
            i = close + 1
            if i < len(path) and path[i] == ".":
                i += 1
            continue
        else:
            current += ch
        i += 1
    if current:
        fields.append(current)
    return fields


def jsonpath_values(value, path):
    values = [value]
    for field in jsonpath_fields(path):
        found = []
        for v in values:
            if field == "[*]":
                if isinstance(v, list):
                    found.extend(v)
            elif isinstance(v, dict) and field in v:
                found.append(v[field])
        values = found
    return values


def jsonpath_text(value):
    if isinstance(value, (dict, list)):
        return go_json(value)
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def jsonpath(template, value):
    out = []

    def run(tokens, current):
        i = 0
        while i < len(tokens):
            kind, text = tokens[i]
            if kind == "text":
                out.append(text)
            elif text.startswith('"'):
                out.append(json.loads(text))
            elif text.startswith("range "):
                depth, j = 1, i + 1
                while depth:
                    if j >= len(tokens):
                        fail("error: error parsing jsonpath, not in range")
                    if tokens[j] == ("action", "end"):
                        depth -= 1
                    elif tokens[j][0] == "action" and tokens[j][1].startswith("range "):
                        depth += 1
                    j += 1
                for item in jsonpath_values(current, text[len("range ") :].strip()):
                    run(tokens[i + 1 : j - 1], item)
                i = j
                continue
            else:
                out.append(" ".join(jsonpath_text(v) for v in jsonpath_values(current, text)))
            i += 1

    run(jsonpath_tokens(template), value)
    return "".join(out)


def print_object(obj, output, state, live=True):
    """An object as `--output` asks: jsonpath=..., name, json; a live one as the API server
    returns it."""
    if live:
        obj = shown(obj, state)
    if output.startswith("jsonpath="):
        sys.stdout.write(jsonpath(output[len("jsonpath=") :], obj))
    elif output == "name":
        print(f'{singular(obj["kind"])}/{obj["metadata"]["name"]}')
    elif output == "json":
        print(json.dumps(obj, indent=4))
    else:
        fail(f"fake kubectl: unsupported output {output!r}")


def shown(obj, state):
    """An object as the API server returns it: a Deployment or a Job with its status, an
    HTTPRoute with its Gateway controllers' status."""
    if obj.get("kind") == "HTTPRoute":
        obj = copy.deepcopy(obj)
        obj["status"] = route_status(state, obj)
        return obj
    if obj.get("kind") == "Job":
        obj = copy.deepcopy(obj)
        obj["status"] = job_status(state, obj, read=True)
        return obj
    if obj.get("kind") != "Deployment" or "spec" not in obj or "template" not in obj["spec"]:
        return obj
    obj = copy.deepcopy(obj)
    made = [p for p in pods(state, "", obj["metadata"].get("namespace")) if p["metadata"]["name"].startswith(obj["metadata"]["name"] + "-")]
    ready = sum(1 for p in made if is_ready(p))
    status = {"replicas": len(made)}
    if ready:
        status["readyReplicas"] = ready
        status["availableReplicas"] = ready
    obj["status"] = status
    return obj


def lagging(state, obj):
    """Whether this read of a Deployment just created is one the API's cache misses."""
    key = key_of(obj["kind"], obj["metadata"]["namespace"], obj["metadata"]["name"])
    left = state.get("lagging", {}).get(key, 0)
    if left > 0:
        state["lagging"][key] = left - 1
        save_state(os.environ["FAKE_KUBECTL_STATE"], state)  # kept though this call fails
        return True
    return False


def get_one(state, kind, name, namespace, options):
    """`get KIND NAME [--ignore-not-found] [--output ...]`: a missing object is NotFound
    (exit 1) unless --ignore-not-found, which prints nothing."""
    if kind in GATEWAY_KINDS and not gateway_api_served():
        fail(f'error: the server doesn\'t have a resource type "{kind.lower()}"')
    obj = find(state, kind, namespace or "default", name)
    if obj is not None and kind == "Deployment" and lagging(state, obj):
        obj = None
    if obj is None:
        if options.get("ignore-not-found"):
            return
        fail(f'Error from server (NotFound): {resource(kind)} "{name}" not found')
    output = options.get("--output", "")
    if not output:
        print(f'NAME\n{obj["metadata"]["name"]}')
        return
    print_object(obj, output, state)


def get_list(state, kind, namespace, options):
    """`get KIND [--selector S] [--output ...]`: the objects of the namespace it selects."""
    requirements = parse_selector(options["--selector"]) if options.get("--selector") else []
    ns = namespace or "default"
    found = [
        o
        for o in state["objects"]
        if o["kind"] == kind
        and o["metadata"].get("namespace") == ns
        and matches(o["metadata"].get("labels") or {}, requirements)
    ]
    output = options.get("--output", "")
    if output.startswith("jsonpath="):
        items = [shown(o, state) for o in found]
        listing = {"apiVersion": "v1", "kind": "List", "items": items, "metadata": {"resourceVersion": ""}}
        sys.stdout.write(jsonpath(output[len("jsonpath=") :], listing))
    elif output == "name":
        for o in found:
            print(f'{singular(kind)}/{o["metadata"]["name"]}')
    elif output:
        fail(f"fake kubectl: unsupported output {output!r}")
    elif not found:
        print(f"No resources found in {ns} namespace.", file=sys.stderr)
    else:
        print("NAME")
        for o in found:
            print(o["metadata"]["name"])


# Standard input, read before the state is locked: the command writing it may be a kubectl
# waiting for the lock (`kubectl patch --local ... | kubectl apply --filename -`).
STDIN = None


def read_documents(paths):
    documents = []
    for path in paths:
        if path == "-":
            documents.extend(d for d in yaml.safe_load_all(STDIN or "") if d)
            continue
        with open(path, encoding="utf-8") as f:
            documents.extend(d for d in yaml.safe_load_all(f) if d)
    return [json.loads(json.dumps(d)) for d in documents]


def where(paths):
    return "STDIN" if paths == ["-"] else paths[0]


def merge_patch(target, patch):
    """RFC 7386."""
    if not isinstance(patch, dict):
        return copy.deepcopy(patch)
    result = copy.deepcopy(target) if isinstance(target, dict) else {}
    for key, value in patch.items():
        if value is None:
            result.pop(key, None)
        else:
            result[key] = merge_patch(result.get(key), value)
    return result


def three_way(last, live, new):
    """kubectl apply's merge: what the manifest changed since it was last applied goes onto
    the live object; what it dropped is removed; the rest of the live object stays. Maps
    merge key by key; any other value is replaced whole."""
    if not isinstance(new, dict) or not isinstance(live, dict):
        return copy.deepcopy(new) if new != last else copy.deepcopy(live)
    last = last if isinstance(last, dict) else {}
    result = copy.deepcopy(live)
    for key in last:
        if key not in new:
            result.pop(key, None)
    for key, value in new.items():
        if key not in result:
            result[key] = copy.deepcopy(value)
        elif key not in last:
            result[key] = three_way({}, result[key], value) if isinstance(value, dict) else copy.deepcopy(value)
        else:
            result[key] = three_way(last[key], result[key], value)
    return result


MICRO_TIME = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z")


def validate(obj, verb, paths):
    """What the API server checks that the scripts could get wrong."""
    kind, name, meta = obj["kind"], obj["metadata"]["name"], obj["metadata"]
    for field in ("labels", "annotations"):
        for key, value in (meta.get(field) or {}).items():
            if not isinstance(value, str):
                fail(f'Error from server (BadRequest): error when {verb} "{where(paths)}": json: cannot unmarshal {type(value).__name__} into Go struct field ObjectMeta.metadata.{field} of type string')
    if kind == "Service":
        for key, value in ((obj.get("spec") or {}).get("selector") or {}).items():
            if not isinstance(value, str):
                fail(f'Error from server (BadRequest): json: cannot unmarshal into Go struct field ServiceSpec.spec.selector of type string')
    if kind == "Deployment":
        replicas = obj["spec"].get("replicas", 1)
        if not isinstance(replicas, int) or isinstance(replicas, bool) or replicas < 0:
            fail(f'The Deployment "{name}" is invalid: spec.replicas: Invalid value: {json.dumps(replicas)}')
    if kind == "Lease":
        spec = obj.get("spec") or {}
        for field in ("acquireTime", "renewTime"):
            if field in spec and not MICRO_TIME.fullmatch(str(spec[field])):
                fail(f'Error from server (BadRequest): error when {verb} "{where(paths)}": parsing time {json.dumps(spec[field])} as "2006-01-02T15:04:05.000000Z07:00": cannot parse')
        duration = spec.get("leaseDurationSeconds")
        if duration is not None and (not isinstance(duration, int) or duration <= 0):
            fail(f'The Lease "{name}" is invalid: spec.leaseDurationSeconds: Invalid value: {duration}: must be greater than 0')


def stored(state, obj):
    """Gives a written object its new resourceVersion."""
    state["version"] = state.get("version", 0) + 1
    obj["metadata"]["resourceVersion"] = str(state["version"])
    return obj


def apply(state, files, namespace, dry_run):
    for obj in read_documents(files):
        if obj["kind"] in GATEWAY_KINDS and not gateway_api_served():
            fail(f'error: resource mapping not found for name: "{obj["metadata"]["name"]}" namespace: "" from "{where(files)}": no matches for kind "{obj["kind"]}" in version "{obj["apiVersion"]}"\nensure CRDs are installed first')
        ns = namespace_of(obj, namespace)
        obj["metadata"]["namespace"] = ns
        kind, name = obj["kind"], obj["metadata"]["name"]
        existing = find(state, kind, ns, name)
        if kind in ("Deployment", "DaemonSet") and existing is not None:
            if existing["spec"]["selector"] != obj["spec"]["selector"]:
                fail(
                    f'The {kind} "{name}" is invalid: spec.selector: Invalid value: '
                    f'{json.dumps(obj["spec"]["selector"])}: field is immutable'
                )
        if kind == "StatefulSet" and existing is not None:
            fixed = ("selector", "serviceName", "volumeClaimTemplates", "podManagementPolicy")
            if any(existing["spec"].get(f) != obj["spec"].get(f) for f in fixed):
                fail(
                    f'The StatefulSet "{name}" is invalid: spec: Forbidden: updates to statefulset spec '
                    "for fields other than 'replicas', 'ordinals', 'template', 'updateStrategy', "
                    "'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden"
                )
        key = key_of(kind, ns, name)
        last = state.setdefault("last_applied", {}).get(key, {})
        manifest = obj
        if kind == "Job" and existing is None:
            obj = job_defaults(obj)
        merged = obj if existing is None else three_way(last, existing, obj)
        if kind == "Job" and existing is not None and merged["spec"]["template"] != existing["spec"]["template"]:
            fail(
                f'The Job "{name}" is invalid: spec.template: Invalid value: '
                f'{json.dumps(merged["spec"]["template"])}: field is immutable'
            )
        validate(merged, "applying", files)
        suffix = " (server dry run)" if dry_run else ""
        printed = f"{singular(kind)}/{name}"
        if dry_run:
            print(f"{printed} {'configured' if existing else 'created'}{suffix}")
            continue
        if existing is not None:
            if kind == "Deployment" and keeps_old_pods(existing, merged):
                state.setdefault("previous", {})[name] = template_hash(existing)
            state["objects"].remove(existing)
        elif kind == "Deployment" and os.environ.get("FAKE_KUBECTL_LAGGING_READS"):
            state.setdefault("lagging", {})[key] = int(os.environ["FAKE_KUBECTL_LAGGING_READS"])
        if kind == "Job" and existing is None:
            start_job(state, ns, name)
        state["objects"].append(stored(state, merged))
        state["last_applied"][key] = manifest
        print(f"{printed} {'configured' if existing else 'created'}")


def race(state, kind, ns, name, existing):
    """FAKE_KUBECTL_LEASE_RACE: another client's write of the Lease, just before this one."""
    if kind != "Lease" or not os.environ.get("FAKE_KUBECTL_LEASE_RACE") or state.get("raced"):
        return existing
    state["raced"] = True
    now = time.strftime("%Y-%m-%dT%H:%M:%S.000000Z", time.gmtime())
    theirs = {
        "apiVersion": "coordination.k8s.io/v1",
        "kind": "Lease",
        "metadata": {"name": name, "namespace": ns},
        "spec": {"holderIdentity": "racer/1/other", "leaseDurationSeconds": 2, "acquireTime": now, "renewTime": now},
    }
    if existing is not None:
        state["objects"].remove(existing)
    state["objects"].append(stored(state, theirs))
    save_state(os.environ["FAKE_KUBECTL_STATE"], state)  # kept though this call fails
    return theirs


def create_or_replace(state, verb, files, namespace, dry_run, output):
    for obj in read_documents(files):
        ns = namespace_of(obj, namespace)
        obj["metadata"]["namespace"] = ns
        kind, name = obj["kind"], obj["metadata"]["name"]
        existing = race(state, kind, ns, name, find(state, kind, ns, name))
        doing = "creating" if verb == "create" else "replacing"
        if verb == "create" and existing is not None:
            fail(f'Error from server (AlreadyExists): error when creating "{where(files)}": {resource(kind)} "{name}" already exists')
        if verb == "replace":
            if existing is None:
                fail(f'Error from server (NotFound): error when replacing "{where(files)}": {resource(kind)} "{name}" not found')
            wanted = obj["metadata"].get("resourceVersion")
            if wanted is not None and wanted != existing["metadata"].get("resourceVersion"):
                fail(
                    f'Error from server (Conflict): error when replacing "{where(files)}": Operation cannot be fulfilled on '
                    f'{resource(kind)} "{name}": the object has been modified; please apply your changes to the latest version and try again'
                )
        if kind == "Deployment" and existing is not None and existing["spec"]["selector"] != obj["spec"]["selector"]:
            fail(f'The Deployment "{name}" is invalid: spec.selector: field is immutable')
        validate(obj, doing, files)
        if dry_run:
            print(f"{singular(kind)}/{name} {'created' if verb == 'create' else 'replaced'} (server dry run)")
            continue
        if existing is not None:
            state["objects"].remove(existing)
        state["objects"].append(stored(state, obj))
        if output:
            print_object(obj, output, state)
        else:
            print(f"{singular(kind)}/{name} {'created' if verb == 'create' else 'replaced'}")


def patch(state, kind, name, namespace, options, dry_run):
    if options.get("--type") != "merge":
        fail("fake kubectl: only --type=merge patches are modelled")
    body = json.loads(options["--patch"])
    if options.get("local"):
        for obj in read_documents(options.get("--filename", [])):
            patched = merge_patch(obj, body)
            validate(patched, "patching", options["--filename"])
            print_object(patched, options.get("--output", "json"), state, live=False)
        return
    ns = namespace or "default"
    obj = find(state, kind, ns, name)
    if obj is None:
        fail(f'Error from server (NotFound): {resource(kind)} "{name}" not found')
    patched = merge_patch(obj, body)
    if kind == "Deployment" and patched["spec"]["selector"] != obj["spec"]["selector"]:
        fail(f'The Deployment "{name}" is invalid: spec.selector: field is immutable')
    validate(patched, "patching", [name])
    suffix = " (server dry run)" if dry_run else ""
    changed = patched != obj
    print(f"{singular(kind)}/{name} patched{'' if changed else ' (no change)'}{suffix}")
    if not dry_run and changed:
        state["objects"][state["objects"].index(obj)] = stored(state, patched)


def scale(state, target, namespace, replicas, dry_run):
    kind, _, name = target.partition("/")
    kind = KINDS.get(kind)
    if kind != "Deployment":
        fail(f"fake kubectl: unsupported scale target {target}")
    if replicas is None or not re.fullmatch(r"\d+", replicas):
        fail("error: The --replicas=COUNT flag is required, and COUNT must be greater than or equal to 0")
    obj = find(state, kind, namespace or "default", name)
    if obj is None:
        fail(f'Error from server (NotFound): deployments.apps "{name}" not found')
    suffix = " (server dry run)" if dry_run else ""
    print(f"deployment.apps/{name} scaled{suffix}")
    if not dry_run:
        obj["spec"]["replicas"] = int(replicas)
        stored(state, obj)


def delete(state, kinds, selector, namespace, dry_run):
    wanted = set()
    for kind in kinds.split(","):
        if kind not in KINDS or (KINDS[kind] in GATEWAY_KINDS and not gateway_api_served()):
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
        print(f'{singular(obj["kind"])} "{obj["metadata"]["name"]}" deleted{suffix}')
        if not dry_run:
            state["objects"].remove(obj)


def delete_one(state, kind, name, namespace, options, dry_run):
    obj = find(state, kind, namespace or "default", name)
    if obj is None:
        if options.get("ignore-not-found"):
            return
        fail(f'Error from server (NotFound): {resource(kind)} "{name}" not found')
    suffix = " (server dry run)" if dry_run else ""
    print(f'{singular(kind)} "{name}" deleted{suffix}')
    if not dry_run:
        state["objects"].remove(obj)


def rollout_status(state, target, namespace, lock):
    kind_word, _, name = target.partition("/")
    kind = KINDS.get(kind_word)
    if kind not in ("Deployment", "StatefulSet", "DaemonSet"):
        fail(f'error: no status viewer has been implemented for {kind_word}')
    ns = namespace or "default"
    obj = find(state, kind, ns, name)
    if obj is None or (kind == "Deployment" and lagging(state, obj)):
        save_state(os.environ["FAKE_KUBECTL_STATE"], state)
        fail(f'Error from server (NotFound): {resource(kind)} "{name}" not found')
    if kind != "Deployment" and (obj["spec"].get("updateStrategy") or {}).get("type") == "OnDelete":
        fail("error: rollout status is only available for RollingUpdate strategy type")
    seconds = float(os.environ.get("FAKE_KUBECTL_ROLLOUT_SECONDS") or 0)
    if seconds:
        # Other kubectl calls go on meanwhile, as with a real API server.
        save_state(os.environ["FAKE_KUBECTL_STATE"], state)
        fcntl.flock(lock, fcntl.LOCK_UN)
        print(f'Waiting for {kind.lower()} "{name}" rollout to finish: 0 of {obj["spec"].get("replicas", 1)} updated replicas are available...', flush=True)
        time.sleep(seconds)
        fcntl.flock(lock, fcntl.LOCK_EX)
        state = load_state(os.environ["FAKE_KUBECTL_STATE"])
        if find(state, kind, ns, name) is None:
            fail(f'error: {kind.lower()} "{name}" was deleted while waiting')
    failing = os.environ.get("FAKE_KUBECTL_FAIL_ROLLOUT", "")
    if failing in ("*", name):
        state["unready"] = name
        save_state(os.environ["FAKE_KUBECTL_STATE"], state)
        fail("error: timed out waiting for the condition")
    state.pop("unready", None)
    state.get("previous", {}).pop(name, None)
    if kind == "Deployment":
        print(f'deployment "{name}" successfully rolled out')
    elif kind == "DaemonSet":
        print(f'daemon set "{name}" successfully rolled out')
    else:
        replicas = obj["spec"].get("replicas", 1)
        partition = ((obj["spec"].get("updateStrategy") or {}).get("rollingUpdate") or {}).get("partition", 0)
        if partition:
            print(f"partitioned roll out complete: {max(replicas - partition, 0)} new pods have been updated...")
        else:
            print(f"statefulset rolling update complete {replicas} pods at revision {name}-{template_hash(obj)}...")
    return state


def job_defaults(job):
    """What the API server adds to a Job it creates: a selector of its own (the Job's uid) and
    the labels of it on the pod template, with the Job's name."""
    job = copy.deepcopy(job)
    name = job["metadata"]["name"]
    uid = hashlib.sha256(("uid/" + name).encode()).hexdigest()[:8] + "-0000-4000-8000-000000000000"
    job["metadata"]["uid"] = uid
    if "selector" in job["spec"]:
        fail(f'The Job "{name}" is invalid: spec.selector: Invalid value: {json.dumps(job["spec"]["selector"])}: `selector` not auto-generated')
    job["spec"]["selector"] = {"matchLabels": {"batch.kubernetes.io/controller-uid": uid}}
    template = job["spec"]["template"].setdefault("metadata", {})
    template.setdefault("labels", {}).update({
        "batch.kubernetes.io/controller-uid": uid,
        "batch.kubernetes.io/job-name": name,
        "controller-uid": uid,
        "job-name": name,
    })
    restart = job["spec"]["template"].get("spec", {}).get("restartPolicy")
    if restart not in ("Never", "OnFailure"):
        fail(f'The Job "{name}" is invalid: spec.template.spec.restartPolicy: Required value: valid values: "OnFailure", "Never"')
    return job


def start_job(state, namespace, name):
    """A Job just created: it finishes after FAKE_KUBECTL_JOB_POLLS reads of it, failed when
    FAKE_KUBECTL_FAIL_JOB names it (a prefix of its name, or "*"), else complete."""
    failing = os.environ.get("FAKE_KUBECTL_FAIL_JOB", "")
    failed = failing == "*" or (failing and name.startswith(failing))
    state.setdefault("jobs", {})[f"{namespace}/{name}"] = {
        "polls": int(os.environ.get("FAKE_KUBECTL_JOB_POLLS") or 0),
        "outcome": "Failed" if failed else "Complete",
    }


def job_run(state, job):
    """The run of a Job: its outcome, or None while it runs."""
    run = state.get("jobs", {}).get(f'{job["metadata"].get("namespace")}/{job["metadata"]["name"]}')
    if run is None:
        return None
    return None if run["polls"] > 0 else run["outcome"]


def job_status(state, job, read):
    """A Job's status in the API's shape. A read (`get job`) brings it one poll nearer its end."""
    key = f'{job["metadata"].get("namespace")}/{job["metadata"]["name"]}'
    run = state.get("jobs", {}).get(key)
    if run is not None and read and run["polls"] > 0:
        run["polls"] -= 1
    outcome = job_run(state, job)
    if outcome is None:
        return {"active": 1, "startTime": "2025-01-01T00:00:00Z"}
    if outcome == "Complete":
        return {
            "succeeded": job["spec"].get("completions", 1),
            "conditions": [
                {"type": "SuccessCriteriaMet", "status": "True", "reason": "CompletionsReached"},
                {"type": "Complete", "status": "True", "reason": "CompletionsReached"},
            ],
        }
    return {
        "failed": job["spec"].get("backoffLimit", 6) + 1,
        "conditions": [
            {"type": "FailureTarget", "status": "True", "reason": "BackoffLimitExceeded"},
            {"type": "Failed", "status": "True", "reason": "BackoffLimitExceeded", "message": "Job has reached the specified backoff limit"},
        ],
    }


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
    """The pods the workloads run: a Deployment's `<deployment>-<template hash>-<i>`, a
    StatefulSet's `<name>-<ordinal>`, a DaemonSet's `<name>-<hash>-node<i>` (two nodes), a
    Job's `<job>-<i>` (one that succeeded, or backoffLimit + 1 that failed).

    After a failed rollout the new template's pods are not ready, and the previous
    template's pods (if the template changed) are still there and ready.
    """
    requirements = parse_selector(selector) if selector else []
    ns = namespace or "default"
    for obj in state["objects"]:
        if obj["kind"] not in WORKLOADS or obj["metadata"].get("namespace") != ns:
            continue
        if "template" not in obj.get("spec", {}):
            continue
        labels = obj["spec"]["template"]["metadata"].get("labels", {})
        if not matches(labels, requirements):
            continue
        name = obj["metadata"]["name"]
        if obj["kind"] == "Job":
            yield from job_pods(state, obj, labels, ns)
            continue
        replicas = obj["spec"].get("replicas", 1)
        failed = state.get("unready") == name
        hashes = [(template_hash(obj), not failed)]
        previous = state.get("previous", {}).get(name)
        if failed and previous:
            hashes.append((previous, True))
        for pod_hash, ready in hashes:
            for i in range(2 if obj["kind"] == "DaemonSet" else replicas):
                if obj["kind"] == "StatefulSet":
                    start = (obj["spec"].get("ordinals") or {}).get("start", 0)
                    pod_name = f"{name}-{start + i}"
                elif obj["kind"] == "DaemonSet":
                    pod_name = f"{name}-{pod_hash[:5]}-node{i}"
                else:
                    pod_name = f"{name}-{pod_hash}-{i}"
                yield {
                    "apiVersion": "v1",
                    "kind": "Pod",
                    "metadata": {"name": pod_name, "namespace": ns, "labels": labels},
                    "status": status(obj, ready),
                }


def job_pods(state, job, labels, namespace):
    """A Job's pods: running, one that succeeded, or backoffLimit + 1 that failed (exit code
    1); with restartPolicy OnFailure a failed Job's one pod kept restarting instead."""
    outcome = job_run(state, job)
    name = job["metadata"]["name"]
    spec = job["spec"]["template"]["spec"]
    if outcome == "Failed" and spec.get("restartPolicy") != "OnFailure":
        count, phase = job["spec"].get("backoffLimit", 6) + 1, "Failed"
    else:
        count, phase = 1, {"Complete": "Succeeded", "Failed": "Running", None: "Running"}[outcome]
    for i in range(count):
        exit_code = 0 if phase == "Succeeded" else 1
        state_of = {"running": {"startedAt": "2025-01-01T00:00:00Z"}} if phase == "Running" else {
            "terminated": {"exitCode": exit_code, "reason": "Completed" if exit_code == 0 else "Error"}}
        yield {
            "apiVersion": "v1",
            "kind": "Pod",
            "metadata": {"name": f"{name}-{i:05d}", "namespace": namespace, "labels": labels},
            "status": {
                "phase": phase,
                "conditions": [{"type": "Ready", "status": "True" if phase == "Running" else "False"}],
                "containerStatuses": [
                    {"name": c["name"], "ready": phase == "Running", "started": phase == "Running",
                     "restartCount": 3 if outcome == "Failed" and phase == "Running" else 0, "state": state_of}
                    for c in spec.get("containers", [])
                ],
            },
        }


def pod_logs(state, name, namespace, options):
    """`logs POD --all-containers=true --tail=N`: FAKE_KUBECTL_LOGS (lines), or 30 lines that
    say which pod and line they are; the last N of them."""
    found = [p for p in pods(state, "", namespace) if p["metadata"]["name"] == name]
    if not found:
        fail(f'Error from server (NotFound): pods "{name}" not found')
    given = os.environ.get("FAKE_KUBECTL_LOGS")
    lines = given.split("\n") if given is not None else [f"{name} log line {i}" for i in range(1, 31)]
    tail = int(options.get("--tail", "-1"))
    if tail >= 0:
        lines = lines[len(lines) - tail :] if tail else []
    for line in lines:
        print(line)


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


def get_pods(state, selector, namespace, output, fields=""):
    found = [p for p in pods(state, selector, namespace) if field_selected(p, fields)]
    if output == "name":
        for pod in found:
            print(f'pod/{pod["metadata"]["name"]}')
    elif output == "wide":
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
    global STDIN
    state_path = os.environ["FAKE_KUBECTL_STATE"]
    if any(argv[i : i + 2] == ["--filename", "-"] for i in range(len(argv))):
        STDIN = sys.stdin.read()
    # One kubectl at a time: two processes that load and save the state at once would lose
    # one's changes. The lock is held until the process exits (but see rollout_status).
    lock = open(state_path + ".lock", "w")  # noqa: SIM115 (held for the process's life)
    fcntl.flock(lock, fcntl.LOCK_EX)
    state = load_state(state_path)
    state.setdefault("raw_log", []).append([os.fsencode(arg).hex() for arg in argv])
    # Arguments that are not UTF-8 (Python holds their bytes as lone surrogates, which JSON
    # cannot keep) are logged and used with U+FFFD in their place, but file names are opened
    # as they are.
    lossy = [os.fsencode(arg).decode("utf-8", "replace") for arg in argv]
    state["log"].append(lossy)
    state.setdefault("times", []).append(time.time())
    argv = [arg if argv[i - 1 : i] == ["--filename"] else lossy[i] for i, arg in enumerate(argv)]
    save_state(state_path, state)  # logged even if the command fails
    injected = os.environ.get("FAKE_KUBECTL_FAIL_COMMAND")
    if injected and re.search(injected, " ".join(lossy)):
        fail('Error from server (InternalError): an error on the server ("injected by the test") has prevented the request from succeeding')
    if os.environ.get("FAKE_KUBECTL_UNREACHABLE"):
        fail("The connection to the server 127.0.0.1:6443 was refused - did you specify the right host or port?")
    namespace, rest, options = None, [], {}
    i = 0
    valued = ("--api-group", "--namespace", "--context", "--selector", "--field-selector", "--timeout", "--output", "--patch", "--type", "--replicas", "--raw", "--request-timeout", "--tail", "--all-containers")
    while i < len(argv):
        arg = argv[i]
        if arg in valued:
            options[arg] = argv[i + 1]
            i += 2
            continue
        if arg == "--filename":
            options.setdefault("--filename", []).append(argv[i + 1])
            i += 2
            continue
        name, equals, value = arg.partition("=")
        if equals and name in valued:
            options[name] = value
        elif arg == "--dry-run=server":
            options["dry-run"] = True
        elif arg == "--ignore-not-found":
            options["ignore-not-found"] = True
        elif arg == "--local":
            options["local"] = True
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
    kind = KINDS.get(rest[1], rest[1]) if len(rest) > 1 else None
    if verb == "get" and options.get("--raw") == "/version" and len(rest) == 1:
        # What the API server's /version answers (a request any authenticated user may make).
        print(json.dumps({"major": "1", "minor": "34", "gitVersion": "v1.34.0", "platform": "linux/amd64"}, indent=2))
    elif verb == "api-resources":
        group = options.get("--api-group")
        if options.get("--output") != "name" or group is None:
            fail(f"fake kubectl: unsupported command {argv}")
        if group != "gateway.networking.k8s.io" or gateway_api_served():
            for name in API_GROUPS.get(group, []):
                print(name)
    elif verb == "apply":
        apply(state, options.get("--filename", []), namespace, dry_run)
    elif verb in ("create", "replace"):
        create_or_replace(state, verb, options.get("--filename", []), namespace, dry_run, options.get("--output"))
    elif verb == "patch" and options.get("local"):
        patch(state, None, None, namespace, options, dry_run)
    elif verb == "patch" and len(rest) == 3:
        patch(state, kind, rest[2], namespace, options, dry_run)
    elif verb == "scale" and len(rest) == 2:
        scale(state, rest[1], namespace, options.get("--replicas"), dry_run)
    elif verb == "delete" and len(rest) == 3:
        delete_one(state, kind, rest[2], namespace, options, dry_run)
    elif verb == "delete":
        delete(state, rest[1], options["--selector"], namespace, dry_run)
    elif verb == "rollout" and rest[1:2] == ["status"]:
        state = rollout_status(state, rest[2], namespace, lock)
    elif verb == "get" and rest[1] == "pods":
        get_pods(state, options.get("--selector", ""), namespace, options.get("--output", ""), options.get("--field-selector", ""))
    elif verb == "get" and rest[1] == "events":
        get_events(state, options.get("--field-selector", ""), namespace, options.get("--output", ""))
    elif verb == "get" and len(rest) == 3:
        get_one(state, kind, rest[2], namespace, options)
    elif verb == "get" and len(rest) == 2:
        get_list(state, kind, namespace, options)
    elif verb == "logs" and len(rest) == 2:
        pod_logs(state, rest[1].removeprefix("pod/"), namespace, options)
    elif verb == "describe":
        for obj in state["objects"]:
            if obj["kind"] == kind:
                print(f'{kind.lower()}/{obj["metadata"]["name"]}')
    else:
        fail(f"fake kubectl: unsupported command {argv}")
    save_state(state_path, state)


if __name__ == "__main__":
    main(sys.argv[1:])
