//! SageMaker HyperPod clusters: `CreateCluster`, changed by `UpdateCluster`; state changes as
//! "SageMaker HyperPod Cluster State Change" (its detail carries the `DescribeCluster` members).
//!
//! A cluster is a long-lived fleet of instance groups whose nodes run the group's lifecycle
//! scripts as root at creation (`LifeCycleConfig.SourceS3Uri` + `OnCreate`), run as the group's
//! `ExecutionRole`, and are reached over SSM. Each group may run in its own VPC
//! (`OverrideVpcConfig`, else the cluster's `VpcConfig`) and names its EBS volumes
//! (`InstanceStorageConfigs[].EbsVolumeConfig`: `RootVolume = true` is the root volume, whose key
//! AWS requires when it is given; otherwise a secondary volume, and the root volume is encrypted
//! with an AWS owned key: API reference, `ClusterEbsVolumeConfig`). Restricted instance groups
//! (`RestrictedInstanceGroups`) carry the same role, volumes and VPC override, and no lifecycle
//! scripts.
//!
//! Not judged, and said so: a group's custom AMI (`ImageId`, changed by `UpdateClusterSoftware`,
//! which is not watched) runs as root on every node as its lifecycle scripts do.
//!
//! Containment would be `DeleteCluster`, which terminates every node and the work on its
//! volumes: it is alerted only, unless the policy lists `cluster` in `[remediation] opt_in`
//! (deleting an EKS-orchestrated cluster also needs `eks:DeleteAccessEntry`, a dependent action
//! the templates do not grant).
//!
//! Its ARN ends in the cluster's id, not its name (`cluster/a1b2c3d4e5f6`): findings carry the
//! ARN `DescribeCluster` or the event gives; where only the name is known (a resource named by the
//! sweep before it is described) [`Kind::arn_resource`] keeps the name, as a key for the sweep's
//! own bookkeeping.

use serde::Serialize;

use super::{ApiCall, Kind, Listing, StateChange, Stop};
use crate::facets::{Facet, Facets, Volume};
use crate::json::FieldError;
use crate::resource::{Lifecycle, VpcAttachment};
use crate::shape::Shape;

pub struct Cluster;

/// What a HyperPod cluster runs with.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ClusterConfig {
    /// `VpcConfig`: the cluster's own; `None` when it has none.
    pub vpc: Option<VpcAttachment>,
    /// `InstanceGroups` then `RestrictedInstanceGroups`.
    pub groups: Vec<NodeGroup>,
}

/// One instance group.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NodeGroup {
    /// `InstanceGroupName`.
    pub name: String,
    pub restricted: bool,
    /// `ExecutionRole`.
    pub execution_role: Option<String>,
    /// `LifeCycleConfig.SourceS3Uri`: where the scripts its nodes run as root come from.
    pub lifecycle_source: Option<String>,
    /// Each `InstanceStorageConfigs[].EbsVolumeConfig`, in order.
    pub volumes: Vec<EbsVolume>,
    /// `OverrideVpcConfig`: the group's own VPC, instead of the cluster's.
    pub override_vpc: Option<VpcAttachment>,
}

/// An EBS volume configuration of an instance group.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct EbsVolume {
    /// `RootVolume` (absent: `false`, a secondary volume).
    pub root: bool,
    /// `VolumeKmsKeyId`.
    pub kms_key_id: Option<String>,
}

impl NodeGroup {
    fn label(&self) -> String {
        let restricted = if self.restricted { "restricted " } else { "" };
        format!("{restricted}instance group {}", self.name)
    }
}

fn read_group(g: &Shape<'_>, restricted: bool) -> Result<NodeGroup, FieldError> {
    let volumes = g
        .items("InstanceStorageConfigs")?
        .iter()
        .filter_map(|c| c.get("EbsVolumeConfig").transpose())
        .map(|ebs| {
            let ebs = ebs?;
            Ok(EbsVolume {
                root: ebs.bool_or_false("RootVolume")?,
                kms_key_id: ebs.str("VolumeKmsKeyId")?,
            })
        })
        .collect::<Result<_, FieldError>>()?;
    Ok(NodeGroup {
        name: g.str("InstanceGroupName")?.unwrap_or_default(),
        restricted,
        execution_role: g.str("ExecutionRole")?,
        lifecycle_source: g.path_str(&["LifeCycleConfig", "SourceS3Uri"])?,
        volumes,
        override_vpc: g.vpc("OverrideVpcConfig")?,
    })
}

