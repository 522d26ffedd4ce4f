//! [`Inventory`] on SageMaker: the List* calls of the sweep, with server-side status filters.

use aws_sdk_sagemaker::types::{
    HyperParameterTuningJobStatus, NotebookInstanceStatus, ProcessingJobStatus, TrainingJobStatus,
    TransformJobStatus,
};
use aws_sdk_sagemaker::Client;

use super::classify;
use guardrail_core::ports::{AwsError, Inventory};
use guardrail_core::resource::ResourceKind;

/// Page size of every list call (the API maximum is 100).
const PAGE: i32 = 100;

/// SageMaker's List* calls in one account and region.
#[derive(Debug, Clone)]
pub struct SageMakerInventory {
    client: Client,
}

impl SageMakerInventory {
    pub fn new(client: Client) -> SageMakerInventory {
        SageMakerInventory { client }
    }

    async fn notebooks(&self, status: NotebookInstanceStatus) -> Result<Vec<String>, AwsError> {
        let mut pages = self
            .client
            .list_notebook_instances()
            .status_equals(status)
            .max_results(PAGE)
            .into_paginator()
            .send();
        let mut names = Vec::new();
        while let Some(page) = pages.next().await {
            let page = page.map_err(|e| classify("ListNotebookInstances", e))?;
            names.extend(
                page.notebook_instances()
                    .iter()
                    .filter_map(|n| n.notebook_instance_name().map(str::to_string)),
            );
        }
        Ok(names)
    }

    async fn training(&self) -> Result<Vec<String>, AwsError> {
        let mut pages = self
            .client
            .list_training_jobs()
            .status_equals(TrainingJobStatus::InProgress)
            .max_results(PAGE)
            .into_paginator()
            .send();
        let mut names = Vec::new();
        while let Some(page) = pages.next().await {
            let page = page.map_err(|e| classify("ListTrainingJobs", e))?;
            names.extend(
                page.training_job_summaries()
                    .iter()
                    .filter_map(|j| j.training_job_name().map(str::to_string)),
            );
        }
        Ok(names)
    }

    async fn processing(&self) -> Result<Vec<String>, AwsError> {
        let mut pages = self
            .client
            .list_processing_jobs()
            .status_equals(ProcessingJobStatus::InProgress)
            .max_results(PAGE)
            .into_paginator()
            .send();
        let mut names = Vec::new();
        while let Some(page) = pages.next().await {
            let page = page.map_err(|e| classify("ListProcessingJobs", e))?;
            names.extend(
                page.processing_job_summaries()
                    .iter()
                    .filter_map(|j| j.processing_job_name().map(str::to_string)),
            );
        }
        Ok(names)
    }

    async fn transform(&self) -> Result<Vec<String>, AwsError> {
        let mut pages = self
            .client
            .list_transform_jobs()
            .status_equals(TransformJobStatus::InProgress)
            .max_results(PAGE)
            .into_paginator()
            .send();
        let mut names = Vec::new();
        while let Some(page) = pages.next().await {
            let page = page.map_err(|e| classify("ListTransformJobs", e))?;
            names.extend(
                page.transform_job_summaries()
                    .iter()
                    .filter_map(|j| j.transform_job_name().map(str::to_string)),
            );
        }
        Ok(names)
    }

    async fn tuning(&self) -> Result<Vec<String>, AwsError> {
        let mut pages = self
            .client
            .list_hyper_parameter_tuning_jobs()
            .status_equals(HyperParameterTuningJobStatus::InProgress)
            .max_results(PAGE)
            .into_paginator()
            .send();
        let mut names = Vec::new();
        while let Some(page) = pages.next().await {
            let page = page.map_err(|e| classify("ListHyperParameterTuningJobs", e))?;
            names.extend(
                page.hyper_parameter_tuning_job_summaries()
                    .iter()
                    .filter_map(|j| j.hyper_parameter_tuning_job_name().map(str::to_string)),
            );
        }
        Ok(names)
    }

    /// Every endpoint but those being deleted. Deleted endpoints disappear from the list, so
    /// the list is already only what exists; `StatusEquals` takes one status of nine, and one
    /// call per status would multiply the calls for no fewer results.
    async fn endpoints(&self) -> Result<Vec<String>, AwsError> {
        let mut pages = self
            .client
            .list_endpoints()
            .max_results(PAGE)
            .into_paginator()
            .send();
        let mut names = Vec::new();
        while let Some(page) = pages.next().await {
            let page = page.map_err(|e| classify("ListEndpoints", e))?;
            names.extend(
                page.endpoints()
                    .iter()
                    .filter(|e| e.endpoint_status().map(|s| s.as_str()) != Some("Deleting"))
                    .filter_map(|e| e.endpoint_name().map(str::to_string)),
            );
        }
        Ok(names)
    }
}

impl Inventory for SageMakerInventory {
    /// Active means: notebooks `InService` or `Pending`, jobs `InProgress`, endpoints not
    /// `Deleting`. The account and region are those of the client (see [`super::fleet`]).
    async fn active(
        &self,
        _account: &str,
        _region: &str,
        kind: ResourceKind,
    ) -> Result<Vec<String>, AwsError> {
        match kind {
            ResourceKind::NotebookInstance => {
                let mut names = self.notebooks(NotebookInstanceStatus::InService).await?;
                names.extend(self.notebooks(NotebookInstanceStatus::Pending).await?);
                Ok(names)
            }
            ResourceKind::TrainingJob => self.training().await,
            ResourceKind::ProcessingJob => self.processing().await,
            ResourceKind::TransformJob => self.transform().await,
            ResourceKind::HyperParameterTuningJob => self.tuning().await,
            ResourceKind::Endpoint => self.endpoints().await,
        }
    }
}
