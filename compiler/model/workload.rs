//! The workload kind of a step and each kind's own settings.
//!
//! A step chooses its kind by the table it has: `[deployment]` (the default kind),
//! `[stateful_set]`, `[daemon_set]`, `[job]` or `[cron_job]`. The settings every kind shares
//! (name, labels, annotations, and replicas, minimum ready time and revision history where the
//! kind has them) stay in [`super::Deployment`], so the rest of the compiler reads them in one
//! place; what only one kind has is here.

use super::{
    AccessMode, CompletionMode, ConcurrencyPolicy, Count, JobRestartPolicy, PodFailureAction,
    PodManagementPolicy, RetentionPolicy, Spanned,
};
use crate::source::Span;

/// The kinds of workload a step can be.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Kind {
    Deployment,
    StatefulSet,
    DaemonSet,
    Job,
    CronJob,
}

impl Kind {
    /// Every kind, with the table that chooses it.
    pub(crate) const TABLES: [(Kind, &'static str); 5] = [
        (Kind::Deployment, "deployment"),
        (Kind::StatefulSet, "stateful_set"),
        (Kind::DaemonSet, "daemon_set"),
        (Kind::Job, "job"),
        (Kind::CronJob, "cron_job"),
    ];

    /// The kind as the API spells it.
    pub(crate) fn api_kind(self) -> &'static str {
        match self {
            Kind::Deployment => "Deployment",
            Kind::StatefulSet => "StatefulSet",
            Kind::DaemonSet => "DaemonSet",
            Kind::Job => "Job",
            Kind::CronJob => "CronJob",
        }
    }

    /// The kind's resource as kubectl names it.
    pub(crate) fn resource(self) -> &'static str {
        match self {
            Kind::Deployment => "deployment",
            Kind::StatefulSet => "statefulset",
            Kind::DaemonSet => "daemonset",
            Kind::Job => "job",
            Kind::CronJob => "cronjob",
        }
    }

    /// Whether the kind runs pods that serve until replaced (and so may have Services and
    /// Ingresses), rather than pods that run to completion.
    pub(crate) fn serves(self) -> bool {
        !matches!(self, Kind::Job | Kind::CronJob)
    }
}

/// The kind of a step's workload, with that kind's own settings.
#[derive(Clone, Debug, Default)]
pub(crate) enum Workload {
    #[default]
    Deployment,
    StatefulSet(StatefulSet),
    DaemonSet(DaemonSet),
    Job(Job),
    CronJob(CronJob),
}

impl Workload {
    pub(crate) fn kind(&self) -> Kind {
        match self {
            Workload::Deployment => Kind::Deployment,
            Workload::StatefulSet(_) => Kind::StatefulSet,
            Workload::DaemonSet(_) => Kind::DaemonSet,
            Workload::Job(_) => Kind::Job,
            Workload::CronJob(_) => Kind::CronJob,
        }
    }

    /// Where the kind's table starts (`None` for a Deployment, whose table is `deployment`).
    pub(crate) fn key_span(&self) -> Option<Span> {
        match self {
            Workload::Deployment => None,
            Workload::StatefulSet(s) => Some(s.key_span),
            Workload::DaemonSet(d) => Some(d.key_span),
            Workload::Job(j) => Some(j.key_span),
            Workload::CronJob(c) => Some(c.key_span),
        }
    }

    /// The Job settings of a Job or a CronJob.
    pub(crate) fn job(&self) -> Option<&JobSettings> {
        match self {
            Workload::Job(job) => Some(&job.settings),
            Workload::CronJob(cron) => Some(&cron.job),
            _ => None,
        }
    }

    /// Seconds `deploy.sh` waits for a StatefulSet's or DaemonSet's rollout or a Job.
    pub(crate) fn timeout(&self) -> Option<&Spanned<i64>> {
        match self {
            Workload::StatefulSet(s) => s.timeout.as_ref(),
            Workload::DaemonSet(d) => d.timeout.as_ref(),
            Workload::Job(j) => j.timeout.as_ref(),
            Workload::Deployment | Workload::CronJob(_) => None,
        }
    }

    /// The default of [`Workload::timeout`], in seconds.
    pub(crate) const DEFAULT_TIMEOUT: i64 = 600;
}

/// `[stateful_set]`: pods with stable names and volumes of their own.
#[derive(Clone, Debug)]
pub(crate) struct StatefulSet {
    pub(crate) key_span: Span,
    /// The headless Service that names the pods; default: the step's own, else one kstep makes.
    pub(crate) service_name: Option<Spanned<String>>,
    pub(crate) pod_management_policy: Option<Spanned<PodManagementPolicy>>,
    /// The first pod's ordinal (`spec.ordinals.start`).
    pub(crate) ordinals_start: Option<Spanned<i64>>,
    pub(crate) volume_claim_templates: Vec<ClaimTemplate>,
    pub(crate) claim_retention: Option<ClaimRetention>,
    pub(crate) rolling: Option<StatefulRolling>,
    pub(crate) timeout: Option<Spanned<i64>>,
}

/// `[[stateful_set.volume_claim_templates]]`: a volume claimed for each pod.
#[derive(Clone, Debug)]
pub(crate) struct ClaimTemplate {
    pub(crate) name: Spanned<String>,
    /// The storage requested, a quantity.
    pub(crate) size: Spanned<String>,
    pub(crate) storage_class: Option<Spanned<String>>,
    /// Default: `ReadWriteOnce`.
    pub(crate) access_modes: Option<Spanned<Vec<Spanned<AccessMode>>>>,
}

/// `[stateful_set.claim_retention]` (`persistentVolumeClaimRetentionPolicy`).
#[derive(Clone, Debug)]
pub(crate) struct ClaimRetention {
    pub(crate) when_deleted: Option<Spanned<RetentionPolicy>>,
    pub(crate) when_scaled: Option<Spanned<RetentionPolicy>>,
}

