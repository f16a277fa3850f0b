//! Placeholders for the language server: in an editor, a variable the step declares without a
//! value (`version = {}`) is one CI supplies, not a mistake. It gets a placeholder value (its
//! own name) so the step renders, and the templated values that use it are marked, so that
//! what the placeholder makes of them (`replicas = "{{ vars.replicas }}"` is no number) is not
//! reported as the step's problem.

use super::Vars;
use crate::source::Span;
use crate::syntax::{Node, NodeKind};

/// The variables that got a placeholder, and the string values whose templates use one.
#[derive(Clone, Debug, Default)]
pub(crate) struct Placeholders {
    pub(crate) names: Vec<String>,
    pub(crate) spans: Vec<Span>,
}

/// Gives every variable without a value a placeholder.
pub(crate) fn fill_placeholders(vars: &mut Vars, root: &Node) -> Placeholders {
    let mut names = Vec::new();
    for (name, var) in &mut vars.vars {
        if var.value.is_none() && !var.broken {
            var.value = Some(serde_json::Value::String(name.clone()));
            names.push(name.clone());
        }
    }
    let mut spans = Vec::new();
    if !names.is_empty() {
        collect(root, &names, &mut spans);
    }
    Placeholders { names, spans }
}

fn collect(node: &Node, names: &[String], out: &mut Vec<Span>) {
    match &node.kind {
        NodeKind::Str(text) if uses_any(text, names) => out.push(node.span),
        NodeKind::Seq(items) => items.iter().for_each(|item| collect(item, names, out)),
        NodeKind::Map(entries) => entries
            .iter()
            .for_each(|entry| collect(&entry.value, names, out)),
        _ => {}
    }
}

/// Whether a templated string reads one of `names`: `vars.NAME`, `vars["NAME"]` or
/// `vars['NAME']`.
pub(crate) fn uses_any(text: &str, names: &[String]) -> bool {
    if !(text.contains("{{") || text.contains("{%")) {
        return false;
    }
    names.iter().any(|name| uses(text, name))
}

fn uses(text: &str, name: &str) -> bool {
    let dotted = format!("vars.{name}");
    let ident = |c: char| c.is_alphanumeric() || c == '_';
    let by_attribute = text.match_indices(&dotted).any(|(at, _)| {
        let before = text[..at].chars().next_back();
        let after = text[at + dotted.len()..].chars().next();
        !before.is_some_and(ident) && !after.is_some_and(ident)
    });
    by_attribute
        || text.contains(&format!("vars[\"{name}\"]"))
        || text.contains(&format!("vars['{name}']"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_template_uses_a_variable_by_attribute_or_by_item() {
        let names = ["tag".to_owned()];
        for text in [
            "web:{{ vars.tag }}",
            "{{vars.tag}}",
            "{{ vars[\"tag\"] }}",
            "{% if vars['tag'] %}x{% endif %}",
        ] {
            assert!(uses_any(text, &names), "{text}");
        }
        for text in [
            "vars.tag",
            "{{ vars.tags }}",
            "{{ myvars.tag }}",
            "{{ vars.t }}",
        ] {
            assert!(!uses_any(text, &names), "{text}");
        }
    }
}
