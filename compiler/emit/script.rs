//! `deploy.sh`: the kubectl script that carries out the step's strategy.
//!
//! The scripts are minijinja templates in `emit/scripts/`, readable as shell; long parts
//! without a value from the step are plain shell files there (`*-functions.sh`), inserted as
//! text so that no run spends time parsing them. Every value
//! from the step reaches the shell through the `q` filter (single quotes, `'` as `'\''`), so
//! no name, label or path can run anything; the source path in the header comment goes
//! through `comment`, which keeps it on one line.

use std::borrow::Cow;
use std::sync::LazyLock;

use minijinja::syntax::SyntaxConfig;
use minijinja::value::Serde;
use minijinja::{Environment, Value};
use serde::Serialize;

/// The script templates. The ones every script but blue/green's is made of (and blue/green
/// shares) are compiled when the environment is first used, ideally by [`warm_up`] while the
/// steps are still being read; blue/green's own is compiled when a script first needs it. An
/// error here is a bug in kstep, reported when a script is rendered.
static TEMPLATES: LazyLock<Result<Environment<'static>, String>> = LazyLock::new(|| {
    let mut env = Environment::new();
    let syntax = SyntaxConfig::builder()
        .keep_trailing_newline(true)
        .trim_blocks(true)
        .lstrip_blocks(true)
        .build()
        .map_err(|e| e.to_string())?;
    env.set_syntax(syntax);
    env.add_filter("q", shell_quote);
    env.add_filter("comment", comment);
    // kubectl's go-templates for the failure report: text for the script, not minijinja
    // templates (their `{{` is Go's).
    env.add_global("pod_report", include_str!("scripts/pod-report.gotmpl"));
    env.add_global("probe_events", include_str!("scripts/probe-events.gotmpl"));
    // Long stretches of plain shell, inserted as text: parsing them as templates was a
    // quarter of a one-step compile. Each file ends with the newline its `{{ }}` line adds.
    env.add_global(
        "lock_functions",
        plain(include_str!("scripts/lock-functions.sh")),
    );
    env.add_global(
        "report_functions",
        plain(include_str!("scripts/report-functions.sh")),
    );
    for name in ROLLOUT_TEMPLATES {
        let source = template_source(name).ok_or_else(|| format!("no template {name}"))?;
        env.add_template(name, source)
            .map_err(|e| format!("script template {name}: {e:#}"))?;
    }
    env.set_loader(|name| Ok(template_source(name).map(str::to_owned)));
    Ok(env)
});

/// The templates of a recreate, rolling-update or on-delete script, with what they include.
const ROLLOUT_TEMPLATES: [&str; 5] = [
    "rollout.sh.j2",
    "common.sh.j2",
    "lock.sh.j2",
    "report.sh.j2",
    "route.sh.j2",
];

/// Compiles the script templates on a thread of their own, so that a compile's first script
/// does not wait for them: they do not depend on the steps, and compiling them takes about as
/// long as reading and checking a typical step. The thread is not waited for; a script that
/// needs the templates sooner waits for them to be done, and a run that ends first (a step
/// with errors) loses nothing.
pub(crate) fn warm_up() {
    static STARTED: std::sync::Once = std::sync::Once::new();
    STARTED.call_once(|| {
        let spawned = std::thread::Builder::new()
            .name("templates".into())
            .spawn(|| LazyLock::force(&TEMPLATES).is_ok());
        // Without a thread, the first script compiles them, as it would have anyway.
        drop(spawned);
    });
}

/// A plain shell file as a template value: without its last newline, which the line that
/// inserts it supplies.
fn plain(text: &'static str) -> Value {
    Value::from(text.strip_suffix('\n').unwrap_or(text))
}

