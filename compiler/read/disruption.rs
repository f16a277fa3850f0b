//! `[disruption_budget]`: exactly one of `min_available` and `max_unavailable`, each a number
//! of pods or a percentage.

use super::reader::Reader;
use super::table::Table;
use crate::model::DisruptionBudget;

pub(super) fn read(r: &mut Reader<'_>, mut t: Table<'_>) -> DisruptionBudget {
    // Reports none or both; the model keeps what was given so checks still see the values.
    let _ = t.one_of(r, &["min_available", "max_unavailable"], "budget");
    let min_available = t.optional(r, "min_available", Reader::count);
    let max_unavailable = t.optional(r, "max_unavailable", Reader::count);
    t.finish(r);
    DisruptionBudget {
        min_available,
        max_unavailable,
    }
}
