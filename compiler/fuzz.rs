//! Entry points for fuzzing: bytes in, a stage (or the whole pipeline) run in memory, and the
//! invariants every input must keep checked, by panicking when one breaks.
//!
//! The cargo-fuzz targets in `fuzz/` and the mutation property test (`tests/mutations.rs`)
//! both call these, so what the fuzzers exercise on nightly, CI exercises on stable. The
//! invariants, for any bytes: no panic anywhere; every label of every diagnostic lies in its
//! file on character boundaries; every error has a location; every diagnostic renders (for
//! people and as JSON lines); a step without errors lowers and emits without an internal
//! error. Not a stable API: hidden from the docs and free to change.

use std::path::Path;

use crate::diagnostic::{Diagnostic, Diagnostics, Renderer, Severity, Style, formats};
use crate::emit;
use crate::import::{self, ImportOptions, SecretsMode, StepFormat};
use crate::lint::{self, LintConfig};
use crate::source::{FileId, SourceMap};
use crate::syntax::{self, input};
use crate::template::Externals;
use crate::{check, driver, lower, plan::Plan, read, template};

/// The language of the text given to an entry point.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Language {
    Toml,
    Yaml,
    /// Only for vars files.
    Json,
}

impl Language {
    /// A step file's language from a fuzzer's tag byte: even TOML, odd YAML (`t`, `y`).
    pub fn from_tag(tag: u8) -> Language {
        if tag.is_multiple_of(2) {
            Language::Toml
        } else {
            Language::Yaml
        }
    }

    fn syntax(self) -> syntax::Format {
        match self {
            Language::Toml => syntax::Format::Toml,
            Language::Yaml => syntax::Format::Yaml,
            Language::Json => syntax::Format::Json,
        }
    }

    fn file_name(self) -> &'static str {
        match self {
            Language::Toml => "fuzz.toml",
            Language::Yaml => "fuzz.yaml",
            Language::Json => "fuzz.json",
        }
    }
}

/// What a run reported, once its invariants held.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Checked {
    /// The codes of the diagnostics, sorted as kstep shows them.
    pub codes: Vec<String>,
    pub errors: usize,
    /// Whether the step compiled to manifests (only [`compile`] and [`import`] go so far).
    pub emitted: bool,
}

/// The TOML or YAML syntax layer alone.
pub fn syntax(bytes: &[u8], language: Language) -> Checked {
    let mut run = Run::new(bytes, language);
    if let Some(file) = run.file {
        let text = run.sources.get(file).text();
        syntax::parse(file, text, language.syntax(), &mut run.diags);
    }
    run.finish()
}

/// Syntax, templates and the reader: the step model, unchecked.
pub fn read(bytes: &[u8], language: Language) -> Checked {
    let mut run = Run::new(bytes, language);
    if let Some(file) = run.file {
        let text = run.sources.get(file).text();
        if let Some(root) = syntax::parse(file, text, language.syntax(), &mut run.diags) {
            let step_vars = read::read_vars(file, text, &root, &mut run.diags);
            let vars = template::resolve(&step_vars, &Externals::default(), None, &mut run.diags);
            let (rendered, _) = template::render(text, &root, &vars, "fuzz", &mut run.diags);
            read::read_step(file, text, &rendered, &mut run.diags);
        }
    }
    run.finish()
}

/// A vars file (`--vars`), checked as sensitive every other time.
pub fn vars_file(bytes: &[u8], language: Language, sensitive: bool) -> Checked {
    let mut run = Run::new(bytes, language);
    if let Some(file) = run.file {
        let text = run.sources.get(file).text();
        let mut found = Diagnostics::default();
        if let Some(root) = syntax::parse(file, text, language.syntax(), &mut found) {
            let mut externals = Externals::default();
            externals.add_file("fuzz", file, text, &root, sensitive, &mut found);
            externals.report_undeclared(&Default::default(), &mut found);
        }
        for span in found.take_redactions() {
            run.sources.redact(span);
        }
        run.diags.extend(found);
    }
    run.finish()
}

/// `bytes` as the text of a template in a string value of an otherwise valid step (with a
/// variable and an environment to read), compiled whole.
pub fn template(bytes: &[u8]) -> Checked {
    let text = String::from_utf8_lossy(bytes);
    let step = format!(
        "[vars]\nversion = \"1.27\"\nreplicas = 3\n\n[env.production.vars]\nreplicas = 5\n\n\
         [deployment]\nname = \"web\"\n\n[deployment.annotations]\nt = {}\n\n\
         [[containers]]\nname = \"web\"\nimage = \"nginx:{{{{ vars.version }}}}\"\n",
        toml_string(&text)
    );
    compile(step.as_bytes(), Language::Toml)
}

