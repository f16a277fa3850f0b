//! `kstep lsp` through real protocol sessions: an in-memory connection to the server (the
//! client in `client.rs`), and once the binary over standard input and output. Snapshots
//! (`snapshots/lsp__*.snap`) hold what an editor receives, with the temporary directory
//! written as `/STEPS`.

mod client;
mod fixtures;
#[path = "../support/mod.rs"]
mod support;

use std::path::{Path, PathBuf};

use client::{Client, uri};
use serde_json::{Value, json};

/// A step with one error (an unknown key) and the lint findings of a bare container.
const STEP: &str = r#"[step]
id = "web"
namespace = "shop"

[deployment]
name = "web"
replicas = 2

[[containers]]
name = "web"
image = "ghcr.io/acme/web:1.4.2"
ports = [{ name = "http", port = 8080 }]
"#;

fn steps_dir() -> tempfile::TempDir {
    tempfile::tempdir().expect("a temporary directory")
}

/// Paths without the temporary directory, and links to the repository's pages without
/// the checkout's place, so snapshots are the same everywhere.
fn stable(value: &Value, dir: &Path) -> String {
    let text = serde_json::to_string_pretty(value).expect("json");
    let repo = uri(Path::new(env!("CARGO_MANIFEST_DIR")));
    text.replace(&uri(dir), "file:///STEPS")
        .replace(&repo, "file:///REPO")
        .replace(&dir.display().to_string(), "/STEPS")
}

fn snapshot(name: &str, text: &str) {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("snapshots");
    insta::with_settings!({ snapshot_path => root, prepend_module_to_snapshot => false }, {
        insta::assert_snapshot!(format!("lsp__{name}"), text);
    });
}

fn codes(diagnostics: &[Value]) -> Vec<String> {
    diagnostics
        .iter()
        .map(|d| d["code"].as_str().unwrap_or_default().to_owned())
        .collect()
}

fn change(uri: &str, version: i64, changes: Value) -> Value {
    json!({"textDocument": {"uri": uri, "version": version}, "contentChanges": changes})
}

fn edit(start: (u32, u32), end: (u32, u32), text: &str) -> Value {
    json!({"range": {"start": {"line": start.0, "character": start.1},
                     "end": {"line": end.0, "character": end.1}}, "text": text})
}

#[test]
fn initialize_announces_what_the_server_does() {
    let client = Client::new();
    let dir = steps_dir();
    snapshot("initialize", &stable(&client.initialized, dir.path()));
    client.shutdown();
}

#[test]
fn diagnostics_follow_unsaved_changes_with_their_version() {
    let dir = steps_dir();
    let path = dir.path().join("web.toml");
    // Nothing on disk: the server reads the editor's buffer.
    let mut client = Client::new();
    let with_typo = STEP.replace("replicas = 2", "replica = 2");
    let uri = client.open(&path, &with_typo);
    let first = client.diagnostics(&uri, Some(1));
    snapshot("open_diagnostics", &stable(&json!(first), dir.path()));
    assert_eq!(codes(&first), ["unknown-field"]);

    // Fix the typo incrementally: `replica` → `replicas` (line 6, after column 7).
    client.notify(
        "textDocument/didChange",
        change(&uri, 2, json!([edit((6, 7), (6, 7), "s")])),
    );
    let second = client.diagnostics(&uri, Some(2));
    // Now the lint rules run: probes and resources.
    let found = codes(&second);
    assert!(
        found.contains(&"no-readiness-probe".to_owned()),
        "{found:?}"
    );
    assert!(!found.contains(&"unknown-field".to_owned()), "{found:?}");
    snapshot("lint_diagnostics", &stable(&json!(second), dir.path()));

    // Closing clears them.
    client.notify(
        "textDocument/didClose",
        json!({"textDocument": {"uri": uri}}),
    );
    assert_eq!(client.diagnostics(&uri, None), Vec::<Value>::new());
    client.shutdown();
}

