//! The variables a step declares: `[vars]`, and each environment's overrides,
//! `[env.<name>.vars]`. Their values are plain data (not templates); the template stage
//! combines them with the values given from outside the step.

use super::Spanned;
use crate::source::Span;

#[derive(Clone, Debug, Default)]
pub(crate) struct StepVars {
    pub(crate) vars: Vec<VarDecl>,
    /// The `env` key, where messages about environments point.
    pub(crate) env_key: Option<Span>,
    pub(crate) environments: Vec<Environment>,
}

/// `[env.<name>]`.
#[derive(Clone, Debug)]
pub(crate) struct Environment {
    pub(crate) name: Spanned<String>,
    pub(crate) vars: Vec<VarDecl>,
}

/// One variable: `version = "1.4.2"`, or a declaration `db_password = { sensitive = true }`.
#[derive(Clone, Debug)]
pub(crate) struct VarDecl {
    pub(crate) name: Spanned<String>,
    /// `None` for a declaration without a value: the value must come from outside the step.
    pub(crate) value: Option<serde_json::Value>,
    /// Where the value is written, to be masked if the variable is sensitive.
    pub(crate) value_span: Option<Span>,
    pub(crate) sensitive: bool,
    /// Its value was reported as broken (`name:` with nothing after it): uses of the
    /// variable are not reported again.
    pub(crate) broken: bool,
}
