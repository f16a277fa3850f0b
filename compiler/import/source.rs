//! An object being imported, and what of it the step file has said so far.
//!
//! The converters read fields by JSON pointer; every field read counts as carried by the step
//! file. What is left when they are done, apart from the API's defaults and what the server
//! writes itself (status, uid, resourceVersion, ...), is the object's residue: kept as a
//! patch, and reported as a warning at its line in the input.

use serde_json::Value;

use super::defaults;
use super::manifests::Manifest;
use crate::lower::labels::is_reserved;

pub(crate) struct Source<'m> {
    pub(crate) manifest: &'m Manifest,
    /// Pointers of the fields carried, each with everything below it.
    carried: Vec<String>,
}

/// Annotations the API server and kubectl write on the objects they manage.
const SERVER_ANNOTATIONS: &[&str] = &[
    "deployment.kubernetes.io/revision",
    "kubectl.kubernetes.io/last-applied-configuration",
];

/// Fields the API server writes, which a manifest to import may carry (`kubectl get -o
/// yaml`): never part of a step.
const SERVER_FIELDS: &[&str] = &[
    "/status",
    "/metadata/uid",
    "/metadata/resourceVersion",
    "/metadata/generation",
    "/metadata/creationTimestamp",
    "/metadata/managedFields",
    "/metadata/selfLink",
    "/metadata/annotations/deployment.kubernetes.io~1revision",
    "/metadata/annotations/kubectl.kubernetes.io~1last-applied-configuration",
    "/spec/template/metadata/creationTimestamp",
    "/spec/clusterIPs",
];

impl<'m> Source<'m> {
    pub(crate) fn new(manifest: &'m Manifest) -> Self {
        let mut carried: Vec<String> = SERVER_FIELDS.iter().map(|s| (*s).to_owned()).collect();
        carried.extend(
            [
                "/apiVersion",
                "/kind",
                "/metadata/name",
                "/metadata/namespace",
            ]
            .map(str::to_owned),
        );
        Source { manifest, carried }
    }

