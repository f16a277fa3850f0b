//! The top level of a step file: `[step]`, the workload (`[deployment]` here, the other kinds
//! in `workload.rs`), `[[volumes]]`, `[[containers]]`,
//! `[pod]`, `[service]`, `[ingress]`, `[config_maps.<name>]`, `[secrets.<name>]` (and `[vars]` and
//! `[env]`, which `vars` reads earlier).

use super::autoscaling;
use super::container;
use super::disruption;
use super::ingress;
use super::owned;
use super::patch;
use super::pod;
use super::reader::Reader;
use super::route;
use super::service;
use super::table::Table;
use super::volume;
use super::workload;
use crate::diagnostic::{Code, Diagnostic};
use crate::model::{BlueGreen, Deployment, Preview, Rolling, Spanned, Step};
use crate::source::Span;
use crate::syntax::{Node, NodeKind};

pub(super) fn read(r: &mut Reader<'_>, root: &Node) -> Option<Step> {
    // An empty file is an empty table: report what it lacks.
    let empty = Node::new(NodeKind::Map(Vec::new()), root.span);
    let root = if root.kind == NodeKind::Null {
        &empty
    } else {
        root
    };
    let mut top = r.table(root, String::new(), Span::new(r.file(), 0, 0))?;
    let (id, namespace, strategy) = match top.optional_table(r, "step") {
        Some(mut step) => {
            let id = step.optional(r, "id", Reader::string);
            let namespace = step.optional(r, "namespace", Reader::string);
            let strategy = step.optional(r, "strategy", Reader::choice);
            step.finish(r);
            (id, namespace, strategy)
        }
        None => (None, None, None),
    };
    let (deployment, workload) = workload::read(r, &mut top);
    let pod = top
        .optional_table(r, "pod")
        .map(|t| pod::read(r, t))
        .unwrap_or_default();
    let (volumes, volumes_complete) = top.table_list_complete(r, "volumes", volume::read);
    let mut index = 0;
    let (containers, containers_complete) = top.table_list_complete(r, "containers", |r, t| {
        index += 1;
        container::read(r, t, index - 1)
    });
    match top.entry("containers") {
        None => top.missing(r, "containers"),
        Some(entry) if matches!(&entry.value.kind, NodeKind::Seq(items) if items.is_empty()) => {
            r.report(
                Diagnostic::error(Code::NoAppContainer, "the step has no containers")
                    .label(entry.value.span, "empty list")
                    .help("add at least one app container with a `name` and an `image`"),
            );
        }
        Some(_) => {}
    }
    let services = one_or_many(r, &mut top, ("service", "services"), service::read);
    let ingresses = one_or_many(r, &mut top, ("ingress", "ingresses"), ingress::read);
    let config_maps = top
        .optional(r, "config_maps", |r, n| {
            Some(r.named_tables(n, "config_maps", owned::config_map))
        })
        .unwrap_or_default();
    let secrets = top
        .optional(r, "secrets", |r, n| {
            Some(r.named_tables(n, "secrets", owned::secret))
        })
        .unwrap_or_default();
    let patches = top.table_list(r, "patches", patch::read);
    let disruption_budget = top
        .optional_table(r, "disruption_budget")
        .map(|t| disruption::read(r, t));
    let routes = one_or_many(r, &mut top, ("route", "routes"), route::read);
    let autoscaling = top
        .optional_table(r, "autoscaling")
        .map(|t| autoscaling::read(r, t));
    // Read before templates were rendered, by `vars`.
    let _ = (top.entry("vars"), top.entry("env"));
    // Read by `read_lint`.
    let _ = top.entry("lint");
    top.finish(r);

    let id = id.or_else(|| deployment.name.clone());
    Some(Step {
        id,
        namespace,
        strategy,
        deployment,
        workload,
        pod,
        volumes,
        containers,
        volumes_complete,
        containers_complete,
        services,
        ingresses,
        config_maps,
        secrets,
        patches,
        disruption_budget,
        autoscaling,
        routes,
    })
}

/// `[service]` (the short form, one) or `[[services]]` (a list); not both.
fn one_or_many<T>(
    r: &mut Reader<'_>,
    top: &mut Table<'_>,
    (one, many): (&'static str, &'static str),
    read: impl Fn(&mut Reader<'_>, Table<'_>) -> T,
) -> Vec<T> {
    let single = top.entry(one).map(|e| e.key_span);
    let list = top.entry(many).map(|e| e.key_span);
    if let (Some(single), Some(list)) = (single, list) {
        r.report(
            Diagnostic::error(
                Code::ConflictingFields,
                format!("`{one}` and `{many}` both given"),
            )
            .label(list, format!("`{many}` conflicts with `{one}`"))
            .label(single, format!("`{one}` given here"))
            .help(format!(
                "move the `{one}` table into the `{many}` list, or keep only `{one}`"
            )),
        );
    }
    let mut out: Vec<T> = top
        .optional_table(r, one)
        .map(|t| read(r, t))
        .into_iter()
        .collect();
    out.extend(top.table_list(r, many, |r, t| Some(read(r, t))));
    out
}

pub(super) fn read_deployment(r: &mut Reader<'_>, mut t: Table<'_>) -> Deployment {
    let name = t.required(r, "name", Reader::string);
    let replicas = t.optional(r, "replicas", Reader::int);
    let progress_deadline = t.optional(r, "progress_deadline", Reader::int);
    let labels = t
        .optional(r, "labels", Reader::string_map)
        .unwrap_or_default();
    let annotations = t
        .optional(r, "annotations", Reader::string_map)
        .unwrap_or_default();
    let selector = t.optional(r, "selector", |r, node| {
        r.string_map(node)
            .map(|labels| Spanned::new(labels, node.span))
    });
    let min_ready = t.optional(r, "min_ready", Reader::int);
    let revision_history_limit = t.optional(r, "revision_history_limit", Reader::int);
    let rolling = t.optional_table(r, "rolling").map(|mut rolling| {
        let key_span = rolling.head();
        let max_surge = rolling.optional(r, "max_surge", Reader::count);
        let max_unavailable = rolling.optional(r, "max_unavailable", Reader::count);
        rolling.finish(r);
        Rolling {
            key_span,
            max_surge,
            max_unavailable,
        }
    });
    let blue_green = t
        .optional_table(r, "blue_green")
        .map(|t| read_blue_green(r, t));
    t.finish(r);
    Deployment {
        name,
        replicas,
        progress_deadline,
        labels,
        annotations,
        selector,
        rolling,
        blue_green,
        min_ready,
        revision_history_limit,
    }
}

/// `[deployment.blue_green]`.
fn read_blue_green(r: &mut Reader<'_>, mut t: Table<'_>) -> BlueGreen {
    let key_span = t.head();
    let scale_down_delay = t.optional(r, "scale_down_delay", Reader::int);
    let auto_promote = t.optional(r, "auto_promote", Reader::bool);
    let previous = t.optional(r, "previous", Reader::choice);
    let preview = t.optional_table(r, "preview").map(|mut p| {
        let key_span = p.head();
        let service = p.optional(r, "service", Reader::string);
        let replicas = p.optional(r, "replicas", Reader::int);
        p.finish(r);
        Preview {
            key_span,
            service,
            replicas,
        }
    });
    t.finish(r);
    BlueGreen {
        key_span,
        scale_down_delay,
        auto_promote,
        previous,
        preview,
    }
}

/// Strings given as a list, for fields like `command`.
pub(super) fn string_list(r: &mut Reader<'_>, node: &Node) -> Option<Vec<Spanned<String>>> {
    r.strings(node).map(|list| list.value)
}
