//! "Did you mean": the closest of the words a place allows, and lists of words for messages.
//! Every stage uses them, so they live with the diagnostic model, below every stage.

/// Kubernetes names of words that are not table keys (the keys are in `kubernetes.rs`).
const KUBERNETES_NAMES: &[(&str, &str)] = &[("ephemeral-storage", "ephemeral_storage")];

/// The candidate closest to `word`, if one is close enough to be a likely typo.
///
/// camelCase for snake_case (`volumeMounts` for `volume_mounts`) and words in the wrong case
/// (`tcp`) are matched before edit distance is tried. (What kstep calls a Kubernetes field
/// of another name is `read::kubernetes::hint`'s.)
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
pub(crate) fn to_snake_case(word: &str) -> String {
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
            closest("loadBalancerIP", &["load_balancer_ip", "type"]),
            Some("load_balancer_ip")
        );
        assert_eq!(closest("clusterIP", &["cluster_ip"]), Some("cluster_ip"));
        assert_eq!(
            closest("ephemeral-storage", &["cpu", "ephemeral_storage"]),
            Some("ephemeral_storage")
        );
    }

    #[test]
    fn lists_words() {
        assert_eq!(one_of(&["TCP", "UDP", "SCTP"]), "`TCP`, `UDP` or `SCTP`");
        assert_eq!(one_of(&["", "Memory"]), "\"\" or `Memory`");
    }
}
