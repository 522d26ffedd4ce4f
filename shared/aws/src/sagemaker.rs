//! [`ResourceReader`] and [`Remediator`] on SageMaker: Describe* (read by the kind's field
//! mapping) + ListTags, the kind's stop call, an endpoint's rollback.

use std::collections::BTreeMap;

use aws_sdk_sagemaker::Client;
use futures::{StreamExt, TryStreamExt};
use serde_json::Value;

use super::{classify, KmsKeys};
use crate::calls::{self, describe, Capture};
use crate::{experiments, registry, studio};
use guardrail_core::kinds::{Described, Needed};
use guardrail_core::ports::{AwsError, Known, Remediator, ResourceReader};
use guardrail_core::remediation::Action;
use guardrail_core::resource::*;
use guardrail_core::shape::Shape;

/// Dependencies (an endpoint's models) described at once.
const DEPENDENCY_CONCURRENCY: usize = 4;

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

    /// `DescribeModel` or `DescribeEndpointConfig`; a dependency without a name does not exist.
    async fn describe_needed(&self, needed: &Needed) -> Result<Option<Value>, AwsError> {
        let (client, name, capture) = (&self.client, needed.name(), Capture::default());
        let operation = needed.describe_call();
        if name.is_empty() {
            return Ok(None);
        }
        match needed {
            Needed::Model(_) => {
                describe!(client.describe_model, model_name, name, capture, operation)
            }
            Needed::EndpointConfig(_) => describe!(
                client.describe_endpoint_config,
                endpoint_config_name,
                name,
                capture,
                operation
            ),
            Needed::Domain(_) => studio::describe_studio(client, ResourceKind::Domain, name).await,
            Needed::UserProfile(_) => {
                studio::describe_studio(client, ResourceKind::UserProfile, name).await
            }
            Needed::Space(_) => studio::describe_studio(client, ResourceKind::Space, name).await,
            Needed::NotebookLifecycleConfig(_) => describe!(
                client.describe_notebook_instance_lifecycle_config,
                notebook_instance_lifecycle_config_name,
                name,
                capture,
                operation
            ),
            Needed::MonitoringJobDefinition {
                monitoring_type, ..
            } => match monitoring_type.as_str() {
                "ModelQuality" => describe!(
                    client.describe_model_quality_job_definition,
                    job_definition_name,
                    name,
                    capture,
                    operation
                ),
                "ModelBias" => describe!(
                    client.describe_model_bias_job_definition,
                    job_definition_name,
                    name,
                    capture,
                    operation
                ),
                "ModelExplainability" => describe!(
                    client.describe_model_explainability_job_definition,
                    job_definition_name,
                    name,
                    capture,
                    operation
                ),
                _ => describe!(
                    client.describe_data_quality_job_definition,
                    job_definition_name,
                    name,
                    capture,
                    operation
                ),
            },
        }
    }

    /// Describes what the configuration still lacks (an endpoint's configuration, then its
    /// models), a few at a time. Dependencies are at most two deep; what a kind still lacks after
    /// that stays `NotDescribed`, which its controls report as "cannot evaluate", never a pass.
    async fn supply_dependencies(&self, details: &mut Details) -> Result<(), AwsError> {
        const DEPTH: usize = 2;
        for _ in 0..DEPTH {
            let mut needed = details.needs();
            // (a name infrastructure code leaves unsettled names nothing to describe)
            needed.retain(|n| !guardrail_core::iac::cfn::is_unresolved(n.name()));
            needed.sort();
            needed.dedup();
            if needed.is_empty() {
                break;
            }
            let described: Vec<(Needed, Option<Value>)> = futures::stream::iter(needed)
                .map(|n| async move {
                    let json = self.describe_needed(&n).await?;
                    Ok::<_, AwsError>((n, json))
                })
                .buffered(DEPENDENCY_CONCURRENCY)
                .try_collect()
                .await?;
            for (needed, json) in described {
                let shape = json
                    .as_ref()
                    .map(|v| Shape::response(v, needed.describe_call()));
                details
                    .supply(&needed, shape.as_ref())
                    .map_err(|e| calls::unexpected(needed.describe_call(), e))?;
            }
        }
        Ok(())
    }
}

impl SageMaker {
    /// What a snapshot read from infrastructure code still lacks, described live
    /// (`guardrail iac --live`): the resources it runs with that the code does not declare (an
    /// endpoint's existing configuration and models, a profile's domain), and who manages the
    /// keys it names that the code does not create.
    pub async fn complete(&self, snapshot: &mut Snapshot) -> Result<(), AwsError> {
        self.supply_dependencies(&mut snapshot.details).await?;
        if let Some(keys) = &self.keys {
            let home = guardrail_core::controls::kms::Home::of(snapshot);
            let known = snapshot.key_managers.clone().unwrap_or_default();
            let references: Vec<&str> = snapshot
                .key_references()
                .into_iter()
                .filter(|k| !known.contains_key(*k))
                .filter(|k| !guardrail_core::iac::cfn::is_unresolved(k))
                .collect();
            let arns = guardrail_core::controls::kms::key_arns(references, &home);
            let mut managers = keys.managers(&arns).await?;
            managers.extend(known);
            snapshot.key_managers = Some(managers);
        }
        Ok(())
    }
}

