//! Stage 5, emit: objects to manifest files, and files to disk or stdout.
//!
//! Each object becomes one file named `NN-<kind>-<name>.<ext>` under `manifests/`, where `NN`
//! is the apply rank, so a plain sorted listing is the apply order. YAML and JSON come from the
//! same JSON value, so the two formats always agree. Beside the manifests: a
//! `kustomization.yaml` listing them and the strategy's `deploy.sh`.

mod compare;
mod printed;
mod script;
mod stencil;
mod write;
pub(crate) mod yaml;

pub(crate) use compare::{compare_step, stale};
pub use printed::Printed;
pub(crate) use script::warm_up;
pub(crate) use write::Staging;

use std::path::Path;

use crate::lower::{Object, StepObjects, labels};
use crate::model::{BlueGreen, Choice, Deployment, Kind, Previous, Step, Strategy, Workload};
use crate::plan::Plan;

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Yaml,
    Json,
}

impl Format {
    fn extension(self) -> &'static str {
        match self {
            Format::Yaml => "yaml",
            Format::Json => "json",
        }
    }
}

/// How a file is written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum FileMode {
    Regular,
    /// Owner-only (0600): Secret manifests.
    Private,
    /// Executable (0755): the deploy script.
    Executable,
}

impl FileMode {
    /// The Unix permission bits a file is created with.
    pub(crate) fn bits(self) -> u32 {
        match self {
            FileMode::Regular => 0o644,
            FileMode::Private => 0o600,
            FileMode::Executable => 0o755,
        }
    }
}

/// One file of a step's output, relative to the step's directory.
pub(crate) struct OutputFile {
    pub(crate) path: String,
    pub(crate) contents: String,
    pub(crate) mode: FileMode,
    /// What kstep may print instead of the contents (a Secret with its values masked).
    pub(crate) shown: Option<String>,
}

impl OutputFile {
    /// The contents, or their masked form unless secrets may be shown.
    pub(crate) fn printable(&self, show_secrets: bool) -> &str {
        match &self.shown {
            Some(shown) if !show_secrets => shown,
            _ => &self.contents,
        }
    }
}

pub(crate) struct StepOutput {
    pub(crate) step_id: String,
    pub(crate) files: Vec<OutputFile>,
}

/// Emitting fails only on a bug in kstep (an object that does not serialize, a broken script
/// template).
#[derive(Debug)]
pub(crate) struct EmitError(pub(crate) String);

