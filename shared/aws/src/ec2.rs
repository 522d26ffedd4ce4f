//! [`NetworkDirectory`] on EC2: which VPC each subnet belongs to (`DescribeSubnets`), cached for
//! the life of the Lambda container (a subnet never moves to another VPC).

use std::collections::{BTreeMap, HashMap};
use std::sync::Mutex;

use aws_sdk_ec2::types::Filter;

use super::classify;
use guardrail_core::ports::{AwsError, NetworkDirectory};
use guardrail_core::resource::ResourceId;

#[derive(Debug)]
pub struct Ec2Subnets {
    client: aws_sdk_ec2::Client,
    cache: Mutex<HashMap<String, String>>,
}

impl Ec2Subnets {
    pub fn new(client: aws_sdk_ec2::Client) -> Ec2Subnets {
        Ec2Subnets {
            client,
            cache: Mutex::new(HashMap::new()),
        }
    }

    fn cached(&self, subnets: &[String]) -> (BTreeMap<String, String>, Vec<String>) {
        let cache = match self.cache.lock() {
            Ok(c) => c,
            Err(poisoned) => poisoned.into_inner(),
        };
        let mut known = BTreeMap::new();
        let mut missing = Vec::new();
        for s in subnets {
            match cache.get(s) {
                Some(vpc) => {
                    known.insert(s.clone(), vpc.clone());
                }
                None => missing.push(s.clone()),
            }
        }
        (known, missing)
    }
}

impl NetworkDirectory for Ec2Subnets {
    async fn subnet_vpcs(
        &self,
        _resource: &ResourceId,
        subnets: &[String],
    ) -> Result<BTreeMap<String, String>, AwsError> {
        let (mut known, missing) = self.cached(subnets);
        if missing.is_empty() {
            return Ok(known);
        }
        // A filter, unlike SubnetIds, does not fail the whole call for one unknown subnet.
        let filter = Filter::builder()
            .name("subnet-id")
            .set_values(Some(missing))
            .build();
        let mut pages = self
            .client
            .describe_subnets()
            .filters(filter)
            .into_paginator()
            .items()
            .send();
        let mut found = Vec::new();
        while let Some(subnet) = pages.next().await {
            let subnet = subnet.map_err(|e| classify("DescribeSubnets", e))?;
            if let (Some(id), Some(vpc)) = (subnet.subnet_id(), subnet.vpc_id()) {
                found.push((id.to_string(), vpc.to_string()));
            }
        }
        let mut cache = match self.cache.lock() {
            Ok(c) => c,
            Err(poisoned) => poisoned.into_inner(),
        };
        for (id, vpc) in found {
            cache.insert(id.clone(), vpc.clone());
            known.insert(id, vpc);
        }
        Ok(known)
    }
}
