//! The Kubernetes API's own syntax rules for names, labels and keys.
//!
//! These mirror `k8s.io/apimachinery/pkg/util/validation` (the functions the API server
//! calls), with its wording, so kstep rejects exactly what the cluster would. Each returns the
//! reasons a value is invalid, joined into one sentence, or `Ok`.

use crate::diagnostic::Code;

pub(crate) type Verdict = Result<(), String>;

/// One of the API's formats: the rule, what the format is called, the code reported, what it
/// allows (for help), and how to propose a corrected value.
pub(crate) struct Syntax {
    pub(crate) code: Code,
    pub(crate) kind: &'static str,
    pub(crate) rule: fn(&str) -> Verdict,
    pub(crate) hint: &'static str,
    pub(crate) fix: Fix,
}

/// How to propose a corrected value for help text.
#[derive(Clone, Copy)]
pub(crate) enum Fix {
    None,
    /// Lower case, other characters turned into '-'.
    Name,
    /// Like `Name`, keeping dots.
    Subdomain,
    /// Lower case only (host names, where other characters carry meaning).
    Lowercase,
    /// Drop leading '/'.
    Relative,
    /// Add a leading '/'.
    Absolute,
}

macro_rules! syntax {
    ($($(#[$doc:meta])* $name:ident = $code:ident, $kind:literal, $rule:expr, $fix:ident, $hint:literal;)*) => {
        $($(#[$doc])* pub(crate) const $name: Syntax = Syntax {
            code: Code::$code, kind: $kind, rule: $rule, hint: $hint, fix: Fix::$fix,
        };)*
    };
}

syntax! {
    /// Container, volume and namespace names.
    DNS_LABEL = InvalidName, "DNS-1123 label", dns1123_label, Name,
        "at most 63 lower case letters, digits and '-', starting and ending with a letter or digit";
    /// Names of ConfigMaps, Secrets and claims a step refers to.
    OBJECT_NAME = InvalidName, "DNS-1123 subdomain", dns1123_subdomain, Subdomain,
        "lower case letters, digits, '-' and '.', starting and ending with a letter or digit";
    /// A DNS name that may be fully qualified (`example.com.`): search domains, external
    /// names. The API removes one trailing dot before checking.
    DNS_NAME = InvalidName, "DNS-1123 subdomain", fqdn, Subdomain,
        "lower case letters, digits, '-' and '.', starting and ending with a letter or digit, and at most one final '.'";
    LABEL_KEY = InvalidLabel, "label key", qualified_name, None,
        "an optional DNS prefix and '/', then at most 63 letters, digits, '-', '_' or '.', e.g. `example.com/team`";
    LABEL_VALUE = InvalidLabel, "label value", label_value, Name,
        "at most 63 letters, digits, '-', '_' or '.', starting and ending with a letter or digit";
    /// `ValidateAnnotations` checks the key lower-cased: `Example.com/Owner` is valid.
    ANNOTATION_KEY = InvalidAnnotation, "annotation key", annotation_key, None,
        "an optional DNS prefix and '/', then at most 63 letters, digits, '-', '_' or '.', e.g. `example.com/owner`";
    PORT_NAME = InvalidPortName, "IANA service name", iana_port_name, Name,
        "at most 15 lower case letters, digits and single '-', with at least one letter, e.g. `http` or `metrics`";
    ENV_NAME = InvalidEnvName, "environment variable name", env_var_name, None,
        "printable ASCII characters other than '=', e.g. `LOG_LEVEL`";
    CONFIG_KEY = InvalidConfigKey, "ConfigMap or Secret key", config_key, None,
        "letters, digits, '-', '_' and '.', e.g. `app.toml`";
    RELATIVE_PATH = InvalidPath, "relative path", local_descending_path, Relative,
        "a path relative to the volume, without '..'";
    SECCOMP_PATH = InvalidPath, "relative path", local_descending_path, Relative,
        "a path relative to the kubelet's seccomp directory, without '..', e.g. `profiles/web.json`";
    /// Paths of ConfigMap and Secret items inside their volume.
    ITEM_PATH = InvalidPath, "item path", local_non_reserved_path, Relative,
        "a non-empty relative path, without '..' and not starting with '..'";
    ABSOLUTE_PATH = InvalidPath, "absolute path", absolute_path, Absolute,
        "a path starting with '/', without '..'";
    HEADER_NAME = InvalidHeaderName, "HTTP header name", http_header_name, None,
        "letters, digits and '-', e.g. `X-Probe`";
    SERVICE_NAME = InvalidName, "RFC 1035 label", dns1035_label, Name,
        "at most 63 lower case letters, digits and '-', starting with a letter and ending with a letter or digit";
    /// Service port names (DNS labels, unlike container port names).
    SERVICE_PORT_NAME = InvalidPortName, "DNS-1123 label", dns1123_label, Name,
        "at most 63 lower case letters, digits and '-', starting and ending with a letter or digit";
    /// `appProtocol` and `loadBalancerClass`: label-style names, optionally prefixed.
    QUALIFIED_NAME = InvalidName, "label-style name", qualified_name, None,
        "an IANA service name such as `http`, or a prefixed name such as `example.com/protocol`";
    /// Pod readiness gates: a condition type.
    CONDITION_TYPE = InvalidName, "condition type", qualified_name, None,
        "a condition name with an optional DNS prefix, e.g. `example.com/load-balancer-ready`";
    EXTENDED_RESOURCE = InvalidResource, "extended resource name", qualified_name, None,
        "a DNS domain and a name, e.g. `nvidia.com/gpu`";
    /// A container's working directory: absolute (`..` is the runtime's business).
    WORKING_DIR = InvalidPath, "absolute path", starts_with_slash, Absolute,
        "a path starting with '/'";
    INGRESS_HOST = InvalidHost, "host name", ingress_host, Lowercase,
        "a DNS name such as `shop.example.com`, or a wildcard such as `*.example.com`";
}

impl Syntax {
    /// A corrected value that passes the rule, if one is easy to propose.
    pub(crate) fn fixed(&self, value: &str) -> Option<String> {
        // Dropping letters like é or 日 would suggest a different name, not a fixed one.
        if !value.is_ascii() {
            return None;
        }
        let fixed = match self.fix {
            Fix::None => return None,
            Fix::Name => fixed_name(value, false),
            Fix::Subdomain => fixed_name(value, true),
            Fix::Lowercase => value.to_ascii_lowercase(),
            Fix::Relative => value.trim_start_matches('/').to_owned(),
            Fix::Absolute => format!("/{value}"),
        };
        (fixed != value && (self.rule)(&fixed).is_ok()).then_some(fixed)
    }
}

fn starts_with_slash(value: &str) -> Verdict {
    if value.starts_with('/') {
        Ok(())
    } else {
        Err("must be an absolute path (start with '/')".into())
    }
}

/// The name lower-cased, with '_', spaces (and '.' outside subdomains) turned into single
/// '-', trimmed to 63 characters. Any other character means the name needs more than a
/// mechanical fix: the name is returned as it is (and so not suggested).
fn fixed_name(value: &str, keep_dots: bool) -> String {
    let mut fixed = String::with_capacity(value.len());
    for c in value.trim().chars() {
        match c.to_ascii_lowercase() {
            c if c.is_ascii_alphanumeric() => fixed.push(c),
            '.' if keep_dots => fixed.push('.'),
            '-' | '_' | ' ' | '.' => {
                if !fixed.ends_with('-') {
                    fixed.push('-');
                }
            }
            _ => return value.to_owned(),
        }
    }
    let mut fixed = fixed.trim_matches(['-', '.']).to_owned();
    fixed.truncate(63);
    fixed.trim_end_matches(['-', '.']).to_owned()
}

fn verdict(reasons: Vec<String>) -> Verdict {
    if reasons.is_empty() {
        Ok(())
    } else {
        Err(reasons.join("; "))
    }
}

fn too_long(value: &str, max: usize) -> Option<String> {
    let len = value.len();
    (len > max).then(|| format!("must be no more than {max} characters (it has {len})"))
}

fn alnum_lower(b: u8) -> bool {
    b.is_ascii_lowercase() || b.is_ascii_digit()
}

/// `[a-z0-9]([-a-z0-9]*[a-z0-9])?`
fn dns_label_shape(value: &str) -> bool {
    let bytes = value.as_bytes();
    !bytes.is_empty()
        && alnum_lower(bytes[0])
        && alnum_lower(bytes[bytes.len() - 1])
        && bytes.iter().all(|&b| alnum_lower(b) || b == b'-')
}

const DNS_LABEL_FORMAT: &str = "must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character";
const DNS_SUBDOMAIN_FORMAT: &str = "must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character";

/// RFC 1123 label: container, volume, namespace names.
pub(crate) fn dns1123_label(value: &str) -> Verdict {
    let mut reasons: Vec<String> = too_long(value, 63).into_iter().collect();
    if !dns_label_shape(value) {
        reasons.push(DNS_LABEL_FORMAT.into());
    }
    verdict(reasons)
}

/// RFC 1123 subdomain: names of most objects (Deployment, ConfigMap, Secret, ...).
/// A DNS-1123 subdomain, with at most one trailing dot (the API's `TrimSuffix`).
fn fqdn(value: &str) -> Verdict {
    dns1123_subdomain(value.strip_suffix('.').unwrap_or(value))
}

pub(crate) fn dns1123_subdomain(value: &str) -> Verdict {
    let mut reasons: Vec<String> = too_long(value, 253).into_iter().collect();
    if value.is_empty() || !value.split('.').all(dns_label_shape) {
        reasons.push(DNS_SUBDOMAIN_FORMAT.into());
    }
    verdict(reasons)
}

/// RFC 1035 label: Service names (they must start with a letter).
pub(crate) fn dns1035_label(value: &str) -> Verdict {
    let mut reasons: Vec<String> = too_long(value, 63).into_iter().collect();
    if !dns_label_shape(value) || !value.as_bytes()[0].is_ascii_lowercase() {
        reasons.push("must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character".into());
    }
    verdict(reasons)
}

/// An Ingress host: a DNS subdomain, optionally with a leading `*.` wildcard label, and not an
/// IP address.
pub(crate) fn ingress_host(value: &str) -> Verdict {
    // `validateIngressRules` asks `netutils.ParseIPSloppy`, which also reads IPv4 addresses
    // with leading zeros (`010.1.2.3`).
    if value.parse::<std::net::IpAddr>().is_ok() || sloppy_ipv4(value) {
        return Err("must be a DNS name, not an IP address".into());
    }
    if value.contains(':') {
        return Err("must not contain a port".into());
    }
    let name = value.strip_prefix("*.").unwrap_or(value);
    if name.contains('*') {
        return Err(
            "may have a wildcard only as its whole first label, as in `*.example.com`".into(),
        );
    }
    dns1123_subdomain(name)
}

/// Four dot-separated decimal numbers up to 255, leading zeros allowed: an IPv4 address to
/// `netutils.ParseIPSloppy`.
fn sloppy_ipv4(value: &str) -> bool {
    let parts: Vec<&str> = value.split('.').collect();
    parts.len() == 4
        && parts.iter().all(|part| {
            !part.is_empty()
                && part.bytes().all(|b| b.is_ascii_digit())
                && part.trim_start_matches('0').len() <= 3
                && part.parse::<u32>().is_ok_and(|n| n <= 255)
        })
}

/// `IsValidPortName`: an IANA service name, as container ports are named.
pub(crate) fn iana_port_name(value: &str) -> Verdict {
    let mut reasons: Vec<String> = too_long(value, 15).into_iter().collect();
    if !value.bytes().all(|b| alnum_lower(b) || b == b'-') || value.is_empty() {
        reasons
            .push("must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)".into());
    }
    if value.contains("--") {
        reasons.push("must not contain consecutive hyphens".into());
    }
    if !value.bytes().any(|b| b.is_ascii_lowercase()) {
        reasons.push("must contain at least one letter (a-z)".into());
    }
    if value.starts_with('-') || value.ends_with('-') {
        reasons.push("must not begin or end with a hyphen".into());
    }
    verdict(reasons)
}

/// `([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]`
fn qualified_shape(value: &str) -> bool {
    let bytes = value.as_bytes();
    let edge = |b: u8| b.is_ascii_alphanumeric();
    !bytes.is_empty()
        && edge(bytes[0])
        && edge(bytes[bytes.len() - 1])
        && bytes
            .iter()
            .all(|&b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
}

const QUALIFIED_FORMAT: &str = "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character";

/// `IsQualifiedName`: label and annotation keys, `[prefix/]name`.
pub(crate) fn qualified_name(value: &str) -> Verdict {
    let mut reasons = Vec::new();
    let name = match value.split_once('/') {
        Some((prefix, name)) => {
            if prefix.is_empty() {
                reasons.push("prefix part must be non-empty".into());
            } else if let Err(reason) = dns1123_subdomain(prefix) {
                reasons.push(format!("prefix part {reason}"));
            }
            name
        }
        None => value,
    };
    if name.contains('/') {
        reasons.push("must have at most one '/' (an optional DNS prefix, then the name)".into());
    } else if name.is_empty() {
        reasons.push("name part must be non-empty".into());
    } else {
        if let Some(reason) = too_long(name, 63) {
            reasons.push(format!("name part {reason}"));
        }
        if !qualified_shape(name) {
            reasons.push(format!("name part {QUALIFIED_FORMAT}"));
        }
    }
    verdict(reasons)
}

/// An annotation key: `ValidateAnnotations` (`k8s.io/apimachinery/pkg/api/validation`)
/// checks `IsQualifiedName(strings.ToLower(key))`, so upper case is allowed everywhere in it.
pub(crate) fn annotation_key(value: &str) -> Verdict {
    qualified_name(&value.to_lowercase())
}

/// `IsValidLabelValue`: empty, or a qualified-name-shaped string of at most 63 characters.
pub(crate) fn label_value(value: &str) -> Verdict {
    if value.is_empty() {
        return Ok(());
    }
    let mut reasons: Vec<String> = too_long(value, 63).into_iter().collect();
    if !qualified_shape(value) {
        reasons.push(QUALIFIED_FORMAT.into());
    }
    verdict(reasons)
}

/// `IsConfigMapKey`: keys of ConfigMaps and Secrets.
pub(crate) fn config_key(value: &str) -> Verdict {
    let mut reasons: Vec<String> = too_long(value, 253).into_iter().collect();
    if value.is_empty()
        || !value
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
    {
        reasons.push("must consist of alphanumeric characters, '-', '_' or '.'".into());
    } else if value == "." || value == ".." {
        reasons.push(format!("must not be '{value}'"));
    } else if value.starts_with("..") {
        reasons.push("must not start with '..'".into());
    }
    verdict(reasons)
}

/// Environment variable names: since Kubernetes 1.34 any printable ASCII except '='.
pub(crate) fn env_var_name(value: &str) -> Verdict {
    if value.is_empty() {
        return Err("must not be empty".into());
    }
    if !value
        .bytes()
        .all(|b| (b' '..=b'~').contains(&b) && b != b'=')
    {
        return Err("must consist only of printable ASCII characters other than '='".into());
    }
    Ok(())
}

/// `IsHTTPHeaderName`.
pub(crate) fn http_header_name(value: &str) -> Verdict {
    if value.is_empty()
        || !value
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-')
    {
        return Err("must consist of alphanumeric characters or '-'".into());
    }
    Ok(())
}

/// `validateLocalDescendingPath`: a relative path that stays inside its directory.
pub(crate) fn local_descending_path(value: &str) -> Verdict {
    if value.starts_with('/') {
        return Err("must be a relative path".into());
    }
    if value.split('/').any(|part| part == "..") {
        return Err("must not contain '..'".into());
    }
    Ok(())
}

/// `validateLocalNonReservedPath`: a non-empty descending path not starting with `..`
/// (kubelet keeps its own `..data` entries in these volumes).
pub(crate) fn local_non_reserved_path(value: &str) -> Verdict {
    if value.is_empty() {
        return Err("must not be empty".into());
    }
    local_descending_path(value)?;
    if value.starts_with("..") {
        return Err("must not start with '..'".into());
    }
    Ok(())
}

/// A path on a Linux file system: absolute, without '..' elements.
pub(crate) fn absolute_path(value: &str) -> Verdict {
    if !value.starts_with('/') {
        return Err("must be an absolute path (start with '/')".into());
    }
    if value.split('/').any(|part| part == "..") {
        return Err("must not contain '..'".into());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_dns_name_may_end_with_one_dot() {
        assert!(fqdn("db.example.com").is_ok());
        assert!(fqdn("db.example.com.").is_ok());
        assert!(fqdn("db.example.com..").is_err());
        assert!(fqdn(".").is_err());
    }

    #[test]
    fn dns_names() {
        assert!(dns1123_label("web-1").is_ok());
        assert!(dns1123_label("Web").is_err());
        assert!(dns1123_label("-web").is_err());
        assert!(dns1123_label(&"a".repeat(64)).is_err());
        assert!(dns1123_subdomain("web.config-1").is_ok());
        assert!(dns1123_subdomain("web..config").is_err());
        assert!(dns1035_label("1web").is_err());
        assert!(dns1035_label("web1").is_ok());
        assert!(ingress_host("*.example.com").is_ok());
        assert!(ingress_host("shop.example.com").is_ok());
        assert!(ingress_host("a.*.example.com").is_err());
        assert!(ingress_host("10.0.0.1").is_err());
        assert!(ingress_host("shop.example.com:443").is_err());
        assert!(
            ingress_host("010.1.2.3").is_err(),
            "an IP address to ParseIPSloppy"
        );
        assert!(ingress_host("1.2.3.4.5").is_ok());
    }

    #[test]
    fn port_names() {
        assert!(iana_port_name("http").is_ok());
        assert!(iana_port_name("http-metrics1").is_ok());
        assert!(iana_port_name("http-metrics-12").is_ok());
        assert!(iana_port_name("http-metrics-123").is_err(), "16 characters");
        assert!(iana_port_name("8080").is_err());
        assert!(iana_port_name("a--b").is_err());
        assert!(iana_port_name("Http").is_err());
    }

    #[test]
    fn label_keys_and_values() {
        assert!(qualified_name("app.kubernetes.io/name").is_ok());
        assert!(qualified_name("team").is_ok());
        assert!(qualified_name("Team_A.b").is_ok());
        assert!(qualified_name("/team").is_err());
        assert!(qualified_name("a/b/c").is_err());
        assert!(qualified_name("Example.com/team").is_err());
        assert!(annotation_key("Example.com/Team").is_ok());
        assert!(annotation_key("example_com/team").is_err());
        assert!(label_value("").is_ok());
        assert!(label_value("v1.2_3-x").is_ok());
        assert!(label_value("-x").is_err());
        assert!(label_value("a b").is_err());
    }

    #[test]
    fn keys_and_env() {
        assert!(config_key("app.toml").is_ok());
        assert!(config_key("..data").is_err());
        assert!(config_key("a/b").is_err());
        assert!(env_var_name("1_MY-VAR.x").is_ok());
        assert!(env_var_name("A=B").is_err());
        assert!(env_var_name("ÄÖ").is_err());
        assert!(http_header_name("X-Probe").is_ok());
        assert!(http_header_name("X Probe").is_err());
    }

    #[test]
    fn paths() {
        assert!(local_descending_path("a/b.txt").is_ok());
        assert!(local_descending_path("/a").is_err());
        assert!(local_descending_path("a/../b").is_err());
        assert!(local_descending_path("a/..b").is_ok());
        assert!(local_non_reserved_path("..data").is_err());
        assert!(local_non_reserved_path("").is_err());
        assert!(local_non_reserved_path("data/..x").is_ok());
        assert!(absolute_path("/data").is_ok());
        assert!(absolute_path("data").is_err());
        assert!(absolute_path("/data/../etc").is_err());
    }
}
