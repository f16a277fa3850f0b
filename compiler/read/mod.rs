//! Stage 2, read: the syntax tree to the typed step model.
//!
//! Reading reports every unknown key, wrong type, missing field and invalid choice in one
//! pass and keeps going. A list element whose required values are broken is dropped from the
//! model (its other problems are still reported), and the list records that it is incomplete,
//! so the check stage can run on everything that was readable without inventing follow-up
//! errors. Names and images are kept even when missing (`None`), so one missing field does
//! not hide a whole container from checking.

mod autoscaling;
mod container;
mod defaults;
mod disruption;
mod embedded;
mod env;
mod ingress;
mod kubernetes;
mod lifecycle;
mod lint;
mod owned;
mod patch;
mod pod;
mod probe;
mod raw_volume;
mod reader;
mod route;
mod scheduling;
mod security;
mod service;
mod step;
mod table;
#[cfg(test)]
pub(crate) use table::read_keys;
mod vars;
mod volume;
mod workload;

pub(crate) use vars::{
    check_name as check_var_name, invalid_name as invalid_var_name,
    suggested_name as suggested_var_name,
};

use crate::diagnostic::Diagnostics;
use crate::model::{Step, StepVars};
use crate::source::FileId;
use crate::syntax::Node;

/// Reads a step. `None` only when the file is not a table at all; everything wrong is
/// reported either way.
pub(crate) fn read_step(
    file: FileId,
    text: &str,
    root: &Node,
    diags: &mut Diagnostics,
) -> Option<Step> {
    let mut reader = reader::Reader::new(file, text, diags);
    step::read(&mut reader, root)
}

/// Reads the step's variables (`[vars]`, `[env.<name>.vars]`), which the template stage needs
/// before the rest of the file can be read.
pub(crate) fn read_vars(
    file: FileId,
    text: &str,
    root: &Node,
    diags: &mut Diagnostics,
) -> StepVars {
    let mut reader = reader::Reader::new(file, text, diags);
    vars::read(&mut reader, root)
}

/// Any value as plain data (a vars file's values).
pub(crate) fn plain_value(
    file: FileId,
    text: &str,
    node: &Node,
    diags: &mut Diagnostics,
) -> Option<serde_json::Value> {
    reader::Reader::new(file, text, diags).json(node)
}

/// Reads the `[lint]` table of a step file or `kstep.toml` (`node` is the table).
pub(crate) fn read_lint(
    file: FileId,
    text: &str,
    node: &Node,
    diags: &mut Diagnostics,
) -> crate::model::LintLevels {
    lint::read(&mut reader::Reader::new(file, text, diags), node)
}

/// Reads the `[compile]` table of a `kstep.toml` in `dir`, if it has one; the rest of the file
/// is the steps' business (`read_project`).
pub(crate) fn read_run_defaults(
    file: FileId,
    text: &str,
    root: &Node,
    dir: &std::path::Path,
    diags: &mut Diagnostics,
) -> crate::model::RunDefaults {
    let Some(entry) = root
        .as_map()
        .and_then(|entries| entries.iter().find(|e| e.key == "compile"))
    else {
        return crate::model::RunDefaults::default();
    };
    let mut r = reader::Reader::new(file, text, diags);
    defaults::read(&mut r, &entry.value, entry.key_span, dir)
}

/// Reads a `kstep.toml`: its `[lint]` levels and `[pod] security_profile`.
pub(crate) fn read_project(
    file: FileId,
    text: &str,
    root: &Node,
    diags: &mut Diagnostics,
) -> crate::model::Project {
    let mut r = reader::Reader::new(file, text, diags);
    let Some(mut t) = r.table(
        root,
        "kstep.toml".into(),
        crate::source::Span::new(file, 0, 0),
    ) else {
        return crate::model::Project::default();
    };
    let lint = t
        .optional(&mut r, "lint", |r, node| Some(lint::read(r, node)))
        .unwrap_or_default();
    // `[compile]` holds the defaults of a run, read once per run by `read_run_defaults`.
    let _ = t.entry("compile");
    let security_profile = t.optional_table(&mut r, "pod").and_then(|mut pod| {
        let profile = pod.optional(&mut r, "security_profile", reader::Reader::choice);
        pod.finish(&mut r);
        profile
    });
    t.finish(&mut r);
    crate::model::Project {
        lint,
        security_profile,
    }
}
