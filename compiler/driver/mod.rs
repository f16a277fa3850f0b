//! The `compile` pipeline, written out once: load (syntax → templates → read → check) → gate
//! → plan (strategy, deployment id) → gate → lower → emit → write, print or compare.
//!
//! Every file is taken as far as it can go so one run reports everything; the gates stop on
//! any error, and output is written only when every step compiled.

pub(crate) mod editor;
mod import;
mod inputs;
mod lint;
mod load;

pub(crate) use load::Overlay;
mod vars;

pub use import::{ImportArgs, import};
pub use inputs::InputFormat;
pub use lint::{LintOptions, Linted, lint};
pub use vars::vars;

pub(crate) use load::load_text;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::check;
use crate::diagnostic::{Code, Diagnostic, Diagnostics};
use crate::emit::{self, Format};
use crate::lower;
use crate::model::{Choice, RunDefaults, Step, Strategy};
use crate::parallel;
use crate::plan::Plan;
use crate::source::{SourceMap, Span};
use crate::template::VarOptions;

/// The output directory when neither `-o` nor `kstep.toml` names one.
pub const DEFAULT_OUTPUT: &str = "dist";

pub struct CompileOptions {
    /// Step files, directories (every step file below them) and `-` (standard input).
    pub inputs: Vec<PathBuf>,
    /// `--input-format`: the language of standard input; detected when `None`.
    pub input_format: Option<InputFormat>,
    /// `-o`; `None`: `[compile] output` of `kstep.toml`, else [`DEFAULT_OUTPUT`].
    pub out_dir: Option<PathBuf>,
    pub output: OutputMode,
    /// `--manifest-format`; `None`: `[compile] manifest_format` of `kstep.toml`, else YAML.
    pub format: Option<Format>,
    /// `--strategy`: `recreate`, `rolling-update`, `blue-green` or `on-delete`.
    pub strategy: Option<String>,
    /// `--deployment-id`.
    pub deployment_id: Option<String>,
    /// `--show-secrets`: print Secret values in `--stdout` output and `--check` diffs.
    pub show_secrets: bool,
    /// `--env` (`None`: `[compile] env` of `kstep.toml`), `--var`, vars files and
    /// `KSTEP_VAR_*`.
    pub vars: VarOptions,
}

/// What to do with the compiled output.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OutputMode {
    /// Write `DIR/<step-id>/`.
    Write,
    /// Print the manifests as one stream.
    Stdout,
    /// Compare with what is in `DIR` and report differences; write nothing.
    Check,
}

/// How a run ended; the CLI maps it to an exit code.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Status {
    Success,
    /// The step files have errors (exit 1).
    InputErrors,
    /// `--check` found output that differs from what is in the output directory (exit 1).
    OutOfDate,
    /// A file could not be read or written, or the command line was wrong (exit 2).
    Failure,
}

pub struct Outcome {
    pub sources: SourceMap,
    pub diagnostics: Vec<Diagnostic>,
    pub status: Status,
    /// With `--stdout`: the manifest stream. With `--check`: the differences found.
    pub stdout: Option<String>,
    /// Step ids written, in input order.
    pub written: Vec<String>,
    /// The output directory they were written to.
    pub out_dir: Option<PathBuf>,
    /// How many step files the run read (directories expanded).
    pub steps: usize,
}

pub fn compile(options: &CompileOptions) -> Outcome {
    let mut start = Start::default();
    let defaults = match start.defaults() {
        Ok(defaults) => defaults,
        Err(outcome) => return *outcome,
    };
    let out_dir = options
        .out_dir
        .clone()
        .or_else(|| defaults.output.as_ref().map(|o| o.value.clone()))
        .unwrap_or_else(|| PathBuf::from(DEFAULT_OUTPUT));
    let format = options
        .format
        .or_else(|| defaults.manifest_format.as_ref().map(|f| f.value))
        .unwrap_or(Format::Yaml);
    if options.output != OutputMode::Stdout
        && let Some(given) = &options.out_dir
        && let Some(warning) = inputs::output_named_like_a_format(given)
    {
        start.diags.push(warning);
    }
    let vars = with_environment(&options.vars, &defaults);
    let inputs = Inputs {
        steps: &options.inputs,
        input_format: options.input_format,
        output: Some(&out_dir),
        strategy: options.strategy.as_deref(),
        deployment_id: options.deployment_id.as_deref(),
        vars: &vars,
        for_lint: false,
    };
    let Prepared {
        mut outcome,
        mut diags,
        steps,
    } = match prepare(start, &inputs) {
        Ok(prepared) => prepared,
        Err(outcome) => return *outcome,
    };
    let jobs: Vec<(&Path, &Step, &Plan)> = steps
        .iter()
        .map(|s| (s.path.as_path(), &s.loaded.step, &s.plan))
        .collect();
    let run = Run {
        out_dir: &out_dir,
        output: options.output,
        format,
        show_secrets: options.show_secrets,
    };
    if let Err(failure) = finish(&run, &jobs, &mut outcome) {
        outcome.status = Status::Failure;
        diags.push(failure);
    }
    outcome.out_dir = Some(out_dir);
    outcome.diagnostics = diags.into_sorted();
    outcome
}

