//! `vpc-attached`: the resource runs inside the organisation's VPC.
//!
//! **What** — notebook `SubnetId` + `SecurityGroups`, training job `VpcConfig`, processing job
//! `NetworkConfig.VpcConfig`, the `VpcConfig` of every training job definition of a tuning job,
//! the `VpcConfig` of a transform job's model, and for an endpoint the `VpcConfig` of every
//! production variant's model, each HyperPod instance group's `OverrideVpcConfig` (else its
//! cluster's `VpcConfig`), and an AutoML job's `SecurityConfig.VpcConfig`. With allow-lists in the policy, the VPC and every subnet and security group must be in
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

use serde::Deserialize;
use serde_json::json;

use super::{Check, Control, ControlId, Invalid, Mode, Severity};
use crate::facets::Facet;
use crate::preventive::{actions, Deny, Scp};
use crate::resource::{Snapshot, VpcAttachment};

pub struct VpcAttached;

/// Stable id: it appears in policies, findings, alerts and filter policies; never change it.
pub const ID: ControlId = ControlId::new("vpc-attached");

/// Allow-lists for `vpc-attached`; an empty list allows any value.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct VpcSettings {
    pub allowed_vpcs: Vec<String>,
    pub allowed_subnets: Vec<String>,
    pub allowed_security_groups: Vec<String>,
}

/// `[controls.vpc-attached]`.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VpcEntry {
    mode: Option<Mode>,
    severity: Option<Severity>,
    #[serde(default)]
    allowed_vpcs: Vec<String>,
    #[serde(default)]
    allowed_subnets: Vec<String>,
    #[serde(default)]
    allowed_security_groups: Vec<String>,
}

impl super::Entry for VpcEntry {
    fn levels(&self) -> (Option<Mode>, Option<Severity>) {
        (self.mode, self.severity)
    }
}

/// The create calls that take `sagemaker:VpcSubnets` and `sagemaker:VpcSecurityGroupIds`.
const VPC_ACTIONS: [&str; 13] = crate::preventive::with_monitoring([
    actions::CREATE_AUTOML,
    actions::CREATE_AUTOML_V2,
    actions::CREATE_CLUSTER,
    actions::CREATE_NOTEBOOK,
    actions::CREATE_TRAINING,
    actions::CREATE_PROCESSING,
    actions::CREATE_TUNING,
    actions::CREATE_MODEL,
    actions::CREATE_DOMAIN,
]);
/// Those, and the updates that may carry the keys (`UpdateDomain` both, the user profile calls
/// the security groups): a value outside an allow-list is denied there too (an update without
/// the key keeps the current value).
const SUBNET_LIST_ACTIONS: [&str; 15] = crate::preventive::with_monitoring([
    actions::CREATE_AUTOML,
    actions::CREATE_AUTOML_V2,
    actions::CREATE_CLUSTER,
    actions::UPDATE_CLUSTER,
    actions::CREATE_NOTEBOOK,
    actions::CREATE_TRAINING,
    actions::CREATE_PROCESSING,
    actions::CREATE_TUNING,
    actions::CREATE_MODEL,
    actions::CREATE_DOMAIN,
    actions::UPDATE_DOMAIN,
]);
const GROUP_LIST_ACTIONS: [&str; 17] = crate::preventive::with_monitoring([
    actions::CREATE_AUTOML,
    actions::CREATE_AUTOML_V2,
    actions::CREATE_CLUSTER,
    actions::UPDATE_CLUSTER,
    actions::CREATE_NOTEBOOK,
    actions::CREATE_TRAINING,
    actions::CREATE_PROCESSING,
    actions::CREATE_TUNING,
    actions::CREATE_MODEL,
    actions::CREATE_DOMAIN,
    actions::UPDATE_DOMAIN,
    actions::CREATE_USER_PROFILE,
    actions::UPDATE_USER_PROFILE,
]);

