//! [`ResourceReader`] and [`Remediator`] on SageMaker: Describe* + ListTags, Stop*/DeleteEndpoint.

use std::collections::BTreeMap;

use aws_sdk_sagemaker::types::{HyperParameterTrainingJobDefinition, ResourceConfig, VpcConfig};
use aws_sdk_sagemaker::Client;
use futures::{StreamExt, TryStreamExt};

use super::{classify, KmsKeys};
use guardrail_core::ports::{AwsError, Remediator, ResourceReader};
use guardrail_core::remediation::Action;
use guardrail_core::resource::*;

/// Models of one endpoint described at once.
const MODEL_CONCURRENCY: usize = 4;

/// SageMaker in one account and region.
#[derive(Debug, Clone)]
pub struct SageMaker {
    client: Client,
    /// Asked who manages the keys a resource names by id or ARN, when set.
    keys: Option<KmsKeys>,
}

impl SageMaker {
    pub fn new(client: Client) -> SageMaker {
        SageMaker { client, keys: None }
    }

    /// Also asks KMS who manages each key a described resource names by id or ARN (an AWS
    /// managed key fails the KMS controls however it is named).
    pub fn with_keys(self, keys: KmsKeys) -> SageMaker {
        SageMaker {
            keys: Some(keys),
            ..self
        }
    }

    async fn tags(&self, arn: &str) -> Result<BTreeMap<String, String>, AwsError> {
        let mut pages = self
            .client
            .list_tags()
            .resource_arn(arn)
            .into_paginator()
            .items()
            .send();
        let mut tags = BTreeMap::new();
        while let Some(tag) = pages.next().await {
            let tag = tag.map_err(|e| classify("ListTags", e))?;
            if let Some(key) = tag.key() {
                tags.insert(key.to_string(), tag.value().unwrap_or_default().to_string());
            }
        }
        Ok(tags)
    }

    async fn describe_notebook(
        &self,
        name: &str,
    ) -> Result<(Option<String>, String, Details), AwsError> {
        let out = self
            .client
            .describe_notebook_instance()
            .notebook_instance_name(name)
            .send()
            .await
            .map_err(|e| classify("DescribeNotebookInstance", e))?;
        let toggle = |value: Option<&str>| value.map_or(Toggle::Enabled, Toggle::parse);
        let details = Details::NotebookInstance(NotebookConfig {
            vpc: out.subnet_id().map(|subnet| VpcAttachment {
                subnets: vec![subnet.to_string()],
                security_groups: out.security_groups().to_vec(),
                vpc_id: None,
            }),
            kms_key_id: out.kms_key_id().map(str::to_string),
            direct_internet_access: toggle(out.direct_internet_access().map(|v| v.as_str())),
            root_access: toggle(out.root_access().map(|v| v.as_str())),
        });
        let status = out
            .notebook_instance_status()
            .map(|s| s.as_str())
            .unwrap_or("");
        Ok((
            out.notebook_instance_arn().map(str::to_string),
            status.to_string(),
            details,
        ))
    }

    async fn describe_training(
        &self,
        name: &str,
    ) -> Result<(Option<String>, String, Details), AwsError> {
        let out = self
            .client
            .describe_training_job()
            .training_job_name(name)
            .send()
            .await
            .map_err(|e| classify("DescribeTrainingJob", e))?;
        let details = Details::TrainingJob(JobConfig {
            instances: training_instances(out.resource_config()),
            instance_choice: false,
            vpc: out.vpc_config().map(vpc),
            volume_kms_key_id: out
                .resource_config()
                .and_then(|r| r.volume_kms_key_id())
                .map(str::to_string),
            output_kms_key_id: out
                .output_data_config()
                .and_then(|o| o.kms_key_id())
                .map(str::to_string),
            inter_container_encryption: out
                .enable_inter_container_traffic_encryption()
                .unwrap_or(false),
            network_isolation: out.enable_network_isolation().unwrap_or(false),
            tuning_job: out.tuning_job_arn().map(str::to_string),
        });
        let status = out.training_job_status().map(|s| s.as_str()).unwrap_or("");
        Ok((
            out.training_job_arn().map(str::to_string),
            status.to_string(),
            details,
        ))
    }

