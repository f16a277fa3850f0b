//! The outline (document symbols): the Deployment, containers and their ports, volumes,
//! Services and their ports, Ingresses with their rules and paths, and the step's
//! ConfigMaps and Secrets, nested as in the file. A symbol's range covers its whole table
//! (TOML spreads one over headers and dotted keys: the range is the span of everything in
//! it); its name is where the name is written, or the key.

use lsp_types::{DocumentSymbol, SymbolKind};

use crate::source::Span;
use crate::syntax::{Entry, Node, NodeKind};

/// A symbol before positions are known: byte spans.
pub(crate) struct Symbol {
    pub(crate) name: String,
    pub(crate) detail: Option<String>,
    pub(crate) kind: SymbolKind,
    pub(crate) range: Span,
    pub(crate) selection: Span,
    pub(crate) children: Vec<Symbol>,
}

/// The document's outline.
pub(crate) fn symbols(root: &Node) -> Vec<Symbol> {
    let Some(entries) = root.as_map() else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for entry in entries {
        let value = &entry.value;
        match entry.key.as_str() {
            "deployment" | "stateful_set" | "daemon_set" | "job" | "cron_job" => {
                let kind = match entry.key.as_str() {
                    "stateful_set" => "StatefulSet",
                    "daemon_set" => "DaemonSet",
                    "job" => "Job",
                    "cron_job" => "CronJob",
                    _ => "Deployment",
                };
                out.push(table(entry, value, kind, SymbolKind::MODULE, Vec::new()));
            }
            "containers" => {
                for item in items(value) {
                    let ports = items_of(item, "ports")
                        .map(|port| element(port, "port", SymbolKind::FIELD, Vec::new()))
                        .collect();
                    out.push(element(item, "container", SymbolKind::CLASS, ports));
                }
            }
            "volumes" => out
                .extend(items(value).map(|v| element(v, "volume", SymbolKind::STRUCT, Vec::new()))),
            "service" => out.push(service(entry, value)),
            "services" => out.extend(items(value).map(|s| service(entry, s))),
            "ingress" => out.push(ingress(entry, value)),
            "ingresses" => out.extend(items(value).map(|i| ingress(entry, i))),
            "config_maps" | "secrets" => {
                let what = if entry.key == "secrets" {
                    "Secret"
                } else {
                    "ConfigMap"
                };
                for owned in value.as_map().unwrap_or_default() {
                    out.push(Symbol {
                        name: owned.key.clone(),
                        detail: Some(what.to_owned()),
                        kind: SymbolKind::OBJECT,
                        range: extent(&owned.value).to(owned.key_span),
                        selection: owned.key_span,
                        children: Vec::new(),
                    });
                }
            }
            _ => {}
        }
    }
    out
}

fn items(node: &Node) -> impl Iterator<Item = &Node> {
    match &node.kind {
        NodeKind::Seq(items) => items.iter(),
        _ => [].iter(),
    }
}

fn items_of<'a>(node: &'a Node, key: &str) -> impl Iterator<Item = &'a Node> {
    node.get(key).map(items).into_iter().flatten()
}

fn text(node: Option<&Node>) -> Option<String> {
    match &node?.kind {
        NodeKind::Str(s) => Some(s.clone()),
        NodeKind::Int(i) => Some(i.to_string()),
        _ => None,
    }
}

/// A list element named by its `name` (or, without one, by what it is).
fn element(node: &Node, what: &str, kind: SymbolKind, children: Vec<Symbol>) -> Symbol {
    let name_node = node.get("name");
    let port = text(node.get("port"));
    let name = text(name_node)
        .or_else(|| port.clone())
        .unwrap_or_else(|| what.to_owned());
    let detail = match (what, port) {
        ("port", Some(port)) if name != port => Some(format!("port {port}")),
        _ => Some(what.to_owned()),
    };
    let selection = name_node.map_or(node.span, |n| n.span);
    Symbol {
        name,
        detail,
        kind,
        range: extent(node).to(selection),
        selection,
        children,
    }
}

/// A table under a key, named by its `name` or else by `what`.
fn table(
    entry: &Entry,
    node: &Node,
    what: &str,
    kind: SymbolKind,
    children: Vec<Symbol>,
) -> Symbol {
    let name_node = node.get("name");
    let selection = name_node.map_or(entry.key_span, |n| n.span);
    Symbol {
        name: text(name_node).unwrap_or_else(|| what.to_owned()),
        detail: Some(what.to_owned()),
        kind,
        range: extent(node).to(entry.key_span).to(selection),
        selection,
        children,
    }
}

fn service(entry: &Entry, node: &Node) -> Symbol {
    let ports = items_of(node, "ports")
        .map(|port| element(port, "port", SymbolKind::FIELD, Vec::new()))
        .collect();
    table(entry, node, "Service", SymbolKind::INTERFACE, ports)
}

fn ingress(entry: &Entry, node: &Node) -> Symbol {
    let rules = items_of(node, "rules")
        .map(|rule| {
            let paths = items_of(rule, "paths")
                .map(|path| {
                    let to = text(path.get("port")).unwrap_or_default();
                    let at = path.get("path").map_or(path.span, |p| p.span);
                    Symbol {
                        name: text(path.get("path")).unwrap_or_else(|| "path".to_owned()),
                        detail: Some(format!("to port {to}")),
                        kind: SymbolKind::FIELD,
                        range: extent(path).to(at),
                        selection: at,
                        children: Vec::new(),
                    }
                })
                .collect();
            let host = rule.get("host");
            let at = host.map_or(rule.span, |h| h.span);
            Symbol {
                name: text(host).unwrap_or_else(|| "any host".to_owned()),
                detail: Some("rule".to_owned()),
                kind: SymbolKind::NAMESPACE,
                range: extent(rule).to(at),
                selection: at,
                children: paths,
            }
        })
        .collect();
    table(entry, node, "Ingress", SymbolKind::PACKAGE, rules)
}

/// The span of everything in a node: TOML tables are not contiguous.
fn extent(node: &Node) -> Span {
    let mut span = node.span;
    match &node.kind {
        NodeKind::Map(entries) => {
            for entry in entries {
                span = span.to(entry.key_span).to(extent(&entry.value));
            }
        }
        NodeKind::Seq(items) => {
            for item in items {
                span = span.to(extent(item));
            }
        }
        _ => {}
    }
    span
}

/// The outline in LSP terms.
pub(crate) fn to_lsp(
    symbols: Vec<Symbol>,
    range: &dyn Fn(Span) -> lsp_types::Range,
) -> Vec<DocumentSymbol> {
    symbols
        .into_iter()
        .map(|s| {
            #[allow(deprecated)]
            DocumentSymbol {
                name: s.name,
                detail: s.detail,
                kind: s.kind,
                tags: None,
                deprecated: None,
                range: range(s.range),
                selection_range: range(s.selection),
                children: (!s.children.is_empty()).then(|| to_lsp(s.children, range)),
            }
        })
        .collect()
}
