//! Code actions: every structured fix of the diagnostics at the cursor ("did you mean"
//! replacements, with the quotes the source has), and for a lint finding a comment that
//! ignores its rule on that line, `# kstep-ignore[rule]: reason`, with the reason to fill in.
//! (The comment goes on a line of its own above the finding, where kstep reads it as
//! covering the next line with content; `kstep lint` reports one without a reason.)

use std::collections::HashMap;

use lsp_types::{
    CodeAction, CodeActionKind, CodeActionOrCommand, Position, Range, TextEdit, Uri, WorkspaceEdit,
};

use super::diagnostics::Found;
use crate::diagnostic::Kind;

/// The reason written into an ignore comment, for the user to replace.
pub(crate) const REASON: &str = "say why the rule does not apply here";

/// The actions for the findings the client names (`context.diagnostics`), or else for every
/// finding that touches `range`.
pub(crate) fn actions(
    uri: &Uri,
    text: &str,
    found: &[Found],
    range: Range,
    named: &[lsp_types::Diagnostic],
) -> Vec<CodeActionOrCommand> {
    let mut out = Vec::new();
    let touches = |d: &lsp_types::Diagnostic| {
        if named.is_empty() {
            d.range.start <= range.end && range.start <= d.range.end
        } else {
            named.iter().any(|n| n.range == d.range && n.code == d.code)
        }
    };
    let edit = |edits: Vec<TextEdit>| {
        // `changes` (every client takes it) is a HashMap keyed by `Uri`, whose parsed parts
        // clippy counts as interior mutability; its hash and equality are the string's.
        #[allow(clippy::mutable_key_type)]
        let changes: HashMap<Uri, Vec<TextEdit>> = HashMap::from([(uri.clone(), edits)]);
        WorkspaceEdit {
            changes: Some(changes),
            ..WorkspaceEdit::default()
        }
    };
    for finding in found.iter().filter(|f| touches(&f.diagnostic)) {
        let single = finding.fixes.len() == 1;
        for (title, edits) in &finding.fixes {
            out.push(CodeActionOrCommand::CodeAction(CodeAction {
                title: title.clone(),
                kind: Some(CodeActionKind::QUICKFIX),
                diagnostics: Some(vec![finding.diagnostic.clone()]),
                edit: Some(edit(edits.clone())),
                is_preferred: Some(single),
                ..CodeAction::default()
            }));
        }
        if matches!(finding.code.kind(), Kind::Lint(_)) {
            let line = finding.diagnostic.range.start.line;
            let indent: String = text
                .lines()
                .nth(line as usize)
                .unwrap_or_default()
                .chars()
                .take_while(|c| *c == ' ' || *c == '\t')
                .collect();
            let rule = finding.code.name();
            let comment = format!("{indent}# kstep-ignore[{rule}]: {REASON}\n");
            let at = Position::new(line, 0);
            out.push(CodeActionOrCommand::CodeAction(CodeAction {
                title: format!("Ignore `{rule}` on this line (with a reason)"),
                kind: Some(CodeActionKind::QUICKFIX),
                diagnostics: Some(vec![finding.diagnostic.clone()]),
                edit: Some(edit(vec![TextEdit::new(Range::new(at, at), comment)])),
                is_preferred: Some(false),
                ..CodeAction::default()
            }));
        }
    }
    out
}