    async fn describe_processing(
        &self,
        name: &str,
    ) -> Result<(Option<String>, String, Details), AwsError> {
        let out = self
            .client
            .describe_processing_job()
            .processing_job_name(name)
            .send()
            .await
            .map_err(|e| classify("DescribeProcessingJob", e))?;
        let network = out.network_config();
        let cluster = out.processing_resources().and_then(|r| r.cluster_config());
        let details = Details::ProcessingJob(JobConfig {
            instances: cluster
                .map(|c| {
                    let selected = c.selected_instance_type().or(c.instance_type());
                    vec![group(
                        "ClusterConfig",
                        selected.map(|t| t.as_str()),
                        c.selected_instance_count().or(c.instance_count()),
                    )]
                })
                .unwrap_or_default(),
            instance_choice: false,
            vpc: network.and_then(|n| n.vpc_config()).map(vpc),
            volume_kms_key_id: out
                .processing_resources()
                .and_then(|r| r.cluster_config())
                .and_then(|c| c.volume_kms_key_id())
                .map(str::to_string),
            output_kms_key_id: out
                .processing_output_config()
                .and_then(|o| o.kms_key_id())
                .map(str::to_string),
            inter_container_encryption: network
                .and_then(|n| n.enable_inter_container_traffic_encryption())
                .unwrap_or(false),
            network_isolation: network
                .and_then(|n| n.enable_network_isolation())
                .unwrap_or(false),
            tuning_job: None,
        });
        let status = out
            .processing_job_status()
            .map(|s| s.as_str())
            .unwrap_or("");
        Ok((
            out.processing_job_arn().map(str::to_string),
            status.to_string(),
            details,
        ))
    }

    async fn describe_transform(
        &self,
        name: &str,
    ) -> Result<(Option<String>, String, Details), AwsError> {
        let out = self
            .client
            .describe_transform_job()
            .transform_job_name(name)
            .send()
            .await
            .map_err(|e| classify("DescribeTransformJob", e))?;
        let model_name = out.model_name().unwrap_or_default().to_string();
        let resources = out.transform_resources();
        let details = Details::TransformJob(TransformConfig {
            instances: resources
                .map(|r| {
                    vec![group(
                        "TransformResources",
                        r.instance_type().map(|t| t.as_str()),
                        r.instance_count(),
                    )]
                })
                .unwrap_or_default(),
            model: self.describe_model(&model_name).await?,
            volume_kms_key_id: resources
                .and_then(|r| r.volume_kms_key_id())
                .map(str::to_string),
            output_kms_key_id: out
                .transform_output()
                .and_then(|o| o.kms_key_id())
                .map(str::to_string),
        });
        let status = out.transform_job_status().map(|s| s.as_str()).unwrap_or("");
        Ok((
            out.transform_job_arn().map(str::to_string),
            status.to_string(),
            details,
        ))
    }

    async fn describe_tuning(
        &self,
        name: &str,
    ) -> Result<(Option<String>, String, Details), AwsError> {
        let out = self
            .client
            .describe_hyper_parameter_tuning_job()
            .hyper_parameter_tuning_job_name(name)
            .send()
            .await
            .map_err(|e| classify("DescribeHyperParameterTuningJob", e))?;
        let single = out.training_job_definition().map(|d| TuningDefinition {
            name: "TrainingJobDefinition".into(),
            job: tuning_definition(d),
        });
        let many = out
            .training_job_definitions()
            .iter()
            .enumerate()
            .map(|(i, d)| TuningDefinition {
                name: d
                    .definition_name()
                    .map_or_else(|| format!("#{i}"), str::to_string),
                job: tuning_definition(d),
            });
        let details = Details::HyperParameterTuningJob(single.into_iter().chain(many).collect());
        let status = out
            .hyper_parameter_tuning_job_status()
            .map(|s| s.as_str())
            .unwrap_or("");
        Ok((
            out.hyper_parameter_tuning_job_arn().map(str::to_string),
            status.to_string(),
            details,
        ))
    }

