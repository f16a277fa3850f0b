//! Writing output directories so that a failure leaves the previous output untouched, and an
//! interrupted compile leaves nothing behind for long.
//!
//! Every step's files are first written to a staging directory inside the output directory
//! (same file system, so renames are atomic). Only when all of them are written does each
//! `DIR/<step-id>` get swapped for its staged copy; the old copies are removed after. A
//! step whose output directory already holds exactly its files is left alone, and a file
//! that did not change is linked into the new copy rather than written again, so re-running
//! a compile changes nothing on disk that it need not. Files get their modes when created (Secrets 0600, the script 0755); the
//! umask may narrow them further, never widen them.
//!
//! A compile that is killed (SIGKILL, a CI timeout) cannot remove its staging directory. So
//! the writing process holds an exclusive lock on `<staging>/lock` for as long as it writes,
//! and the operating system drops that lock when the process ends, however it ends. The next
//! compile into the same directory removes every staging directory whose lock it can take:
//! its writer is gone. One whose lock is held belongs to a kstep that is writing right now
//! and is left alone. A writer killed between moving `DIR/<id>` aside (to `old-<id>`) and
//! moving the new copy in left no `DIR/<id>` at all: the cleanup moves the old copy back
//! before removing the staging directory.

use std::fs::{self, File};
use std::io;
use std::path::{Path, PathBuf};

use super::{OutputFile, StepOutput};
use crate::parallel;

/// Names of staging directories; nothing else in an output directory starts with it.
pub(crate) const STAGING_PREFIX: &str = ".kstep-staging-";
/// The lock file inside a staging directory.
const LOCK: &str = "lock";
/// Inside a staging directory, `old-<step id>` holds the output a commit moved aside.
const OLD: &str = "old-";

/// Output being written: each step's files go to `new-<i>` in a staging directory as soon as
/// they are rendered (so memory does not grow with the number of steps); [`Staging::commit`]
/// then swaps every step directory into place. Dropping an uncommitted staging removes it,
/// and the output directory too when it was made for it and is still empty.
pub(crate) struct Staging {
    out_dir: PathBuf,
    /// `None` only once committed or dropped.
    dir: Option<tempfile::TempDir>,
    /// The directories [`Staging::new`] made (the output directory and the missing ones
    /// above it), innermost first.
    created: Vec<PathBuf>,
    /// Locked for as long as this value lives; `None` where the file system has no locks
    /// (then a killed compile's directory stays, as it would without this scheme).
    _lock: Option<File>,
    /// The staging directory, opened by the first step staged.
    opened: std::sync::OnceLock<Dir>,
    /// The output directory, opened by the first step staged.
    out: std::sync::OnceLock<Dir>,
}

impl Staging {
    /// Removes the staging directories that earlier, interrupted compiles left in `out_dir`,
    /// then makes and locks this compile's own.
    pub(crate) fn new(out_dir: &Path) -> io::Result<Staging> {
        let created: Vec<PathBuf> = out_dir
            .ancestors()
            .filter(|d| !d.as_os_str().is_empty())
            .take_while(|d| fs::symlink_metadata(d).is_err())
            .map(Path::to_path_buf)
            .collect();
        fs::create_dir_all(out_dir)?;
        remove_stale(out_dir);
        loop {
            let dir = tempfile::Builder::new()
                .prefix(STAGING_PREFIX)
                .tempdir_in(out_dir)?;
            match lock(dir.path(), Wait::Yes)? {
                Lock::Held(file) => return Ok(Staging::with(out_dir, dir, created, Some(file))),
                Lock::Unsupported => return Ok(Staging::with(out_dir, dir, created, None)),
                // Another kstep's cleanup took the new directory for a stale one and removed
                // it between its creation and the lock: make another.
                Lock::Busy | Lock::Gone => {
                    let _ = dir.close();
                }
            }
        }
    }

    fn with(
        out_dir: &Path,
        dir: tempfile::TempDir,
        created: Vec<PathBuf>,
        lock: Option<File>,
    ) -> Staging {
        Staging {
            out_dir: out_dir.to_owned(),
            dir: Some(dir),
            created,
            _lock: lock,
            opened: std::sync::OnceLock::new(),
            out: std::sync::OnceLock::new(),
        }
    }