#[test]
fn project_levels_apply_and_follow_an_open_kstep_toml() {
    let dir = steps_dir();
    std::fs::write(
        dir.path().join("kstep.toml"),
        "[lint]\nno-liveness-probe = \"allow\"\n",
    )
    .unwrap();
    let mut client = Client::new();
    let uri = client.open(&dir.path().join("web.toml"), STEP);
    let found = codes(&client.diagnostics(&uri, Some(1)));
    assert!(
        !found.contains(&"no-liveness-probe".to_owned()),
        "{found:?}"
    );
    assert!(
        found.contains(&"no-readiness-probe".to_owned()),
        "{found:?}"
    );

    // An unsaved kstep.toml wins over the one on disk.
    let project = client.open(
        &dir.path().join("kstep.toml"),
        "[lint]\nno-readiness-probe = \"deny\"\n",
    );
    assert_eq!(client.latest(&project), Some(Vec::new()));
    let found = client.latest(&uri).expect("the step is checked again");
    let readiness = found
        .iter()
        .find(|d| d["code"] == "no-readiness-probe")
        .expect("still reported");
    assert_eq!(readiness["severity"], 1, "denied: an error");
    assert!(codes(&found).contains(&"no-liveness-probe".to_owned()));

    // A mistake in kstep.toml is shown there, and at the top of the step it stops.
    client.notify(
        "textDocument/didChange",
        change(
            &project,
            2,
            json!([edit((1, 0), (1, 0), "no-such-rule = \"allow\"\n")]),
        ),
    );
    let in_project = client.latest(&project).expect("kstep.toml diagnostics");
    assert_eq!(codes(&in_project), ["unknown-field"], "{in_project:?}");
    assert_eq!(in_project[0]["range"]["start"]["line"], 1);
    let in_step = client.latest(&uri).expect("the step is checked again");
    snapshot(
        "project_error_in_step",
        &stable(&json!(in_step), dir.path()),
    );
    client.shutdown();
}

#[test]
fn two_open_steps_with_one_id_are_reported_in_both() {
    let dir = steps_dir();
    let mut client = Client::new();
    let a = client.open(&dir.path().join("a.toml"), STEP);
    client.diagnostics(&a, Some(1));
    let b = client.open(&dir.path().join("b.yaml"), "step:\n  id: web\ndeployment:\n  name: web\ncontainers:\n- name: web\n  image: nginx:1.27\n");
    let in_b = client.latest(&b).unwrap();
    let in_a = client.latest(&a).unwrap();
    for (found, other) in [(&in_a, &b), (&in_b, &a)] {
        let duplicate = found
            .iter()
            .find(|d| d["code"] == "duplicate-step-id")
            .expect("reported in both files");
        assert_eq!(
            duplicate["relatedInformation"][0]["location"]["uri"],
            json!(other)
        );
    }
    // Renaming one clears both.
    client.notify(
        "textDocument/didChange",
        change(&b, 2, json!([edit((1, 6), (1, 9), "api")])),
    );
    let in_a = client.latest(&a).unwrap();
    assert!(!codes(&in_a).contains(&"duplicate-step-id".to_owned()));
    client.shutdown();
}

#[test]
fn files_that_are_not_steps_get_no_step_diagnostics() {
    let dir = steps_dir();
    let mut client = Client::new();
    let workflow = client.open(
        &dir.path().join("ci.yaml"),
        "on: push\nenv:\n  A: b\njobs:\n  test:\n    runs-on: ubuntu-latest\n",
    );
    let vars = client.open(&dir.path().join("prod.vars.toml"), "replicas = 3\n");
    let values = client.open(&dir.path().join("values.yaml"), "image:\n  tag: 1.2\n");
    for uri in [workflow, vars, values] {
        let found = client.latest(&uri).unwrap_or_default();
        assert_eq!(found, Vec::<Value>::new(), "{uri}");
    }
    client.shutdown();
}

#[test]
fn positions_count_utf16_units_unless_utf8_is_offered() {
    let dir = steps_dir();
    let text = STEP.replace("namespace = \"shop\"", "namespace = \"shöp😀\"");
    let find_range = |client: &mut Client| {
        let uri = client.open(&dir.path().join("web.toml"), &text);
        let found = client.diagnostics(&uri, Some(1));
        let invalid = found
            .iter()
            .find(|d| d["code"] == "invalid-name")
            .expect("the namespace is no DNS label")
            .clone();
        invalid["range"].clone()
    };
    let mut utf16 = Client::new();
    let range = find_range(&mut utf16);
    // `namespace = "` is 13 units; `shöp😀` is 4 + 2 UTF-16 units, 4 + 1 + 4 bytes.
    assert_eq!(range["start"], json!({"line": 2, "character": 12}));
    assert_eq!(range["end"], json!({"line": 2, "character": 20}));
    utf16.shutdown();

    let mut utf8 = Client::start(
        json!({"general": {"positionEncodings": ["utf-8", "utf-16"]}}),
        json!({}),
    );
    assert_eq!(
        utf8.initialized["capabilities"]["positionEncoding"],
        "utf-8"
    );
    let range = find_range(&mut utf8);
    assert_eq!(range["end"], json!({"line": 2, "character": 23}));
    // An edit after the emoji, in bytes.
    let uri = uri(&dir.path().join("web.toml"));
    utf8.notify(
        "textDocument/didChange",
        change(&uri, 2, json!([edit((2, 13), (2, 22), "shop")])),
    );
    let found = utf8.diagnostics(&uri, Some(2));
    assert!(!codes(&found).contains(&"invalid-name".to_owned()));
    utf8.shutdown();
}

