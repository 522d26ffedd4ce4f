//! Real-time endpoints: `CreateEndpoint` and `UpdateEndpoint` (and the inference component calls,
//! which change what an endpoint serves: see [`crate::event::COMPONENT_CALLS`]), deleted with
//! `DeleteEndpoint` (the configuration and models are kept for a fixed redeploy) or rolled back
//! with `UpdateEndpoint`. An endpoint runs the endpoint configuration and the models it names,
//! other resources described apart (`DescribeEndpointConfig`, `DescribeModel`).

use super::{ApiCall, Kind, Listing, Needed, StateChange, Stop};
use crate::facets::{Facet, Facets, Output, Remote, Serving, Volume};
use crate::instances::{self, Storage};
use crate::json::FieldError;
use crate::report::ActionOutcome;
use crate::resource::{
    AsyncOutput, DataCapture, Dependency, EndpointConfig, EndpointDetails, InstanceGroup, Lifecycle,
    ModelConfig, VariantModel, VpcAttachment,
};
use crate::shape::Shape;

pub struct Endpoint;

impl Kind for Endpoint {
    const NAME: &'static str = "endpoint";
    const LABEL: &'static str = "endpoint";
    type Config = EndpointDetails;
    const CALLS: &'static [ApiCall] = &[
        ApiCall {
            event_name: "CreateEndpoint",
            name_key: "endpointName",
            arn_key: "endpointArn",
        },
        ApiCall {
            event_name: "UpdateEndpoint",
            name_key: "endpointName",
            arn_key: "endpointArn",
        },
    ];
    const STATE_CHANGE: StateChange = StateChange {
        detail_type: Some("SageMaker Endpoint State Change"),
        name_key: "EndpointName",
        arn_key: "EndpointArn",
        status_key: "EndpointStatus",
    };
    const CREATE_CALL: &'static str = "CreateEndpoint";
    const DESCRIBE_CALL: &'static str = "DescribeEndpoint";
    const STOP: Stop = Stop {
        call: "DeleteEndpoint",
        outcome: ActionOutcome::Deleted,
        by_default: true,
    };
    const LISTING: Listing = Listing {
        call: "ListEndpoints",
        statuses: &[],
        excluded: &["Deleting"],
    };

    fn lifecycle(status: &str) -> Lifecycle {
        let s = status.to_string();
        match status {
            // UpdateRollbackFailed: the update and its rollback failed and the endpoint serves
            // traffic with a mix of both configurations; it takes UpdateEndpoint and
            // DeleteEndpoint, and no event follows by itself: act on it, never wait.
            "InService" | "OutOfService" | "Failed" | "UpdateRollbackFailed" => {
                Lifecycle::Active(s)
            }
            "Creating" | "Updating" | "SystemUpdating" | "RollingBack" => {
                Lifecycle::Transitional(s)
            }
            "Deleting" => Lifecycle::Ended(s),
            _ => Lifecycle::Unknown(s),
        }
    }

    /// The configuration being deployed while an update is pending
    /// (`PendingDeploymentSummary.EndpointConfigName`: `EndpointConfigName` is still the deployed
    /// one), else the one deployed; described next (neither `CreateEndpoint` nor the endpoint
    /// state change carries its settings).
    fn read(s: &Shape<'_>) -> Result<EndpointDetails, FieldError> {
        let pending = s.path_str(&["PendingDeploymentSummary", "EndpointConfigName"])?;
        let (name, taken_ms) = match pending {
            Some(name) => {
                let summary = s.get("PendingDeploymentSummary")?;
                let started = summary.map(|p| p.time_ms("StartTime")).transpose()?.flatten();
                (name, started.or(s.time_ms("LastModifiedTime")?))
            }
            None => (
                s.str("EndpointConfigName")?.unwrap_or_default(),
                s.time_ms("LastModifiedTime")?,
            ),
        };
        Ok(EndpointDetails {
            taken_ms,
            ..EndpointDetails::new(Dependency::NotDescribed { name })
        })
    }

    fn needs(endpoint: &EndpointDetails) -> Vec<Needed> {
        match &endpoint.config {
            Dependency::NotDescribed { name } => vec![Needed::EndpointConfig(name.clone())],
            Dependency::Found { value, .. } => value
                .variants
                .iter()
                .filter_map(|v| match &v.model {
                    Some(Dependency::NotDescribed { name }) => Some(Needed::Model(name.clone())),
                    _ => None,
                })
                .collect(),
            Dependency::Deleted { .. } | Dependency::Replaced { .. } => Vec::new(),
        }
    }

    /// A configuration that is not found (deleted while its endpoint runs: AWS allows it) is
    /// `Deleted`, never a reason to think the endpoint gone.
    fn supply(
        endpoint: &mut EndpointDetails,
        needed: &Needed,
        described: Option<&Shape<'_>>,
    ) -> Result<(), FieldError> {
        match (needed, &mut endpoint.config) {
            (Needed::EndpointConfig(name), Dependency::NotDescribed { name: wanted })
                if name == wanted =>
            {
                let name = if name.is_empty() { "(none reported)" } else { name };
                endpoint.config =
                    super::described_since(name, described, read_config, endpoint.taken_ms)?;
            }
            (Needed::Model(name), Dependency::Found { value, .. }) => {
                for variant in &mut value.variants {
                    if matches!(&variant.model, Some(Dependency::NotDescribed { name: m }) if m == name)
                    {
                        variant.model = Some(super::described_since(
                            name,
                            described,
                            super::read_model,
                            endpoint.taken_ms,
                        )?);
                    }
                }
            }
            _ => {}
        }
        Ok(())
    }
}

