//! The parts of the `kstep` binary beside `main.rs`: the command line's shape (`args`),
//! `kstep explain` (`explain`) and the man pages.

pub(crate) mod args;
pub(crate) mod explain;

use std::path::Path;
use std::process::ExitCode;

/// `kstep man`: kstep(1) on standard output, or with `dir`, kstep.1 and one page per command
/// (kstep-compile.1, ...) written there. Exit code 2 when they cannot be written.
pub(crate) fn man(dir: Option<&Path>, command: clap::Command) -> ExitCode {
    let written = match dir {
        Some(dir) => std::fs::create_dir_all(dir)
            .and_then(|()| clap_mangen::generate_to(command, dir))
            .map_err(|e| format!("kstep: cannot write man pages to `{}`: {e}", dir.display())),
        None => {
            let mut out = Vec::new();
            clap_mangen::Man::new(command)
                .render(&mut out)
                .map_err(|e| format!("kstep: cannot render the man page: {e}"))
                .and_then(|()| {
                    use std::io::Write;
                    std::io::stdout()
                        .lock()
                        .write_all(&out)
                        .map_err(|e| format!("kstep: cannot write the man page: {e}"))
                })
        }
    };
    match written {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("{message}");
            ExitCode::from(2)
        }
    }
}
