//! Scheduling: node selector labels, affinity terms (weights, topology keys, selector
//! requirements), an anti-affinity selector meant for the step's own pods that misses them,
//! tolerations, and topology spread constraints.

use std::collections::BTreeMap;

use super::{Cx, k8s};
use crate::diagnostic::closest;
use crate::diagnostic::{Code, Diagnostic, Diagnostics};
use crate::model::{
    Choice, KeyValue, Placement, PodAffinityTerm, Requirement, Selector, Spanned,
    TolerationOperator, UnsatisfiableAction,
};

/// Operators of node selector requirements; label selectors take the first four.
const NODE_OPERATORS: &[&str] = &["In", "NotIn", "Exists", "DoesNotExist", "Gt", "Lt"];
const LABEL_OPERATORS: &[&str] = &["In", "NotIn", "Exists", "DoesNotExist"];

pub(super) fn check(cx: &mut Cx<'_>) {
    let pod = &cx.step.pod;
    labels_of(cx, &pod.node_selector, "node selector");
    for term in &pod.node_affinity {
        placement(cx, &term.placement);
        if term.requirements.is_empty() {
            cx.report(
                Diagnostic::error(Code::EmptyValue, "a node affinity term without requirements")
                    .label(term.key_span, "matches no node")
                    .help("add requirements to `match`, e.g. { key = \"kubernetes.io/arch\", operator = \"In\", values = [\"amd64\"] }"),
            );
        }
        for requirement in &term.requirements {
            self::requirement(cx, requirement, NODE_OPERATORS);
        }
    }
    for term in pod.pod_affinity.iter().chain(&pod.pod_anti_affinity) {
        pod_term(cx, term);
    }
    let mut seen = Vec::new();
    for word in &pod.spread {
        if seen.contains(&word.value) {
            cx.report(
                Diagnostic::error(
                    Code::DuplicateName,
                    format!("`spread` lists `{}` twice", word.value.as_str()),
                )
                .label(word.span, "again here")
                .help("list each topology once"),
            );
        }
        seen.push(word.value);
    }
    tolerations(cx);
    topology_spread(cx);
}

fn labels_of(cx: &mut Cx<'_>, entries: &[KeyValue], what: &str) {
    for entry in entries {
        cx.syntax(&entry.key, &format!("{what} label key"), &k8s::LABEL_KEY);
        cx.syntax(
            &entry.value,
            &format!("{what} label value"),
            &k8s::LABEL_VALUE,
        );
    }
}

fn placement(cx: &mut Cx<'_>, placement: &Placement) {
    if let Placement::Preferred(weight) = placement {
        cx.range(weight, "`weight`", 1, 100);
    }
}

fn pod_term(cx: &mut Cx<'_>, term: &PodAffinityTerm) {
    placement(cx, &term.placement);
    cx.syntax(&term.topology_key, "topology key", &k8s::LABEL_KEY);
    labels_of(cx, &term.selector.labels, "selector");
    for requirement in &term.selector.requirements {
        self::requirement(cx, requirement, LABEL_OPERATORS);
    }
    for namespace in &term.namespaces {
        cx.syntax(namespace, "namespace", &k8s::DNS_LABEL);
    }
}

/// A requirement's operator, and the values it needs: some for `In` and `NotIn`, none for
/// `Exists` and `DoesNotExist`, one integer for `Gt` and `Lt`.
fn requirement(cx: &mut Cx<'_>, requirement: &Requirement, operators: &[&str]) {
    cx.syntax(&requirement.key, "label key", &k8s::LABEL_KEY);
    let operator = &requirement.operator;
    if !operators.contains(&operator.value.as_str()) {
        let mut diagnostic = Diagnostic::error(
            Code::InvalidSelector,
            format!("`{}` is not a selector operator here", operator.value),
        )
        .label(
            operator.span,
            format!("expected {}", crate::diagnostic::one_of(operators)),
        );
        diagnostic = match closest(&operator.value, operators) {
            Some(hit) => diagnostic.suggest(hit),
            None => diagnostic.help(format!(
                "use one of {}",
                crate::diagnostic::one_of(operators)
            )),
        };
        cx.report(diagnostic);
        return;
    }
    let values = requirement.values.as_ref();
    let count = values.map_or(0, |v| v.value.len());
    let problem = match operator.value.as_str() {
        "In" | "NotIn" if count == 0 => Some("needs at least one value"),
        "Exists" | "DoesNotExist" if count > 0 => Some("takes no values"),
        "Gt" | "Lt" if count != 1 => Some("takes exactly one value"),
        "Gt" | "Lt" => values
            .and_then(|v| v.value[0].value.parse::<i64>().err())
            .map(|_| "compares with an integer"),
        _ => None,
    };
    if let Some(problem) = problem {
        let span = values.map_or(operator.span, |v| v.span);
        cx.report(
            Diagnostic::error(
                Code::InvalidSelector,
                format!("operator `{}` {problem}", operator.value),
            )
            .label(span, problem)
            .help(match operator.value.as_str() {
                "In" | "NotIn" => "list the values, e.g. values = [\"amd64\"]",
                "Exists" | "DoesNotExist" => "remove `values`",
                _ => "give one whole number, e.g. values = [\"3\"]",
            }),
        );
        return;
    }
    if operators == LABEL_OPERATORS {
        for value in values.map(|v| v.value.as_slice()).unwrap_or_default() {
            cx.syntax(value, "label value", &k8s::LABEL_VALUE);
        }
    }
}

