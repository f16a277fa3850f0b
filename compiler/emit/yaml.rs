//! A YAML writer that a YAML 1.1 reader (kubectl) reads back exactly.
//!
//! serde YAML emitters write some strings plain that YAML 1.1 re-types (`no`, `on`, `y`,
//! `0755`, `1e3`, `12:30`). Here a string is written plain only when it starts with a letter
//! or `/`, holds only letters, digits and `-_./`, and is not one of YAML 1.1's boolean or null
//! words; every other string is double-quoted with escapes. Keys follow the same rule. Block
//! style, sequences flush with their key, as kubectl writes them.
//!
//! It is a serde serializer, so objects are written straight from their typed form without
//! building a value tree first. Keys come out sorted, as a JSON value's are: a struct whose
//! fields are declared in another order (the Kubernetes types put `apiVersion` and `kind`
//! first) has its entries moved into place when it ends.

use std::fmt::{self, Write};

use serde::Serialize;
use serde::ser::{self, Impossible};

/// One document, without a leading `---`, ending with a newline.
pub(crate) fn to_yaml<T: Serialize + ?Sized>(value: &T) -> Result<String, Error> {
    let mut writer = Writer {
        out: String::with_capacity(2048),
        next: Place::Top,
        keys: Vec::new(),
        map_keys: String::new(),
    };
    value.serialize(&mut writer)?;
    Ok(writer.out)
}

/// A value serde cannot write as YAML here (a map key that is not a string, say): a bug.
#[derive(Debug)]
pub(crate) struct Error(String);

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Error {}

impl ser::Error for Error {
    fn custom<T: fmt::Display>(message: T) -> Self {
        Error(message.to_string())
    }
}

/// Where the next value goes: what is already written before it decides how it starts.
#[derive(Clone, Copy)]
enum Place {
    /// The document itself.
    Top,
    /// After `key:`, the key indented by this much.
    Value(usize),
    /// After `- `, the dash indented by this much.
    Item(usize),
}

struct Writer {
    out: String,
    next: Place,
    /// The keys of the open maps and structs, innermost last, each with where its entry
    /// starts in `out`.
    keys: Vec<(Key, usize)>,
    /// The text of the map keys in `keys`.
    map_keys: String,
}

#[derive(Clone, Copy)]
enum Key {
    Field(&'static str),
    /// A range of `map_keys`.
    Map(usize, usize),
}

impl Writer {
    fn scalar(&mut self, write: impl FnOnce(&mut String)) -> Result<(), Error> {
        if let Place::Value(_) = self.next {
            self.out.push(' ');
        }
        write(&mut self.out);
        self.out.push('\n');
        Ok(())
    }

    /// A map or sequence starting at the next place; nothing is written until its first
    /// entry (or its end, when it is empty).
    fn open(&mut self, map: bool) -> Compound<'_> {
        let place = self.next;
        let width = match (place, map) {
            (Place::Top, _) => 0,
            (Place::Value(key), true) => key + 2,
            (Place::Value(key), false) => key,
            (Place::Item(dash), _) => dash + 2,
        };
        Compound {
            place,
            width,
            empty: true,
            keys: self.keys.len(),
            map_keys: self.map_keys.len(),
            writer: self,
        }
    }

    fn key(&self, key: Key) -> &str {
        key_text(&self.map_keys, key)
    }

    /// A one-entry map `variant: ...`, the entry opened: for enum variants with content.
    fn variant(&mut self, variant: &str) -> Result<(), Error> {
        let mut outer = self.open(true);
        outer.line_start();
        write_string(&mut outer.writer.out, variant);
        outer.writer.out.push(':');
        outer.writer.next = Place::Value(outer.width);
        Ok(())
    }
}

/// An open map or sequence.
struct Compound<'a> {
    writer: &'a mut Writer,
    place: Place,
    /// The indentation of its keys or dashes.
    width: usize,
    empty: bool,
    /// Where its keys start in the writer's `keys` and `map_keys`.
    keys: usize,
    map_keys: usize,
}

