//! ConfigMaps and Secrets to `[config_maps.<name>]` and `[secrets.<name>]`: the inverse of
//! `lower::owned`. Secret values are decoded from base64 and written only when the user asks
//! for them (`--secrets inline`); a value that is not text stays out (and the Secret stays a
//! reference).

use base64::Engine;
use serde_json::Value;

use super::doc::Table;
use super::pod::map_table;
use super::source::Source;

pub(crate) fn config_map(src: &mut Source<'_>) -> Table {
    src.carry_kstep_labels("/metadata/labels");
    let mut t = Table::default();
    if let Some(data) = src.string_map("/data") {
        t.set("data", map_table(data));
    }
    t
}

/// `None` when a value is not UTF-8 text (the Secret cannot be written into a step file).
pub(crate) fn secret(src: &mut Source<'_>) -> Option<Table> {
    src.carry_kstep_labels("/metadata/labels");
    let mut t = Table::default();
    if let Some(kind) = src.non_default("/type") {
        t.set("type", kind.as_str()?.to_owned());
    }
    let mut data = Vec::new();
    if let Some(Value::Object(map)) = src.peek("/data") {
        for (key, value) in map {
            let bytes = base64::engine::general_purpose::STANDARD
                .decode(value.as_str()?)
                .ok()?;
            data.push((key.clone(), String::from_utf8(bytes).ok()?));
        }
        src.carry("/data");
    }
    if let Some(strings) = src.string_map("/stringData") {
        data.extend(strings);
    }
    t.set_some("data", map_table(data));
    Some(t)
}