/// Every path that serves an endpoint's traffic: the model of every production and shadow
/// variant, and, for a variant that hosts inference components instead of a model, the endpoint
/// configuration's own settings (`VpcConfig`, `EnableNetworkIsolation`), which govern every
/// component's containers.
fn each_model<'a, T>(
    config: &'a Dependency<EndpointConfig>,
    read: impl Fn(&'a ModelConfig) -> Facet<T>,
    read_config: impl Fn(&'a EndpointConfig) -> Facet<T>,
) -> Facet<T> {
    Facet::held_in(config, "endpoint configuration", |config| Facet::Each {
        parts: config
            .variants
            .iter()
            .map(|v| {
                match &v.model {
                    Some(model) => (
                        format!("{} (model {})", v.label(), model.name()),
                        Facet::held_in(model, "model", &read),
                    ),
                    None => (
                        format!("{} (inference components)", v.label()),
                        read_config(config),
                    ),
                }
            })
            .collect(),
        none: "no production variants reported",
    })
}

/// One facet per variant of the configuration (production, then shadow), read with `read`.
fn each_variant<'a, T>(
    config: &'a Dependency<EndpointConfig>,
    read: impl Fn(&'a VariantModel) -> Facet<T>,
) -> Facet<T> {
    Facet::held_in(config, "endpoint configuration", |config| Facet::Each {
        parts: config
            .variants
            .iter()
            .map(|v| (v.label(), read(v)))
            .collect(),
        none: "no production variants reported",
    })
}

/// The volume of an endpoint configuration: the configuration's key covers the instance storage
/// of every variant, but encrypts nothing on local NVMe storage (where AWS still accepts it), so
/// it is judged on the EBS-backed variants; serverless variants have no volume.
fn volume(config: &EndpointConfig) -> Facet<Volume<'_>> {
    const WHAT: &str = "instance storage";
    let instances: Vec<&InstanceGroup> = config
        .variants
        .iter()
        .filter_map(|v| v.instances.as_ref())
        .collect();
    if instances.is_empty() && !config.variants.is_empty() {
        return Facet::NotApplicable("serverless variants only: no instance storage volume".into());
    }
    let (local, other): (Vec<&InstanceGroup>, Vec<&InstanceGroup>) =
        instances.into_iter().partition(|g| {
            g.instance_type
                .as_deref()
                .is_some_and(|t| instances::storage(t) == Storage::Local)
        });
    if other.is_empty() && !local.is_empty() {
        return Facet::One(Volume {
            instances: local,
            key: None,
            what: WHAT,
        });
    }
    Facet::One(Volume {
        instances: other,
        key: config.kms_key_id.as_deref(),
        what: WHAT,
    })
}

/// `DescribeEndpointConfig`: the variants (production, then shadow) with the models they name
/// (described next), the key, data capture, and the configuration's own VPC and isolation (for
/// inference components).
fn read_config(s: &Shape<'_>) -> Result<EndpointConfig, FieldError> {
    let mut variants = Vec::new();
    for (member, shadow) in [
        ("ProductionVariants", false),
        ("ShadowProductionVariants", true),
    ] {
        for v in s.items(member)? {
            let variant_name = v.str("VariantName")?.unwrap_or_default();
            // A serverless variant has no instance and no storage volume.
            let instances = match v.get("ServerlessConfig")? {
                Some(_) => None,
                None => Some(v.group(format!("variant {variant_name}"), "InitialInstanceCount")?),
            };
            variants.push(VariantModel {
                variant_name,
                shadow,
                instances,
                model: v
                    .str("ModelName")?
                    .map(|name| Dependency::NotDescribed { name }),
                ssm_access: v.bool_or_false("EnableSSMAccess")?,
                scaling_minimum: match v.get("ManagedInstanceScaling")? {
                    Some(m) if m.str("Status")?.as_deref() == Some("ENABLED") => {
                        m.i32("MinInstanceCount")?
                    }
                    _ => None,
                },
                core_dump: v
                    .get("CoreDumpConfig")?
                    .map(|c| c.str("KmsKeyId"))
                    .transpose()?,
            });
        }
    }
    Ok(EndpointConfig {
        kms_key_id: s.str("KmsKeyId")?,
        data_capture: s
            .get("DataCaptureConfig")?
            .map(|d| {
                Ok::<_, FieldError>(DataCapture {
                    // Absent means enabled, AWS's default for a configuration that has one.
                    enabled: d.bool_or("EnableCapture", true)?,
                    kms_key_id: d.str("KmsKeyId")?,
                })
            })
            .transpose()?,
        async_output: match s.get("AsyncInferenceConfig")? {
            Some(config) => Some(AsyncOutput {
                kms_key_id: config.path_str(&["OutputConfig", "KmsKeyId"])?,
            }),
            None => None,
        },
        variants,
        vpc: s.vpc("VpcConfig")?,
        network_isolation: s.bool_or_false("EnableNetworkIsolation")?,
    })
}

