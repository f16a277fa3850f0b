//! The API's rules on a manifest, for objects a patch changed: kstep checks a step before it
//! lowers it, so a patched object is checked again, on its JSON. The rules are those the step
//! checks mirror (`k8s.rs`, `quantity.rs`, `image.rs`): label and annotation syntax, container
//! and volume names, images, ports, environment variable names, quantities, volume mounts of
//! declared volumes, Service ports, ConfigMap and Secret keys, and a Deployment selector that
//! matches its pods. Each problem is a JSON pointer, a code, and the end of a sentence.

use std::collections::BTreeSet;

use serde_json::Value;

use super::k8s::{self, Syntax};
use super::quantity::Quantity;
use crate::diagnostic::Code;
use crate::pointer::escape;

pub(crate) type Problem = (String, Code, String);

/// The problems of an object of `kind`, given as its JSON.
pub(crate) fn check(kind: &str, object: &Value) -> Vec<Problem> {
    let mut out = Vec::new();
    metadata(object, "/metadata", &mut out);
    match kind {
        // A StatefulSet's and a DaemonSet's spec have the Deployment's shape where it matters.
        "Deployment" | "StatefulSet" | "DaemonSet" => deployment(object, &mut out),
        "Job" => {
            metadata(object, "/spec/template/metadata", &mut out);
            pod(object, "/spec/template/spec", &mut out);
        }
        "CronJob" => {
            metadata(object, "/spec/jobTemplate/spec/template/metadata", &mut out);
            pod(object, "/spec/jobTemplate/spec/template/spec", &mut out);
        }
        "Service" => service(object, &mut out),
        "ConfigMap" | "Secret" => {
            for field in ["data", "binaryData", "stringData"] {
                for (key, _) in entries(object, &format!("/{field}")) {
                    syntax(
                        &mut out,
                        &format!("/{field}/{}", escape(key)),
                        key,
                        "key",
                        &k8s::CONFIG_KEY,
                    );
                }
            }
        }
        _ => {}
    }
    out
}

fn metadata(object: &Value, at: &str, out: &mut Vec<Problem>) {
    for (key, value) in entries(object, &format!("{at}/labels")) {
        let pointer = format!("{at}/labels/{}", escape(key));
        syntax(out, &pointer, key, "label key", &k8s::LABEL_KEY);
        if let Some(value) = value.as_str() {
            syntax(out, &pointer, value, "label value", &k8s::LABEL_VALUE);
        }
    }
    for (key, _) in entries(object, &format!("{at}/annotations")) {
        let pointer = format!("{at}/annotations/{}", escape(key));
        syntax(out, &pointer, key, "annotation key", &k8s::ANNOTATION_KEY);
    }
}

fn deployment(object: &Value, out: &mut Vec<Problem>) {
    if let Some(replicas) = object.pointer("/spec/replicas").and_then(Value::as_i64)
        && replicas < 0
    {
        out.push((
            "/spec/replicas".into(),
            Code::OutOfRange,
            format!("has {replicas} replicas; at least 0"),
        ));
    }
    metadata(object, "/spec/template/metadata", out);
    let labels = object.pointer("/spec/template/metadata/labels");
    for (key, value) in entries(object, "/spec/selector/matchLabels") {
        if labels.and_then(|l| l.get(key)) != Some(value) {
            out.push((
                format!("/spec/selector/matchLabels/{}", escape(key)),
                Code::InvalidSelector,
                format!("selects `{key}` but its pods do not carry that label value"),
            ));
        }
    }
    pod(object, "/spec/template/spec", out);
}

fn pod(object: &Value, at: &str, out: &mut Vec<Problem>) {
    let mut volumes = BTreeSet::new();
    for (i, volume) in items(object, &format!("{at}/volumes")) {
        if let Some(name) = volume.get("name").and_then(Value::as_str) {
            let pointer = format!("{at}/volumes/{i}/name");
            syntax(out, &pointer, name, "volume name", &k8s::DNS_LABEL);
            if !volumes.insert(name) {
                out.push((
                    pointer,
                    Code::DuplicateName,
                    format!("has two volumes named `{name}`"),
                ));
            }
        }
    }
    // A StatefulSet's claim templates are volumes its containers mount too.
    for (_, claim) in items(object, "/spec/volumeClaimTemplates") {
        if let Some(name) = claim.pointer("/metadata/name").and_then(Value::as_str) {
            volumes.insert(name);
        }
    }
    let mut names = BTreeSet::new();
    for list in ["initContainers", "containers"] {
        for (i, container) in items(object, &format!("{at}/{list}")) {
            let at = format!("{at}/{list}/{i}");
            if let Some(name) = container.get("name").and_then(Value::as_str) {
                syntax(
                    out,
                    &format!("{at}/name"),
                    name,
                    "container name",
                    &k8s::DNS_LABEL,
                );
                if !names.insert(name) {
                    out.push((
                        format!("{at}/name"),
                        Code::DuplicateName,
                        format!("has two containers named `{name}`"),
                    ));
                }
            }
            let image = container
                .get("image")
                .and_then(Value::as_str)
                .unwrap_or_default();
            if let Err(reason) = super::image::parse(image) {
                out.push((
                    format!("{at}/image"),
                    Code::InvalidImage,
                    format!("has an invalid image `{image}`: {reason}"),
                ));
            }
            container_fields(container, &at, &volumes, out);
        }
    }
}

