//! Whole-process benchmark of `kstep compile` and `kstep lint`, printed as a table.
//!
//! Run with `cargo bench --bench compile`. It measures what users wait for: process start
//! to exit of the release binary (`KSTEP_BENCH_BIN` names another binary). To compare two
//! builds, `KSTEP_BENCH_AGAINST` names a second one: every case then runs the two in turn,
//! run after run, and prints their figures side by side (this machine's speed drifts by up
//! to half within minutes, so runs of one build after the other compare badly). Peak memory is each process's own largest resident set, measured by
//! this benchmark re-run as a small spawner (`--spawn`): a process with one child reads that
//! child's peak from `getrusage(RUSAGE_CHILDREN)`, with nothing of its own mixed in. Timed
//! runs write their output to /dev/null, so that no time goes to reading it.
//!
//! - one typical step (fixtures/service/ingress.toml: a Deployment, a Service with two ports
//!   and an Ingress with two hosts and TLS, plus the deploy script and kustomization), for
//!   `compile` and for `lint`: median, p90 and fastest of 200 runs;
//! - one templated step (fixtures/templates/environments.toml for production), median of 200;
//! - a hostile file of 5,000 runaway templates (it must fail fast), median of 5;
//! - 1,000 distinct steps in one invocation, median of 5: into an empty directory and into one
//!   holding the previous output (which is replaced), on tmpfs (/dev/shm) and on disk; to
//!   standard output (`--stdout`, into /dev/null); and compared with an up-to-date output
//!   (`--check`); with the peak memory of each;
//! - large steps: the cost per item of a step with 2,000 ports (container and Service), env
//!   entries or containers against one with 200 (median of 21 each, less a one-item step),
//!   which shows a check that grows faster than the step.
//!
//! Targets (issue 20): lint of a typical step ≤ 2 ms; a typical compile ≤ 2 ms; 1,000 steps
//! ≤ 100 ms and ≤ 12 MiB (also `--stdout`, `--check`); replacing ≤ 1.2× fresh; per-item
//! cost at 2,000 ≤ 1.2× that at 200.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use nix::sys::resource::{UsageWho, getrusage};

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if args.get(1).map(String::as_str) == Some("--spawn") {
        spawn(&args[2..]);
        return;
    }
    let mut binaries = vec![
        std::env::var_os("KSTEP_BENCH_BIN")
            .map_or_else(|| PathBuf::from(env!("CARGO_BIN_EXE_kstep")), PathBuf::from),
    ];
    binaries.extend(std::env::var_os("KSTEP_BENCH_AGAINST").map(PathBuf::from));
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let tmpfs = Path::new("/dev/shm");
    let scratch = if tmpfs.is_dir() {
        tmpfs
    } else {
        Path::new("/tmp")
    };
    let work = tempfile::Builder::new()
        .prefix("kstep-bench-")
        .tempdir_in(scratch)
        .expect("scratch dir");
    let bench = Bench {
        binaries: &binaries,
    };
    let mut table = Table::new(binaries.len());
    for (i, binary) in binaries.iter().enumerate() {
        println!("kstep, whole process: [{}] {}", i + 1, binary.display());
    }

    // One typical step.
    let typical = root.join("fixtures/service/ingress.toml");
    let out = |b: usize| work.path().join(format!("typical-{b}"));
    let compile = bench.median_of(200, |b, kstep| {
        time(&mut run(kstep, &[&"compile", &typical, &"-o", &out(b)]))
    });
    table.row(
        "typical step: compile, median of 200",
        column(&compile, |r| r.median),
        "≤ 2 ms",
    );
    table.row(
        "typical step: compile, p90",
        column(&compile, |r| r.p90),
        "",
    );
    table.row(
        "typical step: compile, fastest",
        column(&compile, |r| r.fastest),
        "",
    );
    table.row(
        "typical step: compile, peak memory",
        bench.each(|b, kstep| {
            mib(peak_of(&mut run(
                kstep,
                &[&"compile", &typical, &"-o", &out(b)],
            )))
        }),
        "",
    );
    let lint = bench.median_of(200, |_, kstep| time(&mut run(kstep, &[&"lint", &typical])));
    table.row(
        "typical step: lint, median of 200",
        column(&lint, |r| r.median),
        "≤ 2 ms",
    );
    table.row(
        "typical step: lint, fastest",
        column(&lint, |r| r.fastest),
        "",
    );

    // A templated step, and a file of runaway templates.
    let templated = root.join("fixtures/templates/environments.toml");
    let templated_runs = bench.median_of(200, |b, kstep| {
        time(&mut run(
            kstep,
            &[
                &"compile",
                &templated,
                &"--env",
                &"production",
                &"-o",
                &out(b),
            ],
        ))
    });
    table.row(
        "templated step, median of 200",
        column(&templated_runs, |r| r.median),
        "",
    );
    let runaway = work.path().join("runaway.toml");
    std::fs::write(&runaway, runaway_templates()).unwrap();
    let runaway_runs = bench.median_of(5, |b, kstep| {
        time_failing(&mut run(kstep, &[&"compile", &runaway, &"-o", &out(b)]))
    });
    table.row(
        "5,000 runaway templates (an error), median of 5",
        column(&runaway_runs, |r| r.median),
        "",
    );

    // 1,000 distinct steps in one invocation.
    let steps = thousand_steps(&typical, &work.path().join("steps"));
    let batch = |dir: &Path, extra: &[&str], fresh: bool| {
        let runs = bench.median_of(5, |b, kstep| {
            let dir = dir.join(b.to_string());
            if fresh && dir.exists() {
                std::fs::remove_dir_all(&dir).unwrap();
            }
            time(&mut batch_command(
                run(kstep, &[&"compile"]),
                &steps,
                &dir,
                extra,
            ))
        });
        runs.into_iter().map(|r| r.median).collect::<Vec<_>>()
    };
    let place = scratch.display();
    let tmpfs_out = work.path().join("out");
    let fresh = batch(&tmpfs_out, &[], true);
    table.row(
        &format!("1,000 steps into empty {place}, median of 5"),
        fresh.iter().copied().map(ms),
        "≤ 100 ms",
    );
    let replace = batch(&tmpfs_out, &[], false);
    table.row(
        &format!("1,000 steps replacing output in {place}"),
        // With its ratio to the fresh run of the same binary.
        replace.iter().zip(&fresh).map(|(replace, fresh)| {
            let ratio = replace.as_secs_f64() / fresh.as_secs_f64();
            format!("{} {ratio:.2}×", ms(*replace))
        }),
        "≤ 1.2× fresh",
    );
    let stdout = batch(&tmpfs_out, &["--stdout"], false);
    table.row(
        "1,000 steps, --stdout to /dev/null",
        stdout.into_iter().map(ms),
        "",
    );
    let check = batch(&tmpfs_out, &["--check"], false);
    table.row(
        "1,000 steps, --check (up to date)",
        check.into_iter().map(ms),
        "",
    );
    let disk = tempfile::Builder::new()
        .prefix("kstep-bench-")
        .tempdir_in(root.join("target"))
        .unwrap();
    let disk_out = disk.path().join("out");
    let disk_fresh = batch(&disk_out, &[], true);
    table.row(
        "1,000 steps into empty dir on disk (target/)",
        disk_fresh.into_iter().map(ms),
        "",
    );
    let disk_replace = batch(&disk_out, &[], false);
    table.row(
        "1,000 steps replacing output on disk",
        disk_replace.into_iter().map(ms),
        "",
    );
    for (case, extra) in [
        ("1,000 steps, peak memory", &[][..]),
        ("1,000 steps, --stdout, peak memory", &["--stdout"][..]),
        ("1,000 steps, --check, peak memory", &["--check"][..]),
    ] {
        let peaks = bench.each(|b, kstep| {
            let dir = tmpfs_out.join(b.to_string());
            mib(peak_of(&mut batch_command(
                run(kstep, &[&"compile"]),
                &steps,
                &dir,
                extra,
            )))
        });
        table.row(case, peaks, "≤ 12 MiB");
    }

    // Large steps: cost per item at 200 and at 2,000.
    let large = work.path().join("large");
    std::fs::create_dir_all(&large).unwrap();
    for (what, make) in [
        ("ports", ports_step as fn(usize) -> String),
        ("env entries", env_step),
        ("containers", containers_step),
    ] {
        let cost = |n: usize| {
            let path = large.join(format!("{}-{n}.toml", what.replace(' ', "-")));
            std::fs::write(&path, make(n)).unwrap();
            bench
                .median_of(21, |_, kstep| {
                    time(run(kstep, &[&"compile", &path, &"--stdout"]).stdout(Stdio::null()))
                })
                .into_iter()
                .map(|r| r.median.as_secs_f64())
                .collect::<Vec<_>>()
        };
        let (one, small, big) = (cost(1), cost(200), cost(2_000));
        let ratios = (0..binaries.len()).map(|b| {
            let small = (small[b] - one[b]) / 200.0;
            let big = (big[b] - one[b]) / 2_000.0;
            // On a busy machine the difference at 200 items can drown in noise.
            if small > 0.0 {
                format!("{:.2}×", big / small)
            } else {
                "noise".to_owned()
            }
        });
        table.row(
            &format!("step with 2,000 {what}: per item vs 200"),
            ratios,
            "≤ 1.2×",
        );
    }
    table.print();
}

