//! `[disruption_budget]` and `[autoscaling]`: the PodDisruptionBudget and the
//! HorizontalPodAutoscaler over the step's pods.

use schemars::JsonSchema;

use super::values::{Count, Templated};

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

/// `[autoscaling]`.
#[derive(JsonSchema)]
#[schemars(deny_unknown_fields, extend("anyOf" = [{ "required": ["cpu_utilization"] }, { "required": ["memory_utilization"] }]))]
pub(super) struct Autoscaling {
    /// The fewest replicas the autoscaler scales to; at least 1, default 1.
    #[schemars(example = 2)]
    min_replicas: Option<Templated<i64>>,
    /// The most replicas the autoscaler scales to; at least `min_replicas`.
    #[schemars(example = 10)]
    max_replicas: Templated<i64>,
    /// The average CPU use to keep, as a percentage of the pods' CPU requests.
    #[schemars(example = 70)]
    cpu_utilization: Option<Templated<i64>>,
    /// The average memory use to keep, as a percentage of the pods' memory requests.
    #[schemars(example = 80)]
    memory_utilization: Option<Templated<i64>>,
    /// Seconds of recommendations the autoscaler looks back over before it scales up (it
    /// takes the lowest); 0 to 3600, the API's default 0.
    #[schemars(example = 60)]
    scale_up_stabilization: Option<Templated<i64>>,
    /// Seconds of recommendations the autoscaler looks back over before it scales down (it
    /// takes the highest); 0 to 3600, the API's default 300.
    #[schemars(example = 300)]
    scale_down_stabilization: Option<Templated<i64>>,
}
