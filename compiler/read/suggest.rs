//! "Did you mean" for unknown keys and words.

/// Kubernetes API field names whose step-file key is not just their snake_case form.
const KUBERNETES_NAMES: &[(&str, &str)] = &[
    ("progressDeadlineSeconds", "progress_deadline"),
    ("initialDelaySeconds", "initial_delay"),
    ("periodSeconds", "period"),
    ("timeoutSeconds", "timeout"),
    ("livenessProbe", "liveness"),
    ("readinessProbe", "readiness"),
    ("startupProbe", "startup"),
    ("httpGet", "http"),
    ("tcpSocket", "tcp"),
    ("exec", "command"),
    ("httpHeaders", "headers"),
    ("containerPort", "port"),
    ("mountPath", "path"),
    ("claimName", "name"),
    ("secretName", "name"),
    ("configMapKeyRef", "config_map"),
    ("secretKeyRef", "secret"),
    ("secretName", "secret"),
    ("externalIPs", "external_ips"),
    ("ingressClassName", "class"),
    ("pathType", "type"),
    ("sessionAffinityConfig", "session_affinity_timeout"),
    ("defaultBackend", "default_backend"),
    ("progressDeadline", "progress_deadline"),
    ("ephemeral-storage", "ephemeral_storage"),
    ("securityContext", "security"),
    ("imagePullPolicy", "pull_policy"),
    ("seccompProfile", "seccomp"),
    ("seLinuxOptions", "se_linux"),
    ("serviceAccountName", "service_account"),
    ("serviceAccount", "service_account"),
    ("topologySpreadConstraints", "topology_spread"),
    ("priorityClassName", "priority_class"),
    ("terminationGracePeriodSeconds", "termination_grace_period"),
    ("minReadySeconds", "min_ready"),
    ("tolerationSeconds", "seconds"),
    ("fieldRef", "field"),
    ("resourceFieldRef", "resource"),
    ("configMapRef", "config_map"),
    ("secretRef", "secret"),
    ("labelSelector", "match_labels"),
    ("matchExpressions", "match"),
];

/// The candidate closest to `word`, if one is close enough to be a likely typo.
///
/// Kubernetes users often write the API's names (`volumeMounts`, `periodSeconds`) where step
/// files use their own snake_case keys (`volume_mounts`, `period`), and enum words in the
/// wrong case (`tcp`); those are matched before edit distance is tried.
pub(crate) fn closest<'a>(word: &str, candidates: &[&'a str]) -> Option<&'a str> {
    if let Some(hit) = KUBERNETES_NAMES
        .iter()
        .filter(|(api, _)| *api == word)
        .find_map(|(_, key)| candidates.iter().find(|c| *c == key))
    {
        return Some(hit);
    }
    let snake = to_snake_case(word);
    if let Some(hit) = candidates
        .iter()
        .find(|c| **c == snake || c.eq_ignore_ascii_case(word))
    {
        return Some(hit);
    }
    let limit = (word.chars().count() / 3).max(1);
    candidates
        .iter()
        .map(|c| (strsim::damerau_levenshtein(word, c), *c))
        .filter(|(distance, _)| *distance <= limit)
        .min()
        .map(|(_, c)| c)
}

/// `loadBalancerIP` → `load_balancer_ip`: a capital starts a word after a lower-case letter
/// or digit, or when it ends a run of capitals before a lower-case letter.
fn to_snake_case(word: &str) -> String {
    let chars: Vec<char> = word.chars().collect();
    let mut out = String::with_capacity(word.len() + 4);
    for (i, &c) in chars.iter().enumerate() {
        if c.is_ascii_uppercase() {
            let prev = i.checked_sub(1).map(|j| chars[j]);
            let next = chars.get(i + 1);
            let starts_word = prev.is_some_and(|p| p.is_ascii_lowercase() || p.is_ascii_digit())
                || (prev.is_some_and(|p| p.is_ascii_uppercase())
                    && next.is_some_and(|n| n.is_ascii_lowercase()));
            if starts_word {
                out.push('_');
            }
            out.push(c.to_ascii_lowercase());
        } else if c == '-' {
            out.push('_');
        } else {
            out.push(c);
        }
    }
    out
}

/// `a`, `a` or `b`, `a`, `b` or `c`: a choice of words for messages.
pub(crate) fn one_of(words: &[&str]) -> String {
    join(words, "or")
}

/// `a`, `a` and `b`, `a`, `b` and `c`: a list of words for messages.
pub(crate) fn all_of(words: &[&str]) -> String {
    join(words, "and")
}

fn join(words: &[&str], last_word: &str) -> String {
    let quoted: Vec<String> = words
        .iter()
        .map(|w| {
            if w.is_empty() {
                "\"\"".to_owned()
            } else {
                format!("`{w}`")
            }
        })
        .collect();
    match quoted.as_slice() {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} {last_word} {last}", init.join(", ")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggests_snake_case_case_and_typos() {
        let keys = ["image", "volume_mounts", "readiness"];
        assert_eq!(closest("volumeMounts", &keys), Some("volume_mounts"));
        assert_eq!(closest("imgae", &keys), Some("image"));
        assert_eq!(closest("readyness", &keys), Some("readiness"));
        assert_eq!(closest("zzz", &keys), None);
        assert_eq!(closest("tcp", &["TCP", "UDP"]), Some("TCP"));
        assert_eq!(
            closest("periodSeconds", &["period", "timeout"]),
            Some("period")
        );
        assert_eq!(closest("claimName", &["name", "read_only"]), Some("name"));
        assert_eq!(
            closest("loadBalancerIP", &["load_balancer_ip", "type"]),
            Some("load_balancer_ip")
        );
        assert_eq!(closest("clusterIP", &["cluster_ip"]), Some("cluster_ip"));
        assert_eq!(closest("secretName", &["hosts", "secret"]), Some("secret"));
    }

    #[test]
    fn lists_words() {
        assert_eq!(one_of(&["TCP", "UDP", "SCTP"]), "`TCP`, `UDP` or `SCTP`");
        assert_eq!(one_of(&["", "Memory"]), "\"\" or `Memory`");
    }
}
