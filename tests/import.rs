//! `kstep import` as a user runs it, on the manifest sets in `tests/import/`: the step files
//! it writes and what it reports (snapshots), and the round trip: the imported steps compile,
//! and every imported object comes back with the same fields once the API's defaults are
//! applied, apart from what kstep documents it adds. Also reports how many of the original
//! fields the step language carries rather than patches.

mod support;

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use serde_json::Value;
use support::{kstep, read_tree, root, run, stderr};

/// The manifest sets, each with the `kstep import` options it is imported with: those of
/// `tests/import/`, and with `KSTEP_IMPORT_CORPUS=DIR` also every `.yaml` file of DIR (public
/// manifests measured locally, not kept in the repository), for the round trip only.
fn corpus() -> Vec<(PathBuf, Vec<String>)> {
    corpus_in(&root().join("tests/import"))
}

fn corpus_in(dir: &Path) -> Vec<(PathBuf, Vec<String>)> {
    let mut out: Vec<(PathBuf, Vec<String>)> = fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
        .map(|p| {
            let text = fs::read_to_string(&p).unwrap();
            let args = text
                .lines()
                .find_map(|l| l.strip_prefix("# args:"))
                .map(|a| a.split_whitespace().map(str::to_owned).collect())
                .unwrap_or_default();
            (p, args)
        })
        .collect();
    out.sort();
    out
}

fn set(name: &str) -> PathBuf {
    root().join("tests/import").join(name)
}

/// Imports one manifest set into `dir` (from the set's directory, so that the step files
/// name it by its file name); the files written, and kstep's report.
fn import(path: &Path, args: &[String], dir: &Path) -> (BTreeMap<String, String>, String, i32) {
    let output = run(kstep()
        .current_dir(path.parent().unwrap())
        .arg("import")
        .arg(path.file_name().unwrap())
        .args(["--color", "never", "-o"])
        .arg(dir)
        .args(args));
    let files = if dir.exists() {
        read_tree(dir).into_iter().collect()
    } else {
        BTreeMap::new()
    };
    // The output directory is a temporary one: the report names it `<out>`.
    let report = stderr(&output).replace(&dir.display().to_string(), "<out>");
    (files, report, output.status.code().unwrap_or(-1))
}

#[test]
fn imports_match_their_snapshots() {
    for (path, args) in corpus() {
        let name = path.file_name().unwrap().to_string_lossy();
        let dir = tempfile::tempdir().unwrap();
        let (files, report, code) = import(&path, &args, &dir.path().join("steps"));
        let mut snapshot = format!("exit code: {code}\n--- report\n{report}");
        for (path, text) in &files {
            snapshot.push_str(&format!("--- {path}\n{text}"));
        }
        insta::with_settings!({
            snapshot_path => root().join("snapshots"),
            prepend_module_to_snapshot => false,
            omit_expression => true,
        }, {
            insta::assert_snapshot!(format!("import__{name}"), snapshot);
        });
    }
}

