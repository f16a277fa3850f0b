//! JSON pointers (RFC 6901), as patches, import and the checks of patched objects use them:
//! `/spec/template/spec/containers/0/name`.

/// One key as a pointer segment: `~` is written `~0` and `/` is written `~1`.
pub(crate) fn escape(key: &str) -> String {
    key.replace('~', "~0").replace('/', "~1")
}

/// The pointer as people read a field: `spec.template.spec.containers[0].name`.
pub(crate) fn dotted(pointer: &str) -> String {
    let mut out = String::new();
    for part in pointer.split('/').skip(1) {
        let part = part.replace("~1", "/").replace("~0", "~");
        if !part.is_empty() && part.bytes().all(|b| b.is_ascii_digit()) {
            out.push_str(&format!("[{part}]"));
        } else {
            if !out.is_empty() {
                out.push('.');
            }
            out.push_str(&part);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pointers_read_as_paths() {
        assert_eq!(
            dotted("/spec/template/spec/containers/0/name"),
            "spec.template.spec.containers[0].name"
        );
        assert_eq!(
            dotted("/metadata/labels/kstep.dev~1step"),
            "metadata.labels.kstep.dev/step"
        );
        assert_eq!(escape("a/b~c"), "a~1b~0c");
    }
}
