#!/usr/bin/env python3
"""Writes the bad-input corpus: step files kstep must refuse, each with the codes it reports.

Every case is a change to one valid step (or raw text, for syntax), written in TOML and in
YAML where the case means something in both. Each file starts with two comment lines:

    # why: what is wrong
    # expect: code-a code-b     (every code kstep reports for the file, sorted, no repeats)

The expected codes are what kstep reports when this script runs; a case whose intended code
is not among them is not written (the script says so), so every file is refused for the
reason its name gives. tests/corpus.rs checks every file against its header. Review
`git diff tests/corpus` after running this again:

    python3 tests/corpus/generate.py [path/to/kstep]
"""

import copy
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(ROOT, "scripts"))
from cargo_bin import build_kstep  # noqa: E402

BASE = {
    "deployment": {"name": "web"},
    "containers": [
        {"name": "web", "image": "nginx:1.27", "ports": [{"name": "http", "port": 8080}]}
    ],
}
WITH_SERVICE = {**BASE, "service": {"ports": [{"name": "http", "port": 80, "target_port": "http"}]}}

BARE = re.compile(r"^[A-Za-z0-9_-]+$")


# --- writers ---------------------------------------------------------------------------------

def toml_key(key):
    return key if BARE.match(key) else json.dumps(key, ensure_ascii=False)


def toml_value(value):
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False).replace("\\/", "/")
    if isinstance(value, list):
        return "[" + ", ".join(toml_value(v) for v in value) + "]"
    if isinstance(value, dict):
        if not value:
            return "{}"
        return "{ " + ", ".join(f"{toml_key(k)} = {toml_value(v)}" for k, v in value.items()) + " }"
    raise TypeError(value)


def to_toml(step):
    scalars, tables, arrays = [], [], []
    for key, value in step.items():
        if isinstance(value, dict) and value:
            tables.append((key, value))
        elif isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
            arrays.append((key, value))
        else:
            scalars.append(f"{toml_key(key)} = {toml_value(value)}")
    out = scalars[:]
    for key, table in tables:
        out.append(f"\n[{toml_key(key)}]")
        out += [f"{toml_key(k)} = {toml_value(v)}" for k, v in table.items()]
    for key, items in arrays:
        for item in items:
            out.append(f"\n[[{toml_key(key)}]]")
            out += [f"{toml_key(k)} = {toml_value(v)}" for k, v in item.items()]
    return "\n".join(out).lstrip("\n") + "\n"


def yaml_scalar(value):
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, list) and not value:
        return "[]"
    if isinstance(value, dict) and not value:
        return "{}"
    return None


def yaml_key(key):
    return key if BARE.match(key) and not key[0].isdigit() else json.dumps(key, ensure_ascii=False)


def yaml_lines(value, indent):
    pad = " " * indent
    out = []
    if isinstance(value, dict):
        for key, item in value.items():
            scalar = yaml_scalar(item)
            if scalar is not None:
                out.append(f"{pad}{yaml_key(key)}: {scalar}")
            else:
                out.append(f"{pad}{yaml_key(key)}:")
                out += yaml_lines(item, indent + 2)
    else:
        for item in value:
            scalar = yaml_scalar(item)
            if scalar is not None:
                out.append(f"{pad}- {scalar}")
            else:
                lines = yaml_lines(item, indent + 2)
                out.append(f"{pad}- {lines[0].lstrip()}")
                out += lines[1:]
    return out


def to_yaml(step):
    return "\n".join(yaml_lines(step, 0)) + "\n"


# --- cases -----------------------------------------------------------------------------------

CASES = []


def case(category, name, intended, why, change=None, base=BASE, toml=None, yaml=None):
    """A change to `base` (a function of a deep copy), or raw text per language."""
    if change is not None:
        step = copy.deepcopy(base)
        result = change(step)
        step = result if result is not None else step
        toml = to_toml(step) if toml is None else toml
        yaml = to_yaml(step) if yaml is None else yaml
    CASES.append((category, name, intended, why, toml, yaml))


def container(**fields):
    def change(step):
        step["containers"][0].update(fields)
    return change


def deployment(**fields):
    def change(step):
        step["deployment"].update(fields)
    return change


def top(**fields):
    def change(step):
        step.update(fields)
    return change


def service(**fields):
    def change(step):
        step["service"].update(fields)
    return change


