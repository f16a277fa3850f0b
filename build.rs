//! Links the `kstep` binary as a position-dependent executable on Linux.
//!
//! A position-independent executable is relocated by the dynamic loader at every start: for
//! kstep about 20,000 relocations, a sixth of a one-step compile. Linked at a fixed address,
//! the linker resolves them once. Only the binary changes; the code is the same, and the
//! binary runs on the same systems (every x86-64 and arm64 Linux loader runs fixed-address
//! executables; only address-space randomisation of the binary's own image is lost, which
//! matters little for a compiler that reads trusted files).
//!
//! `.cargo/config.toml` links glibc statically as well, which makes the binary
//! position-dependent by itself; this link argument keeps the fixed address when those flags
//! do not apply (RUSTFLAGS set in the environment).

fn main() {
    let os = std::env::var("CARGO_CFG_TARGET_OS").unwrap_or_default();
    let env = std::env::var("CARGO_CFG_TARGET_ENV").unwrap_or_default();
    if os == "linux" && env == "gnu" {
        println!("cargo::rustc-link-arg-bins=-no-pie");
    }
    println!("cargo::rerun-if-changed=build.rs");
}