#[test]
fn imported_steps_compile_back_to_the_imported_objects() {
    let (mut fields, mut patched) = (0, 0);
    let mut sets = corpus();
    if let Some(extra) = std::env::var_os("KSTEP_IMPORT_CORPUS") {
        sets.extend(corpus_in(Path::new(&extra)));
    }
    for (path, args) in sets {
        if args.iter().any(|a| a == "--strict") {
            continue;
        }
        let name = path.display();
        let dir = tempfile::tempdir().unwrap();
        let steps_dir = dir.path().join("steps");
        let (files, report, code) = import(&path, &args, &steps_dir);
        assert_eq!(code, 0, "{name}: {report}");
        let originals = originals(&path);
        let steps: Vec<_> = files.keys().map(|f| steps_dir.join(f)).collect();
        let output = run(kstep()
            .args(["compile", "--stdout", "--show-secrets", "--format", "json"])
            .args(&steps));
        assert_eq!(output.status.code(), Some(0), "{name}: {}", stderr(&output));
        let compiled: BTreeMap<(String, String), Value> =
            serde_json::Deserializer::from_slice(&output.stdout)
                .into_iter::<Value>()
                .map(|v| {
                    let v = v.unwrap();
                    ((kind(&v), object_name(&v)), v)
                })
                .collect();
        for (path, text) in &files {
            let objects = text
                .lines()
                .find_map(|l| l.strip_prefix("# Objects: "))
                .unwrap_or_else(|| panic!("{path} names its objects"));
            for object in objects.trim_end_matches('.').split(", ") {
                let (kind, object) = object.split_once('/').unwrap();
                let key = (kind.to_owned(), object.to_owned());
                let original = originals
                    .get(&key)
                    .unwrap_or_else(|| panic!("{name}: {key:?}"));
                let back = compiled
                    .get(&key)
                    .unwrap_or_else(|| panic!("{name}: {key:?} was not compiled"));
                let differences = compare(kind, original, back);
                assert!(
                    differences.is_empty(),
                    "{name}: {kind}/{object} differs after the round trip:\n{}",
                    differences.join("\n")
                );
                fields += leaves(&strip_server_fields(original.clone()));
            }
            patched += patch_leaves(&steps_dir.join(path));
        }
    }
    let carried = 100.0 * (fields - patched) as f64 / fields as f64;
    eprintln!(
        "import corpus: {fields} fields, {patched} kept as patches: {carried:.1}% carried by the step language"
    );
    assert!(
        carried > 97.0,
        "only {carried:.1}% of the fields are carried by keys"
    );
}

#[test]
fn strict_refuses_patches_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("steps");
    let (files, report, code) = import(&set("unmodelled.yaml"), &["--strict".to_owned()], &out);
    assert_eq!(code, 1, "{report}");
    assert!(files.is_empty() && !out.exists(), "strict wrote {files:?}");
    assert!(
        report.contains("× `spec.template.spec.shareProcessNamespace`"),
        "{report}"
    );
}

#[test]
fn existing_step_files_are_kept_unless_forced() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("steps");
    let (_, report, code) = import(&set("reviews.yaml"), &[], &out);
    assert_eq!(code, 0, "{report}");
    fs::write(out.join("reviews-v1.toml"), "# mine\n").unwrap();
    let (files, report, code) = import(&set("reviews.yaml"), &[], &out);
    assert_eq!(code, 2, "{report}");
    assert!(report.contains("reviews-v1.toml`"), "{report}");
    assert!(report.contains("already exist"), "{report}");
    assert_eq!(files["reviews-v1.toml"], "# mine\n");
    let (files, report, code) = import(&set("reviews.yaml"), &["--force".to_owned()], &out);
    assert_eq!(code, 0, "{report}");
    assert!(files["reviews-v1.toml"].starts_with("# Imported by kstep import"));
}

