//! Rendering every templated string of a step file's tree.
//!
//! `[step]` and `deployment.name` are rendered first, with only `vars` and `env`: they define
//! the step id and namespace that every other template sees as `step`. `[vars]`, `[env]` and
//! `[lint]` are data and are not rendered. A string that fails to render becomes
//! [`NodeKind::Invalid`], so reading skips it without a second report.

use minijinja::Value;

use super::context::Context;
use super::diagnose::{self, Scope, Site};
use super::engine::{self, Budget};
use super::vars::Vars;
use crate::diagnostic::{Code, Diagnostic, Diagnostics};
use crate::source::Span;
use crate::syntax::{Node, NodeKind, Rendered};

/// What the templates of a step used.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct Usage {
    /// Some template read the deployment id.
    pub(crate) deployment_id: bool,
}

/// The tables that choose a step's workload kind, each with the `name` that defines the step
/// (as `model::Kind::TABLES` lists them).
const WORKLOAD_TABLES: &[&str] = &[
    "deployment",
    "stateful_set",
    "daemon_set",
    "job",
    "cron_job",
];

/// Whether any string in `root` is a template. A step without one is read as it was
/// parsed: rendering would only copy the tree.
pub(crate) fn has_templates(root: &Node) -> bool {
    match &root.kind {
        NodeKind::Str(text) => engine::is_template(text),
        NodeKind::Seq(items) => items.iter().any(has_templates),
        NodeKind::Map(entries) => entries.iter().any(|e| has_templates(&e.value)),
        _ => false,
    }
}

/// Renders a copy of `root` with `deployment_id` as the deployment id.
pub(crate) fn render(
    text: &str,
    root: &Node,
    vars: &Vars,
    deployment_id: &str,
    diags: &mut Diagnostics,
) -> (Node, Usage) {
    let mut tree = root.clone();
    let context = Context::new(vars, deployment_id);
    let mut renderer = Renderer {
        text,
        vars,
        context: &context,
        budget: Budget::new(),
        skipped: Vec::new(),
        diags,
    };
    if let NodeKind::Map(entries) = &mut tree.kind {
        let defining = context.defining();
        for entry in entries.iter_mut() {
            match entry.key.as_str() {
                "step" => renderer.visit(&mut entry.value, &defining, true),
                table if WORKLOAD_TABLES.contains(&table) => {
                    if let Some(name) = field(&mut entry.value, "name") {
                        renderer.visit(name, &defining, true);
                    }
                }
                _ => {}
            }
        }
        let step = tree_text(&tree, "step", "id").or_else(|| {
            WORKLOAD_TABLES
                .iter()
                .find_map(|table| tree_text(&tree, table, "name"))
        });
        let namespace = tree_text(&tree, "step", "namespace");
        let full = context.full(step.as_deref(), namespace.as_deref());
        if let NodeKind::Map(entries) = &mut tree.kind {
            for entry in entries.iter_mut() {
                match entry.key.as_str() {
                    "vars" | "env" | "lint" | "step" => {}
                    table if WORKLOAD_TABLES.contains(&table) => {
                        if let NodeKind::Map(fields) = &mut entry.value.kind {
                            for field in fields.iter_mut().filter(|f| f.key != "name") {
                                renderer.visit(&mut field.value, &full, false);
                            }
                        }
                    }
                    _ => renderer.visit(&mut entry.value, &full, false),
                }
            }
        }
    }
    renderer.report_skipped();
    let usage = Usage {
        deployment_id: context.deployment.was_read(),
    };
    (tree, usage)
}

fn field<'n>(node: &'n mut Node, key: &str) -> Option<&'n mut Node> {
    match &mut node.kind {
        NodeKind::Map(entries) => entries
            .iter_mut()
            .find(|e| e.key == key)
            .map(|e| &mut e.value),
        _ => None,
    }
}