    async fn describe_endpoint(
        &self,
        name: &str,
    ) -> Result<(Option<String>, String, Details), AwsError> {
        let out = self
            .client
            .describe_endpoint()
            .endpoint_name(name)
            .send()
            .await
            .map_err(|e| classify("DescribeEndpoint", e))?;
        let status = out
            .endpoint_status()
            .map(|s| s.as_str())
            .unwrap_or("")
            .to_string();
        let arn = out.endpoint_arn().map(str::to_string);
        // While an update is pending, `EndpointConfigName` is still the deployed configuration and
        // the one being deployed is in `PendingDeploymentSummary`: judge what is coming.
        let deployed = out.endpoint_config_name();
        let pending = out
            .pending_deployment_summary()
            .and_then(|p| p.endpoint_config_name());
        let config = match pending.or(deployed) {
            Some(config_name) => self.describe_endpoint_config(config_name).await?,
            None => Dependency::Deleted {
                name: "(none reported)".into(),
            },
        };
        let details = Details::Endpoint(EndpointDetails::new(config));
        Ok((arn, status, details))
    }

    /// An endpoint configuration with the models of its variants. A configuration deleted while
    /// its endpoint runs (AWS allows it) is `Deleted`, never a reason to think the endpoint gone.
    async fn describe_endpoint_config(
        &self,
        name: &str,
    ) -> Result<Dependency<EndpointConfig>, AwsError> {
        let config = match self
            .client
            .describe_endpoint_config()
            .endpoint_config_name(name)
            .send()
            .await
        {
            Ok(config) => config,
            Err(e) => {
                let e = classify("DescribeEndpointConfig", e);
                return if e.is_not_found() {
                    Ok(Dependency::Deleted {
                        name: name.to_string(),
                    })
                } else {
                    Err(e)
                };
            }
        };
        // Owned first: the futures below must not borrow the response.
        let production = config.production_variants().iter().map(|v| (v, false));
        let shadow = config
            .shadow_production_variants()
            .iter()
            .map(|v| (v, true));
        let parts: Vec<(String, bool, Option<InstanceGroup>, Option<String>)> = production
            .chain(shadow)
            .map(|(v, shadow)| {
                let variant_name = v.variant_name().unwrap_or_default().to_string();
                let instances = v.serverless_config().is_none().then(|| {
                    group(
                        &format!("variant {variant_name}"),
                        v.instance_type().map(|t| t.as_str()),
                        v.initial_instance_count(),
                    )
                });
                (
                    variant_name,
                    shadow,
                    instances,
                    v.model_name().map(str::to_string),
                )
            })
            .collect();
        let variants = futures::stream::iter(parts.into_iter().map(
            |(variant_name, shadow, instances, model_name)| async move {
                let model = match model_name {
                    Some(model) => Some(self.describe_model(&model).await?),
                    None => None,
                };
                Ok::<_, AwsError>(VariantModel {
                    variant_name,
                    shadow,
                    instances,
                    model,
                })
            },
        ))
        .buffered(MODEL_CONCURRENCY)
        .try_collect()
        .await?;
        Ok(Dependency::Found {
            name: name.to_string(),
            value: EndpointConfig {
                kms_key_id: config.kms_key_id().map(str::to_string),
                data_capture: config.data_capture_config().map(|d| DataCapture {
                    enabled: d.enable_capture().unwrap_or(true),
                    kms_key_id: d.kms_key_id().map(str::to_string),
                }),
                variants,
                vpc: config.vpc_config().map(vpc),
                network_isolation: config.enable_network_isolation().unwrap_or(false),
            },
        })
    }

    /// A model's settings; `Deleted` if it was deleted since the workload was made.
    async fn describe_model(&self, name: &str) -> Result<Dependency<ModelConfig>, AwsError> {
        let name = name.to_string();
        if name.is_empty() {
            return Ok(Dependency::Deleted { name });
        }
        match self.client.describe_model().model_name(&name).send().await {
            Ok(out) => Ok(Dependency::Found {
                name,
                value: ModelConfig {
                    vpc: out.vpc_config().map(vpc),
                    network_isolation: out.enable_network_isolation().unwrap_or(false),
                },
            }),
            Err(e) => {
                let e = classify("DescribeModel", e);
                if e.is_not_found() {
                    Ok(Dependency::Deleted { name })
                } else {
                    Err(e)
                }
            }
        }
    }
}

/// One instance group as the snapshot keeps it.
fn group(label: &str, instance_type: Option<&str>, instance_count: Option<i32>) -> InstanceGroup {
    InstanceGroup {
        label: label.to_string(),
        instance_type: instance_type.map(str::to_string),
        instance_count,
    }
}

