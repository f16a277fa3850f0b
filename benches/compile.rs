//! Whole-process benchmark of `kstep compile`, printed as a table.
//!
//! Run with `cargo bench --bench compile`. It measures what users wait for: process start
//! to exit of the release binary.
//! - one typical step (fixtures/service/ingress.toml: a Deployment, a Service with two ports
//!   and an Ingress with two hosts and TLS, plus the deploy script and kustomization): median,
//!   p90 and fastest of 200 runs;
//! - 1,000 distinct steps in one invocation writing their output directories: median of 5
//!   runs into an empty directory and into one holding the previous output (which is replaced,
//!   so the old directories are deleted too), on tmpfs (/dev/shm, where creating a file is
//!   nearly free) and on disk; and the peak resident memory of that process;
//! - one templated step (fixtures/templates/environments.toml for production: variables, an
//!   environment and a dozen templates), median of 200;
//! - a hostile file of 5,000 templates that each loop as long as they are let (it must fail
//!   fast: fuel bounds each template and the file), median of 5.
//!
//! Targets (issue 2): typical step median under 5 ms; 1,000 steps under 0.5 s and 30 MB.
//! For comparison on these machines: `helm template` ≈ 43 ms for an equivalent chart, and
//! 0.63 s / 100 MB for 1,000 charts in one release; `kubectl kustomize` ≈ 43 ms and 40 s.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use nix::sys::resource::{UsageWho, getrusage};

fn main() {
    let kstep = PathBuf::from(env!("CARGO_BIN_EXE_kstep"));
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

    // One typical step, output on tmpfs.
    let typical = root.join("fixtures/service/ingress.toml");
    let out = work.path().join("typical");
    let mut runs: Vec<Duration> = (0..200)
        .map(|_| {
            time(
                Command::new(&kstep)
                    .arg("compile")
                    .arg(&typical)
                    .arg("-o")
                    .arg(&out),
            )
        })
        .collect();
    let single_peak_kib = peak_kib();

    // A templated step, and a file of runaway templates.
    let templated = root.join("fixtures/templates/environments.toml");
    let mut templated_runs: Vec<Duration> = (0..200)
        .map(|_| {
            time(
                Command::new(&kstep)
                    .arg("compile")
                    .arg(&templated)
                    .args(["--env", "production", "-o"])
                    .arg(&out),
            )
        })
        .collect();
    templated_runs.sort();
    let runaway = work.path().join("runaway.toml");
    let mut text = String::from("[deployment]\nname = \"web\"\n\n[deployment.annotations]\n");
    for i in 0..5_000 {
        text.push_str(&format!(
            "a{i} = \"{{% for i in range(100000) %}}{{% for j in range(100000) %}}x{{% endfor %}}{{% endfor %}}\"\n"
        ));
    }
    text.push_str("\n[[containers]]\nname = \"web\"\nimage = \"nginx:1.27\"\n");
    std::fs::write(&runaway, text).unwrap();
    let mut runaway_runs: Vec<Duration> = (0..5)
        .map(|_| {
            time_failing(
                Command::new(&kstep)
                    .arg("compile")
                    .arg(&runaway)
                    .arg("-o")
                    .arg(&out),
            )
        })
        .collect();
    runaway_runs.sort();

    // 1,000 distinct steps in one invocation.
    let steps_dir = work.path().join("steps");
    std::fs::create_dir_all(&steps_dir).unwrap();
    let template = std::fs::read_to_string(&typical).unwrap();
    let steps: Vec<PathBuf> = (0..1000)
        .map(|i| {
            let path = steps_dir.join(format!("step-{i:04}.toml"));
            let text = template
                .replace(
                    "name = \"storefront\"",
                    &format!("name = \"storefront-{i}\""),
                )
                .replace("5.2.0", &format!("5.2.{i}"));
            std::fs::write(&path, text).unwrap();
            path
        })
        .collect();
    // Median of 5 runs; `fresh` empties the output directory before each (not timed).
    let batch = |dir: &Path, fresh: bool| {
        let mut times: Vec<Duration> = (0..5)
            .map(|_| {
                if fresh && dir.exists() {
                    std::fs::remove_dir_all(dir).unwrap();
                }
                time(
                    Command::new(&kstep)
                        .arg("compile")
                        .args(&steps)
                        .arg("-o")
                        .arg(dir),
                )
            })
            .collect();
        times.sort();
        times[times.len() / 2]
    };
    let tmpfs_out = work.path().join("out");
    let tmpfs_fresh = batch(&tmpfs_out, true);
    let batch_peak_kib = peak_kib();
    let tmpfs_replace = batch(&tmpfs_out, false);
    let disk = tempfile::Builder::new()
        .prefix("kstep-bench-")
        .tempdir_in(root.join("target"))
        .unwrap();
    let disk_out = disk.path().join("out");
    let disk_fresh = batch(&disk_out, true);
    let disk_replace = batch(&disk_out, false);

    runs.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    println!("kstep compile, whole process ({})", kstep.display());
    println!("{:<48} {:>10} {:>10}", "case", "measured", "target");
    println!(
        "{:<48} {:>8.2}ms {:>10}",
        "typical step, median of 200",
        ms(runs[100]),
        "< 5 ms"
    );
    println!("{:<48} {:>8.2}ms", "typical step, p90", ms(runs[180]));
    println!("{:<48} {:>8.2}ms", "typical step, fastest", ms(runs[0]));
    println!(
        "{:<48} {:>8.1}MB",
        "typical step, peak memory",
        single_peak_kib as f64 / 1024.0
    );
    println!(
        "{:<48} {:>8.2}ms",
        "templated step, median of 200",
        ms(templated_runs[100])
    );
    println!(
        "{:<48} {:>8.0}ms",
        "5,000 runaway templates (an error), median of 5",
        ms(runaway_runs[2])
    );
    let place = scratch.display();
    println!(
        "{:<48} {:>8.0}ms {:>10}",
        format!("1,000 steps into empty {place}, median of 5"),
        ms(tmpfs_fresh),
        "< 500 ms"
    );
    println!(
        "{:<48} {:>8.0}ms",
        format!("1,000 steps replacing output in {place}"),
        ms(tmpfs_replace)
    );
    println!(
        "{:<48} {:>8.0}ms",
        "1,000 steps into empty dir on disk (target/)",
        ms(disk_fresh)
    );
    println!(
        "{:<48} {:>8.0}ms",
        "1,000 steps replacing output on disk",
        ms(disk_replace)
    );
    println!(
        "{:<48} {:>8.1}MB {:>10}",
        "1,000 steps, peak memory",
        batch_peak_kib as f64 / 1024.0,
        "< 30 MB"
    );
}

/// Wall time of one run; the run must succeed.
fn time(command: &mut Command) -> Duration {
    let start = Instant::now();
    let output = command.output().expect("kstep runs");
    let elapsed = start.elapsed();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    elapsed
}

/// Wall time of one run that must fail with input errors (exit code 1).
fn time_failing(command: &mut Command) -> Duration {
    let start = Instant::now();
    let output = command.output().expect("kstep runs");
    let elapsed = start.elapsed();
    assert_eq!(output.status.code(), Some(1), "the input has errors");
    elapsed
}

/// The largest resident set of any child process so far, in KiB.
fn peak_kib() -> i64 {
    getrusage(UsageWho::RUSAGE_CHILDREN).map_or(0, |usage| usage.max_rss())
}