impl Control for VpcAttached {
    const ID: ControlId = ID;
    const BASELINE: (Mode, Severity) = (Mode::Enforce, Severity::High);
    const REMEDY: &'static str = "Attach the resource to approved private subnets and security groups (VpcConfig; SubnetId + SecurityGroupIds on notebooks; the model's VpcConfig for endpoints and transform jobs).";
    type Entry = VpcEntry;
    type Settings = VpcSettings;

    fn settings(entry: VpcEntry) -> Result<VpcSettings, Invalid> {
        for (ids, prefix, field) in [
            (&entry.allowed_vpcs, "vpc-", "allowed_vpcs"),
            (&entry.allowed_subnets, "subnet-", "allowed_subnets"),
            (
                &entry.allowed_security_groups,
                "sg-",
                "allowed_security_groups",
            ),
        ] {
            for (i, id) in ids.iter().enumerate() {
                if !id.starts_with(prefix) {
                    return Err((
                        format!("controls.{}.{field}[{i}]", Self::ID),
                        format!("`{id}` does not look like an id starting with `{prefix}`"),
                    ));
                }
            }
        }
        Ok(VpcSettings {
            allowed_vpcs: entry.allowed_vpcs,
            allowed_subnets: entry.allowed_subnets,
            allowed_security_groups: entry.allowed_security_groups,
        })
    }

    fn check(snapshot: &Snapshot, settings: &VpcSettings) -> Check {
        let facets = snapshot.facets();
        match facets.vpc() {
            // A Studio user profile sets security groups alone (its domain has the subnets).
            Facet::NoSuchSetting => facets
                .security_groups()
                .judge(snapshot.kind(), &|groups| check_groups(groups, settings)),
            vpc => vpc.judge(snapshot.kind(), &|vpc| check_vpc(*vpc, settings)),
        }
    }

    fn prevent(settings: &VpcSettings, scp: &mut Scp<'_>) {
        crate::preventive::monitoring_inline_gap(scp, Self::ID);
        let control = Self::ID;
        for (purpose, key, allowed, listed_on) in [
            (
                "Subnet",
                "sagemaker:VpcSubnets",
                &settings.allowed_subnets,
                &SUBNET_LIST_ACTIONS[..],
            ),
            (
                "SecurityGroup",
                "sagemaker:VpcSecurityGroupIds",
                &settings.allowed_security_groups,
                &GROUP_LIST_ACTIONS[..],
            ),
        ] {
            scp.deny_missing(
                control,
                format!("VpcAttached{purpose}Missing"),
                &VPC_ACTIONS,
                key,
            );
            // Any one value outside the list denies (a request may name several).
            if !allowed.is_empty() {
                scp.deny(
                    control,
                    Deny {
                        sid: format!("VpcAttached{purpose}NotAllowed"),
                        actions: listed_on,
                        operator: "ForAnyValue:StringNotEquals",
                        key,
                        values: json!(allowed),
                        unless: None,
                        also: None,
                    },
                );
            }
        }
        if !settings.allowed_vpcs.is_empty() {
            scp.gap(
                control,
                "*",
                format!(
                    "allowed_vpcs ({}): no condition key carries the VPC id; list the VPC's \
                     subnets in allowed_subnets to keep other VPCs out",
                    settings.allowed_vpcs.join(", ")
                ),
            );
        }
        for (action, what) in [
            (actions::CREATE_COMPILATION, "a compilation job's VpcConfig"),
            (actions::CREATE_OPTIMIZATION, "an optimization job's VpcConfig"),
            (
                actions::CREATE_RECOMMENDATION_JOB,
                "an Inference Recommender job's InputConfig.VpcConfig",
            ),
            (
                actions::CREATE_LABELING,
                "a labeling job's LabelingJobResourceConfig.VpcConfig",
            ),
        ] {
            scp.gap(control, action, format!("no condition key carries {what}"));
        }
        for action in [actions::CREATE_TRANSFORM, actions::CREATE_ENDPOINT] {
            scp.gap(
                control,
                action,
                "no VPC condition key: the VPC is the model's, denied at CreateModel; models \
                 created before the document applied are caught by the detective control",
            );
        }
    }
}

/// Security groups set without subnets: inside the allow-list, if any.
fn check_groups(groups: &[String], settings: &VpcSettings) -> Check {
    let allowed = &settings.allowed_security_groups;
    let outside: Vec<&str> = groups
        .iter()
        .filter(|g| !allowed.is_empty() && !allowed.contains(g))
        .map(String::as_str)
        .collect();
    let observed = format!("security groups [{}]", groups.join(", "));
    if outside.is_empty() {
        Check::pass(observed)
    } else {
        Check::fail(
            observed,
            format!(
                "security groups in the allow-list ({} not allowed)",
                outside.join(", ")
            ),
        )
    }
}

