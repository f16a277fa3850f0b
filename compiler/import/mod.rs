//! `kstep import`: Kubernetes manifests to step files, the inverse of the compile pipeline.
//!
//! ```text
//! manifests ─manifests─▶ objects (JSON + spans) ─group─▶ workloads ─convert─▶ step tables ─doc─▶ TOML / YAML
//! ```
//!
//! One step per Deployment, with the Services that select its pods, the Ingresses that route
//! to those, and the ConfigMaps (and, with `--secrets inline`, Secrets) that only it uses.
//! The converters read every field they have a key for ([`source::Source`]); what no key
//! carries becomes a patch of the step, and a warning at its line in the input, so nothing is
//! lost silently. The Deployment keeps its selector and the Services theirs, so the step's
//! output applies over the objects that exist.

mod container;
pub mod defaults;
mod doc;
mod manifests;
mod network;
mod owned;
mod pod;
mod source;
mod workload;

pub(crate) use manifests::Manifest;

use std::collections::BTreeMap;

use serde_json::Value;

use crate::diagnostic::{Code, Diagnostic, Diagnostics, Severity};
use crate::pointer::dotted;
use crate::source::FileId;
use doc::{Item, Table};
use source::Source;

/// The language of the step files written.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum StepFormat {
    Toml,
    Yaml,
}

/// What becomes of the Secrets the manifests hold.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum SecretsMode {
    /// Secrets stay references: the step names them, and they are created apart from it.
    Reference,
    /// Secrets only one workload uses become the step's, values included.
    Inline,
}

pub struct ImportOptions {
    pub format: StepFormat,
    pub secrets: SecretsMode,
    /// A field kept as a patch is an error.
    pub strict: bool,
}

/// One step file to write.
pub struct ImportedStep {
    pub step_id: String,
    pub file_name: String,
    pub text: String,
    /// The objects it carries, `Kind/name`, for what kstep prints.
    pub objects: Vec<String>,
    /// It holds Secret values (`--secrets inline`): the file is written for its owner only.
    pub has_secrets: bool,
}

/// The manifests of `files` (`(file, text, name shown in the header)`) as step files;
/// everything found is reported.
pub fn import(
    files: &[(FileId, &str, String)],
    options: &ImportOptions,
    diags: &mut Diagnostics,
) -> Vec<ImportedStep> {
    let mut objects = Vec::new();
    for (file, text, _) in files {
        objects.extend(manifests::read(*file, text, diags));
    }
    let sources: Vec<&str> = files.iter().map(|(_, _, name)| name.as_str()).collect();
    let groups = group(&objects, options, diags);
    let mut used_ids: BTreeMap<String, usize> = BTreeMap::new();
    let mut out = Vec::with_capacity(groups.len());
    for group in groups {
        let step = convert(&objects, &group, options, diags);
        let count = used_ids.entry(step.id.clone()).or_default();
        *count += 1;
        let id = if *count > 1 {
            // The same name in two namespaces.
            format!(
                "{}-{}",
                step.id,
                objects[group.workload]
                    .namespace
                    .as_deref()
                    .unwrap_or("default")
            )
        } else {
            step.id.clone()
        };
        let mut root = step.root;
        if id != step.id
            && let Some(Item::Table(table)) = root
                .entries
                .iter_mut()
                .find(|(k, _)| k == "step")
                .map(|(_, v)| v)
        {
            table.set("id", id.clone());
        }
        let header = header(&sources, &step.objects);
        let (text, extension) = match options.format {
            StepFormat::Toml => (doc::to_toml(&root, &header), "toml"),
            StepFormat::Yaml => (doc::to_yaml(&root, &header), "yaml"),
        };
        out.push(ImportedStep {
            has_secrets: !group.secrets.is_empty(),
            file_name: format!("{id}.{extension}"),
            step_id: id,
            text,
            objects: step.objects,
        });
    }
    out
}

/// The comment at the top of an imported step file.
fn header(sources: &[&str], objects: &[String]) -> String {
    let mut out = format!("# Imported by kstep import from {}.\n", sources.join(", "));
    out.push_str(&format!("# Objects: {}.\n", objects.join(", ")));
    out.push_str("# Check docs/import.md (in kstep) before the first deploy.\n");
    out
}

