//! Fields that take one of a fixed set of words.
//!
//! The words are the Kubernetes API's own spelling, so what a user writes is what lands in
//! the manifest. Reading one reports the allowed words and the closest match.

/// A field whose value is one of [`Choice::WORDS`].
pub(crate) trait Choice: Sized + Copy {
    /// What the field is, for messages: "protocol".
    const WHAT: &'static str;
    /// Every allowed word, in the order help lists them.
    const WORDS: &'static [&'static str];

    fn from_word(word: &str) -> Option<Self>;
    fn as_str(self) -> &'static str;
}

macro_rules! choice {
    ($(#[$doc:meta])* $name:ident, $what:literal { $($variant:ident => $word:literal,)* }) => {
        $(#[$doc])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
        // Variants mirror the API's words, shared prefixes included (`PreferClose`, ...).
        #[allow(clippy::enum_variant_names)]
        pub(crate) enum $name {
            $($variant,)*
        }

        impl Choice for $name {
            const WHAT: &'static str = $what;
            const WORDS: &'static [&'static str] = &[$($word,)*];

            fn from_word(word: &str) -> Option<Self> {
                match word {
                    $($word => Some($name::$variant),)*
                    _ => None,
                }
            }

            fn as_str(self) -> &'static str {
                match self {
                    $($name::$variant => $word,)*
                }
            }
        }
    };
}

choice!(
    /// What a lint rule's findings become (`[lint]`).
    Level, "rule level" {
        Allow => "allow",
        Warn => "warn",
        Deny => "deny",
    }
);

choice!(
    /// A network protocol of a container or Service port.
    Protocol, "protocol" {
        Tcp => "TCP",
        Udp => "UDP",
        Sctp => "SCTP",
    }
);

choice!(
    /// The scheme of an HTTP probe.
    Scheme, "scheme" {
        Http => "HTTP",
        Https => "HTTPS",
    }
);

choice!(
    /// What a host path must be before it is mounted (`HostPathType` in `core/v1`, and the
    /// table in kubernetes.io/docs/concepts/storage/volumes/#hostpath; "" means no check).
    HostPathType, "host path type" {
        Unchecked => "",
        DirectoryOrCreate => "DirectoryOrCreate",
        Directory => "Directory",
        FileOrCreate => "FileOrCreate",
        File => "File",
        Socket => "Socket",
        CharDevice => "CharDevice",
        BlockDevice => "BlockDevice",
    }
);

choice!(
    /// The backing medium of an empty-dir volume ("" means the node's default).
    StorageMedium, "medium" {
        Default => "",
        Memory => "Memory",
        HugePages => "HugePages",
    }
);

choice!(
    /// How a Service is exposed (`ServiceType` in `core/v1`; kubernetes.io/docs/concepts/services-networking/service/#publishing-services-service-types).
    ServiceType, "Service type" {
        ClusterIp => "ClusterIP",
        NodePort => "NodePort",
        LoadBalancer => "LoadBalancer",
        ExternalName => "ExternalName",
    }
);

choice!(
    /// Whether a client keeps reaching the same pod.
    SessionAffinity, "session affinity" {
        None => "None",
        ClientIp => "ClientIP",
    }
);

choice!(
    /// Which endpoints external or internal traffic may reach.
    TrafficPolicy, "traffic policy" {
        Cluster => "Cluster",
        Local => "Local",
    }
);

choice!(
    /// A preference for nearby endpoints (Kubernetes 1.33+; the last two since 1.34).
    TrafficDistribution, "traffic distribution" {
        PreferClose => "PreferClose",
        PreferSameZone => "PreferSameZone",
        PreferSameNode => "PreferSameNode",
    }
);

choice!(
    /// An IP family of a Service.
    IpFamily, "IP family" {
        V4 => "IPv4",
        V6 => "IPv6",
    }
);

choice!(
    /// How many IP families a Service gets.
    IpFamilyPolicy, "IP family policy" {
        SingleStack => "SingleStack",
        PreferDualStack => "PreferDualStack",
        RequireDualStack => "RequireDualStack",
    }
);

choice!(
    /// How an Ingress path matches request paths.
    PathType, "path type" {
        Prefix => "Prefix",
        Exact => "Exact",
        ImplementationSpecific => "ImplementationSpecific",
    }
);

choice!(
    /// How an HTTPRoute matches the request path (`HTTPPathMatch.type` of the Gateway API).
    RoutePathType, "route path type" {
        PathPrefix => "PathPrefix",
        Exact => "Exact",
        RegularExpression => "RegularExpression",
    }
);

choice!(
    /// How an HTTPRoute matches a header or query parameter value.
    ValueMatch, "match type" {
        Exact => "Exact",
        RegularExpression => "RegularExpression",
    }
);

choice!(
    /// An HTTP method an HTTPRoute can match.
    HttpMethod, "HTTP method" {
        Get => "GET",
        Head => "HEAD",
        Post => "POST",
        Put => "PUT",
        Delete => "DELETE",
        Connect => "CONNECT",
        Options => "OPTIONS",
        Trace => "TRACE",
        Patch => "PATCH",
    }
);

choice!(
    /// How a blue/green deployment moves an HTTPRoute's traffic: the route follows the
    /// switched Service, or it moves its backends from one colour's Service to the next.
    RouteSwitch, "route switch" {
        Service => "service",
        Weights => "weights",
    }
);