impl Compound<'_> {
    /// Starts an entry's line and returns where it starts (before its indentation): after
    /// `key:` a map or sequence begins on the next line; the first entry of one inside a
    /// sequence item follows the item's `- `.
    fn line_start(&mut self) -> usize {
        let first = self.empty;
        self.empty = false;
        if first && matches!(self.place, Place::Value(_)) {
            self.writer.out.push('\n');
        }
        let start = self.writer.out.len();
        if !(first && matches!(self.place, Place::Item(_))) {
            indent(&mut self.writer.out, self.width);
        }
        start
    }

    fn item<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Error> {
        self.line_start();
        self.writer.out.push_str("- ");
        self.writer.next = Place::Item(self.width);
        value.serialize(&mut *self.writer)
    }

    fn entry<T: Serialize + ?Sized>(&mut self, key: Key, value: &T) -> Result<(), Error> {
        let start = self.line_start();
        self.writer.keys.push((key, start));
        let Writer { out, map_keys, .. } = &mut *self.writer;
        write_string(out, key_text(map_keys, key));
        self.writer.out.push(':');
        self.writer.next = Place::Value(self.width);
        value.serialize(&mut *self.writer)
    }

    fn close(self, empty: &str) -> Result<(), Error> {
        if self.empty {
            self.writer.next = self.place;
            self.writer.scalar(|out| out.push_str(empty))?;
        }
        Ok(())
    }

    /// Ends a map or struct: its entries in key order.
    fn close_map(mut self) -> Result<(), Error> {
        let entries = &self.writer.keys[self.keys..];
        let sorted = entries
            .windows(2)
            .all(|pair| self.writer.key(pair[0].0) <= self.writer.key(pair[1].0));
        if !sorted {
            self.sort_entries();
        }
        self.writer.keys.truncate(self.keys);
        self.writer.map_keys.truncate(self.map_keys);
        self.close("{}")
    }

    /// Rewrites the entries written so far in key order. Each entry's text is
    /// self-contained but for its indentation, which the first entry of a map inside a
    /// sequence item does not have.
    fn sort_entries(&mut self) {
        let writer = &mut *self.writer;
        let entries = &writer.keys[self.keys..];
        let start = entries[0].1;
        let inline_first = matches!(self.place, Place::Item(_));
        let mut texts: Vec<(&str, &str)> = entries
            .iter()
            .enumerate()
            .map(|(i, &(key, from))| {
                let end = entries.get(i + 1).map_or(writer.out.len(), |e| e.1);
                let skip = if i == 0 && inline_first {
                    0
                } else {
                    self.width
                };
                (writer.key(key), &writer.out[from + skip..end])
            })
            .collect();
        texts.sort_by(|a, b| a.0.cmp(b.0));
        let mut sorted = String::with_capacity(writer.out.len() - start);
        for (i, (_, text)) in texts.iter().enumerate() {
            if !(i == 0 && inline_first) {
                indent(&mut sorted, self.width);
            }
            sorted.push_str(text);
        }
        writer.out.truncate(start);
        writer.out.push_str(&sorted);
    }
}

fn key_text(map_keys: &str, key: Key) -> &str {
    match key {
        Key::Field(name) => name,
        Key::Map(start, end) => &map_keys[start..end],
    }
}

fn indent(out: &mut String, width: usize) {
    out.extend(std::iter::repeat_n(' ', width));
}

/// A float as a JSON value shows it (`1.0`; `null` when not finite).
fn float(out: &mut String, value: f64) {
    match serde_json::Number::from_f64(value) {
        Some(number) => {
            let _ = write!(out, "{number}");
        }
        None => out.push_str("null"),
    }
}