# Syntax: raw text.
TOML_SYNTAX = {
    "unclosed-table": ("[deployment\nname = \"web\"\n", "syntax-error"),
    "unclosed-string": ("[deployment]\nname = \"web\n", "syntax-error"),
    "unclosed-array": ("[deployment]\nname = \"web\"\nlabels = [\"a\"\n", "syntax-error"),
    "unclosed-inline-table": ("[deployment]\nname = \"web\"\nlabels = { a = \"b\"\n", "syntax-error"),
    "missing-value": ("[deployment]\nname =\n", "syntax-error"),
    "missing-equals": ("[deployment]\nname \"web\"\n", "syntax-error"),
    "double-equals": ("[deployment]\nname = = \"web\"\n", "syntax-error"),
    "bad-escape": ("[deployment]\nname = \"w\\qeb\"\n", "syntax-error"),
    "bad-unicode-escape": ("[deployment]\nname = \"\\uD800\"\n", "syntax-error"),
    "leading-zero": ("[deployment]\nname = \"web\"\nreplicas = 03\n", "syntax-error"),
    "bad-float": ("[deployment]\nname = \"web\"\nreplicas = 1.\n", "syntax-error"),
    "bad-date": ("[deployment]\nname = \"web\"\nreplicas = 2024-13-45\n", "syntax-error"),
    "duplicate-key": ("[deployment]\nname = \"web\"\nname = \"api\"\n", "duplicate-key"),
    "duplicate-table": ("[deployment]\nname = \"web\"\n[deployment]\nreplicas = 2\n", "duplicate-key"),
    "table-redefines-value": ("deployment = 1\n[deployment]\nname = \"web\"\n", "duplicate-key"),
    "dotted-redefines": ("[deployment]\nname = \"web\"\nname.x = 1\n", "syntax-error"),
    "array-of-tables-over-table": ("[containers]\nname = \"a\"\n[[containers]]\nname = \"b\"\n", "duplicate-key"),
    "newline-in-key": ("[deployment]\n\"na\nme\" = \"web\"\n", "syntax-error"),
    "bare-key-with-space": ("[deployment]\nna me = \"web\"\n", "syntax-error"),
    "garbage-after-value": ("[deployment]\nname = \"web\" extra\n", "syntax-error"),
    "empty-table-name": ("[]\nname = \"web\"\n", "syntax-error"),
    "bom-in-middle": ("[deployment]\nname = \"web\"\n\ufeffreplicas = 2\n", "syntax-error"),
    "control-character": ("[deployment]\nname = \"w\x01eb\"\n", "syntax-error"),
    "deep-arrays": ("a = " + "[" * 200 + "]" * 200 + "\n", "syntax-error"),
    "deep-inline-tables": ("a = " + "{ b = " * 80 + "1" + " }" * 80 + "\n", "nesting-too-deep"),
    "integer-overflow": ("[deployment]\nname = \"web\"\nreplicas = 99999999999999999999\n", "syntax-error"),
    "lone-bracket": ("[\n", "syntax-error"),
    "only-garbage": ("}}}{{{\n", "syntax-error"),
}
for name, (text, code) in TOML_SYNTAX.items():
    case("syntax", name, code, f"TOML syntax: {name.replace('-', ' ')}", toml=text)

YAML_SYNTAX = {
    "tab-indentation": ("deployment:\n\tname: web\n", "syntax-error"),
    "bad-indentation": ("deployment:\n  name: web\n replicas: 2\n", "syntax-error"),
    "unclosed-flow-sequence": ("deployment:\n  name: web\n  labels: [a, b\n", "syntax-error"),
    "unclosed-flow-mapping": ("deployment: { name: web\n", "syntax-error"),
    "unclosed-quote": ("deployment:\n  name: \"web\n", "syntax-error"),
    "unclosed-single-quote": ("deployment:\n  name: 'web\n", "syntax-error"),
    "bad-escape": ("deployment:\n  name: \"w\\qeb\"\n", "syntax-error"),
    "duplicate-key": ("deployment:\n  name: web\n  name: api\n", "duplicate-key"),
    "duplicate-top-key": ("deployment:\n  name: web\ndeployment:\n  name: api\n", "duplicate-key"),
    "anchor-alias": ("deployment: &d\n  name: web\nother: *d\n", "yaml-anchor"),
    "alias-bomb": ("a: &a [x, x]\nb: &b [*a, *a]\nc: &c [*b, *b]\n", "yaml-anchor"),
    "merge-key": ("base: {name: web}\ndeployment:\n  <<: {name: web}\n", "yaml-merge-key"),
    "custom-tag": ("deployment:\n  name: !shell web\n", "yaml-tag"),
    "python-tag": ("deployment: !!python/object:os.system {name: web}\n", "yaml-tag"),
    "two-documents": ("deployment:\n  name: web\n---\ndeployment:\n  name: api\n", "multiple-documents"),
    "mapping-in-sequence-mix": ("deployment:\n  - name: web\n  name: api\n", "syntax-error"),
    "colon-in-plain-key": ("deployment:\n  name: web: api\n", "syntax-error"),
    "block-scalar-bad-indent": ("deployment:\n  name: |\n web\n  x: 1\n", "syntax-error"),
    "deep-flow": ("a: " + "[" * 200 + "]" * 200 + "\n", "nesting-too-deep"),
    "deep-block": ("".join(" " * i + "a:\n" for i in range(100)), "nesting-too-deep"),
    "flow-trailing-garbage": ("deployment: {name: web} extra\n", "syntax-error"),
    "question-mark-key": ("? [a, b]\n: value\n", "wrong-type"),
    "document-end-then-text": ("deployment: {name: web}\n...\nmore: text\n", "multiple-documents"),
    "only-a-scalar": ("just a string\n", "wrong-type"),
    "only-a-list": ("- a\n- b\n", "wrong-type"),
}
for name, (text, code) in YAML_SYNTAX.items():
    case("syntax", name, code, f"YAML syntax: {name.replace('-', ' ')}", yaml=text)

