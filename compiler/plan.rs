//! The plan for one compile of a step: the strategy and the deployment id.
//!
//! The strategy comes from `--strategy`, else the step, else rolling-update. The deployment id
//! comes from `--deployment-id` (a CI build number, say), else it is a short hash of what the
//! step compiles to, so the same input always gets the same id and a changed one a new id.

use sha2::{Digest, Sha256};

use crate::lower::{self, StepObjects};
use crate::model::{Step, Strategy};

/// Where the strategy or the deployment id came from, for messages.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Origin {
    CommandLine,
    StepFile,
    Default,
}

#[derive(Clone, Debug)]
pub(crate) struct Plan {
    pub(crate) strategy: Strategy,
    pub(crate) strategy_origin: Origin,
    pub(crate) deployment_id: String,
    pub(crate) id_origin: Origin,
}

/// The id the default one is computed with (and templates see meanwhile); it never reaches
/// the output.
pub(crate) const PLACEHOLDER_ID: &str = "0000000000";

impl Plan {
    /// Resolves the strategy and the id for a step that passed checking.
    pub(crate) fn new(
        step: &Step,
        strategy: Option<Strategy>,
        deployment_id: Option<&str>,
    ) -> Plan {
        Plan::with_objects(step, strategy, deployment_id).0
    }

    /// [`Plan::new`], and the step's objects when computing the default id lowered them in
    /// a way that carries over to the final id ([`lower::id_only_in_labels`]): they need not
    /// be lowered again.
    pub(crate) fn with_objects(
        step: &Step,
        strategy: Option<Strategy>,
        deployment_id: Option<&str>,
    ) -> (Plan, Option<StepObjects>) {
        let (strategy, strategy_origin) = match (strategy, &step.strategy) {
            (Some(strategy), _) => (strategy, Origin::CommandLine),
            (None, Some(strategy)) => (strategy.value, Origin::StepFile),
            (None, None) => (Strategy::RollingUpdate, Origin::Default),
        };
        let mut plan = Plan {
            strategy,
            strategy_origin,
            deployment_id: PLACEHOLDER_ID.to_owned(),
            id_origin: Origin::Default,
        };
        if let Some(id) = deployment_id {
            plan.deployment_id = id.to_owned();
            plan.id_origin = Origin::CommandLine;
            return (plan, None);
        }
        let objects = lower::lower(step, &plan);
        plan.deployment_id = output_hash(&objects);
        let objects = lower::id_only_in_labels(step, &plan)
            .then(|| objects.with_deployment_id(&plan.deployment_id));
        #[cfg(debug_assertions)]
        if let Some(objects) = &objects {
            debug_assert!(
                same_json(objects, &lower::lower(step, &plan)),
                "the objects with the final deployment id differ from a lowering with it"
            );
        }
        (plan, objects)
    }

    pub(crate) fn is_blue_green(&self) -> bool {
        self.strategy == Strategy::BlueGreen
    }

    /// The name of an object versioned with the deployment: `<name>-<id>` under blue/green.
    pub(crate) fn versioned(&self, name: &str) -> String {
        if self.is_blue_green() {
            format!("{name}-{}", self.deployment_id)
        } else {
            name.to_owned()
        }
    }
}

/// The first 10 hex digits of the SHA-256 of the step's objects as JSON (lowered with a
/// placeholder id, so the id does not depend on itself).
fn output_hash(objects: &StepObjects) -> String {
    let mut hasher = Sha256::new();
    // Hashed a whole object at a time: JSON is written in small pieces, each of which would
    // otherwise be a call into the hasher.
    let mut json = Vec::with_capacity(4096);
    for object in &objects.objects {
        json.clear();
        // Writing into a vector cannot fail, and the objects always serialize.
        let _ = object.write_json(&mut json);
        hasher.update(&json);
    }
    let digest = hasher.finalize();
    digest.iter().take(5).map(|b| format!("{b:02x}")).collect()
}

#[cfg(debug_assertions)]
fn same_json(a: &StepObjects, b: &StepObjects) -> bool {
    a.objects.len() == b.objects.len()
        && a.objects
            .iter()
            .zip(&b.objects)
            .all(|(a, b)| a.to_json().ok() == b.to_json().ok())
}
