//! The workloads beside the Deployment: StatefulSet (and the headless Service kstep makes for
//! it), DaemonSet, Job and CronJob. They share the Deployment's pod template
//! (`deployment::pod_template`); a Job's pods also get their restart policy.

use std::collections::BTreeMap;

use k8s_openapi::api::apps::v1 as apps;
use k8s_openapi::api::batch::v1 as batch;
use k8s_openapi::api::core::v1 as core;
use k8s_openapi::apimachinery::pkg::api::resource::Quantity;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::{LabelSelector, ObjectMeta};
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;

use super::{Lowering, deployment, int32, labels, non_empty, word};
use crate::model::{
    Choice, Count, CronJob, DaemonSet, FailureMatch, JobSettings, Kind, StatefulSet, Step, Strategy,
};
use crate::plan::Plan;

/// The name of the step's workload object: a Deployment's versioned under blue/green, a Job's
/// with the deployment id always (a Job's pod template cannot change, so every deployment
/// creates a new one).
pub(crate) fn workload_name(step: &Step, plan: &Plan) -> String {
    match step.kind() {
        Kind::Deployment => plan.versioned(step.deployment.name()),
        Kind::Job => format!("{}-{}", step.deployment.name(), plan.deployment_id),
        Kind::StatefulSet | Kind::DaemonSet | Kind::CronJob => step.deployment.name().to_owned(),
    }
}

fn count(c: &Count) -> IntOrString {
    match c {
        Count::Number(n) => IntOrString::Int(int32(*n)),
        Count::Percent(p) => IntOrString::String(p.clone()),
    }
}

fn selector(cx: &Lowering<'_>) -> LabelSelector {
    LabelSelector {
        match_labels: Some(labels::selector(cx.step, cx.plan)),
        ..LabelSelector::default()
    }
}

fn metadata(cx: &Lowering<'_>) -> ObjectMeta {
    let step = cx.step;
    cx.metadata(
        workload_name(step, cx.plan),
        &[],
        &step.deployment.annotations,
    )
}

pub(super) fn stateful_set(cx: &Lowering<'_>, set: &StatefulSet) -> apps::StatefulSet {
    let model = &cx.step.deployment;
    let update_strategy = match cx.plan.strategy {
        Strategy::OnDelete => apps::StatefulSetUpdateStrategy {
            type_: Some("OnDelete".into()),
            rolling_update: None,
        },
        _ => apps::StatefulSetUpdateStrategy {
            type_: Some("RollingUpdate".into()),
            rolling_update: set
                .rolling
                .as_ref()
                .map(|r| apps::RollingUpdateStatefulSetStrategy {
                    partition: r.partition.as_ref().map(|p| int32(p.value)),
                    max_unavailable: r.max_unavailable.as_ref().map(|c| count(&c.value)),
                }),
        },
    };
    apps::StatefulSet {
        metadata: metadata(cx),
        spec: Some(apps::StatefulSetSpec {
            replicas: Some(int32(
                model
                    .replicas
                    .as_ref()
                    .map_or(crate::model::Deployment::DEFAULT_REPLICAS, |r| r.value),
            )),
            selector: selector(cx),
            template: deployment::pod_template(cx),
            service_name: cx.step.governing_service().map(|g| g.name().to_owned()),
            pod_management_policy: word(&set.pod_management_policy),
            ordinals: set
                .ordinals_start
                .as_ref()
                .map(|start| apps::StatefulSetOrdinals {
                    start: Some(int32(start.value)),
                }),
            volume_claim_templates: non_empty(
                set.volume_claim_templates
                    .iter()
                    .map(|claim| core::PersistentVolumeClaim {
                        metadata: ObjectMeta {
                            name: Some(claim.name.value.clone()),
                            ..ObjectMeta::default()
                        },
                        spec: Some(core::PersistentVolumeClaimSpec {
                            access_modes: Some(match &claim.access_modes {
                                Some(modes) => modes
                                    .value
                                    .iter()
                                    .map(|m| m.value.as_str().to_owned())
                                    .collect(),
                                None => vec!["ReadWriteOnce".to_owned()],
                            }),
                            storage_class_name: claim
                                .storage_class
                                .as_ref()
                                .map(|c| c.value.clone()),
                            resources: Some(core::VolumeResourceRequirements {
                                requests: Some(BTreeMap::from([(
                                    "storage".to_owned(),
                                    Quantity(claim.size.value.clone()),
                                )])),
                                limits: None,
                            }),
                            ..core::PersistentVolumeClaimSpec::default()
                        }),
                        status: None,
                    })
                    .collect(),
            ),
            persistent_volume_claim_retention_policy: set.claim_retention.as_ref().map(|r| {
                apps::StatefulSetPersistentVolumeClaimRetentionPolicy {
                    when_deleted: word(&r.when_deleted),
                    when_scaled: word(&r.when_scaled),
                }
            }),
            update_strategy: Some(update_strategy),
            min_ready_seconds: model.min_ready.as_ref().map(|m| int32(m.value)),
            revision_history_limit: model
                .revision_history_limit
                .as_ref()
                .map(|r| int32(r.value)),
        }),
        status: None,
    }
}

