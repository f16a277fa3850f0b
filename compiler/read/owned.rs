//! `[config_maps.<name>]` and `[secrets.<name>]`: objects the step owns.

use super::reader::Reader;
use super::table::Table;
use crate::model::{ConfigMap, Registry, Secret, SecretEntry, Spanned};
use crate::syntax::NodeKind;

pub(super) fn config_map(
    r: &mut Reader<'_>,
    name: Spanned<String>,
    mut t: Table<'_>,
) -> Option<ConfigMap> {
    let data = t
        .optional(r, "data", Reader::string_map)
        .unwrap_or_default();
    t.finish(r);
    Some(ConfigMap { name, data })
}

pub(super) fn secret(
    r: &mut Reader<'_>,
    name: Spanned<String>,
    mut t: Table<'_>,
) -> Option<Secret> {
    let kind = t.optional(r, "type", Reader::string);
    let data = t
        .optional_table(r, "data")
        .map(|mut data| {
            let entries = data.data_entries();
            let mut out = Vec::with_capacity(entries.len());
            for entry in entries {
                // A value already reported as broken (a failed template) keeps its key, so
                // references to the key are not reported as well. Errors stop the compile
                // before the empty value could be written.
                let value = r
                    .secret(&entry.value)
                    .map(|v| v.value)
                    .or_else(|| (entry.value.kind == NodeKind::Invalid).then(String::new));
                if let Some(value) = value {
                    out.push(SecretEntry {
                        key: Spanned::new(entry.key.clone(), entry.key_span),
                        value,
                    });
                }
            }
            data.finish(r);
            out
        })
        .unwrap_or_default();
    let registry = t.optional_table(r, "registry").and_then(|mut reg| {
        let key_span = reg.head();
        let server = reg.required(r, "server", Reader::string);
        let username = reg.required(r, "username", Reader::string);
        let password = reg.required(r, "password", Reader::secret);
        reg.finish(r);
        Some(Registry {
            key_span,
            server: server?,
            username: username?,
            password: password?.value,
        })
    });
    t.finish(r);
    Some(Secret {
        name,
        kind,
        data,
        registry,
    })
}
