//! The catalog of diagnostic codes.
//!
//! Codes are stable, kebab-case and shown as `kstep::<code>`. Each has a one-line summary here
//! and a page in `docs/diagnostics/<code>.md`, built into the binary, so a code seen in CI can
//! always be looked up: `kstep explain <code>` prints it.

macro_rules! codes {
    ($($variant:ident => $name:literal, $summary:literal;)*) => {
        /// A stable diagnostic code.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum Code {
            $($variant,)*
        }

        impl Code {
            /// Every code, in catalog order.
            pub const ALL: &'static [Code] = &[$(Code::$variant,)*];

            /// The kebab-case name, e.g. `unknown-field`.
            pub fn name(self) -> &'static str {
                match self {
                    $(Code::$variant => $name,)*
                }
            }

            /// One line saying what the code is about.
            pub fn summary(self) -> &'static str {
                match self {
                    $(Code::$variant => $summary,)*
                }
            }

            /// The code's page (`docs/diagnostics/<code>.md`), built into the binary for
            /// `kstep explain`: a missing page does not compile.
            pub fn explanation(self) -> &'static str {
                match self {
                    $(Code::$variant => include_str!(concat!(
                        env!("CARGO_MANIFEST_DIR"), "/docs/diagnostics/", $name, ".md"
                    )),)*
                }
            }
        }
    };
}

