//! The catalog of diagnostic codes.
//!
//! Codes are stable, kebab-case and shown as `kstep::<code>`. Each has a one-line summary here
//! and a page in `docs/diagnostics/<code>.md`, built into the binary, so a code seen in CI can
//! always be looked up: `kstep explain <code>` prints it.

use super::Severity;

macro_rules! codes {
    ($($variant:ident => $name:literal, $kind:expr, $summary:literal;)*) => {
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

            /// Whether it is an error, a warning, or a lint rule with its default level.
            pub fn kind(self) -> Kind {
                match self {
                    $(Code::$variant => $kind,)*
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

const ERROR: Kind = Kind::Error;
const WARNING: Kind = Kind::Warning;
const LINT_WARNING: Kind = Kind::Lint(Severity::Warning);
const LINT_NOTE: Kind = Kind::Lint(Severity::Note);

/// What a code is: reported as an error or a warning wherever it applies, or a lint rule
/// (`kstep lint` only), with the level it has unless `[lint]` sets another.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Error,
    Warning,
    Lint(Severity),
}

codes! {
    // Reading files and command-line input.
    IoError => "io-error", ERROR, "a file could not be read or written";
    InternalError => "internal-error", ERROR, "a bug in kstep: please report it";
    UnsupportedFileType => "unsupported-file-type", ERROR, "a step file is neither TOML nor YAML";
    FileTooLarge => "file-too-large", ERROR, "a step file is larger than kstep reads";
    InvalidUtf8 => "invalid-utf8", ERROR, "a step file is not valid UTF-8";
    NulByte => "nul-byte", ERROR, "a step file contains a NUL byte";
    TooManyDiagnostics => "too-many-diagnostics", WARNING, "a file with more problems than kstep shows";
    InvalidArgument => "invalid-argument", ERROR, "a command-line argument kstep cannot use, such as a directory without step files";
    SuspiciousArgument => "suspicious-argument", WARNING, "a command-line argument that is probably a mistake: an output directory named like a format, a renamed option";
    // Syntax.
    SyntaxError => "syntax-error", ERROR, "the file is not valid TOML or YAML";
    DuplicateKey => "duplicate-key", ERROR, "a key appears twice in the same table or mapping";
    NestingTooDeep => "nesting-too-deep", ERROR, "values are nested deeper than kstep reads";
    YamlAnchor => "yaml-anchor", ERROR, "YAML anchors and aliases are not supported in step files";
    YamlTag => "yaml-tag", ERROR, "YAML tags are not supported in step files";
    YamlMergeKey => "yaml-merge-key", ERROR, "YAML merge keys are not supported in step files";
    MultipleDocuments => "multiple-documents", ERROR, "a YAML step file holds more than one document";
    // Variables and templates.
    InvalidVariable => "invalid-variable", ERROR, "a variable that is declared or given in a way kstep cannot use";
    UnknownVariable => "unknown-variable", ERROR, "a variable given from outside the steps (`--var`, a vars file, `KSTEP_VAR_*`) that no step declares";
    UnknownEnvironment => "unknown-environment", ERROR, "an environment name given with --env that the step does not define";
    TemplateSyntax => "template-syntax", ERROR, "a templated value that is not valid template syntax";
    UndefinedVariable => "undefined-variable", ERROR, "a template uses a variable or attribute that has no value";
    UnknownFilter => "unknown-filter", ERROR, "a template uses a filter, test or function that does not exist";
    TemplateError => "template-error", ERROR, "a template fails while it renders";
    TemplateTypeMismatch => "template-type-mismatch", ERROR, "a template renders text that does not fit the field's type";
    SensitiveValue => "sensitive-value", ERROR, "a sensitive variable used anywhere but in a Secret";
    // Reading the step model.
    UnknownField => "unknown-field", ERROR, "a key that kstep does not know";
    WrongType => "wrong-type", ERROR, "a value of the wrong type";
    MissingField => "missing-field", ERROR, "a required key is missing";
    ConflictingFields => "conflicting-fields", ERROR, "keys that cannot be given together, or none of a required choice";
    InvalidChoice => "invalid-choice", ERROR, "a value that is not one of the allowed words";
    EmptyValue => "empty-value", ERROR, "a value that must not be empty is empty";
    // Kubernetes API rules.
    InvalidName => "invalid-name", ERROR, "a name that Kubernetes does not accept";
    InvalidLabel => "invalid-label", ERROR, "a label key or value that Kubernetes does not accept";
    InvalidAnnotation => "invalid-annotation", ERROR, "an annotation key that Kubernetes does not accept, or annotations over 256 KiB";
    ReservedLabel => "reserved-label", ERROR, "a label key that kstep sets itself";
    InvalidPort => "invalid-port", ERROR, "a port number outside 1-65535";
    InvalidPortName => "invalid-port-name", ERROR, "a port name that is not a valid IANA service name";
    DuplicatePort => "duplicate-port", ERROR, "a port name or number used twice in one container";
    InvalidQuantity => "invalid-quantity", ERROR, "a resource quantity that Kubernetes cannot parse or accept";
    RequestExceedsLimit => "request-exceeds-limit", ERROR, "a resource request larger than its limit";
    OutOfRange => "out-of-range", ERROR, "a number outside the range Kubernetes accepts";
    ProbeSuccessThreshold => "probe-success-threshold", ERROR, "a liveness or startup probe with a success threshold other than 1";
    ProbeOnInitContainer => "probe-on-init-container", ERROR, "a probe on an init container";
    InvalidPath => "invalid-path", ERROR, "a file path that Kubernetes does not accept in this place";
    InvalidEnvName => "invalid-env-name", ERROR, "an environment variable name that Kubernetes does not accept";
    InvalidImage => "invalid-image", ERROR, "a container image reference that is not valid";
    InvalidHeaderName => "invalid-header-name", ERROR, "an HTTP header name that is not a valid token";
    InvalidConfigKey => "invalid-config-key", ERROR, "a ConfigMap or Secret key that Kubernetes does not accept";
    InvalidRawVolume => "invalid-raw-volume", ERROR, "a raw volume source that is not exactly one valid Kubernetes volume source";
    InvalidFieldPath => "invalid-field-path", ERROR, "a pod field or resource that the downward API does not offer";
    InvalidResource => "invalid-resource", ERROR, "an extended resource or huge pages request the API rejects";
    // Security.
    InvalidCapability => "invalid-capability", ERROR, "a Linux capability name that does not exist";
    RunsAsRoot => "runs-as-root", ERROR, "a container that runs as root (user 0) but must run as non-root";
    InvalidSysctl => "invalid-sysctl", ERROR, "a sysctl a pod cannot set: a bad name, set twice, not namespaced, or in a namespace it shares with the node";
    UnsafeSysctl => "unsafe-sysctl", WARNING, "a sysctl that only kubelets configured to allow it will run";
    // Scheduling and the pod.
    InvalidSelector => "invalid-selector", ERROR, "a label selector requirement with a wrong operator or values";
    InvalidToleration => "invalid-toleration", ERROR, "a toleration whose operator, value, effect and seconds do not fit together";
    AffinityMissesOwnPods => "affinity-misses-own-pods", WARNING, "an anti-affinity selector written for the step's pods that matches none of them";
    InvalidDnsConfig => "invalid-dns-config", ERROR, "a DNS policy and configuration the API rejects";
    GracePeriodTooShort => "grace-period-too-short", WARNING, "a preStop hook that sleeps as long as the pod's termination grace period";
    // Lint rules (`kstep lint`).
    LatestImageTag => "latest-image-tag", LINT_WARNING, "an image without a tag, or tagged `latest`";
    NoReadinessProbe => "no-readiness-probe", LINT_WARNING, "an app container without a readiness probe";
    NoLivenessProbe => "no-liveness-probe", LINT_WARNING, "an app container without a liveness probe";
    NoResourceRequests => "no-resource-requests", LINT_WARNING, "a container that does not request CPU and memory";
    NoMemoryLimit => "no-memory-limit", LINT_WARNING, "a container without a memory limit";
    MemoryInMillibytes => "memory-in-millibytes", LINT_WARNING, "a memory or storage quantity in `m`, thousandths of a byte";
    PrivilegedContainer => "privileged-container", LINT_WARNING, "a privileged container";
    PrivilegeEscalation => "privilege-escalation", LINT_WARNING, "a container that may gain more privileges than its process has";
    MayRunAsRoot => "may-run-as-root", LINT_WARNING, "a container that nothing in the step keeps from running as root";
    WritableRootFilesystem => "writable-root-filesystem", LINT_WARNING, "a container whose root filesystem is writable";
    CapabilitiesNotDropped => "capabilities-not-dropped", LINT_WARNING, "a container of a `restricted` step that keeps Linux capabilities it was not given explicitly";
    DangerousCapability => "dangerous-capability", LINT_WARNING, "a container that adds a powerful Linux capability";
    HostNamespace => "host-namespace", LINT_WARNING, "a pod that shares the node's network, process or IPC namespace";
    HostPort => "host-port", LINT_WARNING, "a container port bound on the node";
    SensitiveHostPath => "sensitive-host-path", LINT_WARNING, "a host path volume of the container runtime's socket or another sensitive path";
    SecretInEnv => "secret-in-env", LINT_WARNING, "a literal environment variable value whose name says it is a secret";
    SingleReplica => "single-replica", LINT_WARNING, "one replica under a strategy that keeps serving during deployments";
    DefaultNamespace => "default-namespace", LINT_WARNING, "a step deployed to the `default` namespace";
    ServiceAccountToken => "service-account-token", LINT_WARNING, "a pod that mounts its service account's API token";
    NoSpread => "no-spread", LINT_WARNING, "several replicas that nothing keeps apart";
    SecureDefaultOptOut => "secure-default-opt-out", LINT_NOTE, "a setting that weakens one of kstep's secure defaults";
    StatefulSetDisruption => "stateful-set-disruption", LINT_WARNING, "a StatefulSet of several replicas that nothing protects from voluntary disruptions such as node drains";
    CronJobConcurrency => "cron-job-concurrency", LINT_WARNING, "a CronJob that leaves `concurrency_policy` unset, so a run can start while the last one still runs";
    JobWithoutDeadline => "job-without-deadline", LINT_WARNING, "a Job or CronJob without `active_deadline`, whose pods may run for ever";
    BlockingDisruptionBudget => "blocking-disruption-budget", LINT_WARNING, "a disruption budget that never allows a pod to be evicted";
    PatchSetsModelledField => "patch-sets-modelled-field", LINT_WARNING, "a patch that sets a field the step file has a key for";
    // Lint configuration.
    InvalidIgnore => "invalid-ignore", ERROR, "a `kstep-ignore` comment without a known rule or a reason";
    UnusedIgnore => "unused-ignore", WARNING, "a `kstep-ignore` comment that suppresses nothing";
    // Cross-references.
    DuplicateName => "duplicate-name", ERROR, "a name (of a container, volume, spread topology, ...) given twice";
    DuplicateEnv => "duplicate-env", ERROR, "an environment variable defined twice in one container";
    DuplicateMountPath => "duplicate-mount-path", ERROR, "two volumes mounted at the same path in one container";
    UnknownVolume => "unknown-volume", ERROR, "a volume mount that names no declared volume";
    UnknownPortName => "unknown-port-name", ERROR, "a probe or lifecycle hook port name that the container does not declare";
    UnusedVolume => "unused-volume", WARNING, "a declared volume that no container mounts";
    DuplicateStepId => "duplicate-step-id", ERROR, "two step files with the same step id";
    NoAppContainer => "no-app-container", ERROR, "a step without any app container";
    // Services and Ingresses.
    ServiceTypeMismatch => "service-type-mismatch", ERROR, "a Service field that its type does not allow";
    NodePortRange => "node-port-range", WARNING, "a node port outside the default range 30000-32767";
    InvalidAddress => "invalid-address", ERROR, "an IP address, CIDR range or endpoint address that Kubernetes does not accept";
    IpFamilyMismatch => "ip-family-mismatch", ERROR, "IP families that contradict the family policy or an address";
    UnnamedPort => "unnamed-port", ERROR, "a port without a name in a Service with several ports";
    UnknownTargetPort => "unknown-target-port", ERROR, "a Service target port name that no container declares with the same protocol";
    UnexposedTargetPort => "unexposed-target-port", WARNING, "a Service target port number that no container declares";
    ReservedPort => "reserved-port", WARNING, "a LoadBalancer port that is the kubelet's (10250)";
    MixedProtocols => "mixed-protocols", WARNING, "a LoadBalancer Service whose ports use several protocols";
    DeprecatedField => "deprecated-field", WARNING, "a field the Kubernetes API deprecates";
    InvalidHost => "invalid-host", ERROR, "an Ingress host that is not a valid DNS name";
    UnknownServicePort => "unknown-service-port", ERROR, "an Ingress or route backend port the step's Service does not have";
    TlsHostMismatch => "tls-host-mismatch", ERROR, "an Ingress TLS host that no rule serves";
    IngressWithoutService => "ingress-without-service", ERROR, "an Ingress without a Service of the step to route to";
    InvalidRoute => "invalid-route", ERROR, "an HTTPRoute the Gateway API rejects, or a route backend that is not one of the step's Services";
    SelectorMissesOwnPods => "selector-misses-own-pods", WARNING, "a Service selector that the step's own pods do not match";
    // Import.
    NotImported => "not-imported", WARNING, "an object or document of the manifests that no step carries";
    KeptAsPatch => "kept-as-patch", WARNING, "an imported field that no step file key carries, kept as a patch";
    // Strategies and owned objects.
    InvalidRollingUpdate => "invalid-rolling-update", ERROR, "rolling update settings the API rejects";
    InvalidBlueGreen => "invalid-blue-green", ERROR, "blue/green settings the deploy script cannot carry out";
    InvalidDeploymentId => "invalid-deployment-id", ERROR, "a deployment id that cannot be a label value or part of a name";
    PodNameTooLong => "pod-name-too-long", ERROR, "a blue/green Deployment name that makes pod names longer than 63 characters";
    UnsupportedByStrategy => "unsupported-by-strategy", ERROR, "a setting the deployment strategy cannot carry out";
    InvalidPatch => "invalid-patch", ERROR, "a patch that does not apply, or makes an object Kubernetes or kstep cannot use";
    UnknownConfigKey => "unknown-config-key", ERROR, "a key of an owned ConfigMap or Secret that it does not have";
    InvalidDisruptionBudget => "invalid-disruption-budget", ERROR, "a disruption budget count or percentage the API rejects";
    InvalidAutoscaling => "invalid-autoscaling", ERROR, "autoscaler bounds the API rejects, or a utilization target a container requests nothing for";
    InvalidSecret => "invalid-secret", ERROR, "an owned Secret whose type and data do not fit together, or that does not fit where the step uses it";
    // Workload kinds.
    UnsupportedByKind => "unsupported-by-kind", ERROR, "a section, setting or strategy that the step's workload kind cannot have";
    InvalidSchedule => "invalid-schedule", ERROR, "a CronJob schedule that is not five cron fields or an @ form";
    InvalidTimeZone => "invalid-time-zone", ERROR, "a CronJob time zone that is not a name of the IANA time zone database";
}

impl Code {
    /// Parses `unknown-field` or `kstep::unknown-field`.
    pub fn from_name(name: &str) -> Option<Code> {
        let name = name.strip_prefix("kstep::").unwrap_or(name);
        Code::ALL.iter().copied().find(|c| c.name() == name)
    }

    /// The severity kstep reports the code with: a lint rule's default level, else warning
    /// or error. A few codes are reported both ways; their pages say when.
    pub fn severity(self) -> Severity {
        match self.kind() {
            Kind::Error => Severity::Error,
            Kind::Warning => Severity::Warning,
            Kind::Lint(severity) => severity,
        }
    }

    /// Whether the code is a lint rule: reported only by `kstep lint`, its level set in
    /// `[lint]`.
    pub fn is_lint_rule(self) -> bool {
        matches!(self.kind(), Kind::Lint(_))
    }

    /// Every lint rule, in catalog order.
    pub fn lint_rules() -> impl Iterator<Item = Code> {
        Code::ALL.iter().copied().filter(|c| c.is_lint_rule())
    }

    /// Codes a mistyped or partial name may mean: up to three of the closest by spelling,
    /// nearest first, or else up to three that contain it (`privileged` →
    /// `privileged-container`).
    pub fn suggest(name: &str) -> Vec<Code> {
        let name = name.strip_prefix("kstep::").unwrap_or(name);
        let limit = (name.chars().count() / 3).max(1);
        let mut close: Vec<(usize, Code)> = Code::ALL
            .iter()
            .map(|c| (strsim::damerau_levenshtein(name, c.name()), *c))
            .filter(|(distance, _)| *distance <= limit)
            .collect();
        close.sort_by_key(|(distance, code)| (*distance, code.name()));
        if !close.is_empty() {
            return close.into_iter().take(3).map(|(_, c)| c).collect();
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
        assert_eq!(
            names("kstep::unknown-feild"),
            ["unknown-field", "unknown-filter"],
            "the nearest first"
        );
        assert_eq!(names("privileged"), ["privileged-container"]);
        assert_eq!(
            names("probe"),
            [
                "probe-success-threshold",
                "probe-on-init-container",
                "no-readiness-probe"
            ]
        );
        assert_eq!(names("no-readines-probe"), ["no-readiness-probe"]);
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
