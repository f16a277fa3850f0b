//! Template errors as diagnostics that point inside the string: at the misspelt variable,
//! the unknown filter, the broken syntax; with "did you mean" where a near name exists.

use minijinja::{Error, ErrorKind};

use super::context::GLOBALS;
use super::engine::{FILE_FUEL, FILTERS, FUNCTIONS, PRINTED_NONE, TEMPLATE_FUEL, TESTS};
use super::sources::{SENSITIVE_VAR_PREFIX, VAR_PREFIX};
use super::vars::Vars;
use crate::diagnostic::{Code, Diagnostic};
use crate::source::Span;
use crate::syntax::Remap;

/// Where a template is: the file's text, the string value's span, and its content.
pub(super) struct Site<'a> {
    pub(super) text: &'a str,
    pub(super) span: Span,
    pub(super) template: &'a str,
}

impl Site<'_> {
    /// The file span of a byte range of the template; the value's first line without one.
    /// minijinja may point at one byte of a multi-byte character (an unexpected `é`): the
    /// range is widened to whole characters.
    fn span(&self, range: Option<std::ops::Range<usize>>) -> Span {
        match range {
            Some(range) if range.end <= self.template.len() => {
                let mut start = range.start.min(range.end);
                while !self.template.is_char_boundary(start) {
                    start -= 1;
                }
                let mut end = range.end;
                while !self.template.is_char_boundary(end) {
                    end += 1;
                }
                Remap::new(self.text, self.span, self.template).range(start..end)
            }
            _ => Remap::whole(self.text, self.span).range(0..0),
        }
    }
}

/// What the template could see.
pub(super) struct Scope<'a> {
    pub(super) vars: &'a Vars,
    /// Rendering `[step]` or `deployment.name`: `step` and `deployment` do not exist yet.
    pub(super) defining: bool,
    /// The template read a sensitive variable: the engine's details may hold its value.
    pub(super) sensitive: bool,
}

/// The diagnostic for a failed template; `None` when the failure follows from a problem
/// already reported (a variable whose declaration is broken).
pub(super) fn diagnostic(error: &Error, site: &Site<'_>, scope: &Scope<'_>) -> Option<Diagnostic> {
    let span = site.span(error.range());
    let detail = error.detail().unwrap_or("");
    if error.kind() == ErrorKind::UndefinedError
        && let Some(name) = backticked(detail).and_then(|path| path.strip_prefix("vars."))
        && scope.vars.vars.get(name).is_some_and(|v| v.broken)
    {
        return None;
    }
    Some(match error.kind() {
        ErrorKind::SyntaxError => Diagnostic::error(
            Code::TemplateSyntax,
            format!("template syntax error: {detail}"),
        )
        .label(span, "here")
        .help(
            "fix the template; to write `{{` as text, write `{{ \"{{\" }}` or put the text in \
             `{% raw %}...{% endraw %}`",
        ),
        ErrorKind::UndefinedError => undefined(backticked(detail), span, site, scope),
        ErrorKind::UnknownFilter => unknown("filter", detail, FILTERS, span),
        ErrorKind::UnknownTest => unknown("test", detail, TESTS, span),
        ErrorKind::UnknownFunction => unknown("function", detail, FUNCTIONS, span),
        ErrorKind::InvalidOperation if detail == PRINTED_NONE => {
            let expression = error
                .range()
                .and_then(|r| site.template.get(r))
                .unwrap_or("this value");
            printed_none(expression.trim(), span)
        }
        ErrorKind::OutOfFuel => {
            Diagnostic::error(Code::TemplateError, "this template does too much work")
                .label(span, "stopped here")
                .help(format!(
                    "a template renders one value: kstep stops one after {TEMPLATE_FUEL} steps of \
                 work, and a file's templates after {FILE_FUEL} together; simplify it"
                ))
        }
        kind => {
            let message = if scope.sensitive {
                format!(
                    "template error: {kind} (details hidden: the template reads a sensitive variable)"
                )
            } else if detail.is_empty() {
                format!("template error: {kind}")
            } else {
                format!("template error: {kind}: {detail}")
            };
            Diagnostic::error(Code::TemplateError, message)
                .label(span, "fails here")
                .help("fix the expression; see docs/templates.md for what templates can do")
        }
    })
}

/// `5000` → `5,000`.
pub(super) fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// `{{ env }}` without `--env`, `{{ step.namespace }}` in a step without one.
fn printed_none(expression: &str, span: Span) -> Diagnostic {
    let help = match expression {
        "env" => "no environment was chosen: pass `--env NAME`, or give a default: \
                  `{{ env or \"dev\" }}`"
            .to_owned(),
        "step.namespace" => "the step names no namespace: set `namespace` in `[step]`, or give \
                             a default: `{{ step.namespace or \"default\" }}`"
            .to_owned(),
        other => format!("give a default: `{{{{ {other} or \"...\" }}}}`"),
    };
    Diagnostic::error(
        Code::UndefinedVariable,
        format!("`{expression}` has no value to print"),
    )
    .label(span, "none here")
    .help(help)
}

