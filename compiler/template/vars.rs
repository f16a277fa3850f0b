//! Resolving a step's variables: its `[vars]`, then the chosen environment's overrides, then
//! the values from outside the step ([`Externals`]), each later source winning.
//!
//! A variable is sensitive when the step declares it so (in `[vars]` or the environment) or
//! when its value comes from a sensitive source (`--sensitive-vars-file`,
//! `KSTEP_SENSITIVE_VAR_<KEY>`): sensitivity follows the value.

use std::collections::BTreeMap;

use serde_json::Value;

use super::sources::{Externals, Origin};
use crate::diagnostic::{Code, Diagnostic, Diagnostics};
use crate::model::{StepVars, VarDecl};

/// One resolved variable.
#[derive(Clone, Debug)]
pub(crate) struct Var {
    /// `None` when the step declares it without a value and nothing outside gave one.
    pub(crate) value: Option<Value>,
    pub(crate) sensitive: bool,
    pub(crate) origin: Origin,
    /// The places whose values this one replaced, lowest precedence first.
    pub(crate) overridden: Vec<Origin>,
    /// Its declaration was reported as broken: a template that uses it is not reported.
    pub(crate) broken: bool,
}

/// A step's variables and environment, ready for templates.
#[derive(Clone, Debug, Default)]
pub(crate) struct Vars {
    /// The environment chosen with `--env`.
    pub(crate) environment: Option<String>,
    pub(crate) vars: BTreeMap<String, Var>,
}

impl Vars {
    pub(crate) fn names(&self) -> Vec<&str> {
        self.vars.keys().map(String::as_str).collect()
    }
}

pub(crate) fn resolve(
    step: &StepVars,
    externals: &Externals,
    environment: Option<&str>,
    diags: &mut Diagnostics,
) -> Vars {
    let mut vars = Vars {
        environment: environment.map(str::to_owned),
        vars: BTreeMap::new(),
    };
    let mut declared_sensitive = Vec::new();
    let mut declare = |vars: &mut Vars, decl: &VarDecl, origin: Origin| {
        if decl.sensitive {
            declared_sensitive.push(decl.name.value.clone());
        }
        // A declaration without a value only marks the variable (its value comes later).
        if decl.value.is_some() || !vars.vars.contains_key(&decl.name.value) {
            set(vars, &decl.name.value, decl.value.clone(), false, origin);
        }
        if let Some(var) = vars.vars.get_mut(&decl.name.value) {
            var.broken = decl.broken && var.value.is_none();
        }
    };
    for decl in &step.vars {
        declare(&mut vars, decl, Origin::Step(decl.name.span));
    }
    if let Some(name) = environment {
        match step.environments.iter().find(|e| e.name.value == name) {
            Some(env) => {
                for decl in &env.vars {
                    let origin = Origin::Environment {
                        name: name.to_owned(),
                        span: decl.name.span,
                    };
                    declare(&mut vars, decl, origin);
                }
            }
            None => unknown_environment(step, name, diags),
        }
    }
    for external in &externals.values {
        set(
            &mut vars,
            &external.name,
            Some(external.value.clone()),
            external.sensitive,
            external.origin.clone(),
        );
    }
    for name in declared_sensitive {
        if let Some(var) = vars.vars.get_mut(&name) {
            var.sensitive = true;
        }
    }
    // A sensitive value written in the step file is masked wherever the file is shown, in
    // every environment (one declaration makes the variable sensitive in all of them).
    let everywhere = step
        .vars
        .iter()
        .chain(step.environments.iter().flat_map(|e| &e.vars));
    let mut sensitive_anywhere: Vec<&str> = everywhere
        .clone()
        .filter(|d| d.sensitive)
        .map(|d| d.name.value.as_str())
        .collect();
    sensitive_anywhere.extend(
        vars.vars
            .iter()
            .filter(|(_, v)| v.sensitive)
            .map(|(n, _)| n.as_str()),
    );
    for decl in everywhere {
        if let Some(span) = decl.value_span
            && sensitive_anywhere.contains(&decl.name.value.as_str())
        {
            diags.redact(span);
        }
    }
    vars
}

fn set(vars: &mut Vars, name: &str, value: Option<Value>, sensitive: bool, origin: Origin) {
    match vars.vars.get_mut(name) {
        Some(var) => {
            let replaced = std::mem::replace(&mut var.origin, origin);
            if var.value.is_some() {
                var.overridden.push(replaced);
            }
            var.value = value;
            var.sensitive = sensitive;
            var.broken = false;
        }
        None => {
            vars.vars.insert(
                name.to_owned(),
                Var {
                    value,
                    sensitive,
                    origin,
                    overridden: Vec::new(),
                    broken: false,
                },
            );
        }
    }
}

/// `--env NAME` that the step does not define. A step without environments takes every
/// name: it has nothing that differs between them.
fn unknown_environment(step: &StepVars, name: &str, diags: &mut Diagnostics) {
    let Some(env_key) = step.env_key.filter(|_| !step.environments.is_empty()) else {
        return;
    };
    let names: Vec<&str> = step
        .environments
        .iter()
        .map(|e| e.name.value.as_str())
        .collect();
    let known = crate::diagnostic::all_of(&names);
    let help = match crate::diagnostic::closest(name, &names) {
        Some(hit) => format!("did you mean `--env {hit}`?"),
        None => format!(
            "use {}, or add `[env.{name}]` to the step",
            crate::diagnostic::one_of(&names)
        ),
    };
    diags.push(
        Diagnostic::error(
            Code::UnknownEnvironment,
            format!("unknown environment `{name}` (given with --env)"),
        )
        .label(env_key, format!("this step's environments: {known}"))
        .help(help),
    );
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Environment, Spanned};
    use crate::source::{SourceMap, Span};
    use crate::template::sources::External;

    fn decl(name: &str, value: Option<i64>, sensitive: bool, span: Span) -> VarDecl {
        VarDecl {
            name: Spanned::new(name.to_owned(), span),
            value: value.map(Value::from),
            value_span: value.map(|_| span),
            sensitive,
            broken: false,
        }
    }

    #[test]
    fn later_sources_win_and_sensitivity_follows_the_declaration() {
        let file = SourceMap::default().add("a.toml".into(), "".into());
        let span = Span::new(file, 0, 0);
        let step = StepVars {
            vars: vec![
                decl("replicas", Some(1), false, span),
                decl("token", None, true, span),
            ],
            env_key: Some(span),
            environments: vec![Environment {
                name: Spanned::new("prod".into(), span),
                vars: vec![decl("replicas", Some(5), false, span)],
            }],
        };
        let externals = Externals {
            values: vec![External {
                name: "token".into(),
                value: Value::from("t"),
                sensitive: false,
                origin: Origin::Assignment,
            }],
        };
        let mut diags = Diagnostics::default();
        let vars = resolve(&step, &externals, Some("prod"), &mut diags);
        assert!(!diags.has_errors());
        let replicas = &vars.vars["replicas"];
        assert_eq!(replicas.value, Some(Value::from(5)));
        assert_eq!(replicas.overridden, [Origin::Step(span)]);
        let token = &vars.vars["token"];
        assert!(token.sensitive, "declared sensitive, given plainly");
        assert_eq!(token.origin, Origin::Assignment);
        assert!(token.overridden.is_empty(), "the declaration had no value");

        let mut diags = Diagnostics::default();
        resolve(&step, &externals, Some("prd"), &mut diags);
        assert!(diags.has_errors(), "an unknown environment");
    }
}
