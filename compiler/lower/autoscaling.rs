//! The HorizontalPodAutoscaler of `[autoscaling]`. There is one per step, named like the
//! Deployment without the deployment id: under blue/green its `scaleTargetRef` names the
//! deployment of this compile, and since it is applied with the Services (the network phase),
//! the autoscaler moves to the new colour at the switch and not before.

use k8s_openapi::api::autoscaling::v2::{
    CrossVersionObjectReference, HPAScalingRules, HorizontalPodAutoscaler,
    HorizontalPodAutoscalerBehavior, HorizontalPodAutoscalerSpec, MetricSpec, MetricTarget,
    ResourceMetricSource,
};

use super::{Lowering, int32};
use crate::model::{Autoscaling, Spanned};

pub(super) fn lower(cx: &Lowering<'_>, autoscaling: &Autoscaling) -> HorizontalPodAutoscaler {
    let (step, plan) = (cx.step, cx.plan);
    let name = step.deployment.name();
    let metric = |resource: &str, target: &Option<Spanned<i64>>| {
        target.as_ref().map(|t| MetricSpec {
            type_: "Resource".into(),
            resource: Some(ResourceMetricSource {
                name: resource.into(),
                target: MetricTarget {
                    type_: "Utilization".into(),
                    average_utilization: Some(int32(t.value)),
                    ..MetricTarget::default()
                },
            }),
            ..MetricSpec::default()
        })
    };
    let metrics: Vec<MetricSpec> = [
        metric("cpu", &autoscaling.cpu_utilization),
        metric("memory", &autoscaling.memory_utilization),
    ]
    .into_iter()
    .flatten()
    .collect();
    let rules = |window: &Option<Spanned<i64>>| {
        window.as_ref().map(|w| HPAScalingRules {
            stabilization_window_seconds: Some(int32(w.value)),
            ..HPAScalingRules::default()
        })
    };
    let (scale_up, scale_down) = (
        rules(&autoscaling.scale_up_stabilization),
        rules(&autoscaling.scale_down_stabilization),
    );
    let behavior =
        (scale_up.is_some() || scale_down.is_some()).then_some(HorizontalPodAutoscalerBehavior {
            scale_up,
            scale_down,
        });
    HorizontalPodAutoscaler {
        metadata: cx.metadata(name.to_owned(), &[], &[]),
        spec: Some(HorizontalPodAutoscalerSpec {
            scale_target_ref: CrossVersionObjectReference {
                api_version: Some("apps/v1".into()),
                kind: "Deployment".into(),
                name: plan.versioned(name),
            },
            min_replicas: Some(int32(autoscaling.min_replicas())),
            max_replicas: int32(autoscaling.max_replicas()),
            metrics: super::non_empty(metrics),
            behavior,
        }),
        status: None,
    }
}