impl<'a> ser::Serializer for &'a mut Writer {
    type Ok = ();
    type Error = Error;
    type SerializeSeq = Compound<'a>;
    type SerializeTuple = Compound<'a>;
    type SerializeTupleStruct = Compound<'a>;
    type SerializeTupleVariant = Compound<'a>;
    type SerializeMap = MapCompound<'a>;
    type SerializeStruct = Compound<'a>;
    type SerializeStructVariant = Compound<'a>;

    fn serialize_bool(self, v: bool) -> Result<(), Error> {
        self.scalar(|out| out.push_str(if v { "true" } else { "false" }))
    }
    fn serialize_i8(self, v: i8) -> Result<(), Error> {
        self.serialize_i64(v.into())
    }
    fn serialize_i16(self, v: i16) -> Result<(), Error> {
        self.serialize_i64(v.into())
    }
    fn serialize_i32(self, v: i32) -> Result<(), Error> {
        self.serialize_i64(v.into())
    }
    fn serialize_i64(self, v: i64) -> Result<(), Error> {
        self.scalar(|out| {
            let _ = write!(out, "{v}");
        })
    }
    fn serialize_u8(self, v: u8) -> Result<(), Error> {
        self.serialize_u64(v.into())
    }
    fn serialize_u16(self, v: u16) -> Result<(), Error> {
        self.serialize_u64(v.into())
    }
    fn serialize_u32(self, v: u32) -> Result<(), Error> {
        self.serialize_u64(v.into())
    }
    fn serialize_u64(self, v: u64) -> Result<(), Error> {
        self.scalar(|out| {
            let _ = write!(out, "{v}");
        })
    }
    fn serialize_f32(self, v: f32) -> Result<(), Error> {
        self.serialize_f64(v.into())
    }
    fn serialize_f64(self, v: f64) -> Result<(), Error> {
        self.scalar(|out| float(out, v))
    }
    fn serialize_char(self, v: char) -> Result<(), Error> {
        self.serialize_str(v.encode_utf8(&mut [0; 4]))
    }
    fn serialize_str(self, v: &str) -> Result<(), Error> {
        self.scalar(|out| write_string(out, v))
    }
    fn serialize_bytes(self, v: &[u8]) -> Result<(), Error> {
        use ser::SerializeSeq;
        let mut seq = self.open(false);
        for byte in v {
            seq.serialize_element(byte)?;
        }
        seq.end()
    }
    fn serialize_none(self) -> Result<(), Error> {
        self.serialize_unit()
    }
    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> Result<(), Error> {
        value.serialize(self)
    }
    fn serialize_unit(self) -> Result<(), Error> {
        self.scalar(|out| out.push_str("null"))
    }
    fn serialize_unit_struct(self, _: &'static str) -> Result<(), Error> {
        self.serialize_unit()
    }
    fn serialize_unit_variant(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
    ) -> Result<(), Error> {
        self.serialize_str(variant)
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        value: &T,
    ) -> Result<(), Error> {
        value.serialize(self)
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
        value: &T,
    ) -> Result<(), Error> {
        self.variant(variant)?;
        value.serialize(self)
    }
    fn serialize_seq(self, _: Option<usize>) -> Result<Compound<'a>, Error> {
        Ok(self.open(false))
    }
    fn serialize_tuple(self, _: usize) -> Result<Compound<'a>, Error> {
        Ok(self.open(false))
    }
    fn serialize_tuple_struct(self, _: &'static str, _: usize) -> Result<Compound<'a>, Error> {
        Ok(self.open(false))
    }
    fn serialize_tuple_variant(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
        _: usize,
    ) -> Result<Compound<'a>, Error> {
        self.variant(variant)?;
        Ok(self.open(false))
    }
    fn serialize_map(self, _: Option<usize>) -> Result<MapCompound<'a>, Error> {
        Ok(MapCompound {
            map: self.open(true),
            key: 0,
        })
    }
    fn serialize_struct(self, _: &'static str, _: usize) -> Result<Compound<'a>, Error> {
        Ok(self.open(true))
    }
    fn serialize_struct_variant(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
        _: usize,
    ) -> Result<Compound<'a>, Error> {
        self.variant(variant)?;
        Ok(self.open(true))
    }
}

