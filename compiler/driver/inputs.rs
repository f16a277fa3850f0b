//! The step arguments of the command line: files, `-` for standard input, and directories,
//! which stand for every step file below them.
//!
//! A directory is walked in sorted order, so a run over it is as deterministic as one over
//! the files named one by one. What the walk takes as a step file: a `.toml`, `.yaml` or
//! `.yml` file, except
//!
//! - `kstep.toml`, the project configuration;
//! - hidden files and directories (a name starting with `.`);
//! - vars files: named `*.vars.toml`, `*.vars.yaml` or `*.vars.yml`, or given on the command
//!   line with `--vars-file` or `--sensitive-vars-file`;
//! - the contents of a directory holding a `kustomization.yaml` (Kubernetes manifests, such as
//!   kstep's own output), and of the output directory.
//!
//! A file named on the command line is taken as a step whatever its name (but for
//! `kstep.toml`: a glob such as `deploy/*.toml` names it too).

use std::ffi::OsStr;
use std::path::{Path, PathBuf};

use crate::diagnostic::{Code, Diagnostic, Diagnostics};
use crate::source::FileId;
use crate::syntax;

/// The argument that means standard input.
pub(crate) const STDIN: &str = "-";

/// The name diagnostics and `deploy.sh` give standard input.
pub(crate) const STDIN_NAME: &str = "<stdin>";

/// The settings of the step files in its directory and below.
pub(crate) const PROJECT_FILE: &str = "kstep.toml";

/// A directory with this file holds Kubernetes manifests, not step files.
const KUSTOMIZATION: &[&str] = &["kustomization.yaml", "kustomization.yml", "Kustomization"];

/// `--input-format`: the language of a step read from standard input.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum InputFormat {
    Toml,
    Yaml,
}

impl InputFormat {
    pub(crate) fn syntax(self) -> syntax::Format {
        match self {
            InputFormat::Toml => syntax::Format::Toml,
            InputFormat::Yaml => syntax::Format::Yaml,
        }
    }
}

/// The language of a step on standard input without `--input-format`: the one it parses as,
/// to a table. TOML is tried first: a file that is both (empty, or only comments) means the
/// same in either. A step in neither is read in the one it looks like (a `[table]` header or a
/// `key = value` line before any `key:` line means TOML), so its syntax errors are reported
/// in that language.
pub(crate) fn detect(file: FileId, text: &str) -> syntax::Format {
    // A step is a table: a text that parses only as a YAML string (broken TOML often does)
    // is not YAML for this purpose.
    let parses = |format| {
        syntax::parse(file, text, format, &mut Diagnostics::default())
            .is_some_and(|root| root.as_map().is_some())
    };
    if parses(syntax::Format::Toml) {
        return syntax::Format::Toml;
    }
    if parses(syntax::Format::Yaml) {
        return syntax::Format::Yaml;
    }
    let toml_like = text
        .lines()
        .map(str::trim)
        .filter(|line| !line.is_empty() && !line.starts_with('#'))
        .find_map(|line| {
            let equals = line.find('=');
            let colon = line.find(':');
            if line.starts_with('[') && !line.starts_with("[{") {
                Some(true)
            } else {
                match (equals, colon) {
                    (Some(e), Some(c)) => Some(e < c),
                    (Some(_), None) => Some(true),
                    (None, Some(_)) => Some(false),
                    (None, None) => None,
                }
            }
        })
        .unwrap_or(false);
    if toml_like {
        syntax::Format::Toml
    } else {
        syntax::Format::Yaml
    }
}

/// Whether an argument means standard input.
pub(crate) fn is_stdin(path: &Path) -> bool {
    path.as_os_str() == STDIN
}

/// The name of a step for people: its path as given, or `<stdin>`.
pub(crate) fn display_path(path: &Path) -> &Path {
    if is_stdin(path) {
        Path::new(STDIN_NAME)
    } else {
        path
    }
}

/// Files the walk leaves out although they look like step files.
pub(crate) struct Skip<'a> {
    /// Vars files given on the command line.
    pub(crate) vars_files: Vec<&'a Path>,
    /// The output directory of `kstep compile`.
    pub(crate) output: Option<&'a Path>,
}

/// The step files the arguments stand for, in order: a directory's files sorted by path in
/// its place. `Err` for a usage mistake: `-` twice, a directory without step files.
pub(crate) fn expand(args: &[PathBuf], skip: &Skip<'_>) -> Result<Vec<PathBuf>, Diagnostic> {
    if args.iter().filter(|a| is_stdin(a)).count() > 1 {
        return Err(Diagnostic::error(
            Code::InvalidArgument,
            "`-` (standard input) is given more than once",
        )
        .help("standard input can be read once: give `-` once"));
    }
    // Compared canonically, directories with the output and files with the vars files (a
    // path is made canonical only when there is something to compare it with).
    let canonical = |paths: &[&Path]| -> Vec<PathBuf> {
        paths
            .iter()
            .filter_map(|p| std::fs::canonicalize(p).ok())
            .collect()
    };
    let skipped = Skipped {
        dirs: canonical(skip.output.as_slice()),
        files: canonical(&skip.vars_files),
    };
    let mut out = Vec::new();
    for arg in args {
        if !arg.is_dir() || is_stdin(arg) {
            out.push(arg.clone());
            continue;
        }
        let before = out.len();
        walk(arg, &skipped, &mut out)?;
        if out.len() == before {
            return Err(Diagnostic::error(
                Code::InvalidArgument,
                format!("no step files below `{}`", arg.display()),
            )
            .help(
                "step files end in .toml, .yaml or .yml; kstep.toml, hidden files, vars files \
                 (*.vars.toml, ...) and directories with a kustomization.yaml are skipped",
            ));
        }
    }
    Ok(out)
}