/// A string the step defines itself with, once rendered (never sensitive text).
fn tree_text(tree: &Node, table: &str, key: &str) -> Option<String> {
    match &tree.get(table)?.get(key)?.kind {
        NodeKind::Str(s) => Some(s.clone()),
        NodeKind::Rendered(r) if !r.sensitive => Some(r.text.clone()),
        _ => None,
    }
}

struct Renderer<'a> {
    text: &'a str,
    vars: &'a Vars,
    context: &'a Context,
    budget: Budget,
    /// Templates left unrendered because the file's budget was spent.
    skipped: Vec<Span>,
    diags: &'a mut Diagnostics,
}

impl Renderer<'_> {
    fn visit(&mut self, node: &mut Node, context: &Value, defining: bool) {
        match &mut node.kind {
            NodeKind::Str(template) if engine::is_template(template) => {
                let template = std::mem::take(template);
                node.kind = self.render(node.span, template, context, defining);
            }
            NodeKind::Seq(items) => {
                for item in items {
                    self.visit(item, context, defining);
                }
            }
            NodeKind::Map(entries) => {
                for entry in entries {
                    self.visit(&mut entry.value, context, defining);
                }
            }
            _ => {}
        }
    }

    fn render(
        &mut self,
        span: Span,
        template: String,
        context: &Value,
        defining: bool,
    ) -> NodeKind {
        if self.budget.is_spent() {
            self.skipped.push(span);
            return NodeKind::Invalid;
        }
        let result = engine::render(&template, context.clone(), &mut self.budget);
        let read = self.context.vars.take_read();
        let sensitive = read
            .iter()
            .any(|name| self.vars.vars.get(name).is_some_and(|v| v.sensitive));
        match result {
            Ok(text) => NodeKind::Rendered(Box::new(Rendered {
                text,
                provenance: self.provenance(&read),
                template,
                sensitive,
            })),
            Err(error) => {
                let site = Site {
                    text: self.text,
                    span,
                    template: &template,
                };
                let scope = Scope {
                    vars: self.vars,
                    defining,
                    sensitive,
                };
                if let Some(diagnostic) = diagnose::diagnostic(&error, &site, &scope) {
                    self.diags.push(diagnostic);
                }
                NodeKind::Invalid
            }
        }
    }

    /// Where the variables a template read came from: `vars.tag` is `"1.2"`, from --var.
    fn provenance(&self, read: &std::collections::BTreeSet<String>) -> Vec<String> {
        read.iter()
            .filter_map(|name| {
                let var = self.vars.vars.get(name)?;
                let value = var.value.as_ref()?;
                let from = var.origin.describe(name);
                Some(if var.sensitive {
                    format!("`vars.{name}` is sensitive, from {from}")
                } else {
                    format!("`vars.{name}` is {}, from {from}", json(value))
                })
            })
            .collect()
    }

    fn report_skipped(&mut self) {
        let Some(&first) = self.skipped.first() else {
            return;
        };
        self.diags.push(
            Diagnostic::error(
                Code::TemplateError,
                match self.skipped.len() {
                    1 => "1 template was not rendered: this file's templates used up their budget"
                        .to_owned(),
                    n => format!(
                        "{n} templates were not rendered: this file's templates used up their budget"
                    ),
                },
            )
            .label(first, "the first one not rendered")
            .help(format!(
                "kstep gives all the templates of a file {} steps of work together; make the \
                 templates simpler, or fix the failing ones (each failure uses up {} steps)",
                diagnose::thousands(engine::FILE_FUEL),
                diagnose::thousands(engine::TEMPLATE_FUEL)
            )),
        );
    }
}

/// A variable's value for a message, as JSON (strings quoted), cut short when long.
fn json(value: &serde_json::Value) -> String {
    const MAX: usize = 60;
    let text = value.to_string();
    if text.chars().count() > MAX {
        let cut: String = text.chars().take(MAX - 1).collect();
        format!("{cut}…")
    } else {
        text
    }
}
