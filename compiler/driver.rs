//! The `compile` pipeline, written out once: load → syntax → read → check → gate → lower →
//! emit → write.
//!
//! Every file is taken as far as it can go so one run reports everything; the gate before
//! lowering stops on any error, and output is written only when every step compiled.

use std::collections::BTreeMap;
use std::fs;
use std::io::Read;
use std::path::{Path, PathBuf};

use crate::check;
use crate::diagnostic::{Code, Diagnostic, Diagnostics};
use crate::emit::{self, Format};
use crate::lower;
use crate::model::Step;
use crate::read;
use crate::source::{SourceMap, Span};
use crate::syntax::{self, input};

pub struct CompileOptions {
    pub inputs: Vec<PathBuf>,
    pub out_dir: PathBuf,
    pub stdout: bool,
    pub format: Format,
}

/// How a run ended; the CLI maps it to an exit code.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Status {
    Success,
    /// The step files have errors (exit 1).
    InputErrors,
    /// A file could not be read or written, or the command line was wrong (exit 2).
    Failure,
}

pub struct Outcome {
    pub sources: SourceMap,
    pub diagnostics: Vec<Diagnostic>,
    pub status: Status,
    /// With `--stdout`: the manifest stream.
    pub stdout: Option<String>,
    /// Step ids written, in input order.
    pub written: Vec<String>,
}

pub fn compile(options: &CompileOptions) -> Outcome {
    let mut sources = SourceMap::default();
    let mut diags = Diagnostics::default();
    let mut failure = false;
    let mut steps = Vec::new();
    for path in &options.inputs {
        match load(path, &mut sources, &mut diags) {
            Ok(Some(step)) => steps.push(step),
            Ok(None) => {}
            Err(diagnostic) => {
                failure = true;
                diags.push(diagnostic);
            }
        }
    }
    duplicate_ids(&steps, &mut diags);

    let mut outcome = Outcome {
        sources,
        diagnostics: Vec::new(),
        status: Status::Success,
        stdout: None,
        written: Vec::new(),
    };
    if failure || diags.has_errors() {
        outcome.status = if failure {
            Status::Failure
        } else {
            Status::InputErrors
        };
        outcome.diagnostics = diags.into_sorted();
        return outcome;
    }

    match emit_all(&steps, options) {
        Ok(outputs) => {
            if options.stdout {
                outcome.stdout = Some(emit::stream(&outputs, options.format));
            } else if let Err(e) = emit::write_atomically(&options.out_dir, &outputs) {
                outcome.status = Status::Failure;
                diags.push(io_error(
                    &format!("cannot write to `{}`", options.out_dir.display()),
                    &e,
                ));
            } else {
                outcome.written = outputs.into_iter().map(|o| o.step_id).collect();
            }
        }
        Err(e) => {
            outcome.status = Status::Failure;
            diags.push(Diagnostic::error(
                Code::InternalError,
                format!("internal error while emitting manifests: {e}"),
            ));
        }
    }
    outcome.diagnostics = diags.into_sorted();
    outcome
}

fn emit_all(steps: &[Step], options: &CompileOptions) -> serde_json::Result<Vec<emit::StepOutput>> {
    steps
        .iter()
        .map(|step| emit::render(&lower::lower(step), options.format))
        .collect()
}

/// Reads, parses, reads and checks one step file. `Err` for problems with the file itself
/// (missing, unreadable, not a step file type); everything else is a diagnostic.
fn load(
    path: &Path,
    sources: &mut SourceMap,
    diags: &mut Diagnostics,
) -> Result<Option<Step>, Diagnostic> {
    let Some(format) = syntax::Format::from_path(path) else {
        return Err(Diagnostic::error(
            Code::UnsupportedFileType,
            format!(
                "`{}` is not a step file: expected a .toml, .yaml or .yml extension",
                path.display()
            ),
        )
        .help("rename the file, or pass the step file instead"));
    };
    let file = fs::File::open(path)
        .map_err(|e| io_error(&format!("cannot read `{}`", path.display()), &e))?;
    let mut bytes = Vec::new();
    let limit = input::MAX_FILE_BYTES as u64 + 1;
    file.take(limit)
        .read_to_end(&mut bytes)
        .map_err(|e| io_error(&format!("cannot read `{}`", path.display()), &e))?;
    if bytes.len() > input::MAX_FILE_BYTES {
        let size = fs::metadata(path).map_or(bytes.len() as u64, |m| m.len());
        let id = sources.add(path.to_owned(), "".into());
        diags.push(input::too_large(id, &path.display().to_string(), size));
        return Ok(None);
    }
    let decoded = input::decode(bytes);
    let id = sources.add(path.to_owned(), decoded.text.into());
    if let Some(problem) = decoded.problem {
        diags.push(problem.into_diagnostic(id));
        return Ok(None);
    }
    let text = sources.get(id).text();
    let Some(root) = syntax::parse(id, text, format, diags) else {
        return Ok(None);
    };
    let step = read::read_step(id, text, &root, diags);
    if let Some(step) = &step {
        check::check(step, diags);
    }
    Ok(step)
}

fn io_error(what: &str, error: &std::io::Error) -> Diagnostic {
    Diagnostic::error(Code::IoError, format!("{what}: {error}"))
        .help("check the path and its permissions")
}

/// Two step files may not share a step id: their output directories would collide.
fn duplicate_ids(steps: &[Step], diags: &mut Diagnostics) {
    let mut seen: BTreeMap<&str, Span> = BTreeMap::new();
    for id in steps.iter().filter_map(|step| step.id.as_ref()) {
        if let Some(first) = seen.insert(&id.value, id.span) {
            diags.push(
                Diagnostic::error(
                    Code::DuplicateStepId,
                    format!("step id `{}` is used by two step files", id.value),
                )
                .label(id.span, "this step's id")
                .label(first, "also the id of this step")
                .help("give each step a unique `id` in its `step` table"),
            );
        }
    }
}
