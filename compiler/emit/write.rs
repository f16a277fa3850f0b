//! Writing output directories so that a failure leaves the previous output untouched.
//!
//! Every step's files are first written to a staging directory inside the output directory
//! (same file system, so renames are atomic). Only when all of them are written does each
//! `DIR/<step-id>` get swapped for its staged copy; the old copy is removed with the staging
//! directory. Files get their modes when created (Secrets 0600, the script 0755); the
//! umask may narrow them further, never widen them.

use std::fs;
use std::io;
use std::path::Path;

use super::{FileMode, OutputFile, StepOutput};

/// Output being written: each step's files go to `new-<i>` in a staging directory as soon as
/// they are rendered (so memory does not grow with the number of steps); [`Staging::commit`]
/// then swaps every step directory into place. Dropping an uncommitted staging removes it.
pub(crate) struct Staging {
    out_dir: std::path::PathBuf,
    dir: tempfile::TempDir,
}

impl Staging {
    pub(crate) fn new(out_dir: &Path) -> io::Result<Staging> {
        fs::create_dir_all(out_dir)?;
        let dir = tempfile::Builder::new()
            .prefix(".kstep-staging-")
            .tempdir_in(out_dir)?;
        Ok(Staging {
            out_dir: out_dir.to_owned(),
            dir,
        })
    }

    /// Writes the `index`-th step's files. Steps may be staged from several threads.
    pub(crate) fn stage(&self, index: usize, output: &StepOutput) -> io::Result<()> {
        let root = self.dir.path().join(format!("new-{index}"));
        fs::create_dir(&root)?;
        for file in &output.files {
            let path = root.join(&file.path);
            if let Some(parent) = path.parent().filter(|p| !p.exists()) {
                fs::create_dir_all(parent)?;
            }
            create(&path, file)?;
        }
        Ok(())
    }

    /// Swaps `DIR/<step-id>` for each staged step (ids in staging order), then removes the
    /// old copies.
    pub(crate) fn commit(self, step_ids: &[String]) -> io::Result<()> {
        for (i, id) in step_ids.iter().enumerate() {
            let target = self.out_dir.join(id);
            let old = self.dir.path().join(format!("old-{i}"));
            let had_old = match fs::rename(&target, &old) {
                Ok(()) => true,
                Err(e) if e.kind() == io::ErrorKind::NotFound => false,
                Err(e) => return Err(e),
            };
            if let Err(e) = fs::rename(self.dir.path().join(format!("new-{i}")), &target) {
                if had_old {
                    let _ = fs::rename(&old, &target);
                }
                return Err(e);
            }
        }
        self.dir.close()
    }
}

/// Creates a file with its mode from the start: a Secret is never readable by others, not
/// even for a moment.
#[cfg(unix)]
fn create(path: &Path, file: &OutputFile) -> io::Result<()> {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    let mode = match file.mode {
        FileMode::Regular => 0o644,
        FileMode::Private => 0o600,
        FileMode::Executable => 0o755,
    };
    fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(mode)
        .open(path)?
        .write_all(file.contents.as_bytes())
}

#[cfg(not(unix))]
fn create(path: &Path, file: &OutputFile) -> io::Result<()> {
    fs::write(path, &file.contents)
}
