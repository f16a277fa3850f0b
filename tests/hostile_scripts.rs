//! Generated scripts under hostile values, as a property test: seeded random cases fill every
//! value that reaches deploy.sh or its kubectl calls with the most hostile text allowed there,
//! run the script against the stand-in kubectl, and check that nothing was executed, that
//! every argument reached kubectl byte for byte, that no Secret value appears in an argument
//! or in the output, and that the values only in manifests reached the cluster unchanged.
//!
//! What reaches the script's text is limited by kstep's checks: the step id (a DNS
//! subdomain), the deployment id (a label value, a DNS label under blue/green), the
//! namespace and the names of objects (DNS names), the progress deadline (a number), and the
//! step file's path (anything; only in a comment). What reaches kubectl's arguments at run
//! time is anything: the directory the output is in (`$here`), `--context`, `--namespace` of a
//! step without one, the `KUBECTL` path, `CDPATH`. And the manifests carry the free text:
//! annotations, ConfigMap and Secret data, env values, command and args, paths, headers.

mod support;

use std::ffi::OsString;
use std::fs;
use std::os::unix::ffi::{OsStrExt, OsStringExt};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use base64::Engine;
use serde_json::Value;
use support::{Rng, kstep, root, run, stderr};

/// Cases per run: each compiles one step and runs its script once (a few seconds in all).
const CASES: u64 = 12;

const STRATEGIES: [&str; 3] = ["recreate", "rolling-update", "blue-green"];

/// Pieces of hostile text: shell syntax that would run `touch pwned` if evaluated, quotes,
/// escapes, line breaks, terminal escapes, unicode that some readers treat as line breaks.
/// No `{`: `{{`, `{%` and `{#` start a kstep template.
const PIECES: &[&str] = &[
    "'",
    "\"",
    "\\",
    "$(touch pwned)",
    "`touch pwned`",
    "$HOME",
    "$IFS",
    ";touch pwned;",
    "|touch pwned",
    "&& touch pwned",
    ">pwned",
    "\n",
    "\t",
    "\r",
    "*",
    "?",
    "[a]",
    "~",
    "!",
    "#",
    "%s%n",
    "-n",
    "--context=x",
    " ",
    "ü",
    "🚀",
    "\u{202e}",
    "\u{1b}[2J",
    "\u{85}",
    "\u{2028}",
    "\u{a0}",
    "e\u{301}",
    "\\'",
    "''",
    "\"$(touch pwned)\"",
    "'$(touch pwned)'",
    "a",
    "0",
    ":",
    "=",
    ",",
    "!=",
    "(",
    ")",
    "\\n",
    "$'\\x41'",
];

fn hostile(rng: &mut Rng) -> String {
    (0..1 + rng.below(6)).map(|_| *rng.pick(PIECES)).collect()
}

/// Hostile bytes for a file name: no `/`, no NUL, and sometimes not UTF-8 at all.
fn hostile_name(rng: &mut Rng) -> Vec<u8> {
    let mut name = hostile(rng).replace('/', "_").into_bytes();
    if rng.below(3) == 0 {
        name.push(0xff);
    }
    name
}

/// 1 to `max` characters of `alphabet`, starting and ending with one of `ends`.
fn word(rng: &mut Rng, max: u64, ends: &str, alphabet: &str) -> String {
    let len = 1 + rng.below(max);
    let ends: Vec<char> = ends.chars().collect();
    let alphabet: Vec<char> = alphabet.chars().collect();
    (0..len)
        .map(|i| {
            if i == 0 || i + 1 == len {
                *rng.pick(&ends)
            } else {
                *rng.pick(&alphabet)
            }
        })
        .collect()
}

const LOWER: &str = "abcdefghijklmnopqrstuvwxyz0123456789";

/// A DNS label such as `a-9-b`, starting with a letter (so it may also name a Service).
fn dns_label(rng: &mut Rng, max: u64) -> String {
    let mut label = word(rng, max, LOWER, "abcdefghijklmnopqrstuvwxyz0123456789-");
    label.replace_range(..1, "x");
    label
}

/// One random case: every value that can vary, and what the cluster should end up with.
struct Case {
    strategy: &'static str,
    step_id: String,
    deployment_id: String,
    name: String,
    /// The step's namespace, if it names one.
    namespace: Option<String>,
    /// `--namespace` given to the script (only for a step without one).
    runtime_namespace: Option<Vec<u8>>,
    context: Option<Vec<u8>>,
    config_map: String,
    secret_name: String,
    secret: String,
    annotation: String,
    data: String,
    env: String,
    args: Vec<String>,
    command: String,
    path: String,
    header: String,
    deadline: u64,
    failing: bool,
    relative: bool,
}