/// The instances of a training job: every group of a heterogeneous cluster, else the one
/// instance type (the one SageMaker selected, when the job listed preferences).
fn training_instances(r: Option<&ResourceConfig>) -> Vec<InstanceGroup> {
    let Some(r) = r else {
        return Vec::new();
    };
    if !r.instance_groups().is_empty() {
        return r
            .instance_groups()
            .iter()
            .map(|g| {
                group(
                    &format!(
                        "instance group {}",
                        g.instance_group_name().unwrap_or_default()
                    ),
                    g.instance_type().map(|t| t.as_str()),
                    g.instance_count(),
                )
            })
            .collect();
    }
    vec![group(
        "ResourceConfig",
        r.selected_instance_type()
            .or(r.instance_type())
            .map(|t| t.as_str()),
        r.selected_instance_count().or(r.instance_count()),
    )]
}

/// A training job definition of a tuning job. It names its instances and volume key either in
/// `ResourceConfig` or in `HyperParameterTuningResourceConfig` (whose `InstanceConfigs` list the
/// instance types the tuner may pick for each training job): what the job uses is judged.
fn tuning_definition(d: &HyperParameterTrainingJobDefinition) -> JobConfig {
    let (instances, instance_choice, volume_kms_key_id) = match (
        d.resource_config(),
        d.hyper_parameter_tuning_resource_config(),
    ) {
        (Some(r), _) => (
            training_instances(Some(r)),
            false,
            r.volume_kms_key_id().map(str::to_string),
        ),
        (None, Some(h)) => {
            let mut instances: Vec<InstanceGroup> = h
                .instance_configs()
                .iter()
                .enumerate()
                .map(|(i, c)| {
                    group(
                        &format!("instance config #{i}"),
                        c.instance_type().map(|t| t.as_str()),
                        c.instance_count(),
                    )
                })
                .collect();
            let instance_choice = !instances.is_empty();
            if instances.is_empty() {
                instances.push(group(
                    "HyperParameterTuningResourceConfig",
                    h.instance_type().map(|t| t.as_str()),
                    h.instance_count(),
                ));
            }
            (
                instances,
                instance_choice,
                h.volume_kms_key_id().map(str::to_string),
            )
        }
        (None, None) => (Vec::new(), false, None),
    };
    JobConfig {
        instances,
        instance_choice,
        vpc: d.vpc_config().map(vpc),
        volume_kms_key_id,
        output_kms_key_id: d
            .output_data_config()
            .and_then(|o| o.kms_key_id())
            .map(str::to_string),
        inter_container_encryption: d
            .enable_inter_container_traffic_encryption()
            .unwrap_or(false),
        network_isolation: d.enable_network_isolation().unwrap_or(false),
        tuning_job: None,
    }
}

fn vpc(config: &VpcConfig) -> VpcAttachment {
    VpcAttachment {
        subnets: config.subnets().to_vec(),
        security_groups: config.security_group_ids().to_vec(),
        vpc_id: None,
    }
}

impl ResourceReader for SageMaker {
    async fn describe(&self, id: &ResourceId) -> Result<Option<Snapshot>, AwsError> {
        // Describing in the wrong region would report the resource as gone: refuse loudly instead.
        if let Some(region) = self.client.config().region().map(|r| r.as_ref()) {
            if region != id.region {
                return Err(AwsError {
                    operation: "Describe",
                    code: "WrongRegion".into(),
                    message: format!(
                        "{} is in {}, this function's client is for {region}",
                        id.name, id.region
                    ),
                    retryable: false,
                });
            }
        }
        let described = match id.kind {
            ResourceKind::NotebookInstance => self.describe_notebook(&id.name).await,
            ResourceKind::TrainingJob => self.describe_training(&id.name).await,
            ResourceKind::ProcessingJob => self.describe_processing(&id.name).await,
            ResourceKind::TransformJob => self.describe_transform(&id.name).await,
            ResourceKind::HyperParameterTuningJob => self.describe_tuning(&id.name).await,
            ResourceKind::Endpoint => self.describe_endpoint(&id.name).await,
        };
        let (arn, status, details) = match described {
            Ok(d) => d,
            Err(e) if e.is_not_found() => return Ok(None),
            Err(e) => return Err(e),
        };
        let arn = arn.unwrap_or_else(|| id.arn());
        let tags = self.tags(&arn).await?;
        let mut snapshot = Snapshot {
            id: id.clone(),
            lifecycle: Lifecycle::classify(id.kind, &status),
            arn,
            details,
            tags: Some(tags),
            key_managers: None,
        };
        if let Some(keys) = &self.keys {
            let home = guardrail_core::controls::kms::Home::of(&snapshot);
            let arns = guardrail_core::controls::kms::key_arns(snapshot.key_references(), &home);
            snapshot.key_managers = Some(keys.managers(&arns).await?);
        }
        Ok(Some(snapshot))
    }