/// The manifests of a step, its kustomization and its deploy script.
pub(crate) fn render(
    step: &Step,
    plan: &Plan,
    objects: &StepObjects,
    source: &Path,
    format: Format,
) -> Result<StepOutput, EmitError> {
    let mut files = Vec::with_capacity(objects.objects.len() + 2);
    let mut phases: [Vec<String>; 3] = Default::default();
    let preview_service = if plan.is_blue_green() {
        step.preview_service_name()
    } else {
        None
    };
    let mut preview_file = String::new();
    // A `switch = "weights"` route's Services for this deployment, which exist before the
    // switch (applied with the ConfigMaps and Secrets).
    let colours = crate::lower::route::colour_services(step, plan);
    let colour_names: Vec<String> = colours.iter().map(|c| plan.versioned(c)).collect();
    let mut network_kinds: Vec<&str> = Vec::new();
    for object in &objects.objects {
        let path = format!(
            "manifests/{:02}-{}-{}.{}",
            object.apply_rank(),
            object.kind().to_ascii_lowercase(),
            object.name(),
            format.extension()
        );
        let phase = match object.apply_rank() {
            ..20 => 0,
            // The workload files are what the scripts may apply with another `spec.replicas`
            // (`patch --local`): a budget goes in before the new colour's Deployment under
            // blue/green, after the rollout otherwise.
            _ if object.kind() == "PodDisruptionBudget" && plan.is_blue_green() => 0,
            _ if object.kind() == "Service" && colour_names.iter().any(|n| n == object.name()) => 0,
            _ if object.kind() == "PodDisruptionBudget" => 2,
            20..30 => 1,
            _ => 2,
        };
        if object.kind() == "Service" && Some(object.name()) == preview_service.as_deref() {
            preview_file = path.clone();
        } else {
            phases[phase].push(path.clone());
        }
        if phase == 2 && !network_kinds.contains(&object.kind()) {
            network_kinds.push(object.kind());
        }
        files.push(manifest_file(path, object, format)?);
    }
    files.push(OutputFile {
        path: "kustomization.yaml".into(),
        contents: kustomization(&files),
        mode: FileMode::Regular,
        shown: None,
    });
    let [config_files, workload_files, network_files] = phases;
    let blue_green = step.deployment.blue_green.as_ref();
    let services: Vec<String> = if plan.is_blue_green() {
        step.switched_services()
            .map(|s| step.service_name(s).to_owned())
            .collect()
    } else {
        Vec::new()
    };
    let switches = !services.is_empty();
    let kind = step.kind();
    let on_delete = plan.strategy == Strategy::OnDelete;
    let (wait, nothing_to_wait_for) = match kind {
        Kind::Job => ("job", ""),
        Kind::CronJob => (
            "none",
            "A CronJob has nothing to roll out: its next run, at the schedule, uses this version",
        ),
        Kind::StatefulSet | Kind::DaemonSet if on_delete => (
            "none",
            "On-delete: the pods are replaced by this version only when they are deleted (kubectl delete pod)",
        ),
        _ => ("rollout", ""),
    };
    // Kinds whose selector kstep writes, which the API server never lets change.
    let selector_check = matches!(kind, Kind::Deployment | Kind::StatefulSet | Kind::DaemonSet)
        && !plan.is_blue_green();
    let selector_kind = selector_check.then(|| kind.api_kind());
    let (exit_codes, exit_codes_comment) = script::exit_code_texts(script::ExitCodes {
        selector_kind,
        job: kind == Kind::Job,
        switches,
        routes: !step.routes.is_empty(),
    });
    let script = script::Script {
        // The file name alone: the output must not depend on the directory kstep ran in.
        source: source.file_name().map_or_else(
            || source.display().to_string(),
            |n| n.to_string_lossy().into_owned(),
        ),
        version: env!("CARGO_PKG_VERSION"),
        step_id: step.id().to_owned(),
        deployment_id: plan.deployment_id.clone(),
        namespace: step
            .namespace
            .as_ref()
            .map(|n| n.value.clone())
            .unwrap_or_default(),
        strategy_title: match (kind, plan.strategy) {
            (Kind::Job, _) => "a new Job",
            (Kind::CronJob, _) => "in place",
            (_, strategy) => match strategy {
                Strategy::Recreate => "recreate",
                Strategy::RollingUpdate => "rolling update",
                Strategy::BlueGreen => "blue/green",
                Strategy::OnDelete => "on-delete",
            },
        },
        blue_green: plan.is_blue_green(),
        deployment_name: crate::lower::workload::workload_name(step, plan),
        workload_kind: kind.api_kind(),
        workload_resource: kind.resource(),
        wait,
        nothing_to_wait_for,
        selector_check,
        timeout: match kind {
            Kind::Deployment => step.deployment.progress_deadline(),
            _ => step
                .workload
                .timeout()
                .map_or(Workload::DEFAULT_TIMEOUT, |t| t.value),
        }
        .to_string(),
        deployment_selector: serde_json::json!({
            "matchLabels": labels::deployment_selector(step, plan)
        })
        .to_string(),
        pod_selector: selector(&labels::selector(step, plan)),
        step_selector: format!("{}={}", labels::STEP_LABEL, step.id()),
        cleanup_kinds: script::CLEANUP_KINDS,
        network_title: format!(
            "Apply {}",
            crate::diagnostic::all_of(&network_kinds).replace('`', "")
        ),
        cleanup_selector: format!(
            "{step_label}={step},{id_label},{id_label}!={id}",
            step_label = labels::STEP_LABEL,
            step = step.id(),
            id_label = labels::DEPLOYMENT_ID_LABEL,
            id = plan.deployment_id
        ),
        config_files,
        workload_files,
        network_files,
        lock_name: format!("kstep-{}", step.id()),
        deployment_base: step.deployment.name().to_owned(),
        replicas: step
            .deployment
            .replicas
            .as_ref()
            .map_or(Deployment::DEFAULT_REPLICAS, |r| r.value)
            .to_string(),
        colour_routes: if colours.is_empty() {
            Vec::new()
        } else {
            step.routes
                .iter()
                .filter(|r| r.by_weights())
                .map(|r| step.route_name(r).to_owned())
                .collect()
        },
        colour_bases: colours,
        routes: step
            .routes
            .iter()
            .map(|r| step.route_name(r).to_owned())
            .collect(),
        autoscaler: step
            .autoscaling
            .as_ref()
            .map(|_| step.deployment.name().to_owned())
            .unwrap_or_default(),
        min_replicas: step
            .autoscaling
            .as_ref()
            .map(|a| a.min_replicas().to_string())
            .unwrap_or_default(),
        max_replicas: step
            .autoscaling
            .as_ref()
            .map(|a| a.max_replicas().to_string())
            .unwrap_or_default(),
        services,
        switches,
        exit_codes,
        exit_codes_comment,
        preview_service: preview_service.clone().unwrap_or_default(),
        preview_file,
        preview_replicas: blue_green
            .and_then(|b| b.preview.as_ref())
            .and_then(|p| p.replicas.as_ref())
            .map(|r| r.value.to_string())
            .unwrap_or_default(),
        scale_down_delay: blue_green
            .map_or(
                BlueGreen::DEFAULT_SCALE_DOWN_DELAY,
                BlueGreen::scale_down_delay,
            )
            .to_string(),
        auto_promote: blue_green.is_none_or(BlueGreen::auto_promote),
        keep_previous: blue_green
            .map_or(Previous::ScaleToZero, BlueGreen::previous)
            .as_str(),
    };
    files.push(OutputFile {
        path: "deploy.sh".into(),
        contents: script::render(script).map_err(EmitError)?,
        mode: FileMode::Executable,
        shown: None,
    });
    Ok(StepOutput {
        step_id: objects.step_id.clone(),
        files,
    })
}

