//! Stage 2, read: the syntax tree to the typed step model.
//!
//! Reading reports every unknown key, wrong type, missing field and invalid choice in one
//! pass and keeps going. A list element whose required values are broken is dropped from the
//! model (its other problems are still reported), and the list records that it is incomplete,
//! so the check stage can run on everything that was readable without inventing follow-up
//! errors. Names and images are kept even when missing (`None`), so one missing field does
//! not hide a whole container from checking.

mod container;
mod embedded;
mod ingress;
mod owned;
mod probe;
mod raw_volume;
mod reader;
mod service;
mod step;
mod suggest;
mod table;
mod volume;

pub(crate) use suggest::{all_of, closest, one_of};

use crate::diagnostic::Diagnostics;
use crate::model::Step;
use crate::source::FileId;
use crate::syntax::Node;

/// Reads a step. `None` only when the file is not a table at all; everything wrong is
/// reported either way.
pub(crate) fn read_step(
    file: FileId,
    text: &str,
    root: &Node,
    diags: &mut Diagnostics,
) -> Option<Step> {
    let mut reader = reader::Reader::new(file, text, diags);
    step::read(&mut reader, root)
}
