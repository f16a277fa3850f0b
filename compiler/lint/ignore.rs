//! `# kstep-ignore[rule]: reason` comments: silence a lint rule on one line.
//!
//! At the end of a line, the comment covers that line; on a line of its own, the next line
//! with content. The reason is mandatory: a reviewer should see why the rule does not apply.
//! A comment that silences nothing is reported, so stale ones do not pile up.

use crate::diagnostic::closest;
use crate::diagnostic::{Code, Diagnostic, Diagnostics};
use crate::source::{FileId, SourceMap, Span};
use crate::syntax::{Node, NodeKind};

const MARKER: &str = "kstep-ignore";

/// The spans of every key and scalar value in a parsed file: a `#` inside one starts no
/// comment.
pub(crate) fn literal_spans(root: &Node) -> Vec<Span> {
    fn walk(node: &Node, out: &mut Vec<Span>) {
        match &node.kind {
            NodeKind::Seq(items) => items.iter().for_each(|item| walk(item, out)),
            NodeKind::Map(entries) => {
                for entry in entries {
                    out.push(entry.key_span);
                    walk(&entry.value, out);
                }
            }
            _ => out.push(node.span),
        }
    }
    let mut out = Vec::new();
    walk(root, &mut out);
    out
}

/// The ignore comments of one file.
#[derive(Debug, Default)]
pub(crate) struct Ignores {
    items: Vec<Ignore>,
}

#[derive(Debug)]
struct Ignore {
    /// Zero-based line the comment covers.
    line: usize,
    code: Code,
    span: Span,
    used: bool,
}

impl Ignores {
    /// Finds the comments in `text`; malformed ones are reported. A `#` inside one of the
    /// file's `literals` (`"a # b"`, a block scalar; see [`literal_spans`]) starts no comment.
    pub(crate) fn scan(
        file: FileId,
        text: &str,
        literals: &[Span],
        diags: &mut Diagnostics,
    ) -> Ignores {
        let in_literal = |at: usize| {
            literals
                .iter()
                .any(|s| (s.start as usize) <= at && at < s.end as usize)
        };
        let lines: Vec<(usize, &str)> = text
            .split_inclusive('\n')
            .scan(0, |offset, line| {
                let start = *offset;
                *offset += line.len();
                Some((start, line))
            })
            .collect();
        let mut items = Vec::new();
        for (index, (start, line)) in lines.iter().enumerate() {
            let Some(hash) = line
                .match_indices('#')
                .map(|(i, _)| i)
                .find(|&i| !in_literal(start + i))
            else {
                continue;
            };
            let comment = line[hash + 1..].trim_start();
            let Some(rest) = comment.strip_prefix(MARKER) else {
                continue;
            };
            let at = start + hash;
            let span = Span::new(file, at, at + line[hash..].trim_end().len());
            let own_line = line[..hash].trim().is_empty();
            let line = if own_line {
                (index + 1..lines.len())
                    .find(|&i| {
                        let t = lines[i].1.trim();
                        !t.is_empty() && !t.starts_with('#')
                    })
                    .unwrap_or(index)
            } else {
                index
            };
            match parse(rest) {
                Ok(codes) => items.extend(codes.into_iter().map(|code| Ignore {
                    line,
                    code,
                    span,
                    used: false,
                })),
                Err((message, help)) => diags.push(
                    Diagnostic::error(Code::InvalidIgnore, message)
                        .label(span, "this comment")
                        .help(help),
                ),
            }
        }
        Ignores { items }
    }

    /// Removes the lint findings the comments cover.
    pub(crate) fn apply(&mut self, found: &mut Vec<Diagnostic>, sources: &SourceMap) {
        found.retain(|diagnostic| {
            let Some(span) = diagnostic.primary_span() else {
                return true;
            };
            if !diagnostic.code.is_lint_rule() {
                return true;
            }
            let line = sources.get(span.file).line_index(span.start);
            let ignore = self
                .items
                .iter_mut()
                .find(|i| i.span.file == span.file && i.line == line && i.code == diagnostic.code);
            match ignore {
                Some(ignore) => {
                    ignore.used = true;
                    false
                }
                None => true,
            }
        });
    }

    /// Warnings for the comments that silenced nothing.
    pub(crate) fn unused(self) -> impl Iterator<Item = Diagnostic> {
        self.items.into_iter().filter(|i| !i.used).map(|i| {
            Diagnostic::warning(
                Code::UnusedIgnore,
                format!(
                    "this comment ignores `{}`, which reports nothing here",
                    i.code.name()
                ),
            )
            .label(i.span, "silences nothing")
            .help("remove the comment, or move it to the line the rule reports")
        })
    }
}

/// `[rule, rule]: reason` after the marker.
fn parse(rest: &str) -> Result<Vec<Code>, (String, String)> {
    let usage = "write `# kstep-ignore[<rule>]: <why the rule does not apply here>`".to_owned();
    let Some(inner) = rest.strip_prefix('[') else {
        return Err(("a `kstep-ignore` comment must name its rule".into(), usage));
    };
    let Some((names, after)) = inner.split_once(']') else {
        return Err(("a `kstep-ignore` comment must name its rule".into(), usage));
    };
    let rules: Vec<&str> = Code::lint_rules().map(Code::name).collect();
    let mut codes = Vec::new();
    for name in names.split(',').map(str::trim) {
        match Code::from_name(name) {
            Some(code) if code.is_lint_rule() => codes.push(code),
            Some(_) => {
                return Err((
                    format!("`{name}` is not a lint rule, so it cannot be ignored"),
                    "errors are problems the cluster would reject or that cannot work; fix them instead".into(),
                ));
            }
            None => {
                let help = match closest(name, &rules) {
                    Some(hit) => format!("did you mean `{hit}`?"),
                    None => "the rules are listed in docs/lint.md".into(),
                };
                return Err((format!("unknown lint rule `{name}`"), help));
            }
        }
    }
    let reason = after.strip_prefix(':').map(str::trim).unwrap_or_default();
    if reason.is_empty() {
        return Err(("a `kstep-ignore` comment needs a reason".into(), usage));
    }
    Ok(codes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn comments_need_a_rule_and_a_reason() {
        assert_eq!(
            parse("[no-liveness-probe]: a batch job").unwrap(),
            [Code::NoLivenessProbe]
        );
        assert_eq!(
            parse("[no-liveness-probe, host-port]: node agent")
                .unwrap()
                .len(),
            2
        );
        assert!(parse("[no-liveness-probe]").is_err());
        assert!(parse("[no-liveness-probe]:   ").is_err());
        assert!(parse(": reason").is_err());
        assert!(parse("[no-livenes-probe]: x").is_err());
        assert!(
            parse("[wrong-type]: x").is_err(),
            "errors cannot be ignored"
        );
    }
}