fn container_fields(container: &Value, at: &str, volumes: &BTreeSet<&str>, out: &mut Vec<Problem>) {
    for (i, port) in items(container, "/ports") {
        let pointer = format!("{at}/ports/{i}");
        if let Some(number) = port.get("containerPort").and_then(Value::as_i64) {
            port_number(out, &format!("{pointer}/containerPort"), number);
        }
        if let Some(name) = port.get("name").and_then(Value::as_str) {
            syntax(
                out,
                &format!("{pointer}/name"),
                name,
                "port name",
                &k8s::PORT_NAME,
            );
        }
    }
    for (i, env) in items(container, "/env") {
        if let Some(name) = env.get("name").and_then(Value::as_str) {
            syntax(
                out,
                &format!("{at}/env/{i}/name"),
                name,
                "environment variable name",
                &k8s::ENV_NAME,
            );
        }
    }
    for list in ["limits", "requests"] {
        for (resource, value) in entries(container, &format!("/resources/{list}")) {
            let text = value.as_str().unwrap_or_default();
            if Quantity::parse(text).is_err() {
                out.push((
                    format!("{at}/resources/{list}/{}", escape(resource)),
                    Code::InvalidQuantity,
                    format!("has an invalid quantity `{text}` for {resource}"),
                ));
            }
        }
    }
    for (i, mount) in items(container, "/volumeMounts") {
        let pointer = format!("{at}/volumeMounts/{i}");
        if let Some(name) = mount.get("name").and_then(Value::as_str)
            && !volumes.contains(name)
        {
            out.push((
                format!("{pointer}/name"),
                Code::UnknownVolume,
                format!("mounts volume `{name}`, which the pod does not have"),
            ));
        }
        if let Some(path) = mount.get("mountPath").and_then(Value::as_str) {
            syntax(
                out,
                &format!("{pointer}/mountPath"),
                path,
                "mount path",
                &k8s::ABSOLUTE_PATH,
            );
        }
    }
}

fn service(object: &Value, out: &mut Vec<Problem>) {
    let mut names = BTreeSet::new();
    for (i, port) in items(object, "/spec/ports") {
        let pointer = format!("/spec/ports/{i}");
        if let Some(number) = port.get("port").and_then(Value::as_i64) {
            port_number(out, &format!("{pointer}/port"), number);
        }
        if let Some(name) = port.get("name").and_then(Value::as_str) {
            syntax(
                out,
                &format!("{pointer}/name"),
                name,
                "Service port name",
                &k8s::SERVICE_PORT_NAME,
            );
            if !names.insert(name) {
                out.push((
                    format!("{pointer}/name"),
                    Code::DuplicatePort,
                    format!("has two ports named `{name}`"),
                ));
            }
        }
    }
}

fn port_number(out: &mut Vec<Problem>, pointer: &str, number: i64) {
    if !(1..=65535).contains(&number) {
        out.push((
            pointer.into(),
            Code::InvalidPort,
            format!("has port {number}, outside 1-65535"),
        ));
    }
}

fn syntax(out: &mut Vec<Problem>, pointer: &str, value: &str, what: &str, syntax: &Syntax) {
    if let Err(reason) = (syntax.rule)(value) {
        out.push((
            pointer.into(),
            syntax.code,
            format!("has an invalid {what} `{value}`: {reason}"),
        ));
    }
}

/// The entries of the object at `pointer`, if it is one.
fn entries<'a>(value: &'a Value, pointer: &str) -> impl Iterator<Item = (&'a String, &'a Value)> {
    value
        .pointer(pointer)
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
}

/// The items of the list at `pointer`, with their indexes.
fn items<'a>(value: &'a Value, pointer: &str) -> impl Iterator<Item = (usize, &'a Value)> {
    value
        .pointer(pointer)
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .enumerate()
}
