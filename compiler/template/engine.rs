//! The template engine: minijinja, set up for values in a step file.
//!
//! - Undefined is strict: a misspelt variable is an error, not an empty string.
//! - A trailing newline is kept: a templated file in a YAML `|` block keeps its last line end.
//! - Nothing reaches outside: no loader (so `include` finds nothing), and `debug()`, which
//!   would print every variable, sensitive or not, is removed.
//! - Printing `none` is an error: it is an unset value (`env` without `--env`), not text.
//!   Booleans print as `true` and `false`, as YAML, JSON and TOML write them.
//! - Work is bounded with minijinja's fuel, which counts instructions and the bytes and items
//!   they produce: each template gets [`TEMPLATE_FUEL`], and each file [`FILE_FUEL`] in all,
//!   so no loop, huge string or number of templates makes a file slow.

use std::sync::LazyLock;

use minijinja::syntax::SyntaxConfig;
use minijinja::value::ValueKind;
use minijinja::{Environment, Error, ErrorKind, UndefinedBehavior, Value};

/// The error detail for printing `none`.
pub(super) const PRINTED_NONE: &str = "none has no text to print";

/// Fuel for one template: thousands of steps, far more than a value needs.
pub(super) const TEMPLATE_FUEL: u64 = 5_000;
/// Fuel for all the templates of one file.
pub(super) const FILE_FUEL: u64 = 500_000;

/// Set up once. The setup cannot fail with these settings; if it did, every render says so.
static ENGINE: LazyLock<Result<Environment<'static>, String>> = LazyLock::new(|| {
    let mut env = Environment::new();
    let syntax = SyntaxConfig::builder()
        .keep_trailing_newline(true)
        .build()
        .map_err(|e| e.to_string())?;
    env.set_syntax(syntax);
    env.set_undefined_behavior(UndefinedBehavior::Strict);
    env.set_fuel(Some(TEMPLATE_FUEL));
    env.set_debug(true);
    env.remove_global("debug");
    env.set_formatter(|out, state, value| {
        if value.is_none() {
            return Err(Error::new(ErrorKind::InvalidOperation, PRINTED_NONE));
        }
        // `true`, as YAML, JSON and TOML write it, not Python's `True`.
        if value.kind() == ValueKind::Bool {
            let text = if value.is_true() { "true" } else { "false" };
            return out.write_str(text).map_err(Error::from);
        }
        minijinja::escape_formatter(out, state, value)
    });
    Ok(env)
});

/// The fuel left for one file's templates.
pub(super) struct Budget {
    remaining: u64,
}

impl Budget {
    pub(super) fn new() -> Self {
        Budget {
            remaining: FILE_FUEL,
        }
    }

    pub(super) fn is_spent(&self) -> bool {
        self.remaining == 0
    }
}

/// Compiles and renders one template. A failed render is charged its whole allowance: the
/// engine does not say how much of it was used.
pub(super) fn render(source: &str, context: Value, budget: &mut Budget) -> Result<String, Error> {
    let engine = ENGINE.as_ref().map_err(|e| {
        Error::new(
            ErrorKind::InvalidOperation,
            format!("the template engine did not start: {e}"),
        )
    })?;
    let result = engine
        .template_from_str(source)
        .and_then(|template| template.render_captured(context))
        .map(|captured| {
            let used = captured
                .state()
                .fuel_levels()
                .map_or(TEMPLATE_FUEL, |(consumed, _)| consumed);
            (captured.into_output(), used)
        });
    let used = match &result {
        Ok((_, used)) => *used,
        Err(_) => TEMPLATE_FUEL,
    };
    budget.remaining = budget.remaining.saturating_sub(used);
    result.map(|(output, _)| output)
}

/// Whether a string uses template syntax at all; plain strings are not compiled.
pub(super) fn is_template(text: &str) -> bool {
    // One pass over the bytes: every string of every step goes through here.
    text.as_bytes()
        .windows(2)
        .any(|pair| pair[0] == b'{' && matches!(pair[1], b'{' | b'%' | b'#'))
}

