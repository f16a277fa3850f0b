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
use crate::lower::{self, StepObjects};
use crate::model::{Choice, RunDefaults, Spanned, Strategy};
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
    pub stdout: Option<emit::Printed>,
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
        scripts: options.output != OutputMode::Stdout,
    };
    let run = Run {
        out_dir: &out_dir,
        output: options.output,
        format,
        show_secrets: options.show_secrets,
    };
    let mut outcome = finish(start, &inputs, &run);
    outcome.out_dir = Some(out_dir);
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
    /// The output has deploy scripts (`compile` but `--stdout`).
    scripts: bool,
}

/// Every step loaded, checked and planned without errors, and what the command made of each.
struct Prepared<R> {
    outcome: Outcome,
    diags: Diagnostics,
    /// In input order, one per step.
    results: Vec<R>,
}

/// A step that checked and planned without errors, handed to the command on its worker.
struct Ready<'a> {
    /// The step's position among the files read, for the names of what it stages.
    index: usize,
    path: &'a Path,
    loaded: &'a load::Loaded,
    plan: &'a Plan,
    /// The step's objects, when planning lowered them already.
    objects: Option<&'a StepObjects>,
    sources: &'a SourceMap,
}

impl Ready<'_> {
    /// `f` of the step's objects: those planning lowered, else lowered now.
    fn with_objects<T>(&self, f: impl FnOnce(&StepObjects) -> T) -> T {
        match self.objects {
            Some(objects) => f(objects),
            None => f(&lower::lower(&self.loaded.step, self.plan)),
        }
    }
}

/// What one step's worker found, and the command's result for a step without errors.
struct StepPass<R> {
    id: Option<Spanned<String>>,
    names: load::Declared,
    /// Loading and checking.
    found: Diagnostics,
    /// Planning, and the result; `None` when loading found errors.
    planned: Option<(Diagnostics, Option<R>)>,
}

/// What a worker does with the steps it takes, and what it needs for that.
struct StepWorker<'a, F> {
    run: &'a load::Run<'a>,
    sources: &'a SourceMap,
    strategy: Option<Strategy>,
    deployment_id: Option<&'a str>,
    ready: &'a F,
}

