//! A script rendered once per shape, with holes where each step's own text goes.
//!
//! Rendering `deploy.sh` with minijinja was an eighth of a 1,000-step compile, although
//! steps of one kind differ only in their names, selectors and paths. So from the second
//! script of a *shape* on, the templates are not run again: they were run once for the
//! shape with every printed value replaced by a marked hole (`\u{E000}3.0\u{E003}`: field 3,
//! element 0), and a step's script is that text with its values put in the holes, quoted as
//! the filter around each hole would have quoted them.
//!
//! This is exact as long as the templates only *print* those values (as they are, through
//! `q` or `comment`, alone or joined with `~`) and test nothing about them but whether they
//! are empty: a shape is everything else of a [`Script`] (its flags, its `&'static str`
//! fields, which values are empty, how many files of each kind), so a template may compare
//! any of those. Debug builds make the stencil of every script and assert that it fills to
//! what the templates render, so every test that compiles a step holds the templates to
//! that rule.

use std::cell::Cell;
use std::sync::{Arc, Mutex, PoisonError};

use super::script::{PRINTED, Script};

/// A hole printed as it is; the first character of every hole before a filter sees it.
const RAW: char = '\u{E000}';
/// A hole inside `q`'s single quotes: its value's `'` become `'\''`.
const QUOTED: char = '\u{E001}';
/// A hole inside `comment`: its value's control characters become `?`.
const COMMENTED: char = '\u{E002}';
/// The end of a hole.
const END: char = '\u{E003}';

