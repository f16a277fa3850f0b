//! `kstep lint`: everything `compile` checks, then the best-practice rules, with each step's
//! rule levels (`kstep.toml`, then its `[lint]`) and ignore comments. Writes nothing.

use std::path::PathBuf;

use super::load::Loaded;
use super::{
    InputFormat, Inputs, Outcome, Prepared, Ready, Start, Status, prepare, with_environment,
};
use crate::diagnostic::{Diagnostics, Severity};
use crate::lint::{self, Ignores, LintConfig};
use crate::plan::Plan;
use crate::source::SourceMap;
use crate::template::VarOptions;

pub struct LintOptions {
    /// Step files, directories (every step file below them) and `-` (standard input).
    pub inputs: Vec<PathBuf>,
    /// `--input-format`: the language of standard input; detected when `None`.
    pub input_format: Option<InputFormat>,
    /// `--strategy`: rules that depend on it see this one.
    pub strategy: Option<String>,
    pub deployment_id: Option<String>,
    /// As for `compile`: `--env`, else `[compile] env` of `kstep.toml`.
    pub vars: VarOptions,
    /// `--deny warnings`: every warning is an error.
    pub deny_warnings: bool,
}

/// What `kstep lint` found.
pub struct Linted {
    pub outcome: Outcome,
    /// False when errors in the step files (or on the command line) stopped kstep before the
    /// lint rules: they need checked steps.
    pub rules_ran: bool,
}

pub fn lint(options: &LintOptions) -> Linted {
    let mut start = Start::default();
    let defaults = match start.defaults() {
        Ok(defaults) => defaults,
        Err(outcome) => {
            return Linted {
                outcome: *outcome,
                rules_ran: false,
            };
        }
    };
    let vars = with_environment(&options.vars, &defaults);
    let inputs = Inputs {
        steps: &options.inputs,
        input_format: options.input_format,
        output: None,
        strategy: options.strategy.as_deref(),
        deployment_id: options.deployment_id.as_deref(),
        vars: &vars,
        for_lint: true,
        scripts: false,
    };
    let mut rules_ran = false;
    let rules = |ready: &Ready<'_>| {
        let mut found = Diagnostics::default();
        lint_step(ready.loaded, ready.plan, ready.sources, &mut found);
        found
    };
    let mut outcome = match prepare(start, &inputs, rules, |_| {}) {
        Ok(Prepared {
            mut outcome,
            mut diags,
            results,
        }) => {
            rules_ran = !results.is_empty();
            for found in results {
                diags.extend(found);
            }
            outcome.diagnostics = diags.into_sorted();
            outcome
        }
        Err(outcome) => *outcome,
    };
    if options.deny_warnings {
        for diagnostic in &mut outcome.diagnostics {
            if diagnostic.severity == Severity::Warning {
                diagnostic.severity = Severity::Error;
            }
        }
    }
    if outcome.status == Status::Success
        && outcome
            .diagnostics
            .iter()
            .any(|d| d.severity == Severity::Error)
    {
        outcome.status = Status::InputErrors;
    }
    Linted { outcome, rules_ran }
}

/// The lint rules on one checked and planned step, with its levels (`kstep.toml`, then its
/// `[lint]`) and its ignore comments.
pub(super) fn lint_step(
    loaded: &Loaded,
    plan: &Plan,
    sources: &SourceMap,
    diags: &mut Diagnostics,
) {
    let mut config = LintConfig::default();
    config.extend(loaded.project_lint.iter().cloned());
    config.extend(loaded.lint.iter().cloned());
    let mut found = Diagnostics::default();
    lint::lint(&loaded.step, plan, &config, &mut found);
    let text = sources.get(loaded.file).text();
    let mut ignores = Ignores::scan(loaded.file, text, &loaded.literals, diags);
    let mut found = found.into_sorted();
    ignores.apply(&mut found, sources);
    found.extend(ignores.unused());
    for diagnostic in found {
        diags.push(diagnostic);
    }
}
