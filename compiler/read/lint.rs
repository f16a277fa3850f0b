//! `[lint]`: a level (`allow`, `warn`, `deny`) per lint rule, in a step file or in a
//! `kstep.toml`.

use super::reader::Reader;
use super::suggest;
use crate::diagnostic::{Code, Diagnostic};
use crate::lint;
use crate::model::{Level, LintLevels, Spanned};
use crate::syntax::{Node, NodeKind};

pub(super) fn read(r: &mut Reader<'_>, node: &Node) -> LintLevels {
    let NodeKind::Map(entries) = &node.kind else {
        r.wrong_type(node, "a table of rule levels");
        return Vec::new();
    };
    let rules: Vec<&str> = lint::RULES.iter().map(|(c, _)| c.name()).collect();
    let mut out = Vec::with_capacity(entries.len());
    for entry in entries {
        let Some(code) = Code::from_name(&entry.key).filter(|c| lint::is_rule(*c)) else {
            let mut diagnostic = Diagnostic::error(
                Code::UnknownField,
                format!("unknown lint rule `{}`", entry.key),
            )
            .label(entry.key_span, "not a lint rule");
            diagnostic = match suggest::closest(&entry.key, &rules) {
                Some(hit) => diagnostic.help(format!("did you mean `{hit}`?")),
                None => diagnostic.help(
                    "the rules are listed in docs/lint.md; `kstep explain <rule>` describes one",
                ),
            };
            r.report(diagnostic);
            continue;
        };
        let Some(word) = r.string(&entry.value) else {
            continue;
        };
        match Level::from_word(&word.value) {
            Some(level) => out.push((code, Spanned::new(level, word.span))),
            None => {
                let help = match suggest::closest(&word.value, Level::WORDS) {
                    Some(hit) => format!("did you mean `{hit}`?"),
                    None => format!("use {}", suggest::one_of(Level::WORDS)),
                };
                r.report(
                    Diagnostic::error(
                        Code::InvalidChoice,
                        format!("`{}` is not a rule level", word.value),
                    )
                    .label(word.span, "expected `allow`, `warn` or `deny`")
                    .help(help),
                );
            }
        }
    }
    out
}