/// The fields of an object (one kstep emits: a Deployment, Service, Ingress, ConfigMap or
/// Secret) that a step file has keys for, as JSON pointers: what `kstep import` would write
/// as keys. For other kinds, none.
pub(crate) fn carried_by_keys(
    kind: &str,
    object: &Value,
    span: crate::source::Span,
) -> Vec<String> {
    let manifest = Manifest::made(kind, object.clone(), span);
    let mut src = Source::new(&manifest);
    match kind {
        "Deployment" => {
            workload::deployment(&mut src);
        }
        "Service" => {
            network::service(&mut src);
        }
        "Ingress" => {
            let service = network::ingress_service(object).unwrap_or_default();
            network::ingress(&mut src, &service);
        }
        "ConfigMap" => {
            owned::config_map(&mut src);
        }
        "Secret" => {
            owned::secret(&mut src);
        }
        _ => return Vec::new(),
    }
    src.carried_by_keys()
}

/// The objects of one step: indexes into the manifests.
struct Group {
    workload: usize,
    services: Vec<usize>,
    ingresses: Vec<(usize, String)>,
    config_maps: Vec<usize>,
    secrets: Vec<usize>,
}

/// One step per Deployment, and the objects that belong to it. Objects that belong to none
/// are reported as not imported.
fn group(objects: &[Manifest], options: &ImportOptions, diags: &mut Diagnostics) -> Vec<Group> {
    let mut groups: Vec<Group> = objects
        .iter()
        .enumerate()
        .filter(|(_, m)| m.kind == "Deployment" && m.api_version == "apps/v1")
        .map(|(workload, _)| Group {
            workload,
            services: Vec::new(),
            ingresses: Vec::new(),
            config_maps: Vec::new(),
            secrets: Vec::new(),
        })
        .collect();
    let mut placed = vec![false; objects.len()];
    for g in &groups {
        placed[g.workload] = true;
    }
    let pod_labels = |m: &Manifest| -> BTreeMap<String, String> {
        m.value
            .pointer("/spec/template/metadata/labels")
            .and_then(Value::as_object)
            .map(|l| {
                l.iter()
                    .filter_map(|(k, v)| Some((k.clone(), v.as_str()?.to_owned())))
                    .collect()
            })
            .unwrap_or_default()
    };
    // Services: with the first workload whose pods they select.
    for (i, m) in objects.iter().enumerate() {
        if m.kind != "Service" || m.api_version != "v1" {
            continue;
        }
        let selector: BTreeMap<String, String> = m
            .value
            .pointer("/spec/selector")
            .and_then(Value::as_object)
            .map(|s| {
                s.iter()
                    .filter_map(|(k, v)| Some((k.clone(), v.as_str()?.to_owned())))
                    .collect()
            })
            .unwrap_or_default();
        if selector.is_empty() {
            continue;
        }
        let selected: Vec<usize> = groups
            .iter()
            .enumerate()
            .filter(|(_, g)| {
                let w = &objects[g.workload];
                w.namespace == m.namespace && {
                    let labels = pod_labels(w);
                    selector.iter().all(|(k, v)| labels.get(k) == Some(v))
                }
            })
            .map(|(gi, _)| gi)
            .collect();
        if let Some(&first) = selected.first() {
            groups[first].services.push(i);
            placed[i] = true;
            if selected.len() > 1 {
                let names: Vec<String> = selected[1..]
                    .iter()
                    .map(|&g| format!("`{}`", objects[groups[g].workload].name))
                    .collect();
                diags.push(
                    Diagnostic::notice(
                        Code::NotImported,
                        format!(
                            "Service `{}` selects the pods of several Deployments: it goes into step `{}`, which keeps its selector",
                            m.name, objects[groups[first].workload].name
                        ),
                    )
                    .label(m.span, "a shared Service")
                    .help(format!("the pods of {} keep the labels it selects", names.join(", "))),
                );
            }
        }
    }
    // Ingresses: with the step of the one Service every backend names.
    for (i, m) in objects.iter().enumerate() {
        if m.kind != "Ingress" || m.api_version != "networking.k8s.io/v1" {
            continue;
        }
        let Some(service) = network::ingress_service(&m.value) else {
            continue;
        };
        let owner = groups.iter().position(|g| {
            g.services
                .iter()
                .any(|&s| objects[s].name == service && objects[s].namespace == m.namespace)
        });
        if let Some(g) = owner {
            groups[g].ingresses.push((i, service));
            placed[i] = true;
        }
    }
    // ConfigMaps and Secrets: with the one step that uses them.
    for (i, m) in objects.iter().enumerate() {
        let secret = match (m.kind.as_str(), m.api_version.as_str()) {
            ("ConfigMap", "v1") => false,
            ("Secret", "v1") => true,
            _ => continue,
        };
        let users: Vec<usize> = groups
            .iter()
            .enumerate()
            .filter(|(_, g)| {
                let w = &objects[g.workload];
                w.namespace == m.namespace
                    && (references(&w.value, secret).contains(&m.name)
                        || (secret
                            && g.ingresses.iter().any(|(ing, _)| {
                                tls_secrets(&objects[*ing].value).contains(&m.name)
                            })))
            })
            .map(|(gi, _)| gi)
            .collect();
        match users.as_slice() {
            [one] if !secret => {
                groups[*one].config_maps.push(i);
                placed[i] = true;
            }
            [one] if options.secrets == SecretsMode::Inline => {
                groups[*one].secrets.push(i);
                placed[i] = true;
            }
            [_] => {
                diags.push(
                    Diagnostic::warning(
                        Code::NotImported,
                        format!("Secret `{}` stays a reference: its values are not written into the step", m.name),
                    )
                    .label(m.span, "not imported")
                    .help("create the Secret apart from the step (a secret manager, `kubectl create secret`), or import with `--secrets inline` to make it the step's"),
                );
                placed[i] = true;
            }
            _ => {}
        }
    }
    for (i, m) in objects.iter().enumerate() {
        if !placed[i] {
            diags.push(
                Diagnostic::warning(
                    Code::NotImported,
                    format!("{} `{}` is not imported: it belongs to no workload", m.kind, m.name),
                )
                .label(m.span, "not imported")
                .help("keep it as a manifest of its own beside the steps (docs/limits.md lists what kstep cannot express)"),
            );
        }
    }
    groups
}