impl Kind for Cluster {
    const NAME: &'static str = "cluster";
    const LABEL: &'static str = "HyperPod cluster";
    type Config = ClusterConfig;
    /// `UpdateCluster` can add or change instance groups (their roles, scripts, volumes, VPC).
    const CALLS: &'static [ApiCall] = &[
        ApiCall {
            event_name: "CreateCluster",
            name_key: "clusterName",
            arn_key: "clusterArn",
        },
        ApiCall {
            event_name: "UpdateCluster",
            name_key: "clusterName",
            arn_key: "clusterArn",
        },
    ];
    const STATE_CHANGE: StateChange = StateChange {
        detail_type: Some("SageMaker HyperPod Cluster State Change"),
        name_key: "ClusterName",
        arn_key: "ClusterArn",
        status_key: "ClusterStatus",
    };
    const CREATE_CALL: &'static str = "CreateCluster";
    const DESCRIBE_CALL: &'static str = "DescribeCluster";
    const STOP: Stop = Stop::deleting_on_opt_in("DeleteCluster");
    /// `ListClusters` has no status filter: every cluster, less those being deleted or failed.
    const LISTING: Listing = Listing {
        call: "ListClusters",
        statuses: &[],
        excluded: &["Deleting", "Failed"],
    };

    /// API reference, `DescribeCluster`: `ClusterStatus`.
    fn lifecycle(status: &str) -> Lifecycle {
        let s = status.to_string();
        match status {
            "InService" => Lifecycle::Active(s),
            "Creating" | "Updating" | "SystemUpdating" | "RollingBack" => {
                Lifecycle::Transitional(s)
            }
            "Deleting" | "Failed" => Lifecycle::Ended(s),
            _ => Lifecycle::Unknown(s),
        }
    }

    fn read(s: &Shape<'_>) -> Result<ClusterConfig, FieldError> {
        let mut groups = Vec::new();
        for g in s.items("InstanceGroups")? {
            groups.push(read_group(&g, false)?);
        }
        for g in s.items("RestrictedInstanceGroups")? {
            groups.push(read_group(&g, true)?);
        }
        Ok(ClusterConfig {
            vpc: s.vpc("VpcConfig")?,
            groups,
        })
    }
}

/// What the controls call a cluster node's EBS volume.
const EBS_VOLUME: &str = "EBS volume";

impl ClusterConfig {
    /// One facet per instance group (`none`: what to say of a cluster without groups).
    fn each<'a, T>(&'a self, f: impl Fn(&'a NodeGroup) -> Facet<T>) -> Facet<T> {
        Facet::Each {
            parts: self.groups.iter().map(|g| (g.label(), f(g))).collect(),
            none: "no instance groups",
        }
    }
}

impl Facets for ClusterConfig {
    /// Each group's `OverrideVpcConfig`, else the cluster's `VpcConfig`.
    fn vpc(&self) -> Facet<Option<&VpcAttachment>> {
        self.each(|g| Facet::One(g.override_vpc.as_ref().or(self.vpc.as_ref())))
    }

