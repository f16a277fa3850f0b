//! What templates see: `vars`, `env`, `step` and `deployment`.
//!
//! `vars` and `deployment` are objects that remember what a template read: a template that
//! reads a sensitive variable renders sensitive text, and a step whose templates read the
//! deployment id must be rendered again once the default id (a hash of the output) is known.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, PoisonError};

use minijinja::Value;
use minijinja::value::{Enumerator, Object, Serde};

use super::vars::Vars;

/// `vars`: every variable that has a value.
#[derive(Debug)]
pub(super) struct VarsObject {
    values: BTreeMap<String, Value>,
    read: Mutex<BTreeSet<String>>,
}

impl VarsObject {
    pub(super) fn new(vars: &Vars) -> Arc<Self> {
        let values = vars
            .vars
            .iter()
            .filter_map(|(name, var)| Some((name.clone(), Value::from(Serde(var.value.as_ref()?)))))
            .collect();
        Arc::new(VarsObject {
            values,
            read: Mutex::new(BTreeSet::new()),
        })
    }

    /// The names read since the last call.
    pub(super) fn take_read(&self) -> BTreeSet<String> {
        std::mem::take(&mut *self.read.lock().unwrap_or_else(PoisonError::into_inner))
    }

    fn note_read(&self, names: impl IntoIterator<Item = String>) {
        self.read
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .extend(names);
    }
}

impl Object for VarsObject {
    fn get_value(self: &Arc<Self>, key: &Value) -> Option<Value> {
        let name = key.as_str()?;
        self.note_read([name.to_owned()]);
        self.values.get(name).cloned()
    }

    fn enumerate(self: &Arc<Self>) -> Enumerator {
        // Iterating reads every value.
        self.note_read(self.values.keys().cloned());
        Enumerator::Values(
            self.values
                .keys()
                .map(|k| Value::from(k.as_str()))
                .collect(),
        )
    }
}

/// `deployment`: prints as the deployment id; `deployment.id` is the same.
#[derive(Debug)]
pub(super) struct DeploymentObject {
    id: String,
    read: AtomicBool,
}

impl DeploymentObject {
    pub(super) fn new(id: &str) -> Arc<Self> {
        Arc::new(DeploymentObject {
            id: id.to_owned(),
            read: AtomicBool::new(false),
        })
    }

    pub(super) fn was_read(&self) -> bool {
        self.read.load(Ordering::Relaxed)
    }
}

impl Object for DeploymentObject {
    fn get_value(self: &Arc<Self>, key: &Value) -> Option<Value> {
        (key.as_str()? == "id").then(|| {
            self.read.store(true, Ordering::Relaxed);
            Value::from(self.id.as_str())
        })
    }

    fn enumerate(self: &Arc<Self>) -> Enumerator {
        Enumerator::Str(&["id"])
    }

    fn render(self: &Arc<Self>, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.read.store(true, Ordering::Relaxed);
        f.write_str(&self.id)
    }
}

/// The names templates may use at the top level, for "did you mean".
pub(super) const GLOBALS: &[&str] = &["vars", "env", "step", "deployment"];

/// The context of one file's templates.
pub(super) struct Context {
    pub(super) vars: Arc<VarsObject>,
    pub(super) deployment: Arc<DeploymentObject>,
    environment: Value,
}

impl Context {
    pub(super) fn new(vars: &Vars, deployment_id: &str) -> Self {
        Context {
            vars: VarsObject::new(vars),
            deployment: DeploymentObject::new(deployment_id),
            environment: vars
                .environment
                .as_deref()
                .map_or(Value::from(()), Value::from),
        }
    }

    /// For `[step]` and `deployment.name`, which define the step: no `step` or
    /// `deployment` yet.
    pub(super) fn defining(&self) -> Value {
        Value::from_pairs([
            ("vars", Value::from_dyn_object(self.vars.clone())),
            ("env", self.environment.clone()),
        ])
    }

    /// For everything else.
    pub(super) fn full(&self, step_id: Option<&str>, namespace: Option<&str>) -> Value {
        let step = Value::from_pairs([
            ("id", step_id.map_or(Value::from(()), Value::from)),
            ("namespace", namespace.map_or(Value::from(()), Value::from)),
        ]);
        Value::from_pairs([
            ("vars", Value::from_dyn_object(self.vars.clone())),
            ("env", self.environment.clone()),
            ("step", step),
            (
                "deployment",
                Value::from_dyn_object(self.deployment.clone()),
            ),
        ])
    }
}
