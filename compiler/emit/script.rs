//! `deploy.sh`: the kubectl script that carries out the step's strategy.
//!
//! The scripts are minijinja templates in `emit/scripts/`, readable as shell. Every value
//! from the step reaches the shell through the `q` filter (single quotes, `'` as `'\''`), so
//! no name, label or path can run anything; the source path in the header comment goes
//! through `comment`, which keeps it on one line.

use std::sync::LazyLock;

use minijinja::syntax::SyntaxConfig;
use minijinja::value::Serde;
use minijinja::{Environment, Value};
use serde::Serialize;

/// The script templates, parsed once. An error here is a bug in kstep, reported when a
/// script is rendered.
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
    let templates = [
        ("common.sh.j2", include_str!("scripts/common.sh.j2")),
        ("rollout.sh.j2", include_str!("scripts/rollout.sh.j2")),
        ("blue-green.sh.j2", include_str!("scripts/blue-green.sh.j2")),
        ("report.sh.j2", include_str!("scripts/report.sh.j2")),
    ];
    // kubectl's go-templates for the failure report: text for the script, not minijinja
    // templates (their `{{` is Go's).
    env.add_global("pod_report", include_str!("scripts/pod-report.gotmpl"));
    env.add_global("probe_events", include_str!("scripts/probe-events.gotmpl"));
    for (name, source) in templates {
        env.add_template(name, source)
            .map_err(|e| format!("script template {name}: {e:#}"))?;
    }
    Ok(env)
});

/// What a deploy script needs to know.
#[derive(Serialize)]
pub(crate) struct Script {
    pub(crate) source: String,
    pub(crate) version: &'static str,
    pub(crate) step_id: String,
    pub(crate) deployment_id: String,
    /// Empty when the step names no namespace.
    pub(crate) namespace: String,
    pub(crate) strategy_title: &'static str,
    pub(crate) blue_green: bool,
    pub(crate) deployment_name: String,
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
    pub(crate) network_files: Vec<String>,
}

/// Every kind of object kstep creates but EndpointSlices (removed separately), for cleanup.
pub(crate) const CLEANUP_KINDS: &str =
    "deployments.apps,configmaps,secrets,services,ingresses.networking.k8s.io";

pub(crate) fn render(script: &Script) -> Result<String, String> {
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
    let text = value
        .as_str()
        .map_or_else(|| value.to_string(), str::to_owned);
    format!("'{}'", text.replace('\'', r"'\''"))
}

/// Text safe inside a `#` comment: one line, no control characters.
fn comment(value: Value) -> String {
    let text = value
        .as_str()
        .map_or_else(|| value.to_string(), str::to_owned);
    text.chars()
        .map(|c| if c.is_control() { '?' } else { c })
        .collect()
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
