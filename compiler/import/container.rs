//! A container of a pod template to a `[[containers]]` table: the inverse of
//! `lower::container`. Fields with no key stay uncarried and become the object's residue.

use serde_json::Value;

use super::doc::{Item, Table};
use super::source::Source;

/// The container at `at` (`/spec/template/spec/containers/0`); `init` for one of
/// `initContainers`.
pub(crate) fn container(src: &mut Source<'_>, at: &str, init: bool) -> Table {
    let mut t = Table::default();
    if let Some(name) = src.str(&format!("{at}/name")) {
        t.set("name", name);
    }
    if let Some(image) = src.str(&format!("{at}/image")) {
        t.set("image", image);
    }
    if init {
        let restart = format!("{at}/restartPolicy");
        if src.peek(&restart).and_then(Value::as_str) == Some("Always") {
            src.carry(&restart);
            t.set("sidecar", true);
        } else {
            t.set("init", true);
        }
    }
    t.set_some("ports", ports(src, at));
    t.set_some("resources", resources(src, at));
    t.set_some("env", env(src, at));
    t.set_some("env_from", env_from(src, at));
    t.set_some("volume_mounts", mounts(src, at));
    for (api, key) in [
        ("readinessProbe", "readiness"),
        ("livenessProbe", "liveness"),
        ("startupProbe", "startup"),
    ] {
        if let Some(probe) = probe(src, &format!("{at}/{api}")) {
            t.set(key, probe);
        }
    }
    for (api, key) in [("command", "command"), ("args", "args")] {
        if let Some(list) = src.strings(&format!("{at}/{api}")) {
            t.set(key, strings(list));
        }
    }
    if let Some(policy) = src.non_default(&format!("{at}/imagePullPolicy")) {
        t.set("pull_policy", Item::from(policy));
    }
    if let Some(dir) = src.str(&format!("{at}/workingDir")) {
        t.set("working_dir", dir);
    }
    if let Some(policy) = src.non_default(&format!("{at}/terminationMessagePolicy")) {
        t.set("termination_message_policy", Item::from(policy));
    }
    t.set_some(
        "security",
        security(src, &format!("{at}/securityContext"), true),
    );
    t.set_some("lifecycle", lifecycle(src, &format!("{at}/lifecycle")));
    t
}

pub(crate) fn strings(list: Vec<String>) -> Item {
    Item::List(list.into_iter().map(Item::Str).collect())
}

fn ports(src: &mut Source<'_>, at: &str) -> Vec<Item> {
    let mut out = Vec::new();
    for i in 0..src.len(&format!("{at}/ports")) {
        let p = format!("{at}/ports/{i}");
        let mut t = Table::default();
        if let Some(name) = src.str(&format!("{p}/name")) {
            t.set("name", name);
        }
        if let Some(port) = src.int(&format!("{p}/containerPort")) {
            t.set("port", port);
        }
        if let Some(protocol) = src.non_default(&format!("{p}/protocol")) {
            t.set("protocol", Item::from(protocol));
        }
        if let Some(host) = src.int(&format!("{p}/hostPort")) {
            t.set("host_port", host);
        }
        out.push(Item::Table(t));
    }
    out
}

fn resources(src: &mut Source<'_>, at: &str) -> Table {
    let mut t = Table::default();
    for list in ["requests", "limits"] {
        let p = format!("{at}/resources/{list}");
        let mut quantities = Table::default();
        let names: Vec<String> = src
            .peek(&p)
            .and_then(Value::as_object)
            .map(|m| m.keys().cloned().collect())
            .unwrap_or_default();
        for name in names {
            let field = format!("{p}/{}", name.replace('~', "~0").replace('/', "~1"));
            let quantity = match src.peek(&field) {
                Some(Value::String(s)) => s.clone(),
                Some(Value::Number(n)) => n.to_string(),
                _ => continue,
            };
            src.carry(&field);
            let key = if name == "ephemeral-storage" {
                "ephemeral_storage".to_owned()
            } else {
                name
            };
            quantities.set(key, quantity);
        }
        t.set_some(list, quantities);
    }
    t
}

