//! Writing output directories so that a failure leaves the previous output untouched.
//!
//! Every step's files are first written to a staging directory inside the output directory
//! (same file system, so renames are atomic). Only when all of them are written does each
//! `DIR/<step-id>` get swapped for its staged copy; the old copy is removed with the staging
//! directory.

use std::fs;
use std::io;
use std::path::Path;

use super::StepOutput;

pub(crate) fn write_atomically(out_dir: &Path, outputs: &[StepOutput]) -> io::Result<()> {
    fs::create_dir_all(out_dir)?;
    let staging = tempfile::Builder::new()
        .prefix(".kstep-staging-")
        .tempdir_in(out_dir)?;
    for (i, output) in outputs.iter().enumerate() {
        let root = staging.path().join(format!("new-{i}"));
        fs::create_dir(&root)?;
        for file in &output.files {
            let path = root.join(&file.path);
            if let Some(parent) = path.parent().filter(|p| !p.exists()) {
                fs::create_dir_all(parent)?;
            }
            fs::write(&path, &file.contents)?;
        }
    }
    for (i, output) in outputs.iter().enumerate() {
        let target = out_dir.join(&output.step_id);
        let old = staging.path().join(format!("old-{i}"));
        let had_old = match fs::rename(&target, &old) {
            Ok(()) => true,
            Err(e) if e.kind() == io::ErrorKind::NotFound => false,
            Err(e) => return Err(e),
        };
        if let Err(e) = fs::rename(staging.path().join(format!("new-{i}")), &target) {
            if had_old {
                let _ = fs::rename(&old, &target);
            }
            return Err(e);
        }
    }
    staging.close()
}