# Encodings: raw bytes (written as latin-1 so each byte is kept).
case("syntax", "invalid-utf8", "invalid-utf8", "a byte that is not UTF-8",
     toml="[deployment]\nname = \"w\udcffeb\"\n", yaml="deployment:\n  name: w\udcffeb\n")
case("syntax", "nul-byte", "nul-byte", "a NUL byte in a value",
     toml="[deployment]\nname = \"w\x00eb\"\n", yaml="deployment:\n  name: w\x00eb\n")

# Schema: fields, types, required values.
case("schema", "unknown-top-level-field", "unknown-field", "a key the step file does not have", top(deploymnet={"name": "x"}))
case("schema", "unknown-container-field", "unknown-field", "a misspelt container key", container(imagee="nginx"))
case("schema", "unknown-deployment-field", "unknown-field", "a misspelt deployment key", deployment(replica=2))
case("schema", "missing-deployment", "missing-field", "no [deployment]", lambda s: s.pop("deployment") and None)
case("schema", "missing-containers", "missing-field", "no containers", lambda s: s.pop("containers") and None)
case("schema", "missing-image", "missing-field", "a container without an image", lambda s: s["containers"][0].pop("image") and None)
case("schema", "missing-container-name", "missing-field", "a container without a name", lambda s: s["containers"][0].pop("name") and None)
case("schema", "missing-deployment-name", "missing-field", "a deployment without a name", lambda s: s["deployment"].pop("name") and None)
case("schema", "replicas-string", "wrong-type", "replicas as prose", deployment(replicas="three"))
case("schema", "replicas-float", "wrong-type", "replicas as a float", deployment(replicas=2.5))
case("schema", "replicas-negative", "out-of-range", "negative replicas", deployment(replicas=-1))
case("schema", "replicas-huge", "out-of-range", "replicas past the API's int32", deployment(replicas=2**40))
case("schema", "name-number", "wrong-type", "a name that is a number", deployment(name=42))
case("schema", "containers-table", "wrong-type", "containers as a table", top(containers={"name": "web"}))
case("schema", "containers-empty", "no-app-container", "an empty list of containers", top(containers=[]))
case("schema", "labels-list", "wrong-type", "labels as a list", deployment(labels=["a", "b"]))
case("schema", "label-value-number", "wrong-type", "a label value that is a number", deployment(labels={"a": 1}))
case("schema", "ports-string", "wrong-type", "ports as a string", container(ports="8080"))
case("schema", "port-as-string", "wrong-type", "a port number in quotes", container(ports=[{"name": "http", "port": "8080"}]))
case("schema", "command-string", "wrong-type", "a command that is not a list", container(command="sh -c x"))
case("schema", "args-numbers", "wrong-type", "args that are numbers", container(args=[1, 2]))
case("schema", "env-table", "wrong-type", "env as a table", container(env={"A": "b"}))
case("schema", "env-missing-name", "missing-field", "an env entry without a name", container(env=[{"value": "x"}]))
case("schema", "env-value-and-secret", "conflicting-fields", "an env value from two sources", container(env=[{"name": "A", "value": "x", "secret": "s", "key": "k"}]))
case("schema", "empty-name", "invalid-name", "an empty deployment name", deployment(name=""))
case("schema", "empty-image", "invalid-image", "an empty image", container(image=""))
case("schema", "strategy-unknown", "invalid-choice", "a strategy kstep does not have", top(step={"strategy": "canary"}))
case("schema", "pull-policy-unknown", "invalid-choice", "an image pull policy the API does not have", container(pull_policy="Sometimes"))
case("schema", "init-string", "wrong-type", "init as a string", container(init="yes"))
case("schema", "service-ports-string", "wrong-type", "service ports as a string", service(ports="80"), base=WITH_SERVICE)
case("schema", "service-type-unknown", "invalid-choice", "a service type the API does not have", service(type="Public"), base=WITH_SERVICE)
case("schema", "volume-two-sources", "conflicting-fields", "a volume with two sources",
     top(volumes=[{"name": "v", "empty_dir": {}, "config_map": {"name": "c"}}]))
case("schema", "volume-no-source", "conflicting-fields", "a volume without a source", top(volumes=[{"name": "v"}]))
case("schema", "probe-two-actions", "conflicting-fields", "a probe with two actions",
     container(readiness={"tcp": {"port": "http"}, "command": ["true"]}))
