//! `[lint]`: a level (`allow`, `warn`, `deny`) per lint rule, in a step file or in a
//! `kstep.toml`.

use super::reader::Reader;
use crate::diagnostic as suggest;
use crate::diagnostic::{Code, Diagnostic};
use crate::model::{Level, LintLevels};
use crate::syntax::{Node, NodeKind};

pub(super) fn read(r: &mut Reader<'_>, node: &Node) -> LintLevels {
    let NodeKind::Map(entries) = &node.kind else {
        r.wrong_type(node, "a table of rule levels");
        return Vec::new();
    };
    let rules: Vec<&str> = Code::lint_rules().map(Code::name).collect();
    let mut out = Vec::with_capacity(entries.len());
    for entry in entries {
        let Some(code) = Code::from_name(&entry.key).filter(|c| c.is_lint_rule()) else {
            let mut diagnostic = Diagnostic::error(
                Code::UnknownField,
                format!("unknown lint rule `{}`", entry.key),
            )
            .label(entry.key_span, "not a lint rule");
            diagnostic = match suggest::closest(&entry.key, &rules) {
                Some(hit) => diagnostic.suggest(hit),
                None => diagnostic.help(
                    "the rules are listed in docs/lint.md; `kstep explain <rule>` describes one",
                ),
            };
            r.report(diagnostic);
            continue;
        };
        if let Some(level) = r.choice::<Level>(&entry.value) {
            out.push((code, level));
        }
    }
    out
}
