//! Variable values given from outside the step files: vars files (`--vars-file`,
//! `--sensitive-vars-file`), `KSTEP_VAR_<KEY>` / `KSTEP_SENSITIVE_VAR_<KEY>` in the process
//! environment and `--var KEY=VALUE`. They are read once per run and apply to every step, in
//! that order of precedence (later wins): the command line beats the environment, which beats
//! files, as with most tools. Each must name a variable some step of the run declares
//! ([`Externals::report_undeclared`]).

use std::collections::BTreeSet;
use std::ffi::OsString;
use std::path::PathBuf;

use serde_json::Value;

use crate::diagnostic::{Code, Diagnostic, Diagnostics};
use crate::read;
use crate::source::{FileId, Span};
use crate::syntax::{Node, NodeKind};

/// What the command line says about variables.
#[derive(Clone, Debug, Default)]
pub struct VarOptions {
    /// `--env NAME`: the environment whose `[env.NAME.vars]` apply.
    pub environment: Option<String>,
    /// `--vars-file FILE`, in order.
    pub files: Vec<PathBuf>,
    /// `--sensitive-vars-file FILE`, in order: every value in them is sensitive.
    pub sensitive_files: Vec<PathBuf>,
    /// `--var KEY=VALUE`, in order.
    pub assignments: Vec<String>,
    /// The process environment's `KSTEP_VAR_*` and `KSTEP_SENSITIVE_VAR_*` variables.
    pub process_env: Vec<(OsString, OsString)>,
}

pub(crate) const VAR_PREFIX: &str = "KSTEP_VAR_";
pub(crate) const SENSITIVE_VAR_PREFIX: &str = "KSTEP_SENSITIVE_VAR_";

/// Where a variable's value was given.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Origin {
    /// `[vars]`; the span is the variable's key.
    Step(Span),
    /// `[env.<name>.vars]`.
    Environment { name: String, span: Span },
    /// A vars file (its path as given); the span is the key in that file.
    File {
        path: String,
        span: Span,
        sensitive: bool,
    },
    /// `--var NAME=...`.
    Assignment,
    /// The process environment variable of this name.
    ProcessEnv(String),
}

impl Origin {
    /// For messages, without positions: `[env.production.vars]`, `--var tag=...`.
    pub(crate) fn describe(&self, name: &str) -> String {
        match self {
            Origin::Step(_) => "[vars]".to_owned(),
            Origin::Environment { name, .. } => format!("[env.{name}.vars]"),
            Origin::File {
                path, sensitive, ..
            } => {
                let flag = if *sensitive {
                    "--sensitive-vars-file"
                } else {
                    "--vars-file"
                };
                format!("{flag} {path}")
            }
            Origin::Assignment => format!("--var {name}=..."),
            Origin::ProcessEnv(variable) => variable.clone(),
        }
    }

    pub(crate) fn span(&self) -> Option<Span> {
        match self {
            Origin::Step(span) | Origin::Environment { span, .. } | Origin::File { span, .. } => {
                Some(*span)
            }
            Origin::Assignment | Origin::ProcessEnv(_) => None,
        }
    }
}

/// One value from outside the step.
#[derive(Clone, Debug)]
pub(crate) struct External {
    pub(crate) name: String,
    pub(crate) value: Value,
    pub(crate) sensitive: bool,
    pub(crate) origin: Origin,
}

/// Every value from outside the steps, lowest precedence first.
#[derive(Clone, Debug, Default)]
pub(crate) struct Externals {
    pub(crate) values: Vec<External>,
}

impl Externals {
    /// A parsed vars file: a table of `name = value`. Values of a sensitive file are
    /// masked wherever the file's text is shown.
    pub(crate) fn add_file(
        &mut self,
        path: &str,
        file: FileId,
        text: &str,
        root: &Node,
        sensitive: bool,
        diags: &mut Diagnostics,
    ) {
        let Some(entries) = root.as_map() else {
            diags.push(
                Diagnostic::error(
                    Code::InvalidVariable,
                    format!(
                        "a vars file must be a table of variables, not {}",
                        root.kind.describe()
                    ),
                )
                .label(root.span.head(), "not a table")
                .help("write one `name = value` per variable (in YAML or JSON: a mapping)"),
            );
            return;
        };
        for entry in entries {
            if sensitive {
                diags.redact(entry.value.span);
            }
            if let Err(problem) = read::check_var_name(&entry.key) {
                diags.push(read::invalid_var_name(&entry.key, entry.key_span, problem));
                continue;
            }
            if entry.value.kind == NodeKind::Null {
                diags.push(
                    Diagnostic::error(
                        Code::InvalidVariable,
                        format!("variable `{}` has no value in this vars file", entry.key),
                    )
                    .label(entry.key_span, "no value")
                    .help("give it a value, or remove it"),
                );
                continue;
            }
            if let Some(value) = read::plain_value(file, text, &entry.value, diags) {
                self.values.push(External {
                    name: entry.key.clone(),
                    value,
                    sensitive,
                    origin: Origin::File {
                        path: path.to_owned(),
                        span: entry.key_span,
                        sensitive,
                    },
                });
            }
        }
    }

