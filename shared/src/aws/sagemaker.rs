//! [`ResourceReader`] and [`Remediator`] on SageMaker: Describe* + ListTags, Stop*/DeleteEndpoint.

use std::collections::BTreeMap;

use aws_sdk_sagemaker::types::{HyperParameterTrainingJobDefinition, VpcConfig};
use aws_sdk_sagemaker::Client;
use futures::{StreamExt, TryStreamExt};

use super::classify;
use crate::ports::{AwsError, Remediator, ResourceReader};
use crate::remediation::Action;
use crate::resource::*;

/// Models of one endpoint described at once.
const MODEL_CONCURRENCY: usize = 4;

/// SageMaker in one account and region.
#[derive(Debug, Clone)]
pub struct SageMaker {
    client: Client,
}

impl SageMaker {
    pub fn new(client: Client) -> SageMaker {
        SageMaker { client }
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
        let details = Details::ProcessingJob(JobConfig {
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
        let details = Details::TransformJob(TransformConfig {
            model: self.describe_model(&model_name).await?,
            model_name,
            volume_kms_key_id: out
                .transform_resources()
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
        let Some(config_name) = out.endpoint_config_name() else {
            return Ok((arn, status, Details::Endpoint(None)));
        };
        let config = self
            .client
            .describe_endpoint_config()
            .endpoint_config_name(config_name)
            .send()
            .await
            .map_err(|e| classify("DescribeEndpointConfig", e))?;
        let names: Vec<(String, String)> = config
            .production_variants()
            .iter()
            .map(|v| {
                let name = |s: Option<&str>| s.unwrap_or_default().to_string();
                (name(v.variant_name()), name(v.model_name()))
            })
            .collect();
        let variants = futures::stream::iter(names.into_iter().map(
            |(variant_name, model_name)| async move {
                let model = self.describe_model(&model_name).await?;
                Ok::<_, AwsError>(VariantModel {
                    variant_name,
                    model_name,
                    model,
                })
            },
        ))
        .buffered(MODEL_CONCURRENCY)
        .try_collect()
        .await?;
        let details = Details::Endpoint(Some(EndpointConfig {
            config_name: config_name.to_string(),
            kms_key_id: config.kms_key_id().map(str::to_string),
            data_capture: config.data_capture_config().map(|d| DataCapture {
                enabled: d.enable_capture().unwrap_or(true),
                kms_key_id: d.kms_key_id().map(str::to_string),
            }),
            variants,
        }));
        Ok((arn, status, details))
    }

    /// A model's settings, or `None` if it was deleted since the endpoint configuration was made.
    async fn describe_model(&self, name: &str) -> Result<Option<ModelConfig>, AwsError> {
        if name.is_empty() {
            return Ok(None);
        }
        match self.client.describe_model().model_name(name).send().await {
            Ok(out) => Ok(Some(ModelConfig {
                vpc: out.vpc_config().map(vpc),
                network_isolation: out.enable_network_isolation().unwrap_or(false),
            })),
            Err(e) => {
                let e = classify("DescribeModel", e);
                if e.is_not_found() {
                    Ok(None)
                } else {
                    Err(e)
                }
            }
        }
    }
}

fn tuning_definition(d: &HyperParameterTrainingJobDefinition) -> JobConfig {
    JobConfig {
        vpc: d.vpc_config().map(vpc),
        volume_kms_key_id: d
            .resource_config()
            .and_then(|r| r.volume_kms_key_id())
            .map(str::to_string),
        output_kms_key_id: d
            .output_data_config()
            .and_then(|o| o.kms_key_id())
            .map(str::to_string),
        inter_container_encryption: d
            .enable_inter_container_traffic_encryption()
            .unwrap_or(false),
        network_isolation: d.enable_network_isolation().unwrap_or(false),
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
        Ok(Some(Snapshot {
            id: id.clone(),
            lifecycle: Lifecycle::classify(id.kind, &status),
            arn,
            details,
            tags: Some(tags),
        }))
    }
}

impl Remediator for SageMaker {
    async fn remediate(&self, id: &ResourceId, action: Action) -> Result<(), AwsError> {
        let name = id.name.as_str();
        match action {
            Action::StopNotebookInstance => self
                .client
                .stop_notebook_instance()
                .notebook_instance_name(name)
                .send()
                .await
                .map(drop)
                .map_err(|e| classify("StopNotebookInstance", e)),
            Action::StopTrainingJob => self
                .client
                .stop_training_job()
                .training_job_name(name)
                .send()
                .await
                .map(drop)
                .map_err(|e| classify("StopTrainingJob", e)),
            Action::StopProcessingJob => self
                .client
                .stop_processing_job()
                .processing_job_name(name)
                .send()
                .await
                .map(drop)
                .map_err(|e| classify("StopProcessingJob", e)),
            Action::StopTransformJob => self
                .client
                .stop_transform_job()
                .transform_job_name(name)
                .send()
                .await
                .map(drop)
                .map_err(|e| classify("StopTransformJob", e)),
            Action::StopHyperParameterTuningJob => self
                .client
                .stop_hyper_parameter_tuning_job()
                .hyper_parameter_tuning_job_name(name)
                .send()
                .await
                .map(drop)
                .map_err(|e| classify("StopHyperParameterTuningJob", e)),
            Action::DeleteEndpoint => self
                .client
                .delete_endpoint()
                .endpoint_name(name)
                .send()
                .await
                .map(drop)
                .map_err(|e| classify("DeleteEndpoint", e)),
        }
    }
}