    fn value(&self) -> &'m Value {
        &self.manifest.value
    }

    /// The value at `pointer`, now carried.
    pub(crate) fn get(&mut self, pointer: &str) -> Option<&'m Value> {
        let value = self.value().pointer(pointer)?;
        self.carried.push(pointer.to_owned());
        Some(value)
    }

    /// The value at `pointer` without carrying it.
    pub(crate) fn peek(&self, pointer: &str) -> Option<&'m Value> {
        self.value().pointer(pointer)
    }

    pub(crate) fn str(&mut self, pointer: &str) -> Option<String> {
        let text = self.peek(pointer)?.as_str()?.to_owned();
        self.carry(pointer);
        Some(text)
    }

    pub(crate) fn int(&mut self, pointer: &str) -> Option<i64> {
        let n = self.peek(pointer)?.as_i64()?;
        self.carry(pointer);
        Some(n)
    }

    pub(crate) fn bool(&mut self, pointer: &str) -> Option<bool> {
        let b = self.peek(pointer)?.as_bool()?;
        self.carry(pointer);
        Some(b)
    }

    /// A list of strings, carried only when every item is a string.
    pub(crate) fn strings(&mut self, pointer: &str) -> Option<Vec<String>> {
        let items = self.peek(pointer)?.as_array()?;
        let strings: Option<Vec<String>> = items
            .iter()
            .map(|v| v.as_str().map(str::to_owned))
            .collect();
        let strings = strings?;
        self.carry(pointer);
        Some(strings)
    }

    /// Annotations: the map at `at` without those the API server and kubectl write
    /// themselves (which are carried, and never written into a step).
    pub(crate) fn annotations(&mut self, at: &str) -> Option<Vec<(String, String)>> {
        let entries = self.string_map(at)?;
        Some(
            entries
                .into_iter()
                .filter(|(k, _)| !SERVER_ANNOTATIONS.contains(&k.as_str()))
                .collect(),
        )
    }

    /// A map of strings, carried only when every value is a string.
    pub(crate) fn string_map(&mut self, pointer: &str) -> Option<Vec<(String, String)>> {
        let map = self.peek(pointer)?.as_object()?;
        let entries: Option<Vec<(String, String)>> = map
            .iter()
            .map(|(k, v)| v.as_str().map(|v| (k.clone(), v.to_owned())))
            .collect();
        let entries = entries?;
        self.carry(pointer);
        Some(entries)
    }

    /// An int-or-string (a port, a percentage): its text or number.
    pub(crate) fn int_or_string(&mut self, pointer: &str) -> Option<super::doc::Item> {
        let item = match self.peek(pointer)? {
            Value::Number(n) => super::doc::Item::Int(n.as_i64()?),
            Value::String(s) => super::doc::Item::Str(s.clone()),
            _ => return None,
        };
        self.carry(pointer);
        Some(item)
    }

    /// The number of items of the list at `pointer`.
    pub(crate) fn len(&self, pointer: &str) -> usize {
        self.peek(pointer)
            .and_then(Value::as_array)
            .map_or(0, Vec::len)
    }

    /// Carries the labels of `at` that kstep sets itself (`kstep.dev/*`,
    /// `app.kubernetes.io/instance` and `managed-by`): they are kstep's, never patched.
    pub(crate) fn carry_kstep_labels(&mut self, at: &str) {
        let keys: Vec<String> = self
            .peek(at)
            .and_then(Value::as_object)
            .map(|m| m.keys().filter(|k| is_reserved(k)).cloned().collect())
            .unwrap_or_default();
        for key in keys {
            self.carry(&format!("{at}/{}", crate::pointer::escape(&key)));
        }
    }

    /// Marks `pointer` (and everything below it) as carried.
    pub(crate) fn carry(&mut self, pointer: &str) {
        self.carried.push(pointer.to_owned());
    }

    /// Whether the value at `pointer` is the API's default (it needs no key in the step).
    pub(crate) fn is_default(&self, pointer: &str) -> bool {
        self.peek(pointer).is_some_and(|value| {
            defaults::is_default(&self.manifest.kind, self.value(), pointer, value)
        })
    }

    /// Carries `pointer` and returns its value unless it is the API's default.
    pub(crate) fn non_default(&mut self, pointer: &str) -> Option<&'m Value> {
        let value = self.get(pointer)?;
        (!defaults::is_default(&self.manifest.kind, self.value(), pointer, value)).then_some(value)
    }

    /// The pointers a step file key carries (not the object's identity, not what the server
    /// writes).
    pub(crate) fn carried_by_keys(&self) -> Vec<String> {
        let given = SERVER_FIELDS.len() + 4;
        self.carried[given..].to_vec()
    }

    pub(crate) fn is_carried(&self, pointer: &str) -> bool {
        self.carried.iter().any(|c| {
            pointer == c
                || pointer
                    .strip_prefix(c.as_str())
                    .is_some_and(|rest| rest.starts_with('/'))
        })
    }

    fn has_carried_below(&self, pointer: &str) -> bool {
        self.carried.iter().any(|c| {
            c.strip_prefix(pointer)
                .is_some_and(|rest| rest.starts_with('/'))
        })
    }

    /// What the step file does not carry: the topmost fields not carried, each with its
    /// value, apart from defaults. `pointer` order.
    pub(crate) fn residue(&self) -> Vec<(String, Value)> {
        let mut out = Vec::new();
        self.walk(self.value(), &mut String::new(), &mut out);
        out
    }

    fn walk(&self, value: &Value, pointer: &mut String, out: &mut Vec<(String, Value)>) {
        let kind = &self.manifest.kind;
        // A `null` is a field not given.
        if value.is_null()
            || self.is_carried(pointer)
            || defaults::is_default(kind, self.value(), pointer, value)
        {
            return;
        }
        // A subtree is kept whole unless part of it is carried or a default.
        let split = pointer.is_empty()
            || self.has_carried_below(pointer)
            || has_default_below(self, pointer, value);
        match value {
            Value::Object(map) if split => {
                for (key, child) in map {
                    let len = pointer.len();
                    pointer.push('/');
                    pointer.push_str(&key.replace('~', "~0").replace('/', "~1"));
                    self.walk(child, pointer, out);
                    pointer.truncate(len);
                }
            }
            Value::Array(items) if split => {
                for (i, child) in items.iter().enumerate() {
                    let len = pointer.len();
                    pointer.push_str(&format!("/{i}"));
                    self.walk(child, pointer, out);
                    pointer.truncate(len);
                }
            }
            _ => out.push((pointer.clone(), value.clone())),
        }
    }
}

/// Whether some field below `pointer` is a default, so the subtree must be looked at field by
/// field rather than kept whole.
fn has_default_below(source: &Source<'_>, pointer: &str, value: &Value) -> bool {
    match value {
        Value::Object(map) => map.iter().any(|(key, child)| {
            let child_pointer = format!("{pointer}/{}", key.replace('~', "~0").replace('/', "~1"));
            defaults::is_default(&source.manifest.kind, source.value(), &child_pointer, child)
                || has_default_below(source, &child_pointer, child)
        }),
        Value::Array(items) => items
            .iter()
            .enumerate()
            .any(|(i, child)| has_default_below(source, &format!("{pointer}/{i}"), child)),
        _ => false,
    }
}