/// The headless Service kstep makes for a StatefulSet whose step has none: it selects the
/// step's pods and lists their named ports, so each pod gets a DNS name
/// (`<pod>.<service>.<namespace>.svc`).
pub(super) fn headless_service(cx: &Lowering<'_>, name: String) -> core::Service {
    let ports: Vec<core::ServicePort> = cx
        .step
        .containers
        .iter()
        .filter(|c| c.serves())
        .flat_map(|c| &c.ports)
        .filter_map(|p| {
            let name = p.name.as_ref()?;
            Some(core::ServicePort {
                name: Some(name.value.clone()),
                port: int32(p.port.value),
                target_port: Some(IntOrString::String(name.value.clone())),
                protocol: Some(p.protocol().as_str().to_owned()),
                ..core::ServicePort::default()
            })
        })
        .collect();
    core::Service {
        metadata: cx.metadata(name, &[], &[]),
        spec: Some(core::ServiceSpec {
            type_: Some("ClusterIP".into()),
            cluster_ip: Some("None".into()),
            selector: Some(labels::selector(cx.step, cx.plan)),
            ports: non_empty(ports),
            // Peers find each other before they are ready (a database forming its cluster).
            publish_not_ready_addresses: Some(true),
            ..core::ServiceSpec::default()
        }),
        status: None,
    }
}

pub(super) fn daemon_set(cx: &Lowering<'_>, set: &DaemonSet) -> apps::DaemonSet {
    let model = &cx.step.deployment;
    let update_strategy = match cx.plan.strategy {
        Strategy::OnDelete => apps::DaemonSetUpdateStrategy {
            type_: Some("OnDelete".into()),
            rolling_update: None,
        },
        _ => apps::DaemonSetUpdateStrategy {
            type_: Some("RollingUpdate".into()),
            rolling_update: set.rolling.as_ref().map(|r| apps::RollingUpdateDaemonSet {
                max_surge: r.max_surge.as_ref().map(|c| count(&c.value)),
                max_unavailable: r.max_unavailable.as_ref().map(|c| count(&c.value)),
            }),
        },
    };
    apps::DaemonSet {
        metadata: metadata(cx),
        spec: Some(apps::DaemonSetSpec {
            selector: selector(cx),
            template: deployment::pod_template(cx),
            update_strategy: Some(update_strategy),
            min_ready_seconds: model.min_ready.as_ref().map(|m| int32(m.value)),
            revision_history_limit: model
                .revision_history_limit
                .as_ref()
                .map(|r| int32(r.value)),
        }),
        status: None,
    }
}