/// The text between the first pair of backticks: minijinja names what is undefined so.
fn backticked(detail: &str) -> Option<&str> {
    let start = detail.find('`')? + 1;
    let len = detail[start..].find('`')?;
    Some(&detail[start..start + len])
}

fn undefined(path: Option<&str>, span: Span, site: &Site<'_>, scope: &Scope<'_>) -> Diagnostic {
    let Some(path) = path else {
        return Diagnostic::error(
            Code::UndefinedVariable,
            "the template uses an undefined value",
        )
        .label(span, "undefined")
        .help("templates can use `vars`, `env`, `step` and `deployment`");
    };
    let mut parts = path.splitn(3, '.');
    let root = parts.next().unwrap_or(path);
    let key = parts.next();
    let error = |message: String, label: &str| {
        Diagnostic::error(Code::UndefinedVariable, message).label(span, label)
    };
    match (root, key) {
        ("vars", Some(name)) => undefined_var(name, path, span, site, scope),
        ("step" | "deployment", _) if scope.defining => {
            error(format!("`{root}` is not available here"), "not defined yet").help(
                "`[step]` and `deployment.name` define the step, so their templates can use only \
             `vars` and `env`",
            )
        }
        ("step", Some(key)) => error(format!("`step` has no `{key}`"), "not a field of `step`")
            .help("`step` has `id` and `namespace`"),
        ("deployment", Some(key)) => error(
            format!("`deployment` has no `{key}`"),
            "not a field of `deployment`",
        )
        .help("`deployment` is the deployment id; `deployment.id` is the same"),
        (_, Some(_)) => error(format!("`{path}` is undefined"), "undefined"),
        (name, None) => {
            let mut diagnostic = error(format!("undefined name `{name}`"), "not defined");
            diagnostic = if scope.vars.vars.contains_key(name) {
                diagnostic.help(format!(
                    "did you mean `vars.{name}`? variables are under `vars`"
                ))
            } else if let Some(hit) = crate::diagnostic::closest(name, GLOBALS) {
                diagnostic.suggest(hit)
            } else {
                diagnostic.help("templates can use `vars`, `env`, `step` and `deployment`")
            };
            diagnostic
        }
    }
}

fn undefined_var(
    name: &str,
    path: &str,
    span: Span,
    site: &Site<'_>,
    scope: &Scope<'_>,
) -> Diagnostic {
    let give = format!(
        "give it with `--var {name}=...`, a vars file, or the environment variable {VAR_PREFIX}{upper} ({SENSITIVE_VAR_PREFIX}{upper} for a secret)",
        upper = name.to_ascii_uppercase()
    );
    match scope.vars.vars.get(name) {
        Some(var) if var.value.is_none() => {
            let mut diagnostic = Diagnostic::error(
                Code::UndefinedVariable,
                format!("variable `{name}` has no value"),
            )
            .label(span, "used here");
            if let Some(declared) = var.origin.span().filter(|s| s.file == site.span.file) {
                diagnostic = diagnostic.label(declared, "declared here without a value");
            }
            diagnostic.help(give)
        }
        Some(var) => {
            let rest = &path[path.find(name).map_or(0, |i| i + name.len())..];
            let from = var.origin.describe(name);
            Diagnostic::error(
                Code::UndefinedVariable,
                format!(
                    "`vars.{name}` has nothing at `{}`",
                    rest.trim_start_matches('.')
                ),
            )
            .label(span, "undefined")
            .note(format!("`vars.{name}` comes from {from}"))
            .help("check the variable's value: it has no such key or attribute")
        }
        None => {
            let names = scope.vars.names();
            let help = match crate::diagnostic::closest(name, &names) {
                Some(hit) => format!("did you mean `vars.{hit}`?"),
                None if scope.vars.environment.is_some() => {
                    format!("define `{name}` in [vars] or in the environment's vars, or {give}")
                }
                None => format!("define `{name}` in [vars], or {give}"),
            };
            Diagnostic::error(
                Code::UndefinedVariable,
                format!("undefined variable `{name}`"),
            )
            .label(span, format!("`vars.{name}` is not defined"))
            .help(help)
        }
    }
}

/// `filter upperr is unknown`, `test x is unknown`, `x is unknown`.
fn unknown(what: &str, detail: &str, known: &[&str], span: Span) -> Diagnostic {
    let name = detail
        .trim_start_matches(what)
        .split_whitespace()
        .next()
        .unwrap_or(detail);
    let help = match crate::diagnostic::closest(name, known) {
        Some(hit) => format!("did you mean `{hit}`?"),
        None => format!("the {what}s templates have are listed in docs/templates.md"),
    };
    Diagnostic::error(Code::UnknownFilter, format!("unknown {what} `{name}`"))
        .label(span, format!("no such {what}"))
        .help(help)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_get_separators() {
        assert_eq!(thousands(5), "5");
        assert_eq!(thousands(5_000), "5,000");
        assert_eq!(thousands(500_000), "500,000");
    }

    #[test]
    fn names_come_from_backticks() {
        assert_eq!(backticked("`vars.x` is undefined"), Some("vars.x"));
        assert_eq!(backticked("no name"), None);
    }
}
