//! `[disruption_budget]` and `[autoscaling]`: the PodDisruptionBudget and the
//! HorizontalPodAutoscaler over the step's pods.

use schemars::JsonSchema;

use super::values::Count;

/// `[disruption_budget]`.
#[derive(JsonSchema)]
#[schemars(deny_unknown_fields, extend("oneOf" = [{ "required": ["min_available"] }, { "required": ["max_unavailable"] }]))]
pub(super) struct DisruptionBudget {
    /// Pods that must stay available during a voluntary eviction (a node drain): a number
    /// or a percentage of the pods.
    #[schemars(example = &"50%")]
    min_available: Option<Count>,
    /// Pods that may be unavailable at once during voluntary evictions: a number or a
    /// percentage of the pods.
    #[schemars(example = 1)]
    max_unavailable: Option<Count>,
}
