//! Loading one step file: read (capped), decode, parse, read the model, check it.

use std::fs;
use std::io::Read;
use std::path::Path;

use crate::check;
use crate::diagnostic::{Code, Diagnostic, Diagnostics};
use crate::model::Step;
use crate::read;
use crate::source::SourceMap;
use crate::syntax::{self, input};

/// Reads, parses, reads and checks one step file. `Err` for problems with the file itself
/// (missing, unreadable, not a step file type); everything else is a diagnostic.
pub(super) fn load(
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
    let step = syntax::parse(id, text, format, diags)
        .and_then(|root| read::read_step(id, text, &root, diags));
    if let Some(step) = &step {
        check::check(step, diags);
    }
    for span in diags.take_redactions() {
        sources.redact(span);
    }
    Ok(step)
}

pub(super) fn io_error(what: &str, error: &std::io::Error) -> Diagnostic {
    Diagnostic::error(Code::IoError, format!("{what}: {error}"))
        .help("check the path and its permissions")
}