/// What every run starts with: the source map and diagnostics, before any step is read.
#[derive(Default)]
struct Start {
    sources: SourceMap,
    diags: Diagnostics,
}

impl Start {
    /// `[compile]` of the `kstep.toml` nearest the current directory. `Err` when it has
    /// errors: a run with broken defaults would not be the run the user asked for.
    fn defaults(&mut self) -> Result<RunDefaults, Box<Outcome>> {
        let defaults = load::run_defaults(&mut self.sources, &mut self.diags);
        match defaults {
            Ok(defaults) if !self.diags.has_errors() => Ok(defaults),
            Ok(_) => {
                let mut outcome = failed(std::mem::take(self));
                outcome.status = Status::InputErrors;
                Err(Box::new(outcome))
            }
            Err(diagnostic) => {
                self.diags.push(diagnostic);
                Err(Box::new(failed(std::mem::take(self))))
            }
        }
    }
}

/// The variable options with the environment of `kstep.toml` when `--env` gives none.
fn with_environment(vars: &VarOptions, defaults: &RunDefaults) -> VarOptions {
    let mut vars = vars.clone();
    if vars.environment.is_none() {
        vars.environment = defaults.environment.as_ref().map(|e| e.value.clone());
    }
    vars
}

/// The step files and what shapes them, for `compile` and `lint`.
struct Inputs<'a> {
    /// As given: files, directories and `-`.
    steps: &'a [PathBuf],
    input_format: Option<InputFormat>,
    /// `compile`'s output directory, which a directory walk skips.
    output: Option<&'a Path>,
    strategy: Option<&'a str>,
    deployment_id: Option<&'a str>,
    vars: &'a VarOptions,
    /// Load what only `kstep lint` needs (see `load::load`).
    for_lint: bool,
}

/// Every step loaded, checked and planned, without errors so far.
struct Prepared {
    outcome: Outcome,
    diags: Diagnostics,
    steps: Vec<PlannedStep>,
}

/// A step is boxed: the vectors of steps move pointers, not kilobytes, as they grow.
struct PlannedStep {
    path: PathBuf,
    loaded: Box<load::Loaded>,
    plan: Plan,
}

