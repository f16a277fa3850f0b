//! `[autoscaling]`: the HorizontalPodAutoscaler (autoscaling/v2) that sets the Deployment's
//! replicas from the pods' CPU and memory use, as a percentage of what they request.

use super::Spanned;
use crate::source::Span;

#[derive(Clone, Debug)]
pub(crate) struct Autoscaling {
    /// The `autoscaling` key, for messages about the autoscaler as a whole.
    pub(crate) key_span: Span,
    /// Default [`Autoscaling::DEFAULT_MIN_REPLICAS`].
    pub(crate) min_replicas: Option<Spanned<i64>>,
    /// Required; `None` only when missing or broken (reported).
    pub(crate) max_replicas: Option<Spanned<i64>>,
    /// Target average CPU use, percent of the CPU requests.
    pub(crate) cpu_utilization: Option<Spanned<i64>>,
    /// Target average memory use, percent of the memory requests.
    pub(crate) memory_utilization: Option<Spanned<i64>>,
    /// Seconds of recommendations considered before scaling up (down): the highest (lowest)
    /// count of that window wins, so short spikes do not flap the replicas.
    pub(crate) scale_up_stabilization: Option<Spanned<i64>>,
    pub(crate) scale_down_stabilization: Option<Spanned<i64>>,
}

impl Autoscaling {
    /// The API's default for `minReplicas`.
    pub(crate) const DEFAULT_MIN_REPLICAS: i64 = 1;
    /// `MaxStabilizationWindowSeconds` of the API's validation: an hour.
    pub(crate) const MAX_STABILIZATION: i64 = 3600;

    pub(crate) fn min_replicas(&self) -> i64 {
        self.min_replicas
            .as_ref()
            .map_or(Self::DEFAULT_MIN_REPLICAS, |m| m.value)
    }

    pub(crate) fn max_replicas(&self) -> i64 {
        self.max_replicas.as_ref().map_or(1, |m| m.value)
    }
}

impl super::Step {
    /// The fewest replicas the step runs: the autoscaler's minimum, else the Deployment's.
    pub(crate) fn least_replicas(&self) -> i64 {
        match &self.autoscaling {
            Some(autoscaling) => autoscaling.min_replicas(),
            None => self
                .deployment
                .replicas
                .as_ref()
                .map_or(super::Deployment::DEFAULT_REPLICAS, |r| r.value),
        }
    }
}
