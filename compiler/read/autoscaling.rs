//! `[autoscaling]`: replica bounds, utilization targets and stabilization windows.

use super::reader::Reader;
use super::table::Table;
use crate::diagnostic::{Code, Diagnostic};
use crate::model::Autoscaling;

pub(super) fn read(r: &mut Reader<'_>, mut t: Table<'_>) -> Autoscaling {
    let key_span = t.head();
    let min_replicas = t.optional(r, "min_replicas", Reader::int);
    let max_replicas = t.required(r, "max_replicas", Reader::int);
    let cpu_utilization = t.optional(r, "cpu_utilization", Reader::int);
    let memory_utilization = t.optional(r, "memory_utilization", Reader::int);
    let scale_up_stabilization = t.optional(r, "scale_up_stabilization", Reader::int);
    let scale_down_stabilization = t.optional(r, "scale_down_stabilization", Reader::int);
    let targets = ["cpu_utilization", "memory_utilization"];
    if targets.iter().all(|k| t.entry(k).is_none()) {
        t.absent_unless_misspelt(
            &targets,
            Diagnostic::error(Code::MissingField, "`autoscaling` has no utilization target")
                .label(key_span, "scales on nothing")
                .help("add `cpu_utilization` or `memory_utilization` (or both): the average use to keep, as a percentage of the pods' requests, such as 70"),
        );
    }
    t.finish(r);
    Autoscaling {
        key_span,
        min_replicas,
        max_replicas,
        cpu_utilization,
        memory_utilization,
        scale_up_stabilization,
        scale_down_stabilization,
    }
}