/// Sequences, tuples and their struct and variant forms are all written as block sequences.
macro_rules! sequence_like {
    ($($trait:ident::$method:ident),*) => {$(
        impl ser::$trait for Compound<'_> {
            type Ok = ();
            type Error = Error;
            fn $method<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Error> {
                self.item(value)
            }
            fn end(self) -> Result<(), Error> {
                self.close("[]")
            }
        }
    )*};
}

sequence_like!(
    SerializeSeq::serialize_element,
    SerializeTuple::serialize_element,
    SerializeTupleStruct::serialize_field,
    SerializeTupleVariant::serialize_field
);

impl ser::SerializeStruct for Compound<'_> {
    type Ok = ();
    type Error = Error;
    fn serialize_field<T: Serialize + ?Sized>(
        &mut self,
        key: &'static str,
        value: &T,
    ) -> Result<(), Error> {
        self.entry(Key::Field(key), value)
    }
    fn end(self) -> Result<(), Error> {
        self.close_map()
    }
}

impl ser::SerializeStructVariant for Compound<'_> {
    type Ok = ();
    type Error = Error;
    fn serialize_field<T: Serialize + ?Sized>(
        &mut self,
        key: &'static str,
        value: &T,
    ) -> Result<(), Error> {
        self.entry(Key::Field(key), value)
    }
    fn end(self) -> Result<(), Error> {
        self.close_map()
    }
}

/// A map, whose keys arrive apart from their values.
pub(crate) struct MapCompound<'a> {
    map: Compound<'a>,
    /// Where the key of the entry being written starts in `map_keys`.
    key: usize,
}

impl ser::SerializeMap for MapCompound<'_> {
    type Ok = ();
    type Error = Error;
    fn serialize_key<T: Serialize + ?Sized>(&mut self, key: &T) -> Result<(), Error> {
        self.key = self.map.writer.map_keys.len();
        key.serialize(KeyWriter(&mut self.map.writer.map_keys))
    }
    fn serialize_value<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Error> {
        let key = Key::Map(self.key, self.map.writer.map_keys.len());
        self.map.entry(key, value)
    }
    fn end(self) -> Result<(), Error> {
        self.map.close_map()
    }
}

/// A map key: a string, or a number or boolean written as one (as JSON does).
struct KeyWriter<'a>(&'a mut String);

