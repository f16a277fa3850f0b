//! Rules about each container: pinned images, probes, resource requests and limits, memory
//! written in millibytes, and secrets written into environment variables.

use super::Rules;
use crate::diagnostic::{Code, Diagnostic};
use crate::model::{Container, ContainerKind, EnvSource, Spanned, Strategy};

/// Words that mark an environment variable as a secret: a word of its name (`DB_PASSWORD`,
/// `apiToken`) that is one of these or ends with one (`DBPASSWORD`). Whole words only, so
/// that `MAX_TOKENS` and `KEYCLOAK_URL` are not secrets.
const SECRET_WORDS: &[&str] = &[
    "PASSWORD", "PASSWD", "PWD", "TOKEN", "SECRET", "KEY", "APIKEY",
];

/// Whether an environment variable's name says it holds a secret.
fn secret_name(name: &str) -> bool {
    let mut words = Vec::new();
    let mut word = String::new();
    let mut previous_lower = false;
    for c in name.chars() {
        // Words split at `_`, `-`, `.` and where camelCase starts a capital.
        if !c.is_ascii_alphanumeric() || (c.is_ascii_uppercase() && previous_lower) {
            words.push(std::mem::take(&mut word));
        }
        if c.is_ascii_alphanumeric() {
            word.push(c.to_ascii_uppercase());
        }
        previous_lower = c.is_ascii_lowercase() || c.is_ascii_digit();
    }
    words.push(word);
    words.iter().any(|word| {
        SECRET_WORDS
            .iter()
            .any(|secret| word == secret || (secret.len() > 3 && word.ends_with(secret)))
    })
}

pub(super) fn check(rules: &mut Rules<'_>) {
    let step = rules.step;
    for container in &step.containers {
        image(rules, container);
        // A Job's pods run to completion: nothing routes traffic to them or waits on them.
        if container.kind == ContainerKind::App && step.kind().serves() {
            probes(rules, container);
        }
        resources(rules, container);
        secret_env(rules, container);
    }
}

/// The reference's tag, if it has no digest: `None` for a digest, `Some("")` for no tag.
fn tag(image: &str) -> Option<&str> {
    if image.contains('@') {
        return None;
    }
    let last = image.rsplit('/').next().unwrap_or(image);
    Some(last.split_once(':').map_or("", |(_, tag)| tag))
}

fn image(rules: &mut Rules<'_>, container: &Container) {
    let Some(image) = &container.image else {
        return;
    };
    let problem = match tag(&image.value) {
        Some("") => "has no tag, so it means `latest`",
        Some("latest") => "is tagged `latest`",
        _ => return,
    };
    rules.report(
        Diagnostic::warning(
            Code::LatestImageTag,
            format!("the image of {} {problem}", container.describe()),
        )
        .label(image.span, "not pinned to a version")
        .help("use a version tag (`nginx:1.27.3`) or a digest (`nginx@sha256:...`): `latest` changes under you, and nodes may run different images"),
    );
}

fn probes(rules: &mut Rules<'_>, container: &Container) {
    let Some(name) = &container.name else { return };
    if container.readiness.is_none() {
        let blue_green = rules.plan.strategy == Strategy::BlueGreen;
        let diagnostic = if blue_green {
            Diagnostic::error(
                Code::NoReadinessProbe,
                format!("{} has no readiness probe, which blue/green relies on", container.describe()),
            )
            .help("blue/green switches traffic once the new pods are ready (phase 3): without a readiness probe a pod is ready as soon as it starts. Add one, e.g. `readiness = { http = { path = \"/ready\", port = \"http\" } }`")
        } else {
            Diagnostic::warning(
                Code::NoReadinessProbe,
                format!("{} has no readiness probe", container.describe()),
            )
            .help("add one, e.g. `readiness = { http = { path = \"/ready\", port = \"http\" } }`: without one, traffic reaches a pod as soon as its process starts")
        };
        rules.report(diagnostic.label(name.span, "no `readiness`"));
    }
    if container.liveness.is_none() {
        rules.report(
            Diagnostic::warning(
                Code::NoLivenessProbe,
                format!("{} has no liveness probe", container.describe()),
            )
            .label(name.span, "no `liveness`")
            .help("add one, e.g. `liveness = { tcp = { port = \"http\" } }`: without one, a hung process is never restarted"),
        );
    }
}