    async fn component_endpoint(&self, component: &ResourceId) -> Result<Option<String>, AwsError> {
        self.hosting_endpoint(&component.name).await
    }
}

impl SageMaker {
    /// `DescribeInferenceComponent`'s `EndpointName`; `None` when the component is gone.
    async fn hosting_endpoint(&self, component: &str) -> Result<Option<String>, AwsError> {
        match self
            .client
            .describe_inference_component()
            .inference_component_name(component)
            .send()
            .await
        {
            Ok(out) => Ok(out.endpoint_name().map(str::to_string)),
            Err(e) => {
                let e = classify("DescribeInferenceComponent", e);
                if e.is_not_found() {
                    Ok(None)
                } else {
                    Err(e)
                }
            }
        }
    }
}

/// Calls `$call` with the resource name as `$name_member`; errors are named after the action.
macro_rules! call_named {
    ($client:ident . $call:ident, $name_member:ident, $name:expr, $action:expr) => {
        $client
            .$call()
            .$name_member($name)
            .send()
            .await
            .map(drop)
            .map_err(|e| classify($action.as_str(), e))
    };
}

impl Remediator for SageMaker {
    /// The kind's stop call ([`guardrail_core::kinds::Kind::STOP`]), or an endpoint's rollback.
    async fn remediate(&self, id: &ResourceId, action: &Action) -> Result<(), AwsError> {
        let (client, name) = (&self.client, id.name.as_str());
        match action {
            Action::Stop(ResourceKind::NotebookInstance) => {
                call_named!(
                    client.stop_notebook_instance,
                    notebook_instance_name,
                    name,
                    action
                )
            }
            Action::Stop(ResourceKind::TrainingJob) => {
                call_named!(client.stop_training_job, training_job_name, name, action)
            }
            Action::Stop(ResourceKind::ProcessingJob) => {
                call_named!(
                    client.stop_processing_job,
                    processing_job_name,
                    name,
                    action
                )
            }
            Action::Stop(ResourceKind::TransformJob) => {
                call_named!(client.stop_transform_job, transform_job_name, name, action)
            }
            Action::Stop(ResourceKind::HyperParameterTuningJob) => call_named!(
                client.stop_hyper_parameter_tuning_job,
                hyper_parameter_tuning_job_name,
                name,
                action
            ),
            Action::Stop(ResourceKind::Endpoint) => {
                call_named!(client.delete_endpoint, endpoint_name, name, action)
            }
            Action::RollBackEndpoint { config } => client
                .update_endpoint()
                .endpoint_name(name)
                .endpoint_config_name(config)
                .send()
                .await
                .map(drop)
                .map_err(|e| classify(action.as_str(), e)),
        }
    }
}

#[cfg(test)]
mod tests {
    use aws_sdk_sagemaker::types::{
        ProcessingInstanceType, ProductionVariantInstanceType, TrainingInstanceType,
        TransformInstanceType,
    };

    use guardrail_core::instances::{self, Storage};

    /// Families of this SDK's instance types that the storage table deliberately leaves unknown
    /// (not confirmed in EC2's documentation): their volume key is "cannot evaluate".
    const UNCONFIRMED: &[&str] = &["p6e-gb200"];

    /// Every instance family the SDK knows is classified on purpose: a new family fails this
    /// test until someone looks up its storage and adds it to one table of `instances`.
    #[test]
    fn every_sdk_instance_family_is_in_the_storage_table() {
        let types = TrainingInstanceType::values()
            .iter()
            .chain(ProcessingInstanceType::values())
            .chain(TransformInstanceType::values())
            .chain(ProductionVariantInstanceType::values());
        let mut unclassified: Vec<&str> = types
            .filter(|t| instances::storage(t) == Storage::Unknown)
            .filter_map(|t| instances::family(t))
            .filter(|f| !UNCONFIRMED.contains(f))
            .collect();
        unclassified.sort_unstable();
        unclassified.dedup();
        assert!(unclassified.is_empty(), "unclassified: {unclassified:?}");
    }
}