    /// The staging directory, open: steps are made in it by name.
    fn opened(&self) -> io::Result<&Dir> {
        open_once(&self.opened, self.path())
    }

    /// The output directory, open: steps are looked up and moved into it by name.
    fn out(&self) -> io::Result<&Dir> {
        open_once(&self.out, &self.out_dir)
    }

    /// Writes the `index`-th step's files, unless `DIR/<step-id>` already holds exactly
    /// them. A file whose bytes and mode did not change is linked from the current output
    /// instead of written, so it keeps its inode and modification time. Steps may be staged
    /// from several threads.
    pub(crate) fn stage(&self, index: usize, output: &StepOutput) -> io::Result<Staged> {
        let current = self.out_dir.join(&output.step_id);
        // A step written for the first time has nothing to compare with; in an output
        // directory made for this compile, none has (one that appears meanwhile is replaced
        // by the commit).
        let exists = self.created.is_empty() && self.out()?.holds_dir(&output.step_id);
        let same: Vec<bool> = output
            .files
            .iter()
            .map(|file| exists && unchanged(&current.join(&file.path), file))
            .collect();
        if exists && same.iter().all(|&s| s) && holds_only(&current, output) {
            return Ok(Staged::Unchanged);
        }
        let staged = if exists {
            Staged::Replacing
        } else {
            Staged::New
        };
        let name = format!("new-{index}");
        let dir = self.opened()?.make(&name)?;
        let mut made: Vec<&Path> = Vec::new();
        for (file, same) in output.files.iter().zip(same) {
            if let Some(parent) = Path::new(&file.path).parent()
                && !parent.as_os_str().is_empty()
                && !made.contains(&parent)
            {
                dir.make_dir(parent)?;
                made.push(parent);
            }
            let linked = same && {
                let staged = self.path().join(&name).join(&file.path);
                fs::hard_link(current.join(&file.path), staged).is_ok()
            };
            if !linked {
                dir.create_file(file)?;
            }
        }
        Ok(staged)
    }

    /// Swaps `DIR/<step-id>` for each staged step (`(index, step id, staged)`, in staging
    /// order; an unchanged step is left as it is), then removes the old copies, on every core.
    pub(crate) fn commit(mut self, steps: &[(usize, String, Staged)]) -> io::Result<()> {
        let mut replaced = Vec::new();
        let out = self.out()?;
        let staging = self.opened()?;
        for (i, id, staged) in steps {
            if *staged == Staged::Unchanged {
                continue;
            }
            let new = format!("new-{i}");
            // Nothing to move aside, unless something appeared since: then it is (a rename
            // onto a directory with files fails; onto an empty one it replaces it).
            if *staged == Staged::New && staging.rename(&new, out, id).is_ok() {
                continue;
            }
            let old = format!("{OLD}{id}");
            let had_old = match out.rename(id, staging, &old) {
                Ok(()) => true,
                Err(e) if e.kind() == io::ErrorKind::NotFound => false,
                Err(e) => return Err(e),
            };
            if let Err(e) = staging.rename(&new, out, id) {
                if had_old {
                    let _ = staging.rename(&old, out, id);
                }
                return Err(e);
            }
            if had_old {
                replaced.push(self.path().join(old));
            }
        }
        // Whatever fails to go here goes with the staging directory below.
        parallel::map(&replaced, |_, old| {
            let _ = fs::remove_dir_all(old);
        });
        self.created.clear();
        self.dir.take().map_or(Ok(()), tempfile::TempDir::close)
    }

    fn path(&self) -> &Path {
        self.dir.as_ref().map_or(&self.out_dir, |d| d.path())
    }
}

impl Drop for Staging {
    /// An uncommitted staging goes, with the directories made for it: a compile that
    /// stopped on errors leaves no trace.
    fn drop(&mut self) {
        if let Some(dir) = self.dir.take() {
            let _ = dir.close();
        }
        for dir in &self.created {
            let _ = fs::remove_dir(dir);
        }
    }
}