codes! {
    // Reading files and command-line input.
    IoError => "io-error", "a file could not be read or written";
    InternalError => "internal-error", "a bug in kstep: please report it";
    UnsupportedFileType => "unsupported-file-type", "a step file is neither TOML nor YAML";
    FileTooLarge => "file-too-large", "a step file is larger than kstep reads";
    InvalidUtf8 => "invalid-utf8", "a step file is not valid UTF-8";
    NulByte => "nul-byte", "a step file contains a NUL byte";
    // Syntax.
    SyntaxError => "syntax-error", "the file is not valid TOML or YAML";
    DuplicateKey => "duplicate-key", "a key appears twice in the same table or mapping";
    NestingTooDeep => "nesting-too-deep", "values are nested deeper than kstep reads";
    YamlAnchor => "yaml-anchor", "YAML anchors and aliases are not supported in step files";
    YamlTag => "yaml-tag", "YAML tags are not supported in step files";
    YamlMergeKey => "yaml-merge-key", "YAML merge keys are not supported in step files";
    MultipleDocuments => "multiple-documents", "a YAML step file holds more than one document";
    // Variables and templates.
    InvalidVariable => "invalid-variable", "a variable that is declared or given in a way kstep cannot use";
    UnknownEnvironment => "unknown-environment", "an environment name given with --env that the step does not define";
    TemplateSyntax => "template-syntax", "a templated value that is not valid template syntax";
    UndefinedVariable => "undefined-variable", "a template uses a variable or attribute that has no value";
    UnknownFilter => "unknown-filter", "a template uses a filter, test or function that does not exist";
    TemplateError => "template-error", "a template fails while it renders";
    TemplateTypeMismatch => "template-type-mismatch", "a template renders text that does not fit the field's type";
    SensitiveValue => "sensitive-value", "a sensitive variable used anywhere but in a Secret";
    // Reading the step model.
    UnknownField => "unknown-field", "a key that kstep does not know";
    WrongType => "wrong-type", "a value of the wrong type";
    MissingField => "missing-field", "a required key is missing";
    ConflictingFields => "conflicting-fields", "keys that cannot be given together, or none of a required choice";
    InvalidChoice => "invalid-choice", "a value that is not one of the allowed words";
    EmptyValue => "empty-value", "a value that must not be empty is empty";
    // Kubernetes API rules.
    InvalidName => "invalid-name", "a name that Kubernetes does not accept";
    InvalidLabel => "invalid-label", "a label key or value that Kubernetes does not accept";
    InvalidAnnotation => "invalid-annotation", "an annotation key that Kubernetes does not accept, or annotations over 256 KiB";
    ReservedLabel => "reserved-label", "a label key that kstep sets itself";
    InvalidPort => "invalid-port", "a port number outside 1-65535";
    InvalidPortName => "invalid-port-name", "a port name that is not a valid IANA service name";
    DuplicatePort => "duplicate-port", "a port name or number used twice in one container";
    InvalidQuantity => "invalid-quantity", "a resource quantity that Kubernetes cannot parse or accept";
    RequestExceedsLimit => "request-exceeds-limit", "a resource request larger than its limit";
    OutOfRange => "out-of-range", "a number outside the range Kubernetes accepts";
    ProbeSuccessThreshold => "probe-success-threshold", "a liveness or startup probe with a success threshold other than 1";
    ProbeOnInitContainer => "probe-on-init-container", "a probe on an init container";
    InvalidPath => "invalid-path", "a file path that Kubernetes does not accept in this place";
    InvalidEnvName => "invalid-env-name", "an environment variable name that Kubernetes does not accept";
    InvalidImage => "invalid-image", "a container image reference that is not valid";
    InvalidHeaderName => "invalid-header-name", "an HTTP header name that is not a valid token";
    InvalidConfigKey => "invalid-config-key", "a ConfigMap or Secret key that Kubernetes does not accept";
    InvalidRawVolume => "invalid-raw-volume", "a raw volume source that is not exactly one valid Kubernetes volume source";
    InvalidFieldPath => "invalid-field-path", "a pod field or resource that the downward API does not offer";
    InvalidResource => "invalid-resource", "an extended resource or huge pages request the API rejects";
    // Security.
    InvalidCapability => "invalid-capability", "a Linux capability name that does not exist";
    RunsAsRoot => "runs-as-root", "a container that runs as root (user 0) but must run as non-root";
    InvalidSysctl => "invalid-sysctl", "a sysctl a pod cannot set: a bad name, set twice, not namespaced, or in a namespace it shares with the node";
    UnsafeSysctl => "unsafe-sysctl", "a sysctl that only kubelets configured to allow it will run";
    // Scheduling and the pod.
    InvalidSelector => "invalid-selector", "a label selector requirement with a wrong operator or values";
    InvalidToleration => "invalid-toleration", "a toleration whose operator, value, effect and seconds do not fit together";
    AffinityMissesOwnPods => "affinity-misses-own-pods", "an anti-affinity selector written for the step's pods that matches none of them";
    InvalidDnsConfig => "invalid-dns-config", "a DNS policy and configuration the API rejects";
    GracePeriodTooShort => "grace-period-too-short", "a preStop hook that sleeps as long as the pod's termination grace period";
    // Lint rules (`kstep lint`).
    LatestImageTag => "latest-image-tag", "an image without a tag, or tagged `latest`";
    NoReadinessProbe => "no-readiness-probe", "an app container without a readiness probe";
    NoLivenessProbe => "no-liveness-probe", "an app container without a liveness probe";
    NoResourceRequests => "no-resource-requests", "a container that does not request CPU and memory";
    NoMemoryLimit => "no-memory-limit", "a container without a memory limit";
    MemoryInMillibytes => "memory-in-millibytes", "a memory or storage quantity in `m`, thousandths of a byte";
    PrivilegedContainer => "privileged-container", "a privileged container";
    PrivilegeEscalation => "privilege-escalation", "a container that may gain more privileges than its process has";
    MayRunAsRoot => "may-run-as-root", "a container that nothing in the step keeps from running as root";
    WritableRootFilesystem => "writable-root-filesystem", "a container whose root filesystem is writable";
    CapabilitiesNotDropped => "capabilities-not-dropped", "a container of a `restricted` step that keeps Linux capabilities it was not given explicitly";
    DangerousCapability => "dangerous-capability", "a container that adds a powerful Linux capability";
    HostNamespace => "host-namespace", "a pod that shares the node's network, process or IPC namespace";
    HostPort => "host-port", "a container port bound on the node";
    SensitiveHostPath => "sensitive-host-path", "a host path volume of the container runtime's socket or another sensitive path";
    SecretInEnv => "secret-in-env", "a literal environment variable value whose name says it is a secret";
    SingleReplica => "single-replica", "one replica under a strategy that keeps serving during deployments";
    DefaultNamespace => "default-namespace", "a step deployed to the `default` namespace";
    ServiceAccountToken => "service-account-token", "a pod that mounts its service account's API token";
    NoSpread => "no-spread", "several replicas that nothing keeps apart";
    SecureDefaultOptOut => "secure-default-opt-out", "a setting that weakens one of kstep's secure defaults";
    PatchSetsModelledField => "patch-sets-modelled-field", "a patch that sets a field the step file has a key for";
    // Lint configuration.
    InvalidIgnore => "invalid-ignore", "a `kstep-ignore` comment without a known rule or a reason";
    UnusedIgnore => "unused-ignore", "a `kstep-ignore` comment that suppresses nothing";
    SchemaViolation => "schema-violation", "a step file value that the step file JSON Schema rejects";
    // Cross-references.
    DuplicateName => "duplicate-name", "a name (of a container, volume, spread topology, ...) given twice";
    DuplicateEnv => "duplicate-env", "an environment variable defined twice in one container";
    DuplicateMountPath => "duplicate-mount-path", "two volumes mounted at the same path in one container";
    UnknownVolume => "unknown-volume", "a volume mount that names no declared volume";
    UnknownPortName => "unknown-port-name", "a probe or lifecycle hook port name that the container does not declare";
    UnusedVolume => "unused-volume", "a declared volume that no container mounts";
    DuplicateStepId => "duplicate-step-id", "two step files with the same step id";
    NoAppContainer => "no-app-container", "a step without any app container";
    // Services and Ingresses.
    ServiceTypeMismatch => "service-type-mismatch", "a Service field that its type does not allow";
    NodePortRange => "node-port-range", "a node port outside the default range 30000-32767";
    InvalidAddress => "invalid-address", "an IP address, CIDR range or endpoint address that Kubernetes does not accept";
    IpFamilyMismatch => "ip-family-mismatch", "IP families that contradict the family policy or an address";
    UnnamedPort => "unnamed-port", "a port without a name in a Service with several ports";
    UnknownTargetPort => "unknown-target-port", "a Service target port name that no container declares with the same protocol";
    UnexposedTargetPort => "unexposed-target-port", "a Service target port number that no container declares";
    ReservedPort => "reserved-port", "a LoadBalancer port that is the kubelet's (10250)";
    MixedProtocols => "mixed-protocols", "a LoadBalancer Service whose ports use several protocols";
    DeprecatedField => "deprecated-field", "a field the Kubernetes API deprecates";
    InvalidHost => "invalid-host", "an Ingress host that is not a valid DNS name";
    UnknownServicePort => "unknown-service-port", "an Ingress backend port the step's Service does not have";
    TlsHostMismatch => "tls-host-mismatch", "an Ingress TLS host that no rule serves";
    IngressWithoutService => "ingress-without-service", "an Ingress without a Service of the step to route to";
    SelectorMissesOwnPods => "selector-misses-own-pods", "a Service selector that the step's own pods do not match";
    // Strategies and owned objects.
    InvalidRollingUpdate => "invalid-rolling-update", "rolling update settings the API rejects";
    InvalidBlueGreen => "invalid-blue-green", "blue/green settings the deploy script cannot carry out";
    InvalidDeploymentId => "invalid-deployment-id", "a deployment id that cannot be a label value or part of a name";
    PodNameTooLong => "pod-name-too-long", "a blue/green Deployment name that makes pod names longer than 63 characters";
    UnsupportedByStrategy => "unsupported-by-strategy", "a setting the deployment strategy cannot carry out";
    InvalidPatch => "invalid-patch", "a patch that does not apply, or makes an object Kubernetes or kstep cannot use";
    UnknownConfigKey => "unknown-config-key", "a key of an owned ConfigMap or Secret that it does not have";
    InvalidSecret => "invalid-secret", "an owned Secret whose type and data do not fit together";
}