#[test]
fn a_failing_handler_answers_an_error_and_the_server_goes_on() {
    let dir = steps_dir();
    let mut client = Client::new();
    let (code, message) = client
        .request("kstep/panicForTesting", json!({}))
        .expect_err("the handler panics");
    assert_eq!(code, -32603, "{message}");
    assert!(
        message.contains("kstep failed on this request"),
        "{message}"
    );
    // Still serving.
    let uri = client.open(&dir.path().join("web.toml"), STEP);
    assert!(!client.diagnostics(&uri, Some(1)).is_empty());
    client.shutdown();
}

#[test]
fn the_binary_speaks_the_protocol_on_standard_input_and_output() {
    use std::io::{BufReader, Write};
    let mut server = std::process::Command::new(env!("CARGO_BIN_EXE_kstep"))
        .arg("lsp")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("kstep lsp starts");
    let mut stdin = server.stdin.take().unwrap();
    let mut stdout = BufReader::new(server.stdout.take().unwrap());
    let send = |stdin: &mut std::process::ChildStdin, message: lsp_server::Message| {
        message.write(stdin).unwrap();
        stdin.flush().unwrap();
    };
    let request = |id: i32, method: &str, params: Value| {
        lsp_server::Message::Request(lsp_server::Request::new(id.into(), method.into(), params))
    };
    let notification = |method: &str, params: Value| {
        lsp_server::Message::Notification(lsp_server::Notification::new(method.into(), params))
    };
    send(
        &mut stdin,
        request(
            1,
            "initialize",
            json!({"processId": null, "rootUri": null, "capabilities": {}}),
        ),
    );
    let answer = lsp_server::Message::read(&mut stdout).unwrap().unwrap();
    let lsp_server::Message::Response(response) = answer else {
        panic!("{answer:?}")
    };
    assert_eq!(response.result.unwrap()["serverInfo"]["name"], "kstep");
    send(&mut stdin, notification("initialized", json!({})));
    send(&mut stdin, request(2, "shutdown", Value::Null));
    let answer = lsp_server::Message::read(&mut stdout).unwrap().unwrap();
    assert!(matches!(answer, lsp_server::Message::Response(r) if r.error.is_none()));
    send(&mut stdin, notification("exit", Value::Null));
    drop(stdin);
    let status = server.wait().unwrap();
    assert!(status.success(), "{status}");
}

/// A step with variables: one CI supplies (`tag = {}`, a placeholder), one sensitive, and
/// one used where a number goes.
const TEMPLATED: &str = r#"[vars]
tag = {}
replicas = {}
token = { value = "s3cret", sensitive = true }
team = "storefront"

[deployment]
name = "web"
replicas = "{{ vars.replicas }}"
labels = { team = "{{ vars.team }}" }

[[containers]]
name = "web"
image = "ghcr.io/acme/web:{{ vars.tag }}"
pull_policy = "IfNotPresent"
ports = [{ name = "http", port = 8080 }]
"#;

fn position(text: &str, needle: &str, plus: usize) -> Value {
    let at = text.find(needle).expect("needle") + plus;
    let line = text[..at].matches('\n').count();
    let start = text[..at].rfind('\n').map_or(0, |i| i + 1);
    let character: usize = text[start..at].chars().map(char::len_utf16).sum();
    json!({"line": line, "character": character})
}

fn at(uri: &str, position: Value) -> Value {
    json!({"textDocument": {"uri": uri}, "position": position})
}

