//! `lifecycle`: hooks run after a container starts (`post_start`) and before it stops
//! (`pre_stop`): a command, an HTTP request or a pause.

use super::probe;
use super::reader::Reader;
use super::table::Table;
use crate::diagnostic::{Code, Diagnostic};
use crate::model::{Hook, HookHandler, Lifecycle, ProbeHandler};

pub(super) fn read(r: &mut Reader<'_>, mut t: Table<'_>) -> Lifecycle {
    let post_start = t.optional_table(r, "post_start").and_then(|h| hook(r, h));
    let pre_stop = t.optional_table(r, "pre_stop").and_then(|h| hook(r, h));
    t.finish(r);
    Lifecycle {
        post_start,
        pre_stop,
    }
}

const HANDLERS: &[&str] = &["command", "http", "sleep"];

fn hook(r: &mut Reader<'_>, mut t: Table<'_>) -> Option<Hook> {
    let key_span = t.head();
    // `tcp` is not a hook handler: the API keeps the field but the kubelet never runs it.
    if let Some(tcp) = t.entry("tcp") {
        r.report(
            Diagnostic::error(Code::UnknownField, "a lifecycle hook cannot be a TCP check")
                .label(tcp.key_span, "not a hook handler")
                .help("use `command`, `http` or `sleep`; the kubelet ignores TCP lifecycle hooks"),
        );
        if HANDLERS.iter().all(|h| t.entry(h).is_none()) {
            t.finish(r);
            return None;
        }
    }
    let handler = match t.one_of(r, HANDLERS, "hook handler") {
        Some("command") => t
            .optional(r, "command", Reader::strings)
            .map(HookHandler::Command),
        Some("http") => t
            .optional_table(r, "http")
            .and_then(|t| probe::read_http(r, t))
            .and_then(|handler| match handler {
                ProbeHandler::Http(http) => Some(HookHandler::Http(http)),
                _ => None,
            }),
        Some(_) => t.optional(r, "sleep", Reader::int).map(HookHandler::Sleep),
        None => None,
    };
    t.finish(r);
    Some(Hook {
        key_span,
        handler: handler?,
    })
}