impl<F: Fn(&Ready<'_>) -> R, R> StepWorker<'_, F> {
    /// Checks every step of a batch, then plans each one without errors and hands it to
    /// `ready`. `first` is the index of the batch's first step.
    fn batch(&self, first: usize, steps: &[(PathBuf, load::Source)]) -> Vec<StepPass<R>> {
        let analyzed: Vec<_> = steps
            .iter()
            .map(|(_, source)| {
                let mut found = Diagnostics::default();
                let mut names = load::Declared::complete();
                let loaded = load::analyze(source, self.run, self.sources, &mut names, &mut found);
                (loaded, names, found)
            })
            .collect();
        // Not `collect`: it would keep the passes in the analysed steps' larger buffer.
        let mut passes = Vec::with_capacity(steps.len());
        let analyzed = analyzed.into_iter().zip(steps).enumerate();
        passes.extend(analyzed.map(|(k, ((loaded, names, found), (path, _)))| {
            StepPass {
                id: loaded.as_ref().and_then(|l| l.step.id.clone()),
                planned: loaded
                    .filter(|_| !found.has_errors())
                    .map(|loaded| self.plan(first + k, path, loaded)),
                names,
                found,
            }
        }));
        passes
    }

    /// Plans a checked step and, when the plan's rules find no error, hands it to `ready`.
    fn plan(
        &self,
        index: usize,
        path: &Path,
        mut loaded: load::Loaded,
    ) -> (Diagnostics, Option<R>) {
        let (plan, mut objects) =
            Plan::with_objects(&loaded.step, self.strategy, self.deployment_id);
        let mut found = Diagnostics::default();
        if let Some(again) = &loaded.again
            && let Some(step) = load::again(again, self.sources, &plan.deployment_id, &mut found)
        {
            // The plan's rules see the step as it is emitted, rendered with the final id.
            loaded.step = step;
            objects = None;
        }
        check::plan(&loaded.step, &plan, &mut found);
        let result = (!found.has_errors()).then(|| {
            (self.ready)(&Ready {
                index,
                path,
                loaded: &loaded,
                plan: &plan,
                objects: objects.as_ref(),
                sources: self.sources,
            })
        });
        (found, result)
    }
}

/// Loads, checks and plans every step, and hands each one without errors to `ready` on its
/// worker, so no step is held after its output is made. `each` sees the results in input
/// order as they come (a stream is written while later steps are still worked on). The
/// results count only when every step passes; `Err` is the outcome of a run that stops: a
/// usage or file problem, or errors in the steps.
fn prepare<R: Send>(
    start: Start,
    inputs: &Inputs<'_>,
    ready: impl Fn(&Ready<'_>) -> R + Sync,
    mut each: impl FnMut(&mut R) + Send,
) -> Result<Prepared<R>, Box<Outcome>> {
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
    let mut declared = load::Declared::complete();
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
    if inputs.scripts && (step_count == 1 || step_count < parallel::workers()) {
        // A core would wait for a step: it compiles the script templates meanwhile. (One
        // step does not ask how many cores there are: the answer reads the cgroup's files.)
        emit::warm_up();
    }
    // Files are read on every core; adding them and their `kstep.toml` to the source map is
    // one file after another, in order. Everything after changes nothing shared: on every
    // core, a few steps at a time per core.
    let reads = parallel::map(&step_files, |_, path| {
        load::read_step_file(path, run.input_format, run.overlay)
    });
    let mut sourced = Vec::with_capacity(step_count);
    for (path, read) in step_files.into_iter().zip(reads) {
        match load::source(&path, read, &run, &mut sources, &mut projects, &mut diags) {
            Ok(Some(source)) => sourced.push((path, source)),
            Ok(None) => declared.complete = false,
            Err(diagnostic) => {
                failure = true;
                diags.push(diagnostic);
            }
        }
    }
    // The default deployment id hashes the compiled output, so a step is planned once it
    // checked without errors; a step whose templates read that id is rendered again then.
    let strategy = inputs.strategy.and_then(Strategy::from_word);
    // Workers take the steps in small batches and check a whole batch before planning and
    // writing it: writing a step's files sweeps the core's caches, and the next step's
    // parsing and checking then ran cold (about a fifth more time at 1,000 steps).
    let batch = parallel::batch_size(sourced.len());
    let batches: Vec<&[(PathBuf, load::Source)]> = sourced.chunks(batch).collect();
    let worker = StepWorker {
        run: &run,
        sources: &sources,
        strategy,
        deployment_id: inputs.deployment_id,
        ready: &ready,
    };
    // Each step's pass is taken in as soon as it is in order, so a run keeps only what it
    // reports and the results, not every step's pass.
    let mut ids = Vec::new();
    let mut plan_found = Diagnostics::default();
    let mut redactions = Vec::new();
    let mut results = Vec::with_capacity(step_count);
    parallel::map_in_order(
        &batches,
        |b, steps| worker.batch(b * batch, steps),
        |_, passes| {
            for mut pass in std::mem::take(passes) {
                declared.complete &= pass.names.complete;
                declared.names.extend(pass.names.names);
                redactions.extend(pass.found.take_redactions());
                diags.extend(pass.found);
                ids.extend(pass.id);
                if let Some((found, result)) = pass.planned {
                    plan_found.extend(found);
                    if let Some(mut result) = result {
                        each(&mut result);
                        results.push(result);
                    }
                }
            }
        },
    );
    for span in redactions {
        sources.redact(span);
    }
    if declared.complete {
        externals.report_undeclared(&declared.names, &mut diags);
    }
    duplicate_ids(&ids, &mut diags);
    let mut outcome = Outcome {
        sources,
        diagnostics: Vec::new(),
        status: Status::Success,
        stdout: None,
        written: Vec::new(),
        out_dir: None,
        steps: step_count,
    };
    // Plans are reported only for a run whose steps all checked, as if planning waited for
    // them: what the plans found would only add to the errors to fix first.
    if !failure && !diags.has_errors() {
        diags.extend(plan_found);
    }
    if failure || diags.has_errors() {
        outcome.status = if failure {
            Status::Failure
        } else {
            Status::InputErrors
        };
        outcome.diagnostics = diags.into_sorted();
        return Err(Box::new(outcome));
    }
    Ok(Prepared {
        outcome,
        diags,
        results,
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

/// A step's output files.
fn render(ready: &Ready<'_>, format: Format) -> Result<emit::StepOutput, Diagnostic> {
    let (step, plan) = (&ready.loaded.step, ready.plan);
    let path = inputs::display_path(ready.path);
    ready
        .with_objects(|objects| emit::render(step, plan, objects, path, format))
        .map_err(internal_error)
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

/// Loads every step and writes, prints or compares its output as soon as it is checked, so
/// only a step per core is in memory at a time. Nothing shows until every step passed:
/// written steps wait in a staging directory, printed text in [`emit::Printed`].
fn finish(start: Start, inputs: &Inputs<'_>, options: &Run<'_>) -> Outcome {
    let dir = options.out_dir.display();
    let cannot_write = |e: &std::io::Error| load::io_error(&format!("cannot write to `{dir}`"), e);
    let cannot_read = |e: &std::io::Error| load::io_error(&format!("cannot read `{dir}`"), e);
    let failure = |mut outcome: Outcome, mut diags: Diagnostics, diagnostic| {
        diags.push(diagnostic);
        outcome.status = Status::Failure;
        outcome.diagnostics = diags.into_sorted();
        outcome
    };
    match options.output {
        OutputMode::Write => {
            // Made before the steps are read, so each is written as soon as it is done; a
            // run with errors removes it. When it cannot be made, the steps are still
            // checked: their errors come first.
            let staging = emit::Staging::new(options.out_dir);
            let Prepared {
                mut outcome,
                diags,
                results,
            } = match prepare(
                start,
                inputs,
                |ready| {
                    let staging = staging.as_ref().ok()?;
                    Some(render(ready, options.format).and_then(|output| {
                        let staged = staging
                            .stage(ready.index, &output)
                            .map_err(|e| cannot_write(&e))?;
                        Ok((ready.index, output.step_id, staged))
                    }))
                },
                |_| {},
            ) {
                Ok(prepared) => prepared,
                Err(outcome) => return *outcome,
            };
            let staging = match staging {
                Ok(staging) => staging,
                Err(e) => return failure(outcome, diags, cannot_write(&e)),
            };
            let staged = match results.into_iter().flatten().collect::<Result<Vec<_>, _>>() {
                Ok(staged) => staged,
                Err(diagnostic) => return failure(outcome, diags, diagnostic),
            };
            if let Err(e) = staging.commit(&staged) {
                return failure(outcome, diags, cannot_write(&e));
            }
            outcome.written = staged.into_iter().map(|(_, id, _)| id).collect();
            outcome.diagnostics = diags.into_sorted();
            outcome
        }
        OutputMode::Stdout | OutputMode::Check => {
            let check = options.output == OutputMode::Check;
            let mut printed = emit::Printed::default();
            let mut first_error = None;
            let Prepared {
                mut outcome, diags, ..
            } = match prepare(
                start,
                inputs,
                |ready| {
                    if check {
                        let output = render(ready, options.format)?;
                        emit::compare_step(options.out_dir, &output, options.show_secrets)
                            .map_err(|e| cannot_read(&e))
                    } else {
                        // Each step's part of the stream, nothing else of its output.
                        ready
                            .with_objects(|objects| {
                                emit::stream(objects, options.format, options.show_secrets)
                            })
                            .map_err(internal_error)
                    }
                },
                |part| match part {
                    Ok(text) => printed.push(&std::mem::take(text)),
                    Err(diagnostic) => {
                        first_error.get_or_insert_with(|| diagnostic.clone());
                    }
                },
            ) {
                Ok(prepared) => prepared,
                Err(outcome) => return *outcome,
            };
            if let Some(diagnostic) = first_error {
                return failure(outcome, diags, diagnostic);
            }
            if check {
                match emit::stale(options.out_dir) {
                    Ok(stale) => printed.push(&stale),
                    Err(e) => return failure(outcome, diags, cannot_read(&e)),
                }
            }
            let printed = match printed.sealed() {
                Ok(printed) => printed,
                Err(e) => {
                    let diagnostic = load::io_error("cannot hold the output", &e);
                    return failure(outcome, diags, diagnostic);
                }
            };
            if !check || !printed.is_empty() {
                if check {
                    outcome.status = Status::OutOfDate;
                }
                outcome.stdout = Some(printed);
            }
            outcome.diagnostics = diags.into_sorted();
            outcome
        }
    }
}

/// Two step files may not share a step id: their output directories would collide.
fn duplicate_ids(ids: &[Spanned<String>], diags: &mut Diagnostics) {
    let mut seen: BTreeMap<&str, Span> = BTreeMap::new();
    for id in ids {
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
