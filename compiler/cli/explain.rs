//! `kstep explain`: a code's page, the list of every code, and help for a code that does not
//! exist.

use kstep::diagnostic::{Code, Severity};

/// The page of the code `name` (`unknown-field` or `kstep::unknown-field`), or, for a name
/// that is no code, the message saying which codes are close.
pub(crate) fn page(name: &str) -> Result<&'static str, String> {
    if let Some(code) = Code::from_name(name) {
        return Ok(code.explanation());
    }
    let wanted = name.strip_prefix("kstep::").unwrap_or(name);
    let close: Vec<String> = Code::suggest(wanted)
        .iter()
        .map(|c| format!("`{c}`"))
        .collect();
    let mut message = format!("kstep: no diagnostic code `{wanted}`");
    match close.as_slice() {
        [] => {}
        [one] => message.push_str(&format!("; did you mean {one}?")),
        [init @ .., last] => {
            message.push_str(&format!("; did you mean {} or {last}?", init.join(", ")));
        }
    }
    message.push_str("\n  help: `kstep explain --list` lists every code");
    Err(message)
}

/// Every code with its summary, in three groups: errors, warnings and lint rules (each in
/// catalog order).
pub(crate) fn list() -> String {
    let width = Code::ALL
        .iter()
        .map(|c| c.to_string().len())
        .max()
        .unwrap_or(0);
    let mut out = String::new();
    type Group = (&'static str, fn(Code) -> bool);
    let groups: [Group; 3] = [
        (
            "Errors: kstep writes nothing and exits with 1 (2 for files and the command line)",
            |c| !c.is_lint_rule() && c.severity() == Severity::Error,
        ),
        ("Warnings: reported, and the output is still written", |c| {
            !c.is_lint_rule() && c.severity() == Severity::Warning
        }),
        (
            "Lint rules: reported by `kstep lint` only, at the level shown unless [lint] sets another",
            Code::is_lint_rule,
        ),
    ];
    for (i, (title, belongs)) in groups.iter().enumerate() {
        if i > 0 {
            out.push('\n');
        }
        out.push_str(title);
        out.push('\n');
        for code in Code::ALL.iter().copied().filter(|c| belongs(*c)) {
            let name = code.to_string();
            let summary = code.summary();
            if code.is_lint_rule() {
                let level = code.severity().word();
                out.push_str(&format!("  {name:width$}  {level:7}  {summary}\n"));
            } else {
                out.push_str(&format!("  {name:width$}  {summary}\n"));
            }
        }
    }
    out.push_str("\n`kstep explain CODE` describes one.\n");
    out
}