/// Loads, checks and plans every step. `Err` is the outcome of a run that stops here: a
/// usage or file problem, or errors in the steps.
fn prepare(start: Start, inputs: &Inputs<'_>) -> Result<Prepared, Box<Outcome>> {
    let Start {
        mut sources,
        mut diags,
    } = start;
    // A mistake on the command line is reported alone: every step would only repeat it.
    let externals = match load::externals(inputs.vars, &mut sources, &mut diags) {
        Ok((externals, false)) => externals,
        Ok((_, true)) => return Err(Box::new(failed(Start { sources, diags }))),
        Err(diagnostic) => {
            diags.push(diagnostic);
            return Err(Box::new(failed(Start { sources, diags })));
        }
    };
    let skip = inputs::Skip {
        vars_files: inputs
            .vars
            .files
            .iter()
            .chain(&inputs.vars.sensitive_files)
            .map(PathBuf::as_path)
            .collect(),
        output: inputs.output,
    };
    let expanded = match inputs::expand(inputs.steps, &skip) {
        Ok(expanded) => expanded,
        Err(diagnostic) => {
            diags.push(diagnostic);
            return Err(Box::new(failed(Start { sources, diags })));
        }
    };
    let mut failure = false;
    let mut projects = load::Projects::new();
    let mut declared = load::Declared {
        complete: true,
        ..Default::default()
    };
    let run = load::Run {
        externals: &externals,
        vars: inputs.vars,
        deployment_id: inputs.deployment_id,
        input_format: inputs.input_format,
        for_lint: inputs.for_lint,
        overlay: None,
        placeholders: false,
    };
    // A glob such as `deploy/*.toml` also names the project configuration: it is not a step.
    let step_files: Vec<PathBuf> = expanded
        .into_iter()
        .filter(|p| p.file_name().is_none_or(|n| n != inputs::PROJECT_FILE))
        .collect();
    if step_files.is_empty() && !inputs.steps.is_empty() {
        diags.push(
            Diagnostic::error(
                Code::UnsupportedFileType,
                format!(
                    "`{}` is kstep's project configuration, not a step file",
                    inputs::PROJECT_FILE
                ),
            )
            .help("name the step files; kstep reads the `kstep.toml` above them by itself"),
        );
        return Err(Box::new(failed(Start { sources, diags })));
    }
    let step_count = step_files.len();
    // Reading files and their `kstep.toml` changes the source map: one file after another.
    // Analysing them changes nothing shared: on every core.
    let mut sourced = Vec::with_capacity(step_count);
    for path in step_files {
        match load::source(&path, &run, &mut sources, &mut projects, &mut diags) {
            Ok(Some(source)) => sourced.push((path, source)),
            Ok(None) => declared.complete = false,
            Err(diagnostic) => {
                failure = true;
                diags.push(diagnostic);
            }
        }
    }
    let analyzed = parallel::map(&sourced, |_, (_, source)| {
        let mut found = Diagnostics::default();
        let mut names = load::Declared {
            complete: true,
            ..Default::default()
        };
        let loaded = load::analyze(source, &run, &sources, &mut names, &mut found);
        (loaded.map(Box::new), names, found)
    });
    let mut steps: Vec<(PathBuf, Box<load::Loaded>)> = Vec::with_capacity(sourced.len());
    for ((path, _), (loaded, names, mut found)) in sourced.into_iter().zip(analyzed) {
        declared.complete &= names.complete;
        declared.names.extend(names.names);
        for span in found.take_redactions() {
            sources.redact(span);
        }
        diags.extend(found);
        if let Some(loaded) = loaded {
            steps.push((path, loaded));
        }
    }
    if declared.complete {
        externals.report_undeclared(&declared.names, &mut diags);
    }
    duplicate_ids(steps.iter().map(|(_, s)| &s.step), &mut diags);
    let mut outcome = Outcome {
        sources,
        diagnostics: Vec::new(),
        status: Status::Success,
        stdout: None,
        written: Vec::new(),
        out_dir: None,
        steps: step_count,
    };
    if failure || diags.has_errors() {
        outcome.status = if failure {
            Status::Failure
        } else {
            Status::InputErrors
        };
        outcome.diagnostics = diags.into_sorted();
        return Err(Box::new(outcome));
    }

    // Plans need checked steps: the default deployment id hashes the compiled output. A step
    // whose templates read that id is rendered again once it is known.
    let strategy = inputs.strategy.and_then(Strategy::from_word);
    let sources = &outcome.sources;
    let planned = parallel::map(&steps, |_, (_, loaded)| {
        let plan = Plan::new(&loaded.step, strategy, inputs.deployment_id);
        let mut found = Diagnostics::default();
        let again = loaded.again.as_ref().map(|again| {
            load::again(again, sources, &plan.deployment_id, &mut found).map(Box::new)
        });
        // The plan's rules see the step as it is emitted, rendered with the final id.
        let step = match &again {
            Some(Some(step)) => step,
            _ => &loaded.step,
        };
        check::plan(step, &plan, &mut found);
        (plan, found, again)
    });
    let mut planned_steps = Vec::with_capacity(planned.len());
    for ((path, mut loaded), (plan, found, again)) in steps.into_iter().zip(planned) {
        diags.extend(found);
        if let Some(Some(step)) = again {
            loaded.step = *step;
        }
        planned_steps.push(PlannedStep { path, loaded, plan });
    }
    if diags.has_errors() {
        outcome.status = Status::InputErrors;
        outcome.diagnostics = diags.into_sorted();
        return Err(Box::new(outcome));
    }
    Ok(Prepared {
        outcome,
        diags,
        steps: planned_steps,
    })
}

