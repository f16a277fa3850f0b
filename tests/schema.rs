//! The JSON Schema that editors read (`schema/step.schema.json`) is exactly what
//! `kstep schema` prints, so the file in the repository never drifts from the reader. Run
//! with `KSTEP_UPDATE_SCHEMA=1` to rewrite the file after changing the schema types.

mod support;

use std::fs;

use support::{kstep, root, run, stderr};

#[test]
fn the_committed_schema_is_what_kstep_prints() {
    let output = run(kstep().arg("schema"));
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let printed = String::from_utf8(output.stdout).expect("utf-8 schema");
    let path = root().join("schema/step.schema.json");
    if std::env::var_os("KSTEP_UPDATE_SCHEMA").is_some() {
        fs::write(&path, &printed).unwrap();
    }
    let committed = fs::read_to_string(&path).unwrap();
    assert!(
        committed == printed,
        "schema/step.schema.json is out of date: run `KSTEP_UPDATE_SCHEMA=1 cargo test --test schema`"
    );
}

/// The schema itself is valid against the draft-07 meta-schema. (That it accepts every valid
/// fixture and rejects what the reader rejects is a unit test in `compiler/schema/`.)
#[test]
fn the_schema_is_a_valid_draft_7_schema() {
    let output = run(kstep().arg("schema"));
    let schema: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(schema["$schema"], "http://json-schema.org/draft-07/schema#");
    jsonschema::draft7::new(&schema).expect("a valid draft-07 schema");
}
