//! [`Inventory`] on SageMaker: the List* calls of the sweep ([`crate::calls::list_kind`]), with
//! the server-side status filters each kind declares ([`guardrail_core::kinds::Kind::LISTING`]),
//! `Search` where it covers the kind ([`crate::search`]), and the tags of the kinds it does not
//! cover in bulk ([`crate::tagging`]).

use aws_config::SdkConfig;
use aws_sdk_sagemaker::types::{ModelApprovalStatus, ModelPackageType};
use aws_sdk_sagemaker::Client;
use tracing::warn;

use crate::calls::{list_kind, PAGE};
use crate::classify;
use crate::studio_inventory::list_studio;
use crate::tagging::{BulkTags, BULK_TAGGED};
use guardrail_core::event::name_from_arn;
use guardrail_core::ports::{AwsError, Inventory, Listed};
use guardrail_core::resource::{ResourceId, ResourceKind};

#[derive(Debug, Clone)]
pub struct SageMakerInventory {
    client: Client,
    tags: BulkTags,
}

impl SageMakerInventory {
    pub fn new(config: &SdkConfig) -> SageMakerInventory {
        SageMakerInventory {
            client: Client::new(config),
            tags: BulkTags::new(config),
        }
    }

    /// The listed resources' tags, read in bulk: not listed again one by one. A failed bulk
    /// read leaves them to be (a deployment that does not grant `tag:GetResources` yet).
    async fn with_tags(
        &self,
        account: &str,
        region: &str,
        kind: ResourceKind,
        listed: &mut [Listed],
    ) {
        let arns: Vec<String> = listed
            .iter()
            .map(|l| {
                ResourceId {
                    kind,
                    name: l.name.clone(),
                    account: account.to_string(),
                    region: region.to_string(),
                }
                .arn()
            })
            .collect();
        match self.tags.of(&arns).await {
            Ok(mut tags) => {
                for (item, arn) in listed.iter_mut().zip(&arns) {
                    item.known.tags = tags.remove(&arn.to_ascii_lowercase());
                }
            }
            Err(e) => {
                warn!(account, region, %kind, error = %e, "tags not read in bulk: read one by one")
            }
        }
    }
}

impl Inventory for SageMakerInventory {
    /// Active means what the kind's listing says: notebooks `InService` or `Pending`, jobs
    /// `InProgress`, endpoints not `Deleting`, Studio resources not deleted or failed. The account and region are those of the client
    /// (see [`super::fleet`]).
    async fn active(
        &self,
        account: &str,
        region: &str,
        kind: ResourceKind,
    ) -> Result<Vec<Listed>, AwsError> {
        let mut listed = self.listed(kind).await?;
        if BULK_TAGGED.contains(&kind) && !listed.is_empty() {
            self.with_tags(account, region, kind, &mut listed).await;
        }
        Ok(listed)
    }
}

impl SageMakerInventory {
    async fn listed(&self, kind: ResourceKind) -> Result<Vec<Listed>, AwsError> {
        if crate::studio::is_studio(kind) {
            return list_studio(&self.client, kind).await;
        }
        // (whole resources and their tags, 100 a page, where `Search` covers the kind)
        if let Some(listed) = crate::search::search_kind(&self.client, kind).await? {
            return Ok(listed);
        }
        let listing = kind.listing();
        if kind == ResourceKind::ModelPackage {
            // Versions by approval status; unversioned packages (no status) all.
            let mut listed = Vec::new();
            for status in listing.statuses {
                let versions =
                    list_packages(&self.client, ModelPackageType::Versioned, Some(status));
                listed.extend(versions.await?);
            }
            listed.extend(list_packages(&self.client, ModelPackageType::Unversioned, None).await?);
            return Ok(listed);
        }
        if listing.statuses.is_empty() {
            return list_kind(&self.client, kind, None).await;
        }
        let mut listed = Vec::new();
        for status in listing.statuses {
            listed.extend(list_kind(&self.client, kind, Some(status)).await?);
        }
        Ok(listed)
    }
}

/// The packages of `package_type` (`ListModelPackages` lists unversioned ones unless told),
/// with approval `status` when given, named by their ARNs.
async fn list_packages(
    client: &Client,
    package_type: ModelPackageType,
    status: Option<&str>,
) -> Result<Vec<Listed>, AwsError> {
    let mut pages = client
        .list_model_packages()
        .model_package_type(package_type)
        .set_model_approval_status(status.map(ModelApprovalStatus::from))
        .max_results(PAGE)
        .into_paginator()
        .send();
    let mut listed = Vec::new();
    while let Some(page) = pages.next().await {
        let page = page.map_err(|e| classify("ListModelPackages", e))?;
        listed.extend(page.model_package_summary_list().iter().filter_map(|p| {
            Some(Listed {
                name: name_from_arn(p.model_package_arn()?, ResourceKind::ModelPackage)?,
                created: p.creation_time().map(|t| t.secs()),
                known: Default::default(),
            })
        }));
    }
    Ok(listed)
}