/// The source of the script template `name`, built into the binary.
fn template_source(name: &str) -> Option<&'static str> {
    Some(match name {
        "common.sh.j2" => include_str!("scripts/common.sh.j2"),
        "lock.sh.j2" => include_str!("scripts/lock.sh.j2"),
        "rollout.sh.j2" => include_str!("scripts/rollout.sh.j2"),
        "blue-green.sh.j2" => include_str!("scripts/blue-green.sh.j2"),
        "report.sh.j2" => include_str!("scripts/report.sh.j2"),
        "route.sh.j2" => include_str!("scripts/route.sh.j2"),
        _ => return None,
    })
}

/// What a deploy script needs to know. The `String` fields (and lists) that [`Script::printed`]
/// names are only printed by the templates, or tested for being empty; the templates may
/// compare the rest (see [`super::stencil`]).
#[derive(Serialize, Clone, PartialEq)]
pub(crate) struct Script {
    pub(crate) source: String,
    pub(crate) version: &'static str,
    pub(crate) step_id: String,
    pub(crate) deployment_id: String,
    /// Empty when the step names no namespace.
    pub(crate) namespace: String,
    pub(crate) strategy_title: &'static str,
    pub(crate) blue_green: bool,
    /// The workload object's name (a Job's with the deployment id).
    pub(crate) deployment_name: String,
    /// `Deployment`, `StatefulSet`, `DaemonSet`, `Job` or `CronJob`.
    pub(crate) workload_kind: &'static str,
    /// Its resource as kubectl names it: `deployment`, `statefulset`, ...
    pub(crate) workload_resource: &'static str,
    /// How deploy waits: `rollout` (`rollout status`), `job` (until Complete or Failed), or
    /// `none` (a CronJob, on-delete).
    pub(crate) wait: &'static str,
    /// What deploy says instead of waiting (`wait` is `none`).
    pub(crate) nothing_to_wait_for: &'static str,
    /// Whether deploy first checks the live object's selector (kinds whose selector kstep
    /// writes and the API server keeps).
    pub(crate) selector_check: bool,
    pub(crate) timeout: String,
    /// The Deployment's `spec.selector` as kubectl prints it (compact JSON, keys sorted).
    pub(crate) deployment_selector: String,
    /// Selects the pods of this deployment.
    pub(crate) pod_selector: String,
    /// Selects everything of the step.
    pub(crate) step_selector: String,
    pub(crate) cleanup_kinds: &'static str,
    /// "Apply Service", "Apply Service and Ingress", ...
    pub(crate) network_title: String,
    pub(crate) cleanup_selector: String,
    pub(crate) config_files: Vec<String>,
    pub(crate) workload_files: Vec<String>,
    /// Services (but the preview one), EndpointSlices and Ingresses.
    pub(crate) network_files: Vec<String>,
    /// The Lease that is the deployment lock of the step: `kstep-<step id>`.
    pub(crate) lock_name: String,
    /// Blue/green: the `switch = "weights"` routes, which `rollback` moves back, and the
    /// Services that have a colour copy per deployment (`<name>-<deployment id>`).
    pub(crate) colour_routes: Vec<String>,
    pub(crate) colour_bases: Vec<String>,
    /// The step's HTTPRoutes, whose conditions the script checks after applying them.
    pub(crate) routes: Vec<String>,
    /// The HorizontalPodAutoscaler's name ("": none), and its bounds.
    pub(crate) autoscaler: String,
    pub(crate) min_replicas: String,
    pub(crate) max_replicas: String,
    /// Blue/green: the Deployment's name without the deployment id.
    pub(crate) deployment_base: String,
    pub(crate) replicas: String,
    /// Blue/green: the Services the script switches, together.
    pub(crate) services: Vec<String>,
    /// Blue/green: the preview Service's name and manifest (empty: none).
    pub(crate) preview_service: String,
    pub(crate) preview_file: String,
    /// Blue/green: replicas until promotion (empty: all).
    pub(crate) preview_replicas: String,
    pub(crate) scale_down_delay: String,
    pub(crate) auto_promote: bool,
    /// `scale-to-zero` or `keep-running`.
    pub(crate) keep_previous: &'static str,
    /// Blue/green with Services to switch: promote, abort, rollback.
    pub(crate) switches: bool,
    /// The exit codes, as `--help` lists them (wrapped) and the header (wrapped, commented).
    pub(crate) exit_codes: &'static str,
    pub(crate) exit_codes_comment: &'static str,
}

