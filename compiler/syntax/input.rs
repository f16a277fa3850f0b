//! Guards on raw input bytes, before any parser sees them.
//!
//! Step files are small; anything over [`MAX_FILE_BYTES`] is refused without being parsed, and
//! text must be UTF-8 without NUL bytes. Text that fails is still decoded lossily so the
//! diagnostic can show the place (the lossy text is identical up to the first bad byte).

use crate::diagnostic::{Code, Diagnostic};
use crate::source::{FileId, Span};

/// The largest step file kstep reads: 1 MiB.
pub(crate) const MAX_FILE_BYTES: usize = 1 << 20;

/// Input bytes turned into text, and what was wrong with them, if anything.
pub(crate) struct Decoded {
    pub(crate) text: String,
    pub(crate) problem: Option<InputProblem>,
}

pub(crate) struct InputProblem {
    code: Code,
    offset: usize,
    message: String,
    help: &'static str,
}

impl InputProblem {
    pub(crate) fn into_diagnostic(self, file: FileId) -> Diagnostic {
        Diagnostic::error(self.code, self.message)
            .label(Span::new(file, self.offset, self.offset), "here")
            .help(self.help)
    }
}

/// Decodes a whole file. `bytes` must already be capped at [`MAX_FILE_BYTES`].
pub(crate) fn decode(bytes: Vec<u8>) -> Decoded {
    match String::from_utf8(bytes) {
        Ok(text) => {
            let problem = text.find('\0').map(|offset| InputProblem {
                code: Code::NulByte,
                offset,
                message: "the file contains a NUL byte".into(),
                help: "step files are text; remove the NUL byte (is this a binary file?)",
            });
            Decoded { text, problem }
        }
        Err(err) => {
            let offset = err.utf8_error().valid_up_to();
            let text = String::from_utf8_lossy(err.as_bytes()).into_owned();
            Decoded {
                text,
                problem: Some(InputProblem {
                    code: Code::InvalidUtf8,
                    offset,
                    message: format!(
                        "the file is not valid UTF-8 (invalid byte at offset {offset})"
                    ),
                    help: "save the file as UTF-8",
                }),
            }
        }
    }
}

/// The diagnostic for a file over the size limit; nothing of it is parsed.
pub(crate) fn too_large(file: FileId, name: &str, size: u64) -> Diagnostic {
    Diagnostic::error(
        Code::FileTooLarge,
        format!(
            "`{name}` is {size} bytes; kstep reads step files up to {MAX_FILE_BYTES} bytes (1 MiB)"
        ),
    )
    .label(Span::new(file, 0, 0), "file starts here")
    .help("a step file describes one workload and is a few kilobytes; check that this is the right file")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_first_invalid_byte() {
        let decoded = decode(b"ok: 1\nb\xffd".to_vec());
        let problem = decoded.problem.expect("invalid UTF-8 is reported");
        assert_eq!(problem.code, Code::InvalidUtf8);
        assert_eq!(problem.offset, 7);
        assert!(decoded.text.starts_with("ok: 1\nb"));
    }

    #[test]
    fn finds_nul_byte() {
        let problem = decode(b"a = 1\0".to_vec())
            .problem
            .expect("NUL is reported");
        assert_eq!((problem.code, problem.offset), (Code::NulByte, 5));
    }
}