impl Code {
    /// Parses `unknown-field` or `kstep::unknown-field`.
    pub fn from_name(name: &str) -> Option<Code> {
        let name = name.strip_prefix("kstep::").unwrap_or(name);
        Code::ALL.iter().copied().find(|c| c.name() == name)
    }

    /// Codes a mistyped or partial name may mean: the closest by spelling, or else up to three
    /// that contain it (`privileged` → `privileged-container`).
    pub fn suggest(name: &str) -> Vec<Code> {
        let name = name.strip_prefix("kstep::").unwrap_or(name);
        let names: Vec<&str> = Code::ALL.iter().map(|c| c.name()).collect();
        if let Some(close) = crate::read::suggest::closest(name, &names) {
            return Code::from_name(close).into_iter().collect();
        }
        if name.len() < 3 {
            return Vec::new();
        }
        Code::ALL
            .iter()
            .copied()
            .filter(|c| c.name().contains(name))
            .take(3)
            .collect()
    }
}

impl std::fmt::Display for Code {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "kstep::{}", self.name())
    }
}

#[cfg(test)]
mod tests {
    use super::Code;

    #[test]
    fn suggestions_for_mistyped_and_partial_codes() {
        let names = |word| {
            Code::suggest(word)
                .iter()
                .map(|c| c.name())
                .collect::<Vec<_>>()
        };
        assert_eq!(names("kstep::unknown-feild"), ["unknown-field"]);
        assert_eq!(names("privileged"), ["privileged-container"]);
        assert_eq!(
            names("probe"),
            [
                "probe-success-threshold",
                "probe-on-init-container",
                "no-readiness-probe"
            ]
        );
        assert!(names("zz").is_empty());
    }

    #[test]
    fn names_are_unique_kebab_case() {
        let mut seen = std::collections::BTreeSet::new();
        for code in Code::ALL {
            let name = code.name();
            assert!(seen.insert(name), "duplicate code name {name}");
            assert!(
                name.bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-'),
                "{name} is not kebab-case"
            );
        }
    }
}