/// How many fields [`Script::printed`] names.
pub(super) const PRINTED: usize = 28;

impl Script {
    /// The values a script only prints: each of them a hole in its shape's stencil. A field
    /// left out is part of the shape (correct, but one stencil per value).
    pub(super) fn printed(&mut self) -> [&mut [String]; PRINTED] {
        use std::slice::from_mut as one;
        [
            one(&mut self.source),
            one(&mut self.step_id),
            one(&mut self.deployment_id),
            one(&mut self.namespace),
            one(&mut self.deployment_name),
            one(&mut self.timeout),
            one(&mut self.deployment_selector),
            one(&mut self.pod_selector),
            one(&mut self.step_selector),
            one(&mut self.network_title),
            one(&mut self.cleanup_selector),
            &mut self.config_files,
            &mut self.workload_files,
            &mut self.network_files,
            one(&mut self.lock_name),
            &mut self.colour_routes,
            &mut self.colour_bases,
            &mut self.routes,
            one(&mut self.autoscaler),
            one(&mut self.min_replicas),
            one(&mut self.max_replicas),
            one(&mut self.deployment_base),
            one(&mut self.replicas),
            &mut self.services,
            one(&mut self.preview_service),
            one(&mut self.preview_file),
            one(&mut self.preview_replicas),
            one(&mut self.scale_down_delay),
        ]
    }
}

/// `text` in lines of at most `width` characters (words are never split), each but the first
/// starting with `prefix`.
fn wrap(text: &str, width: usize, prefix: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8 * prefix.len());
    let mut line = 0;
    // `~` joins words that stay on one line.
    for word in text.split(' ') {
        if line > 0 && line + 1 + word.len() > width {
            out.push('\n');
            out.push_str(prefix);
            line = prefix.len();
        } else if line > 0 {
            out.push(' ');
            line += 1;
        }
        for (i, part) in word.split('~').enumerate() {
            if i > 0 {
                out.push(' ');
            }
            out.push_str(part);
        }
        line += word.len();
    }
    out
}

/// What a script's exit codes depend on.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) struct ExitCodes {
    /// The kind whose live selector the script checks (code 4), if any.
    pub(crate) selector_kind: Option<&'static str>,
    pub(crate) job: bool,
    /// Blue/green with Services to switch (promote, abort, rollback).
    pub(crate) switches: bool,
    pub(crate) routes: bool,
}

/// The wrapped exit-code texts of a script, for `--help` and (commented) for its header.
/// There are a few dozen kinds of script at most, and each kind's texts are made once per
/// run: wrapping them was 2.5% of a compile's instructions when done per step.
pub(crate) fn exit_code_texts(codes: ExitCodes) -> (&'static str, &'static str) {
    type Texts = Vec<(ExitCodes, &'static str, &'static str)>;
    static MADE: std::sync::Mutex<Texts> = std::sync::Mutex::new(Vec::new());
    let mut made = MADE
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    if let Some(&(_, help, comment)) = made.iter().find(|(c, ..)| *c == codes) {
        return (help, comment);
    }
    let list = exit_codes(codes);
    // Leaked on purpose: one pair per kind of script, for the rest of the process.
    let help: &'static str = wrap(&format!("Exit codes: {list}."), 92, "").leak();
    let comment: &'static str = wrap(&format!("# Exit codes: {list}."), 92, "# ").leak();
    made.push((codes, help, comment));
    (help, comment)
}