    /// Each group's root volume (AWS owned key unless a `RootVolume` configuration names one)
    /// and secondary volumes. The nodes' instance storage is not a SageMaker ML volume: no
    /// instance-type carve-out applies to their EBS volumes.
    fn volume(&self) -> Facet<Volume<'_>> {
        self.each(|g| {
            fn volume(key: Option<&str>) -> Volume<'_> {
                Volume {
                    instances: Vec::new(),
                    key,
                    what: EBS_VOLUME,
                }
            }
            let root = g.volumes.iter().find(|v| v.root);
            let mut parts = vec![(
                "root volume".to_string(),
                Facet::One(volume(root.and_then(|v| v.kms_key_id.as_deref()))),
            )];
            parts.extend(
                g.volumes
                    .iter()
                    .filter(|v| !v.root)
                    .enumerate()
                    .map(|(i, v)| {
                        (
                            format!("secondary volume #{}", i + 1),
                            Facet::One(volume(v.kms_key_id.as_deref())),
                        )
                    }),
            );
            Facet::Each {
                parts,
                none: "no volumes",
            }
        })
    }

    fn lifecycle_config(&self) -> Facet<Option<&str>> {
        self.each(|g| {
            if g.restricted {
                Facet::NotApplicable("a restricted instance group runs no lifecycle scripts".into())
            } else {
                Facet::One(g.lifecycle_source.as_deref())
            }
        })
    }

    fn execution_role(&self) -> Facet<Option<&str>> {
        self.each(|g| Facet::One(g.execution_role.as_deref()))
    }

    fn key_references(&self) -> Vec<&str> {
        self.groups
            .iter()
            .flat_map(|g| g.volumes.iter().filter_map(|v| v.kms_key_id.as_deref()))
            .collect()
    }

    fn vpc_attachments_mut(&mut self) -> Vec<&mut VpcAttachment> {
        let mut attachments: Vec<&mut VpcAttachment> = self.vpc.iter_mut().collect();
        attachments.extend(self.groups.iter_mut().filter_map(|g| g.override_vpc.as_mut()));
        attachments
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::resource::ResourceKind;

    /// The Describe response and the CloudTrail request name the same members; restricted
    /// groups are read too, and a group's `OverrideVpcConfig` replaces the cluster's VPC.
    #[test]
    fn reads_groups_volumes_roles_scripts_and_vpcs() -> Result<(), FieldError> {
        let response = serde_json::json!({
            "ClusterArn": "arn:aws:sagemaker:us-east-1:123456789012:cluster/a1b2c3d4e5f6",
            "ClusterName": "llm", "ClusterStatus": "InService",
            "VpcConfig": {"Subnets": ["subnet-1"], "SecurityGroupIds": ["sg-1"]},
            "InstanceGroups": [{
                "InstanceGroupName": "workers", "InstanceType": "ml.p5.48xlarge",
                "ExecutionRole": "arn:aws:iam::123456789012:role/hp",
                "LifeCycleConfig": {"SourceS3Uri": "s3://lcc/base/", "OnCreate": "on_create.sh"},
                "InstanceStorageConfigs": [
                    {"EbsVolumeConfig": {"RootVolume": true, "VolumeKmsKeyId": "k-root"}},
                    {"EbsVolumeConfig": {"VolumeSizeInGB": 500}}
                ],
                "OverrideVpcConfig": {"Subnets": ["subnet-2"], "SecurityGroupIds": ["sg-2"]}
            }],
            "RestrictedInstanceGroups": [{
                "InstanceGroupName": "nova", "ExecutionRole": "arn:aws:iam::123456789012:role/nova"
            }]
        });
        let described = ResourceKind::Cluster.read_described(&response)?;
        let crate::resource::Details::Cluster(c) = &described.details else {
            panic!("a cluster: {described:?}")
        };
        assert_eq!(c.groups.len(), 2);
        assert_eq!(c.groups[0].lifecycle_source.as_deref(), Some("s3://lcc/base/"));
        assert!(c.groups[1].restricted);
        assert_eq!(c.key_references(), ["k-root"]);
        let Facet::Each { parts, .. } = c.vpc() else {
            panic!("one VPC per group")
        };
        let subnets: Vec<String> = parts
            .iter()
            .map(|(_, f)| match f {
                Facet::One(Some(v)) => v.subnets.join(","),
                _ => String::new(),
            })
            .collect();
        assert_eq!(subnets, ["subnet-2", "subnet-1"]);
        Ok(())
    }

    /// A cluster's ARN ends in its id: an exemption written with its name covers it too.
    #[test]
    fn an_exemption_by_name_covers_a_cluster_named_by_id() -> Result<(), String> {
        use crate::controls::fixtures::cluster;
        let today = time::OffsetDateTime::now_utc().date();
        let policy = crate::Policy::from_toml(
            &format!(
                r#"
            [[exemptions]]
            resource = "arn:aws:sagemaker:us-east-1:123456789012:cluster/llm-*"
            controls = ["vpc-attached"]
            reason = "CHG-1: moving to the platform VPC"
            expires = {}
            "#,
                today + time::Duration::days(30)
            ),
            "test",
        )
        .map_err(|e| e.to_string())?;
        let mut snapshot = cluster(|c| c.vpc = None);
        snapshot.id.name = "llm-pretrain".into();
        snapshot.arn = "arn:aws:sagemaker:us-east-1:123456789012:cluster/a1b2c3d4e5f6".into();
        let exempted = policy.exemptions[0].covers(&snapshot, crate::controls::vpc_attached::ID, today);
        assert!(exempted);
        snapshot.id.name = "other".into();
        let exempted = policy.exemptions[0].covers(&snapshot, crate::controls::vpc_attached::ID, today);
        assert!(!exempted);
        Ok(())
    }

    /// The controls a cluster has, pass, fail, not applicable and cannot evaluate; the others
    /// are not applicable.
    #[test]
    fn table() -> Result<(), String> {
        use crate::controls::fixtures::{cluster, outside_vpc, status};
        use crate::controls::{
            execution_roles, lifecycle_configs, network_isolation, output_kms, required_tags,
            volume_kms, vpc_attached,
        };
        let policy = crate::Policy::from_toml(
            r#"
            [controls.vpc-attached]
            allowed_subnets = ["subnet-0a1b2c3d4e5f60001"]
            [controls.lifecycle-configs]
            allowed = ["s3://platform-lcc/hyperpod", "idle-shutdown"]
            [controls.execution-roles]
            allowed = ["arn:aws:iam::123456789012:role/SageMakerStudio"]
            [controls.required-tags]
            tags = { owner = [] }
            "#,
            "test",
        )
        .map_err(|e| e.to_string())?;
        let group = |c: &mut ClusterConfig| -> NodeGroup { c.groups.remove(0) };
        let cases: Vec<(&str, crate::resource::Snapshot, _, &str)> = vec![
            ("compliant", cluster(|_| {}), vpc_attached::ID, "PASS"),
            ("compliant", cluster(|_| {}), volume_kms::ID, "PASS"),
            ("compliant", cluster(|_| {}), lifecycle_configs::ID, "PASS"),
            ("compliant", cluster(|_| {}), execution_roles::ID, "PASS"),
            ("compliant", cluster(|_| {}), required_tags::ID, "PASS"),
            ("no VPC", cluster(|c| c.vpc = None), vpc_attached::ID, "FAIL"),
            (
                "a group overriding the VPC outside the list",
                cluster(|c| c.groups[0].override_vpc = outside_vpc()),
                vpc_attached::ID,
                "FAIL",
            ),
            (
                "no root volume key (AWS owned key)",
                cluster(|c| c.groups[0].volumes.retain(|v| !v.root)),
                volume_kms::ID,
                "FAIL",
            ),
            (
                "a secondary volume without a key",
                cluster(|c| c.groups[0].volumes[1].kms_key_id = None),
                volume_kms::ID,
                "FAIL",
            ),
            (
                "a key this version cannot read",
                cluster(|c| c.groups[0].volumes[1].kms_key_id = Some("not a key!".into())),
                volume_kms::ID,
                "CANNOT",
            ),
            (
                "scripts from another bucket",
                cluster(|c| c.groups[0].lifecycle_source = Some("s3://scratch/lcc/".into())),
                lifecycle_configs::ID,
                "FAIL",
            ),
            (
                "scripts from a prefix that only starts like the allowed one",
                cluster(|c| {
                    c.groups[0].lifecycle_source = Some("s3://platform-lcc/hyperpod-x/".into())
                }),
                lifecycle_configs::ID,
                "FAIL",
            ),
            (
                "a restricted group runs no scripts",
                cluster(|c| {
                    let mut g = group(c);
                    g.restricted = true;
                    g.lifecycle_source = None;
                    c.groups.push(g);
                }),
                lifecycle_configs::ID,
                "N/A",
            ),
            (
                "a group running as another role",
                cluster(|c| {
                    c.groups[0].execution_role = Some("arn:aws:iam::123456789012:role/admin".into())
                }),
                execution_roles::ID,
                "FAIL",
            ),
            ("untagged", {
                let mut s = cluster(|_| {});
                s.tags = Some(Default::default());
                s
            }, required_tags::ID, "FAIL"),
            ("tags not read", {
                let mut s = cluster(|_| {});
                s.tags = None;
                s
            }, required_tags::ID, "CANNOT"),
            ("no such setting", cluster(|_| {}), network_isolation::ID, "N/A"),
            ("no such setting", cluster(|_| {}), output_kms::ID, "N/A"),
        ];
        for (case, snapshot, id, want) in cases {
            let check = policy.check(id, &snapshot);
            assert_eq!(status(&check), want, "{case} ({id}): {check:?}");
        }
        Ok(())
    }
}