impl ser::Serializer for KeyWriter<'_> {
    type Ok = ();
    type Error = Error;
    type SerializeSeq = Impossible<(), Error>;
    type SerializeTuple = Impossible<(), Error>;
    type SerializeTupleStruct = Impossible<(), Error>;
    type SerializeTupleVariant = Impossible<(), Error>;
    type SerializeMap = Impossible<(), Error>;
    type SerializeStruct = Impossible<(), Error>;
    type SerializeStructVariant = Impossible<(), Error>;

    fn serialize_str(self, v: &str) -> Result<(), Error> {
        self.0.push_str(v);
        Ok(())
    }
    fn serialize_bool(self, v: bool) -> Result<(), Error> {
        self.serialize_str(if v { "true" } else { "false" })
    }
    fn serialize_i8(self, v: i8) -> Result<(), Error> {
        self.serialize_i64(v.into())
    }
    fn serialize_i16(self, v: i16) -> Result<(), Error> {
        self.serialize_i64(v.into())
    }
    fn serialize_i32(self, v: i32) -> Result<(), Error> {
        self.serialize_i64(v.into())
    }
    fn serialize_i64(self, v: i64) -> Result<(), Error> {
        let _ = write!(self.0, "{v}");
        Ok(())
    }
    fn serialize_u8(self, v: u8) -> Result<(), Error> {
        self.serialize_u64(v.into())
    }
    fn serialize_u16(self, v: u16) -> Result<(), Error> {
        self.serialize_u64(v.into())
    }
    fn serialize_u32(self, v: u32) -> Result<(), Error> {
        self.serialize_u64(v.into())
    }
    fn serialize_u64(self, v: u64) -> Result<(), Error> {
        let _ = write!(self.0, "{v}");
        Ok(())
    }
    fn serialize_f32(self, _: f32) -> Result<(), Error> {
        Err(not_a_key())
    }
    fn serialize_f64(self, _: f64) -> Result<(), Error> {
        Err(not_a_key())
    }
    fn serialize_char(self, v: char) -> Result<(), Error> {
        self.0.push(v);
        Ok(())
    }
    fn serialize_bytes(self, _: &[u8]) -> Result<(), Error> {
        Err(not_a_key())
    }
    fn serialize_none(self) -> Result<(), Error> {
        Err(not_a_key())
    }
    fn serialize_some<T: Serialize + ?Sized>(self, _: &T) -> Result<(), Error> {
        Err(not_a_key())
    }
    fn serialize_unit(self) -> Result<(), Error> {
        Err(not_a_key())
    }
    fn serialize_unit_struct(self, _: &'static str) -> Result<(), Error> {
        Err(not_a_key())
    }
    fn serialize_unit_variant(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
    ) -> Result<(), Error> {
        self.serialize_str(variant)
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        value: &T,
    ) -> Result<(), Error> {
        value.serialize(self)
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: &T,
    ) -> Result<(), Error> {
        Err(not_a_key())
    }
    fn serialize_seq(self, _: Option<usize>) -> Result<Self::SerializeSeq, Error> {
        Err(not_a_key())
    }
    fn serialize_tuple(self, _: usize) -> Result<Self::SerializeTuple, Error> {
        Err(not_a_key())
    }
    fn serialize_tuple_struct(
        self,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeTupleStruct, Error> {
        Err(not_a_key())
    }
    fn serialize_tuple_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeTupleVariant, Error> {
        Err(not_a_key())
    }
    fn serialize_map(self, _: Option<usize>) -> Result<Self::SerializeMap, Error> {
        Err(not_a_key())
    }
    fn serialize_struct(self, _: &'static str, _: usize) -> Result<Self::SerializeStruct, Error> {
        Err(not_a_key())
    }
    fn serialize_struct_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeStructVariant, Error> {
        Err(not_a_key())
    }
}

fn not_a_key() -> Error {
    Error("a map key must be a string, a number or a boolean".into())
}

/// A key or string value, plain when YAML 1.1 reads it back as the same string.
pub(crate) fn write_string(out: &mut String, s: &str) {
    if is_plain_safe(s) {
        out.push_str(s);
    } else {
        write_quoted(out, s);
    }
}

/// Words YAML 1.1 reads as booleans or null (compared case-insensitively).
const YAML11_WORDS: &[&str] = &["y", "n", "yes", "no", "true", "false", "on", "off", "null"];

fn is_plain_safe(s: &str) -> bool {
    let bytes = s.as_bytes();
    !bytes.is_empty()
        && (bytes[0].is_ascii_alphabetic() || bytes[0] == b'/')
        && bytes
            .iter()
            .all(|&b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'/'))
        && !YAML11_WORDS.iter().any(|w| w.eq_ignore_ascii_case(s))
}