/// What a directory walk leaves out, as canonical paths.
struct Skipped {
    dirs: Vec<PathBuf>,
    files: Vec<PathBuf>,
}

fn walk(dir: &Path, skipped: &Skipped, out: &mut Vec<PathBuf>) -> Result<(), Diagnostic> {
    let mut entries = walkdir::WalkDir::new(dir)
        .follow_links(true)
        .sort_by_file_name()
        .into_iter();
    while let Some(entry) = entries.next() {
        let entry = entry.map_err(|e| {
            let path = e.path().unwrap_or(dir).display().to_string();
            let error = e
                .into_io_error()
                .unwrap_or_else(|| std::io::Error::other("a symbolic link loop"));
            super::load::io_error(&format!("cannot read `{path}`"), &error)
        })?;
        let path = entry.path();
        let name = entry.file_name();
        let hidden = entry.depth() > 0 && name.to_string_lossy().starts_with('.');
        if entry.file_type().is_dir() {
            let manifests = KUSTOMIZATION.iter().any(|k| path.join(k).is_file());
            if hidden || manifests || is_skipped(path, &skipped.dirs) {
                entries.skip_current_dir();
            }
            continue;
        }
        if !hidden && is_step_file(name) && !is_skipped(path, &skipped.files) {
            out.push(path.to_owned());
        }
    }
    Ok(())
}

/// A step file's name: `.toml`, `.yaml` or `.yml`, not `kstep.toml`, not `*.vars.*`.
fn is_step_file(name: &OsStr) -> bool {
    let name = name.to_string_lossy();
    let Some((stem, extension)) = name.rsplit_once('.') else {
        return false;
    };
    matches!(
        extension.to_ascii_lowercase().as_str(),
        "toml" | "yaml" | "yml"
    ) && name != PROJECT_FILE
        && !stem.ends_with(".vars")
}

fn is_skipped(path: &Path, skipped: &[PathBuf]) -> bool {
    !skipped.is_empty()
        && std::fs::canonicalize(path).is_ok_and(|canonical| skipped.contains(&canonical))
}

/// A warning for `-o json`: an output directory named like a format, which does not exist
/// yet, is more likely a format meant for `--manifest-format` or `--message-format`.
pub(crate) fn output_named_like_a_format(out_dir: &Path) -> Option<Diagnostic> {
    let name = out_dir.to_str()?;
    let flag = match name {
        "yaml" | "yml" | "json" => "--manifest-format",
        "human" | "sarif" | "github" => "--message-format",
        _ => return None,
    };
    if out_dir.exists() {
        return None;
    }
    let format = if name == "yml" { "yaml" } else { name };
    Some(
        Diagnostic::warning(
            Code::SuspiciousArgument,
            format!("the output directory `{name}` is named like a format"),
        )
        .help(format!(
            "did you mean `{flag} {format}`? `-o` names the output directory; write `-o ./{name}` \
             if you meant a directory"
        )),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn standard_input_is_read_in_the_language_it_is_written_in() {
        let file = crate::source::SourceMap::default().add("<stdin>".into(), "".into());
        let cases = [
            ("[deployment]\nname = \"web\"\n", syntax::Format::Toml),
            ("deployment:\n  name: web\n", syntax::Format::Yaml),
            ("deployment: {name: web}\n", syntax::Format::Yaml),
            ("# only a comment\n", syntax::Format::Toml),
            ("", syntax::Format::Toml),
            // Broken: read as what it looks like, so the errors are in its language.
            ("[deployment\nname = \"web\"\n", syntax::Format::Toml),
            ("name = \"a:b\"\nx = [\n", syntax::Format::Toml),
            ("deployment:\n  name: [web\n", syntax::Format::Yaml),
            ("- a\n b: [\n", syntax::Format::Yaml),
            // Broken TOML that YAML reads as one string is still TOML.
            ("[deployment]\nname = web\n", syntax::Format::Toml),
        ];
        for (text, expected) in cases {
            assert_eq!(detect(file, text), expected, "{text:?}");
        }
    }

    #[test]
    fn step_file_names() {
        for name in ["web.toml", "web.yaml", "web.yml", "a.b.toml", "WEB.YML"] {
            assert!(is_step_file(OsStr::new(name)), "{name}");
        }
        for name in [
            "kstep.toml",
            "prod.vars.toml",
            "prod.vars.yaml",
            "web.json",
            "README.md",
            "toml",
        ] {
            assert!(!is_step_file(OsStr::new(name)), "{name}");
        }
    }
}