thread_local! {
    /// Whether this thread is rendering a stencil (the filters mark holes only then: a step's
    /// own text may hold these characters too), and whether a filter met a hole it cannot
    /// mark (one filter inside another).
    static MAKING: Cell<Making> = const { Cell::new(Making::No) };
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Making {
    No,
    Yes,
    Failed,
}

/// For the `q` and `comment` filters: `text` with its raw holes marked as inside that filter
/// (`quoted`: `q`), while a stencil is being made. `None`: nothing to mark.
pub(super) fn mark_holes(text: &str, quoted: bool) -> Option<String> {
    let making = MAKING.with(Cell::get);
    if making == Making::No || !text.contains([RAW, QUOTED, COMMENTED]) {
        return None;
    }
    if text.contains([QUOTED, COMMENTED]) {
        // A filtered hole filtered again: the stencil could not say how to fill it.
        MAKING.with(|m| m.set(Making::Failed));
    }
    let mark = if quoted { QUOTED } else { COMMENTED };
    Some(text.replace(RAW, mark.encode_utf8(&mut [0; 4])))
}

/// How a hole's value is written.
#[derive(Clone, Copy, Debug)]
enum How {
    Raw,
    Quoted,
    Commented,
}

/// A part of a stencil.
#[derive(Debug)]
enum Piece {
    Text(std::ops::Range<usize>),
    Hole {
        field: usize,
        element: usize,
        how: How,
    },
}

/// A script of one shape: its text, cut at the holes.
#[derive(Debug)]
pub(super) struct Stencil {
    text: String,
    pieces: Vec<Piece>,
}

/// The shapes of the scripts rendered so far (a [`Script`] without its printed values, and
/// which of those values were not empty), each with what became of it. A run has a few
/// shapes; past this many, a script of a new shape is rendered in full.
static SHAPES: Mutex<Vec<(Script, Vec<bool>, Seen)>> = Mutex::new(Vec::new());
const MOST_SHAPES: usize = 64;

/// What became of a shape.
#[derive(Clone)]
enum Seen {
    /// One script had it, rendered in full: a stencil costs more than that for one script
    /// (a compile of one step), so it is made for the second.
    Once,
    Stencil(Arc<Stencil>),
    /// Its templates print a hole in a way a stencil cannot fill.
    Unfit,
}

/// `script`'s text: the stencil of its shape, filled, if a script of that shape came before
/// (`render` renders a script in full, and makes the stencil).
pub(super) fn render(
    mut script: Script,
    render: impl Fn(&Script) -> Result<String, String>,
) -> Result<String, String> {
    #[cfg(debug_assertions)]
    let original = script.clone();
    // Taking the values out leaves empty strings: the shape is the rest, and which values
    // were empty.
    let values = Values::take(&mut script);
    let shape = script;
    // Where the shape is kept (shapes are only ever added), and what became of it.
    let (index, seen) = {
        let mut shapes = SHAPES.lock().unwrap_or_else(PoisonError::into_inner);
        let found = shapes
            .iter()
            .position(|(s, filled, _)| *s == shape && values.filled_as(filled));
        match found {
            Some(index) => (Some(index), Some(shapes[index].2.clone())),
            None if shapes.len() < MOST_SHAPES => {
                shapes.push((shape.clone(), values.filled(), Seen::Once));
                (Some(shapes.len() - 1), None)
            }
            None => (None, None),
        }
    };
    // Debug builds make a stencil for the first script too, so that every test that
    // compiles a step checks its shape's stencil against the templates.
    let seen = seen.or(cfg!(debug_assertions).then_some(Seen::Once));
    let stencil = match seen {
        Some(Seen::Stencil(stencil)) => Some(stencil),
        Some(Seen::Once) => {
            let stencil = make(&shape, &values, &render)?.map(Arc::new);
            if let Some(index) = index {
                let mut shapes = SHAPES.lock().unwrap_or_else(PoisonError::into_inner);
                shapes[index].2 = stencil.clone().map_or(Seen::Unfit, Seen::Stencil);
            }
            stencil
        }
        None | Some(Seen::Unfit) => None,
    };
    let text = match stencil {
        Some(stencil) => stencil.fill(&values),
        None => {
            let mut script = shape;
            values.put_back(&mut script);
            render(&script)?
        }
    };
    #[cfg(debug_assertions)]
    assert_eq!(
        text,
        render(&original)?,
        "the stencil of a script differs from rendering it"
    );
    Ok(text)
}

/// The printed values of a script, taken out of it: field after field, in the order of
/// [`Script::printed`].
struct Values {
    all: Vec<String>,
    /// Where each field's values start in `all` (and where the last one ends).
    starts: [usize; PRINTED + 1],
}

impl Values {
    /// Takes every printed value out of `script`, leaving it empty.
    fn take(script: &mut Script) -> Values {
        let fields = script.printed();
        let mut starts = [0; PRINTED + 1];
        for (field, values) in fields.iter().enumerate() {
            starts[field + 1] = starts[field] + values.len();
        }
        let mut all = Vec::with_capacity(starts[PRINTED]);
        for values in fields {
            all.extend(values.iter_mut().map(std::mem::take));
        }
        Values { all, starts }
    }

    /// Puts the values back into `script`, which they were taken from.
    fn put_back(self, script: &mut Script) {
        let mut values = self.all.into_iter();
        for field in script.printed() {
            for (slot, value) in field.iter_mut().zip(&mut values) {
                *slot = value;
            }
        }
    }

    /// The value of element `element` of field `field`.
    fn get(&self, field: usize, element: usize) -> Option<&str> {
        let start = *self.starts.get(field)?;
        let end = *self.starts.get(field + 1)?;
        self.all[start..end].get(element).map(String::as_str)
    }

    /// Which values are not empty.
    fn filled(&self) -> Vec<bool> {
        self.all.iter().map(|v| !v.is_empty()).collect()
    }

    /// Whether the values that are not empty are those `filled` says.
    fn filled_as(&self, filled: &[bool]) -> bool {
        self.all
            .iter()
            .map(|v| !v.is_empty())
            .eq(filled.iter().copied())
    }
}

fn hole(field: usize, element: usize) -> String {
    format!("{RAW}{field}.{element}{END}")
}

/// Renders the stencil of `shape` (a script whose values were taken out). `None`: a hole was
/// printed in a way that cannot be filled.
fn make(
    shape: &Script,
    values: &Values,
    render: impl Fn(&Script) -> Result<String, String>,
) -> Result<Option<Stencil>, String> {
    let mut holes = shape.clone();
    for (field, slots) in holes.printed().into_iter().enumerate() {
        for (element, slot) in slots.iter_mut().enumerate() {
            if values.get(field, element).is_some_and(|v| !v.is_empty()) {
                *slot = hole(field, element);
            }
        }
    }
    MAKING.with(|m| m.set(Making::Yes));
    let text = render(&holes);
    let making = MAKING.with(|m| m.replace(Making::No));
    let text = text?;
    if making == Making::Failed {
        return Ok(None);
    }
    // Every hole must be one this shape has, so that any script of the shape fills it.
    Ok(Stencil::cut(text).filter(|stencil| {
        stencil.pieces.iter().all(|piece| match *piece {
            Piece::Text(_) => true,
            Piece::Hole { field, element, .. } => {
                values.get(field, element).is_some_and(|v| !v.is_empty())
            }
        })
    }))
}

impl Stencil {
    /// `text` cut at its holes. `None`: a hole is malformed (a template cut one apart).
    fn cut(text: String) -> Option<Stencil> {
        let mut pieces = Vec::new();
        let mut rest = 0;
        while let Some(found) = text[rest..].find([RAW, QUOTED, COMMENTED]) {
            let start = rest + found;
            let how = match text[start..].chars().next() {
                Some(RAW) => How::Raw,
                Some(QUOTED) => How::Quoted,
                _ => How::Commented,
            };
            let inner = start + RAW.len_utf8();
            let end = inner + text[inner..].find(END)?;
            let (field, element) = text[inner..end].split_once('.')?;
            if start > rest {
                pieces.push(Piece::Text(rest..start));
            }
            pieces.push(Piece::Hole {
                field: field.parse().ok()?,
                element: element.parse().ok()?,
                how,
            });
            rest = end + END.len_utf8();
        }
        if text[rest..].contains(END) {
            return None;
        }
        if rest < text.len() {
            pieces.push(Piece::Text(rest..text.len()));
        }
        Some(Stencil { text, pieces })
    }

    /// The script whose printed values are `values` (taken out by [`Values::take`]).
    fn fill(&self, values: &Values) -> String {
        let length: usize = values.all.iter().map(String::len).sum();
        let mut out = String::with_capacity(self.text.len() + length + length / 8);
        for piece in &self.pieces {
            match piece {
                Piece::Text(range) => out.push_str(&self.text[range.clone()]),
                &Piece::Hole {
                    field,
                    element,
                    how,
                } => {
                    // `make` kept only stencils whose holes all have a value.
                    let value = values.get(field, element).unwrap_or_default();
                    match how {
                        How::Raw => out.push_str(value),
                        How::Quoted => super::script::quote_into(&mut out, value),
                        How::Commented => super::script::comment_into(&mut out, value),
                    }
                }
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::emit::script::{self, ExitCodes};

    /// A blue/green script with every printed value set, some of them hostile to a shell, a
    /// comment or the stencil's own markers.
    fn script(name: &str) -> Script {
        let (exit_codes, exit_codes_comment) = script::exit_code_texts(ExitCodes {
            selector_kind: None,
            job: false,
            switches: true,
            routes: true,
        });
        let text = |s: &str| s.replace("NAME", name);
        Script {
            source: text("it's NAME\n\u{1b}.toml"),
            version: "0.1.0",
            step_id: text("NAME"),
            deployment_id: text("a'b\u{E000}0.0\u{E003}"),
            namespace: String::new(),
            strategy_title: "blue/green",
            blue_green: true,
            deployment_name: text("NAME-1"),
            workload_kind: "Deployment",
            workload_resource: "deployment",
            wait: "rollout",
            nothing_to_wait_for: "",
            selector_check: false,
            timeout: "600".into(),
            deployment_selector: text(r#"{"matchLabels":{"app":"NAME"}}"#),
            pod_selector: text("app=NAME"),
            step_selector: text("kstep.dev/step=NAME"),
            cleanup_kinds: script::CLEANUP_KINDS,
            network_title: "Apply Service".into(),
            cleanup_selector: text("kstep.dev/step=NAME"),
            config_files: vec![text("10-configmap-NAME.yaml"), String::new()],
            workload_files: vec![text("20-deployment-NAME.yaml")],
            network_files: vec![text("30-service-NAME.yaml")],
            lock_name: text("kstep-NAME"),
            colour_routes: vec![text("NAME")],
            colour_bases: vec![text("NAME")],
            routes: vec![text("NAME")],
            autoscaler: String::new(),
            min_replicas: String::new(),
            max_replicas: String::new(),
            deployment_base: text("NAME"),
            replicas: "3".into(),
            services: vec![text("NAME"), text("NAME-admin")],
            preview_service: text("NAME-preview"),
            preview_file: text("31-service-NAME-preview.yaml"),
            preview_replicas: "1".into(),
            scale_down_delay: "30".into(),
            auto_promote: false,
            keep_previous: "scale-to-zero",
            switches: true,
            exit_codes,
            exit_codes_comment,
        }
    }

    #[test]
    fn a_stencil_fills_to_the_script_the_templates_render() {
        for name in ["web", "shop'"] {
            let full = script::render_in_full(&script(name)).unwrap();
            assert_eq!(script::render(script(name)).unwrap(), full);
            // A value that looks like a hole is a value like any other.
            assert!(full.contains("'a'\\''b\u{E000}0.0\u{E003}'"));
        }
        let mut shape = script("web");
        let values = Values::take(&mut shape);
        let stencil = make(&shape, &values, script::render_in_full)
            .unwrap()
            .expect("the templates print every value in a way a stencil can fill");
        assert!(stencil.pieces.len() > 50, "{} pieces", stencil.pieces.len());
        assert_eq!(
            stencil.fill(&values),
            script::render_in_full(&script("web")).unwrap()
        );
    }

    #[test]
    fn a_hole_filtered_twice_makes_no_stencil() {
        MAKING.with(|m| m.set(Making::Yes));
        assert_eq!(
            mark_holes("a\u{E000}0.0\u{E003}", true).unwrap(),
            "a\u{E001}0.0\u{E003}"
        );
        assert_eq!(MAKING.with(Cell::get), Making::Yes);
        assert!(mark_holes("'\u{E001}0.0\u{E003}'", false).is_some());
        assert_eq!(MAKING.with(|m| m.replace(Making::No)), Making::Failed);
        // Outside a stencil, a step's own text is left alone.
        assert_eq!(mark_holes("a\u{E000}0.0\u{E003}", true), None);
    }

    #[test]
    fn a_cut_hole_is_refused() {
        assert!(Stencil::cut("a\u{E000}1.2\u{E003}b".into()).is_some());
        assert!(Stencil::cut("a\u{E000}1.2".into()).is_none());
        assert!(Stencil::cut("a1.2\u{E003}".into()).is_none());
        assert!(Stencil::cut("a\u{E001}x\u{E003}".into()).is_none());
    }
}
