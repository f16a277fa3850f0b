//! The open documents: their text as the editor holds it (kept in step with incremental
//! changes), version, kind, and what the last analysis found.
//!
//! What a document is decides what the server does with it: a step file is checked and
//! linted; `kstep.toml` is read as the project configuration (and its steps checked again
//! when it changes); a vars file, or a YAML or TOML file that does not look like a step (a
//! workflow, a Helm values file), gets no diagnostics, so opening one is not a wall of
//! errors. Completion still offers a step's top-level keys in an empty file.

use std::path::{Path, PathBuf};
use std::str::FromStr;

use lsp_types::{TextDocumentContentChangeEvent, Uri};

use super::position::{Encoding, LineIndex};
use crate::syntax::Format;

/// What an open file is to kstep.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Kind {
    Step(Format),
    /// `kstep.toml`.
    Project,
    /// Anything else: a vars file, a YAML or TOML file that is not a step.
    Other(Option<Format>),
}

/// One open document.
pub(crate) struct Document {
    pub(crate) uri: Uri,
    /// The file's path, for `file:` URIs.
    pub(crate) path: Option<PathBuf>,
    pub(crate) language: Option<Format>,
    pub(crate) version: i32,
    pub(crate) text: String,
    pub(crate) lines: LineIndex,
    /// Set by a change; cleared when diagnostics are published for the new text.
    pub(crate) dirty: bool,
}

impl Document {
    pub(crate) fn new(uri: Uri, language_id: &str, version: i32, text: String) -> Document {
        let path = path_of(&uri);
        let language = path
            .as_deref()
            .and_then(Format::from_path)
            .or(match language_id {
                "toml" => Some(Format::Toml),
                "yaml" => Some(Format::Yaml),
                _ => None,
            });
        let lines = LineIndex::new(&text);
        Document {
            uri,
            path,
            language,
            version,
            text,
            lines,
            dirty: true,
        }
    }

    /// Applies the editor's changes in order: a change with a range replaces it, one without
    /// replaces the whole text.
    pub(crate) fn change(
        &mut self,
        version: i32,
        changes: Vec<TextDocumentContentChangeEvent>,
        encoding: Encoding,
    ) {
        for change in changes {
            match change.range {
                Some(range) => {
                    let start = self.lines.offset(&self.text, range.start, encoding);
                    let end = self.lines.offset(&self.text, range.end, encoding);
                    let (start, end) = (start.min(end), start.max(end));
                    self.text.replace_range(start..end, &change.text);
                }
                None => self.text = change.text,
            }
            self.lines = LineIndex::new(&self.text);
        }
        self.version = version;
        self.dirty = true;
    }

    pub(crate) fn kind(&self) -> Kind {
        let name = self
            .path
            .as_deref()
            .and_then(Path::file_name)
            .map(|n| n.to_string_lossy().into_owned());
        if name.as_deref() == Some(crate::driver::editor::PROJECT_FILE) {
            return Kind::Project;
        }
        let vars_file = name.as_deref().is_some_and(|n| {
            n.rsplit_once('.')
                .is_some_and(|(stem, _)| stem.ends_with(".vars"))
        });
        match self.language {
            Some(format) if !vars_file && looks_like_a_step(&self.text) => Kind::Step(format),
            language => Kind::Other(language),
        }
    }
}