impl Case {
    fn new(rng: &mut Rng, i: u64) -> Case {
        let strategy = STRATEGIES[(i % 3) as usize];
        let blue_green = strategy == "blue-green";
        let step_id = (0..1 + rng.below(3))
            .map(|_| word(rng, 8, LOWER, "abcdefghijklmnopqrstuvwxyz0123456789-"))
            .collect::<Vec<_>>()
            .join(".");
        let deployment_id = if blue_green {
            dns_label(rng, 12)
        } else {
            let any = "ABCXYZabcxyz0189";
            word(rng, 20, any, "ABCXYZabcxyz0189-_.")
        };
        let namespaced = rng.below(2) == 0;
        Case {
            strategy,
            step_id,
            deployment_id,
            name: dns_label(rng, 12),
            namespace: namespaced.then(|| dns_label(rng, 20)),
            runtime_namespace: (!namespaced).then(|| hostile_name(rng)),
            context: (rng.below(3) != 0).then(|| hostile_name(rng)),
            config_map: format!("{}.{}", dns_label(rng, 8), dns_label(rng, 8)),
            secret_name: format!("{}.{}", dns_label(rng, 8), dns_label(rng, 8)),
            secret: format!("S3cr3t-{:016x}{}", rng.below(u64::MAX), hostile(rng)),
            annotation: hostile(rng),
            data: hostile(rng),
            env: hostile(rng),
            args: vec![hostile(rng), hostile(rng)],
            command: hostile(rng),
            path: format!("/data/{}", hostile(rng).replace('/', "_")),
            header: hostile(rng),
            deadline: 1 + rng.below(100_000),
            failing: (i / 3) % 2 == 1,
            relative: (i / 6).is_multiple_of(2),
        }
    }

    fn step(&self) -> String {
        let namespace = self
            .namespace
            .as_ref()
            .map(|n| format!("namespace = {}\n", toml(n)))
            .unwrap_or_default();
        format!(
            r#"[step]
id = {id}
{namespace}
[deployment]
name = {name}
replicas = 2
progress_deadline = {deadline}
annotations = {{ "example.com/note" = {annotation} }}

[config_maps.{config_map:?}]
data = {{ note = {data} }}

[secrets.{secret_name:?}]
data = {{ token = {secret} }}

[[volumes]]
name = "scratch"
empty_dir = {{}}

[[containers]]
name = "web"
image = "nginx:1.27"
ports = [{{ name = "http", port = 8080 }}]
command = ["/bin/sh", "-c", {command}]
args = [{arg0}, {arg1}]
working_dir = {path}
env = [
  {{ name = "NOTE", value = {env} }},
  {{ name = "TOKEN", secret = {secret_name:?}, key = "token" }},
  {{ name = "LEVEL", config_map = {config_map:?}, key = "note" }},
]
volume_mounts = [{{ volume = "scratch", path = {path} }}]
readiness = {{ http = {{ path = {path}, port = "http", headers = [{{ name = "X-Note", value = {header} }}] }} }}

[service]
ports = [{{ name = "http", port = 80, target_port = "http" }}]
"#,
            id = toml(&self.step_id),
            name = toml(&self.name),
            deadline = self.deadline,
            annotation = toml(&self.annotation),
            config_map = self.config_map,
            data = toml(&self.data),
            secret_name = self.secret_name,
            secret = toml(&self.secret),
            command = toml(&self.command),
            arg0 = toml(&self.args[0]),
            arg1 = toml(&self.args[1]),
            path = toml(&self.path),
            env = toml(&self.env),
            header = toml(&self.header),
        )
    }

    /// The Deployment's name in the cluster.
    fn deployment(&self) -> String {
        if self.strategy == "blue-green" {
            format!("{}-{}", self.name, self.deployment_id)
        } else {
            self.name.clone()
        }
    }

    fn scope(&self) -> Vec<Vec<u8>> {
        let mut scope = Vec::new();
        if let Some(context) = &self.context {
            scope.push(b"--context".to_vec());
            scope.push(context.clone());
        }
        let namespace = self
            .namespace
            .as_ref()
            .map(|n| n.as_bytes().to_vec())
            .or_else(|| self.runtime_namespace.clone());
        if let Some(namespace) = namespace {
            scope.push(b"--namespace".to_vec());
            scope.push(namespace);
        }
        scope
    }

