//! Stage 1½, templates: variables, environments and minijinja templates in string values.
//!
//! Any string value of a step may be a template: `image = "ghcr.io/acme/web:{{ vars.version }}"`.
//! Between syntax and read, this stage resolves the step's variables ([`vars`]: `[vars]`, the
//! environment chosen with `--env`, vars files, `--var`, `KSTEP_VAR_*`, later winning) and
//! renders every string that uses template syntax into a [`Rendered`](crate::syntax::Rendered)
//! node, which reading then parses as the type its field needs. Errors point inside the
//! string; text rendered from sensitive variables is marked so that it can only reach a
//! Secret.

mod context;
mod diagnose;
mod engine;
mod placeholder;
mod sources;
mod tree;
mod vars;

pub(crate) use placeholder::{Placeholders, fill_placeholders};
pub use sources::VarOptions;
pub(crate) use sources::{Externals, Origin};
pub(crate) use tree::{Usage, has_templates, render};
pub(crate) use vars::{Var, Vars, resolve};
