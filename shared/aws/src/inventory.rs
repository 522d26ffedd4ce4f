//! [`Inventory`] on SageMaker: the List* calls of the sweep, with the server-side status filters
//! each kind declares ([`guardrail_core::kinds::Kind::LISTING`]).

use aws_sdk_sagemaker::types::{
    HyperParameterTuningJobStatus, NotebookInstanceStatus, ProcessingJobStatus, TrainingJobStatus,
    TransformJobStatus,
};
use aws_sdk_sagemaker::Client;

use super::classify;
use guardrail_core::ports::{AwsError, Inventory};
use guardrail_core::resource::ResourceKind;

const PAGE: i32 = 100;

#[derive(Debug, Clone)]
pub struct SageMakerInventory {
    client: Client,
}

impl SageMakerInventory {
    pub fn new(client: Client) -> SageMakerInventory {
        SageMakerInventory { client }
    }
}

/// Every page of a List* call, filtered by `status` when given: the names of the items, less
/// those in a status the kind's `listing` excludes.
macro_rules! list {
    ($client:ident . $call:ident, $status:expr, $items:ident, $name:ident, $item_status:ident,
     $listing:expr) => {{
        let mut request = $client.$call().max_results(PAGE);
        if let Some(status) = $status {
            request = request.status_equals(status);
        }
        let mut pages = request.into_paginator().send();
        let mut names = Vec::new();
        while let Some(page) = pages.next().await {
            let page = page.map_err(|e| classify($listing.call, e))?;
            names.extend(
                page.$items()
                    .iter()
                    .filter(|i| {
                        i.$item_status()
                            .is_none_or(|s| !$listing.excluded.contains(&s.as_str()))
                    })
                    .filter_map(|i| i.$name().map(str::to_string)),
            );
        }
        Ok::<Vec<String>, AwsError>(names)
    }};
}

impl SageMakerInventory {
    /// The names of the resources of `kind` listed with `status` (`None`: any status, less the
    /// kind's excluded ones).
    async fn list(
        &self,
        kind: ResourceKind,
        status: Option<&str>,
    ) -> Result<Vec<String>, AwsError> {
        let client = &self.client;
        let listing = kind.listing();
        match kind {
            ResourceKind::NotebookInstance => list!(
                client.list_notebook_instances,
                status.map(NotebookInstanceStatus::from),
                notebook_instances,
                notebook_instance_name,
                notebook_instance_status,
                listing
            ),
            ResourceKind::TrainingJob => list!(
                client.list_training_jobs,
                status.map(TrainingJobStatus::from),
                training_job_summaries,
                training_job_name,
                training_job_status,
                listing
            ),
            ResourceKind::ProcessingJob => list!(
                client.list_processing_jobs,
                status.map(ProcessingJobStatus::from),
                processing_job_summaries,
                processing_job_name,
                processing_job_status,
                listing
            ),
            ResourceKind::TransformJob => list!(
                client.list_transform_jobs,
                status.map(TransformJobStatus::from),
                transform_job_summaries,
                transform_job_name,
                transform_job_status,
                listing
            ),
            ResourceKind::HyperParameterTuningJob => list!(
                client.list_hyper_parameter_tuning_jobs,
                status.map(HyperParameterTuningJobStatus::from),
                hyper_parameter_tuning_job_summaries,
                hyper_parameter_tuning_job_name,
                hyper_parameter_tuning_job_status,
                listing
            ),
            ResourceKind::Endpoint => list!(
                client.list_endpoints,
                status.map(aws_sdk_sagemaker::types::EndpointStatus::from),
                endpoints,
                endpoint_name,
                endpoint_status,
                listing
            ),
        }
    }
}

impl Inventory for SageMakerInventory {
    /// Active means what the kind's listing says: notebooks `InService` or `Pending`, jobs
    /// `InProgress`, endpoints not `Deleting`. The account and region are those of the client
    /// (see [`super::fleet`]).
    async fn active(
        &self,
        _account: &str,
        _region: &str,
        kind: ResourceKind,
    ) -> Result<Vec<String>, AwsError> {
        let listing = kind.listing();
        if listing.statuses.is_empty() {
            return self.list(kind, None).await;
        }
        let mut names = Vec::new();
        for status in listing.statuses {
            names.extend(self.list(kind, Some(status)).await?);
        }
        Ok(names)
    }
}