    /// Every kubectl call the script makes, each with its arguments as bytes. `files` are
    /// the manifests relative to the step's directory `here`, in apply order; `unready` the
    /// pods a failed rollout leaves. The switch time in a blue/green Service patch is `T`
    /// (see `normalized`).
    fn calls(&self, here: &[u8], files: &[String], unready: &[String]) -> Vec<Vec<Vec<u8>>> {
        let arg = |s: &str| s.as_bytes().to_vec();
        let apply = |ranks: std::ops::Range<u32>| {
            let mut call = vec![arg("apply")];
            for file in files {
                let rank: u32 = file["manifests/".len()..][..2].parse().unwrap();
                if ranks.contains(&rank) {
                    call.push(arg("--filename"));
                    call.push([here, b"/", file.as_bytes()].concat());
                }
            }
            (call.len() > 1).then_some(call)
        };
        let words = |words: &[&str]| words.iter().map(|w| arg(w)).collect::<Vec<_>>();
        let blue_green = self.strategy == "blue-green";
        let (id, deployment_id) = (&self.step_id, &self.deployment_id);
        let deployment = self.deployment();
        let lock = format!("kstep-{id}");
        let lease = "jsonpath={.metadata.resourceVersion},{.spec.leaseDurationSeconds},{.spec.acquireTime},{.spec.renewTime},{.spec.holderIdentity}";
        let read_lease = words(&[
            "get",
            "lease",
            &lock,
            "--ignore-not-found",
            "--output",
            lease,
        ]);
        let version = "jsonpath={.metadata.resourceVersion}";
        let pods = if blue_green {
            format!("kstep.dev/deployment-id={deployment_id},kstep.dev/step={id}")
        } else {
            format!("kstep.dev/step={id},kstep.dev/track=in-place")
        };
        // First, whether kubectl reaches the cluster.
        let mut calls: Vec<Vec<Vec<u8>>> = vec![words(&[
            "get",
            "--raw",
            "/version",
            "--request-timeout=30s",
        ])];
        if blue_green {
            calls.push(read_lease.clone());
            calls.push(words(&["create", "--filename", "-", "--output", version]));
            calls.push(words(&[
                "get",
                "service",
                &self.name,
                "--ignore-not-found",
                "--output",
                r"jsonpath={.metadata.name},{.spec.selector.kstep\.dev/deployment-id},{.spec.selector.kstep\.dev/track},{.metadata.annotations.kstep\.dev/previous-deployment},{.metadata.annotations.kstep\.dev/switched-at}",
            ]));
            calls.push(words(&[
                "get",
                "deployments",
                "--selector",
                &format!("kstep.dev/step={id}"),
            ]));
            calls.extend(apply(0..20));
            calls.extend(apply(20..30));
            calls.push(words(&[
                "scale",
                &format!("deployment/{deployment}"),
                "--replicas=2",
            ]));
        } else {
            calls.push(words(&[
                "get",
                "deployment",
                &deployment,
                "--ignore-not-found",
                "--output",
                "jsonpath={.spec.selector}",
            ]));
            calls.push(read_lease.clone());
            calls.push(words(&["create", "--filename", "-", "--output", version]));
            calls.extend(apply(0..20));
            calls.extend(apply(20..30));
        }
        calls.push(words(&[
            "get",
            "deployment",
            &deployment,
            "--output",
            "name",
        ]));
        calls.push(words(&[
            "rollout",
            "status",
            &format!("deployment/{deployment}"),
            &format!("--timeout={}s", self.deadline),
        ]));
        if self.failing {
            let scripts = root().join("compiler/emit/scripts");
            let template = |file: &str| {
                format!(
                    "go-template={}",
                    fs::read_to_string(scripts.join(file)).unwrap()
                )
            };
            calls.push(words(&[
                "get",
                "pods",
                "--selector",
                &pods,
                "--output",
                &template("pod-report.gotmpl"),
            ]));
            calls.push(words(&[
                "get",
                "events",
                "--field-selector",
                "involvedObject.kind=Pod,reason=Unhealthy",
                "--output",
                &template("probe-events.gotmpl"),
            ]));
            calls.push(words(&["describe", "deployment", &deployment]));
            calls.push(words(&[
                "get",
                "pods",
                "--selector",
                &pods,
                "--output",
                "wide",
            ]));
            for pod in unready {
                calls.push(words(&["describe", "pod", "--", pod]));
            }
        } else if blue_green {
            // The first deployment: the Service is created, with the deployment's selector,
            // then given the record of the switch; nothing served before, so no delay.
            calls.extend(apply(30..100));
            let patch = format!(
                r#"{{"metadata":{{"annotations":{{"kstep.dev/active-deployment":"{deployment_id}","kstep.dev/previous-deployment":null,"kstep.dev/switched-at":"T"}}}},"spec":{{"selector":{{"kstep.dev/deployment-id":"{deployment_id}","kstep.dev/track":null}}}}}}"#
            );
            calls.push(words(&[
                "patch",
                "service",
                &self.name,
                "--type=merge",
                "--patch",
                &patch,
            ]));
            let step = format!("kstep.dev/step={id},kstep.dev/deployment-id");
            calls.push(words(&[
                "delete",
                "deployments.apps,configmaps,secrets,poddisruptionbudgets.policy",
                "--selector",
                &format!("{step},kstep.dev/deployment-id notin ({deployment_id})"),
                "--ignore-not-found",
            ]));
            calls.push(words(&[
                "delete",
                "services,ingresses.networking.k8s.io,horizontalpodautoscalers.autoscaling",
                "--selector",
                &format!("{step},kstep.dev/deployment-id!={deployment_id}"),
                "--ignore-not-found",
            ]));
            calls.push(words(&[
                "delete",
                "endpointslices.discovery.k8s.io",
                "--selector",
                &format!("{step},kstep.dev/deployment-id!={deployment_id},endpointslice.kubernetes.io/managed-by=kstep.dev"),
                "--ignore-not-found",
            ]));
            calls.push(words(&[
                "api-resources",
                "--api-group=gateway.networking.k8s.io",
                "--output",
                "name",
            ]));
            calls.push(words(&[
                "delete",
                "httproutes.gateway.networking.k8s.io",
                "--selector",
                &format!("{step},kstep.dev/deployment-id!={deployment_id}"),
                "--ignore-not-found",
            ]));
        } else {
            let cleanup = format!(
                "kstep.dev/step={id},kstep.dev/deployment-id,kstep.dev/deployment-id!={deployment_id}"
            );
            calls.extend(apply(30..100));
            calls.push(words(&[
                "delete",
                "deployments.apps,statefulsets.apps,daemonsets.apps,jobs.batch,cronjobs.batch,configmaps,secrets,services,ingresses.networking.k8s.io,poddisruptionbudgets.policy,horizontalpodautoscalers.autoscaling",
                "--selector",
                &cleanup,
                "--ignore-not-found",
            ]));
            calls.push(words(&[
                "delete",
                "endpointslices.discovery.k8s.io",
                "--selector",
                &format!("{cleanup},endpointslice.kubernetes.io/managed-by=kstep.dev"),
                "--ignore-not-found",
            ]));
            calls.push(words(&[
                "api-resources",
                "--api-group=gateway.networking.k8s.io",
                "--output",
                "name",
            ]));
            calls.push(words(&[
                "delete",
                "httproutes.gateway.networking.k8s.io",
                "--selector",
                &cleanup,
                "--ignore-not-found",
            ]));
        }
        // The lock is released, whatever happened.
        calls.push(read_lease);
        calls.push(words(&["replace", "--filename", "-", "--output", version]));
        calls
            .into_iter()
            .map(|call| [self.scope(), call].concat())
            .collect()
    }
}

