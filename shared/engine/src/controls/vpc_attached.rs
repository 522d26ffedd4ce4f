//! `vpc-attached`: the resource runs inside the organisation's VPC.
//!
//! **What** — notebook `SubnetId` + `SecurityGroups`, training job `VpcConfig`, processing job
//! `NetworkConfig.VpcConfig`, the `VpcConfig` of every training job definition of a tuning job,
//! the `VpcConfig` of a transform job's model, and for an endpoint the `VpcConfig` of every
//! production variant's model. With allow-lists in the policy, the VPC and every subnet and security group must be in
//! them (the VPC of the subnets is looked up with EC2 `DescribeSubnets`, only when the policy has
//! a VPC allow-list).
//!
//! **Why** — outside a VPC, SageMaker runs the containers in a service-managed network with
//! internet access: data can leave without passing the organisation's egress controls, flow logs
//! or VPC endpoints policies.
//!
//! **Example** — `CreateTrainingJob` without `VpcConfig` fails; a job in `subnet-0fff...` when the
//! policy allows only `subnet-0a1b...` fails too.
//!
//! **Fix** — pass `VpcConfig` (jobs, models) or `SubnetId` and `SecurityGroupIds` (notebooks) from
//! the approved subnets and security groups.

use super::{check_vpc, Check};
use crate::policy::VpcSettings;
use crate::resource::{Details, Snapshot};

pub const REMEDY: &str = "Attach the resource to approved private subnets and security groups (VpcConfig; SubnetId + SecurityGroupIds on notebooks; the model's VpcConfig for endpoints and transform jobs).";