impl Facets for EndpointDetails {
    fn vpc(&self) -> Facet<Option<&VpcAttachment>> {
        each_model(
            &self.config,
            |m| Facet::One(m.vpc.as_ref()),
            |c| Facet::One(c.vpc.as_ref()),
        )
    }

    fn network_isolation(&self) -> Facet<bool> {
        each_model(
            &self.config,
            |m| Facet::One(m.network_isolation),
            |c| Facet::One(c.network_isolation),
        )
    }

    fn volume(&self) -> Facet<Volume<'_>> {
        Facet::held_in(&self.config, "endpoint configuration", volume)
    }

    /// Each variant's model's containers' `Environment`.
    fn plaintext(&self) -> Facet<&[crate::secrets::Setting]> {
        each_model(
            &self.config,
            |m| Facet::One(&m.plaintext[..]),
            |_| Facet::NotApplicable("inference components' containers are not scanned yet".into()),
        )
    }

    /// What the endpoint writes: captured data, and the results of asynchronous inference.
    fn output(&self) -> Facet<Output<'_>> {
        Facet::held_in(&self.config, "endpoint configuration", |c| {
            let capture = match &c.data_capture {
                Some(capture) if capture.enabled => Facet::One(Output {
                    key: capture.kms_key_id.as_deref(),
                    what: "captured data",
                }),
                _ => Facet::NotApplicable("data capture is off".into()),
            };
            let results = match &c.async_output {
                Some(output) => Facet::One(Output {
                    key: output.kms_key_id.as_deref(),
                    what: "asynchronous inference output",
                }),
                None => Facet::NotApplicable("no asynchronous inference".into()),
            };
            let mut parts = vec![
                ("data capture".into(), capture),
                ("asynchronous inference".into(), results),
            ];
            // Core dumps, where a variant writes them to S3.
            parts.extend(c.variants.iter().filter_map(|v| {
                let key = v.core_dump.as_ref()?;
                let dumps = Facet::One(Output {
                    key: key.as_deref(),
                    what: "core dumps",
                });
                Some((format!("{} core dumps", v.label()), dumps))
            }));
            Facet::Each {
                parts,
                none: "no outputs",
            }
        })
    }

    fn serving_instances(&self) -> Facet<Serving> {
        each_variant(&self.config, |v| match (&v.instances, v.shadow) {
            (_, true) => Facet::NotApplicable("a shadow variant answers no request".into()),
            (None, false) => Facet::NotApplicable("serverless: no instances".into()),
            (Some(group), false) => Facet::One(Serving {
                initial: group.instance_count,
                scaling_minimum: v.scaling_minimum,
            }),
        })
    }

    fn ssm_access(&self) -> Facet<Remote> {
        each_variant(&self.config, |v| {
            Facet::One(Remote {
                setting: "EnableSSMAccess",
                on: v.ssm_access,
                value: v.ssm_access.to_string(),
            })
        })
    }

    fn key_references(&self) -> Vec<&str> {
        match &self.config {
            Dependency::Found { value, .. } => [
                value.kms_key_id.as_deref(),
                value
                    .data_capture
                    .as_ref()
                    .and_then(|c| c.kms_key_id.as_deref()),
                value
                    .async_output
                    .as_ref()
                    .and_then(|o| o.kms_key_id.as_deref()),
            ]
            .into_iter()
            .chain(value.variants.iter().map(|v| v.core_dump.as_ref().and_then(|k| k.as_deref())))
            .flatten()
            .collect(),
            _ => Vec::new(),
        }
    }

    fn vpc_attachments_mut(&mut self) -> Vec<&mut VpcAttachment> {
        let mut attachments: Vec<&mut VpcAttachment> = Vec::new();
        if let Some(config) = self.config.found_mut() {
            attachments.extend(config.vpc.as_mut());
            attachments.extend(
                config
                    .variants
                    .iter_mut()
                    .filter_map(|v| v.model.as_mut().and_then(|m| m.found_mut()))
                    .filter_map(|m| m.vpc.as_mut()),
            );
        }
        attachments
    }
}