/// The whole pipeline of `kstep compile` and `kstep lint` on one step file, in memory: syntax,
/// templates, reading, checks, the plan, lint rules, lowering and emitting.
pub fn compile(bytes: &[u8], language: Language) -> Checked {
    let mut run = Run::new(bytes, language);
    let Some(file) = run.file else {
        return run.finish();
    };
    let text = run.sources.get(file).text();
    let loaded = driver::load_text(file, text, language.syntax(), &mut run.diags);
    let Some((step, levels)) = loaded else {
        return run.finish();
    };
    for span in run.diags.take_redactions() {
        run.sources.redact(span);
    }
    if run.diags.has_errors() {
        return run.finish();
    }
    let plan = Plan::new(&step, None, None);
    check::plan(&step, &plan, &mut run.diags);
    if run.diags.has_errors() {
        return run.finish();
    }
    let mut config = LintConfig::default();
    config.extend(levels);
    lint::lint(&step, &plan, &config, &mut run.diags);
    let objects = lower::lower(&step, &plan);
    for format in [emit::Format::Yaml, emit::Format::Json] {
        if let Err(emit::EmitError(message)) =
            emit::render(&step, &plan, &objects, Path::new("fuzz"), format)
        {
            panic!("a checked step failed to emit: {message}");
        }
    }
    run.emitted = true;
    run.finish()
}

/// `kstep import` of a manifest file, and the step files it makes compiled again.
pub fn import(bytes: &[u8]) -> Checked {
    let mut run = Run::new(bytes, Language::Yaml);
    let Some(file) = run.file else {
        return run.finish();
    };
    let text = run.sources.get(file).text().to_owned();
    let mut steps = Vec::new();
    for (format, secrets) in [
        (StepFormat::Toml, SecretsMode::Reference),
        (StepFormat::Yaml, SecretsMode::Inline),
    ] {
        let options = ImportOptions {
            format,
            secrets,
            strict: false,
        };
        let files = [(file, text.as_str(), "fuzz.yaml".to_owned())];
        steps.extend(import::import(&files, &options, &mut run.diags));
    }
    let checked = run.finish();
    let mut emitted = false;
    for step in steps {
        let language = if step.file_name.ends_with(".toml") {
            Language::Toml
        } else {
            Language::Yaml
        };
        emitted |= compile(step.text.as_bytes(), language).emitted;
    }
    Checked { emitted, ..checked }
}

/// One input on its way through: its source map, what was reported, and the file id when
/// the bytes passed the input guards.
struct Run {
    sources: SourceMap,
    diags: Diagnostics,
    file: Option<FileId>,
    emitted: bool,
}

impl Run {
    fn new(bytes: &[u8], language: Language) -> Run {
        let mut sources = SourceMap::default();
        let mut diags = Diagnostics::default();
        let name = language.file_name();
        let file = if bytes.len() > input::MAX_FILE_BYTES {
            let id = sources.add(name.into(), "".into());
            diags.push(input::too_large(id, name, bytes.len() as u64));
            None
        } else {
            let decoded = input::decode(bytes.to_vec());
            let id = sources.add(name.into(), decoded.text.into());
            match decoded.problem {
                Some(problem) => {
                    diags.push(problem.into_diagnostic(id));
                    None
                }
                None => Some(id),
            }
        };
        Run {
            sources,
            diags,
            file,
            emitted: false,
        }
    }

    /// Checks the invariants of what was reported, and renders it.
    fn finish(self) -> Checked {
        let diagnostics = self.diags.into_sorted();
        for diagnostic in &diagnostics {
            check_locations(diagnostic, &self.sources);
        }
        let renderer = Renderer::new(Style::Plain { width: 80 });
        // The first ones, as kstep shows at most a few hundred; each must render.
        for diagnostic in diagnostics.iter().take(32) {
            let shown = renderer.render(diagnostic, &self.sources);
            assert!(!shown.is_empty());
        }
        let shown = diagnostics.len().min(32);
        formats::json_lines(&diagnostics[..shown], &self.sources);
        Checked {
            errors: diagnostics
                .iter()
                .filter(|d| d.severity == Severity::Error)
                .count(),
            codes: diagnostics.iter().map(|d| d.code.to_string()).collect(),
            emitted: self.emitted,
        }
    }
}

/// Every label in its file on character boundaries, and every error located.
fn check_locations(diagnostic: &Diagnostic, sources: &SourceMap) {
    assert!(
        diagnostic.severity != Severity::Error || !diagnostic.labels.is_empty(),
        "an error without a location: {diagnostic:?}"
    );
    for label in &diagnostic.labels {
        let text = sources.get(label.span.file).text();
        let (start, end) = (label.span.start as usize, label.span.end as usize);
        assert!(
            start <= end && end <= text.len(),
            "a label outside its file ({} bytes): {diagnostic:?}",
            text.len()
        );
        assert!(
            text.is_char_boundary(start) && text.is_char_boundary(end),
            "a label inside a character: {diagnostic:?}"
        );
    }
}

/// `text` as a TOML basic string.
fn toml_string(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if c.is_control() => out.push_str(&format!("\\u{:04X}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_valid_step_compiles_and_emits() {
        let step = "[deployment]\nname = \"web\"\n\n[[containers]]\nname = \"web\"\nimage = \"nginx:1.27\"\n";
        let checked = compile(step.as_bytes(), Language::Toml);
        assert_eq!(checked.errors, 0, "{checked:?}");
        assert!(checked.emitted);
        assert!(template(b"{{ vars.replicas * 2 }}").emitted);
        assert!(template(b"{{ nope(").errors > 0);
    }
}