/// Whether a text starts a top-level key a step has, in either language: `[deployment]`,
/// `[[containers]]`, `deployment.name = ...`, `containers:`. A file without any is some
/// other TOML or YAML. `env`, `vars` and `lint` do not count: other files have them too (a
/// GitHub workflow's `env:`).
pub(crate) fn looks_like_a_step(text: &str) -> bool {
    let mut keys = super::schema::top_level_keys();
    keys.retain(|key| !matches!(*key, "env" | "vars" | "lint"));
    text.lines().any(|line| {
        let line = line.trim_start_matches('[');
        let word: &str = line
            .split(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .next()
            .unwrap_or_default();
        let rest = line[word.len()..].trim_start();
        !word.is_empty()
            && keys.contains(&word)
            && (rest.starts_with(':')
                || rest.starts_with('=')
                || rest.starts_with('.')
                || rest.starts_with(']'))
    })
}

/// The path of a `file:` URI, percent-decoded.
pub(crate) fn path_of(uri: &Uri) -> Option<PathBuf> {
    let rest = uri.as_str().strip_prefix("file://")?;
    // An authority (`file://host/path`) other than empty or `localhost` is not this machine.
    let path = match rest.find('/') {
        Some(0) => rest,
        Some(at) if &rest[..at] == "localhost" => &rest[at..],
        _ => return None,
    };
    let bytes = path.as_bytes();
    let mut decoded = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| (b as char).to_digit(16);
        if bytes[i] == b'%'
            && let (Some(high), Some(low)) = (
                bytes.get(i + 1).copied().and_then(hex),
                bytes.get(i + 2).copied().and_then(hex),
            )
        {
            decoded.push((high * 16 + low) as u8);
            i += 3;
        } else {
            decoded.push(bytes[i]);
            i += 1;
        }
    }
    let decoded = String::from_utf8(decoded).ok()?;
    Some(PathBuf::from(decoded))
}

/// The `file:` URI of an absolute path.
pub(crate) fn uri_of(path: &Path) -> Option<Uri> {
    let mut out = String::from("file://");
    for byte in path.to_string_lossy().bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' | b'/' => {
                out.push(byte as char);
            }
            _ => out.push_str(&format!("%{byte:02X}")),
        }
    }
    Uri::from_str(&out).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_uris_and_paths_round_trip() {
        let path = Path::new("/work/my steps/wéb.toml");
        let uri = uri_of(path).unwrap();
        assert_eq!(uri.as_str(), "file:///work/my%20steps/w%C3%A9b.toml");
        assert_eq!(path_of(&uri).unwrap(), path);
        let local = Uri::from_str("file://localhost/a/b.yaml").unwrap();
        assert_eq!(path_of(&local).unwrap(), Path::new("/a/b.yaml"));
        let untitled = Uri::from_str("untitled:Untitled-1").unwrap();
        assert_eq!(path_of(&untitled), None);
    }

    #[test]
    fn step_files_are_told_from_other_yaml_and_toml() {
        for text in [
            "[deployment]\nname = \"web\"\n",
            "[[containers]]\nname = \"web\"\n",
            "deployment.name = \"web\"\n",
            "deployment:\n  name: web\n",
            "# a step\ncontainers:\n- name: web\n",
        ] {
            assert!(looks_like_a_step(text), "{text}");
        }
        for text in [
            "",
            "on: push\nenv:\n  A: b\njobs:\n  build: {}\n",
            "[package]\nname = \"x\"\n",
            "image:\n  deployment: x\n",
        ] {
            assert!(!looks_like_a_step(text), "{text}");
        }
    }

    #[test]
    fn incremental_changes_apply_in_order() {
        let uri = Uri::from_str("file:///s.toml").unwrap();
        let mut doc = Document::new(uri, "toml", 1, "a = \"é\"\nb = 2\n".into());
        let change = |sl, sc, el, ec, text: &str| TextDocumentContentChangeEvent {
            range: Some(lsp_types::Range::new(
                lsp_types::Position::new(sl, sc),
                lsp_types::Position::new(el, ec),
            )),
            range_length: None,
            text: text.into(),
        };
        doc.change(
            2,
            vec![change(0, 5, 0, 6, "ü😀"), change(1, 4, 1, 5, "3")],
            Encoding::Utf16,
        );
        assert_eq!(doc.text, "a = \"ü😀\"\nb = 3\n");
        doc.change(3, vec![change(0, 8, 0, 8, "!")], Encoding::Utf16);
        assert_eq!(doc.text, "a = \"ü😀!\"\nb = 3\n");
        assert_eq!(doc.version, 3);
    }
}
