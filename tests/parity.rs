//! Parity with the Kubernetes API's own validation tests.
//!
//! Each file in `tests/parity/` holds vectors taken from one upstream test file: a first line
//! naming the repository, the file and the commit read (and the reasons kstep is stricter, by
//! key), then one JSON object per line: the upstream test (and case), the value, the upstream
//! verdict, the step fields the value goes into, and, per field, the reason kstep rejects a
//! value the API accepts (`"stricter": {"field": "reason-key"}`). A `rule` names the upstream
//! rule that gives a field a verdict other than the tested function's (an annotation key is
//! lower-cased before it is checked).
//!
//! Every (vector, field) pair is rendered into a minimal step file and compiled through
//! `driver::compile`, the path of `kstep compile`. kstep rejects a value when it reports an
//! error. The test fails listing every disagreement: a value kstep accepts but the API
//! rejects (laxer, never allowed), a value kstep rejects without a stated reason, and a
//! stated reason kstep no longer needs. The figures are kept in `docs/parity.md`
//! (`KSTEP_UPDATE_DOCS=1` rewrites them).

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use kstep::diagnostic::Severity;
use kstep::driver::{self, CompileOptions, OutputMode};
use kstep::emit::Format;
use kstep::template::VarOptions;
use serde_json::Value;

mod support;
use support::root;

/// The upstream verdict of a vector, or kstep's.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Verdict {
    Valid,
    Invalid,
}

struct Source {
    name: String,
    repo: String,
    file: String,
    reasons: BTreeMap<String, String>,
    vectors: Vec<Vector>,
}

struct Vector {
    line: usize,
    test: String,
    case: Option<String>,
    value: Value,
    upstream: Verdict,
    fields: Vec<String>,
    stricter: BTreeMap<String, String>,
}

impl Vector {
    fn describe(&self, source: &Source, field: &str) -> String {
        let case = self
            .case
            .as_ref()
            .map_or(String::new(), |c| format!(" ({c})"));
        format!(
            "{}:{}: {} {}{case}: {} = {}",
            source.name, self.line, source.file, self.test, field, self.value
        )
    }
}

