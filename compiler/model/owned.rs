//! ConfigMaps and Secrets the step owns: kstep creates them, versions them with the
//! deployment under blue/green, and cleans up old ones.

use super::{KeyValue, Spanned};
use crate::source::Span;

#[derive(Clone, Debug)]
pub(crate) struct ConfigMap {
    /// The table's key is the ConfigMap's name.
    pub(crate) name: Spanned<String>,
    pub(crate) data: Vec<KeyValue>,
}

#[derive(Clone, Debug)]
pub(crate) struct Secret {
    pub(crate) name: Spanned<String>,
    /// The Secret type; `Opaque` unless given (or `kubernetes.io/dockerconfigjson` with a
    /// `registry`).
    pub(crate) kind: Option<Spanned<String>>,
    pub(crate) data: Vec<SecretEntry>,
    /// Registry credentials: makes an image pull secret the Deployment references.
    pub(crate) registry: Option<Registry>,
}

impl Secret {
    pub(crate) const OPAQUE: &'static str = "Opaque";
    pub(crate) const DOCKER_CONFIG_JSON: &'static str = "kubernetes.io/dockerconfigjson";
    pub(crate) const TLS: &'static str = "kubernetes.io/tls";

    pub(crate) fn kind(&self) -> &str {
        match &self.kind {
            Some(kind) => &kind.value,
            None if self.registry.is_some() => Self::DOCKER_CONFIG_JSON,
            None => Self::OPAQUE,
        }
    }

    pub(crate) fn is_pull_secret(&self) -> bool {
        self.kind() == Self::DOCKER_CONFIG_JSON
    }
}

/// A secret value. Its text is only ever written into the Secret manifest: never into
/// messages, and its span is masked when source is shown.
#[derive(Clone, Debug)]
pub(crate) struct SecretEntry {
    pub(crate) key: Spanned<String>,
    pub(crate) value: String,
}

#[derive(Clone, Debug)]
pub(crate) struct Registry {
    pub(crate) key_span: Span,
    pub(crate) server: Spanned<String>,
    pub(crate) username: Spanned<String>,
    /// Sensitive, like [`SecretEntry::value`].
    pub(crate) password: String,
}