/// The directory in `cell`, opened at `path` the first time.
fn open_once<'d>(cell: &'d std::sync::OnceLock<Dir>, path: &Path) -> io::Result<&'d Dir> {
    if let Some(dir) = cell.get() {
        return Ok(dir);
    }
    let dir = Dir::open(path)?;
    Ok(cell.get_or_init(|| dir))
}

/// What staging did with a step's output.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Staged {
    /// Written; `DIR/<step-id>` did not exist.
    New,
    /// Written, to replace `DIR/<step-id>`.
    Replacing,
    /// `DIR/<step-id>` already holds exactly these files: nothing to write or swap.
    Unchanged,
}

/// Whether `path` is a regular file with `file`'s bytes and a mode kstep would give it:
/// the owner's bits as written, the others' no wider (the umask may narrow them).
fn unchanged(path: &Path, file: &OutputFile) -> bool {
    let Ok(meta) = fs::symlink_metadata(path) else {
        return false;
    };
    if !meta.is_file() || meta.len() != file.contents.len() as u64 || !mode_fits(&meta, file) {
        return false;
    }
    fs::read(path).is_ok_and(|bytes| bytes == file.contents.as_bytes())
}

#[cfg(unix)]
fn mode_fits(meta: &fs::Metadata, file: &OutputFile) -> bool {
    use std::os::unix::fs::PermissionsExt;
    let mode = meta.permissions().mode() & 0o7777;
    let wanted = file.mode.bits();
    mode & 0o700 == wanted & 0o700 && mode & !wanted == 0
}

#[cfg(not(unix))]
fn mode_fits(_: &fs::Metadata, _: &OutputFile) -> bool {
    true
}

/// Whether the directory `root` holds nothing but `output`'s files and their directories.
fn holds_only(root: &Path, output: &StepOutput) -> bool {
    let mut dirs: Vec<&Path> = output
        .files
        .iter()
        .flat_map(|f| Path::new(&f.path).ancestors().skip(1))
        .filter(|d| !d.as_os_str().is_empty())
        .collect();
    dirs.sort();
    dirs.dedup();
    let expected = output.files.len() + dirs.len();
    let mut found = 0;
    for entry in walkdir::WalkDir::new(root).min_depth(1) {
        if entry.is_err() {
            return false;
        }
        found += 1;
        if found > expected {
            return false;
        }
    }
    found == expected
}

/// The staging directories in `out_dir` whose writer is gone, sorted; nothing is changed.
/// For `--check`, which reports them.
pub(crate) fn stale(out_dir: &Path) -> io::Result<Vec<String>> {
    let mut names = Vec::new();
    for (name, path) in staging_dirs(out_dir)? {
        if is_abandoned(&path) {
            names.push(name);
        }
    }
    names.sort();
    Ok(names)
}

/// Removes every staging directory in `out_dir` whose writer is gone, first moving back any
/// step output it holds that is missing from `out_dir`. Best effort: what cannot be removed
/// stays for a later compile, and never fails this one.
fn remove_stale(out_dir: &Path) {
    let Ok(dirs) = staging_dirs(out_dir) else {
        return;
    };
    for (_, path) in dirs {
        // The lock is held until the directory (with the lock file) is gone, so a kstep
        // that starts meanwhile sees it busy or gone, never half removed and unlocked.
        if let Ok(Lock::Held(_lock)) = lock(&path, Wait::No)
            && restore(out_dir, &path)
        {
            let _ = fs::remove_dir_all(&path);
        }
    }
}

/// Moves each `old-<id>` of an abandoned staging directory back to `DIR/<id>` if that is
/// missing (its writer died between the two renames of a commit). `false` if one could not
/// be moved: the directory must then stay, as it holds the only copy.
fn restore(out_dir: &Path, staging: &Path) -> bool {
    let Ok(entries) = fs::read_dir(staging) else {
        return false;
    };
    let mut all = true;
    for entry in entries.flatten() {
        let name = entry.file_name();
        let Some(id) = name.to_str().and_then(|n| n.strip_prefix(OLD)) else {
            continue;
        };
        let target = out_dir.join(id);
        if fs::symlink_metadata(&target).is_err() && fs::rename(entry.path(), &target).is_err() {
            all = false;
        }
    }
    all
}

