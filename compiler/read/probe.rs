//! Probes: exactly one of `command`, `http`, `tcp` or `grpc`, and the timing fields.

use super::reader::Reader;
use super::table::Table;
use crate::model::{GrpcCheck, HttpGet, HttpHeader, Probe, ProbeHandler, ProbeKind, TcpSocket};

pub(super) fn read(r: &mut Reader<'_>, mut t: Table<'_>, kind: ProbeKind) -> Option<Probe> {
    let key_span = t.head();
    let handler = match t.one_of(r, &["command", "http", "tcp", "grpc"], "probe handler") {
        Some("command") => t
            .optional(r, "command", Reader::strings)
            .map(ProbeHandler::Command),
        Some("http") => t.optional_table(r, "http").and_then(|t| read_http(r, t)),
        Some("tcp") => t.optional_table(r, "tcp").and_then(|t| read_tcp(r, t)),
        Some(_) => t.optional_table(r, "grpc").and_then(|t| read_grpc(r, t)),
        None => None,
    };
    let failure_threshold = t.optional(r, "failure_threshold", Reader::int);
    let success_threshold = t.optional(r, "success_threshold", Reader::int);
    let timeout = t.optional(r, "timeout", Reader::int);
    let initial_delay = t.optional(r, "initial_delay", Reader::int);
    let period = t.optional(r, "period", Reader::int);
    t.finish(r);
    Some(Probe {
        kind,
        key_span,
        handler: handler?,
        failure_threshold,
        success_threshold,
        timeout,
        initial_delay,
        period,
    })
}

pub(super) fn read_http(r: &mut Reader<'_>, mut t: Table<'_>) -> Option<ProbeHandler> {
    let host = t.optional(r, "host", Reader::string);
    let path = t.optional(r, "path", Reader::string);
    let scheme = t.optional(r, "scheme", Reader::choice);
    let port = t.required(r, "port", Reader::port_ref);
    let headers = t.table_list(r, "headers", |r, mut h| {
        let name = h.required(r, "name", Reader::string);
        let value = h.required(r, "value", Reader::string);
        h.finish(r);
        Some(HttpHeader {
            name: name?,
            value: value?,
        })
    });
    t.finish(r);
    Some(ProbeHandler::Http(HttpGet {
        host,
        path,
        scheme,
        port: port?,
        headers,
    }))
}

fn read_tcp(r: &mut Reader<'_>, mut t: Table<'_>) -> Option<ProbeHandler> {
    let host = t.optional(r, "host", Reader::string);
    let port = t.required(r, "port", Reader::port_ref);
    t.finish(r);
    Some(ProbeHandler::Tcp(TcpSocket { host, port: port? }))
}

fn read_grpc(r: &mut Reader<'_>, mut t: Table<'_>) -> Option<ProbeHandler> {
    let port = t.required(r, "port", Reader::port_ref);
    let service = t.optional(r, "service", Reader::string);
    t.finish(r);
    Some(ProbeHandler::Grpc(GrpcCheck {
        port: port?,
        service,
    }))
}
