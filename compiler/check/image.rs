//! Container image references.
//!
//! The API server only rejects an empty image or one with surrounding spaces; anything else
//! fails later, at pull time, as `InvalidImageName`. kstep checks the reference grammar of
//! `distribution/reference` (what kubelet parses) so such a typo fails in CI instead:
//! `[host[:port]/]path[:tag][@algorithm:hex]`, path components lower case.

use super::Cx;
use crate::diagnostic::{Code, Diagnostic};

pub(super) fn check(cx: &mut Cx<'_>) {
    for container in &cx.step.containers {
        let Some(image) = &container.image else {
            continue;
        };
        if let Err(reason) = parse(&image.value) {
            let mut diagnostic = Diagnostic::error(
                Code::InvalidImage,
                format!("invalid image reference `{}`: {reason}", image.value),
            )
            .label(image.span, "not a valid image reference");
            diagnostic = if image.value.trim() != image.value {
                diagnostic.help("remove the leading and trailing spaces")
            } else {
                diagnostic.help("write it as `[registry/]repository[:tag][@sha256:digest]`, e.g. `ghcr.io/acme/web:1.4.2`")
            };
            cx.report(diagnostic);
        }
    }
}

/// Checks an image reference; the error says which part is wrong.
pub(crate) fn parse(reference: &str) -> Result<(), String> {
    if reference.is_empty() {
        return Err("must not be empty".into());
    }
    if reference.trim() != reference {
        return Err("must not have leading or trailing whitespace".into());
    }
    let (rest, digest) = match reference.split_once('@') {
        Some((rest, digest)) => (rest, Some(digest)),
        None => (reference, None),
    };
    if let Some(digest) = digest {
        check_digest(digest)?;
    }
    // A tag follows the last ':' that comes after the last '/' (a ':' before it is a port).
    let last_slash = rest.rfind('/').map_or(0, |i| i + 1);
    let (name, tag) = match rest[last_slash..].rfind(':') {
        Some(i) => (&rest[..last_slash + i], Some(&rest[last_slash + i + 1..])),
        None => (rest, None),
    };
    if let Some(tag) = tag {
        check_tag(tag)?;
    }
    if name.len() > 255 {
        return Err("the repository name must be no more than 255 characters".into());
    }
    let mut components: Vec<&str> = name.split('/').collect();
    if components.len() > 1 && is_domain(components[0]) {
        check_domain(components.remove(0))?;
    }
    for component in components {
        check_path_component(component)?;
    }
    Ok(())
}

/// Like the reference library: a first component is a registry host when it has a '.' or
/// ':', is `localhost`, or has upper case letters.
fn is_domain(component: &str) -> bool {
    component.contains(['.', ':'])
        || component == "localhost"
        || component.bytes().any(|b| b.is_ascii_uppercase())
}

fn check_domain(domain: &str) -> Result<(), String> {
    let (host, port) = if let Some(ipv6) = domain.strip_prefix('[') {
        let (addr, rest) = ipv6
            .split_once(']')
            .ok_or("the registry's IPv6 address lacks its closing ']'")?;
        if addr.is_empty() || !addr.bytes().all(|b| b.is_ascii_hexdigit() || b == b':') {
            return Err(format!(
                "the registry address `[{addr}]` is not an IPv6 address"
            ));
        }
        (None, rest.strip_prefix(':'))
    } else {
        match domain.split_once(':') {
            Some((host, port)) => (Some(host), Some(port)),
            None => (Some(domain), None),
        }
    };
    if let Some(port) = port
        && (port.is_empty() || !port.bytes().all(|b| b.is_ascii_digit()))
    {
        return Err(format!("the registry port `{port}` is not a number"));
    }
    if let Some(host) = host {
        let component_ok = |c: &str| {
            let b = c.as_bytes();
            !b.is_empty()
                && b[0].is_ascii_alphanumeric()
                && b[b.len() - 1].is_ascii_alphanumeric()
                && b.iter().all(|&x| x.is_ascii_alphanumeric() || x == b'-')
        };
        if !host.split('.').all(component_ok) {
            return Err(format!(
                "the registry host `{host}` is not a valid host name"
            ));
        }
    }
    Ok(())
}

