//! Every manifest the valid fixtures produce passes `kubernetes-validate --strict`, and its
//! YAML reads back under a YAML 1.1 parser (PyYAML, like kubectl) exactly as `--format json`.

mod support;

use std::collections::BTreeMap;
use std::path::PathBuf;

use support::{fixture_args, is_error_fixture, kstep, python, root, run, stderr};

/// The Kubernetes version kstep targets (k8s-openapi feature `v1_34`).
const KUBERNETES_VERSION: &str = "1.34.0";

#[test]
fn manifests_are_valid_kubernetes_and_yaml_1_1_safe() {
    // One file per step id: the TOML and YAML twin of a fixture share it.
    let mut seen = std::collections::BTreeSet::new();
    let fixtures: Vec<_> = support::fixtures()
        .into_iter()
        .filter(|p| !is_error_fixture(p))
        .filter(|p| seen.insert(p.with_extension("")))
        .collect();
    assert!(!fixtures.is_empty());
    // One run per command line the fixtures ask for, each into its own directory.
    let mut runs: BTreeMap<Vec<String>, Vec<PathBuf>> = BTreeMap::new();
    for fixture in fixtures {
        let text = std::fs::read_to_string(&fixture).expect("readable fixture");
        for args in fixture_args(&text) {
            runs.entry(args).or_default().push(fixture.clone());
        }
    }
    let out = tempfile::tempdir().expect("temp dir");
    for format in ["yaml", "json"] {
        for (i, (args, fixtures)) in runs.iter().enumerate() {
            let output = run(kstep()
                .arg("compile")
                .args(fixtures)
                .args(args)
                .arg("-o")
                .arg(out.path().join(format).join(format!("run-{i}")))
                .arg("--manifest-format")
                .arg(format));
            assert!(output.status.success(), "{}", stderr(&output));
        }
    }
    let check = run(std::process::Command::new(python())
        .arg(root().join("tests/support/check_manifests.py"))
        .arg(KUBERNETES_VERSION)
        .arg(out.path().join("yaml"))
        .arg(out.path().join("json")));
    assert!(
        check.status.success(),
        "manifest check failed:\n{}{}",
        String::from_utf8_lossy(&check.stdout),
        stderr(&check)
    );
}