fn hover_text(client: &mut Client, uri: &str, position: Value) -> String {
    let hover = client
        .request("textDocument/hover", at(uri, position))
        .expect("hover answers");
    hover["contents"]["value"]
        .as_str()
        .unwrap_or_default()
        .to_owned()
}

#[test]
fn variables_ci_supplies_are_placeholders_in_the_editor() {
    let dir = steps_dir();
    let mut client = Client::new();
    let uri = client.open(&dir.path().join("web.toml"), TEMPLATED);
    let found = client.diagnostics(&uri, Some(1));
    let errors: Vec<&Value> = found.iter().filter(|d| d["severity"] == 1).collect();
    assert!(errors.is_empty(), "{errors:#?}");
    // The lint rules ran on the rest.
    assert!(
        codes(&found).contains(&"no-readiness-probe".to_owned()),
        "{found:#?}"
    );
    client.shutdown();
}

#[test]
fn hover_describes_keys_variables_and_diagnostics() {
    let dir = steps_dir();
    let mut client = Client::new();
    let uri = client.open(&dir.path().join("web.toml"), TEMPLATED);
    client.diagnostics(&uri, Some(1));
    let key = hover_text(&mut client, &uri, position(TEMPLATED, "pull_policy", 3));
    let tag = hover_text(&mut client, &uri, position(TEMPLATED, "vars.tag", 6));
    let team = hover_text(&mut client, &uri, position(TEMPLATED, "vars.team", 6));
    let token = hover_text(&mut client, &uri, position(TEMPLATED, "token", 1));
    assert!(!token.contains("s3cret"), "{token}");
    // The lint finding on the container's name explains its code.
    let name = position(TEMPLATED, "name = \"web\"\nimage", 8);
    let finding = hover_text(&mut client, &uri, name);
    assert!(
        finding.contains("# `kstep::no-readiness-probe`"),
        "{finding}"
    );
    let shown = format!(
        "## key\n{key}\n\n## placeholder\n{tag}\n\n## value\n{team}\n\n## sensitive\n{token}\n"
    );
    snapshot("hover", &shown);
    // Nothing to say about a comment-free blank line.
    let blank = client
        .request(
            "textDocument/hover",
            at(&uri, json!({"line": 5, "character": 0})),
        )
        .unwrap();
    assert_eq!(blank, Value::Null);
    let (code, _) = client
        .request("textDocument/hover", json!({"nonsense": true}))
        .expect_err("invalid parameters");
    assert_eq!(code, -32602);
    client.shutdown();
}

/// A step whose names refer to each other, in YAML.
const LINKED: &str = r#"vars:
  tag: "1.0"
volumes:
- name: config
  config_map:
    name: web-config
config_maps:
  web-config:
    data:
      a: b
containers:
- name: web
  image: "web:{{ vars.tag }}"
  ports:
  - name: http
    port: 8080
  volume_mounts:
  - volume: config
    path: /etc/web
  readiness:
    http:
      path: /
      port: http
  liveness:
    tcp:
      port: http
service:
  ports:
  - name: web
    port: 80
    target_port: http
ingress:
  rules:
  - host: a.example.com
    paths:
    - path: /
      port: web
"#;

/// `line:character-line:character` of a location's range.
fn place(location: &Value) -> String {
    let r = &location["range"];
    format!(
        "{}:{}-{}:{}",
        r["start"]["line"], r["start"]["character"], r["end"]["line"], r["end"]["character"]
    )
}

#[test]
fn definitions_and_references_follow_every_cross_reference() {
    let dir = steps_dir();
    let mut client = Client::new();
    let uri = client.open(&dir.path().join("web.yaml"), LINKED);
    let mut shown = String::new();
    for (what, needle, plus) in [
        ("probe port", "port: http\n  liveness", 7),
        ("tcp probe port", "port: http\nservice", 7),
        ("target port", "target_port: http", 14),
        ("mount", "volume: config", 9),
        ("volume's ConfigMap", "name: web-config", 7),
        ("ingress port", "port: web", 7),
        ("template variable", "vars.tag", 6),
    ] {
        let found = client
            .request(
                "textDocument/definition",
                at(&uri, position(LINKED, needle, plus)),
            )
            .unwrap();
        let targets: Vec<String> = found.as_array().expect(what).iter().map(place).collect();
        shown.push_str(&format!("{what} -> {}\n", targets.join(", ")));
    }
    // From the declaration of the container port: every use, and the declaration.
    let refs = client
        .request(
            "textDocument/references",
            json!({"textDocument": {"uri": uri}, "position": position(LINKED, "name: http", 7),
                   "context": {"includeDeclaration": true}}),
        )
        .unwrap();
    let places: Vec<String> = refs.as_array().unwrap().iter().map(place).collect();
    shown.push_str(&format!("references of port http: {}\n", places.join(", ")));
    snapshot("navigation", &shown);
    assert_eq!(
        places.len(),
        4,
        "the declaration, two probes and the Service"
    );
    // A value that names nothing has no definition.
    let none = client
        .request(
            "textDocument/definition",
            at(&uri, position(LINKED, "a.example.com", 2)),
        )
        .unwrap();
    assert_eq!(none, Value::Null);
    client.shutdown();
}