/// The binaries compared. With two, every case runs them in turn, run after run, so that a
/// machine that speeds up or slows down while the benchmark runs slows both alike.
struct Bench<'a> {
    binaries: &'a [PathBuf],
}

impl Bench<'_> {
    /// `n` runs of `once` for every binary, taken in turns; its runs for each binary.
    fn median_of(&self, n: usize, mut once: impl FnMut(usize, &Path) -> Duration) -> Vec<Runs> {
        let mut runs = vec![Vec::with_capacity(n); self.binaries.len()];
        for _ in 0..n {
            for (b, binary) in self.binaries.iter().enumerate() {
                runs[b].push(once(b, binary));
            }
        }
        runs.into_iter().map(Runs::of).collect()
    }

    /// `f` of every binary, in order.
    fn each(&self, mut f: impl FnMut(usize, &Path) -> String) -> Vec<String> {
        self.binaries
            .iter()
            .enumerate()
            .map(|(b, binary)| f(b, binary))
            .collect()
    }
}

/// One figure of each binary's runs, in milliseconds.
fn column(runs: &[Runs], figure: fn(&Runs) -> Duration) -> Vec<String> {
    runs.iter().map(|r| ms(figure(r))).collect()
}

/// A command running `kstep` with `args`.
fn run(kstep: &Path, args: &[&dyn AsRef<std::ffi::OsStr>]) -> Command {
    let mut command = Command::new(kstep);
    for arg in args {
        command.arg(arg);
    }
    command
}

