//! Tags in bulk for the sweep: the Resource Groups Tagging API's `GetResources` answers the tags
//! of up to 100 resources named by ARN a call, where SageMaker's `ListTags` takes one call a
//! resource. The sweep uses it for the kinds it lists without `Search` ([`BULK_TAGGED`]; Cloud
//! Custodian reads the same kinds' tags through it, its `universal_taggable` SageMaker
//! resources).
//!
//! `GetResources` answers only resources that are or were tagged, from an index that can lag
//! behind the resources: a resource it does not answer is taken as untagged, and a problem a
//! judgement on these tags shows is judged again on a live read (`ListTags`) before anything is
//! done about it (the inspector's `inspect_read`).

use std::collections::BTreeMap;

use aws_config::SdkConfig;
use aws_sdk_resourcegroupstagging::Client;

use crate::classify;
use guardrail_core::ports::AwsError;
use guardrail_core::resource::ResourceKind;

/// The kinds whose tags the sweep reads in bulk.
pub const BULK_TAGGED: [ResourceKind; 3] = [
    ResourceKind::NotebookInstance,
    ResourceKind::ProcessingJob,
    ResourceKind::TransformJob,
];

/// `GetResources`' limit on `ResourceARNList`.
const ARNS_PER_CALL: usize = 100;

/// Resources' tags, 100 a call.
#[derive(Debug, Clone)]
pub struct BulkTags {
    client: Client,
}

impl BulkTags {
    pub fn new(config: &SdkConfig) -> BulkTags {
        BulkTags {
            client: Client::new(config),
        }
    }

    /// The tags of the resources `arns` names, by lower-case ARN (SageMaker writes its resource
    /// names in ARNs in lower case); a resource the answer leaves out has none.
    pub async fn of(
        &self,
        arns: &[String],
    ) -> Result<BTreeMap<String, BTreeMap<String, String>>, AwsError> {
        let client = &self.client;
        let mut tags: BTreeMap<String, BTreeMap<String, String>> = arns
            .iter()
            .map(|arn| (arn.to_ascii_lowercase(), BTreeMap::new()))
            .collect();
        for chunk in arns.chunks(ARNS_PER_CALL) {
            let mut pages = client
                .get_resources()
                .set_resource_arn_list(Some(chunk.to_vec()))
                .into_paginator()
                .send();
            while let Some(page) = pages.next().await {
                let page = page.map_err(|e| classify("GetResources", e))?;
                for mapping in page.resource_tag_mapping_list() {
                    let Some(arn) = mapping.resource_arn() else {
                        continue;
                    };
                    let Some(of) = tags.get_mut(&arn.to_ascii_lowercase()) else {
                        continue;
                    };
                    of.extend(
                        mapping
                            .tags()
                            .iter()
                            .map(|t| (t.key().to_string(), t.value().to_string())),
                    );
                }
            }
        }
        Ok(tags)
    }
}
