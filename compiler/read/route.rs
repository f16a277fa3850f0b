//! `[route]` or `[[routes]]`: Gateway API HTTPRoutes. The shape follows the API's
//! (`parentRefs`, `hostnames`, `rules` of `matches`, `filters` and `backendRefs`), with the
//! standard channel's request filters as keys of a rule (`request_headers`, `redirect`,
//! `rewrite`) and backends that name the step's Service ports.

use super::reader::Reader;
use super::table::Table;
use crate::diagnostic::{Code, Diagnostic};
use crate::model::{
    HeaderModifier, PathModifier, Redirect, Rewrite, Route, RouteBackend, RouteMatch, RouteParent,
    RoutePreview, RouteRule, ValueCondition,
};

pub(super) fn read(r: &mut Reader<'_>, mut t: Table<'_>) -> Route {
    let key_span = t.head();
    let name = t.optional(r, "name", Reader::string);
    let annotations = t
        .optional(r, "annotations", Reader::string_map)
        .unwrap_or_default();
    let labels = t
        .optional(r, "labels", Reader::string_map)
        .unwrap_or_default();
    let service = t.optional(r, "service", Reader::string);
    let parents = t.table_list(r, "parents", |r, mut p| {
        let name = p.required(r, "name", Reader::string);
        let namespace = p.optional(r, "namespace", Reader::string);
        let section = p.optional(r, "section", Reader::string);
        p.finish(r);
        Some(RouteParent {
            name: name?,
            namespace,
            section,
        })
    });
    if t.entry("parents").is_none() {
        t.missing(r, "parents");
    }
    let hostnames = t
        .optional(r, "hostnames", Reader::strings)
        .map(|h| h.value)
        .unwrap_or_default();
    let rules = t.table_list(r, "rules", read_rule);
    if t.entry("rules").is_none() {
        t.missing(r, "rules");
    }
    let switch = t.optional(r, "switch", Reader::choice);
    let preview = t.optional_table(r, "preview").and_then(|mut p| {
        let key_span = p.head();
        let header = p.required(r, "header", Reader::string);
        let value = p.required(r, "value", Reader::string);
        p.finish(r);
        Some(RoutePreview {
            key_span,
            header: header?,
            value: value?,
        })
    });
    t.finish(r);
    Route {
        key_span,
        name,
        annotations,
        labels,
        service,
        parents,
        hostnames,
        rules,
        preview,
        switch,
    }
}

fn read_rule(r: &mut Reader<'_>, mut t: Table<'_>) -> Option<RouteRule> {
    let key_span = t.head();
    let matches = t.table_list(r, "matches", read_match);
    let request_headers = t.optional_table(r, "request_headers").map(|mut h| {
        let key_span = h.head();
        let set = h.optional(r, "set", Reader::string_map).unwrap_or_default();
        let add = h.optional(r, "add", Reader::string_map).unwrap_or_default();
        let remove = h
            .optional(r, "remove", Reader::strings)
            .map(|l| l.value)
            .unwrap_or_default();
        h.finish(r);
        HeaderModifier {
            key_span,
            set,
            add,
            remove,
        }
    });
    let redirect = t.optional_table(r, "redirect").map(|mut d| {
        let key_span = d.head();
        let scheme = d.optional(r, "scheme", Reader::choice);
        let hostname = d.optional(r, "hostname", Reader::string);
        let port = d.optional(r, "port", Reader::int);
        let path = path_modifier(r, &mut d);
        let status = d.optional(r, "status", Reader::int);
        d.finish(r);
        Redirect {
            key_span,
            scheme,
            hostname,
            port,
            path,
            status,
        }
    });
    let rewrite = t.optional_table(r, "rewrite").map(|mut w| {
        let key_span = w.head();
        let hostname = w.optional(r, "hostname", Reader::string);
        let path = path_modifier(r, &mut w);
        w.finish(r);
        Rewrite {
            key_span,
            hostname,
            path,
        }
    });
    let backends = t.table_list(r, "backends", |r, mut b| {
        let key_span = b.head();
        let service = b.optional(r, "service", Reader::string);
        let port = b.required(r, "port", Reader::port_ref);
        let weight = b.optional(r, "weight", Reader::int);
        b.finish(r);
        Some(RouteBackend {
            key_span,
            service,
            port: port?,
            weight,
        })
    });
    if backends.is_empty() && redirect.is_none() && t.entry("backends").is_none() {
        t.absent_unless_misspelt(
            &["backends", "redirect"],
            Diagnostic::error(Code::MissingField, "a route rule without `backends`")
                .label(key_span, "routes requests nowhere")
                .help("add `backends = [{ port = \"http\" }]` (a port of the step's Service), or a `redirect`"),
        );
    }
    t.finish(r);
    Some(RouteRule {
        key_span,
        matches,
        request_headers,
        redirect,
        rewrite,
        backends,
    })
}

/// `replace_full_path` or `replace_prefix_match`: at most one.
fn path_modifier(r: &mut Reader<'_>, t: &mut Table<'_>) -> Option<PathModifier> {
    let full = t.optional(r, "replace_full_path", Reader::string);
    let prefix = t.optional(r, "replace_prefix_match", Reader::string);
    match (full, prefix) {
        (Some(full), Some(prefix)) => {
            r.report(
                Diagnostic::error(
                    Code::ConflictingFields,
                    "`replace_full_path` and `replace_prefix_match` both given",
                )
                .label(
                    prefix.span,
                    "`replace_prefix_match` conflicts with `replace_full_path`",
                )
                .label(full.span, "`replace_full_path` given here")
                .help("keep one: the whole new path, or what replaces the prefix the rule matched"),
            );
            None
        }
        (Some(full), None) => Some(PathModifier::ReplaceFullPath(full)),
        (None, Some(prefix)) => Some(PathModifier::ReplacePrefixMatch(prefix)),
        (None, None) => None,
    }
}

fn read_match(r: &mut Reader<'_>, mut t: Table<'_>) -> Option<RouteMatch> {
    let key_span = t.head();
    let path = t.optional(r, "path", Reader::string);
    let path_type = t.optional(r, "path_type", Reader::choice);
    let headers = t.table_list(r, "headers", read_condition);
    let query_params = t.table_list(r, "query_params", read_condition);
    let method = t.optional(r, "method", Reader::choice);
    t.finish(r);
    Some(RouteMatch {
        key_span,
        path,
        path_type,
        headers,
        query_params,
        method,
    })
}

fn read_condition(r: &mut Reader<'_>, mut t: Table<'_>) -> Option<ValueCondition> {
    let name = t.required(r, "name", Reader::string);
    let value = t.required(r, "value", Reader::string);
    let kind = t.optional(r, "type", Reader::choice);
    t.finish(r);
    Some(ValueCondition {
        name: name?,
        value: value?,
        kind,
    })
}
