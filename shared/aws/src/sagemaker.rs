//! [`ResourceReader`] and [`Remediator`] on SageMaker: Describe* + ListTags, Stop*/DeleteEndpoint.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

use aws_sdk_sagemaker::config::interceptors::AfterDeserializationInterceptorContextRef;
use aws_sdk_sagemaker::config::{ConfigBag, Intercept, RuntimeComponents};
use aws_sdk_sagemaker::error::{BoxError, ProvideErrorMetadata, SdkError};
use aws_sdk_sagemaker::Client;

use futures::{StreamExt, TryStreamExt};
use serde_json::Value;

use super::{classify, KmsKeys};
use guardrail_core::json::FieldError;
use guardrail_core::kinds::{Described, Needed};
use guardrail_core::ports::{AwsError, Remediator, ResourceReader};
use guardrail_core::remediation::Action;
use guardrail_core::resource::*;
use guardrail_core::shape::Shape;

/// Models of one endpoint described at once.
const DEPENDENCY_CONCURRENCY: usize = 4;

/// Keeps the body of a response as it came, to read it with the kind's field mapping (the SDK's
/// typed output has no serialisation). Non-streaming responses are read into memory before
/// they are deserialised, so the body is there after deserialisation.
#[derive(Debug, Clone, Default)]
struct Capture(Arc<Mutex<Option<Vec<u8>>>>);

impl Intercept for Capture {
    fn name(&self) -> &'static str {
        "CaptureResponseBody"
    }

    fn read_after_deserialization(
        &self,
        context: &AfterDeserializationInterceptorContextRef<'_>,
        _components: &RuntimeComponents,
        _cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        if let Some(bytes) = context.response().body().bytes() {
            let mut kept = self.0.lock().unwrap_or_else(|p| p.into_inner());
            *kept = Some(bytes.to_vec());
        }
        Ok(())
    }
}

impl Capture {
    /// The captured response as JSON.
    fn json(&self, operation: &'static str) -> Result<Value, AwsError> {
        let kept = self.0.lock().unwrap_or_else(|p| p.into_inner()).take();
        let bytes = kept.ok_or_else(|| AwsError {
            operation,
            code: "NoResponseBody".into(),
            message: "the response body was not kept".into(),
            retryable: true,
        })?;
        serde_json::from_slice(&bytes).map_err(|e| AwsError {
            operation,
            code: "UnexpectedResponse".into(),
            message: format!("the response is not JSON: {e}"),
            retryable: false,
        })
    }
}

/// A response whose members do not have the documented types.
fn unexpected(operation: &'static str, e: FieldError) -> AwsError {
    AwsError {
        operation,
        code: "UnexpectedResponse".into(),
        message: e.to_string(),
        retryable: false,
    }
}

/// `$call` with the name as `$name_member`, its response body kept by `$capture`.
macro_rules! describe {
    ($client:ident . $call:ident, $name_member:ident, $name:expr, $capture:expr, $operation:expr) => {
        Self::described(
            $operation,
            $capture.clone(),
            $client
                .$call()
                .$name_member($name)
                .customize()
                .interceptor($capture)
                .send(),
        )
        .await
    };
}

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

    /// The Describe response of `call` (made by `send`) as JSON, `None` when the resource does
    /// not exist. The response is captured as it came (see [`Capture`]) and read by the kind's
    /// one field mapping, the same that reads events ([`guardrail_core::kinds::Kind::read`]).
    async fn described<T, E, F>(
        operation: &'static str,
        capture: Capture,
        send: F,
    ) -> Result<Option<Value>, AwsError>
    where
        F: std::future::Future<Output = Result<T, SdkError<E>>>,
        E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
    {
        match send.await {
            Ok(_) => capture.json(operation).map(Some),
            Err(e) => {
                let e = classify(operation, e);
                if e.is_not_found() {
                    Ok(None)
                } else {
                    Err(e)
                }
            }
        }
    }

    /// `Describe*` of the resource `id` names.
    async fn describe_resource(&self, id: &ResourceId) -> Result<Option<Value>, AwsError> {
        let (client, name, capture) = (&self.client, id.name.as_str(), Capture::default());
        let operation = id.kind.describe_call();
        match id.kind {
            ResourceKind::NotebookInstance => {
                describe!(
                    client.describe_notebook_instance,
                    notebook_instance_name,
                    name,
                    capture,
                    operation
                )
            }
            ResourceKind::TrainingJob => {
                describe!(
                    client.describe_training_job,
                    training_job_name,
                    name,
                    capture,
                    operation
                )
            }
            ResourceKind::ProcessingJob => {
                describe!(
                    client.describe_processing_job,
                    processing_job_name,
                    name,
                    capture,
                    operation
                )
            }
            ResourceKind::TransformJob => {
                describe!(
                    client.describe_transform_job,
                    transform_job_name,
                    name,
                    capture,
                    operation
                )
            }
            ResourceKind::HyperParameterTuningJob => describe!(
                client.describe_hyper_parameter_tuning_job,
                hyper_parameter_tuning_job_name,
                name,
                capture,
                operation
            ),
            ResourceKind::Endpoint => {
                describe!(
                    client.describe_endpoint,
                    endpoint_name,
                    name,
                    capture,
                    operation
                )
            }
        }
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
        }
    }

    /// Describes what the configuration still lacks (an endpoint's configuration, then its
    /// models), a few at a time.
    async fn supply_dependencies(&self, details: &mut Details) -> Result<(), AwsError> {
        loop {
            let mut needed = details.needs();
            needed.sort();
            needed.dedup();
            if needed.is_empty() {
                return Ok(());
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
                    .map_err(|e| unexpected(needed.describe_call(), e))?;
            }
        }
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
        let Some(response) = self.describe_resource(id).await? else {
            return Ok(None);
        };
        let operation = id.kind.describe_call();
        let Described {
            arn,
            status,
            mut details,
        } = id
            .kind
            .read_described(&response)
            .map_err(|e| unexpected(operation, e))?;
        self.supply_dependencies(&mut details).await?;
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
