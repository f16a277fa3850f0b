//! The step's cross-references, resolved over its tree once: which value names which
//! declaration. Go to definition, find references and completion of names all read this
//! one table.
//!
//! | a use | names |
//! |-------|-------|
//! | a probe's or lifecycle hook's `port` | a port `name` of the same container |
//! | a Service port's `target_port` | a port `name` of a container |
//! | a mount's `volume` | a volume's `name` |
//! | `config_map` / `secret` of env, env_from and volumes | a ConfigMap or Secret the step owns |
//! | an Ingress path's or default backend's `port` | a port `name` of the step's Service |
//! | an Ingress's `service` | a Service's `name` |
//! | `vars.NAME` in a template | the `[vars]` entry |
//!
//! A value that names nothing the step declares (a ConfigMap made elsewhere) has no
//! definition; the checks report the ones that must exist.

use super::schema::Segment;
use crate::source::Span;
use crate::syntax::{Node, NodeKind};

/// What a name declares.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Kind {
    /// A port name of the container with this index.
    ContainerPort(usize),
    Volume,
    ConfigMap,
    Secret,
    /// A port name of a Service.
    ServicePort,
    Service,
    Var,
}

impl Kind {
    /// Whether a use of `self` may name a declaration of `other`.
    fn names(self, other: Kind) -> bool {
        match (self, other) {
            // A target port names any container's port; a probe's, its own container's.
            (Kind::ContainerPort(usize::MAX), Kind::ContainerPort(_)) => true,
            (a, b) => a == b,
        }
    }
}

/// A container port use that may name any container's port.
const ANY_CONTAINER: usize = usize::MAX;

/// A declared name.
#[derive(Clone, Debug)]
pub(crate) struct Definition {
    pub(crate) kind: Kind,
    pub(crate) name: String,
    pub(crate) span: Span,
}

/// A value that names a declaration.
#[derive(Clone, Debug)]
pub(crate) struct Use {
    pub(crate) kind: Kind,
    pub(crate) name: String,
    pub(crate) span: Span,
}

/// The step's declarations and the uses of them.
#[derive(Debug, Default)]
pub(crate) struct References {
    pub(crate) definitions: Vec<Definition>,
    pub(crate) uses: Vec<Use>,
}

/// The patterns of uses: a path (`*` any list element or table key; `#` a list element
/// whose index is the container's) and the kind it names.
const USES: &[(&[&str], UseKind)] = &[
    (
        &["containers", "#", "readiness", "?", "port"],
        UseKind::OwnPort,
    ),
    (
        &["containers", "#", "liveness", "?", "port"],
        UseKind::OwnPort,
    ),
    (
        &["containers", "#", "startup", "?", "port"],
        UseKind::OwnPort,
    ),
    (
        &["containers", "#", "lifecycle", "?", "?", "port"],
        UseKind::OwnPort,
    ),
    (
        &["service", "ports", "*", "target_port"],
        UseKind::Is(Kind::ContainerPort(ANY_CONTAINER)),
    ),
    (
        &["services", "*", "ports", "*", "target_port"],
        UseKind::Is(Kind::ContainerPort(ANY_CONTAINER)),
    ),
    (
        &["containers", "*", "volume_mounts", "*", "volume"],
        UseKind::Is(Kind::Volume),
    ),
    (
        &["containers", "*", "env", "*", "config_map"],
        UseKind::Is(Kind::ConfigMap),
    ),
    (
        &["containers", "*", "env", "*", "secret"],
        UseKind::Is(Kind::Secret),
    ),
    (
        &["containers", "*", "env_from", "*", "config_map"],
        UseKind::Is(Kind::ConfigMap),
    ),
    (
        &["containers", "*", "env_from", "*", "secret"],
        UseKind::Is(Kind::Secret),
    ),
    (
        &["volumes", "*", "config_map", "name"],
        UseKind::Is(Kind::ConfigMap),
    ),
    (
        &["volumes", "*", "secret", "name"],
        UseKind::Is(Kind::Secret),
    ),
    (
        &["ingress", "rules", "*", "paths", "*", "port"],
        UseKind::Is(Kind::ServicePort),
    ),
    (
        &["ingress", "default_backend", "port"],
        UseKind::Is(Kind::ServicePort),
    ),
    (
        &["ingresses", "*", "rules", "*", "paths", "*", "port"],
        UseKind::Is(Kind::ServicePort),
    ),
    (
        &["ingresses", "*", "default_backend", "port"],
        UseKind::Is(Kind::ServicePort),
    ),
    (&["ingress", "service"], UseKind::Is(Kind::Service)),
    (&["ingresses", "*", "service"], UseKind::Is(Kind::Service)),
];

#[derive(Clone, Copy)]
enum UseKind {
    Is(Kind),
    /// A port name of the container the use is in.
    OwnPort,
}

