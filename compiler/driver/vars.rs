//! `kstep vars STEP`: the step's variables after every source has had its say, each with
//! where its value comes from and what it replaced, so a person can see why a value is what
//! it is. Sensitive values are never printed.

use std::collections::BTreeSet;
use std::fmt::Write as _;
use std::path::Path;

use super::{InputFormat, Outcome, Start, Status, inputs, load, with_environment};
use crate::diagnostic::Diagnostics;
use crate::emit;
use crate::read;
use crate::source::SourceMap;
use crate::syntax;
use crate::template::{self, Origin, Var, VarOptions, Vars};

/// `step` may be `-` (standard input, in `input_format` or detected). `--env` defaults to
/// `[compile] env` of `kstep.toml`, as for `compile`.
pub fn vars(step: &Path, input_format: Option<InputFormat>, options: &VarOptions) -> Outcome {
    let mut start = Start::default();
    let defaults = match start.defaults() {
        Ok(defaults) => defaults,
        Err(outcome) => return *outcome,
    };
    let options = &with_environment(options, &defaults);
    let Start {
        mut sources,
        mut diags,
    } = start;
    let outcome = |sources, diags: Diagnostics, status, stdout| Outcome {
        sources,
        diagnostics: diags.into_sorted(),
        status,
        stdout,
        written: Vec::new(),
        out_dir: None,
        steps: 1,
    };
    let externals = match load::externals(options, &mut sources, &mut diags) {
        Ok((externals, false)) => externals,
        Ok((_, true)) => return outcome(sources, diags, Status::Failure, None),
        Err(diagnostic) => {
            diags.push(diagnostic);
            return outcome(sources, diags, Status::Failure, None);
        }
    };
    let found = load::step_source(step, input_format, None, &mut sources, &mut diags);
    let (file, format) = match found {
        Ok(Some(found)) => found,
        Ok(None) => return outcome(sources, diags, Status::InputErrors, None),
        Err(diagnostic) => {
            diags.push(diagnostic);
            return outcome(sources, diags, Status::Failure, None);
        }
    };
    let text = sources.get(file).text();
    let resolved = syntax::parse(file, text, format, &mut diags).map(|root| {
        let declared = read::read_vars(file, text, &root, &mut diags);
        let names: BTreeSet<String> = declared
            .vars
            .iter()
            .chain(declared.environments.iter().flat_map(|e| &e.vars))
            .map(|decl| decl.name.value.clone())
            .collect();
        externals.report_undeclared(&names, &mut diags);
        template::resolve(
            &declared,
            &externals,
            options.environment.as_deref(),
            &mut diags,
        )
    });
    for span in diags.take_redactions() {
        sources.redact(span);
    }
    let status = if diags.has_errors() {
        Status::InputErrors
    } else {
        Status::Success
    };
    let listing = resolved
        .filter(|_| status == Status::Success)
        .map(|vars| listing(inputs::display_path(step), &vars, &sources));
    outcome(sources, diags, status, listing.map(emit::Printed::from))
}

/// `name = value  # origin, over earlier origins`, aligned.
fn listing(step: &Path, vars: &Vars, sources: &SourceMap) -> String {
    let mut out = format!("# Variables of {}", step.display());
    if let Some(env) = &vars.environment {
        let _ = write!(out, ", environment {env}");
    }
    out.push('\n');
    if vars.vars.is_empty() {
        out.push_str("# (none)\n");
        return out;
    }
    let rows: Vec<(String, String)> = vars
        .vars
        .iter()
        .map(|(name, var)| (format!("{name} = {}", value(var)), from(name, var, sources)))
        .collect();
    let width = rows
        .iter()
        .map(|(left, _)| left.chars().count())
        .max()
        .unwrap_or(0);
    for (left, right) in rows {
        let _ = writeln!(out, "{left:width$}  # {right}");
    }
    out
}

fn value(var: &Var) -> String {
    match (&var.value, var.sensitive) {
        (None, _) => "(no value)".to_owned(),
        (Some(_), true) => "(sensitive)".to_owned(),
        (Some(value), false) => value.to_string(),
    }
}

fn from(name: &str, var: &Var, sources: &SourceMap) -> String {
    let mut text = place(name, &var.origin, sources);
    if var.value.is_none() {
        text.push_str(", declared without a value");
    }
    if var.sensitive {
        text.push_str(", sensitive");
    }
    if !var.overridden.is_empty() {
        let earlier: Vec<String> = var
            .overridden
            .iter()
            .rev()
            .map(|origin| place(name, origin, sources))
            .collect();
        let _ = write!(text, "; replaces {}", earlier.join(", then "));
    }
    text
}

/// `[vars] web.toml:4`, `--var tag=...`.
fn place(name: &str, origin: &Origin, sources: &SourceMap) -> String {
    let described = origin.describe(name);
    match origin.span() {
        Some(span) if !matches!(origin, Origin::File { .. }) => {
            let file = sources.get(span.file);
            let (line, _) = file.line_col(span.start);
            format!("{described} {}:{line}", file.name())
        }
        Some(span) => {
            let (line, _) = sources.get(span.file).line_col(span.start);
            format!("{described}:{line}")
        }
        None => described,
    }
}
