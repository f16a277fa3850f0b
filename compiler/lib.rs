//! kstep compiles Kubernetes deployment steps.
//!
//! A step file (TOML or YAML) describes one workload: a Deployment with its containers and
//! volumes. kstep checks it with diagnostics that point at the exact source, lowers it to
//! typed Kubernetes objects and writes manifests. The stages, each a module:
//!
//! ```text
//! step file ──syntax──▶ Node tree ──read──▶ step model ──check──▶ (gate) ──lower──▶ objects ──emit──▶ files
//! ```
//!
//! - [`syntax`]: TOML and YAML into one spanned tree, with limits for hostile input.
//! - [`read`]: the tree into the typed [`model`], reporting every unknown or ill-typed field.
//! - [`check`]: the Kubernetes API's rules and cross-references.
//! - [`lower`]: checked model into k8s-openapi objects; cannot fail.
//! - [`emit`]: objects into YAML (safe for YAML 1.1 readers) or JSON files, written atomically.
//!
//! [`driver`] runs them in order; [`diagnostic`] is the one model of problems they report.

pub(crate) mod check;
pub mod diagnostic;
pub mod driver;
pub mod emit;
pub mod import;
pub(crate) mod lint;
pub(crate) mod lower;
pub(crate) mod model;
pub(crate) mod parallel;
pub(crate) mod plan;
pub(crate) mod pointer;
pub(crate) mod read;
pub mod schema;
pub mod source;
pub(crate) mod syntax;
pub mod template;