/// Names of the ConfigMaps (or Secrets) a workload's pods refer to.
fn references(workload: &Value, secret: bool) -> Vec<String> {
    let mut out = Vec::new();
    let spec = workload.pointer("/spec/template/spec");
    let text = |v: Option<&Value>| v.and_then(Value::as_str).map(str::to_owned);
    for list in ["initContainers", "containers"] {
        for c in spec
            .and_then(|s| s.get(list))
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            for env in c.get("env").and_then(Value::as_array).into_iter().flatten() {
                let key = if secret {
                    "secretKeyRef"
                } else {
                    "configMapKeyRef"
                };
                out.extend(text(env.pointer(&format!("/valueFrom/{key}/name"))));
            }
            for env in c
                .get("envFrom")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
            {
                let key = if secret { "secretRef" } else { "configMapRef" };
                out.extend(text(env.pointer(&format!("/{key}/name"))));
            }
        }
    }
    for v in spec
        .and_then(|s| s.get("volumes"))
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        let pointer = if secret {
            "/secret/secretName"
        } else {
            "/configMap/name"
        };
        out.extend(text(v.pointer(pointer)));
        for p in v
            .pointer("/projected/sources")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            let pointer = if secret {
                "/secret/name"
            } else {
                "/configMap/name"
            };
            out.extend(text(p.pointer(pointer)));
        }
    }
    if secret {
        for s in spec
            .and_then(|s| s.get("imagePullSecrets"))
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            out.extend(text(s.get("name")));
        }
    }
    out
}

fn tls_secrets(ingress: &Value) -> Vec<String> {
    ingress
        .pointer("/spec/tls")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|t| t.get("secretName")?.as_str().map(str::to_owned))
        .collect()
}

struct Converted {
    id: String,
    root: Table,
    objects: Vec<String>,
}