/// An anti-affinity selector that uses only labels the step's pods carry (`own`, from
/// `lower::labels::pod_labels`), but with other values, was meant to keep the step's replicas
/// apart and keeps nothing apart.
pub(super) fn own_pods(
    term: &PodAffinityTerm,
    own: &BTreeMap<String, String>,
    diags: &mut Diagnostics,
) {
    let Selector {
        labels: wanted,
        requirements,
    } = &term.selector;
    if wanted.is_empty() || !requirements.is_empty() {
        return;
    }
    let all_own_keys = wanted.iter().all(|w| own.contains_key(w.key.as_str()));
    let mismatch = wanted
        .iter()
        .find(|w| own.get(w.key.as_str()) != Some(&w.value.value));
    let (true, Some(mismatch)) = (all_own_keys, mismatch) else {
        return;
    };
    let expected = &own[mismatch.key.as_str()];
    diags.push(
        Diagnostic::warning(
            Code::AffinityMissesOwnPods,
            format!(
                "this anti-affinity selector matches none of the step's pods: their `{}` is `{expected}`",
                mismatch.key.value
            ),
        )
        .label(mismatch.value.span, format!("the step's pods have `{expected}`"))
        .help(format!(
            "write `{expected}`, or leave out `match_labels` and `match`: a term without a selector keeps the step's own pods apart"
        )),
    );
}

fn tolerations(cx: &mut Cx<'_>) {
    for toleration in &cx.step.pod.tolerations {
        let exists = toleration
            .operator
            .as_ref()
            .is_some_and(|o| o.value == TolerationOperator::Exists);
        let key = toleration.key.as_ref().filter(|k| !k.value.is_empty());
        match key {
            Some(key) => {
                cx.syntax(key, "taint key", &k8s::LABEL_KEY);
            }
            None if !exists => report_toleration(
                cx,
                toleration.key_span,
                "a toleration without a key must use `operator = \"Exists\"`",
                "without a key it matches every taint, which only `Exists` expresses; add a `key`, or set `operator = \"Exists\"`",
            ),
            None => {}
        }
        match (&toleration.value, exists) {
            (Some(value), true) if !value.value.is_empty() => report_toleration(
                cx,
                value.span,
                "operator `Exists` takes no value",
                "remove `value`, or use `operator = \"Equal\"`",
            ),
            (Some(value), false) => {
                cx.syntax(value, "taint value", &k8s::LABEL_VALUE);
            }
            _ => {}
        }
        if let Some(seconds) = &toleration.seconds {
            let no_execute = toleration
                .effect
                .as_ref()
                .is_some_and(|e| e.value == crate::model::TaintEffect::NoExecute);
            if !no_execute {
                report_toleration(
                    cx,
                    seconds.span,
                    "`seconds` applies only to the `NoExecute` effect",
                    "set `effect = \"NoExecute\"`, or remove `seconds`: other taints do not evict running pods",
                );
            }
        }
    }
}

fn report_toleration(cx: &mut Cx<'_>, span: crate::source::Span, message: &str, help: &str) {
    cx.report(
        Diagnostic::error(Code::InvalidToleration, message)
            .label(span, "here")
            .help(help),
    );
}

fn topology_spread(cx: &mut Cx<'_>) {
    let mut seen: BTreeMap<(&str, UnsatisfiableAction), &Spanned<String>> = BTreeMap::new();
    for spread in &cx.step.pod.topology_spread {
        cx.syntax(&spread.topology_key, "topology key", &k8s::LABEL_KEY);
        if let Some(skew) = &spread.max_skew {
            cx.range(skew, "`max_skew`", 1, i64::from(i32::MAX));
        }
        if let Some(domains) = &spread.min_domains {
            if spread.when_unsatisfiable() != UnsatisfiableAction::DoNotSchedule {
                cx.report(
                    Diagnostic::error(
                        Code::ConflictingFields,
                        "`min_domains` applies only with `when_unsatisfiable = \"DoNotSchedule\"`",
                    )
                    .label(domains.span, "ignored otherwise")
                    .help("set `when_unsatisfiable = \"DoNotSchedule\"`, or remove `min_domains`"),
                );
            } else {
                cx.range(domains, "`min_domains`", 1, i64::from(i32::MAX));
            }
        }
        let key = (
            spread.topology_key.value.as_str(),
            spread.when_unsatisfiable(),
        );
        if let Some(first) = seen.insert(key, &spread.topology_key) {
            cx.report(
                Diagnostic::error(
                    Code::DuplicateName,
                    format!(
                        "two spread constraints on `{}` with the same `when_unsatisfiable`",
                        spread.topology_key.value
                    ),
                )
                .label(spread.topology_key.span, "again here")
                .label(first.span, "first here")
                .help("keep one; the API allows one constraint per topology key and action"),
            );
        }
    }
}