fn sources() -> Vec<Source> {
    let dir = root().join("tests/parity");
    let mut paths: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("tests/parity exists")
        .map(|e| e.expect("dir entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "jsonl"))
        .collect();
    paths.sort();
    paths.iter().map(|path| source(path)).collect()
}

fn source(path: &Path) -> Source {
    let name = path.file_name().unwrap().to_string_lossy().into_owned();
    let text = std::fs::read_to_string(path).expect("readable vectors");
    let mut lines = text.lines().enumerate();
    let (_, header) = lines.next().expect("a header line");
    let header: Value = serde_json::from_str(header).expect("the header is JSON");
    let text_of = |key: &str| {
        header[key]
            .as_str()
            .unwrap_or_else(|| panic!("{name}: the header needs `{key}`"))
            .to_owned()
    };
    for key in ["repo", "file", "commit"] {
        text_of(key);
    }
    let reasons = header["reasons"]
        .as_object()
        .map(|o| {
            o.iter()
                .map(|(k, v)| (k.clone(), v.as_str().expect("a reason").to_owned()))
                .collect()
        })
        .unwrap_or_default();
    let vectors = lines
        .map(|(i, line)| {
            let v: Value =
                serde_json::from_str(line).unwrap_or_else(|e| panic!("{name}:{}: {e}", i + 1));
            let upstream = match v["upstream"].as_str() {
                Some("valid") => Verdict::Valid,
                Some("invalid") => Verdict::Invalid,
                other => panic!("{name}:{}: upstream is {other:?}", i + 1),
            };
            let strings = |value: &Value| -> Vec<String> {
                value
                    .as_array()
                    .map(|a| {
                        a.iter()
                            .map(|s| s.as_str().expect("a string").to_owned())
                            .collect()
                    })
                    .unwrap_or_default()
            };
            let stricter = v["stricter"]
                .as_object()
                .map(|o| {
                    o.iter()
                        .map(|(k, v)| (k.clone(), v.as_str().expect("a reason key").to_owned()))
                        .collect()
                })
                .unwrap_or_default();
            Vector {
                line: i + 1,
                test: v["test"].as_str().expect("a test name").to_owned(),
                case: v["case"].as_str().map(str::to_owned),
                value: v["value"].clone(),
                upstream,
                fields: strings(&v["fields"]),
                stricter,
            }
        })
        .collect();
    let (repo, file) = (text_of("repo"), text_of("file"));
    Source {
        name,
        repo,
        file,
        reasons,
        vectors,
    }
}

/// A value as a TOML literal: a basic string, or an integer.
fn literal(value: &Value) -> String {
    match value {
        Value::Number(n) => n.to_string(),
        Value::String(s) => {
            let mut out = String::from('"');
            for c in s.chars() {
                match c {
                    '"' => out.push_str("\\\""),
                    '\\' => out.push_str("\\\\"),
                    c if c.is_control() => write!(out, "\\u{:04X}", c as u32).unwrap(),
                    c => out.push(c),
                }
            }
            out.push('"');
            out
        }
        other => panic!("a vector's value is a string or a number, not {other}"),
    }
}

const DEPLOYMENT: &str = "[deployment]\nname = \"web\"\n";
const CONTAINER: &str = "[[containers]]\nname = \"web\"\nimage = \"ghcr.io/acme/web:1.0.0\"\n";
const PORT: &str = "ports = [{ name = \"http\", port = 8080 }]\n";
const SERVICE: &str =
    "[service]\nports = [{ name = \"http\", port = 80, target_port = \"http\" }]\n";

/// The smallest step file that puts `v` (a TOML literal) into `field`; `None` for a field
/// this test does not know.
fn step(field: &str, v: &str) -> Option<String> {
    let app = format!("{DEPLOYMENT}\n{CONTAINER}{PORT}");
    let with_service = format!("{app}\n{SERVICE}");
    let ingress = |body: &str| format!("{with_service}\n[ingress]\n{body}");
    Some(match field {
        "deployment.name" => format!("[deployment]\nname = {v}\n\n{CONTAINER}"),
        "deployment.labels.key" => format!("{DEPLOYMENT}labels = {{ {v} = \"x\" }}\n\n{CONTAINER}"),
        "deployment.labels.value" => {
            format!("{DEPLOYMENT}labels = {{ team = {v} }}\n\n{CONTAINER}")
        }
        "deployment.annotations.key" => {
            format!("{DEPLOYMENT}annotations = {{ {v} = \"x\" }}\n\n{CONTAINER}")
        }
        "deployment.rolling.max_surge" => {
            format!("{DEPLOYMENT}rolling = {{ max_surge = {v} }}\n\n{CONTAINER}")
        }
        "deployment.rolling.max_unavailable" => {
            format!("{DEPLOYMENT}rolling = {{ max_unavailable = {v} }}\n\n{CONTAINER}")
        }
        "step.namespace" => format!("[step]\nnamespace = {v}\n\n{app}"),
        "containers.name" => format!(
            "{DEPLOYMENT}\n[[containers]]\nname = {v}\nimage = \"ghcr.io/acme/web:1.0.0\"\n"
        ),
        "containers.ports.name" => {
            format!("{DEPLOYMENT}\n{CONTAINER}ports = [{{ name = {v}, port = 8080 }}]\n")
        }
        "containers.ports.port" => {
            format!("{DEPLOYMENT}\n{CONTAINER}ports = [{{ name = \"http\", port = {v} }}]\n")
        }
        "containers.env.name" => format!("{app}env = [{{ name = {v}, value = \"x\" }}]\n"),
        "containers.env.key" => {
            format!("{app}env = [{{ name = \"SETTING\", config_map = \"settings\", key = {v} }}]\n")
        }
        "containers.env_from.prefix" => {
            format!("{app}env_from = [{{ config_map = \"settings\", prefix = {v} }}]\n")
        }
        "containers.resources.requests.memory" => {
            format!("{app}resources = {{ requests = {{ memory = {v} }} }}\n")
        }
        "probe.http.port" => {
            format!("{app}readiness = {{ http = {{ path = \"/\", port = {v} }} }}\n")
        }
        "probe.http.port.name" => format!(
            "{DEPLOYMENT}\n{CONTAINER}ports = [{{ name = {v}, port = 8080 }}]\nreadiness = {{ http = {{ path = \"/\", port = {v} }} }}\n"
        ),
        "probe.http.headers.name" => format!(
            "{app}readiness = {{ http = {{ path = \"/\", port = 8080, headers = [{{ name = {v}, value = \"x\" }}] }} }}\n"
        ),
        "volumes.name" => format!(
            "{app}volume_mounts = [{{ volume = {v}, path = \"/data\" }}]\n\n[[volumes]]\nname = {v}\nempty_dir = {{}}\n"
        ),
        "volumes.empty_dir.size_limit" => format!(
            "{app}volume_mounts = [{{ volume = \"data\", path = \"/data\" }}]\n\n[[volumes]]\nname = \"data\"\nempty_dir = {{ size_limit = {v} }}\n"
        ),
        "pod.service_account" => format!("{app}\n[pod]\nservice_account = {v}\n"),
        "pod.priority_class" => format!("{app}\n[pod]\npriority_class = {v}\n"),
        "pod.readiness_gates" => format!("{app}\n[pod]\nreadiness_gates = [{v}]\n"),
        "pod.node_selector.key" => format!("{app}\n[pod]\nnode_selector = {{ {v} = \"x\" }}\n"),
        "pod.node_selector.value" => format!("{app}\n[pod]\nnode_selector = {{ disk = {v} }}\n"),
        "pod.host_aliases.ip" => {
            format!("{app}\n[pod]\nhost_aliases = [{{ ip = {v}, hostnames = [\"db.local\"] }}]\n")
        }
        "pod.host_aliases.hostnames" => {
            format!("{app}\n[pod]\nhost_aliases = [{{ ip = \"10.1.2.3\", hostnames = [{v}] }}]\n")
        }
        "pod.dns_config.nameservers" => {
            format!("{app}\n[pod]\ndns_config = {{ nameservers = [{v}] }}\n")
        }
        "config_maps.name" => format!("{app}\n[config_maps.{v}]\ndata = {{ a = \"b\" }}\n"),
        "config_maps.data.key" => {
            format!("{app}\n[config_maps.settings]\ndata = {{ {v} = \"b\" }}\n")
        }
        "secrets.name" => format!("{app}\n[secrets.{v}]\ndata = {{ a = \"b\" }}\n"),
        "secrets.data.key" => format!("{app}\n[secrets.credentials]\ndata = {{ {v} = \"b\" }}\n"),
        "service.name" => format!("{app}\n{SERVICE}name = {v}\n"),
        "service.ports.name" => {
            format!("{app}\n[service]\nports = [{{ name = {v}, port = 80, target_port = 8080 }}]\n")
        }
        "service.ports.port" => format!(
            "{app}\n[service]\nports = [{{ name = \"http\", port = {v}, target_port = 8080 }}]\n"
        ),
        "service.ports.target_port" => format!(
            "{app}\n[service]\nports = [{{ name = \"http\", port = 80, target_port = {v} }}]\n"
        ),
        "service.ports.target_port.name" => format!(
            "{DEPLOYMENT}\n{CONTAINER}ports = [{{ name = {v}, port = 8080 }}]\n\n[service]\nports = [{{ name = \"http\", port = 80, target_port = {v} }}]\n"
        ),
        "service.ports.app_protocol" => format!(
            "{app}\n[service]\nports = [{{ name = \"http\", port = 80, target_port = \"http\", app_protocol = {v} }}]\n"
        ),
        "service.cluster_ip" => format!("{with_service}cluster_ip = {v}\n"),
        "service.external_ips" => format!("{with_service}external_ips = [{v}]\n"),
        "service.endpoints.addresses" => format!(
            "{app}\n[service]\nname = \"legacy\"\nports = [{{ name = \"http\", port = 80, target_port = 9376 }}]\nendpoints = {{ addresses = [{v}] }}\n"
        ),
        "service.load_balancer_source_ranges" => {
            format!("{with_service}type = \"LoadBalancer\"\nload_balancer_source_ranges = [{v}]\n")
        }
        "service.load_balancer_class" => {
            format!("{with_service}type = \"LoadBalancer\"\nload_balancer_class = {v}\n")
        }
        "ingress.name" => ingress(&format!(
            "name = {v}\ndefault_backend = {{ port = \"http\" }}\n"
        )),
        "ingress.class" => ingress(&format!(
            "class = {v}\ndefault_backend = {{ port = \"http\" }}\n"
        )),
        "ingress.rules.host" => ingress(&format!(
            "\n[[ingress.rules]]\nhost = {v}\npaths = [{{ path = \"/\", port = \"http\" }}]\n"
        )),
        "ingress.tls.hosts" => ingress(&format!(
            "\n[[ingress.rules]]\npaths = [{{ path = \"/\", port = \"http\" }}]\n\n[[ingress.tls]]\nhosts = [{v}]\nsecret = \"web-tls\"\n"
        )),
        "ingress.tls.secret" => ingress(&format!(
            "\n[[ingress.rules]]\npaths = [{{ path = \"/\", port = \"http\" }}]\n\n[[ingress.tls]]\nsecret = {v}\n"
        )),
        "ingress.backend.port" => format!(
            "{app}\n[service]\nports = [{{ name = \"http\", port = {v}, target_port = 8080 }}]\n\n[ingress]\ndefault_backend = {{ port = {v} }}\n"
        ),
        "ingress.backend.port.name" => format!(
            "{app}\n[service]\nports = [{{ name = {v}, port = 80, target_port = 8080 }}]\n\n[ingress]\ndefault_backend = {{ port = {v} }}\n"
        ),
        _ => {
            let kind = field.strip_prefix("ingress.rules.paths.path.")?;
            ingress(&format!(
                "\n[[ingress.rules]]\npaths = [{{ path = {v}, type = {}, port = \"http\" }}]\n",
                literal(&Value::String(kind.to_owned()))
            ))
        }
    })
}

/// A value every field accepts, to show that a field's step file is otherwise clean.
fn good_value(field: &str) -> Value {
    let text = match field {
        "containers.ports.port"
        | "service.ports.port"
        | "service.ports.target_port"
        | "probe.http.port"
        | "ingress.backend.port" => return Value::from(8080),
        "deployment.rolling.max_surge" | "deployment.rolling.max_unavailable" => "25%",
        "containers.resources.requests.memory" | "volumes.empty_dir.size_limit" => "128Mi",
        "service.cluster_ip" | "service.external_ips" | "service.endpoints.addresses" => "10.1.2.3",
        "pod.host_aliases.ip" | "pod.dns_config.nameservers" => "10.1.2.3",
        "service.load_balancer_source_ranges" => "10.0.0.0/8",
        "ingress.rules.host" | "ingress.tls.hosts" => "shop.example.com",
        f if f.starts_with("ingress.rules.paths.path.") => "/shop",
        "containers.env.name" | "containers.env_from.prefix" => "LOG_LEVEL",
        "service.name" => "shop",
        _ => "shop",
    };
    Value::String(text.to_owned())
}

/// Compiles one step file through the library's compile path; whether kstep accepts it, and
/// the codes of the errors.
fn compile(dir: &Path, index: usize, text: &str) -> (Verdict, Vec<&'static str>) {
    let path = dir.join(format!("v{index}.toml"));
    std::fs::write(&path, text).expect("write a step file");
    let outcome = driver::compile(&CompileOptions {
        inputs: vec![path],
        input_format: None,
        out_dir: Some(dir.join("out")),
        output: OutputMode::Stdout,
        format: Some(Format::Yaml),
        strategy: None,
        deployment_id: None,
        show_secrets: false,
        vars: VarOptions::default(),
    });
    let errors: Vec<&'static str> = outcome
        .diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .map(|d| d.code.name())
        .collect();
    let verdict = if errors.is_empty() && outcome.status == driver::Status::Success {
        Verdict::Valid
    } else {
        Verdict::Invalid
    };
    (verdict, errors)
}

#[derive(Default, Clone, Copy)]
struct Figures {
    vectors: usize,
    agree: usize,
    stricter: usize,
    laxer: usize,
}

#[test]
fn kstep_agrees_with_the_api_tests() {
    let sources = sources();
    let dir = tempfile::tempdir().expect("temp dir");
    let mut problems = Vec::new();
    let mut index = 0;

    // Every field's step file compiles cleanly with a good value: an error for a vector's
    // value is about the value.
    let mut fields: Vec<&str> = sources
        .iter()
        .flat_map(|s| &s.vectors)
        .flat_map(|v| v.fields.iter().map(String::as_str))
        .collect();
    fields.sort_unstable();
    fields.dedup();
    for field in &fields {
        let Some(text) = step(field, &literal(&good_value(field))) else {
            problems.push(format!("unknown field `{field}`"));
            continue;
        };
        index += 1;
        let (verdict, errors) = compile(dir.path(), index, &text);
        if verdict != Verdict::Valid {
            problems.push(format!(
                "the step file of `{field}` does not compile with a good value ({errors:?}):\n{text}"
            ));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));

    let mut figures: Vec<(String, Figures)> = Vec::new();
    let mut reasons_used: BTreeMap<String, usize> = BTreeMap::new();
    for source in &sources {
        let mut f = Figures::default();
        for vector in &source.vectors {
            for field in vector.stricter.keys() {
                if !vector.fields.contains(field) {
                    problems.push(format!(
                        "{}: `stricter` names `{field}`, which is not among the fields",
                        vector.describe(source, field)
                    ));
                }
            }
            for field in &vector.fields {
                let Some(text) = step(field, &literal(&vector.value)) else {
                    problems.push(format!("unknown field `{field}`"));
                    continue;
                };
                index += 1;
                let (kstep, errors) = compile(dir.path(), index, &text);
                f.vectors += 1;
                let reason = vector.stricter.get(field);
                let at = vector.describe(source, field);
                if let Some(reason) = reason {
                    *reasons_used.entry(reason.clone()).or_default() += 1;
                    if !source.reasons.contains_key(reason) {
                        problems.push(format!("{at}: no reason `{reason}` in the header"));
                    }
                    if vector.upstream == Verdict::Invalid {
                        problems.push(format!("{at}: marked stricter, but the API rejects it too"));
                    }
                }
                match (vector.upstream, kstep, reason) {
                    (Verdict::Valid, Verdict::Valid, None) | (Verdict::Invalid, Verdict::Invalid, _) => {
                        f.agree += 1
                    }
                    (Verdict::Valid, Verdict::Invalid, Some(_)) => f.stricter += 1,
                    (Verdict::Valid, Verdict::Invalid, None) => problems.push(format!(
                        "{at}: the API accepts it, kstep rejects it ({errors:?}) with no reason given"
                    )),
                    (Verdict::Valid, Verdict::Valid, Some(reason)) => problems.push(format!(
                        "{at}: marked stricter ({reason}), but kstep accepts it"
                    )),
                    (Verdict::Invalid, Verdict::Valid, _) => {
                        f.laxer += 1;
                        problems.push(format!(
                            "{at}: LAXER: the API rejects it, kstep accepts it"
                        ));
                    }
                }
            }
        }
        figures.push((format!("`{}` `{}`", source.repo, source.file), f));
    }
    for source in &sources {
        for reason in source.reasons.keys() {
            if !reasons_used.contains_key(reason) {
                problems.push(format!("{}: reason `{reason}` is never used", source.name));
            }
        }
    }
    assert!(
        problems.is_empty(),
        "{} disagreements with the API's tests:\n{}",
        problems.len(),
        problems.join("\n")
    );
    check_note(&figures, &sources);
}

const BEGIN: &str = "<!-- parity figures: begin (tests/parity.rs writes this table) -->\n";
const END: &str = "<!-- parity figures: end -->\n";

/// The figures in `docs/parity.md` are the ones this run found.
fn check_note(figures: &[(String, Figures)], sources: &[Source]) {
    let mut table = String::from(
        "| Upstream tests | Vectors | Agree | Stricter | Laxer |\n|---|--:|--:|--:|--:|\n",
    );
    let mut total = Figures::default();
    for (name, f) in figures {
        writeln!(
            table,
            "| {name} | {} | {} | {} | {} |",
            f.vectors, f.agree, f.stricter, f.laxer
        )
        .unwrap();
        total.vectors += f.vectors;
        total.agree += f.agree;
        total.stricter += f.stricter;
        total.laxer += f.laxer;
    }
    writeln!(
        table,
        "| **All** | **{}** | **{}** | **{}** | **{}** |",
        total.vectors, total.agree, total.stricter, total.laxer
    )
    .unwrap();
    let mut reasons: BTreeMap<&str, &str> = BTreeMap::new();
    for source in sources {
        for (key, text) in &source.reasons {
            reasons.insert(key, text);
        }
    }
    table.push_str("\nWhere kstep is stricter, and why:\n\n");
    for (key, text) in reasons {
        let count: usize = sources
            .iter()
            .flat_map(|s| &s.vectors)
            .flat_map(|v| v.stricter.values())
            .filter(|r| r.as_str() == key)
            .count();
        writeln!(table, "- `{key}` ({count} vectors): {text}.").unwrap();
    }
    let path = root().join("docs/parity.md");
    let text = std::fs::read_to_string(&path).expect("docs/parity.md exists");
    let (start, end) = match (text.find(BEGIN), text.find(END)) {
        (Some(start), Some(end)) => (start + BEGIN.len(), end),
        _ => panic!("docs/parity.md needs the markers {BEGIN:?} and {END:?}"),
    };
    if text[start..end] == table {
        return;
    }
    if std::env::var_os("KSTEP_UPDATE_DOCS").is_some() {
        let updated = format!("{}{table}{}", &text[..start], &text[end..]);
        std::fs::write(&path, updated).expect("write docs/parity.md");
        return;
    }
    panic!("docs/parity.md has other figures (rerun with KSTEP_UPDATE_DOCS=1):\n{table}");
}

/// `maxEndpoints` of `pkg/apis/discovery/validation`: kstep writes a Service's endpoint
/// addresses into one EndpointSlice, which the API refuses with more than 1,000 endpoints.
#[test]
fn an_endpoint_slice_holds_at_most_1000_endpoints() {
    let dir = tempfile::tempdir().expect("temp dir");
    let addresses = |n: usize| {
        (0..n)
            .map(|i| format!("\"10.1.{}.{}\"", i / 250, i % 250 + 1))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let step = |n: usize| {
        format!(
            "{DEPLOYMENT}\n{CONTAINER}\n[service]\nname = \"legacy\"\nports = [{{ name = \"http\", port = 80, target_port = 9376 }}]\nendpoints = {{ addresses = [{}] }}\n",
            addresses(n)
        )
    };
    assert_eq!(
        compile(dir.path(), 1, &step(1000)),
        (Verdict::Valid, vec![])
    );
    assert_eq!(
        compile(dir.path(), 2, &step(1001)),
        (Verdict::Invalid, vec!["invalid-address"])
    );
}