/// A double-quoted scalar. Escapes quotes, backslashes, control characters and the
/// characters YAML treats as line breaks or does not allow in a stream.
fn write_quoted(out: &mut String, s: &str) {
    out.push('"');
    // Most quoted strings (an image with its tag, a command line) need no escape at all.
    if s.bytes()
        .all(|b| matches!(b, b' '..=b'~') && b != b'"' && b != b'\\')
    {
        out.push_str(s);
        out.push('"');
        return;
    }
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            '\u{0}'..='\u{1f}'
            | '\u{7f}'..='\u{9f}'
            | '\u{2028}'
            | '\u{2029}'
            | '\u{feff}'
            | '\u{fffe}'
            | '\u{ffff}' => {
                let _ = write!(out, "\\u{:04X}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn block_layout() {
        let value = json!({
            "kind": "Deployment",
            "spec": {"containers": [{"name": "web", "args": ["a", "b"], "ports": [{"containerPort": 80}]}], "empty": {}},
        });
        assert_eq!(
            to_yaml(&value).unwrap(),
            "kind: Deployment\nspec:\n  containers:\n  - args:\n    - a\n    - b\n    name: web\n    ports:\n    - containerPort: 80\n  empty: {}\n"
        );
    }

    /// Fields declared out of order, at every depth and place: the typed value is written
    /// as its JSON value is (keys sorted), however it nests.
    #[test]
    fn typed_values_are_written_as_their_json_values() {
        #[derive(serde::Serialize)]
        struct Port {
            port: u16,
            name: &'static str,
            #[serde(rename = "appProtocol")]
            app_protocol: Option<&'static str>,
        }
        #[derive(serde::Serialize)]
        enum Shape {
            Unit,
            Wrapped(u8),
            Pair(u8, &'static str),
            Named { z: bool, a: Vec<u8> },
        }
        #[derive(serde::Serialize)]
        struct Object {
            zeta: Vec<Port>,
            alpha: std::collections::BTreeMap<String, Vec<Port>>,
            empty_list: Vec<u8>,
            empty_map: std::collections::BTreeMap<String, u8>,
            nested: Vec<Vec<Port>>,
            shapes: Vec<Shape>,
            shape: Shape,
            ratio: f64,
            nothing: Option<u8>,
            kind: &'static str,
        }
        let port = |port, name| Port {
            port,
            name,
            app_protocol: (port % 2 == 0).then_some("http"),
        };
        let object = Object {
            zeta: vec![port(80, "http"), port(443, "yes")],
            alpha: [
                ("b".to_owned(), vec![port(1, "x")]),
                ("a".to_owned(), vec![]),
            ]
            .into_iter()
            .collect(),
            empty_list: vec![],
            empty_map: Default::default(),
            nested: vec![vec![port(2, "n")], vec![]],
            shapes: vec![
                Shape::Unit,
                Shape::Wrapped(3),
                Shape::Pair(4, "p"),
                Shape::Named {
                    z: true,
                    a: vec![5],
                },
            ],
            shape: Shape::Named {
                z: false,
                a: vec![],
            },
            ratio: 0.5,
            nothing: None,
            kind: "Object",
        };
        let direct = to_yaml(&object).unwrap();
        let through_json = to_yaml(&serde_json::to_value(&object).unwrap()).unwrap();
        assert_eq!(direct, through_json);
        assert!(direct.starts_with(
            "alpha:\n  a: []\n  b:\n  - appProtocol: null\n    name: x\n    port: 1\n"
        ));
        assert!(direct.contains("zeta:\n- appProtocol: http\n  name: http\n  port: 80\n"));
    }

    #[test]
    fn ambiguous_strings_are_quoted() {
        for s in [
            "yes", "No", "on", "OFF", "y", "~", "null", "0755", "1e3", "12:30", "0x1F", "1_000",
            "", " a", "a: b", "-x", ".inf", "@x", "a#b",
        ] {
            let out = to_yaml(&json!(s)).unwrap();
            assert!(out.starts_with('"'), "{s:?} written as {out}");
        }
        for s in [
            "web",
            "apps/v1",
            "app.kubernetes.io/name",
            "TCP",
            "v1.2",
            "/healthz",
        ] {
            assert_eq!(to_yaml(&json!(s)).unwrap(), format!("{s}\n"));
        }
    }

    #[test]
    fn escapes() {
        assert_eq!(
            to_yaml(&json!("a\"b\\c\nd\u{85}e\u{2028}")).unwrap(),
            "\"a\\\"b\\\\c\\nd\\u0085e\\u2028\"\n"
        );
        assert_eq!(to_yaml(&json!({"yes": "é"})).unwrap(), "\"yes\": \"é\"\n");
    }
}