case("schema", "probe-no-action", "conflicting-fields", "a probe without an action", container(readiness={"period": 5}))
case("schema", "resources-unknown", "unknown-field", "a resource section kstep does not have", container(resources={"maximum": {"cpu": "1"}}))
case("schema", "lint-unknown-rule", "unknown-field", "a [lint] entry for a rule that does not exist", top(lint={"no-such-rule": "allow"}))
case("schema", "vars-not-table", "wrong-type", "[vars] as a list", top(vars=[1, 2]))
case("schema", "step-id-number", "wrong-type", "a step id that is a number", top(step={"id": 7}))
case("schema", "namespace-list", "wrong-type", "a namespace that is a list", top(step={"namespace": ["a"]}))

# API rules: values the Kubernetes API server rejects.
for name, value in {
    "uppercase": "Web", "underscore": "my_web", "dot-start": ".web", "hyphen-end": "web-",
    "too-long": "w" * 300, "space": "my web", "slash": "a/b", "unicode": "wéb",
}.items():
    case("api", f"deployment-name-{name}", "invalid-name", f"a deployment name the API rejects ({name})", deployment(name=value))
for name, value in {"uppercase": "Web", "underscore": "a_b", "too-long": "c" * 64, "dot": "a.b"}.items():
    case("api", f"container-name-{name}", "invalid-name", f"a container name the API rejects ({name})", container(name=value))
for name, value in {"uppercase": "Shop", "too-long": "n" * 64, "dot": "a.b", "underscore": "a_b"}.items():
    case("api", f"namespace-{name}", "invalid-name", f"a namespace the API rejects ({name})", top(step={"namespace": value}))
for name, (key, value) in {
    "key-space": ("team name", "x"), "key-empty-prefix": ("/team", "x"), "key-two-slashes": ("a/b/c", "x"),
    "key-too-long": ("k" * 64, "x"), "value-too-long": ("team", "v" * 64), "value-space": ("team", "a b"),
    "value-leading-dot": ("team", ".a"), "key-uppercase-prefix": ("Example.com/team", "x"),
}.items():
    case("api", f"label-{name}", "invalid-label", f"a label the API rejects ({name})", deployment(labels={key: value}))
case("api", "label-reserved", "reserved-label", "a label kstep sets itself", deployment(labels={"kstep.dev/step": "x"}))
case("api", "annotation-key-space", "invalid-annotation", "an annotation key with a space", deployment(annotations={"my key": "x"}))
case("api", "annotation-key-too-long", "invalid-annotation", "an annotation name over 63 characters", deployment(annotations={"a" * 70: "x"}))
case("api", "annotations-too-large", "invalid-annotation", "annotations over 256 KiB in total", deployment(annotations={"big": "x" * 270_000}))
for name, port in {"zero": 0, "negative": -80, "too-big": 70000}.items():
    case("api", f"container-port-{name}", "invalid-port", f"a container port out of range ({name})", container(ports=[{"name": "http", "port": port}]))
for name, value in {"too-long": "a-very-long-port-name", "uppercase": "HTTP", "digits-only": "8080",
                    "double-hyphen": "a--b", "underscore": "a_b", "leading-hyphen": "-http"}.items():
    case("api", f"port-name-{name}", "invalid-port-name", f"a port name the API rejects ({name})", container(ports=[{"name": value, "port": 8080}]))
case("api", "duplicate-port", "duplicate-port", "one container port twice",
     container(ports=[{"name": "http", "port": 8080}, {"name": "alt", "port": 8080}]))
case("api", "duplicate-port-name", "duplicate-port", "one port name twice",
     container(ports=[{"name": "http", "port": 8080}, {"name": "http", "port": 8081}]))
for name, value in {"unit": "100 Mi", "letters": "lots", "negative": "-1", "bad-suffix": "1Qi",
                    "two-dots": "1.2.3", "empty": ""}.items():
    code = "invalid-quantity"
    case("api", f"quantity-{name}", code, f"a memory quantity the API rejects ({name})",
         container(resources={"requests": {"memory": value}}))
case("api", "request-over-limit", "request-exceeds-limit", "a request above its limit",
     container(resources={"requests": {"cpu": "2"}, "limits": {"cpu": "1"}}))
for name, value in {"uppercase-repo": "Nginx:1.27", "space": "nginx :1.27", "empty-tag": "nginx:",
                    "bad-digest": "nginx@sha256:123", "trailing-space": "nginx:1.27 ", "double-slash": "ghcr.io//web:1",
                    "tag-too-long": "nginx:" + "t" * 129, "shell": "nginx;rm -rf /"}.items():
    case("api", f"image-{name}", "invalid-image", f"an image reference the API rejects ({name})", container(image=value))
for name, value in {"equals": "A=B", "empty": "", "newline": "A\nB"}.items():
    case("api", f"env-name-{name}", "invalid-env-name", f"an environment variable name the API rejects ({name})",
         container(env=[{"name": value, "value": "x"}]))
