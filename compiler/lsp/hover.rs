//! Hover: what the step file's shape says about the key under the cursor (its description,
//! type, default, allowed words and an example), a template variable's value and where it
//! comes from (masked when sensitive; a placeholder when CI supplies it), and the
//! `kstep explain` page of a diagnostic at the cursor.

use lsp_types::{Hover, HoverContents, MarkupContent, MarkupKind, Position, Range};

use super::diagnostics::Found;
use super::schema::{self, Segment};
use super::tree;
use crate::template::Vars;

/// What hover needs of a document.
pub(crate) struct Context<'a> {
    pub(crate) text: &'a str,
    pub(crate) parsed: Option<&'a tree::Parsed>,
    pub(crate) offset: usize,
    pub(crate) position: Position,
    /// The document's diagnostics as published.
    pub(crate) found: &'a [Found],
    pub(crate) vars: Option<&'a Vars>,
    pub(crate) placeholders: &'a [String],
}

pub(crate) fn hover(context: &Context<'_>) -> Option<Hover> {
    let mut sections = Vec::new();
    if let Some(name) = variable_at(context.text, context.offset) {
        sections.push(variable(&name, context));
    } else if let Some(parsed) = context.parsed
        && let Some(hit) = tree::at(&parsed.root, context.offset)
    {
        if let Some(Segment::Key(first)) = hit.path.first()
            && first == "vars"
            && hit.on_key
            && hit.path.len() == 2
            && let Some(Segment::Key(name)) = hit.path.get(1)
        {
            sections.push(variable(name, context));
        }
        if let Some(text) = key_doc(&hit.path) {
            sections.push(text);
        }
    }
    for found in context.found {
        if within(&found.diagnostic.range, context.position) {
            sections.push(explain(found));
        }
    }
    if sections.is_empty() {
        return None;
    }
    Some(Hover {
        contents: HoverContents::Markup(MarkupContent {
            kind: MarkupKind::Markdown,
            value: sections.join("\n\n---\n\n"),
        }),
        range: None,
    })
}

fn within(range: &Range, position: Position) -> bool {
    range.start <= position && position <= range.end
}

/// What the schema says about the key at `path`, in Markdown.
pub(crate) fn key_doc(path: &[Segment]) -> Option<String> {
    let Some(Segment::Key(_)) = path.last() else {
        return None;
    };
    let here = schema::at(path)?;
    let required = schema::at(&path[..path.len() - 1]).is_some_and(
        |table| matches!(path.last(), Some(Segment::Key(key)) if schema::is_required(table, key)),
    );
    let info = schema::info(here, required);
    let mut out = format!("**`{}`**", tree::dotted(path));
    if !info.types.is_empty() {
        out.push_str(&format!(" — {}", info.types.join(" or ")));
    }
    if info.required {
        out.push_str(", required");
    }
    if let Some(description) = &info.description {
        out.push_str(&format!("\n\n{description}"));
    }
    if !info.words.is_empty() {
        let words: Vec<String> = info.words.iter().map(|w| format!("`{w}`")).collect();
        out.push_str(&format!("\n\nOne of {}.", words.join(", ")));
    }
    if let Some(default) = &info.default {
        out.push_str(&format!("\n\nDefault: `{default}`"));
    }
    if let Some(example) = info.examples.first() {
        out.push_str(&format!("\n\nExample: `{example}`"));
    }
    Some(out)
}

/// The variable name in a template around `offset`: `{{ vars.NAME }}` or `vars["NAME"]`.
pub(crate) fn variable_at(text: &str, offset: usize) -> Option<String> {
    let line_start = text[..offset.min(text.len())]
        .rfind('\n')
        .map_or(0, |i| i + 1);
    let line_end = text[offset.min(text.len())..]
        .find('\n')
        .map_or(text.len(), |i| offset + i);
    let line = &text[line_start..line_end];
    let at = offset - line_start;
    let ident = |c: char| c.is_alphanumeric() || c == '_';
    for (start, _) in line.match_indices("vars") {
        let before = line[..start].chars().next_back();
        if before.is_some_and(ident) {
            continue;
        }
        let rest = &line[start + 4..];
        let (name_start, name) = if let Some(after) = rest.strip_prefix('.') {
            let len = after.find(|c: char| !ident(c)).unwrap_or(after.len());
            (start + 5, &after[..len])
        } else if let Some(after) = rest.strip_prefix("[\"").or_else(|| rest.strip_prefix("['")) {
            let len = after.find(['"', '\'']).unwrap_or(after.len());
            (start + 6, &after[..len])
        } else {
            continue;
        };
        if !name.is_empty() && start <= at && at <= name_start + name.len() {
            // Only inside a template.
            let open = line[..start]
                .rfind("{{")
                .or_else(|| line[..start].rfind("{%"));
            if open.is_some() {
                return Some(name.to_owned());
            }
        }
    }
    None
}

fn variable(name: &str, context: &Context<'_>) -> String {
    let Some(var) = context.vars.and_then(|vars| vars.vars.get(name)) else {
        return format!(
            "**`vars.{name}`**\n\nNot a variable of this step: declare it in `[vars]`."
        );
    };
    let placeholder = context.placeholders.iter().any(|p| p == name);
    let value = if placeholder {
        "a placeholder: declared without a value, CI supplies it (`--var`, a vars file or \
         `KSTEP_VAR_*`)"
            .to_owned()
    } else if var.sensitive {
        "`••••••` (sensitive)".to_owned()
    } else {
        match &var.value {
            Some(value) => format!("`{value}`"),
            None => "no value".to_owned(),
        }
    };
    let mut out = format!("**`vars.{name}`** = {value}");
    if !placeholder {
        out.push_str(&format!("\n\nFrom `{}`", var.origin.describe(name)));
        if !var.overridden.is_empty() {
            let replaced: Vec<String> = var
                .overridden
                .iter()
                .map(|o| format!("`{}`", o.describe(name)))
                .collect();
            out.push_str(&format!(", replacing {}", replaced.join(", ")));
        }
        out.push('.');
    }
    out
}

/// The diagnostic's page, as `kstep explain` prints it.
fn explain(found: &Found) -> String {
    found.code.explanation().trim().to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn variables_are_found_inside_templates_only() {
        let text =
            "image = \"web:{{ vars.tag }}\"\nx = \"vars.tag\"\ny = \"{{ vars['other'] }}\"\n";
        let at = |needle: &str, plus: usize| variable_at(text, text.find(needle).unwrap() + plus);
        assert_eq!(at("vars.tag }}", 6).as_deref(), Some("tag"));
        assert_eq!(at("vars.tag }}", 0).as_deref(), Some("tag"));
        assert_eq!(at("\"vars.tag\"", 3), None);
        assert_eq!(at("other", 1).as_deref(), Some("other"));
    }

    #[test]
    fn keys_are_described_from_the_schema() {
        let path = [
            Segment::Key("containers".into()),
            Segment::Item,
            Segment::Key("pull_policy".into()),
        ];
        let doc = key_doc(&path).unwrap();
        assert!(
            doc.starts_with("**`containers[].pull_policy`** — string"),
            "{doc}"
        );
        assert!(
            doc.contains("One of `Always`, `IfNotPresent`, `Never`."),
            "{doc}"
        );
        let image = key_doc(&[
            Segment::Key("containers".into()),
            Segment::Item,
            Segment::Key("image".into()),
        ])
        .unwrap();
        assert!(image.contains(", required"), "{image}");
    }
}
