//! kstep compiles Kubernetes deployment steps.
//!
//! A step file (TOML or YAML) describes one workload: a Deployment (or a StatefulSet,
//! DaemonSet, Job or CronJob) with its containers and volumes. kstep checks it with
//! diagnostics that point at the exact source, lowers it to typed Kubernetes objects and
//! writes manifests. The stages, each a module:
//!
//! ```text
//! step file ─syntax─▶ Node tree ─template─▶ rendered tree ─read─▶ step model ─check─▶ gate
//!   ─plan─▶ gate ─lower─▶ k8s objects (patched) ─emit─▶ manifests, deploy.sh
//!                                                 └─lint─▶ findings (`kstep lint`)
//! ```
//!
//! - [`syntax`]: TOML and YAML into one spanned tree, with limits for hostile input.
//! - [`template`]: variables, and the minijinja templates in string values.
//! - [`read`]: the tree into the typed [`model`], reporting every unknown or ill-typed field.
//! - [`check`]: the Kubernetes API's rules and cross-references.
//! - [`plan`]: the strategy and deployment id of one compile; `check` then checks what depends
//!   on them, and the step's patches against the objects.
//! - [`lower`]: checked model into k8s-openapi objects, patches applied; cannot fail.
//! - [`emit`]: objects into YAML (safe for YAML 1.1 readers) or JSON files, written
//!   atomically, and the strategy's `deploy.sh`.
//! - [`lint`]: best-practice rules on a checked step and its plan.
//!
//! Beside the pipeline: [`schema`], the step file's shape as a JSON Schema (held equal to the
//! reader and to docs/step-file.md by tests); [`import`], manifests into a step file.
//! [`driver`] runs the stages in order; [`diagnostic`] is the one model of problems they
//! report, and depends on no stage.

pub(crate) mod check;
pub mod diagnostic;
pub mod driver;
pub mod emit;
#[doc(hidden)]
pub mod fuzz;
pub mod import;
pub(crate) mod lint;
pub(crate) mod lower;
pub mod lsp;
pub(crate) mod model;
pub(crate) mod parallel;
pub(crate) mod plan;
pub(crate) mod pointer;
pub(crate) mod read;
pub mod schema;
pub mod source;
pub(crate) mod syntax;
pub mod template;