case("api", "env-duplicate", "duplicate-env", "one variable twice",
     container(env=[{"name": "A", "value": "x"}, {"name": "A", "value": "y"}]))
case("api", "config-key-space", "invalid-config-key", "a ConfigMap key with a space",
     container(env=[{"name": "A", "config_map": "c", "key": "a b"}]))
case("api", "config-key-dotdot", "invalid-config-key", "a ConfigMap key `..data`",
     container(env=[{"name": "A", "config_map": "c", "key": "..data"}]))
case("api", "probe-period-zero", "out-of-range", "a probe period of zero",
     container(readiness={"tcp": {"port": "http"}, "period": 0}))
case("api", "probe-liveness-success", "probe-success-threshold", "a liveness probe with success_threshold 2",
     container(liveness={"tcp": {"port": "http"}, "success_threshold": 2}))
case("api", "probe-on-init", "probe-on-init-container", "a readiness probe on an init container",
     top(containers=[{"name": "init", "init": True, "image": "busybox:1.36", "readiness": {"command": ["true"]}},
                     {"name": "web", "image": "nginx:1.27"}]))
case("api", "probe-header-name", "invalid-header-name", "an HTTP probe header name with a space",
     container(readiness={"http": {"path": "/", "port": "http", "headers": [{"name": "X Bad", "value": "1"}]}}))
case("api", "mount-relative-path", "invalid-path", "a mount path that is not absolute",
     lambda s: s.update(volumes=[{"name": "v", "empty_dir": {}}]) or s["containers"][0].update(volume_mounts=[{"volume": "v", "path": "relative"}]))
case("api", "capability-unknown", "invalid-capability", "a capability that does not exist",
     container(security={"capabilities": {"add": ["CAP_MAKE_COFFEE"]}}))
case("api", "run-as-root-uid", "runs-as-root", "run_as_non_root with user 0",
     container(security={"run_as_non_root": True, "run_as_user": 0}))
case("api", "service-port-zero", "invalid-port", "a service port of zero",
     service(ports=[{"name": "http", "port": 0, "target_port": "http"}]), base=WITH_SERVICE)
case("api", "service-duplicate-port", "duplicate-port", "one service port twice",
     service(ports=[{"name": "http", "port": 80, "target_port": "http"}, {"name": "alt", "port": 80, "target_port": "http"}]), base=WITH_SERVICE)
case("api", "service-cluster-ip", "invalid-address", "a cluster IP that is not an address",
     service(cluster_ip="10.0.0.300"), base=WITH_SERVICE)
case("api", "service-external-ip-loopback", "invalid-address", "an external IP on loopback",
     service(external_ips=["127.0.0.1"]), base=WITH_SERVICE)
case("api", "service-external-ip-garbage", "invalid-address", "an external IP that is not one",
     service(external_ips=["not-an-ip"]), base=WITH_SERVICE)
case("api", "service-node-port-clusterip", "service-type-mismatch", "a node port on a ClusterIP service",
     service(ports=[{"name": "http", "port": 80, "target_port": "http", "node_port": 30080}]), base=WITH_SERVICE)
case("api", "service-source-range", "invalid-address", "a load balancer source range that is not a CIDR",
     service(type="LoadBalancer", load_balancer_source_ranges=["10.0.0.0/33"]), base=WITH_SERVICE)
case("api", "ingress-host-ip", "invalid-host", "an Ingress host that is an IP address",
     top(ingress={"rules": [{"host": "10.0.0.1", "paths": [{"path": "/", "port": "http"}]}]}), base=WITH_SERVICE)
case("api", "ingress-host-uppercase", "invalid-host", "an Ingress host in capitals",
     top(ingress={"rules": [{"host": "Shop.Example.com", "paths": [{"path": "/", "port": "http"}]}]}), base=WITH_SERVICE)
case("api", "ingress-host-port", "invalid-host", "an Ingress host with a port",
     top(ingress={"rules": [{"host": "shop.example.com:443", "paths": [{"path": "/", "port": "http"}]}]}), base=WITH_SERVICE)
case("api", "ingress-path-relative", "invalid-path", "an Ingress path without a leading slash",
     top(ingress={"rules": [{"host": "shop.example.com", "paths": [{"path": "api", "port": "http"}]}]}), base=WITH_SERVICE)
case("api", "ingress-path-type", "invalid-choice", "an Ingress path type the API does not have",
     top(ingress={"rules": [{"host": "shop.example.com", "paths": [{"path": "/", "type": "Regex", "port": "http"}]}]}), base=WITH_SERVICE)
case("api", "rolling-both-zero", "invalid-rolling-update", "max_surge and max_unavailable both zero",
     deployment(rolling={"max_surge": 0, "max_unavailable": "0%"}))
case("api", "rolling-signed-percent", "invalid-rolling-update", "a max_surge with a sign",
     deployment(rolling={"max_surge": "+1%"}))
