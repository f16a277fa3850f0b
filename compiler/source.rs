//! Source files and byte-offset spans.
//!
//! Every value kstep reads remembers where it came from as a [`Span`]: a file and a byte
//! range. Line and column numbers are computed only when something is shown to a person or
//! written in a machine format, so the rest of the compiler never deals with them.

use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Index of a file in the [`SourceMap`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct FileId(u32);

/// A byte range in one source file.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Span {
    pub file: FileId,
    pub start: u32,
    pub end: u32,
}

impl Span {
    pub fn new(file: FileId, start: usize, end: usize) -> Self {
        debug_assert!(start <= end, "span start {start} after end {end}");
        // Files are capped well below 4 GiB before they are parsed (see `syntax::input::MAX_FILE_BYTES`).
        Span {
            file,
            start: start as u32,
            end: end as u32,
        }
    }

    /// The empty span at the start of `self`.
    pub fn head(self) -> Span {
        Span {
            end: self.start,
            ..self
        }
    }

    pub fn len(self) -> usize {
        (self.end - self.start) as usize
    }

    pub fn is_empty(self) -> bool {
        self.start == self.end
    }

    pub fn range(self) -> std::ops::Range<usize> {
        self.start as usize..self.end as usize
    }

    /// The smallest span covering both (same file).
    pub fn to(self, other: Span) -> Span {
        Span {
            file: self.file,
            start: self.start.min(other.start),
            end: self.end.max(other.end),
        }
    }
}

/// A file given to kstep, with its text.
///
/// Text that is not valid UTF-8 is kept in lossy form so diagnostics can still show it; the
/// syntax stage reports the first invalid byte (the lossy text is identical before it).
#[derive(Debug)]
pub struct SourceFile {
    path: PathBuf,
    text: Arc<str>,
    /// Where each line starts, made the first time a line is asked for: a run that shows
    /// nothing of a file never needs them.
    line_starts: std::sync::OnceLock<Vec<u32>>,
    /// Byte ranges holding secret values, masked whenever source is shown.
    redacted: Vec<std::ops::Range<usize>>,
}

impl SourceFile {
    pub(crate) fn new(path: PathBuf, text: Arc<str>) -> Self {
        SourceFile {
            path,
            text,
            line_starts: std::sync::OnceLock::new(),
            redacted: Vec::new(),
        }
    }

    fn line_starts(&self) -> &[u32] {
        self.line_starts.get_or_init(|| {
            let text = &self.text;
            // Sized once: a run may hold every file's table until it ends.
            let mut starts = Vec::with_capacity(1 + text.bytes().filter(|&b| b == b'\n').count());
            starts.push(0);
            starts.extend(text.match_indices('\n').map(|(i, _)| i as u32 + 1));
            starts
        })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The name diagnostics show: the path as the user gave it.
    pub fn name(&self) -> String {
        self.path.display().to_string()
    }

    pub fn text(&self) -> &str {
        &self.text
    }

    pub fn shared_text(&self) -> Arc<str> {
        Arc::clone(&self.text)
    }

    /// Byte ranges that must not be shown (secret values).
    pub fn redacted(&self) -> &[std::ops::Range<usize>] {
        &self.redacted
    }

    /// Zero-based line of a byte offset.
    pub fn line_index(&self, offset: u32) -> usize {
        self.line_starts().partition_point(|&s| s <= offset) - 1
    }

    /// Byte offset where a zero-based line starts (the text length past the last line).
    pub fn line_start(&self, line: usize) -> usize {
        self.line_starts()
            .get(line)
            .map_or(self.text.len(), |&s| s as usize)
    }

    pub fn line_count(&self) -> usize {
        self.line_starts().len()
    }

    /// One-based line and one-based column (in characters) of a byte offset.
    pub fn line_col(&self, offset: u32) -> (usize, usize) {
        let line = self.line_index(offset);
        let start = self.line_starts()[line] as usize;
        let end = (offset as usize).min(self.text.len());
        let column = self
            .text
            .get(start..end)
            .map_or(end - start, |s| s.chars().count());
        (line + 1, column + 1)
    }
}

/// All files of one kstep run.
#[derive(Debug, Default)]
pub struct SourceMap {
    files: Vec<SourceFile>,
}

impl SourceMap {
    pub fn add(&mut self, path: PathBuf, text: Arc<str>) -> FileId {
        self.insert(SourceFile::new(path, text))
    }

    pub(crate) fn insert(&mut self, file: SourceFile) -> FileId {
        let id = FileId(self.files.len() as u32);
        self.files.push(file);
        id
    }

    pub fn get(&self, id: FileId) -> &SourceFile {
        &self.files[id.0 as usize]
    }

    /// The first file read from `path`.
    pub fn find(&self, path: &Path) -> Option<FileId> {
        let at = self.files.iter().position(|f| f.path == path)?;
        Some(FileId(at as u32))
    }

    /// Masks a span whenever its file's source is shown.
    pub fn redact(&mut self, span: Span) {
        self.files[span.file.0 as usize].redacted.push(span.range());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_col_counts_characters_not_bytes() {
        let mut map = SourceMap::default();
        let id = map.add("a.toml".into(), "ab\nhé = 1\n".into());
        let file = map.get(id);
        assert_eq!(file.line_col(0), (1, 1));
        assert_eq!(file.line_col(3), (2, 1));
        // `=` sits after "hé " which is 4 bytes but 3 characters.
        assert_eq!(file.line_col(7), (2, 4));
        assert_eq!(file.line_col(11), (3, 1));
    }
}