#[test]
fn standard_input_is_read_with_a_dash() {
    let dir = tempfile::tempdir().unwrap();
    let text = fs::read(root().join("tests/import/reviews.yaml")).unwrap();
    let mut child = kstep()
        .current_dir(dir.path())
        .args(["import", "-", "--to", "yaml"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    use std::io::Write;
    child.stdin.take().unwrap().write_all(&text).unwrap();
    let output = child.wait_with_output().unwrap();
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let step = fs::read_to_string(dir.path().join("reviews-v1.yaml")).unwrap();
    assert!(
        step.starts_with("# Imported by kstep import from <stdin>."),
        "{step}"
    );
    assert!(stderr(&output).contains("kstep: wrote ./reviews-v1.yaml"));
}

/// The objects of a manifest file, by kind and name (a `List`'s items too).
fn originals(path: &Path) -> BTreeMap<(String, String), Value> {
    let python = support::python();
    // PyYAML reads the stream as kubectl would; JSON carries it over.
    let output = run(std::process::Command::new(python)
        .arg("-c")
        .arg("import json, sys, yaml; print(json.dumps([d for d in yaml.safe_load_all(open(sys.argv[1])) if d]))")
        .arg(path));
    assert!(output.status.success(), "{}", stderr(&output));
    let documents: Vec<Value> = serde_json::from_slice(&output.stdout).unwrap();
    let mut out = BTreeMap::new();
    for document in documents {
        let items = if kind(&document).ends_with("List") {
            document["items"].as_array().cloned().unwrap_or_default()
        } else {
            vec![document]
        };
        for item in items {
            out.insert((kind(&item), object_name(&item)), item);
        }
    }
    out
}

fn kind(v: &Value) -> String {
    v["kind"].as_str().unwrap_or_default().to_owned()
}

fn object_name(v: &Value) -> String {
    v["metadata"]["name"]
        .as_str()
        .unwrap_or_default()
        .to_owned()
}

/// Every difference between an original object and kstep's, once the API's defaults are
/// applied to both, the server's fields are gone, and kstep's documented additions are left
/// out where the original does not have them.
fn compare(kind: &str, original: &Value, back: &Value) -> Vec<String> {
    let mut original = strip_server_fields(original.clone());
    let mut back = back.clone();
    kstep::import::defaults::apply(kind, &mut original);
    kstep::import::defaults::apply(kind, &mut back);
    for labels in ["/metadata/labels", "/spec/template/metadata/labels"] {
        let had_name = original
            .pointer(&format!("{labels}/app.kubernetes.io~1name"))
            .is_some();
        for value in [&mut original, &mut back] {
            if let Some(Value::Object(map)) = value.pointer_mut(labels) {
                // kstep's own labels (docs/import.md): it sets them to its values.
                map.retain(|k, _| {
                    !(k.starts_with("kstep.dev/")
                        || k == "app.kubernetes.io/instance"
                        || k == "app.kubernetes.io/managed-by")
                });
                if !had_name {
                    map.remove("app.kubernetes.io/name");
                }
            }
        }
    }
    // Every object carries the step's labels (docs/step-file.md): the Deployment's, added to
    // a Service, an Ingress or a ConfigMap.
    if kind != "Deployment"
        && let (Some(Value::Object(had)), Some(Value::Object(labels))) = (
            original.pointer("/metadata/labels").cloned(),
            back.pointer_mut("/metadata/labels"),
        )
    {
        labels.retain(|k, _| had.contains_key(k));
    } else if kind != "Deployment" && original.pointer("/metadata/labels").is_none() {
        remove(&mut back, "/metadata/labels");
    }
    // The Deployment's labels are the pods' too (docs/step-file.md).
    if kind == "Deployment"
        && let Some(Value::Object(deployment_labels)) =
            original.pointer("/metadata/labels").cloned()
    {
        let had = original
            .pointer("/spec/template/metadata/labels")
            .and_then(Value::as_object)
            .cloned()
            .unwrap_or_default();
        if let Some(Value::Object(labels)) = back.pointer_mut("/spec/template/metadata/labels") {
            labels.retain(|k, v| had.contains_key(k) || deployment_labels.get(k) != Some(v));
        }
    }
    // kstep's secure defaults, where the original says nothing (docs/security.md).
    let additions = [
        "/spec/template/metadata/annotations/kstep.dev~1config-hash",
        "/spec/template/spec/automountServiceAccountToken",
        "/spec/template/spec/securityContext/seccompProfile",
    ];
    for pointer in additions {
        if original.pointer(pointer).is_none() {
            remove(&mut back, pointer);
        }
    }
    for list in ["initContainers", "containers"] {
        let count = back["spec"]["template"]["spec"][list]
            .as_array()
            .map_or(0, Vec::len);
        for i in 0..count {
            let at = format!("/spec/template/spec/{list}/{i}/securityContext");
            if original
                .pointer(&format!("{at}/allowPrivilegeEscalation"))
                .is_none()
            {
                remove(&mut back, &format!("{at}/allowPrivilegeEscalation"));
            }
            if original.pointer(&at).is_none()
                && back
                    .pointer(&at)
                    .is_some_and(|v| v.as_object().is_some_and(|m| m.is_empty()))
            {
                remove(&mut back, &at);
            }
        }
    }
    // Capabilities by their canonical names (docs/security.md): `all` is written `ALL`.
    for value in [&mut original, &mut back] {
        for list in ["initContainers", "containers"] {
            for container in value["spec"]["template"]["spec"][list]
                .as_array_mut()
                .into_iter()
                .flatten()
            {
                for key in ["add", "drop"] {
                    if let Some(Value::Array(names)) =
                        container.pointer_mut(&format!("/securityContext/capabilities/{key}"))
                    {
                        for name in names.iter_mut() {
                            let upper = name.as_str().unwrap_or_default().to_ascii_uppercase();
                            *name = Value::String(upper.trim_start_matches("CAP_").to_owned());
                        }
                    }
                }
            }
        }
    }
    for value in [&mut original, &mut back] {
        for empty in [
            "/spec/template/metadata/annotations",
            "/metadata/annotations",
            "/metadata/labels",
        ] {
            if value
                .pointer(empty)
                .is_some_and(|v| v.as_object().is_some_and(|m| m.is_empty()))
            {
                remove(value, empty);
            }
        }
    }
    let mut out = Vec::new();
    diff(&original, &back, &mut String::new(), &mut out);
    out
}

fn strip_server_fields(mut value: Value) -> Value {
    for pointer in [
        "/status",
        "/metadata/uid",
        "/metadata/resourceVersion",
        "/metadata/generation",
        "/metadata/creationTimestamp",
        "/metadata/managedFields",
        "/metadata/annotations/deployment.kubernetes.io~1revision",
        "/metadata/annotations/kubectl.kubernetes.io~1last-applied-configuration",
        "/spec/template/metadata/creationTimestamp",
        "/spec/clusterIPs",
    ] {
        remove(&mut value, pointer);
    }
    value
}

fn remove(value: &mut Value, pointer: &str) {
    let Some((parent, key)) = pointer.rsplit_once('/') else {
        return;
    };
    let key = key.replace("~1", "/").replace("~0", "~");
    if let Some(Value::Object(map)) = value.pointer_mut(parent) {
        map.remove(&key);
    }
}

fn diff(a: &Value, b: &Value, pointer: &mut String, out: &mut Vec<String>) {
    match (a, b) {
        (Value::Object(x), Value::Object(y)) => {
            let keys: std::collections::BTreeSet<&String> = x.keys().chain(y.keys()).collect();
            for key in keys {
                let len = pointer.len();
                pointer.push('/');
                pointer.push_str(key);
                match (x.get(key), y.get(key)) {
                    (Some(Value::Null), None) | (None, Some(Value::Null)) => {}
                    (Some(p), Some(q)) => diff(p, q, pointer, out),
                    (p, q) => out.push(format!("{pointer}: {p:?} != {q:?}")),
                }
                pointer.truncate(len);
            }
        }
        (Value::Array(x), Value::Array(y)) if x.len() == y.len() => {
            for (i, (p, q)) in x.iter().zip(y).enumerate() {
                let len = pointer.len();
                pointer.push_str(&format!("/{i}"));
                diff(p, q, pointer, out);
                pointer.truncate(len);
            }
        }
        // Quantities and ports may be written as numbers or strings.
        (p, q)
            if p == q || (p.to_string().trim_matches('"') == q.to_string().trim_matches('"')) => {}
        (p, q) => out.push(format!("{pointer}: {p} != {q}")),
    }
}

fn leaves(value: &Value) -> usize {
    match value {
        Value::Object(map) if !map.is_empty() => map.values().map(leaves).sum(),
        Value::Array(items) if !items.is_empty() => items.iter().map(leaves).sum(),
        _ => 1,
    }
}

/// Fields written as patches in a step file: the leaves of its `[[patches]]` values.
fn patch_leaves(path: &Path) -> usize {
    let output = run(std::process::Command::new(support::python())
        .arg("-c")
        .arg(concat!(
            "import json, sys, tomllib, yaml\n",
            "path = sys.argv[1]\n",
            "step = tomllib.load(open(path, 'rb')) if path.endswith('.toml') else yaml.safe_load(open(path))\n",
            "print(json.dumps(step.get('patches', [])))",
        ))
        .arg(path));
    assert!(output.status.success(), "{}", stderr(&output));
    let patches: Vec<Value> = serde_json::from_slice(&output.stdout).unwrap();
    patches
        .iter()
        .map(|p| match (p.get("merge"), p.get("json")) {
            (Some(merge), _) => leaves(merge),
            (_, Some(Value::Array(ops))) => ops.iter().map(|op| leaves(&op["value"])).sum(),
            _ => 0,
        })
        .sum()
}