impl ResourceReader for SageMaker {
    async fn describe(&self, id: &ResourceId) -> Result<Option<Snapshot>, AwsError> {
        let Some(response) = self.described(id).await? else {
            return Ok(None);
        };
        self.completed(id, response, None).await.map(Some)
    }

    /// A whole record (`Search`: the Describe response's members and `Tags`) is not
    /// described; known tags are not listed.
    async fn read_known(
        &self,
        id: &ResourceId,
        known: &Known,
    ) -> Result<Option<Snapshot>, AwsError> {
        match (&known.record, &known.tags) {
            (Some(record), _) => {
                let tags = crate::search::tags(record);
                self.completed(id, record.clone(), Some(tags))
                    .await
                    .map(Some)
            }
            (None, Some(tags)) => {
                let Some(response) = self.described(id).await? else {
                    return Ok(None);
                };
                self.completed(id, response, Some(tags.clone()))
                    .await
                    .map(Some)
            }
            (None, None) => self.describe(id).await,
        }
    }

    async fn component_endpoint(&self, component: &ResourceId) -> Result<Option<String>, AwsError> {
        self.hosting_endpoint(&component.name).await
    }

    async fn running_apps(&self, scope: &ResourceId) -> Result<Vec<ResourceId>, AwsError> {
        let apps = studio::studio_apps(&self.client, scope.kind, &scope.name).await?;
        Ok(apps
            .into_iter()
            .map(|app| ResourceId {
                kind: ResourceKind::App,
                name: app.name(),
                account: scope.account.clone(),
                region: scope.region.clone(),
            })
            .collect())
    }
}

impl SageMaker {
    /// The Describe response of the resource, `None` when it is gone.
    async fn described(&self, id: &ResourceId) -> Result<Option<Value>, AwsError> {
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
        let response = if studio::is_studio(id.kind) {
            studio::describe_studio(&self.client, id.kind, &id.name).await?
        } else if id.kind == ResourceKind::ModelPackage {
            registry::describe_package(&self.client, &id.call_name()).await?
        } else {
            calls::describe_kind(&self.client, id.kind, &id.call_name()).await?
        };
        Ok(response)
    }

    /// The snapshot of a resource from its Describe response (or a record of the same
    /// members): its tags (`tags`, or ListTags), what it runs with, who manages its keys.
    async fn completed(
        &self,
        id: &ResourceId,
        response: Value,
        tags: Option<BTreeMap<String, String>>,
    ) -> Result<Snapshot, AwsError> {
        let operation = id.kind.describe_call();
        let Described {
            arn,
            status,
            created_ms,
            mut details,
        } = id
            .kind
            .read_described(&response)
            .map_err(|e| calls::unexpected(operation, e))?;
        let arn = arn.unwrap_or_else(|| id.arn());
        // The tags and the dependencies (an endpoint's configuration and models) are independent.
        let listed = async {
            match tags {
                Some(tags) => Ok(tags),
                None => self.tags(&arn).await,
            }
        };
        let (tags, supplied) = tokio::join!(listed, self.supply_dependencies(&mut details));
        let (tags, ()) = (tags?, supplied?);
        // A call may name the resource by its ARN (`UpdateCluster` takes one): the snapshot is
        // named as the Describe response names it.
        let mut id = id.clone();
        if id.name.starts_with("arn:") {
            let named = response.get(id.kind.state_change().name_key);
            if let Some(name) = named.and_then(Value::as_str) {
                id.name = name.to_string();
            }
        }
        let mut snapshot = Snapshot {
            lifecycle: Lifecycle::classify(id.kind, &status),
            id,
            arn,
            details,
            tags: Some(tags),
            key_managers: None,
            key_accounts: None,
            created_ms,
        };
        if let Some(keys) = &self.keys {
            let home = guardrail_core::controls::kms::Home::of(&snapshot);
            let arns = guardrail_core::controls::kms::key_arns(snapshot.key_references(), &home);
            snapshot.key_managers = Some(keys.managers(&arns).await?);
        }
        Ok(snapshot)
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

impl Remediator for SageMaker {
    /// The kind's stop call ([`guardrail_core::kinds::Kind::STOP`]), or an endpoint's rollback.
    async fn remediate(&self, id: &ResourceId, action: &Action) -> Result<(), AwsError> {
        match action {
            Action::Stop(kind) if studio::is_studio(*kind) => {
                studio::delete_studio_app(&self.client, *kind, &id.name).await
            }
            Action::Stop(ResourceKind::InferenceExperiment) => {
                experiments::stop_experiment(&self.client, &id.name).await
            }
            Action::Stop(ResourceKind::ModelPackage) => {
                registry::reject(&self.client, &id.call_name()).await
            }
            Action::Stop(kind) => calls::stop_kind(&self.client, *kind, &id.call_name()).await,
            Action::RollBackEndpoint { config } => self
                .client
                .update_endpoint()
                .endpoint_name(&id.name)
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
