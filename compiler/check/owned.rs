//! ConfigMaps and Secrets the step owns: names, keys, Secret types and their data, and
//! references from env and volumes to keys an owned object does not have.

use super::{Cx, k8s};
use crate::diagnostic::{Code, Diagnostic};
use crate::diagnostic::{closest, one_of};
use crate::model::{EnvSource, Secret, Spanned, VolumeSource};

pub(super) fn check(cx: &mut Cx<'_>) {
    let step = cx.step;
    for config_map in &step.config_maps {
        cx.syntax(&config_map.name, "ConfigMap name", &k8s::OBJECT_NAME);
        for kv in &config_map.data {
            cx.syntax(&kv.key, "ConfigMap key", &k8s::CONFIG_KEY);
        }
    }
    for secret in &step.secrets {
        cx.syntax(&secret.name, "Secret name", &k8s::OBJECT_NAME);
        for entry in &secret.data {
            cx.syntax(&entry.key, "Secret key", &k8s::CONFIG_KEY);
        }
        secret_type(cx, secret);
    }
    references(cx);
}

/// Keys some Secret types require.
const REQUIRED_KEYS: &[(&str, &[&str])] = &[
    ("kubernetes.io/tls", &["tls.crt", "tls.key"]),
    ("kubernetes.io/ssh-auth", &["ssh-privatekey"]),
];

fn secret_type(cx: &mut Cx<'_>, secret: &Secret) {
    let kind = secret.kind();
    let kind_span = secret.kind.as_ref().map_or(secret.name.span, |k| k.span);
    if let Some(registry) = &secret.registry
        && kind != Secret::DOCKER_CONFIG_JSON
    {
        cx.report(
            Diagnostic::error(
                Code::InvalidSecret,
                format!("a `{kind}` Secret cannot hold registry credentials"),
            )
            .label(registry.key_span, "registry credentials")
            .label(kind_span, "Secret type")
            .help(format!(
                "remove `type` (a `registry` makes it `{}`), or the registry",
                Secret::DOCKER_CONFIG_JSON
            )),
        );
    }
    let has = |key: &str| secret.data.iter().any(|e| e.key.value == key);
    if kind == Secret::DOCKER_CONFIG_JSON && secret.registry.is_none() && !has(".dockerconfigjson")
    {
        cx.report(
            Diagnostic::error(
                Code::InvalidSecret,
                "an image pull secret needs registry credentials",
            )
            .label(kind_span, "kubernetes.io/dockerconfigjson")
            .help("add a `registry` with `server`, `username` and `password`"),
        );
    }
    if kind == "kubernetes.io/basic-auth" && !has("username") && !has("password") {
        cx.report(
            Diagnostic::error(
                Code::InvalidSecret,
                "a `kubernetes.io/basic-auth` Secret needs `username` or `password`",
            )
            .label(kind_span, "Secret type")
            .help("add `username`, `password` or both to the Secret's `data`"),
        );
    }
    if let Some(entry) = secret
        .data
        .iter()
        .find(|e| e.key.value == ".dockerconfigjson")
    {
        // The value is secret: say what is wrong without showing it.
        if secret.registry.is_some() {
            cx.report(
                Diagnostic::error(Code::InvalidSecret, "`.dockerconfigjson` is given twice")
                    .label(entry.key.span, "in `data`")
                    .help("give registry credentials either as `registry` or as `.dockerconfigjson` in `data`, not both"),
            );
        } else if serde_json::from_str::<serde_json::Value>(&entry.value).is_err() {
            cx.report(
                Diagnostic::error(Code::InvalidSecret, "`.dockerconfigjson` is not valid JSON")
                    .label(entry.key.span, "not a Docker config file")
                    .help("give the contents of a Docker config.json, or use `registry` instead"),
            );
        }
    }
    for (required_by, keys) in REQUIRED_KEYS {
        if kind != *required_by {
            continue;
        }
        for key in keys.iter().filter(|k| !has(k)) {
            cx.report(
                Diagnostic::error(
                    Code::InvalidSecret,
                    format!("a `{kind}` Secret needs the key `{key}`"),
                )
                .label(kind_span, "Secret type")
                .help(format!("add `{key}` to the Secret's `data`")),
            );
        }
    }
}

/// A key taken from an owned ConfigMap or Secret must be one of its keys (unless optional).
fn references(cx: &mut Cx<'_>) {
    let step = cx.step;
    let config_map_keys = |name: &str| -> Option<Vec<&str>> {
        step.config_maps
            .iter()
            .find(|c| c.name.value == name)
            .map(|c| c.data.iter().map(|kv| kv.key.as_str()).collect())
    };
    let secret_keys = |name: &str| -> Option<Vec<String>> {
        step.secrets.iter().find(|s| s.name.value == name).map(|s| {
            let mut keys: Vec<String> = s.data.iter().map(|e| e.key.value.clone()).collect();
            if s.registry.is_some() {
                keys.push(".dockerconfigjson".into());
            }
            keys
        })
    };
    for container in &step.containers {
        for env in &container.env {
            match &env.source {
                EnvSource::ConfigMap {
                    name,
                    key,
                    optional,
                } if !is_optional(optional) => {
                    if let Some(keys) = config_map_keys(&name.value) {
                        missing_key(cx, "ConfigMap", name, key, &keys);
                    }
                }
                EnvSource::Secret {
                    name,
                    key,
                    optional,
                } if !is_optional(optional) => {
                    if let Some(keys) = secret_keys(&name.value) {
                        let keys: Vec<&str> = keys.iter().map(String::as_str).collect();
                        missing_key(cx, "Secret", name, key, &keys);
                    }
                }
                _ => {}
            }
        }
    }
    for volume in &step.volumes {
        match &volume.source {
            VolumeSource::ConfigMap { name, items } => {
                if let Some(keys) = config_map_keys(&name.value) {
                    for item in items {
                        missing_key(cx, "ConfigMap", name, &item.key, &keys);
                    }
                }
            }
            VolumeSource::Secret { name, items } => {
                if let Some(keys) = secret_keys(&name.value) {
                    let keys: Vec<&str> = keys.iter().map(String::as_str).collect();
                    for item in items {
                        missing_key(cx, "Secret", name, &item.key, &keys);
                    }
                }
            }
            _ => {}
        }
    }
}

fn is_optional(optional: &Option<Spanned<bool>>) -> bool {
    optional.as_ref().is_some_and(|o| o.value)
}

fn missing_key(
    cx: &mut Cx<'_>,
    kind: &str,
    name: &Spanned<String>,
    key: &Spanned<String>,
    keys: &[&str],
) {
    if keys.contains(&key.as_str()) {
        return;
    }
    let mut diagnostic = Diagnostic::error(
        Code::UnknownConfigKey,
        format!(
            "the step's {kind} `{}` has no key `{}`",
            name.value, key.value
        ),
    )
    .label(key.span, "no such key");
    diagnostic = match closest(&key.value, keys) {
        Some(hit) => diagnostic.suggest(hit),
        None if keys.is_empty() => {
            diagnostic.help(format!("add `{}` to the {kind}'s `data`", key.value))
        }
        None => diagnostic.help(format!("its keys are {}", one_of(keys))),
    };
    cx.report(diagnostic);
}