/// `compile` of every step into `dir`, or with `--stdout` to /dev/null.
fn batch_command(mut command: Command, steps: &[PathBuf], dir: &Path, extra: &[&str]) -> Command {
    command.args(steps).args(extra);
    if extra.contains(&"--stdout") {
        command.stdout(Stdio::null());
    } else {
        command.arg("-o").arg(dir);
    }
    command
}

/// Medians and extremes of a set of runs.
struct Runs {
    median: Duration,
    p90: Duration,
    fastest: Duration,
}

impl Runs {
    fn of(mut runs: Vec<Duration>) -> Runs {
        runs.sort();
        let n = runs.len();
        Runs {
            median: runs[n / 2],
            p90: runs[n * 9 / 10],
            fastest: runs[0],
        }
    }
}

/// Rows of a case, a measurement per binary, and a target.
struct Table {
    binaries: usize,
    rows: Vec<(String, Vec<String>, String)>,
}

impl Table {
    fn new(binaries: usize) -> Self {
        Table {
            binaries,
            rows: Vec::new(),
        }
    }

    fn row(&mut self, case: &str, measured: impl IntoIterator<Item = String>, target: &str) {
        let measured: Vec<String> = measured.into_iter().collect();
        assert_eq!(measured.len(), self.binaries);
        self.rows
            .push((case.to_owned(), measured, target.to_owned()));
    }

    fn print(&self) {
        let heads = (1..=self.binaries).map(|b| format!("[{b}]"));
        print!("{:<52}", "case");
        for head in heads {
            print!(" {head:>16}");
        }
        println!(" {:>14}", "target");
        for (case, measured, target) in &self.rows {
            print!("{case:<52}");
            for m in measured {
                print!(" {m:>16}");
            }
            println!(" {target:>14}");
        }
    }
}

fn ms(d: Duration) -> String {
    format!("{:.2}ms", d.as_secs_f64() * 1000.0)
}

fn mib(kib: i64) -> String {
    format!("{:.1}MiB", kib as f64 / 1024.0)
}

/// Wall time of one run; the run must succeed.
fn time(command: &mut Command) -> Duration {
    time_with(command, Some(0))
}

/// Wall time of one run that must fail with input errors (exit code 1).
fn time_failing(command: &mut Command) -> Duration {
    time_with(command, Some(1))
}

