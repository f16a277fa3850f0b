//! `[ingress]` or `[[ingresses]]`: HTTP routing to ports of the step's Services.

use super::reader::Reader;
use super::table::Table;
use crate::model::{Ingress, IngressPath, IngressRule, IngressTls};

pub(super) fn read(r: &mut Reader<'_>, mut t: Table<'_>) -> Ingress {
    let key_span = t.head();
    let name = t.optional(r, "name", Reader::string);
    let class = t.optional(r, "class", Reader::string);
    let annotations = t
        .optional(r, "annotations", Reader::string_map)
        .unwrap_or_default();
    let labels = t
        .optional(r, "labels", Reader::string_map)
        .unwrap_or_default();
    let service = t.optional(r, "service", Reader::string);
    let default_backend = t.optional_table(r, "default_backend").and_then(|mut b| {
        let port = b.required(r, "port", Reader::port_ref);
        b.finish(r);
        port
    });
    let rules = t.table_list(r, "rules", read_rule);
    let tls = t.table_list(r, "tls", |r, mut t| {
        let hosts = t.optional(r, "hosts", Reader::strings);
        let secret = t.optional(r, "secret", Reader::string);
        t.finish(r);
        Some(IngressTls {
            hosts: hosts.map(|h| h.value).unwrap_or_default(),
            secret,
        })
    });
    t.finish(r);
    Ingress {
        key_span,
        name,
        class,
        annotations,
        labels,
        service,
        default_backend,
        rules,
        tls,
    }
}

fn read_rule(r: &mut Reader<'_>, mut t: Table<'_>) -> Option<IngressRule> {
    let host = t.optional(r, "host", Reader::string);
    let paths = t.table_list(r, "paths", |r, mut p| {
        let path = p.required(r, "path", Reader::string);
        let kind = p.optional(r, "type", Reader::choice);
        let port = p.required(r, "port", Reader::port_ref);
        p.finish(r);
        Some(IngressPath {
            path: path?,
            kind,
            port: port?,
        })
    });
    if t.entry("paths").is_none() {
        t.missing(r, "paths");
    }
    t.finish(r);
    Some(IngressRule { host, paths })
}