/// A call as the test expects it: the time in a switch's Service patch becomes `T`.
fn normalized(call: Vec<Vec<u8>>) -> Vec<Vec<u8>> {
    let mut after_patch = false;
    call.into_iter()
        .map(|arg| {
            let patch = after_patch;
            after_patch = arg == b"--patch";
            if !patch {
                return arg;
            }
            let text = String::from_utf8(arg).unwrap();
            let key = "\"kstep.dev/switched-at\":\"";
            match text.find(key) {
                Some(start) => {
                    let digits = start + key.len();
                    let end = digits + text[digits..].find('"').unwrap();
                    format!("{}T{}", &text[..digits], &text[end..]).into_bytes()
                }
                None => text.into_bytes(),
            }
        })
        .collect()
}

/// A TOML basic string: `"` and `\` escaped, every control character as `\uXXXX`.
fn toml(text: &str) -> String {
    let mut out = String::from("\"");
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if c.is_control() => out.push_str(&format!("\\u{:04X}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn path(dir: &Path, name: &[u8]) -> PathBuf {
    dir.join(OsString::from_vec(name.to_vec()))
}

/// Every path below `dir` whose name contains `pwned`: what an executed value would create.
fn pwned(dir: &Path) -> Vec<PathBuf> {
    let mut found = Vec::new();
    for entry in fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().as_bytes();
        // The hostile names themselves contain `touch pwned`; a created file is named just so.
        if name == b"pwned" {
            found.push(path.clone());
        }
        if path.is_dir() && !path.is_symlink() {
            found.extend(pwned(&path));
        }
    }
    found
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

fn run_case(i: u64, case: &Case, rng: &mut Rng) {
    let dir = tempfile::tempdir().unwrap();
    let cwd = dir.path().join("cwd");
    fs::create_dir(&cwd).unwrap();
    let steps = dir.path().join("steps");
    fs::create_dir(&steps).unwrap();
    let source = path(&steps, &[hostile_name(rng), b".toml".to_vec()].concat());
    fs::write(&source, case.step()).unwrap();
    let out = path(dir.path(), &[b"out ".to_vec(), hostile_name(rng)].concat());
    let compiled = run(kstep()
        .current_dir(&cwd)
        .arg("compile")
        .arg(&source)
        .arg("-o")
        .arg(&out)
        .args([
            "--strategy",
            case.strategy,
            "--deployment-id",
            &case.deployment_id,
        ]));
    assert!(
        compiled.status.success(),
        "case {i}: {}\n{}",
        stderr(&compiled),
        case.step()
    );
    let step_dir = out.join(&case.step_id);
    let script = fs::read(step_dir.join("deploy.sh")).unwrap();
    let mut files: Vec<String> = fs::read_dir(step_dir.join("manifests"))
        .unwrap()
        .map(|e| format!("manifests/{}", e.unwrap().file_name().to_str().unwrap()))
        .collect();
    files.sort();

    // The kubectl wrapper, at a hostile path.
    let kubectl = path(
        dir.path(),
        &[b"kube ".to_vec(), hostile_name(rng), b"ctl".to_vec()].concat(),
    );
    fs::write(&kubectl, support::cluster::wrapper()).unwrap();
    support::cluster::make_executable(&kubectl);
    let state = dir.path().join("state.json");

    let mut command = if case.relative {
        // Run as `bash <step id>/deploy.sh` from the output directory, with a CDPATH that
        // offers another directory of that name: the script must find its own.
        let decoy = dir.path().join("decoy");
        fs::create_dir_all(decoy.join(&case.step_id)).unwrap();
        let mut command = Command::new("bash");
        command
            .arg(format!("{}/deploy.sh", case.step_id))
            .current_dir(&out)
            .env("CDPATH", &decoy);
        command
    } else {
        let mut command = Command::new(step_dir.join("deploy.sh"));
        command.current_dir(&cwd);
        command
    };
    if let Some(context) = &case.context {
        command
            .arg("--context")
            .arg(OsString::from_vec(context.clone()));
    }
    if let Some(namespace) = &case.runtime_namespace {
        command.arg(OsString::from_vec(b"--namespace".to_vec()));
        command.arg(OsString::from_vec(namespace.clone()));
    }
    // No lock renewal within a case: its calls would come at no fixed place.
    command.args(["--lock-duration", "3600"]);
    command
        .env("KUBECTL", &kubectl)
        .env("FAKE_KUBECTL_STATE", &state)
        .env_remove("FAKE_KUBECTL_FAIL_EVENTS");
    if case.failing {
        let status = serde_json::json!({
            "conditions": [{ "type": "Ready", "status": "False" }],
            "containerStatuses": [{ "name": "web", "ready": false, "restartCount": 3,
                "state": { "waiting": { "reason": "CrashLoopBackOff", "message": hostile(rng) } },
                "lastState": { "terminated": { "exitCode": 1, "reason": hostile(rng) } } }],
        });
        command
            .env("FAKE_KUBECTL_FAIL_ROLLOUT", "*")
            .env("FAKE_KUBECTL_FAIL_STATUS", status.to_string());
    } else {
        command
            .env_remove("FAKE_KUBECTL_FAIL_ROLLOUT")
            .env_remove("FAKE_KUBECTL_FAIL_STATUS");
    }
    let output: Output = command.output().unwrap();
    let shown = format!(
        "case {i} ({}):\n{}\n{}",
        case.strategy,
        String::from_utf8_lossy(&output.stdout),
        stderr(&output)
    );
    assert_eq!(
        output.status.code(),
        Some(if case.failing { 3 } else { 0 }),
        "{shown}"
    );

    // Nothing was executed.
    assert_eq!(pwned(dir.path()), Vec::<PathBuf>::new(), "{shown}");

    // Every argument reached kubectl byte for byte.
    let cluster: Value = serde_json::from_str(&fs::read_to_string(&state).unwrap()).unwrap();
    let calls: Vec<Vec<Vec<u8>>> = cluster["raw_log"]
        .as_array()
        .unwrap()
        .iter()
        .map(|call| {
            call.as_array()
                .unwrap()
                .iter()
                .map(|arg| hex(arg.as_str().unwrap()))
                .collect()
        })
        .map(normalized)
        .collect();
    let unready: Vec<String> = stderr(&output)
        .lines()
        .filter_map(|l| l.strip_suffix("  0/1"))
        .map(str::to_owned)
        .collect();
    if case.failing {
        assert_eq!(unready.len(), 2, "{shown}");
    }
    let expected = case.calls(
        out.join(&case.step_id).as_os_str().as_bytes(),
        &files,
        &unready,
    );
    let readable = |calls: &[Vec<Vec<u8>>]| {
        calls
            .iter()
            .map(|c| {
                c.iter()
                    .map(|a| String::from_utf8_lossy(a).into_owned())
                    .collect::<Vec<_>>()
            })
            .collect::<Vec<_>>()
    };
    assert!(
        calls == expected,
        "{shown}\n{:#?}\n!=\n{:#?}",
        readable(&calls),
        readable(&expected)
    );

    // No Secret value in an argument, in the output, or in the script.
    let encoded = base64::engine::general_purpose::STANDARD.encode(&case.secret);
    for needle in [case.secret.as_bytes(), encoded.as_bytes()] {
        let everywhere = [output.stdout.as_slice(), &output.stderr, &script];
        assert!(
            everywhere.iter().all(|h| !contains(h, needle))
                && calls.iter().flatten().all(|a| !contains(a, needle)),
            "{shown}: a Secret value was shown"
        );
    }

    // The values only in manifests reached the cluster unchanged.
    let object = |kind: &str| {
        cluster["objects"]
            .as_array()
            .unwrap()
            .iter()
            .find(|o| o["kind"] == kind)
            .unwrap_or_else(|| panic!("{shown}: no {kind}"))
            .clone()
    };
    let deployment = object("Deployment");
    assert_eq!(
        deployment["metadata"]["annotations"]["example.com/note"],
        case.annotation.as_str(),
        "{shown}"
    );
    let container = &deployment["spec"]["template"]["spec"]["containers"][0];
    assert_eq!(
        container["command"],
        serde_json::json!(["/bin/sh", "-c", case.command]),
        "{shown}"
    );
    assert_eq!(container["args"], serde_json::json!(case.args), "{shown}");
    assert_eq!(container["env"][0]["value"], case.env.as_str(), "{shown}");
    assert_eq!(container["workingDir"], case.path.as_str(), "{shown}");
    assert_eq!(
        container["volumeMounts"][0]["mountPath"],
        case.path.as_str(),
        "{shown}"
    );
    let http = &container["readinessProbe"]["httpGet"];
    assert_eq!(http["path"], case.path.as_str(), "{shown}");
    assert_eq!(
        http["httpHeaders"][0]["value"],
        case.header.as_str(),
        "{shown}"
    );
    assert_eq!(
        object("ConfigMap")["data"]["note"],
        case.data.as_str(),
        "{shown}"
    );
    assert_eq!(
        object("Secret")["data"]["token"],
        encoded.as_str(),
        "{shown}"
    );
}

fn hex(text: &str) -> Vec<u8> {
    (0..text.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&text[i..i + 2], 16).unwrap())
        .collect()
}

#[test]
fn hostile_values_run_nothing_and_reach_kubectl_byte_exact() {
    // Each case has its own seed, so the cases can run on two threads and stay the same.
    std::thread::scope(|scope| {
        for half in 0..2 {
            scope.spawn(move || {
                for i in (half..CASES).step_by(2) {
                    let mut rng =
                        Rng(0x686f_7374_696c_6521 ^ (i + 1).wrapping_mul(0x9e37_79b9_7f4a_7c15));
                    let case = Case::new(&mut rng, i);
                    run_case(i, &case, &mut rng);
                }
            });
        }
    });
}
