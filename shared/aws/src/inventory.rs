//! [`Inventory`] on SageMaker: the List* calls of the sweep ([`crate::calls::list_kind`]), with
//! the server-side status filters each kind declares ([`guardrail_core::kinds::Kind::LISTING`]).

use aws_sdk_sagemaker::Client;

use crate::calls::list_kind;
use crate::studio_inventory::list_studio;
use guardrail_core::ports::{AwsError, Inventory, Listed};
use guardrail_core::resource::ResourceKind;

#[derive(Debug, Clone)]
pub struct SageMakerInventory {
    client: Client,
}

impl SageMakerInventory {
    pub fn new(client: Client) -> SageMakerInventory {
        SageMakerInventory { client }
    }
}

impl Inventory for SageMakerInventory {
    /// Active means what the kind's listing says: notebooks `InService` or `Pending`, jobs
    /// `InProgress`, endpoints not `Deleting`, Studio resources not deleted or failed. The account and region are those of the client
    /// (see [`super::fleet`]).
    async fn active(
        &self,
        _account: &str,
        _region: &str,
        kind: ResourceKind,
    ) -> Result<Vec<Listed>, AwsError> {
        if crate::studio::is_studio(kind) {
            return list_studio(&self.client, kind).await;
        }
        let listing = kind.listing();
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