/// The filters, tests and functions templates have, for "did you mean".
pub(super) const FILTERS: &[&str] = &[
    "abs",
    "attr",
    "batch",
    "bool",
    "capitalize",
    "chain",
    "count",
    "d",
    "default",
    "dictsort",
    "e",
    "escape",
    "first",
    "float",
    "format",
    "groupby",
    "indent",
    "int",
    "items",
    "join",
    "last",
    "length",
    "lines",
    "list",
    "lower",
    "map",
    "max",
    "min",
    "pprint",
    "reject",
    "rejectattr",
    "replace",
    "reverse",
    "round",
    "safe",
    "select",
    "selectattr",
    "slice",
    "sort",
    "split",
    "string",
    "sum",
    "title",
    "trim",
    "unique",
    "upper",
    "zip",
];
pub(super) const TESTS: &[&str] = &[
    "boolean",
    "defined",
    "divisibleby",
    "endingwith",
    "eq",
    "equalto",
    "escaped",
    "even",
    "false",
    "filter",
    "float",
    "ge",
    "greaterthan",
    "gt",
    "in",
    "int",
    "integer",
    "iterable",
    "le",
    "lessthan",
    "lower",
    "lt",
    "mapping",
    "ne",
    "none",
    "number",
    "odd",
    "safe",
    "sameas",
    "sequence",
    "startingwith",
    "string",
    "test",
    "true",
    "undefined",
    "upper",
];
pub(super) const FUNCTIONS: &[&str] = &["dict", "namespace", "range"];

#[cfg(test)]
mod tests {
    use super::*;

    fn run(source: &str) -> Result<String, Error> {
        render(source, Value::from(()), &mut Budget::new())
    }

    #[test]
    fn booleans_print_as_data_languages_write_them() {
        assert_eq!(run("{{ true }} {{ 1 > 2 }}").unwrap(), "true false");
    }

    #[test]
    fn trailing_newlines_stay() {
        assert_eq!(run("a = {{ 1 + 1 }}\n").unwrap(), "a = 2\n");
    }

    #[test]
    fn runaway_templates_run_out_of_fuel() {
        let loops = run(
            "{% for i in range(100000) %}{% for j in range(100000) %}x{% endfor %}{% endfor %}",
        );
        assert_eq!(loops.unwrap_err().kind(), ErrorKind::OutOfFuel);
        let huge = run("{{ 'x' * 100000000 }}");
        assert_eq!(huge.unwrap_err().kind(), ErrorKind::OutOfFuel);
    }

    #[test]
    fn a_file_budget_runs_out() {
        let mut budget = Budget::new();
        let heavy = "{% for i in range(100000) %}{{ i }}{% endfor %}";
        let mut renders = 0;
        while !budget.is_spent() {
            let _ = render(heavy, Value::from(()), &mut budget);
            renders += 1;
        }
        assert_eq!(renders, FILE_FUEL / TEMPLATE_FUEL);
    }

    #[test]
    fn nothing_reaches_outside() {
        assert_eq!(
            run("{{ debug() }}").unwrap_err().kind(),
            ErrorKind::UnknownFunction
        );
        assert!(run("{% include 'Cargo.toml' %}").is_err());
        assert!(run("{{ none }}").is_err(), "none is not text");
    }

    #[test]
    fn the_name_lists_match_the_engine() {
        for filter in FILTERS {
            let result = run(&format!("{{{{ 1 | {filter} }}}}"));
            assert!(
                !matches!(result, Err(e) if e.kind() == ErrorKind::UnknownFilter),
                "{filter}"
            );
        }
        for test in TESTS {
            let result = run(&format!("{{{{ 1 is {test} }}}}"));
            assert!(
                !matches!(result, Err(e) if e.kind() == ErrorKind::UnknownTest),
                "{test}"
            );
        }
        for function in FUNCTIONS {
            let result = run(&format!("{{{{ {function}() }}}}"));
            assert!(
                !matches!(result, Err(e) if e.kind() == ErrorKind::UnknownFunction),
                "{function}"
            );
        }
    }
}