/// The patterns of declarations; `=` means the table key itself is the name.
const DEFINITIONS: &[(&[&str], DefKind)] = &[
    (&["containers", "#", "ports", "*", "name"], DefKind::OwnPort),
    (&["volumes", "*", "name"], DefKind::Is(Kind::Volume)),
    (&["config_maps", "="], DefKind::Is(Kind::ConfigMap)),
    (&["secrets", "="], DefKind::Is(Kind::Secret)),
    (
        &["service", "ports", "*", "name"],
        DefKind::Is(Kind::ServicePort),
    ),
    (
        &["services", "*", "ports", "*", "name"],
        DefKind::Is(Kind::ServicePort),
    ),
    (&["services", "*", "name"], DefKind::Is(Kind::Service)),
    (&["vars", "="], DefKind::Is(Kind::Var)),
];

#[derive(Clone, Copy)]
enum DefKind {
    Is(Kind),
    OwnPort,
}

/// Resolves a document: `text` is its source, for the exact places of `vars.NAME` inside
/// templates.
pub(crate) fn resolve(root: &Node, text: &str) -> References {
    let mut refs = References::default();
    for (pattern, kind) in DEFINITIONS {
        for found in matches(root, pattern) {
            let kind = match kind {
                DefKind::Is(kind) => *kind,
                DefKind::OwnPort => Kind::ContainerPort(found.container.unwrap_or(0)),
            };
            if let Some(name) = found.name {
                refs.definitions.push(Definition {
                    kind,
                    name,
                    span: found.span,
                });
            }
        }
    }
    for (pattern, kind) in USES {
        for found in matches(root, pattern) {
            let kind = match kind {
                UseKind::Is(kind) => *kind,
                UseKind::OwnPort => Kind::ContainerPort(found.container.unwrap_or(0)),
            };
            // A port number names no declaration.
            if let Some(name) = found.name.filter(|_| found.is_string) {
                refs.uses.push(Use {
                    kind,
                    name,
                    span: found.span,
                });
            }
        }
    }
    template_uses(root, text, &mut refs.uses);
    refs
}

impl References {
    /// The declarations a use names.
    pub(crate) fn definitions_of(&self, used: &Use) -> Vec<&Definition> {
        self.definitions
            .iter()
            .filter(|d| used.kind.names(d.kind) && d.name == used.name)
            .collect()
    }

    /// The declaration or use at a byte offset.
    pub(crate) fn at(&self, offset: usize) -> Option<Either<'_>> {
        let offset = offset as u32;
        let inside = |span: Span| span.start <= offset && offset <= span.end;
        if let Some(used) = self.uses.iter().find(|u| inside(u.span)) {
            return Some(Either::Use(used));
        }
        self.definitions
            .iter()
            .find(|d| inside(d.span))
            .map(Either::Definition)
    }

    /// The uses of a declaration.
    pub(crate) fn uses_of(&self, definition: &Definition) -> Vec<&Use> {
        self.uses
            .iter()
            .filter(|u| u.kind.names(definition.kind) && u.name == definition.name)
            .collect()
    }

    /// The names a use at `path` may name (for completion), without repeats, in order.
    pub(crate) fn candidates(&self, path: &[Segment]) -> Vec<&str> {
        let Some(kind) = use_kind(path) else {
            return Vec::new();
        };
        let mut names: Vec<&str> = Vec::new();
        for definition in &self.definitions {
            // Textual paths do not know the container: any container's ports.
            let fits = match (kind, definition.kind) {
                (Kind::ContainerPort(_), Kind::ContainerPort(_)) => true,
                (a, b) => a == b,
            };
            if fits && !names.contains(&definition.name.as_str()) {
                names.push(&definition.name);
            }
        }
        names
    }
}