choice!(
    /// The scheme of an HTTPRoute redirect.
    RedirectScheme, "redirect scheme" {
        Http => "http",
        Https => "https",
    }
);

choice!(
    /// How a new version replaces the old one: a Deployment's own strategies, blue/green, and
    /// on-delete for StatefulSets and DaemonSets (docs/strategies.md).
    Strategy, "strategy" {
        Recreate => "recreate",
        RollingUpdate => "rolling-update",
        BlueGreen => "blue-green",
        OnDelete => "on-delete",
    }
);

choice!(
    /// What becomes of the previous blue/green deployment after the switch and its delay.
    Previous, "previous deployment policy" {
        ScaleToZero => "scale-to-zero",
        KeepRunning => "keep-running",
    }
);

choice!(
    /// When a container's image is pulled.
    PullPolicy, "pull policy" {
        Always => "Always",
        IfNotPresent => "IfNotPresent",
        Never => "Never",
    }
);

choice!(
    /// Where a container's termination message comes from.
    TerminationMessagePolicy, "termination message policy" {
        File => "File",
        FallbackToLogsOnError => "FallbackToLogsOnError",
    }
);

choice!(
    /// A seccomp profile given by name (`Localhost` takes a file: `{ localhost = "..." }`).
    SeccompType, "seccomp profile" {
        RuntimeDefault => "RuntimeDefault",
        Unconfined => "Unconfined",
    }
);

choice!(
    /// Which secure defaults kstep writes into the pods. `baseline` keeps what never stops an
    /// ordinary image from starting; `restricted` adds what the Pod Security Standard of that
    /// name requires (non-root, every capability dropped).
    SecurityProfile, "security profile" {
        Baseline => "baseline",
        Restricted => "restricted",
    }
);

choice!(
    /// An operation of a JSON patch (RFC 6902).
    PatchOpKind, "patch operation" {
        Add => "add",
        Remove => "remove",
        Replace => "replace",
        Move => "move",
        Copy => "copy",
        Test => "test",
    }
);

choice!(
    /// How a pod's DNS is configured.
    DnsPolicy, "DNS policy" {
        ClusterFirst => "ClusterFirst",
        ClusterFirstWithHostNet => "ClusterFirstWithHostNet",
        Default => "Default",
        None => "None",
    }
);

choice!(
    /// How a toleration matches a taint.
    TolerationOperator, "toleration operator" {
        Equal => "Equal",
        Exists => "Exists",
    }
);

choice!(
    /// What a taint does to pods that do not tolerate it.
    TaintEffect, "taint effect" {
        NoSchedule => "NoSchedule",
        PreferNoSchedule => "PreferNoSchedule",
        NoExecute => "NoExecute",
    }
);

choice!(
    /// What the scheduler does when a topology spread constraint cannot be met.
    UnsatisfiableAction, "action" {
        ScheduleAnyway => "ScheduleAnyway",
        DoNotSchedule => "DoNotSchedule",
    }
);

choice!(
    /// Where the short form `spread` keeps a step's replicas apart.
    Spread, "spread" {
        Nodes => "nodes",
        Zones => "zones",
    }
);

impl Spread {
    /// The well-known node label of the topology.
    pub(crate) fn topology_key(self) -> &'static str {
        match self {
            Spread::Nodes => "kubernetes.io/hostname",
            Spread::Zones => "topology.kubernetes.io/zone",
        }
    }
}

choice!(
    /// How a StatefulSet starts and stops its pods: one at a time, in order, or all at once.
    PodManagementPolicy, "pod management policy" {
        OrderedReady => "OrderedReady",
        Parallel => "Parallel",
    }
);

choice!(
    /// How a volume claimed by a StatefulSet's pods may be mounted.
    AccessMode, "access mode" {
        ReadWriteOnce => "ReadWriteOnce",
        ReadOnlyMany => "ReadOnlyMany",
        ReadWriteMany => "ReadWriteMany",
        ReadWriteOncePod => "ReadWriteOncePod",
    }
);

choice!(
    /// What becomes of a StatefulSet's volume claims when it is deleted or scaled down.
    RetentionPolicy, "claim retention policy" {
        Retain => "Retain",
        Delete => "Delete",
    }
);

choice!(
    /// Whether a Job's pods are told apart by an index.
    CompletionMode, "completion mode" {
        NonIndexed => "NonIndexed",
        Indexed => "Indexed",
    }
);

choice!(
    /// What the kubelet does when a Job's container ends: a Job's pods never restart always.
    JobRestartPolicy, "Job restart policy" {
        Never => "Never",
        OnFailure => "OnFailure",
    }
);

choice!(
    /// What a Job does when a pod failure matches a rule of its pod failure policy.
    /// (`FailIndex` needs `backoffLimitPerIndex`, which kstep does not model.)
    PodFailureAction, "pod failure action" {
        FailJob => "FailJob",
        Ignore => "Ignore",
        Count => "Count",
    }
);

choice!(
    /// What a CronJob does when a run is due while the previous one still runs.
    ConcurrencyPolicy, "concurrency policy" {
        Allow => "Allow",
        Forbid => "Forbid",
        Replace => "Replace",
    }
);