/// Wall time of one run with its output discarded, as a shell's `>/dev/null 2>&1` would:
/// reading it through pipes would time this benchmark too. A run that does not exit with
/// `code` is run again with its output captured, to show why.
fn time_with(command: &mut Command, code: Option<i32>) -> Duration {
    command.stdout(Stdio::null()).stderr(Stdio::null());
    let start = Instant::now();
    let status = command.status().expect("kstep runs");
    let elapsed = start.elapsed();
    if status.code() != code {
        let output = command
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .output()
            .expect("kstep runs");
        panic!(
            "exit code {:?}, expected {code:?}:\n{}",
            output.status.code(),
            String::from_utf8_lossy(&output.stderr)
        );
    }
    elapsed
}

/// The peak resident set of one run of `command`, in KiB, through the spawner.
fn peak_of(command: &mut Command) -> i64 {
    let mut spawner = Command::new(std::env::current_exe().expect("the benchmark's path"));
    spawner
        .arg("--spawn")
        .arg(command.get_program())
        .args(command.get_args());
    let output = spawner.output().expect("the spawner runs");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout)
        .trim()
        .parse()
        .expect("the spawner prints KiB")
}

/// The spawner: runs the command with its output discarded, fails when it fails, and prints
/// its peak resident set in KiB.
fn spawn(command: &[String]) {
    let status = Command::new(&command[0])
        .args(&command[1..])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .expect("the command runs");
    assert!(status.success(), "{command:?} failed");
    let usage = getrusage(UsageWho::RUSAGE_CHILDREN).expect("getrusage");
    println!("{}", usage.max_rss());
}

fn thousand_steps(typical: &Path, dir: &Path) -> Vec<PathBuf> {
    std::fs::create_dir_all(dir).unwrap();
    let template = std::fs::read_to_string(typical).unwrap();
    (0..1000)
        .map(|i| {
            let path = dir.join(format!("step-{i:04}.toml"));
            let text = template
                .replace(
                    "name = \"storefront\"",
                    &format!("name = \"storefront-{i}\""),
                )
                .replace("5.2.0", &format!("5.2.{i}"));
            std::fs::write(&path, text).unwrap();
            path
        })
        .collect()
}

fn runaway_templates() -> String {
    let mut text = String::from("[deployment]\nname = \"web\"\n\n[deployment.annotations]\n");
    for i in 0..5_000 {
        text.push_str(&format!(
            "a{i} = \"{{% for i in range(100000) %}}{{% for j in range(100000) %}}x{{% endfor %}}{{% endfor %}}\"\n"
        ));
    }
    text.push_str("\n[[containers]]\nname = \"web\"\nimage = \"nginx:1.27\"\n");
    text
}

/// One container with `n` named ports, each exposed by the Service.
fn ports_step(n: usize) -> String {
    let mut text = String::from(
        "[deployment]\nname = \"big\"\n\n[[containers]]\nname = \"app\"\nimage = \"ghcr.io/acme/app:1.0.0\"\n",
    );
    let mut container = Vec::new();
    let mut service = Vec::new();
    for i in 0..n {
        container.push(format!("{{ name = \"p{i}\", port = {} }}", 10_000 + i));
        service.push(format!(
            "{{ name = \"p{i}\", port = {}, target_port = \"p{i}\" }}",
            20_000 + i
        ));
    }
    text.push_str(&format!("ports = [{}]\n", container.join(", ")));
    text.push_str(&format!("\n[service]\nports = [{}]\n", service.join(", ")));
    text
}

/// One container with `n` env values.
fn env_step(n: usize) -> String {
    let entries: Vec<String> = (0..n)
        .map(|i| format!("{{ name = \"VAR_{i}\", value = \"value {i}\" }}"))
        .collect();
    format!(
        "[deployment]\nname = \"big\"\n\n[[containers]]\nname = \"app\"\nimage = \"ghcr.io/acme/app:1.0.0\"\nenv = [{}]\n",
        entries.join(", ")
    )
}

/// `n` containers, each with a port.
fn containers_step(n: usize) -> String {
    let mut text = String::from("[deployment]\nname = \"big\"\n");
    for i in 0..n {
        text.push_str(&format!(
            "\n[[containers]]\nname = \"c{i}\"\nimage = \"ghcr.io/acme/app:1.0.0\"\nports = [{{ name = \"p{i}\", port = {} }}]\n",
            10_000 + i
        ));
    }
    text
}
