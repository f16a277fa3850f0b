//! The pipeline as the language server runs it: one file at a time, read from the editor's
//! open buffers ([`Overlay`]) when it has them, through everything `kstep lint` checks, with
//! the `kstep.toml` above it. Two things differ from the command line, because the editor is
//! not the CI: nothing comes from outside the step (no vars files, `--var` or `KSTEP_VAR_*`),
//! and a variable declared without a value (`version = {}`) is a placeholder, not an error.
//!
//! A step with errors is not linted, as with `kstep lint`. What the server needs beyond the
//! diagnostics (the step's id for duplicates among open files, its variables for hover)
//! comes back with them.

use std::path::Path;

pub(crate) use super::inputs::PROJECT_FILE;
use super::load::{self, Overlay};
use super::{Start, with_environment};
use crate::check;
use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::model::{Spanned, Strategy};
use crate::plan::Plan;
use crate::read;
use crate::source::{FileId, SourceMap, Span};
use crate::syntax;
use crate::template::{Externals, Placeholders, VarOptions, Vars};

/// The editor's choices for a run.
#[derive(Clone, Debug, Default)]
pub(crate) struct EditorOptions {
    /// The environment (`--env`); `None`: `[compile] env` of `kstep.toml`, else none.
    pub(crate) environment: Option<String>,
    /// The strategy lint rules see (`--strategy`); `None`: the step's, else rolling-update.
    pub(crate) strategy: Option<Strategy>,
}

/// What the server learns from one file.
pub(crate) struct Analysis {
    /// Every file read, the analysed one included (its text as the editor holds it).
    pub(crate) sources: SourceMap,
    /// Sorted; placeholders' consequences left out.
    pub(crate) diagnostics: Vec<Diagnostic>,
    /// The analysed file in `sources`, when it could be read.
    pub(crate) file: Option<FileId>,
    /// The step's id, for duplicates among the open files.
    pub(crate) step_id: Option<Spanned<String>>,
    /// The step's variables as its templates saw them.
    pub(crate) vars: Option<Vars>,
    /// The variables that are placeholders.
    pub(crate) placeholders: Vec<String>,
}

/// Checks and lints the step file at `path` (absolute), its text from `overlay` if open.
pub(crate) fn analyze(path: &Path, overlay: &Overlay, options: &EditorOptions) -> Analysis {
    let mut start = Start::default();
    let defaults = start.defaults();
    let var_options = VarOptions {
        environment: options.environment.clone(),
        ..VarOptions::default()
    };
    let var_options = match &defaults {
        Ok(defaults) => with_environment(&var_options, defaults),
        // Broken run defaults are reported; the step is still checked without them.
        Err(_) => var_options,
    };
    let Start {
        mut sources,
        mut diags,
    } = start;
    if let Err(outcome) = defaults {
        sources = outcome.sources;
        diags = Diagnostics::default();
        for diagnostic in outcome.diagnostics {
            diags.push(diagnostic);
        }
    }
    let externals = Externals::default();
    let run = load::Run {
        externals: &externals,
        vars: &var_options,
        deployment_id: None,
        input_format: None,
        for_lint: true,
        overlay: Some(overlay),
        placeholders: true,
    };
    let mut projects = load::Projects::new();
    let mut declared = load::Declared::default();
    let loaded = match load::load(
        path,
        &run,
        &mut sources,
        &mut projects,
        &mut declared,
        &mut diags,
    ) {
        Ok(loaded) => loaded,
        Err(diagnostic) => {
            diags.push(diagnostic);
            None
        }
    };
    let file = sources.find(path);
    let Some(mut loaded) = loaded else {
        return Analysis {
            sources,
            diagnostics: diags.into_sorted(),
            file,
            step_id: None,
            vars: None,
            placeholders: Vec::new(),
        };
    };
    let placeholders = std::mem::take(&mut loaded.placeholders);
    let mut diags = without_placeholders(diags, &placeholders);
    if !diags.has_errors() {
        let plan = Plan::new(&loaded.step, options.strategy, None);
        let mut found = Diagnostics::default();
        if let Some(again) = &loaded.again
            && let Some(step) = load::again(again, &sources, &plan.deployment_id, &mut found)
        {
            loaded.step = step;
        }
        check::plan(&loaded.step, &plan, &mut found);
        let found = without_placeholders(found, &placeholders);
        let planned_cleanly = !found.has_errors();
        diags.extend(found);
        if planned_cleanly {
            super::lint::lint_step(&loaded, &plan, &sources, &mut diags);
        }
    }
    Analysis {
        sources,
        diagnostics: diags.into_sorted(),
        file: Some(loaded.file),
        step_id: loaded.step.id.clone(),
        vars: Some(loaded.vars),
        placeholders: placeholders.names,
    }
}

/// Leaves out the diagnostics whose primary span lies in a templated value that uses a
/// placeholder: CI's value decides them.
fn without_placeholders(diags: Diagnostics, placeholders: &Placeholders) -> Diagnostics {
    let inside = |span: Span| {
        placeholders
            .spans
            .iter()
            .any(|p| p.file == span.file && p.start <= span.start && span.end <= p.end)
    };
    let mut kept = Diagnostics::default();
    for diagnostic in diags.into_sorted() {
        if !diagnostic.primary_span().is_some_and(inside) {
            kept.push(diagnostic);
        }
    }
    kept
}

/// Reads a `kstep.toml` (from `overlay` if open) as the steps below it do: its syntax, its
/// `[lint]`, `[pod]` and `[compile]` tables.
pub(crate) fn analyze_project(path: &Path, overlay: &Overlay) -> (SourceMap, Vec<Diagnostic>) {
    let mut sources = SourceMap::default();
    let mut diags = Diagnostics::default();
    debug_assert!(path.file_name().is_some_and(|n| n == PROJECT_FILE));
    let text = match overlay.get(path) {
        Some(text) => text.to_string(),
        None => std::fs::read_to_string(path).unwrap_or_default(),
    };
    let file = sources.add(path.to_owned(), text.into());
    let text = sources.get(file).text();
    if let Some(root) = syntax::parse(file, text, syntax::Format::Toml, &mut diags) {
        read::read_project(file, text, &root, &mut diags);
        let dir = path.parent().unwrap_or(Path::new(""));
        read::read_run_defaults(file, text, &root, dir, &mut diags);
    }
    (sources, diags.into_sorted())
}
