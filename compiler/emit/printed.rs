//! What `compile` prints on standard output (`--stdout`'s manifests, `--check`'s
//! differences), held back until the run is known to have succeeded, so a step with errors
//! never leaves a partial stream behind. Steps add their parts as they are done; past
//! [`IN_MEMORY`] bytes the text waits in an unnamed temporary file instead of in memory, so
//! a run's memory does not grow with its number of steps.

use std::fs::File;
use std::io::{self, Seek, SeekFrom, Write};

/// Bytes kept in memory before they move to the temporary file.
const IN_MEMORY: usize = 256 * 1024;

#[derive(Default)]
pub struct Printed {
    /// What has not moved to the file yet; the end of the text.
    text: String,
    /// The beginning of the text, once it outgrew memory.
    spilled: Option<File>,
    len: u64,
    /// The first error writing the file; reported by [`Printed::sealed`].
    failed: Option<io::Error>,
}

impl Printed {
    pub(crate) fn push(&mut self, part: &str) {
        self.len += part.len() as u64;
        if self.failed.is_some() {
            return;
        }
        self.text.push_str(part);
        if self.text.len() >= IN_MEMORY
            && let Err(e) = self.spill()
        {
            self.failed = Some(e);
        }
    }

    fn spill(&mut self) -> io::Result<()> {
        let file = match &mut self.spilled {
            Some(file) => file,
            None => self.spilled.insert(tempfile::tempfile()?),
        };
        file.write_all(self.text.as_bytes())?;
        self.text.clear();
        Ok(())
    }

    /// All of it, ready to print; `Err` if the temporary file could not be written.
    pub(crate) fn sealed(mut self) -> io::Result<Printed> {
        if let Some(e) = self.failed.take() {
            return Err(e);
        }
        if let Some(file) = &mut self.spilled {
            file.seek(SeekFrom::Start(0))?;
        }
        Ok(self)
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Writes the whole text to `out`.
    pub fn write_to(self, out: &mut impl Write) -> io::Result<()> {
        if let Some(mut file) = self.spilled {
            io::copy(&mut file, out)?;
        }
        out.write_all(self.text.as_bytes())
    }
}

impl From<String> for Printed {
    fn from(text: String) -> Printed {
        Printed {
            len: text.len() as u64,
            text,
            ..Printed::default()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn printed(parts: &[String]) -> Vec<u8> {
        let mut printed = Printed::default();
        for part in parts {
            printed.push(part);
        }
        let mut out = Vec::new();
        printed.sealed().unwrap().write_to(&mut out).unwrap();
        out
    }

    #[test]
    fn small_text_stays_in_memory_and_prints_whole() {
        let mut printed = Printed::default();
        printed.push("a\n");
        printed.push("b\n");
        assert!(printed.spilled.is_none());
        let mut out = Vec::new();
        printed.sealed().unwrap().write_to(&mut out).unwrap();
        assert_eq!(out, b"a\nb\n");
    }

    #[test]
    fn large_text_spills_and_prints_in_order() {
        let parts: Vec<String> = (0..3000).map(|i| format!("{i:0>200}\n")).collect();
        let mut printed = Printed::default();
        for part in &parts {
            printed.push(part);
        }
        assert!(printed.spilled.is_some());
        assert!(printed.text.len() < IN_MEMORY);
        assert_eq!(self::printed(&parts), parts.concat().into_bytes());
    }

    #[test]
    fn empty_is_empty() {
        assert!(Printed::default().is_empty());
        assert!(printed(&[]).is_empty());
    }
}