/// The exit codes of a script, for its header and `--help`.
fn exit_codes(codes: ExitCodes) -> String {
    let ExitCodes {
        selector_kind,
        job,
        switches,
        routes,
    } = codes;
    let mut codes = vec![
        if switches {
            "0~done (deploy: deployed, or ready and waiting for promotion)"
        } else {
            "0~done"
        },
        "1~kubectl failed",
        "2~wrong usage",
        if job {
            "3~the Job failed or did not finish"
        } else {
            "3~the rollout did not become ready"
        },
    ];
    let selector_code;
    if let Some(kind) = selector_kind {
        selector_code = format!("4~the {kind} exists with another selector");
        codes.push(&selector_code);
    }
    codes.push("5~another run holds the deployment lock");
    if switches {
        codes.push("6~nothing to promote, abort or roll back");
    }
    codes.push("7~kubectl is missing or cannot reach the cluster");
    if routes {
        codes.push("8~an HTTPRoute was not accepted, or its backends did not resolve");
    }
    codes.push("143~(130, 129) stopped by SIGTERM (SIGINT, SIGHUP), the lock released");
    codes.join(", ")
}

/// Every kind of object kstep creates but EndpointSlices (removed separately), for cleanup.
/// A step's kind may change: the workload of the older kind is then removed with the rest.
pub(crate) const CLEANUP_KINDS: &str = "deployments.apps,statefulsets.apps,daemonsets.apps,jobs.batch,cronjobs.batch,configmaps,secrets,services,ingresses.networking.k8s.io,poddisruptionbudgets.policy,horizontalpodautoscalers.autoscaling";

/// The text of `script`'s `deploy.sh`, through the stencil of its shape.
pub(crate) fn render(script: Script) -> Result<String, String> {
    super::stencil::render(script, render_in_full)
}

/// The text of `script`'s `deploy.sh`, rendered by the templates.
pub(super) fn render_in_full(script: &Script) -> Result<String, String> {
    let name = if script.blue_green {
        "blue-green.sh.j2"
    } else {
        "rollout.sh.j2"
    };
    let env = TEMPLATES.as_ref()?;
    let mut text = env
        .get_template(name)
        .and_then(|t| t.render(Value::from(Serde(script))))
        .map_err(|e| format!("script template {name}: {e:#}"))?;
    if !text.ends_with('\n') {
        text.push('\n');
    }
    Ok(text)
}

/// `'text'`, with `'` written as `'\''`: a single shell word that expands nothing.
fn shell_quote(value: Value) -> String {
    let text = filtered_text(&value, true);
    // Built in one string: a script quotes a hundred values.
    let mut out = String::with_capacity(text.len() + 2);
    out.push('\'');
    quote_into(&mut out, &text);
    out.push('\'');
    out
}

/// The text a filter works on: `value` as the template would print it, with the holes of a
/// stencil being made marked as inside `q` (`quoted`) or `comment`.
fn filtered_text(value: &Value, quoted: bool) -> Cow<'_, str> {
    let text = value
        .as_str()
        .map_or_else(|| value.to_string().into(), Cow::Borrowed);
    super::stencil::mark_holes(&text, quoted).map_or(text, Cow::Owned)
}

/// `text` as it reads between single quotes: `'` written as `'\''`.
pub(super) fn quote_into(out: &mut String, text: &str) {
    if !text.contains('\'') {
        // Nearly every value: nothing to escape.
        out.push_str(text);
        return;
    }
    for (i, part) in text.split('\'').enumerate() {
        if i > 0 {
            out.push_str(r"'\''");
        }
        out.push_str(part);
    }
}

/// Text safe inside a `#` comment: one line, no control characters.
fn comment(value: Value) -> String {
    let text = filtered_text(&value, false);
    let mut out = String::with_capacity(text.len());
    comment_into(&mut out, &text);
    out
}

/// `text` with every control character written as `?`.
pub(super) fn comment_into(out: &mut String, text: &str) {
    out.extend(text.chars().map(|c| if c.is_control() { '?' } else { c }));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoting() {
        assert_eq!(shell_quote(Value::from("web")), "'web'");
        assert_eq!(
            shell_quote(Value::from("it's $(rm -rf /)")),
            r"'it'\''s $(rm -rf /)'"
        );
        assert_eq!(shell_quote(Value::from("")), "''");
        assert_eq!(comment(Value::from("a\nb\u{1b}")), "a?b?");
    }
}
