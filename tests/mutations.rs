//! The fuzz targets on stable: a deterministic property test over mutated fixtures.
//!
//! cargo-fuzz needs a nightly toolchain, which CI cannot count on (see README "Fuzzing").
//! So the same entry points ([`kstep::fuzz`]) run here on a few thousand inputs made from the
//! fixtures, the import examples and the crash reproducers by byte flips, cuts, duplications
//! and splices, with a fixed seed so a failure reproduces. Each entry point asserts the
//! invariants itself (no panic, every error located, every label inside its file, every
//! diagnostic renders); this test adds that a broken input is an error, never silence.
//! A failing case prints its number, target and input: add it to `tests/crashes.rs` once fixed.

use std::path::{Path, PathBuf};

use kstep::fuzz::{self, Checked, Language};

/// Cases per run; about 10 seconds in a dev build.
const CASES: usize = 3_000;
const SEED: u64 = 0x6b73_7465_7031_3331;

/// An entry point with the language of the seed it was given.
type Target = fn(&[u8], Language) -> Checked;

/// splitmix64: small, fixed and good enough to pick mutations.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            0
        } else {
            (self.next() % n as u64) as usize
        }
    }

    fn range(&mut self, len: usize) -> (usize, usize) {
        let a = self.below(len + 1);
        let b = self.below(len + 1);
        (a.min(b), a.max(b))
    }
}

/// Bytes that matter to TOML, YAML and templates, for flips.
const INTERESTING: &[u8] = b"\"'[]{}:=,.#-|>&*!%@`\\\n\t \x00\xff{}";

fn mutate(rng: &mut Rng, input: &[u8], other: &[u8]) -> Vec<u8> {
    let mut out = input.to_vec();
    for _ in 0..=rng.below(3) {
        match rng.below(6) {
            // Flip a byte to one that means something, or to any byte.
            0 if !out.is_empty() => {
                let at = rng.below(out.len());
                out[at] = if rng.below(4) == 0 {
                    rng.next() as u8
                } else {
                    INTERESTING[rng.below(INTERESTING.len())]
                };
            }
            // Cut the file short (in the middle of a key, a string, a table).
            1 => out.truncate(rng.below(out.len() + 1)),
            // Remove a range.
            2 => {
                let (a, b) = rng.range(out.len());
                out.drain(a..b);
            }
            // Duplicate a range in place (duplicate keys, repeated tables).
            3 => {
                let (a, b) = rng.range(out.len());
                let copy = out[a..b].to_vec();
                let at = rng.below(out.len() + 1);
                out.splice(at..at, copy);
            }
            // Splice in part of another input.
            4 => {
                let (a, b) = rng.range(other.len());
                let at = rng.below(out.len() + 1);
                out.splice(at..at, other[a..b].iter().copied());
            }
            // Insert an interesting byte.
            _ => {
                let at = rng.below(out.len() + 1);
                out.insert(at, INTERESTING[rng.below(INTERESTING.len())]);
            }
        }
    }
    out
}

fn files_under(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            files_under(&path, out);
        } else if matches!(
            path.extension().and_then(|e| e.to_str()),
            Some("toml" | "yaml" | "yml")
        ) {
            out.push(path);
        }
    }
}

fn seeds(dir: &str) -> Vec<(Language, Vec<u8>)> {
    let mut paths = Vec::new();
    files_under(&Path::new(env!("CARGO_MANIFEST_DIR")).join(dir), &mut paths);
    paths
        .into_iter()
        .map(|p| {
            let language = if p.extension().is_some_and(|e| e == "toml") {
                Language::Toml
            } else {
                Language::Yaml
            };
            (language, std::fs::read(&p).unwrap())
        })
        .collect()
}

#[test]
fn mutated_inputs_never_break_an_invariant() {
    let steps = seeds("fixtures");
    let manifests = seeds("tests/import");
    assert!(steps.len() > 100 && !manifests.is_empty());
    let mut rng = Rng(SEED);
    let mut errors = 0;
    for case in 0..CASES {
        let (language, input) = &steps[rng.below(steps.len())];
        let (_, other) = &steps[rng.below(steps.len())];
        let target = rng.below(8);
        let (name, bytes, checked): (&str, Vec<u8>, Target) = match target {
            0 => ("syntax", mutate(&mut rng, input, other), fuzz::syntax),
            1 => ("read", mutate(&mut rng, input, other), fuzz::read),
            2 => {
                let (_, manifest) = &manifests[rng.below(manifests.len())];
                ("import", mutate(&mut rng, manifest, other), |b, _| {
                    fuzz::import(b)
                })
            }
            3 => {
                let template =
                    b"{{ vars.version ~ '-' ~ env }}{% if vars.replicas > 2 %}x{% endif %}";
                ("template", mutate(&mut rng, template, input), |b, _| {
                    fuzz::template(b)
                })
            }
            4 => ("vars", mutate(&mut rng, input, other), |b, l| {
                fuzz::vars_file(b, l, b.len() % 2 == 0)
            }),
            _ => ("compile", mutate(&mut rng, input, other), fuzz::compile),
        };
        let outcome = std::panic::catch_unwind(|| checked(&bytes, *language));
        match outcome {
            Ok(checked) => errors += usize::from(checked.errors > 0),
            Err(_) => panic!(
                "case {case}: the {name} target broke an invariant ({language:?}) on:\n{}",
                String::from_utf8_lossy(&bytes).escape_debug()
            ),
        }
    }
    // Most mutations break something, and that is reported, not ignored.
    assert!(
        errors > CASES / 3,
        "only {errors} of {CASES} cases had errors"
    );
}