/// `[stateful_set.rolling]`.
#[derive(Clone, Debug)]
pub(crate) struct StatefulRolling {
    pub(crate) key_span: Span,
    /// Pods with an ordinal below it keep the old version.
    pub(crate) partition: Option<Spanned<i64>>,
    pub(crate) max_unavailable: Option<Spanned<Count>>,
}

/// `[daemon_set]`: one pod on every node (that the pod's scheduling allows).
#[derive(Clone, Debug)]
pub(crate) struct DaemonSet {
    pub(crate) key_span: Span,
    pub(crate) rolling: Option<DaemonRolling>,
    pub(crate) timeout: Option<Spanned<i64>>,
}

/// `[daemon_set.rolling]`.
#[derive(Clone, Debug)]
pub(crate) struct DaemonRolling {
    pub(crate) key_span: Span,
    pub(crate) max_surge: Option<Spanned<Count>>,
    pub(crate) max_unavailable: Option<Spanned<Count>>,
}

/// `[job]`: pods that run to completion, once per deployment.
#[derive(Clone, Debug)]
pub(crate) struct Job {
    pub(crate) key_span: Span,
    pub(crate) settings: JobSettings,
    /// Seconds `deploy.sh` waits for the Job to finish.
    pub(crate) timeout: Option<Spanned<i64>>,
}

/// What a Job and a CronJob's Jobs share.
#[derive(Clone, Debug, Default)]
pub(crate) struct JobSettings {
    pub(crate) completions: Option<Spanned<i64>>,
    pub(crate) parallelism: Option<Spanned<i64>>,
    pub(crate) backoff_limit: Option<Spanned<i64>>,
    /// Seconds (`activeDeadlineSeconds`).
    pub(crate) active_deadline: Option<Spanned<i64>>,
    /// Seconds (`ttlSecondsAfterFinished`).
    pub(crate) ttl_after_finished: Option<Spanned<i64>>,
    pub(crate) completion_mode: Option<Spanned<CompletionMode>>,
    /// The pods' restart policy; default `Never`.
    pub(crate) restart_policy: Option<Spanned<JobRestartPolicy>>,
    pub(crate) pod_failure_policy: Vec<PodFailureRule>,
    pub(crate) pod_failure_policy_span: Option<Span>,
}

impl JobSettings {
    pub(crate) fn restart_policy(&self) -> JobRestartPolicy {
        self.restart_policy
            .as_ref()
            .map_or(JobRestartPolicy::Never, |p| p.value)
    }
}

/// `[[job.pod_failure_policy]]`: what a failed pod that matches does to the Job.
#[derive(Clone, Debug)]
pub(crate) struct PodFailureRule {
    pub(crate) action: Spanned<PodFailureAction>,
    pub(crate) on: FailureMatch,
    /// Only this container's exit codes (exit code rules only).
    pub(crate) container: Option<Spanned<String>>,
}

/// What a pod failure rule matches.
#[derive(Clone, Debug)]
pub(crate) enum FailureMatch {
    /// `exit_codes`: one of these exit codes.
    ExitCodes(Spanned<Vec<Spanned<i64>>>),
    /// `not_exit_codes`: any exit code but these.
    NotExitCodes(Spanned<Vec<Spanned<i64>>>),
    /// `condition`: a pod condition of this type (`DisruptionTarget`).
    Condition(Spanned<String>),
}

/// `[cron_job]`: a Job on a schedule.
#[derive(Clone, Debug)]
pub(crate) struct CronJob {
    pub(crate) key_span: Span,
    /// `None` only when missing or broken (already reported).
    pub(crate) schedule: Option<Spanned<String>>,
    pub(crate) time_zone: Option<Spanned<String>>,
    pub(crate) concurrency_policy: Option<Spanned<ConcurrencyPolicy>>,
    pub(crate) suspend: Option<Spanned<bool>>,
    pub(crate) successful_history: Option<Spanned<i64>>,
    pub(crate) failed_history: Option<Spanned<i64>>,
    /// Seconds (`startingDeadlineSeconds`).
    pub(crate) starting_deadline: Option<Spanned<i64>>,
    pub(crate) job: JobSettings,
}

/// The Service that governs a StatefulSet (`spec.serviceName`), which gives its pods their
/// DNS names.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Governing {
    /// `service_name`, or the step's own headless Service.
    Named(String),
    /// A headless Service kstep makes for the StatefulSet: `<name>-headless`.
    Made(String),
}

impl Governing {
    pub(crate) fn name(&self) -> &str {
        match self {
            Governing::Named(name) | Governing::Made(name) => name,
        }
    }
}

impl super::Step {
    /// The volumes a StatefulSet claims for each pod, which the containers mount by name.
    pub(crate) fn claim_volumes(&self) -> impl Iterator<Item = &Spanned<String>> {
        let claims = match &self.workload {
            Workload::StatefulSet(set) => set.volume_claim_templates.as_slice(),
            _ => &[],
        };
        claims.iter().map(|c| &c.name)
    }

    /// A StatefulSet's governing Service; `None` for other kinds.
    pub(crate) fn governing_service(&self) -> Option<Governing> {
        let Workload::StatefulSet(set) = &self.workload else {
            return None;
        };
        if let Some(name) = &set.service_name {
            return Some(Governing::Named(name.value.clone()));
        }
        let headless = self
            .services
            .iter()
            .find(|s| s.is_headless() && s.has_selector() && s.shared_selector().is_none());
        Some(match headless {
            Some(service) => Governing::Named(self.service_name(service).to_owned()),
            None => Governing::Made(format!("{}-headless", self.deployment.name())),
        })
    }
}