fn resources(rules: &mut Rules<'_>, container: &Container) {
    let Some(name) = &container.name else { return };
    // A limit without a request is also the request: the API server fills it in.
    let (requests, limits) = (&container.resources.requests, &container.resources.limits);
    let missing: Vec<&str> = [
        ("cpu", requests.cpu.is_some() || limits.cpu.is_some()),
        (
            "memory",
            requests.memory.is_some() || limits.memory.is_some(),
        ),
    ]
    .into_iter()
    .filter(|(_, given)| !given)
    .map(|(n, _)| n)
    .collect();
    if !missing.is_empty() {
        rules.report(
            Diagnostic::warning(
                Code::NoResourceRequests,
                format!("{} requests no {}", container.describe(), missing.join(" or ")),
            )
            .label(name.span, "no requests")
            .help("set `resources.requests`, e.g. `requests = { cpu = \"100m\", memory = \"128Mi\" }`: the scheduler places pods by their requests, and pods without them are evicted first"),
        );
    }
    if container.resources.limits.memory.is_none() {
        rules.report(
            Diagnostic::warning(
                Code::NoMemoryLimit,
                format!("{} has no memory limit", container.describe()),
            )
            .label(name.span, "no `resources.limits.memory`")
            .help("set `resources.limits.memory` (e.g. \"256Mi\"): without it, a leak takes memory from every pod on the node"),
        );
    }
    let lists = [&container.resources.requests, &container.resources.limits];
    for (resource, quantity) in lists.into_iter().flat_map(|l| l.iter()) {
        if (resource == "memory" || resource == "ephemeral-storage") && millibytes(quantity) {
            rules.report(
                Diagnostic::warning(
                    Code::MemoryInMillibytes,
                    format!(
                        "{resource} `{}` is in thousandths of a byte",
                        quantity.value
                    ),
                )
                .label(quantity.span, "`m` means milli, not mega")
                .help(format!(
                    "write `{}Mi` (mebibytes) or `{}M` (megabytes)",
                    quantity.value.trim_end_matches('m'),
                    quantity.value.trim_end_matches('m')
                )),
            );
        }
    }
}

fn millibytes(quantity: &Spanned<String>) -> bool {
    quantity
        .value
        .strip_suffix('m')
        .is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit() || b == b'.'))
}

fn secret_env(rules: &mut Rules<'_>, container: &Container) {
    for env in &container.env {
        let EnvSource::Value(value) = &env.source else {
            continue;
        };
        if !secret_name(&env.name.value) || value.value.is_empty() {
            continue;
        }
        rules.report(
            Diagnostic::warning(
                Code::SecretInEnv,
                format!("`{}` looks like a secret, written in plain text", env.name.value),
            )
            .label(value.span, "a literal value")
            .help("keep secrets in a Secret: `{ name = \"...\", secret = \"<name>\", key = \"<key>\" }`, with the value from a sensitive variable if the step owns the Secret"),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secret_names_are_whole_words() {
        for name in [
            "DB_PASSWORD",
            "api_token",
            "apiToken",
            "SIGNING_KEY",
            "DBPASSWORD",
            "client-secret",
            "MYSQL_PWD",
            "STRIPE_APIKEY",
        ] {
            assert!(secret_name(name), "{name}");
        }
        for name in [
            "MAX_TOKENS",
            "KEYCLOAK_URL",
            "MONKEY",
            "PASSWORDLESS",
            "TOKENIZER_PATH",
            "LOG_LEVEL",
        ] {
            assert!(!secret_name(name), "{name}");
        }
    }

    #[test]
    fn tags() {
        assert_eq!(tag("nginx"), Some(""));
        assert_eq!(tag("nginx:latest"), Some("latest"));
        assert_eq!(tag("localhost:5000/web"), Some(""));
        assert_eq!(tag("localhost:5000/web:1.2"), Some("1.2"));
        assert_eq!(tag("nginx@sha256:abc"), None);
    }
}
