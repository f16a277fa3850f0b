//! Reading the fields of one table.
//!
//! A [`Table`] remembers which keys the reader asked for; [`Table::finish`] reports every other
//! key as unknown, with what kstep calls it when it is a Kubernetes field name
//! ([`kubernetes`]), else the closest known key, as help. So the list of known fields is
//! exactly the code that reads them and cannot drift from it.
//!
//! Absences (a missing required key, none of a required choice) are held until `finish` too:
//! when an unknown key is a misspelling of the missing one (`containerPort` for `port`), the
//! unknown-field diagnostic says so and the absence is not reported a second time. Every table
//! must be finished; debug builds check it.

use super::kubernetes;
use super::reader::Reader;
use crate::diagnostic as suggest;
use crate::diagnostic::{Code, Diagnostic};
use crate::source::Span;
use crate::syntax::{Entry, Node, NodeKind};

pub(crate) struct Table<'n> {
    entries: &'n [Entry],
    path: String,
    head: Span,
    /// The keys asked for, in order, some of them more than once (see [`Table::known`]).
    known: Vec<&'static str>,
    /// The entries found (bit `i`: `entries[i]`, for the first 64): known without a search.
    found: u64,
    absent: Vec<Absent>,
    finished: bool,
    keys_are_data: bool,
}

/// A report that something is missing, unless a misspelt key explains it.
struct Absent {
    keys: Vec<&'static str>,
    diagnostic: Diagnostic,
}

impl Drop for Table<'_> {
    fn drop(&mut self) {
        debug_assert!(
            self.finished || std::thread::panicking(),
            "table `{}` was read without `finish`: its unknown keys would go unreported",
            self.path
        );
    }
}

impl<'n> Table<'n> {
    pub(super) fn new(entries: &'n [Entry], path: String, head: Span) -> Self {
        Table {
            entries,
            path,
            head,
            // Room for the keys of the largest tables: one allocation, not one per doubling.
            known: Vec::with_capacity(32),
            found: 0,
            absent: Vec::new(),
            finished: false,
            keys_are_data: false,
        }
    }

    pub(crate) fn head(&self) -> Span {
        self.head
    }

    /// The path of a table under `key`, for tables read through a closure.
    pub(crate) fn child_path(&self, key: &str) -> String {
        if self.path.is_empty() {
            key.to_owned()
        } else {
            format!("{}.{key}", self.path)
        }
    }

    fn describe(&self) -> String {
        if self.path.is_empty() {
            "the step file".to_owned()
        } else {
            format!("`{}`", self.path)
        }
    }