/// A declaration or a use.
pub(crate) enum Either<'a> {
    Definition(&'a Definition),
    Use(&'a Use),
}

/// The kind of name a value at `path` names, if it is a reference.
pub(crate) fn use_kind(path: &[Segment]) -> Option<Kind> {
    USES.iter().find_map(|(pattern, kind)| {
        let fits = pattern.len() == path.len()
            && pattern.iter().zip(path).all(|(p, s)| match (p, s) {
                (&"#" | &"*", Segment::Item) => true,
                (&"?", Segment::Key(_)) => true,
                (p, Segment::Key(key)) => *p == key,
                _ => false,
            });
        fits.then_some(match kind {
            UseKind::Is(kind) => *kind,
            UseKind::OwnPort => Kind::ContainerPort(ANY_CONTAINER),
        })
    })
}

/// A node a pattern reached.
struct Match {
    /// The value's text, or the key's for `=`.
    name: Option<String>,
    is_string: bool,
    span: Span,
    /// The index taken by `#`.
    container: Option<usize>,
}

fn matches(root: &Node, pattern: &[&str]) -> Vec<Match> {
    let mut out = Vec::new();
    walk(root, pattern, None, &mut out);
    out
}

fn walk(node: &Node, pattern: &[&str], container: Option<usize>, out: &mut Vec<Match>) {
    let Some((first, rest)) = pattern.split_first() else {
        let (name, is_string) = match &node.kind {
            NodeKind::Str(s) => (Some(s.clone()), true),
            NodeKind::Int(i) => (Some(i.to_string()), false),
            _ => (None, false),
        };
        out.push(Match {
            name,
            is_string,
            span: node.span,
            container,
        });
        return;
    };
    match (*first, &node.kind) {
        ("#" | "*", NodeKind::Seq(items)) => {
            for (index, item) in items.iter().enumerate() {
                let container = if *first == "#" {
                    Some(index)
                } else {
                    container
                };
                walk(item, rest, container, out);
            }
        }
        ("=", NodeKind::Map(entries)) => out.extend(entries.iter().map(|e| Match {
            name: Some(e.key.clone()),
            is_string: true,
            span: e.key_span,
            container,
        })),
        ("?", NodeKind::Map(entries)) => {
            for entry in entries {
                walk(&entry.value, rest, container, out);
            }
        }
        (key, NodeKind::Map(_)) => {
            if let Some(child) = node.get(key) {
                walk(child, rest, container, out);
            }
        }
        _ => {}
    }
}

/// `vars.NAME` (or `vars["NAME"]`) inside the templates of string values, at their exact
/// place in the source.
fn template_uses(node: &Node, text: &str, out: &mut Vec<Use>) {
    match &node.kind {
        NodeKind::Str(value) if value.contains("{{") || value.contains("{%") => {
            let Some(source) = text.get(node.span.range()) else {
                return;
            };
            let ident = |c: char| c.is_alphanumeric() || c == '_';
            for (at, _) in source.match_indices("vars") {
                if source[..at].chars().next_back().is_some_and(ident) {
                    continue;
                }
                let rest = &source[at + 4..];
                let (skip, name) = if let Some(after) = rest.strip_prefix('.') {
                    (
                        1,
                        &after[..after.find(|c: char| !ident(c)).unwrap_or(after.len())],
                    )
                } else if let Some(after) =
                    rest.strip_prefix("[\"").or_else(|| rest.strip_prefix("['"))
                {
                    (2, &after[..after.find(['"', '\'']).unwrap_or(after.len())])
                } else {
                    continue;
                };
                if name.is_empty() {
                    continue;
                }
                let start = node.span.start as usize + at + 4 + skip;
                out.push(Use {
                    kind: Kind::Var,
                    name: name.to_owned(),
                    span: Span::new(node.span.file, start, start + name.len()),
                });
            }
        }
        NodeKind::Seq(items) => items.iter().for_each(|i| template_uses(i, text, out)),
        NodeKind::Map(entries) => entries
            .iter()
            .for_each(|e| template_uses(&e.value, text, out)),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lsp::tree;
    use crate::syntax::Format;

    const STEP: &str = r#"[vars]
tag = "1.0"

[[volumes]]
name = "config"
config_map = { name = "web-config" }

[config_maps.web-config]
data = { a = "b" }

[[containers]]
name = "web"
image = "web:{{ vars.tag }}"
ports = [{ name = "http", port = 8080 }]
volume_mounts = [{ volume = "config", path = "/etc/web" }]
readiness = { http = { path = "/", port = "http" } }

[service]
ports = [{ name = "web", port = 80, target_port = "http" }]

[ingress]
rules = [{ host = "a.example.com", paths = [{ path = "/", port = "web" }] }]
"#;

    #[test]
    fn every_reference_finds_its_declaration() {
        let parsed = tree::parse(STEP, Format::Toml).unwrap();
        let refs = resolve(&parsed.root, STEP);
        let text = |span: Span| &STEP[span.range()];
        let mut pairs: Vec<(String, String)> = refs
            .uses
            .iter()
            .map(|u| {
                let defs = refs.definitions_of(u);
                assert_eq!(defs.len(), 1, "{u:?}");
                (format!("{:?}", u.kind), text(defs[0].span).to_owned())
            })
            .collect();
        pairs.sort();
        assert_eq!(
            pairs,
            [
                ("ConfigMap", "web-config"),
                ("ContainerPort(0)", "\"http\""),
                ("ContainerPort(18446744073709551615)", "\"http\""),
                ("ServicePort", "\"web\""),
                ("Var", "tag"),
                ("Volume", "\"config\""),
            ]
            .map(|(a, b)| (a.to_owned(), b.to_owned()))
        );
        let var = refs.uses.iter().find(|u| u.kind == Kind::Var).unwrap();
        assert_eq!(text(var.span), "tag");
        let path = [
            Segment::Key("containers".into()),
            Segment::Item,
            Segment::Key("volume_mounts".into()),
            Segment::Item,
            Segment::Key("volume".into()),
        ];
        assert_eq!(refs.candidates(&path), ["config"]);
    }
}