fn labels(client: &mut Client, uri: &str, position: Value) -> Vec<String> {
    let items = client
        .request("textDocument/completion", at(uri, position))
        .expect("completion answers");
    items
        .as_array()
        .map(|items| {
            items
                .iter()
                .map(|i| i["label"].as_str().unwrap_or_default().to_owned())
                .collect()
        })
        .unwrap_or_default()
}

fn offset_position(text: &str, at: usize) -> Value {
    let line = text[..at].matches('\n').count();
    let start = text[..at].rfind('\n').map_or(0, |i| i + 1);
    let character: usize = text[start..at].chars().map(char::len_utf16).sum();
    json!({"line": line, "character": character})
}

#[test]
fn completion_offers_missing_keys_words_and_declared_names() {
    let dir = steps_dir();
    let mut client = Client::new();
    let uri = client.open(&dir.path().join("web.yaml"), LINKED);
    client.diagnostics(&uri, Some(1));
    let mut shown = String::new();
    let mut version = 1;
    // Types `insert` after `anchor` in the open buffer, asks at its end, and takes it back.
    let mut ask = |client: &mut Client, what: &str, anchor: &str, insert: &str| {
        let at = LINKED.find(anchor).expect("anchor") + anchor.len();
        let start = offset_position(LINKED, at);
        version += 1;
        client.notify(
            "textDocument/didChange",
            change(
                &uri,
                version,
                json!([{"range": {"start": start, "end": start}, "text": insert}]),
            ),
        );
        let mut text = LINKED.to_owned();
        text.insert_str(at, insert);
        let end = offset_position(&text, at + insert.len());
        let found = labels(client, &uri, end.clone());
        shown.push_str(&format!("{what}: {}\n", found.join(" ")));
        version += 1;
        client.notify(
            "textDocument/didChange",
            change(
                &uri,
                version,
                json!([{"range": {"start": start, "end": end}, "text": ""}]),
            ),
        );
        found
    };
    let container_keys = ask(&mut client, "container keys", "    port: 8080", "\n  ");
    assert!(
        !container_keys.contains(&"image".to_owned()),
        "image is there"
    );
    assert!(
        !container_keys.contains(&"volume_mounts".to_owned()),
        "below the cursor"
    );
    assert!(container_keys.contains(&"pull_policy".to_owned()));
    let words = ask(
        &mut client,
        "pull_policy",
        "    port: 8080",
        "\n  pull_policy: ",
    );
    assert_eq!(words, ["Always", "IfNotPresent", "Never"]);
    let mounts = ask(
        &mut client,
        "mount volume",
        "    path: /etc/web",
        "\n  - volume: ",
    );
    assert_eq!(mounts, ["config"]);
    let probe = ask(&mut client, "probe port", "      path: /", "\n      port: ");
    assert_eq!(probe, ["http"]);
    let target = ask(
        &mut client,
        "target port",
        "    target_port: http",
        "\n  - port: 81\n    target_port: ",
    );
    assert_eq!(target, ["http"]);
    let backend = ask(
        &mut client,
        "ingress port",
        "      port: web",
        "\n    - path: /api\n      port: ",
    );
    assert_eq!(backend, ["web"]);
    let variable = ask(&mut client, "variable", "  image: \"web:{{ vars.", "");
    assert_eq!(variable, ["tag"]);
    let top = ask(&mut client, "top level", "      port: web", "\ning");
    assert!(top.contains(&"deployment".to_owned()), "{top:?}");
    assert!(!top.contains(&"containers".to_owned()), "{top:?}");
    snapshot("completion", &shown);

    // In TOML: header names, and words in quotes.
    let toml = client.open(
        &dir.path().join("web.toml"),
        "[[containers]]\nname = \"web\"\n[cont",
    );
    let headers = labels(&mut client, &toml, json!({"line": 2, "character": 5}));
    assert!(headers.contains(&"containers".to_owned()), "{headers:?}");
    client.shutdown();
}

