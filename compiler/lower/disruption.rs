//! The PodDisruptionBudget of `[disruption_budget]`. It selects the pods the Deployment
//! selects, so under blue/green each deployment (colour) gets its own, versioned with it and
//! kept and removed with its Deployment.

use k8s_openapi::api::policy::v1::{PodDisruptionBudget, PodDisruptionBudgetSpec};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::LabelSelector;
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;

use super::{Lowering, int32, labels};
use crate::model::{Count, DisruptionBudget, Spanned};

pub(super) fn lower(cx: &Lowering<'_>, budget: &DisruptionBudget) -> PodDisruptionBudget {
    let (step, plan) = (cx.step, cx.plan);
    let count = |c: &Option<Spanned<Count>>| {
        c.as_ref().map(|c| match &c.value {
            Count::Number(n) => IntOrString::Int(int32(*n)),
            Count::Percent(p) => IntOrString::String(p.clone()),
        })
    };
    PodDisruptionBudget {
        metadata: cx.metadata(plan.versioned(step.deployment.name()), &[], &[]),
        spec: Some(PodDisruptionBudgetSpec {
            min_available: count(&budget.min_available),
            max_unavailable: count(&budget.max_unavailable),
            selector: Some(LabelSelector {
                match_labels: Some(labels::deployment_selector(step, plan)),
                ..LabelSelector::default()
            }),
            ..PodDisruptionBudgetSpec::default()
        }),
        status: None,
    }
}
