//! The plan for one compile of a step: the strategy and the deployment id.
//!
//! The strategy comes from `--strategy`, else the step, else rolling-update. The deployment id
//! comes from `--deployment-id` (a CI build number, say), else it is a short hash of what the
//! step compiles to, so the same input always gets the same id and a changed one a new id.

use sha2::{Digest, Sha256};

use crate::lower;
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
        match deployment_id {
            Some(id) => {
                plan.deployment_id = id.to_owned();
                plan.id_origin = Origin::CommandLine;
            }
            None => plan.deployment_id = output_hash(step, &plan),
        }
        plan
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
fn output_hash(step: &Step, plan: &Plan) -> String {
    let mut hasher = Sha256::new();
    // Hashed a whole object at a time: JSON is written in small pieces, each of which would
    // otherwise be a call into the hasher.
    let mut json = Vec::with_capacity(4096);
    for object in lower::lower(step, plan).objects {
        json.clear();
        // Writing into a vector cannot fail, and the objects always serialize.
        let _ = object.write_json(&mut json);
        hasher.update(&json);
    }
    let digest = hasher.finalize();
    digest.iter().take(5).map(|b| format!("{b:02x}")).collect()
}
