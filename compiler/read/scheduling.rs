//! Where pods may run: node and pod (anti-)affinity terms, tolerations and topology spread
//! constraints, all under `[pod]`.

use super::reader::Reader;
use super::step::string_list;
use super::table::Table;
use crate::diagnostic::{Code, Diagnostic};
use crate::model::{
    NodeAffinityTerm, Placement, PodAffinityTerm, Requirement, Selector, Toleration, TopologySpread,
};

/// `required = true`, or `weight = 1..100` for a preference.
fn placement(r: &mut Reader<'_>, t: &mut Table<'_>) -> Option<Placement> {
    match t.one_of(
        r,
        &["required", "weight"],
        "placement (`required` or `weight`)",
    )? {
        "required" => {
            let required = t.optional(r, "required", Reader::bool)?;
            if required.value {
                return Some(Placement::Required);
            }
            r.report(
                Diagnostic::error(Code::InvalidChoice, "`required = false` says nothing")
                    .label(required.span, "a term is either required or preferred")
                    .help("for a preference, write `weight = 1` to `100` instead of `required`"),
            );
            None
        }
        _ => t
            .optional(r, "weight", Reader::int)
            .map(Placement::Preferred),
    }
}

pub(super) fn node_term(r: &mut Reader<'_>, mut t: Table<'_>) -> Option<NodeAffinityTerm> {
    let key_span = t.head();
    let placement = placement(r, &mut t);
    let path = t.child_path("match");
    let requirements = t
        .required(r, "match", |r, node| {
            Some(r.table_list(node, &path, requirement).0)
        })
        .unwrap_or_default();
    t.finish(r);
    Some(NodeAffinityTerm {
        key_span,
        placement: placement?,
        requirements,
    })
}

pub(super) fn pod_term(r: &mut Reader<'_>, mut t: Table<'_>) -> Option<PodAffinityTerm> {
    let placement = placement(r, &mut t);
    let topology_key = t.required(r, "topology_key", Reader::string);
    let selector = selector(r, &mut t);
    let namespaces = t.optional(r, "namespaces", string_list).unwrap_or_default();
    t.finish(r);
    Some(PodAffinityTerm {
        placement: placement?,
        topology_key: topology_key?,
        selector,
        namespaces,
    })
}

/// `match_labels` and `match` of a pod selector; both absent means the step's own pods.
fn selector(r: &mut Reader<'_>, t: &mut Table<'_>) -> Selector {
    let labels = t
        .optional(r, "match_labels", Reader::string_map)
        .unwrap_or_default();
    let path = t.child_path("match");
    let requirements = t
        .optional(r, "match", |r, node| {
            Some(r.table_list(node, &path, requirement).0)
        })
        .unwrap_or_default();
    Selector {
        labels,
        requirements,
    }
}

fn requirement(r: &mut Reader<'_>, mut t: Table<'_>) -> Option<Requirement> {
    let key = t.required(r, "key", Reader::string);
    let operator = t.required(r, "operator", Reader::string);
    let values = t.optional(r, "values", Reader::strings);
    t.finish(r);
    Some(Requirement {
        key: key?,
        operator: operator?,
        values,
    })
}

pub(super) fn toleration(r: &mut Reader<'_>, mut t: Table<'_>) -> Option<Toleration> {
    let key_span = t.head();
    let key = t.optional(r, "key", Reader::string);
    let operator = t.optional(r, "operator", Reader::choice);
    let value = t.optional(r, "value", Reader::string);
    let effect = t.optional(r, "effect", Reader::choice);
    let seconds = t.optional(r, "seconds", Reader::int);
    t.finish(r);
    Some(Toleration {
        key_span,
        key,
        operator,
        value,
        effect,
        seconds,
    })
}

pub(super) fn topology_spread(r: &mut Reader<'_>, mut t: Table<'_>) -> Option<TopologySpread> {
    let topology_key = t.required(r, "topology_key", Reader::string);
    let max_skew = t.optional(r, "max_skew", Reader::int);
    let when_unsatisfiable = t.optional(r, "when_unsatisfiable", Reader::choice);
    let min_domains = t.optional(r, "min_domains", Reader::int);
    t.finish(r);
    Some(TopologySpread {
        topology_key: topology_key?,
        max_skew,
        when_unsatisfiable,
        min_domains,
    })
}
