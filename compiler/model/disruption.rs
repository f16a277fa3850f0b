//! `[disruption_budget]`: the PodDisruptionBudget (policy/v1) that limits voluntary
//! evictions (node drains, cluster upgrades) of the step's pods.

use super::{Count, Spanned};

#[derive(Clone, Debug)]
pub(crate) struct DisruptionBudget {
    /// Exactly one of the two is given (reading reports otherwise).
    pub(crate) min_available: Option<Spanned<Count>>,
    pub(crate) max_unavailable: Option<Spanned<Count>>,
}