pub fn check(snapshot: &Snapshot, settings: &VpcSettings) -> Check {
    match &snapshot.details {
        Details::NotebookInstance(n) => check_vpc(n.vpc.as_ref(), settings),
        Details::TrainingJob(j) | Details::ProcessingJob(j) => check_vpc(j.vpc.as_ref(), settings),
        Details::TransformJob(t) => {
            super::on_dependency(&t.model, "model", |m| check_vpc(m.vpc.as_ref(), settings))
        }
        Details::HyperParameterTuningJob(defs) => {
            super::per_definition(defs, |j| check_vpc(j.vpc.as_ref(), settings))
        }
        Details::Endpoint(e) => super::per_model(
            e,
            |m| check_vpc(m.vpc.as_ref(), settings),
            |c| check_vpc(c.vpc.as_ref(), settings),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::controls::fixtures::*;
    use crate::resource::{Dependency, VariantModel, VpcAttachment};

    #[test]
    fn table() {
        let any = VpcSettings::default();
        let allow = VpcSettings {
            allowed_vpcs: vec![],
            allowed_subnets: vec!["subnet-0a1b2c3d4e5f60001".into()],
            allowed_security_groups: vec!["sg-0a1b2c3d4e5f60001".into()],
        };
        let only_vpc = VpcSettings {
            allowed_vpcs: vec!["vpc-0a1b2c3d4e5f60001".into()],
            ..VpcSettings::default()
        };
        let vpc_and_subnets = VpcSettings {
            allowed_vpcs: vec!["vpc-0a1b2c3d4e5f60001".into()],
            allowed_subnets: vec!["subnet-0a1b2c3d4e5f60001".into()],
            ..VpcSettings::default()
        };
        let unresolved = || {
            let mut v = outside_vpc();
            if let Some(v) = v.as_mut() {
                v.vpc_id = None
            }
            v
        };
        let second = VariantModel {
            variant_name: "Canary".into(),
            shadow: false,
            instances: None,
            model: Some(model(None, true)),
        };
        let cases = [
            ("transform compliant", transform(|_| {}), &allow, "PASS"),
            (
                "transform model outside vpc",
                transform(|t| t.model = model(None, true)),
                &any,
                "FAIL",
            ),
            (
                "transform model unknown",
                transform(|t| t.model = Dependency::NotDescribed { name: "m".into() }),
                &any,
                "CANNOT",
            ),
            ("tuning compliant", tuning(|_| {}), &allow, "PASS"),
            (
                "tuning one definition no vpc",
                tuning(|j| j.vpc = None),
                &any,
                "FAIL",
            ),
            (
                "tuning one definition outside allow-list",
                tuning(|j| j.vpc = outside_vpc()),
                &allow,
                "FAIL",
            ),
            ("notebook compliant", notebook(|_| {}), &allow, "PASS"),
            ("notebook no vpc", notebook(|n| n.vpc = None), &any, "FAIL"),
            (
                "notebook subnet without groups",
                notebook(|n| {
                    n.vpc = Some(VpcAttachment {
                        subnets: vec!["subnet-1".into()],
                        security_groups: vec![],
                        vpc_id: None,
                    })
                }),
                &any,
                "FAIL",
            ),
            (
                "notebook outside allow-list",
                notebook(|n| n.vpc = outside_vpc()),
                &allow,
                "FAIL",
            ),
            (
                "notebook any vpc without allow-list",
                notebook(|n| n.vpc = outside_vpc()),
                &any,
                "PASS",
            ),
            ("training compliant", training(|_| {}), &allow, "PASS"),
            ("training no vpc", training(|j| j.vpc = None), &any, "FAIL"),
            (
                "training outside allow-list",
                training(|j| j.vpc = outside_vpc()),
                &allow,
                "FAIL",
            ),
            ("processing compliant", processing(|_| {}), &allow, "PASS"),
            (
                "processing no vpc",
                processing(|j| j.vpc = None),
                &any,
                "FAIL",
            ),
            (
                "processing outside allow-list",
                processing(|j| j.vpc = outside_vpc()),
                &allow,
                "FAIL",
            ),
            ("endpoint compliant", endpoint(|_| {}), &allow, "PASS"),
            (
                "endpoint one variant without vpc",
                endpoint(|e| e.variants.push(second.clone())),
                &any,
                "FAIL",
            ),
            (
                "endpoint model outside allow-list",
                endpoint(|e| {
                    if let Some(m) = e
                        .variants
                        .first_mut()
                        .and_then(|v| v.model.as_mut())
                        .and_then(|m| m.found_mut())
                    {
                        m.vpc = outside_vpc()
                    }
                }),
                &allow,
                "FAIL",
            ),
            (
                "endpoint model deleted",
                endpoint(|e| {
                    if let Some(v) = e.variants.first_mut() {
                        v.model = Some(Dependency::Deleted { name: "m".into() })
                    }
                }),
                &any,
                "FAIL",
            ),
            (
                "endpoint shadow variant outside allow-list",
                endpoint(|e| {
                    let mut shadow = e.variants[0].clone();
                    shadow.shadow = true;
                    shadow.model = Some(model(outside_vpc(), true));
                    e.variants.push(shadow);
                }),
                &allow,
                "FAIL",
            ),
            (
                "endpoint of inference components in the config's vpc",
                endpoint(|e| {
                    e.variants[0].model = None;
                    e.vpc = vpc();
                }),
                &allow,
                "PASS",
            ),
            (
                "endpoint of inference components without a vpc",
                endpoint(|e| e.variants[0].model = None),
                &any,
                "FAIL",
            ),
            (
                "endpoint no variants",
                endpoint(|e| e.variants.clear()),
                &any,
                "CANNOT",
            ),
            (
                "endpoint config unknown",
                endpoint_without_config(),
                &any,
                "CANNOT",
            ),
            (
                "notebook in allowed vpc",
                notebook(|_| {}),
                &only_vpc,
                "PASS",
            ),
            (
                "notebook outside allowed vpc",
                notebook(|n| n.vpc = outside_vpc()),
                &only_vpc,
                "FAIL",
            ),
            (
                "notebook vpc unknown",
                notebook(|n| n.vpc = unresolved()),
                &only_vpc,
                "CANNOT",
            ),
            (
                "training outside allowed vpc",
                training(|j| j.vpc = outside_vpc()),
                &only_vpc,
                "FAIL",
            ),
            (
                "processing vpc unknown",
                processing(|j| j.vpc = unresolved()),
                &only_vpc,
                "CANNOT",
            ),
            (
                "subnet outside allow-list fails even when the vpc is unknown",
                processing(|j| j.vpc = unresolved()),
                &vpc_and_subnets,
                "FAIL",
            ),
            (
                "endpoint model outside allowed vpc",
                endpoint(|e| {
                    if let Some(m) = e
                        .variants
                        .first_mut()
                        .and_then(|v| v.model.as_mut())
                        .and_then(|m| m.found_mut())
                    {
                        m.vpc = outside_vpc()
                    }
                }),
                &only_vpc,
                "FAIL",
            ),
        ];
        for (name, snap, settings, want) in cases {
            assert_eq!(status(&check(&snap, settings)), want, "{name}");
        }
    }

    #[test]
    fn failure_names_the_values_outside_the_allow_list() {
        let allow = VpcSettings {
            allowed_subnets: vec!["subnet-0a1b2c3d4e5f60001".into()],
            ..VpcSettings::default()
        };
        match check(&training(|j| j.vpc = outside_vpc()), &allow) {
            Check::Fail { observed, expected } => {
                assert!(observed.contains("subnet-0ffffffffffff0099"), "{observed}");
                assert!(
                    expected.contains("subnet-0ffffffffffff0099 not allowed"),
                    "{expected}"
                );
                assert!(!expected.contains("security groups"), "{expected}");
            }
            other => panic!("expected a failure, got {other:?}"),
        }
    }
}