/// Applies the edits of a code action (all in one document) to `text`.
fn apply(text: &str, action: &Value) -> String {
    let changes = action["edit"]["changes"].as_object().expect("changes");
    let (_, edits) = changes.iter().next().expect("one document");
    let mut edits: Vec<&Value> = edits.as_array().unwrap().iter().collect();
    // Back to front, so earlier offsets stay valid.
    edits.sort_by_key(|e| {
        let s = &e["range"]["start"];
        std::cmp::Reverse((s["line"].as_u64(), s["character"].as_u64()))
    });
    let mut text = text.to_owned();
    for edit in edits {
        let offset = |p: &Value| {
            let line = p["line"].as_u64().unwrap() as usize;
            let start: usize = text.split_inclusive('\n').take(line).map(str::len).sum();
            let units = p["character"].as_u64().unwrap() as usize;
            let mut counted = 0;
            let line_text = &text[start..];
            let within = line_text
                .char_indices()
                .find(|(_, c)| {
                    let here = counted >= units;
                    counted += c.len_utf16();
                    here
                })
                .map_or(line_text.len(), |(i, _)| i);
            start + within
        };
        let (from, to) = (
            offset(&edit["range"]["start"]),
            offset(&edit["range"]["end"]),
        );
        text.replace_range(from..to, edit["newText"].as_str().unwrap());
    }
    text
}

fn actions_at(client: &mut Client, uri: &str, diagnostic: &Value) -> Vec<Value> {
    client
        .request(
            "textDocument/codeAction",
            json!({"textDocument": {"uri": uri}, "range": diagnostic["range"],
                   "context": {"diagnostics": [diagnostic]}}),
        )
        .expect("code actions")
        .as_array()
        .cloned()
        .unwrap_or_default()
}

#[test]
fn code_actions_apply_fixes_and_ignore_rules() {
    let dir = steps_dir();
    let mut client = Client::new();
    let text = STEP
        .replace("replicas = 2", "replica = 2")
        .replace("ports =", "pull_policy = \"Alway\"\nports =");
    let uri = client.open(&dir.path().join("web.toml"), &text);
    let found = client.diagnostics(&uri, Some(1));
    let mut fixed = text.clone();
    let mut titles = Vec::new();
    for diagnostic in &found {
        let actions = actions_at(&mut client, &uri, diagnostic);
        let fix = actions.first().expect("a fix for each");
        titles.push(fix["title"].as_str().unwrap().to_owned());
        fixed = apply(&fixed, fix);
    }
    assert_eq!(titles, ["Replace with replicas", "Replace with \"Always\""]);
    assert_eq!(
        fixed,
        STEP.replace("ports =", "pull_policy = \"Always\"\nports =")
    );

    // The fixed step is linted; ignore a rule with the action and the finding goes.
    client.notify(
        "textDocument/didChange",
        change(&uri, 2, json!([{"text": fixed}])),
    );
    let found = client.diagnostics(&uri, Some(2));
    let liveness = found
        .iter()
        .find(|d| d["code"] == "no-liveness-probe")
        .expect("a lint finding");
    let actions = actions_at(&mut client, &uri, liveness);
    let ignore = actions
        .iter()
        .find(|a| a["title"].as_str().unwrap().starts_with("Ignore"))
        .expect("an ignore action");
    let ignored = apply(&fixed, ignore);
    assert!(
        ignored.contains("# kstep-ignore[no-liveness-probe]: say why the rule does not apply here\nname = \"web\""),
        "{ignored}"
    );
    client.notify(
        "textDocument/didChange",
        change(&uri, 3, json!([{"text": ignored}])),
    );
    let found = client.diagnostics(&uri, Some(3));
    assert!(
        !codes(&found).contains(&"no-liveness-probe".to_owned()),
        "{found:#?}"
    );
    assert!(
        !codes(&found).iter().any(|c| c.contains("ignore")),
        "{found:#?}"
    );
    snapshot("code_action", &stable(ignore, dir.path()));
    client.shutdown();
}