/// The outcome of a run stopped by a usage or I/O error.
fn failed(start: Start) -> Outcome {
    Outcome {
        sources: start.sources,
        diagnostics: start.diags.into_sorted(),
        status: Status::Failure,
        stdout: None,
        written: Vec::new(),
        out_dir: None,
        steps: 0,
    }
}

fn render(job: &(&Path, &Step, &Plan), format: Format) -> Result<emit::StepOutput, Diagnostic> {
    let (path, step, plan) = *job;
    let path = inputs::display_path(path);
    emit::render(step, plan, &lower::lower(step, plan), path, format).map_err(internal_error)
}

fn internal_error(emit::EmitError(message): emit::EmitError) -> Diagnostic {
    Diagnostic::error(
        Code::InternalError,
        format!("internal error while emitting manifests: {message}"),
    )
}

/// Where and how `compile` puts its output, the defaults applied.
struct Run<'a> {
    out_dir: &'a Path,
    output: OutputMode,
    format: Format,
    show_secrets: bool,
}

/// Writes, prints or compares the output. Writing renders and stages step by step, so only
/// a few steps' files are in memory at once.
fn finish(
    options: &Run<'_>,
    jobs: &[(&Path, &Step, &Plan)],
    outcome: &mut Outcome,
) -> Result<(), Diagnostic> {
    let dir = options.out_dir.display();
    let cannot_write = |e: &std::io::Error| load::io_error(&format!("cannot write to `{dir}`"), e);
    match options.output {
        OutputMode::Write => {
            let staging = emit::Staging::new(options.out_dir).map_err(|e| cannot_write(&e))?;
            let staged = parallel::map(jobs, |i, job| {
                let output = render(job, options.format)?;
                let staged = staging.stage(i, &output).map_err(|e| cannot_write(&e))?;
                Ok((output.step_id, staged))
            })
            .into_iter()
            .collect::<Result<Vec<_>, Diagnostic>>()?;
            staging.commit(&staged).map_err(|e| cannot_write(&e))?;
            outcome.written = staged.into_iter().map(|(id, _)| id).collect();
        }
        OutputMode::Stdout => {
            // Each step's part of the stream, nothing else of its output.
            let parts = parallel::map(jobs, |_, &(_, step, plan)| {
                emit::stream(
                    &lower::lower(step, plan),
                    options.format,
                    options.show_secrets,
                )
                .map_err(internal_error)
            })
            .into_iter()
            .collect::<Result<Vec<String>, Diagnostic>>()?;
            outcome.stdout = Some(parts.concat());
        }
        OutputMode::Check => {
            let cannot_read =
                |e: &std::io::Error| load::io_error(&format!("cannot read `{dir}`"), e);
            let parts = parallel::map(jobs, |_, job| {
                let output = render(job, options.format)?;
                emit::compare_step(options.out_dir, &output, options.show_secrets)
                    .map_err(|e| cannot_read(&e))
            })
            .into_iter()
            .collect::<Result<Vec<String>, Diagnostic>>()?;
            let differences =
                parts.concat() + &emit::stale(options.out_dir).map_err(|e| cannot_read(&e))?;
            if !differences.is_empty() {
                outcome.status = Status::OutOfDate;
                outcome.stdout = Some(differences);
            }
        }
    }
    Ok(())
}

/// Two step files may not share a step id: their output directories would collide.
fn duplicate_ids<'a>(steps: impl Iterator<Item = &'a Step>, diags: &mut Diagnostics) {
    let mut seen: BTreeMap<&str, Span> = BTreeMap::new();
    for id in steps.filter_map(|step| step.id.as_ref()) {
        if let Some(first) = seen.insert(&id.value, id.span) {
            diags.push(
                Diagnostic::error(Code::DuplicateStepId, duplicate_id_message(&id.value))
                    .label(id.span, "this step's id")
                    .label(first, "also the id of this step")
                    .help("give each step a unique `id` in its `step` table"),
            );
        }
    }
}

/// The message of `duplicate-step-id`, which the language server also reports among the
/// files open in an editor.
pub(crate) fn duplicate_id_message(id: &str) -> String {
    format!("step id `{id}` is used by two step files")
}