/// `(name, path)` of each directory in `out_dir` named like a staging directory. Symbolic
/// links and files are not staging directories, whatever their names.
fn staging_dirs(out_dir: &Path) -> io::Result<Vec<(String, PathBuf)>> {
    let entries = match fs::read_dir(out_dir) {
        Ok(entries) => entries,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(e),
    };
    let mut dirs = Vec::new();
    for entry in entries {
        let entry = entry?;
        let Ok(name) = entry.file_name().into_string() else {
            continue;
        };
        if name.starts_with(STAGING_PREFIX) && entry.file_type()?.is_dir() {
            dirs.push((name, entry.path()));
        }
    }
    Ok(dirs)
}

/// Whether a staging directory's writer is gone, without changing anything: its lock file
/// is missing (the writer died before making it) or can be locked.
fn is_abandoned(staging: &Path) -> bool {
    match File::open(staging.join(LOCK)) {
        Err(e) => e.kind() == io::ErrorKind::NotFound,
        // A shared lock: it needs no write access, and it is refused only while a writer
        // holds its exclusive one.
        Ok(file) => file.try_lock_shared().is_ok(),
    }
}

enum Wait {
    Yes,
    No,
}

enum Lock {
    /// Locked; the lock lasts as long as the file stays open.
    Held(File),
    /// Another process holds the lock.
    Busy,
    /// The directory was removed, or replaced, before the lock was taken.
    Gone,
    /// The file system cannot lock files.
    Unsupported,
}

/// Takes the exclusive lock of a staging directory. Its writer and the cleanup of a later
/// compile both open the lock file with `create`, so whichever locks it first wins, even when
/// the writer died before creating it; the loser then finds it busy, or gone.
fn lock(staging: &Path, wait: Wait) -> io::Result<Lock> {
    let path = staging.join(LOCK);
    let file = match fs::OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .open(&path)
    {
        Ok(file) => file,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(Lock::Gone),
        Err(e) => return Err(e),
    };
    let locked = match wait {
        Wait::Yes => file.lock().map_err(fs::TryLockError::Error),
        Wait::No => file.try_lock(),
    };
    match locked {
        Ok(()) => {}
        Err(fs::TryLockError::WouldBlock) => return Ok(Lock::Busy),
        Err(fs::TryLockError::Error(e)) if e.kind() == io::ErrorKind::Unsupported => {
            return Ok(Lock::Unsupported);
        }
        Err(fs::TryLockError::Error(e)) => return Err(e),
    }
    // The lock may have been waited for, or won, on a file a cleanup had already removed.
    Ok(if same_file(&file, &path) {
        Lock::Held(file)
    } else {
        Lock::Gone
    })
}

#[cfg(unix)]
fn same_file(file: &File, path: &Path) -> bool {
    use std::os::unix::fs::MetadataExt;
    match (file.metadata(), fs::symlink_metadata(path)) {
        (Ok(a), Ok(b)) => a.dev() == b.dev() && a.ino() == b.ino(),
        _ => false,
    }
}

#[cfg(not(unix))]
fn same_file(_: &File, path: &Path) -> bool {
    path.exists()
}

/// A directory that entries are made in and moved between. On Unix it is an open
/// descriptor and entries are named relative to it, so the kernel does not walk the whole
/// path (output, staging, step) again for each file and each move; elsewhere it is the path.
struct Dir {
    #[cfg(unix)]
    fd: std::os::fd::OwnedFd,
    #[cfg(not(unix))]
    path: PathBuf,
}

#[cfg(unix)]
impl Dir {
    fn open(path: &Path) -> io::Result<Dir> {
        Ok(Dir {
            fd: rustix::fs::open(path, Self::FLAGS, rustix::fs::Mode::empty())?,
        })
    }

    const FLAGS: rustix::fs::OFlags = rustix::fs::OFlags::RDONLY
        .union(rustix::fs::OFlags::DIRECTORY)
        .union(rustix::fs::OFlags::CLOEXEC);

    /// Makes the directory `name` in this one, and opens it.
    fn make(&self, name: &str) -> io::Result<Dir> {
        self.make_dir(Path::new(name))?;
        Ok(Dir {
            fd: rustix::fs::openat(&self.fd, name, Self::FLAGS, rustix::fs::Mode::empty())?,
        })
    }