case("api", "rolling-over-hundred", "invalid-rolling-update", "a max_unavailable over 100%",
     deployment(rolling={"max_unavailable": "150%"}))
case("api", "sysctl-invalid", "invalid-sysctl", "a sysctl name the API rejects",
     top(pod={"security": {"sysctls": {"Kernel.msgmax": "1"}}}))
case("injection", "host-path-traversal", "invalid-path", "a host path with `..`",
     lambda s: s.update(volumes=[{"name": "v", "host_path": {"path": "/data/../etc"}}]) or s["containers"][0].update(volume_mounts=[{"volume": "v", "path": "/logs"}]))
case("api", "secret-tls-missing-key", "invalid-secret", "a TLS Secret without tls.key",
     top(secrets={"tls": {"type": "kubernetes.io/tls", "data": {"tls.crt": "x"}}}))
case("api", "secret-key-invalid", "invalid-config-key", "a Secret key with a slash",
     top(secrets={"s": {"data": {"a/b": "x"}}}))
case("api", "config-map-key-invalid", "invalid-config-key", "a ConfigMap key with a space",
     top(config_maps={"c": {"data": {"a b": "x"}}}))
case("api", "toleration-operator", "invalid-choice", "a toleration operator the API does not have",
     top(pod={"tolerations": [{"key": "a", "operator": "Maybe"}]}))
case("api", "node-selector-label", "invalid-label", "a node selector key the API rejects",
     top(pod={"node_selector": {"bad key": "x"}}))
case("api", "dns-too-many-nameservers", "invalid-dns-config", "more than three nameservers",
     top(pod={"dns_policy": "None", "dns": {"nameservers": ["1.1.1.1", "1.0.0.1", "8.8.8.8", "8.8.4.4"]}}))
case("api", "grace-negative", "out-of-range", "a negative termination grace period", top(pod={"termination_grace_period": -5}))
case("api", "pod-fs-group-negative", "out-of-range", "a negative fs_group", top(pod={"security": {"fs_group": -1}}))
case("api", "host-path-relative", "invalid-path", "a host path that is not absolute",
     lambda s: s.update(volumes=[{"name": "v", "host_path": {"path": "var/log"}}]) or s["containers"][0].update(volume_mounts=[{"volume": "v", "path": "/logs"}]))

# Cross-references: names that point nowhere, names used twice.
case("xref", "unknown-volume", "unknown-volume", "a mount of a volume that is not declared",
     container(volume_mounts=[{"volume": "nope", "path": "/data"}]))
case("xref", "duplicate-volume", "duplicate-name", "two volumes with one name",
     lambda s: s.update(volumes=[{"name": "v", "empty_dir": {}}, {"name": "v", "empty_dir": {}}]) or s["containers"][0].update(volume_mounts=[{"volume": "v", "path": "/data"}]))
case("xref", "duplicate-mount-path", "duplicate-mount-path", "two mounts at one path",
     lambda s: s.update(volumes=[{"name": "a", "empty_dir": {}}, {"name": "b", "empty_dir": {}}]) or s["containers"][0].update(
         volume_mounts=[{"volume": "a", "path": "/data"}, {"volume": "b", "path": "/data"}]))
case("xref", "duplicate-container", "duplicate-name", "two containers with one name",
     top(containers=[{"name": "web", "image": "nginx:1.27"}, {"name": "web", "image": "nginx:1.27"}]))
case("xref", "init-and-app-same-name", "duplicate-name", "an init container named like the app container",
     top(containers=[{"name": "web", "init": True, "image": "busybox:1.36"}, {"name": "web", "image": "nginx:1.27"}]))
case("xref", "only-init-containers", "no-app-container", "init containers only",
     top(containers=[{"name": "init", "init": True, "image": "busybox:1.36"}]))
case("xref", "probe-unknown-port-name", "unknown-port-name", "a probe on a port name the container does not have",
     container(readiness={"tcp": {"port": "grpc"}}))
case("xref", "probe-http-unknown-port-name", "unknown-port-name", "an HTTP probe on a missing port name",
     container(liveness={"http": {"path": "/", "port": "admin"}}))
case("xref", "service-unknown-target-port", "unknown-target-port", "a service target port no container has",
     service(ports=[{"name": "http", "port": 80, "target_port": "grpc"}]), base=WITH_SERVICE)
case("xref", "service-unnamed-ports", "unnamed-port", "two service ports without names",
     service(ports=[{"port": 80, "target_port": "http"}, {"port": 81, "target_port": "http"}]), base=WITH_SERVICE)
case("xref", "service-duplicate-port-name", "duplicate-port", "two service ports with one name",
     service(ports=[{"name": "http", "port": 80, "target_port": "http"}, {"name": "http", "port": 81, "target_port": "http"}]), base=WITH_SERVICE)
case("xref", "ingress-without-service", "ingress-without-service", "an Ingress with no Service to send to",
     top(ingress={"rules": [{"host": "shop.example.com", "paths": [{"path": "/", "port": "http"}]}]}))