    /// `--var KEY=VALUE` arguments; the value is a string.
    pub(crate) fn add_assignments(&mut self, assignments: &[String], diags: &mut Diagnostics) {
        for assignment in assignments {
            let Some((name, value)) = assignment.split_once('=') else {
                diags.push(
                    Diagnostic::error(
                        Code::InvalidVariable,
                        format!("`--var {assignment}` gives no value"),
                    )
                    .help(format!("write `--var {assignment}=VALUE`")),
                );
                continue;
            };
            if let Err(problem) = read::check_var_name(name) {
                diags.push(
                    Diagnostic::error(
                        Code::InvalidVariable,
                        format!("`--var {name}=...` does not name a variable: {problem}"),
                    )
                    .help(format!(
                        "use a lowercase name such as `--var {}=...`",
                        read::suggested_var_name(name)
                    )),
                );
                continue;
            }
            self.values.push(External {
                name: name.to_owned(),
                value: Value::String(value.to_owned()),
                sensitive: false,
                origin: Origin::Assignment,
            });
        }
    }

    /// Reports every value given for a variable that no step of the run declares, with the
    /// closest declared name: usually a misspelling, which would otherwise leave the step's
    /// own value in place without a word. An error, but a warning for the process environment,
    /// which CI may set for every step of a pipeline.
    pub(crate) fn report_undeclared(&self, declared: &BTreeSet<String>, diags: &mut Diagnostics) {
        let names: Vec<&str> = declared.iter().map(String::as_str).collect();
        for external in &self.values {
            let name = external.name.as_str();
            if declared.contains(name) {
                continue;
            }
            let close = crate::diagnostic::closest(name, &names);
            let declare = format!(
                "declare it in the `[vars]` of the step that uses it (`{name} = {{}}` to be given \
                 from outside)"
            );
            let diagnostic = match &external.origin {
                Origin::Assignment => Diagnostic::error(
                    Code::UnknownVariable,
                    format!("`--var {name}=...` sets a variable that no step declares"),
                )
                .help(match close {
                    Some(hit) => format!("did you mean `--var {hit}=...`?"),
                    None => format!("{declare}, or remove the `--var`"),
                }),
                Origin::File { span, .. } => Diagnostic::error(
                    Code::UnknownVariable,
                    format!("variable `{name}` is not declared by any step"),
                )
                .label(*span, "no step declares this variable")
                .help(match close {
                    Some(hit) => format!("did you mean `{hit}`?"),
                    None => format!("{declare}, or remove it from the vars file"),
                }),
                Origin::ProcessEnv(variable) => Diagnostic::warning(
                    Code::UnknownVariable,
                    format!(
                        "environment variable `{variable}` sets `{name}`, which no step declares"
                    ),
                )
                .help(match close {
                    Some(hit) => format!(
                        "did you mean `{}{}`?",
                        variable
                            .strip_suffix(&name.to_ascii_uppercase())
                            .unwrap_or(VAR_PREFIX),
                        hit.to_ascii_uppercase()
                    ),
                    None => format!("{declare}, or unset `{variable}` for this run"),
                }),
                Origin::Step(_) | Origin::Environment { .. } => continue,
            };
            diags.push(diagnostic);
        }
    }

