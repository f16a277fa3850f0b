//! Lifecycle hooks: not on init containers, a command that is not empty, an HTTP port the
//! container declares, header names, and a `preStop` pause that the grace period allows.

use super::probes::port_ref;
use super::{Cx, k8s};
use crate::diagnostic::{Code, Diagnostic};
use crate::model::{HookHandler, Pod};

pub(super) fn check(cx: &mut Cx<'_>) {
    let grace = cx.step.pod.termination_grace_period.clone();
    for container in &cx.step.containers {
        for (key, hook) in container.lifecycle.hooks() {
            if container.is_init() {
                cx.report(
                    Diagnostic::error(
                        Code::ConflictingFields,
                        format!("init {} has a `{key}` hook", container.describe()),
                    )
                    .label(hook.key_span, "not for init containers")
                    .help(
                        "init containers run to completion before the app starts; remove the hook",
                    ),
                );
            }
            match &hook.handler {
                HookHandler::Command(command) if command.value.is_empty() => cx.report(
                    Diagnostic::error(Code::EmptyValue, format!("the `{key}` command is empty"))
                        .label(command.span, "no command")
                        .help("give the command and its arguments, e.g. [\"/bin/sh\", \"-c\", \"nginx -s quit\"]"),
                ),
                HookHandler::Command(_) => {}
                HookHandler::Http(http) => {
                    for header in &http.headers {
                        cx.syntax(&header.name, "HTTP header name", &k8s::HEADER_NAME);
                    }
                    port_ref(cx, container, &http.port);
                }
                HookHandler::Sleep(seconds) => {
                    if !cx.range(seconds, "`sleep`", 0, i64::from(i32::MAX)) || key != "pre_stop" {
                        continue;
                    }
                    let limit = grace.as_ref().map_or(Pod::DEFAULT_GRACE_PERIOD, |g| g.value);
                    if seconds.value >= limit {
                        let mut diagnostic = Diagnostic::warning(
                            Code::GracePeriodTooShort,
                            format!(
                                "the `pre_stop` hook sleeps {}s, but the container is killed {limit}s after it is asked to stop",
                                seconds.value
                            ),
                        )
                        .label(seconds.span, "sleeps this long");
                        diagnostic = match &grace {
                            Some(grace) => diagnostic.label(grace.span, "grace period"),
                            None => diagnostic.note("the grace period is 30 seconds unless `[pod]` sets `termination_grace_period`"),
                        };
                        cx.report(diagnostic.help(
                            "raise `termination_grace_period` above the sleep, leaving the app time to shut down",
                        ));
                    }
                }
            }
        }
    }
}
