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
    /// be lowered again. They are `step`'s: a step whose templates read the id, rendered
    /// again with it, is another step and must be lowered again.
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
            assert!(
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostic::Diagnostics;
    use crate::source::SourceMap;

    fn step(text: &str) -> Step {
        let mut sources = SourceMap::default();
        let file = sources.add("step.toml".into(), text.into());
        let mut diags = Diagnostics::default();
        let (step, _) =
            crate::driver::load_text(file, text, crate::syntax::Format::Toml, &mut diags)
                .expect("the step loads");
        assert!(!diags.has_errors(), "{diags:?}");
        step
    }

    fn json(objects: &StepObjects) -> Vec<serde_json::Value> {
        objects
            .objects
            .iter()
            .map(|o| o.to_json().unwrap())
            .collect()
    }

    /// The objects planning lowered carry over to the final id only where the id is nothing
    /// but a label, and then they are exactly a lowering with that id.
    #[test]
    fn planned_objects_are_those_of_the_final_id() {
        let text = include_str!("../fixtures/service/ingress.toml");
        let step = step(text);
        let (plan, objects) = Plan::with_objects(&step, None, None);
        assert_ne!(plan.deployment_id, PLACEHOLDER_ID);
        let objects = objects.expect("a rolling update's objects carry over");
        assert_eq!(json(&objects), json(&lower::lower(&step, &plan)));
        assert!(json(&objects).iter().all(|o| {
            o["metadata"]["labels"]["kstep.dev/deployment-id"] == plan.deployment_id.as_str()
        }));

        let (plan, objects) = Plan::with_objects(&step, Some(Strategy::BlueGreen), None);
        assert!(objects.is_none(), "blue/green names objects with the id");
        assert_ne!(plan.deployment_id, PLACEHOLDER_ID);
        let (plan, objects) = Plan::with_objects(&step, None, Some("build-7"));
        assert!(objects.is_none(), "nothing was lowered");
        assert_eq!(plan.deployment_id, "build-7");
    }
}