fn env(src: &mut Source<'_>, at: &str) -> Vec<Item> {
    let mut out = Vec::new();
    for i in 0..src.len(&format!("{at}/env")) {
        let p = format!("{at}/env/{i}");
        let mut t = Table::default();
        if let Some(name) = src.str(&format!("{p}/name")) {
            t.set("name", name);
        }
        let from = format!("{p}/valueFrom");
        if let Some(value) = src.str(&format!("{p}/value")) {
            t.set("value", value);
        } else if src.peek(&format!("{from}/configMapKeyRef")).is_some()
            || src.peek(&format!("{from}/secretKeyRef")).is_some()
        {
            for (api, key) in [
                ("configMapKeyRef", "config_map"),
                ("secretKeyRef", "secret"),
            ] {
                let r = format!("{from}/{api}");
                if src.peek(&r).is_none() {
                    continue;
                }
                if let Some(name) = src.str(&format!("{r}/name")) {
                    t.set(key, name);
                }
                if let Some(k) = src.str(&format!("{r}/key")) {
                    t.set("key", k);
                }
                if let Some(optional) = src.bool(&format!("{r}/optional")) {
                    t.set("optional", optional);
                }
            }
        } else if let Some(path) = src.str(&format!("{from}/fieldRef/fieldPath")) {
            src.non_default(&format!("{from}/fieldRef/apiVersion"));
            t.set("field", path);
        } else if let Some(resource) = src.str(&format!("{from}/resourceFieldRef/resource")) {
            t.set("resource", resource);
            if let Some(container) = src.str(&format!("{from}/resourceFieldRef/containerName")) {
                t.set("container", container);
            }
            if let Some(divisor) = src.non_default(&format!("{from}/resourceFieldRef/divisor")) {
                t.set("divisor", Item::from(divisor));
            }
        } else if src.peek(&from).is_none() {
            // A name alone: the variable is set, empty.
            t.set("value", "");
        }
        out.push(Item::Table(t));
    }
    out
}

fn env_from(src: &mut Source<'_>, at: &str) -> Vec<Item> {
    let mut out = Vec::new();
    for i in 0..src.len(&format!("{at}/envFrom")) {
        let p = format!("{at}/envFrom/{i}");
        let mut t = Table::default();
        for (api, key) in [("configMapRef", "config_map"), ("secretRef", "secret")] {
            if let Some(name) = src.str(&format!("{p}/{api}/name")) {
                t.set(key, name);
                if let Some(optional) = src.bool(&format!("{p}/{api}/optional")) {
                    t.set("optional", optional);
                }
            }
        }
        if let Some(prefix) = src.str(&format!("{p}/prefix")) {
            t.set("prefix", prefix);
        }
        out.push(Item::Table(t));
    }
    out
}

fn mounts(src: &mut Source<'_>, at: &str) -> Vec<Item> {
    let mut out = Vec::new();
    for i in 0..src.len(&format!("{at}/volumeMounts")) {
        let p = format!("{at}/volumeMounts/{i}");
        let mut t = Table::default();
        if let Some(name) = src.str(&format!("{p}/name")) {
            t.set("volume", name);
        }
        if let Some(path) = src.str(&format!("{p}/mountPath")) {
            t.set("path", path);
        }
        if let Some(sub) = src.str(&format!("{p}/subPath")) {
            t.set("sub_path", sub);
        }
        if let Some(read_only) = src.bool(&format!("{p}/readOnly")) {
            t.set("read_only", read_only);
        }
        out.push(Item::Table(t));
    }
    out
}

/// A probe's handler and timings; `None` when there is no probe, or no handler kstep has.
fn probe(src: &mut Source<'_>, at: &str) -> Option<Table> {
    src.peek(at)?;
    let mut t = Table::default();
    let (key, handler) = handler(src, at)?;
    t.set(key, handler);
    for (api, key) in [
        ("initialDelaySeconds", "initial_delay"),
        ("periodSeconds", "period"),
        ("timeoutSeconds", "timeout"),
        ("successThreshold", "success_threshold"),
        ("failureThreshold", "failure_threshold"),
    ] {
        let p = format!("{at}/{api}");
        if src.is_default(&p) {
            src.carry(&p);
        } else if let Some(n) = src.int(&p) {
            t.set(key, n);
        }
    }
    Some(t)
}