    /// Makes the directory `path` (one level: `manifests`).
    fn make_dir(&self, path: &Path) -> io::Result<()> {
        Ok(rustix::fs::mkdirat(
            &self.fd,
            path,
            rustix::fs::Mode::from_raw_mode(0o777),
        )?)
    }

    /// Creates a file with its mode from the start: a Secret is never readable by others,
    /// not even for a moment.
    fn create_file(&self, file: &OutputFile) -> io::Result<()> {
        use rustix::fs::{Mode, OFlags};
        use std::io::Write;
        let flags = OFlags::WRONLY | OFlags::CREATE | OFlags::EXCL | OFlags::CLOEXEC;
        let mode = Mode::from_raw_mode(file.mode.bits());
        let fd = rustix::fs::openat(&self.fd, file.path.as_str(), flags, mode)?;
        File::from(fd).write_all(file.contents.as_bytes())
    }

    /// Moves `from` in this directory to `to` in `dir`.
    fn rename(&self, from: &str, dir: &Dir, to: &str) -> io::Result<()> {
        Ok(rustix::fs::renameat(&self.fd, from, &dir.fd, to)?)
    }

    /// Whether `name` in this directory is a directory (not a link to one).
    fn holds_dir(&self, name: &str) -> bool {
        use rustix::fs::{AtFlags, FileType};
        rustix::fs::statat(&self.fd, name, AtFlags::SYMLINK_NOFOLLOW)
            .is_ok_and(|stat| FileType::from_raw_mode(stat.st_mode).is_dir())
    }
}

#[cfg(not(unix))]
impl Dir {
    fn open(path: &Path) -> io::Result<Dir> {
        Ok(Dir {
            path: path.to_owned(),
        })
    }

    fn make(&self, name: &str) -> io::Result<Dir> {
        let path = self.path.join(name);
        fs::create_dir(&path)?;
        Ok(Dir { path })
    }

    fn make_dir(&self, path: &Path) -> io::Result<()> {
        fs::create_dir_all(self.path.join(path))
    }

    fn create_file(&self, file: &OutputFile) -> io::Result<()> {
        fs::write(self.path.join(&file.path), &file.contents)
    }

    fn rename(&self, from: &str, dir: &Dir, to: &str) -> io::Result<()> {
        fs::rename(self.path.join(from), dir.path.join(to))
    }

