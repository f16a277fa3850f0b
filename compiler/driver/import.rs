//! `kstep import`: reads the manifests (files, or `-` for standard input), converts them
//! ([`crate::import`]), and writes one step file per workload. Nothing is written when there
//! are errors, and an existing file is not replaced unless asked (`--force`).

use std::fs;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use super::{Outcome, Status, load};
use crate::diagnostic::{Code, Diagnostic, Diagnostics};
use crate::import::{self, ImportOptions, ImportedStep};
use crate::source::SourceMap;
use crate::syntax::input;

pub struct ImportArgs {
    /// Manifest files; `-` is standard input.
    pub inputs: Vec<PathBuf>,
    pub out_dir: PathBuf,
    pub options: ImportOptions,
    /// Replace step files that exist.
    pub force: bool,
}

/// Manifests are bigger than step files (`helm template` of a large chart), but still bounded.
const MAX_MANIFEST_BYTES: usize = 16 << 20;

pub fn import(args: &ImportArgs) -> Outcome {
    let mut sources = SourceMap::default();
    let mut diags = Diagnostics::default();
    let mut files = Vec::new();
    for path in &args.inputs {
        match read(path, &mut sources, &mut diags) {
            Ok(Some(file)) => files.push(file),
            Ok(None) => {}
            Err(diagnostic) => {
                diags.push(diagnostic);
                return outcome(sources, diags, Status::Failure, Vec::new());
            }
        }
    }
    let texts: Vec<(crate::source::FileId, &str, String)> = files
        .iter()
        .map(|(file, name)| (*file, sources.get(*file).text(), name.clone()))
        .collect();
    let steps = import::import(&texts, &args.options, &mut diags);
    if diags.has_errors() {
        return outcome(sources, diags, Status::InputErrors, Vec::new());
    }
    if steps.is_empty() {
        diags.push(
            Diagnostic::error(
                Code::NotImported,
                "the manifests hold no Deployment to make a step of",
            )
            .help(
                "kstep makes one step per Deployment (apps/v1); give the manifests of at least one",
            ),
        );
        return outcome(sources, diags, Status::InputErrors, Vec::new());
    }
    match write(&args.out_dir, &steps, args.force) {
        Ok(()) => {
            let written = steps.iter().map(|s| s.file_name.clone()).collect();
            outcome(sources, diags, Status::Success, written)
        }
        Err(diagnostic) => {
            diags.push(diagnostic);
            outcome(sources, diags, Status::Failure, Vec::new())
        }
    }
}

fn outcome(
    sources: SourceMap,
    diags: Diagnostics,
    status: Status,
    written: Vec<String>,
) -> Outcome {
    Outcome {
        sources,
        diagnostics: diags.into_sorted(),
        status,
        stdout: None,
        written,
        out_dir: None,
        steps: 0,
    }
}

/// A manifest file (or standard input), decoded; `Ok(None)` when its content is unusable
/// (reported).
fn read(
    path: &Path,
    sources: &mut SourceMap,
    diags: &mut Diagnostics,
) -> Result<Option<(crate::source::FileId, String)>, Diagnostic> {
    let stdin = path.as_os_str() == "-";
    let name = if stdin {
        "<stdin>".to_owned()
    } else {
        path.display().to_string()
    };
    let mut bytes = Vec::new();
    let limit = MAX_MANIFEST_BYTES as u64 + 1;
    let result = if stdin {
        std::io::stdin().lock().take(limit).read_to_end(&mut bytes)
    } else {
        fs::File::open(path).and_then(|f| f.take(limit).read_to_end(&mut bytes))
    };
    result.map_err(|e| load::io_error(&format!("cannot read `{name}`"), &e))?;
    let id_path = PathBuf::from(&name);
    if bytes.len() > MAX_MANIFEST_BYTES {
        let id = sources.add(id_path, "".into());
        diags.push(
            Diagnostic::error(
                Code::FileTooLarge,
                format!("`{name}` is larger than {} MiB", MAX_MANIFEST_BYTES >> 20),
            )
            .label(crate::source::Span::new(id, 0, 0), "too large")
            .help("import the manifests in parts, a file per application"),
        );
        return Ok(None);
    }
    let decoded = input::decode(bytes);
    let id = sources.add(id_path, decoded.text.into());
    if let Some(problem) = decoded.problem {
        diags.push(problem.into_diagnostic(id));
        return Ok(None);
    }
    Ok(Some((id, name)))
}

/// Writes every step file, or none: existing files are refused before anything is written
/// (unless `force`), and each file is written whole (a temporary file renamed into place).
fn write(dir: &Path, steps: &[ImportedStep], force: bool) -> Result<(), Diagnostic> {
    let cannot =
        |e: &std::io::Error| load::io_error(&format!("cannot write to `{}`", dir.display()), e);
    if !force {
        let existing: Vec<String> = steps
            .iter()
            .filter(|s| dir.join(&s.file_name).exists())
            .map(|s| format!("`{}`", dir.join(&s.file_name).display()))
            .collect();
        if !existing.is_empty() {
            let verb = if existing.len() == 1 {
                "exists"
            } else {
                "exist"
            };
            return Err(Diagnostic::error(
                Code::IoError,
                format!("{} already {verb}", existing.join(", ")),
            )
            .help(
                "import into another directory (`-o DIR`), or replace the files with `--force`",
            ));
        }
    }
    fs::create_dir_all(dir).map_err(|e| cannot(&e))?;
    for step in steps {
        let mut file = tempfile::NamedTempFile::new_in(dir).map_err(|e| cannot(&e))?;
        file.write_all(step.text.as_bytes())
            .map_err(|e| cannot(&e))?;
        // A step with Secret values in it is the owner's only.
        if step.has_secrets {
            set_private(file.path()).map_err(|e| cannot(&e))?;
        }
        file.persist(dir.join(&step.file_name))
            .map_err(|e| cannot(&e.error))?;
    }
    Ok(())
}

#[cfg(unix)]
fn set_private(path: &Path) -> std::io::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    fs::set_permissions(path, fs::Permissions::from_mode(0o600))
}

#[cfg(not(unix))]
fn set_private(_: &Path) -> std::io::Result<()> {
    Ok(())
}
