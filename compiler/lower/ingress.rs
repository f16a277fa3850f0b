//! The Ingress: every backend is a port of the step's Service.

use k8s_openapi::api::networking::v1 as networking;

use super::{Lowering, int32, non_empty};
use crate::model::{Choice, Ingress, PortRef, Service};

pub(super) fn lower(
    cx: &Lowering<'_>,
    service: &Service,
    ingress: &Ingress,
) -> networking::Ingress {
    let step = cx.step;
    let service_name = step.service_name(service).to_owned();
    let backend = |port: &PortRef| networking::IngressBackend {
        service: Some(networking::IngressServiceBackend {
            name: service_name.clone(),
            port: Some(match port {
                PortRef::Name(name) => networking::ServiceBackendPort {
                    name: Some(name.clone()),
                    number: None,
                },
                PortRef::Number(number) => networking::ServiceBackendPort {
                    name: None,
                    number: Some(int32(*number)),
                },
            }),
        }),
        resource: None,
    };
    networking::Ingress {
        metadata: cx.metadata(
            step.ingress_name(ingress).to_owned(),
            &ingress.labels,
            &ingress.annotations,
        ),
        spec: Some(networking::IngressSpec {
            ingress_class_name: ingress.class.as_ref().map(|c| c.value.clone()),
            default_backend: ingress.default_backend.as_ref().map(|p| backend(&p.value)),
            rules: non_empty(
                ingress
                    .rules
                    .iter()
                    .map(|rule| networking::IngressRule {
                        host: rule.host.as_ref().map(|h| h.value.clone()),
                        http: Some(networking::HTTPIngressRuleValue {
                            paths: rule
                                .paths
                                .iter()
                                .map(|path| networking::HTTPIngressPath {
                                    path: Some(path.path.value.clone()),
                                    path_type: path.kind().as_str().to_owned(),
                                    backend: backend(&path.port.value),
                                })
                                .collect(),
                        }),
                    })
                    .collect(),
            ),
            tls: non_empty(
                ingress
                    .tls
                    .iter()
                    .map(|tls| networking::IngressTLS {
                        hosts: non_empty(tls.hosts.iter().map(|h| h.value.clone()).collect()),
                        secret_name: tls.secret.as_ref().map(|s| cx.secret_name(&s.value)),
                    })
                    .collect(),
            ),
        }),
        status: None,
    }
}