/// One manifest file: a Secret is private, and has a masked copy to show.
fn manifest_file(path: String, object: &Object, format: Format) -> Result<OutputFile, EmitError> {
    let secret = object.kind() == "Secret";
    let (contents, shown) = if format == Format::Yaml && !secret {
        (
            yaml::to_yaml(object).map_err(|e| EmitError(e.to_string()))?,
            None,
        )
    } else {
        let value = object.to_json().map_err(|e| EmitError(e.to_string()))?;
        let contents = write(&value, format)?;
        let shown = if secret {
            Some(write(&masked(value), format)?)
        } else {
            None
        };
        (contents, shown)
    };
    Ok(OutputFile {
        path,
        contents,
        mode: if secret {
            FileMode::Private
        } else {
            FileMode::Regular
        },
        shown,
    })
}

fn write(value: &serde_json::Value, format: Format) -> Result<String, EmitError> {
    let mut text = match format {
        Format::Yaml => return yaml::to_yaml(value).map_err(|e| EmitError(e.to_string())),
        Format::Json => {
            serde_json::to_string_pretty(value).map_err(|e| EmitError(e.to_string()))?
        }
    };
    text.push('\n');
    Ok(text)
}

/// A Secret with every data value replaced by a marker that is not valid base64, so a
/// masked manifest cannot be applied by mistake.
fn masked(mut secret: serde_json::Value) -> serde_json::Value {
    // `stringData` too: a patch may set it.
    for field in ["data", "stringData"] {
        if let Some(data) = secret.get_mut(field).and_then(|d| d.as_object_mut()) {
            for value in data.values_mut() {
                *value = serde_json::Value::String("<redacted>".into());
            }
        }
    }
    secret
}

/// `kustomization.yaml`: every manifest, in apply order, for `kubectl apply -k`.
fn kustomization(files: &[OutputFile]) -> String {
    let mut out = String::from(
        "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n",
    );
    for file in files {
        out.push_str("- ");
        yaml::write_string(&mut out, &file.path);
        out.push('\n');
    }
    out
}

/// `key=value,key=value`, for `--selector`.
fn selector(labels: &std::collections::BTreeMap<String, String>) -> String {
    labels
        .iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join(",")
}

/// A step's manifests as part of `--stdout`'s stream, without the rest of its output: YAML
/// documents each after `---`, or JSON documents one after another. Secrets are masked
/// unless `show_secrets`.
pub(crate) fn stream(
    objects: &StepObjects,
    format: Format,
    show_secrets: bool,
) -> Result<String, EmitError> {
    let mut out = String::new();
    for object in &objects.objects {
        let file = manifest_file(String::new(), object, format)?;
        if format == Format::Yaml {
            out.push_str("---\n");
        }
        out.push_str(file.printable(show_secrets));
    }
    Ok(out)
}
