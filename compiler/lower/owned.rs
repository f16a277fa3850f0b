//! ConfigMaps and Secrets the step owns, and the hash that rolls pods when they change.

use std::collections::BTreeMap;

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use k8s_openapi::ByteString;
use k8s_openapi::api::core::v1 as core;
use sha2::{Digest, Sha256};

use super::Lowering;
use crate::model::{ConfigMap, Secret, Step};

pub(super) fn config_map(cx: &Lowering<'_>, config_map: &ConfigMap) -> core::ConfigMap {
    let data: BTreeMap<String, String> = config_map
        .data
        .iter()
        .map(|kv| (kv.key.value.clone(), kv.value.value.clone()))
        .collect();
    core::ConfigMap {
        metadata: cx.metadata(cx.plan.versioned(&config_map.name.value), &[], &[]),
        data: (!data.is_empty()).then_some(data),
        ..core::ConfigMap::default()
    }
}

pub(super) fn secret(cx: &Lowering<'_>, secret: &Secret) -> core::Secret {
    core::Secret {
        metadata: cx.metadata(cx.plan.versioned(&secret.name.value), &[], &[]),
        type_: Some(secret.kind().to_owned()),
        data: Some(secret_data(secret)).filter(|d| !d.is_empty()),
        ..core::Secret::default()
    }
}

/// The Secret's data; registry credentials become a `.dockerconfigjson` entry.
fn secret_data(secret: &Secret) -> BTreeMap<String, ByteString> {
    let mut data: BTreeMap<String, ByteString> = secret
        .data
        .iter()
        .map(|e| {
            (
                e.key.value.clone(),
                ByteString(e.value.clone().into_bytes()),
            )
        })
        .collect();
    if let Some(registry) = &secret.registry {
        let auth = STANDARD.encode(format!("{}:{}", registry.username.value, registry.password));
        let config = serde_json::json!({
            "auths": {
                registry.server.value.as_str(): {
                    "username": registry.username.value,
                    "password": registry.password,
                    "auth": auth,
                }
            }
        });
        data.insert(
            ".dockerconfigjson".into(),
            ByteString(config.to_string().into_bytes()),
        );
    }
    data
}

/// A hash of every owned ConfigMap and Secret, or `None` if the step owns none. Under
/// rolling update and recreate their names stay the same, so this annotation on the pod
/// template is what makes a content change roll the pods.
pub(super) fn config_hash(step: &Step) -> Option<String> {
    if step.config_maps.is_empty() && step.secrets.is_empty() {
        return None;
    }
    let mut hasher = Sha256::new();
    let mut feed = |part: &str| {
        hasher.update(part.len().to_le_bytes());
        hasher.update(part.as_bytes());
    };
    for config_map in &step.config_maps {
        feed("configmap");
        feed(&config_map.name.value);
        for kv in &config_map.data {
            feed(&kv.key.value);
            feed(&kv.value.value);
        }
    }
    for secret in &step.secrets {
        feed("secret");
        feed(&secret.name.value);
        feed(secret.kind());
        for (key, value) in secret_data(secret) {
            feed(&key);
            feed(&String::from_utf8_lossy(&value.0));
        }
    }
    // A patch changes an owned object's content as much as its keys do.
    for patch in &step.patches {
        if !matches!(patch.kind.value.as_str(), "ConfigMap" | "Secret") {
            continue;
        }
        feed("patch");
        feed(&patch.kind.value);
        feed(patch.name.as_ref().map_or("", |n| n.as_str()));
        feed(&patch.body_json().to_string());
    }
    let digest = hasher.finalize();
    Some(digest.iter().take(8).map(|b| format!("{b:02x}")).collect())
}
