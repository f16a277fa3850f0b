//! `--check`: compare the compiled output with what is already in the output directory.
//!
//! Teams that commit compiled output run this in CI. Every difference is reported as a
//! unified diff (Secrets as "differs" only, unless secrets may be shown); missing and extra
//! files and changed modes count too, and so does a staging directory that an interrupted
//! compile left in the output directory (the next compile removes it). Nothing is written.

use std::fs;
use std::io;
use std::path::Path;

use similar::TextDiff;

use super::{FileMode, StepOutput};

/// The differences between one step's output and `DIR/<step-id>`, empty when there are none.
/// Steps are compared one at a time (on every core), so the run never holds every step's
/// output at once; [`stale`] adds what no step owns.
pub(crate) fn compare_step(
    out_dir: &Path,
    output: &StepOutput,
    show_secrets: bool,
) -> io::Result<String> {
    let mut report = String::new();
    let root = out_dir.join(&output.step_id);
    let mut expected: Vec<&str> = Vec::new();
    for file in &output.files {
        expected.push(&file.path);
        let shown = format!("{}/{}", output.step_id, file.path);
        let path = root.join(&file.path);
        let existing = match fs::read(&path) {
            Ok(bytes) => bytes,
            Err(e) if e.kind() == io::ErrorKind::NotFound => {
                report.push_str(&format!("missing: {shown}\n"));
                continue;
            }
            Err(e) => return Err(e),
        };
        if existing != file.contents.as_bytes() {
            if file.shown.is_some() && !show_secrets {
                report.push_str(&format!("differs: {shown} (a Secret: content not shown)\n"));
            } else {
                let old = String::from_utf8_lossy(&existing);
                let diff = TextDiff::from_lines(old.as_ref(), file.contents.as_str());
                report.push_str(
                    &diff
                        .unified_diff()
                        .header(
                            &format!("{shown} (in {})", out_dir.display()),
                            &format!("{shown} (compiled)"),
                        )
                        .to_string(),
                );
            }
        } else if let Some(problem) = mode_problem(&path, file.mode)? {
            report.push_str(&format!("mode: {shown} {problem}\n"));
        }
    }
    if root.is_dir() {
        for extra in files_below(&root)?
            .into_iter()
            .filter(|f| !expected.contains(&f.as_str()))
        {
            report.push_str(&format!(
                "extra: {}/{extra} (not in the compiled output)\n",
                output.step_id
            ));
        }
    }
    Ok(report)
}

/// The report's lines for staging directories that interrupted compiles left in `out_dir`.
pub(crate) fn stale(out_dir: &Path) -> io::Result<String> {
    let mut report = String::new();
    for name in super::write::stale(out_dir)? {
        report.push_str(&format!(
            "stale: {name}/ (left by an interrupted compile; the next compile removes it)\n"
        ));
    }
    Ok(report)
}

#[cfg(unix)]
fn mode_problem(path: &Path, mode: FileMode) -> io::Result<Option<&'static str>> {
    use std::os::unix::fs::PermissionsExt;
    let bits = fs::metadata(path)?.permissions().mode() & 0o777;
    // Git keeps only the executable bit, so that is all a checkout can be held to.
    Ok((mode == FileMode::Executable && bits & 0o100 == 0).then_some("is not executable"))
}

#[cfg(not(unix))]
fn mode_problem(_: &Path, _: FileMode) -> io::Result<Option<&'static str>> {
    Ok(None)
}

/// Paths of every file below `dir`, relative and with `/`, sorted.
fn files_below(dir: &Path) -> io::Result<Vec<String>> {
    let mut out = Vec::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(next) = pending.pop() {
        for entry in fs::read_dir(&next)? {
            let path = entry?.path();
            if path.is_dir() {
                pending.push(path);
            } else if let Ok(relative) = path.strip_prefix(dir) {
                out.push(relative.to_string_lossy().replace('\\', "/"));
            }
        }
    }
    out.sort();
    Ok(out)
}