/// One VPC attachment: attached, and inside the allow-lists if any.
fn check_vpc(vpc: Option<&VpcAttachment>, settings: &VpcSettings) -> Check {
    const EXPECTED: &str = "attached to a VPC subnet with security groups";
    let Some(vpc) = vpc else {
        return Check::fail("no VPC configuration", EXPECTED);
    };
    if vpc.subnets.is_empty() || vpc.security_groups.is_empty() {
        return Check::fail(
            format!(
                "subnets [{}], security groups [{}]",
                vpc.subnets.join(", "),
                vpc.security_groups.join(", ")
            ),
            EXPECTED,
        );
    }
    let outside = |values: &[String], allowed: &[String]| -> Vec<String> {
        if allowed.is_empty() {
            return Vec::new();
        }
        values
            .iter()
            .filter(|v| !allowed.contains(v))
            .cloned()
            .collect()
    };
    let bad_subnets = outside(&vpc.subnets, &settings.allowed_subnets);
    let bad_groups = outside(&vpc.security_groups, &settings.allowed_security_groups);
    let mut observed = format!(
        "subnets [{}], security groups [{}]",
        vpc.subnets.join(", "),
        vpc.security_groups.join(", ")
    );
    // A VPC allow-list needs the VPC of the subnets; without it only a subnet or security group
    // outside its allow-list can still decide (a failure), never a pass.
    let mut bad_vpc = None;
    let mut vpc_unknown = false;
    if !settings.allowed_vpcs.is_empty() {
        match &vpc.vpc_id {
            None => vpc_unknown = true,
            Some(id) => {
                observed = format!("VPC {id}, {observed}");
                if !settings.allowed_vpcs.contains(id) {
                    bad_vpc = Some(id.clone());
                }
            }
        }
    }
    if bad_subnets.is_empty() && bad_groups.is_empty() && bad_vpc.is_none() {
        if vpc_unknown {
            return Check::cannot(format!(
                "the VPC of subnets [{}] is unknown (subnet not found, or offline replay)",
                vpc.subnets.join(", ")
            ));
        }
        return Check::pass(observed);
    }
    let mut expected = Vec::new();
    if let Some(id) = bad_vpc {
        expected.push(format!("a VPC in the allow-list ({id} not allowed)"));
    }
    if !bad_subnets.is_empty() {
        expected.push(format!(
            "subnets in the allow-list ({} not allowed)",
            bad_subnets.join(", ")
        ));
    }
    if !bad_groups.is_empty() {
        expected.push(format!(
            "security groups in the allow-list ({} not allowed)",
            bad_groups.join(", ")
        ));
    }
    Check::fail(observed, expected.join("; "))
}


#[cfg(test)]
mod tests {
    use super::*;
    use crate::controls::fixtures::*;
    use crate::resource::{Dependency, VariantModel, VpcAttachment};

    fn check(snapshot: &Snapshot, settings: &VpcSettings) -> Check {
        VpcAttached::check(snapshot, settings)
    }

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
            ssm_access: false,
            scaling_minimum: None,
            core_dump: None,
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
            ("monitoring in the vpc", monitoring(|_| {}), &any, "PASS"),
            ("monitoring outside any vpc", monitoring(|j| j.vpc = None), &any, "FAIL"),
            ("monitoring outside the allow-lists", monitoring(|j| j.vpc = outside_vpc()), &allow, "FAIL"),
            ("monitoring definition deleted", monitoring_without_definition(), &any, "FAIL"),
            ("studio domain in the allowed subnet", domain(|_| {}), &allow, "PASS"),
            (
                "studio domain outside the allow-lists",
                domain(|d| d.vpc = outside_vpc().unwrap_or_default()),
                &allow,
                "FAIL",
            ),
            (
                "studio profile in an allowed group",
                user_profile(|p| p.security_groups = vec!["sg-0a1b2c3d4e5f60001".into()]),
                &allow,
                "PASS",
            ),
            (
                "studio profile in another group",
                user_profile(|p| p.security_groups = vec!["sg-0ffffffffffff0099".into()]),
                &allow,
                "FAIL",
            ),
            ("studio profile inheriting", user_profile(|_| {}), &allow, "N/A"),
            ("studio app of an allowed domain", app(|_| {}), &allow, "PASS"),
            ("studio space", space(), &allow, "N/A"),
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