case("xref", "ingress-unknown-service-port", "unknown-service-port", "an Ingress path to a port the Service lacks",
     top(ingress={"rules": [{"host": "shop.example.com", "paths": [{"path": "/", "port": "grpc"}]}]}), base=WITH_SERVICE)
case("xref", "ingress-unknown-service-number", "unknown-service-port", "an Ingress path to a port number the Service lacks",
     top(ingress={"rules": [{"host": "shop.example.com", "paths": [{"path": "/", "port": 8443}]}]}), base=WITH_SERVICE)
case("xref", "ingress-tls-host-mismatch", "tls-host-mismatch", "a TLS host no rule serves",
     top(ingress={"rules": [{"host": "shop.example.com", "paths": [{"path": "/", "port": "http"}]}],
                  "tls": [{"hosts": ["other.example.com"], "secret": "tls"}]}), base=WITH_SERVICE)
case("xref", "duplicate-services", "duplicate-name", "two Services with one name",
     top(services=[{"name": "a", "ports": [{"name": "http", "port": 80, "target_port": "http"}]},
                   {"name": "a", "ports": [{"name": "http", "port": 81, "target_port": "http"}]}]))
case("xref", "service-and-services", "conflicting-fields", "both [service] and [[services]]",
     top(services=[{"name": "a", "ports": [{"name": "http", "port": 80, "target_port": "http"}]}]), base=WITH_SERVICE)
case("xref", "ingress-and-ingresses", "conflicting-fields", "both [ingress] and [[ingresses]]",
     top(ingress={"rules": [{"host": "a.example.com", "paths": [{"path": "/", "port": "http"}]}]},
         ingresses=[{"name": "b", "rules": [{"host": "b.example.com", "paths": [{"path": "/", "port": "http"}]}]}]), base=WITH_SERVICE)

# Templates.
def annotation(template):
    return deployment(annotations={"t": template})


for name, template, code in [
    ("unclosed-expression", "{{ vars.version", "template-syntax"),
    ("unclosed-block", "{% if true %}x", "template-syntax"),
    ("bad-operator", "{{ 1 +* 2 }}", "template-syntax"),
    ("unknown-tag", "{% frobnicate %}", "template-syntax"),
    ("unexpected-end", "{% endif %}", "template-syntax"),
    ("undefined-var", "{{ vars.nope }}", "undefined-variable"),
    ("undefined-top", "{{ nope }}", "undefined-variable"),
    ("unknown-filter", "{{ 'a' | shout }}", "unknown-filter"),
    ("division-by-zero", "{{ 1 // 0 }}", "template-error"),
    ("runaway-loop", "{% for i in range(100000) %}{% for j in range(100000) %}x{% endfor %}{% endfor %}", "template-error"),
    ("huge-string", "{{ 'x' * 1000000000 }}", "template-error"),
    ("deep-parens", "{{ " + "(" * 5000 + "1" + ")" * 5000 + " }}", "template-syntax"),
    ("call-undefined", "{{ nope() }}", "unknown-filter"),
    ("include", "{% include 'other' %}", "template-error"),
    ("macro-recursion", "{% macro f() %}{{ f() }}{% endmacro %}{{ f() }}", "template-syntax"),
]:
    case("templates", name, code, f"a template that cannot render ({name})", annotation(template))
case("templates", "replicas-not-a-number", "template-type-mismatch", "a template that renders prose where a number goes",
     lambda s: s.update(vars={"n": "many"}) or s["deployment"].update(replicas="{{ vars.n }}"))
case("templates", "unknown-environment-table", "unknown-field", "an environment table under a misspelt key",
     top(envs={"prod": {"vars": {}}}))
case("templates", "var-invalid-name", "invalid-variable", "a variable name with a hyphen", top(vars={"my-var": "x"}))
case("templates", "sensitive-in-label", "sensitive-value", "a sensitive variable in a label",
     top(vars={"token": {"value": "s3cret", "sensitive": True}}, deployment={"name": "web", "labels": {"t": "{{ vars.token }}"}}))
case("templates", "template-in-key", "invalid-label", "a template in a label key is not rendered",
     deployment(labels={"{{ vars.x }}": "v"}))
case("templates", "template-name-invalid", "invalid-name", "a template that renders an invalid name",
     lambda s: s.update(vars={"n": "Web App"}) or s["deployment"].update(name="{{ vars.n }}"))

# Injection attempts: shell, YAML and terminal tricks in values that reach manifests or deploy.sh.
for name, value in {
    "command-substitution": "$(rm -rf /)", "backticks": "`reboot`", "semicolon": "web;reboot",
    "newline": "web\nkind: Secret", "quote": "web'\"", "pipe": "web|sh", "dollar-brace": "${HOME}",
    "path-traversal": "../../etc", "null-like": "web\u0000", "escape-sequence": "web\u001b[31m",
    "homoglyph": "wеb", "zero-width": "we\u200bb", "right-to-left": "web\u202e", "glob": "web*",
}.items():
    code = "invalid-name"
    case("injection", f"name-{name}", code, f"a deployment name that tries an injection ({name})", deployment(name=value))