/// A Job's spec. The API server makes its selector (`controller-uid`), so kstep sets none.
fn job_spec(cx: &Lowering<'_>, settings: &JobSettings) -> batch::JobSpec {
    let mut template = deployment::pod_template(cx);
    if let Some(spec) = template.spec.as_mut() {
        spec.restart_policy = Some(settings.restart_policy().as_str().to_owned());
    }
    let number = |v: &Option<crate::model::Spanned<i64>>| v.as_ref().map(|v| int32(v.value));
    batch::JobSpec {
        template,
        completions: number(&settings.completions),
        parallelism: number(&settings.parallelism),
        backoff_limit: number(&settings.backoff_limit),
        active_deadline_seconds: settings.active_deadline.as_ref().map(|d| d.value),
        ttl_seconds_after_finished: number(&settings.ttl_after_finished),
        completion_mode: word(&settings.completion_mode),
        pod_failure_policy: (!settings.pod_failure_policy.is_empty()).then(|| {
            batch::PodFailurePolicy {
                rules: settings
                    .pod_failure_policy
                    .iter()
                    .map(|rule| {
                        let codes = |operator: &str, values: &[crate::model::Spanned<i64>]| {
                            Some(batch::PodFailurePolicyOnExitCodesRequirement {
                                container_name: rule.container.as_ref().map(|c| c.value.clone()),
                                operator: operator.to_owned(),
                                // The API wants them in increasing order.
                                values: {
                                    let mut codes: Vec<i32> =
                                        values.iter().map(|v| int32(v.value)).collect();
                                    codes.sort_unstable();
                                    codes
                                },
                            })
                        };
                        let (on_exit_codes, on_pod_conditions) = match &rule.on {
                            FailureMatch::ExitCodes(values) => (codes("In", &values.value), None),
                            FailureMatch::NotExitCodes(values) => {
                                (codes("NotIn", &values.value), None)
                            }
                            FailureMatch::Condition(condition) => (
                                None,
                                Some(vec![batch::PodFailurePolicyOnPodConditionsPattern {
                                    type_: condition.value.clone(),
                                    status: "True".into(),
                                }]),
                            ),
                        };
                        batch::PodFailurePolicyRule {
                            action: rule.action.value.as_str().to_owned(),
                            on_exit_codes,
                            on_pod_conditions,
                        }
                    })
                    .collect(),
            }
        }),
        ..batch::JobSpec::default()
    }
}

pub(super) fn job(cx: &Lowering<'_>, settings: &JobSettings) -> batch::Job {
    batch::Job {
        metadata: metadata(cx),
        spec: Some(job_spec(cx, settings)),
        status: None,
    }
}

pub(super) fn cron_job(cx: &Lowering<'_>, cron: &CronJob) -> batch::CronJob {
    let number = |v: &Option<crate::model::Spanned<i64>>| v.as_ref().map(|v| int32(v.value));
    batch::CronJob {
        metadata: metadata(cx),
        spec: Some(batch::CronJobSpec {
            schedule: cron
                .schedule
                .as_ref()
                .map(|s| s.value.clone())
                .unwrap_or_default(),
            time_zone: cron.time_zone.as_ref().map(|t| t.value.clone()),
            concurrency_policy: word(&cron.concurrency_policy),
            suspend: cron.suspend.as_ref().map(|s| s.value),
            successful_jobs_history_limit: number(&cron.successful_history),
            failed_jobs_history_limit: number(&cron.failed_history),
            starting_deadline_seconds: cron.starting_deadline.as_ref().map(|d| d.value),
            job_template: batch::JobTemplateSpec {
                metadata: Some(ObjectMeta {
                    // Not the deployment id: the cleanup of a later deployment must not delete
                    // the runs of this CronJob.
                    labels: Some(labels::pod_labels(cx.step, cx.plan)),
                    ..ObjectMeta::default()
                }),
                spec: Some(job_spec(cx, &cron.job)),
            },
        }),
        status: None,
    }
}