    /// Every entry, for tables whose keys are data rather than field names (Secret data):
    /// none of them is unknown.
    pub(crate) fn data_entries(&mut self) -> &'n [Entry] {
        self.keys_are_data = true;
        self.entries
    }

    /// The entry for `key`, if present and not empty; marks `key` as known.
    pub(crate) fn entry(&mut self, key: &'static str) -> Option<&'n Entry> {
        self.entry_with_null(key)
            .filter(|e| e.value.kind != NodeKind::Null)
    }

    /// The entry for `key` even when its value is empty (`null`); marks `key` as known.
    pub(crate) fn entry_with_null(&mut self, key: &'static str) -> Option<&'n Entry> {
        // Pushed even when asked before: looking it up in the list cost more than the
        // duplicates, which only the error path has to drop.
        self.known.push(key);
        let (index, entry) = self
            .entries
            .iter()
            .enumerate()
            .find(|(_, e)| e.key == key)?;
        self.found |= 1u64.checked_shl(index as u32).unwrap_or(0);
        Some(entry)
    }

    /// Whether `entries[index]` is a key the reader asked for.
    fn is_known(&self, index: usize) -> bool {
        let found = 1u64.checked_shl(index as u32).unwrap_or(0);
        self.found & found != 0 || self.known.contains(&self.entries[index].key.as_str())
    }

    /// The keys asked for, each once, in the order first asked.
    fn known(&self) -> Vec<&'static str> {
        let mut known = Vec::with_capacity(self.known.len());
        for &key in &self.known {
            if !known.contains(&key) {
                known.push(key);
            }
        }
        known
    }

    pub(crate) fn optional<'r, T>(
        &mut self,
        r: &mut Reader<'r>,
        key: &'static str,
        read: impl FnOnce(&mut Reader<'r>, &'n Node) -> Option<T>,
    ) -> Option<T> {
        let entry = self.entry(key)?;
        read(r, &entry.value)
    }

    pub(crate) fn required<'r, T>(
        &mut self,
        r: &mut Reader<'r>,
        key: &'static str,
        read: impl FnOnce(&mut Reader<'r>, &'n Node) -> Option<T>,
    ) -> Option<T> {
        match self.entry(key) {
            Some(entry) => read(r, &entry.value),
            None => {
                self.missing(r, key);
                None
            }
        }
    }

    /// Reports that `key` is required. An empty value (`key:` in YAML) is reported where it is;
    /// an absent key waits for `finish`.
    pub(crate) fn missing(&mut self, r: &mut Reader<'_>, key: &'static str) {
        if let Some(empty) = self.entries.iter().find(|e| e.key == key) {
            r.report(
                Diagnostic::error(Code::MissingField, format!("`{key}` is empty"))
                    .label(empty.key_span, format!("`{key}` needs a value"))
                    .help(format!("give `{key}` a value")),
            );
            return;
        }
        let diagnostic = Diagnostic::error(
            Code::MissingField,
            format!("missing field `{key}` in {}", self.describe()),
        )
        .label(self.head, format!("`{key}` is required here"))
        .help(format!("add `{key}` to {}", self.describe()));
        self.absent.push(Absent {
            keys: vec![key],
            diagnostic,
        });
    }

    pub(crate) fn optional_table(
        &mut self,
        r: &mut Reader<'_>,
        key: &'static str,
    ) -> Option<Table<'n>> {
        let entry = self.entry(key)?;
        r.table(&entry.value, self.child_path(key), entry.key_span)
    }

    /// A list of tables; an absent key is an empty list.
    pub(crate) fn table_list<'r, T>(
        &mut self,
        r: &mut Reader<'r>,
        key: &'static str,
        read: impl FnMut(&mut Reader<'r>, Table<'_>) -> Option<T>,
    ) -> Vec<T> {
        self.table_list_complete(r, key, read).0
    }

    /// A list of tables, and whether every element could be read.
    pub(crate) fn table_list_complete<'r, T>(
        &mut self,
        r: &mut Reader<'r>,
        key: &'static str,
        read: impl FnMut(&mut Reader<'r>, Table<'_>) -> Option<T>,
    ) -> (Vec<T>, bool) {
        match self.entry(key) {
            Some(entry) => r.table_list(&entry.value, &self.child_path(key), read),
            None => (Vec::new(), true),
        }
    }

    /// Which one of `keys` is given. Reports when none or several are (`what` names the
    /// choice, e.g. "probe handler").
    pub(crate) fn one_of(
        &mut self,
        r: &mut Reader<'_>,
        keys: &[&'static str],
        what: &str,
    ) -> Option<&'static str> {
        let given: Vec<(&'static str, &'n Entry)> = keys
            .iter()
            .filter_map(|&k| self.entry(k).map(|e| (k, e)))
            .collect();
        let choices = suggest::one_of(keys);
        match given.as_slice() {
            [(key, _)] => Some(key),
            [] => {
                let diagnostic = Diagnostic::error(
                    Code::ConflictingFields,
                    format!("{} needs a {what}", self.describe()),
                )
                .label(self.head, format!("no {what} given"))
                .help(format!("add one of {choices}"));
                self.absent.push(Absent {
                    keys: keys.to_vec(),
                    diagnostic,
                });
                None
            }
            [(first, first_entry), rest @ ..] => {
                let mut diagnostic = Diagnostic::error(
                    Code::ConflictingFields,
                    format!("{} has more than one {what}", self.describe()),
                )
                .label(
                    rest[0].1.key_span,
                    format!("`{}` conflicts with `{first}`", rest[0].0),
                )
                .label(first_entry.key_span, format!("`{first}` given here"));
                for (key, entry) in &rest[1..] {
                    diagnostic = diagnostic.label(entry.key_span, format!("`{key}` given here"));
                }
                r.report(diagnostic.help(format!("keep exactly one of {choices}")));
                None
            }
        }
    }

    /// Reports `diagnostic` at `finish` unless a misspelt key there stands for one of `keys`
    /// (a rule such as "at least one of these keys" that a typo would otherwise repeat).
    pub(crate) fn absent_unless_misspelt(&mut self, keys: &[&'static str], diagnostic: Diagnostic) {
        self.absent.push(Absent {
            keys: keys.to_vec(),
            diagnostic,
        });
    }

    /// Reports every key that was never asked for, then the absences no misspelt key explains.
    pub(crate) fn finish(mut self, r: &mut Reader<'_>) {
        self.finished = true;
        #[cfg(test)]
        if !self.keys_are_data {
            read_keys::record(&self.path, &self.known);
        }
        let mut suggested = Vec::new();
        let mut known = None;
        for (index, entry) in self.entries.iter().enumerate() {
            if self.keys_are_data || self.is_known(index) {
                continue;
            }
            let known: &[&str] = known.get_or_insert_with(|| self.known());
            let mut diagnostic = Diagnostic::error(
                Code::UnknownField,
                format!("unknown field `{}` in {}", entry.key, self.describe()),
            )
            .label(entry.key_span, "unknown field");
            if r.saturated() {
                // Only counted: the hints below cost more than the rest of reading.
                r.report(diagnostic);
                continue;
            }
            // Kubernetes' name for the field first, then the closest spelling.
            let kubernetes = kubernetes::hint(&self.path, &entry.key, known);
            diagnostic = match (kubernetes, suggest::closest(&entry.key, known)) {
                (Some((help, stands_for)), _) => {
                    suggested.extend(stands_for);
                    diagnostic.help(help)
                }
                (None, Some(hit)) => {
                    suggested.push(hit);
                    diagnostic.suggest(hit)
                }
                (None, None) => diagnostic.help(format!(
                    "the fields of {} are {}",
                    self.describe(),
                    suggest::all_of(known)
                )),
            };
            r.report(diagnostic);
        }
        for absent in std::mem::take(&mut self.absent) {
            if !absent.keys.iter().any(|k| suggested.contains(k)) {
                r.report(absent.diagnostic);
            }
        }
    }
}

/// What the reader asks for, table by table, for the test that holds the reader to the
/// schema (`schema::tests`): the keys each table path (list indexes as `[]`) was read with.
#[cfg(test)]
pub(crate) mod read_keys {
    use std::cell::RefCell;
    use std::collections::{BTreeMap, BTreeSet};

    thread_local! {
        static READ: RefCell<BTreeMap<String, BTreeSet<&'static str>>> = RefCell::default();
    }

    pub(crate) fn record(path: &str, keys: &[&'static str]) {
        let mut normal = String::with_capacity(path.len());
        let mut in_index = false;
        for c in path.chars() {
            match c {
                '[' => {
                    in_index = true;
                    normal.push_str("[]");
                }
                ']' => in_index = false,
                _ if in_index => {}
                c => normal.push(c),
            }
        }
        READ.with(|read| {
            read.borrow_mut()
                .entry(normal)
                .or_default()
                .extend(keys.iter().copied())
        });
    }

    /// Everything recorded on this thread so far, and forgets it.
    pub(crate) fn take() -> BTreeMap<String, BTreeSet<&'static str>> {
        READ.with(|read| std::mem::take(&mut *read.borrow_mut()))
    }
}