/// The command, HTTP, TCP or gRPC check of a probe or hook, as its step key and value.
fn handler(src: &mut Source<'_>, at: &str) -> Option<(&'static str, Item)> {
    if let Some(command) = src.strings(&format!("{at}/exec/command")) {
        return Some(("command", strings(command)));
    }
    let http = format!("{at}/httpGet");
    if src.peek(&http).is_some() {
        let mut t = Table::default();
        if let Some(host) = src.str(&format!("{http}/host")) {
            t.set("host", host);
        }
        let path = format!("{http}/path");
        if let Some(p) = src.str(&path) {
            t.set("path", p);
        }
        if let Some(scheme) = src.non_default(&format!("{http}/scheme")) {
            t.set("scheme", Item::from(scheme));
        }
        if let Some(port) = src.int_or_string(&format!("{http}/port")) {
            t.set("port", port);
        }
        let mut headers = Vec::new();
        for i in 0..src.len(&format!("{http}/httpHeaders")) {
            let h = format!("{http}/httpHeaders/{i}");
            let mut header = Table::default();
            if let Some(name) = src.str(&format!("{h}/name")) {
                header.set("name", name);
            }
            if let Some(value) = src.str(&format!("{h}/value")) {
                header.set("value", value);
            }
            headers.push(Item::Table(header));
        }
        t.set_some("headers", headers);
        return Some(("http", Item::Table(t)));
    }
    let tcp = format!("{at}/tcpSocket");
    if src.peek(&tcp).is_some() && !at.contains("/lifecycle/") {
        let mut t = Table::default();
        if let Some(host) = src.str(&format!("{tcp}/host")) {
            t.set("host", host);
        }
        if let Some(port) = src.int_or_string(&format!("{tcp}/port")) {
            t.set("port", port);
        }
        return Some(("tcp", Item::Table(t)));
    }
    let grpc = format!("{at}/grpc");
    if src.peek(&grpc).is_some() {
        let mut t = Table::default();
        if let Some(port) = src.int(&format!("{grpc}/port")) {
            t.set("port", port);
        }
        if let Some(service) = src.str(&format!("{grpc}/service")) {
            t.set("service", service);
        }
        return Some(("grpc", Item::Table(t)));
    }
    let sleep = format!("{at}/sleep/seconds");
    if at.contains("/lifecycle/")
        && let Some(seconds) = src.int(&sleep)
    {
        return Some(("sleep", Item::Int(seconds)));
    }
    None
}

fn lifecycle(src: &mut Source<'_>, at: &str) -> Table {
    let mut t = Table::default();
    for (api, key) in [("postStart", "post_start"), ("preStop", "pre_stop")] {
        let p = format!("{at}/{api}");
        if src.peek(&p).is_none() {
            continue;
        }
        if let Some((handler_key, handler)) = handler(src, &p) {
            let mut hook = Table::default();
            hook.set(handler_key, handler);
            t.set(key, hook);
        }
    }
    t
}

/// A security context: a container's (`container`) or the pod's.
pub(crate) fn security(src: &mut Source<'_>, at: &str, container: bool) -> Table {
    let mut t = Table::default();
    for (api, key) in [("runAsUser", "run_as_user"), ("runAsGroup", "run_as_group")] {
        if let Some(n) = src.int(&format!("{at}/{api}")) {
            t.set(key, n);
        }
    }
    if let Some(b) = src.bool(&format!("{at}/runAsNonRoot")) {
        t.set("run_as_non_root", b);
    }
    let seccomp = format!("{at}/seccompProfile");
    match src.peek(&format!("{seccomp}/type")).and_then(Value::as_str) {
        Some(word @ ("RuntimeDefault" | "Unconfined")) => {
            src.carry(&seccomp);
            t.set("seccomp", word);
        }
        Some("Localhost") => {
            if let Some(file) = src.str(&format!("{seccomp}/localhostProfile")) {
                src.carry(&format!("{seccomp}/type"));
                let mut local = Table::default();
                local.set("localhost", file);
                t.set("seccomp", local);
            }
        }
        _ => {}
    }
    let mut se_linux = Table::default();
    for key in ["user", "role", "type", "level"] {
        if let Some(text) = src.str(&format!("{at}/seLinuxOptions/{key}")) {
            se_linux.set(key, text);
        }
    }
    t.set_some("se_linux", se_linux);
    if container {
        for (api, key) in [
            ("readOnlyRootFilesystem", "read_only_root_filesystem"),
            ("allowPrivilegeEscalation", "allow_privilege_escalation"),
            ("privileged", "privileged"),
        ] {
            if let Some(b) = src.bool(&format!("{at}/{api}")) {
                t.set(key, b);
            }
        }
        let mut caps = Table::default();
        for key in ["add", "drop"] {
            if let Some(list) = src.strings(&format!("{at}/capabilities/{key}")) {
                caps.set(key, strings(list));
            }
        }
        t.set_some("capabilities", caps);
    } else {
        if let Some(n) = src.int(&format!("{at}/fsGroup")) {
            t.set("fs_group", n);
        }
        let groups = format!("{at}/supplementalGroups");
        if let Some(list) = src.peek(&groups).and_then(Value::as_array) {
            let ids: Option<Vec<Item>> = list.iter().map(|g| g.as_i64().map(Item::Int)).collect();
            if let Some(ids) = ids {
                src.carry(&groups);
                t.set_some("supplemental_groups", ids);
            }
        }
        let mut sysctls = Table::default();
        for i in 0..src.len(&format!("{at}/sysctls")) {
            let s = format!("{at}/sysctls/{i}");
            if let (Some(name), Some(value)) = (
                src.peek(&format!("{s}/name")).and_then(Value::as_str),
                src.peek(&format!("{s}/value")).and_then(Value::as_str),
            ) {
                src.carry(&s);
                sysctls.set(name, value);
            }
        }
        t.set_some("sysctls", sysctls);
    }
    t
}