/// An outline as indented lines: name, detail, kind, and the lines of its range.
fn outline(symbols: &Value, depth: usize, out: &mut String) {
    for symbol in symbols.as_array().into_iter().flatten() {
        let range = &symbol["range"];
        out.push_str(&format!(
            "{}{} ({}, kind {}) lines {}-{}, name at {}\n",
            "  ".repeat(depth),
            symbol["name"].as_str().unwrap_or_default(),
            symbol["detail"].as_str().unwrap_or_default(),
            symbol["kind"],
            range["start"]["line"],
            range["end"]["line"],
            place(&json!({"range": symbol["selectionRange"]})),
        ));
        outline(&symbol["children"], depth + 1, out);
    }
}

#[test]
fn the_outline_shows_containers_volumes_services_and_ingress_rules() {
    let dir = steps_dir();
    let mut client = Client::new();
    let mut shown = String::new();
    let toml = r#"[deployment]
name = "web"

[[volumes]]
name = "cache"
empty_dir = {}

[[containers]]
name = "web"
image = "web:1"
ports = [{ name = "http", port = 8080 }, { port = 9090 }]

[containers.readiness]
http = { path = "/", port = "http" }

[service]
ports = [{ name = "web", port = 80, target_port = "http" }]

[ingress]
rules = [{ host = "a.example.com", paths = [{ path = "/", port = "web" }] }]
"#;
    for (name, text) in [("web.toml", toml), ("web.yaml", LINKED)] {
        let uri = client.open(&dir.path().join(name), text);
        let symbols = client
            .request(
                "textDocument/documentSymbol",
                json!({"textDocument": {"uri": uri}}),
            )
            .unwrap();
        shown.push_str(&format!("## {name}\n"));
        outline(&symbols, 0, &mut shown);
    }
    snapshot("symbols", &shown);
    // Not a step: no outline.
    let other = client.open(&dir.path().join("ci.yaml"), "on: push\n");
    let symbols = client
        .request(
            "textDocument/documentSymbol",
            json!({"textDocument": {"uri": other}}),
        )
        .unwrap();
    assert_eq!(symbols, json!([]));
    client.shutdown();
}

#[test]
fn the_environment_is_chosen_in_the_settings() {
    let dir = steps_dir();
    let step = format!("{STEP}\n[env.production.vars]\nreplicas = 5\n\n[vars]\nreplicas = 2\n")
        .replace(
            "replicas = 2\n\n[[containers]]",
            "replicas = \"{{ vars.replicas }}\"\n\n[[containers]]",
        );
    let mut client = Client::start(json!({}), json!({"kstep": {"environment": "staging"}}));
    let uri = client.open(&dir.path().join("web.toml"), &step);
    let found = client.diagnostics(&uri, Some(1));
    assert_eq!(codes(&found), ["unknown-environment"], "{found:#?}");
    client.notify(
        "workspace/didChangeConfiguration",
        json!({"settings": {"kstep": {"environment": "production"}}}),
    );
    let found = client
        .latest(&uri)
        .expect("checked again with the new settings");
    assert!(
        !codes(&found).contains(&"unknown-environment".to_owned()),
        "{found:#?}"
    );
    let replicas = hover_text(&mut client, &uri, position(&step, "vars.replicas", 6));
    assert!(
        replicas.contains("`5`") && replicas.contains("[env.production.vars]"),
        "{replicas}"
    );
    client.shutdown();
}

#[test]
fn exit_without_shutdown_ends_the_server_with_exit_code_1() {
    use std::io::Write;
    let mut server = std::process::Command::new(env!("CARGO_BIN_EXE_kstep"))
        .arg("lsp")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("kstep lsp starts");
    let mut stdin = server.stdin.take().unwrap();
    for message in [
        lsp_server::Message::Request(lsp_server::Request::new(
            1.into(),
            "initialize".into(),
            json!({"processId": null, "rootUri": null, "capabilities": {}}),
        )),
        lsp_server::Message::Notification(lsp_server::Notification::new(
            "initialized".into(),
            json!({}),
        )),
        lsp_server::Message::Notification(lsp_server::Notification::new(
            "exit".into(),
            Value::Null,
        )),
    ] {
        message.write(&mut stdin).unwrap();
    }
    stdin.flush().unwrap();
    drop(stdin);
    let output = server.wait_with_output().unwrap();
    assert_eq!(output.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&output.stderr).contains("before `shutdown`"));
}