for name, value in {
    "command-substitution": "$(id)", "newline-kind": "a\nkind: Secret", "backticks": "`id`",
    "yaml-document": "x\n---\nkind: Secret",
}.items():
    case("injection", f"label-{name}", "invalid-label", f"a label value that tries an injection ({name})", deployment(labels={"team": value}))
for name, value in {"command-substitution": "nginx:$(id)", "newline": "nginx:1.27\nrm -rf /",
                    "backticks": "nginx:`id`", "semicolon": "nginx:1.27;id"}.items():
    case("injection", f"image-{name}", "invalid-image", f"an image that tries an injection ({name})", container(image=value))
for name, value in {"command-substitution": "$(id)", "semicolon": "shop;id", "newline": "shop\nid"}.items():
    case("injection", f"namespace-{name}", "invalid-name", f"a namespace that tries an injection ({name})", top(step={"namespace": value}))
case("injection", "step-id-shell", "invalid-name", "a step id that tries an injection", top(step={"id": "web$(id)"}))
case("injection", "port-name-shell", "invalid-port-name", "a port name with a shell expansion",
     container(ports=[{"name": "$(id)", "port": 8080}]))
case("injection", "secret-name-shell", "invalid-name", "a Secret name with a shell expansion",
     top(secrets={"s$(id)": {"data": {"a": "b"}}}))
case("injection", "config-map-name-traversal", "invalid-name", "a ConfigMap name with a path",
     top(config_maps={"../../etc/passwd": {"data": {"a": "b"}}}))
case("injection", "mount-path-traversal", "invalid-path", "a mount path with `..`",
     lambda s: s.update(volumes=[{"name": "v", "empty_dir": {}}]) or s["containers"][0].update(volume_mounts=[{"volume": "v", "path": "/data/../../etc"}]))
case("injection", "volume-item-path-traversal", "invalid-path", "a ConfigMap item path with `..`",
     lambda s: s.update(volumes=[{"name": "v", "config_map": {"name": "c", "items": [{"key": "k", "path": "../x"}]}}]) or s["containers"][0].update(volume_mounts=[{"volume": "v", "path": "/data"}]))
case("injection", "ingress-host-shell", "invalid-host", "an Ingress host with a shell expansion",
     top(ingress={"rules": [{"host": "$(id).example.com", "paths": [{"path": "/", "port": "http"}]}]}), base=WITH_SERVICE)
case("injection", "template-reads-environment", "undefined-variable", "a template that reaches for the process environment",
     annotation("{{ env.HOME }}{{ environ }}"))
case("injection", "template-python-escape", "undefined-variable", "a template that reaches for Python internals",
     annotation("{{ ''.__class__.__mro__[1].__subclasses__() }}"))


# --- writing ---------------------------------------------------------------------------------

def codes_of(kstep, path, work):
    out = os.path.join(work, "out")
    result = subprocess.run(
        [kstep, "--color=never", "compile", path, "-o", out, "--message-format", "json"],
        capture_output=True, cwd=work,
    )
    codes = set()
    for line in result.stdout.decode().splitlines():
        if line.strip():
            codes.add(json.loads(line)["code"].removeprefix("kstep::"))
    return result.returncode, sorted(codes)


def main():
    kstep = sys.argv[1] if len(sys.argv) > 1 else build_kstep(ROOT)
    for entry in os.listdir(HERE):
        if os.path.isdir(os.path.join(HERE, entry)):
            shutil.rmtree(os.path.join(HERE, entry))
    written, skipped = 0, []
    with tempfile.TemporaryDirectory() as work:
        for category, name, intended, why, toml, yaml in CASES:
            for ext, text in (("toml", toml), ("yaml", yaml)):
                if text is None:
                    continue
                header = f"# why: {why}\n"
                body = text.encode("utf-8", "surrogateescape")
                probe = os.path.join(work, f"{name}.{ext}")
                with open(probe, "wb") as f:
                    f.write(header.encode() + b"# expect: ?\n" + body)
                code, codes = codes_of(kstep, probe, work)
                if code != 1 or intended not in codes:
                    skipped.append(f"{category}/{name}.{ext}: exit {code}, wanted {intended}, got {codes}")
                    continue
                os.makedirs(os.path.join(HERE, category), exist_ok=True)
                with open(os.path.join(HERE, category, f"{name}.{ext}"), "wb") as f:
                    f.write(header.encode() + f"# expect: {' '.join(codes)}\n".encode() + body)
                written += 1
    for line in skipped:
        print("skipped", line)
    print(f"{written} files written, {len(skipped)} skipped")


if __name__ == "__main__":
    main()