    fn holds_dir(&self, name: &str) -> bool {
        fs::symlink_metadata(self.path.join(name)).is_ok_and(|m| m.is_dir())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::emit::FileMode;

    fn output(id: &str, text: &str) -> StepOutput {
        StepOutput {
            step_id: id.into(),
            files: vec![OutputFile {
                path: "deploy.sh".into(),
                contents: text.into(),
                mode: FileMode::Executable,
                shown: None,
            }],
        }
    }

    fn names(dir: &Path) -> Vec<String> {
        let mut names: Vec<String> = fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .collect();
        names.sort();
        names
    }

    /// A staging directory as a killed writer leaves it: no lock held.
    fn abandoned(out: &Path, name: &str, with_lock_file: bool) -> PathBuf {
        let dir = out.join(format!("{STAGING_PREFIX}{name}"));
        fs::create_dir_all(dir.join("new-0/manifests")).unwrap();
        fs::write(dir.join("new-0/deploy.sh"), "partial").unwrap();
        if with_lock_file {
            fs::write(dir.join(LOCK), "").unwrap();
        }
        dir
    }

    #[test]
    fn abandoned_staging_directories_are_removed_live_ones_kept() {
        let out = tempfile::tempdir().unwrap();
        abandoned(out.path(), "a", true);
        abandoned(out.path(), "b", false);
        let live = abandoned(out.path(), "live", true);
        let held = File::open(live.join(LOCK)).unwrap();
        held.lock().unwrap();
        // Not ours: a file and a symbolic link named like staging directories.
        fs::write(out.path().join(format!("{STAGING_PREFIX}file")), "").unwrap();
        #[cfg(unix)]
        std::os::unix::fs::symlink(&live, out.path().join(format!("{STAGING_PREFIX}link")))
            .unwrap();
        assert_eq!(
            stale(out.path()).unwrap(),
            [".kstep-staging-a", ".kstep-staging-b"]
        );

        let staging = Staging::new(out.path()).unwrap();
        let staged = staging.stage(0, &output("web", "new")).unwrap();
        staging.commit(&[(0, "web".into(), staged)]).unwrap();
        let mut expected = vec![".kstep-staging-file", ".kstep-staging-live", "web"];
        if cfg!(unix) {
            expected.insert(1, ".kstep-staging-link");
        }
        assert_eq!(names(out.path()), expected);
        assert_eq!(names(&live), ["lock", "new-0"], "the live one is untouched");
        assert!(stale(out.path()).unwrap().is_empty());

        drop(held);
        assert_eq!(stale(out.path()).unwrap(), [".kstep-staging-live"]);
    }

    #[test]
    fn output_moved_aside_by_a_killed_commit_is_moved_back() {
        let out = tempfile::tempdir().unwrap();
        let dir = abandoned(out.path(), "x", true);
        // Killed between the renames: `web` moved aside, the new copy not yet in place.
        fs::create_dir(dir.join("old-web")).unwrap();
        fs::write(dir.join("old-web/deploy.sh"), "previous").unwrap();
        // `api` was committed before the kill: its old copy is garbage.
        fs::create_dir(out.path().join("api")).unwrap();
        fs::create_dir(dir.join("old-api")).unwrap();
        fs::write(dir.join("old-api/deploy.sh"), "older").unwrap();

        let staging = Staging::new(out.path()).unwrap();
        drop(staging);
        assert_eq!(names(out.path()), ["api", "web"]);
        assert_eq!(
            fs::read_to_string(out.path().join("web/deploy.sh")).unwrap(),
            "previous"
        );
    }

    #[test]
    fn an_uncommitted_staging_leaves_no_directory_it_made() {
        let root = tempfile::tempdir().unwrap();
        let out = root.path().join("a/b/dist");
        let staging = Staging::new(&out).unwrap();
        staging.stage(0, &output("web", "new")).unwrap();
        drop(staging);
        assert!(names(root.path()).is_empty());

        // A directory that was there stays, with what it holds.
        fs::create_dir_all(&out).unwrap();
        fs::write(out.join("keep"), "").unwrap();
        drop(Staging::new(&out).unwrap());
        assert_eq!(names(&out), ["keep"]);
        let committed = Staging::new(&root.path().join("c/dist")).unwrap();
        let staged = committed.stage(0, &output("web", "new")).unwrap();
        committed.commit(&[(0, "web".into(), staged)]).unwrap();
        assert_eq!(names(&root.path().join("c/dist")), ["web"]);
    }

    #[test]
    fn a_lock_lost_to_a_cleanup_is_noticed() {
        let out = tempfile::tempdir().unwrap();
        let dir = abandoned(out.path(), "x", false);
        let Ok(Lock::Held(first)) = lock(&dir, Wait::No) else {
            panic!("an abandoned directory can be locked");
        };
        assert!(matches!(lock(&dir, Wait::No), Ok(Lock::Busy)));
        fs::remove_dir_all(&dir).unwrap();
        drop(first);
        assert!(matches!(lock(&dir, Wait::Yes), Ok(Lock::Gone)));
        // Removed and made again meanwhile: an open lock file is no longer the directory's.
        fs::create_dir(&dir).unwrap();
        let path = dir.join(LOCK);
        let opened = File::create(&path).unwrap();
        assert!(same_file(&opened, &path));
        fs::remove_file(&path).unwrap();
        fs::write(&path, "").unwrap();
        assert!(!same_file(&opened, &path));
    }

    fn compile(out: &Path, outputs: &[StepOutput]) -> Vec<Staged> {
        let staging = Staging::new(out).unwrap();
        let staged: Vec<(usize, String, Staged)> = outputs
            .iter()
            .enumerate()
            .map(|(i, o)| (i, o.step_id.clone(), staging.stage(i, o).unwrap()))
            .collect();
        staging.commit(&staged).unwrap();
        staged.into_iter().map(|(_, _, s)| s).collect()
    }

    fn two_files(id: &str, script: &str, manifest: &str) -> StepOutput {
        let mut out = output(id, script);
        out.files.push(OutputFile {
            path: "manifests/10-web.yaml".into(),
            contents: manifest.into(),
            mode: FileMode::Regular,
            shown: None,
        });
        out
    }

    #[cfg(unix)]
    fn inode(path: &Path) -> u64 {
        use std::os::unix::fs::MetadataExt;
        fs::metadata(path).unwrap().ino()
    }

    /// Output that did not change is not written again: a step whose directory holds exactly
    /// its files is left alone, and an unchanged file of a changed step keeps its inode.
    #[cfg(unix)]
    #[test]
    fn unchanged_output_is_not_rewritten() {
        let out = tempfile::tempdir().unwrap();
        let first = compile(
            out.path(),
            &[two_files("web", "a", "m"), output("api", "b")],
        );
        assert_eq!(first, [Staged::New, Staged::New]);
        let script = out.path().join("web/deploy.sh");
        let manifest = out.path().join("web/manifests/10-web.yaml");
        let (script_inode, manifest_inode) = (inode(&script), inode(&manifest));

        let again = compile(
            out.path(),
            &[two_files("web", "a", "m"), output("api", "c")],
        );
        assert_eq!(again, [Staged::Unchanged, Staged::Replacing]);
        assert_eq!(inode(&script), script_inode);
        assert_eq!(
            fs::read_to_string(out.path().join("api/deploy.sh")).unwrap(),
            "c"
        );

        // One file changes: the other is linked, not written.
        let changed = compile(out.path(), &[two_files("web", "a", "m2")]);
        assert_eq!(changed, [Staged::Replacing]);
        assert_eq!(inode(&script), script_inode);
        assert_ne!(inode(&manifest), manifest_inode);
        assert_eq!(fs::read_to_string(&manifest).unwrap(), "m2");
        assert_eq!(names(out.path()), ["api", "web"], "no staging left behind");
    }

    /// A step staged as new whose directory appeared before the commit (made by hand, or by
    /// another run) is still replaced, whether it is empty or holds files.
    #[test]
    fn a_directory_made_after_staging_is_replaced() {
        let out = tempfile::tempdir().unwrap();
        let steps = [output("web", "a"), output("api", "b")];
        let staging = Staging::new(out.path()).unwrap();
        let staged: Vec<(usize, String, Staged)> = steps
            .iter()
            .enumerate()
            .map(|(i, o)| (i, o.step_id.clone(), staging.stage(i, o).unwrap()))
            .collect();
        assert_eq!(staged[0].2, Staged::New);
        fs::create_dir(out.path().join("web")).unwrap();
        fs::create_dir(out.path().join("api")).unwrap();
        fs::write(out.path().join("api/notes.txt"), "mine").unwrap();
        staging.commit(&staged).unwrap();
        for (id, text) in [("web", "a"), ("api", "b")] {
            assert_eq!(names(&out.path().join(id)), ["deploy.sh"]);
            assert_eq!(
                fs::read_to_string(out.path().join(id).join("deploy.sh")).unwrap(),
                text
            );
        }
        assert_eq!(names(out.path()), ["api", "web"], "no staging left behind");
    }

    /// A file that is not kstep's in the step's directory, or a mode that differs, makes the
    /// step written again: the output is exactly what the compile produced.
    #[cfg(unix)]
    #[test]
    fn a_stray_file_or_a_changed_mode_is_not_unchanged() {
        use std::os::unix::fs::PermissionsExt;
        let out = tempfile::tempdir().unwrap();
        compile(out.path(), &[output("web", "a")]);
        fs::write(out.path().join("web/notes.txt"), "mine").unwrap();
        assert_eq!(
            compile(out.path(), &[output("web", "a")]),
            [Staged::Replacing]
        );
        assert_eq!(names(&out.path().join("web")), ["deploy.sh"]);

        let script = out.path().join("web/deploy.sh");
        fs::set_permissions(&script, fs::Permissions::from_mode(0o644)).unwrap();
        assert_eq!(
            compile(out.path(), &[output("web", "a")]),
            [Staged::Replacing]
        );
        let mode = fs::metadata(&script).unwrap().permissions().mode();
        assert_eq!(mode & 0o700, 0o700, "executable again");
    }
}