fn convert(
    objects: &[Manifest],
    group: &Group,
    options: &ImportOptions,
    diags: &mut Diagnostics,
) -> Converted {
    let mut patches = Vec::new();
    let mut carried = Vec::new();
    let deployment = &objects[group.workload];
    let mut src = Source::new(deployment);
    let workload = workload::deployment(&mut src);
    residue(&src, &deployment.name, options.strict, &mut patches, diags);
    carried.push(format!("Deployment/{}", deployment.name));

    let mut services = Vec::new();
    for &s in &group.services {
        let mut src = Source::new(&objects[s]);
        services.push(Item::Table(network::service(&mut src)));
        residue(&src, &objects[s].name, options.strict, &mut patches, diags);
        carried.push(format!("Service/{}", objects[s].name));
    }
    let mut ingresses = Vec::new();
    for (i, service) in &group.ingresses {
        let mut src = Source::new(&objects[*i]);
        ingresses.push(Item::Table(network::ingress(&mut src, service)));
        residue(&src, &objects[*i].name, options.strict, &mut patches, diags);
        carried.push(format!("Ingress/{}", objects[*i].name));
    }
    let mut config_maps = Table::default();
    for &c in &group.config_maps {
        let mut src = Source::new(&objects[c]);
        config_maps.set(objects[c].name.clone(), owned::config_map(&mut src));
        residue(&src, &objects[c].name, options.strict, &mut patches, diags);
        carried.push(format!("ConfigMap/{}", objects[c].name));
    }
    let mut secrets = Table::default();
    for &s in &group.secrets {
        let mut src = Source::new(&objects[s]);
        match owned::secret(&mut src) {
            Some(table) => {
                secrets.set(objects[s].name.clone(), table);
                residue(&src, &objects[s].name, options.strict, &mut patches, diags);
                carried.push(format!("Secret/{}", objects[s].name));
            }
            None => diags.push(
                Diagnostic::warning(
                    Code::NotImported,
                    format!(
                        "Secret `{}` holds a value that is not text: it stays a reference",
                        objects[s].name
                    ),
                )
                .label(objects[s].span, "not imported")
                .help("create the Secret apart from the step; a step's Secret values are text"),
            ),
        }
    }

    let mut root = Table::default();
    root.set("step", workload.step);
    root.set("deployment", workload.deployment);
    root.set_some("pod", workload.pod);
    root.set_some("volumes", workload.volumes);
    root.set("containers", workload.containers);
    match services.len() {
        0 => {}
        1 => root.set("service", services.remove(0)),
        _ => root.set("services", services),
    }
    match ingresses.len() {
        0 => {}
        1 => {
            let mut ingress = ingresses.remove(0);
            // With one Service the Ingress need not name it.
            if let (Item::Table(t), false) = (&mut ingress, root.get("services").is_some()) {
                t.entries.retain(|(k, _)| k != "service");
            }
            root.set("ingress", ingress);
        }
        _ => root.set("ingresses", ingresses),
    }
    root.set_some("config_maps", config_maps);
    root.set_some("secrets", secrets);
    root.set_some("patches", patches);
    let _ = workload.pod_labels;
    Converted {
        id: deployment.name.clone(),
        root,
        objects: carried,
    }
}

/// The residue of an object as patches (a merge patch for fields outside lists, JSON patch
/// `add` operations for fields in list items) and a warning per field.
fn residue(
    src: &Source<'_>,
    name: &str,
    strict: bool,
    patches: &mut Vec<Item>,
    diags: &mut Diagnostics,
) {
    let manifest = src.manifest;
    let residue = src.residue();
    if residue.is_empty() {
        return;
    }
    let mut merge = serde_json::Map::new();
    let mut ops = Vec::new();
    for (pointer, value) in residue {
        let severity = if strict {
            Severity::Error
        } else {
            Severity::Warning
        };
        let mut diagnostic = Diagnostic::warning(
                Code::KeptAsPatch,
                format!(
                    "`{}` of {} `{}` has no key in a step file: it is kept as a patch",
                    dotted(&pointer),
                    manifest.kind,
                    name
                ),
            )
            .label(manifest.spans.at(&pointer), "kept as a patch")
            .help("nothing to do if the patch is right; docs/escape-hatch.md explains patches, and `--strict` refuses them");
        diagnostic.severity = severity;
        diags.push(diagnostic);
        let parts: Vec<String> = pointer
            .split('/')
            .skip(1)
            .map(|p| p.replace("~1", "/").replace("~0", "~"))
            .collect();
        if parts
            .iter()
            .any(|p| p.bytes().all(|b| b.is_ascii_digit()) && !p.is_empty())
        {
            let mut op = Table::default();
            op.set("op", "add");
            op.set("path", pointer.clone());
            op.set("value", Item::from(&value));
            ops.push(Item::Table(op));
        } else {
            insert(&mut merge, &parts, value);
        }
    }
    let base = |patches: &mut Vec<Item>, key: &str, body: Item| {
        let mut patch = Table::default();
        patch.set("kind", manifest.kind.clone());
        patch.set("name", name.to_owned());
        patch.set(key, body);
        patches.push(Item::Table(patch));
    };
    if !merge.is_empty() {
        base(patches, "merge", Item::from(&Value::Object(merge)));
    }
    if !ops.is_empty() {
        base(patches, "json", Item::List(ops));
    }
}

fn insert(map: &mut serde_json::Map<String, Value>, parts: &[String], value: Value) {
    match parts {
        [] => {}
        [last] => {
            map.insert(last.clone(), value);
        }
        [first, rest @ ..] => {
            let child = map
                .entry(first.clone())
                .or_insert_with(|| Value::Object(serde_json::Map::new()));
            if let Value::Object(child) = child {
                insert(child, rest, value);
            }
        }
    }
}