    /// `KSTEP_VAR_<KEY>` and `KSTEP_SENSITIVE_VAR_<KEY>`; `<KEY>` is the variable's name in
    /// upper case. Applied in name order, so the result does not depend on the environment's.
    pub(crate) fn add_process_env(
        &mut self,
        process_env: &[(OsString, OsString)],
        diags: &mut Diagnostics,
    ) {
        let mut found: Vec<(String, String, External)> = Vec::new();
        for (key, value) in process_env {
            let key = key.to_string_lossy();
            let (sensitive, rest) = if let Some(rest) = key.strip_prefix(SENSITIVE_VAR_PREFIX) {
                (true, rest)
            } else if let Some(rest) = key.strip_prefix(VAR_PREFIX) {
                (false, rest)
            } else {
                continue;
            };
            let name = rest.to_ascii_lowercase();
            if let Err(problem) = read::check_var_name(&name) {
                diags.push(
                    Diagnostic::error(
                        Code::InvalidVariable,
                        format!("environment variable `{key}` does not name a variable: {problem}"),
                    )
                    .help(format!(
                        "name it `{}{}`",
                        if sensitive {
                            SENSITIVE_VAR_PREFIX
                        } else {
                            VAR_PREFIX
                        },
                        read::suggested_var_name(&name).to_ascii_uppercase()
                    )),
                );
                continue;
            }
            let Some(value) = value.to_str() else {
                diags.push(
                    Diagnostic::error(
                        Code::InvalidVariable,
                        format!("the value of environment variable `{key}` is not valid UTF-8"),
                    )
                    .help("set it to UTF-8 text"),
                );
                continue;
            };
            found.push((
                name.clone(),
                key.to_string(),
                External {
                    name,
                    value: Value::String(value.to_owned()),
                    sensitive,
                    origin: Origin::ProcessEnv(key.to_string()),
                },
            ));
        }
        found.sort_by(|a, b| (&a.0, &a.1).cmp(&(&b.0, &b.1)));
        for pair in found.windows(2) {
            if pair[0].0 == pair[1].0 {
                diags.push(
                    Diagnostic::error(
                        Code::InvalidVariable,
                        format!("both `{}` and `{}` are set", pair[0].1, pair[1].1),
                    )
                    .help("set only one: the sensitive one if the value is a secret"),
                );
            }
        }
        found.dedup_by(|later, earlier| later.0 == earlier.0);
        self.values
            .extend(found.into_iter().map(|(_, _, external)| external));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn process_env_names_map_to_lowercase_variables() {
        let mut externals = Externals::default();
        let mut diags = Diagnostics::default();
        externals.add_process_env(
            &[
                ("KSTEP_VAR_IMAGE_TAG".into(), "1.2".into()),
                ("KSTEP_SENSITIVE_VAR_DB_PASSWORD".into(), "pw".into()),
                ("PATH".into(), "/bin".into()),
            ],
            &mut diags,
        );
        assert!(!diags.has_errors());
        let names: Vec<(&str, bool)> = externals
            .values
            .iter()
            .map(|e| (e.name.as_str(), e.sensitive))
            .collect();
        assert_eq!(names, [("db_password", true), ("image_tag", false)]);
    }

    #[test]
    fn the_same_variable_twice_in_the_environment_is_an_error() {
        let mut externals = Externals::default();
        let mut diags = Diagnostics::default();
        externals.add_process_env(
            &[
                ("KSTEP_VAR_TOKEN".into(), "a".into()),
                ("KSTEP_SENSITIVE_VAR_TOKEN".into(), "b".into()),
            ],
            &mut diags,
        );
        assert!(diags.has_errors());
        assert_eq!(externals.values.len(), 1);
    }

    #[test]
    fn values_for_undeclared_variables_are_reported() {
        let mut externals = Externals::default();
        let mut diags = Diagnostics::default();
        externals.add_assignments(&["replcas=5".into(), "tag=1".into()], &mut diags);
        externals.add_process_env(&[("KSTEP_VAR_REPLICA".into(), "5".into())], &mut diags);
        let declared: BTreeSet<String> = ["replicas".into(), "tag".into()].into();
        externals.report_undeclared(&declared, &mut diags);
        let found: Vec<(String, Option<String>)> = diags
            .into_sorted()
            .into_iter()
            .map(|d| (d.severity.word().to_owned(), d.help))
            .collect();
        assert_eq!(
            found,
            [
                (
                    "error".to_owned(),
                    Some("did you mean `--var replicas=...`?".to_owned())
                ),
                (
                    "warning".to_owned(),
                    Some("did you mean `KSTEP_VAR_REPLICAS`?".to_owned())
                ),
            ]
        );
    }

    #[test]
    fn assignments_need_a_name_and_a_value() {
        let mut externals = Externals::default();
        let mut diags = Diagnostics::default();
        externals.add_assignments(
            &["tag=1.2=3".into(), "tag".into(), "Tag=1".into()],
            &mut diags,
        );
        assert_eq!(externals.values.len(), 1);
        assert_eq!(externals.values[0].value, Value::String("1.2=3".into()));
        assert_eq!(diags.into_sorted().len(), 2);
    }
}