/// `[a-z0-9]+(?:(?:[._]|__|[-]+)[a-z0-9]+)*`
fn check_path_component(component: &str) -> Result<(), String> {
    let fail = || {
        Err(format!(
            "the repository part `{component}` must be lower case letters and digits, separated by '.', '_', '__' or '-'"
        ))
    };
    if component.is_empty() {
        return Err("the repository name has an empty part (check the '/'s)".into());
    }
    let mut run_of_separators = String::new();
    let bytes = component.as_bytes();
    if !bytes[0].is_ascii_alphanumeric() || !bytes[bytes.len() - 1].is_ascii_alphanumeric() {
        return fail();
    }
    for &b in bytes {
        if b.is_ascii_lowercase() || b.is_ascii_digit() {
            if !matches!(run_of_separators.as_str(), "" | "." | "_" | "__")
                && !run_of_separators.bytes().all(|s| s == b'-')
            {
                return fail();
            }
            run_of_separators.clear();
        } else if matches!(b, b'.' | b'_' | b'-') {
            run_of_separators.push(b as char);
        } else {
            return fail();
        }
    }
    Ok(())
}

/// `[\w][\w.-]{0,127}`
fn check_tag(tag: &str) -> Result<(), String> {
    let word = |b: u8| b.is_ascii_alphanumeric() || b == b'_';
    let bytes = tag.as_bytes();
    if bytes.is_empty() {
        return Err("the tag after ':' is empty".into());
    }
    if bytes.len() > 128 {
        return Err("the tag must be no more than 128 characters".into());
    }
    if !word(bytes[0]) || !bytes.iter().all(|&b| word(b) || b == b'.' || b == b'-') {
        return Err(format!(
            "the tag `{tag}` must be letters, digits, '_', '.' or '-' and must not start with '.' or '-'"
        ));
    }
    Ok(())
}

/// `algorithm:hex`, hex at least 32 digits.
fn check_digest(digest: &str) -> Result<(), String> {
    let (algorithm, hex) = digest
        .split_once(':')
        .ok_or("the digest after '@' must look like `sha256:<hex>`")?;
    let algorithm_ok = !algorithm.is_empty()
        && algorithm.split(['+', '.', '_', '-']).all(|c| {
            c.bytes().next().is_some_and(|b| b.is_ascii_alphabetic())
                && c.bytes().all(|b| b.is_ascii_alphanumeric())
        });
    if !algorithm_ok {
        return Err(format!("the digest algorithm `{algorithm}` is not valid"));
    }
    if hex.len() < 32 || !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err("the digest must have at least 32 hexadecimal digits".into());
    }
    if algorithm == "sha256" && hex.len() != 64 {
        return Err(format!(
            "a sha256 digest has 64 hexadecimal digits, this one has {}",
            hex.len()
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::parse;

    #[test]
    fn valid_references() {
        for image in [
            "nginx",
            "nginx:1.25",
            "library/nginx:1.25-alpine",
            "ghcr.io/acme/web:1.4.2",
            "localhost:5000/web",
            "registry.example.com:443/team/web_app__x:v1",
            "[::1]:5000/web:latest",
            "k8s.gcr.io/test-webserver",
            "web@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
            "a--b.c/d",
        ] {
            assert_eq!(parse(image), Ok(()), "{image}");
        }
    }

    #[test]
    fn invalid_references() {
        for image in [
            "",
            " nginx",
            "Nginx",
            "acme/Web",
            "nginx:",
            "nginx:.bad",
            "nginx::1",
            "web@sha256:abc",
            "registry:port/web",
            "acme//web",
            "web-",
            "a...b",
        ] {
            assert!(parse(image).is_err(), "{image} should be invalid");
        }
    }
}
