//! Offline replay only: a snapshot built from the configuration an event carries.
//!
//! The Lambda never trusts this (it re-describes the live resource); `guardrail replay` without
//! `--live` uses it so developers can check events with no AWS account. CloudTrail request
//! parameters use lowerCamelCase keys, state-change details use the PascalCase Describe shape;
//! otherwise the member names are the same, so one reader serves both.

use std::collections::BTreeMap;

use crate::event::{Carried, Cause, Trigger};
use crate::json::{FieldError, Node};
use crate::resource::*;

/// Why an event cannot be judged offline.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum OfflineError {
    #[error("{0} does not carry the resource's configuration: replay it with --live")]
    NotCarried(String),
    #[error("event {event_id}: {source}")]
    Field {
        event_id: String,
        #[source]
        source: FieldError,
    },
}

/// A node that reads PascalCase member names in either casing.
struct Shape<'a> {
    node: Node<'a>,
    camel: bool,
}

impl<'a> Shape<'a> {
    fn key(&self, pascal: &str) -> String {
        if self.camel {
            let mut chars = pascal.chars();
            match chars.next() {
                Some(first) => first.to_ascii_lowercase().to_string() + chars.as_str(),
                None => String::new(),
            }
        } else {
            pascal.to_string()
        }
    }

    fn get(&self, pascal: &str) -> Result<Option<Shape<'a>>, FieldError> {
        Ok(self.node.get(&self.key(pascal))?.map(|node| Shape {
            node,
            camel: self.camel,
        }))
    }

    fn str(&self, pascal: &str) -> Result<Option<String>, FieldError> {
        Ok(self.node.opt_str(&self.key(pascal))?.map(str::to_string))
    }

    fn bool_or_false(&self, pascal: &str) -> Result<bool, FieldError> {
        Ok(self
            .node
            .get(&self.key(pascal))?
            .map(|n| n.bool())
            .transpose()?
            .unwrap_or(false))
    }

    fn i32(&self, pascal: &str) -> Result<Option<i32>, FieldError> {
        self.node
            .get(&self.key(pascal))?
            .map(|n| n.i32())
            .transpose()
    }

    /// One instance group from a member with `InstanceType` and `InstanceCount` (or the given
    /// count member), labelled `label`.
    fn group(&self, label: String, count: &str) -> Result<InstanceGroup, FieldError> {
        Ok(InstanceGroup {
            label,
            instance_type: self.str("InstanceType")?,
            instance_count: self.i32(count)?,
        })
    }

    fn strings(&self, pascal: &str) -> Result<Vec<String>, FieldError> {
        Ok(self
            .node
            .get(&self.key(pascal))?
            .map(|n| n.strings())
            .transpose()?
            .unwrap_or_default())
    }

    fn vpc(&self, pascal: &str) -> Result<Option<VpcAttachment>, FieldError> {
        self.get(pascal)?
            .map(|v| {
                Ok(VpcAttachment {
                    subnets: v.strings("Subnets")?,
                    security_groups: v.strings("SecurityGroupIds")?,
                    vpc_id: None,
                })
            })
            .transpose()
    }

    /// The elements of a list member; absent means empty.
    fn items(&self, pascal: &str) -> Result<Vec<Shape<'a>>, FieldError> {
        let Some(list) = self.node.get(&self.key(pascal))? else {
            return Ok(Vec::new());
        };
        Ok(list
            .items()?
            .into_iter()
            .map(|node| Shape {
                node,
                camel: self.camel,
            })
            .collect())
    }

    fn path_str(&self, path: &[&str]) -> Result<Option<String>, FieldError> {
        let Some((last, parents)) = path.split_last() else {
            return Ok(None);
        };
        let mut node = Shape {
            node: self.node.clone(),
            camel: self.camel,
        };
        for p in parents {
            match node.get(p)? {
                Some(n) => node = n,
                None => return Ok(None),
            }
        }
        node.str(last)
    }

    /// Tags as a list of `{Key, Value}` (API shape) or a `{key: value}` map (state-change shape).
    fn tags(&self) -> Result<BTreeMap<String, String>, FieldError> {
        let Some(tags) = self.get("Tags")? else {
            return Ok(BTreeMap::new());
        };
        if tags.node.value.is_object() {
            let mut map = BTreeMap::new();
            if let Some(obj) = tags.node.value.as_object() {
                for key in obj.keys() {
                    let value = tags.node.require(key)?.str()?.to_string();
                    map.insert(key.clone(), value);
                }
            }
            return Ok(map);
        }
        tags.node
            .items()?
            .into_iter()
            .map(|item| {
                let item = Shape {
                    node: item,
                    camel: self.camel,
                };
                let key = item.node.req_str(&item.key("Key"))?.to_string();
                let value = item.str("Value")?.unwrap_or_default();
                Ok((key, value))
            })
            .collect()
    }
}

/// Builds the snapshot an event describes, without calling AWS.
pub fn snapshot_from_event(trigger: &Trigger) -> Result<Snapshot, OfflineError> {
    let (value, camel) = match (&trigger.carried, &trigger.cause) {
        (Carried::RequestParameters(v), Cause::ApiCall { event_name, .. }) => {
            // An inference component call carries the component, not its endpoint's settings.
            let component = crate::event::COMPONENT_CALLS
                .iter()
                .any(|(name, _)| name == event_name);
            if !event_name.starts_with("Create") || component {
                return Err(OfflineError::NotCarried(event_name.clone()));
            }
            (v, true)
        }
        (Carried::DescribeShape(v), _) => (v, false),
        (Carried::RequestParameters(_), Cause::StateChange { detail_type, .. }) => {
            return Err(OfflineError::NotCarried(detail_type.clone()))
        }
        (Carried::Nothing, _) | (_, Cause::Sweep { .. }) => {
            return Err(OfflineError::NotCarried(trigger.cause.label()))
        }
    };
    let root = if camel {
        "detail.requestParameters"
    } else {
        "detail"
    };
    let shape = Shape {
        node: Node::new(value, root),
        camel,
    };
    let err = |source: FieldError| OfflineError::Field {
        event_id: trigger.event_id.clone(),
        source,
    };
    let id = trigger.resource.clone();
    let kind = id.kind;
    let details = read_details(kind, &shape).map_err(err)?;
    let lifecycle = match &trigger.cause {
        Cause::StateChange {
            status: Some(s), ..
        } => Lifecycle::classify(kind, s),
        _ => Lifecycle::NotReported,
    };
    Ok(Snapshot {
        arn: trigger.arn.clone().unwrap_or_else(|| id.arn()),
        id,
        lifecycle,
        details,
        tags: Some(shape.tags().map_err(err)?),
        key_managers: None,
    })
}

fn read_details(kind: ResourceKind, s: &Shape<'_>) -> Result<Details, FieldError> {
    Ok(match kind {
        ResourceKind::NotebookInstance => {
            let subnet = s.str("SubnetId")?;
            // CreateNotebookInstance says SecurityGroupIds; DescribeNotebookInstance says SecurityGroups.
            let mut groups = s.strings("SecurityGroupIds")?;
            groups.extend(s.strings("SecurityGroups")?);
            let toggle = |key: &str| -> Result<Toggle, FieldError> {
                Ok(s.str(key)?.map_or(Toggle::Enabled, |v| Toggle::parse(&v)))
            };
            Details::NotebookInstance(NotebookConfig {
                vpc: subnet.map(|subnet| VpcAttachment {
                    subnets: vec![subnet],
                    security_groups: groups,
                    vpc_id: None,
                }),
                kms_key_id: s.str("KmsKeyId")?,
                direct_internet_access: toggle("DirectInternetAccess")?,
                root_access: toggle("RootAccess")?,
            })
        }
        ResourceKind::TrainingJob => Details::TrainingJob(read_training(s)?),
        ResourceKind::TransformJob => Details::TransformJob(TransformConfig {
            instances: s
                .get("TransformResources")?
                .map(|r| r.group("TransformResources".into(), "InstanceCount"))
                .transpose()?
                .into_iter()
                .collect(),
            // The model is another resource: only a live replay describes it.
            model: Dependency::NotDescribed {
                name: s.str("ModelName")?.unwrap_or_default(),
            },
            volume_kms_key_id: s.path_str(&["TransformResources", "VolumeKmsKeyId"])?,
            output_kms_key_id: s.path_str(&["TransformOutput", "KmsKeyId"])?,
        }),
        ResourceKind::HyperParameterTuningJob => {
            let mut definitions = Vec::new();
            if let Some(single) = s.get("TrainingJobDefinition")? {
                definitions.push(TuningDefinition {
                    name: "TrainingJobDefinition".into(),
                    job: read_training(&single)?,
                });
            }
            for (i, item) in s.items("TrainingJobDefinitions")?.iter().enumerate() {
                definitions.push(TuningDefinition {
                    name: item
                        .str("DefinitionName")?
                        .unwrap_or_else(|| format!("#{i}")),
                    job: read_training(item)?,
                });
            }
            Details::HyperParameterTuningJob(definitions)
        }
        ResourceKind::ProcessingJob => {
            let network = s.get("NetworkConfig")?;
            let cluster = match s.get("ProcessingResources")? {
                Some(r) => r.get("ClusterConfig")?,
                None => None,
            };
            Details::ProcessingJob(JobConfig {
                instances: cluster
                    .map(|c| c.group("ClusterConfig".into(), "InstanceCount"))
                    .transpose()?
                    .into_iter()
                    .collect(),
                instance_choice: false,
                vpc: network
                    .as_ref()
                    .map(|n| n.vpc("VpcConfig"))
                    .transpose()?
                    .flatten(),
                volume_kms_key_id: s.path_str(&[
                    "ProcessingResources",
                    "ClusterConfig",
                    "VolumeKmsKeyId",
                ])?,
                output_kms_key_id: s.path_str(&["ProcessingOutputConfig", "KmsKeyId"])?,
                inter_container_encryption: network
                    .as_ref()
                    .map(|n| n.bool_or_false("EnableInterContainerTrafficEncryption"))
                    .transpose()?
                    .unwrap_or(false),
                network_isolation: network
                    .as_ref()
                    .map(|n| n.bool_or_false("EnableNetworkIsolation"))
                    .transpose()?
                    .unwrap_or(false),
                tuning_job: None,
            })
        }
        // Neither CreateEndpoint nor the endpoint state change carries the endpoint configuration.
        ResourceKind::Endpoint => {
            Details::Endpoint(EndpointDetails::new(Dependency::NotDescribed {
                name: s.str("EndpointConfigName")?.unwrap_or_default(),
            }))
        }
    })
}

/// A training job, or one training job definition of a tuning job (the same member names; a
/// definition may name its instances in `HyperParameterTuningResourceConfig` instead).
fn read_training(s: &Shape<'_>) -> Result<JobConfig, FieldError> {
    let mut instance_choice = false;
    let (instances, volume_kms_key_id) = if let Some(r) = s.get("ResourceConfig")? {
        let groups = r.items("InstanceGroups")?;
        let instances = if groups.is_empty() {
            vec![r.group("ResourceConfig".into(), "InstanceCount")?]
        } else {
            groups
                .iter()
                .map(|g| {
                    let name = g.str("InstanceGroupName")?.unwrap_or_default();
                    g.group(format!("instance group {name}"), "InstanceCount")
                })
                .collect::<Result<_, _>>()?
        };
        (instances, r.str("VolumeKmsKeyId")?)
    } else if let Some(h) = s.get("HyperParameterTuningResourceConfig")? {
        let mut instances: Vec<InstanceGroup> = h
            .items("InstanceConfigs")?
            .iter()
            .enumerate()
            .map(|(i, c)| c.group(format!("instance config #{i}"), "InstanceCount"))
            .collect::<Result<_, _>>()?;
        instance_choice = !instances.is_empty();
        if instances.is_empty() {
            instances.push(h.group("HyperParameterTuningResourceConfig".into(), "InstanceCount")?);
        }
        (instances, h.str("VolumeKmsKeyId")?)
    } else {
        (Vec::new(), None)
    };
    Ok(JobConfig {
        instances,
        instance_choice,
        vpc: s.vpc("VpcConfig")?,
        volume_kms_key_id,
        output_kms_key_id: s.path_str(&["OutputDataConfig", "KmsKeyId"])?,
        inter_container_encryption: s.bool_or_false("EnableInterContainerTrafficEncryption")?,
        network_isolation: s.bool_or_false("EnableNetworkIsolation")?,
        tuning_job: s.str("TuningJobArn")?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::event::{parse_bytes, Parsed};

    fn snapshot(path: &str) -> Result<Snapshot, OfflineError> {
        let bytes = std::fs::read(format!(
            "{}/../../events/{path}",
            env!("CARGO_MANIFEST_DIR")
        ))
        .map_err(|e| OfflineError::NotCarried(format!("unreadable sample {path}: {e}")))?;
        match parse_bytes(&bytes) {
            Ok(Parsed::Inspect(t)) => snapshot_from_event(&t),
            other => panic!("{path}: expected a trigger, got {other:?}"),
        }
    }

    #[test]
    fn notebook_create_call_reads_camel_case_and_applies_aws_defaults() -> Result<(), OfflineError>
    {
        let s = snapshot("notebook/create-compliant.json")?;
        let Details::NotebookInstance(n) = &s.details else {
            panic!("not a notebook: {s:?}")
        };
        assert_eq!(n.vpc.as_ref().map(|v| v.security_groups.len()), Some(1));
        assert_eq!(n.direct_internet_access, Toggle::Disabled);
        assert_eq!(
            s.tags
                .as_ref()
                .and_then(|t| t.get("owner"))
                .map(String::as_str),
            Some("alice")
        );
        let s = snapshot("notebook/create-noncompliant.json")?;
        let Details::NotebookInstance(n) = &s.details else {
            panic!("not a notebook: {s:?}")
        };
        assert_eq!(n.vpc, None);
        assert_eq!(n.kms_key_id, None);
        assert_eq!(n.root_access, Toggle::Enabled);
        Ok(())
    }

    #[test]
    fn tuning_jobs_read_every_training_definition_in_both_casings() -> Result<(), OfflineError> {
        for path in [
            "tuning/create-noncompliant.json",
            "tuning/state-change.json",
        ] {
            let s = snapshot(path)?;
            let Details::HyperParameterTuningJob(defs) = &s.details else {
                panic!("{path}: not a tuning job: {s:?}")
            };
            let names: Vec<&str> = defs.iter().map(|d| d.name.as_str()).collect();
            assert_eq!(names, ["xgb-secure", "xgb-open"], "{path}");
            assert!(
                defs[0].job.network_isolation && defs[0].job.vpc.is_some(),
                "{path}"
            );
            assert!(!defs[1].job.inter_container_encryption, "{path}");
            assert_eq!(defs[1].job.volume_kms_key_id, None, "{path}");
        }
        let s = snapshot("tuning/create-compliant.json")?;
        let Details::HyperParameterTuningJob(defs) = &s.details else {
            panic!("not a tuning job: {s:?}")
        };
        assert_eq!(defs.len(), 1);
        assert_eq!(defs[0].name, "TrainingJobDefinition");
        Ok(())
    }

    #[test]
    fn transform_jobs_read_their_keys_and_leave_the_model_to_a_live_replay(
    ) -> Result<(), OfflineError> {
        let s = snapshot("transform/create-compliant.json")?;
        let Details::TransformJob(t) = &s.details else {
            panic!("not a transform job: {s:?}")
        };
        assert_eq!(
            t.model,
            Dependency::NotDescribed {
                name: "churn-model-secure".into()
            }
        );
        assert_eq!(t.instances.len(), 1);
        assert!(t.volume_kms_key_id.is_some() && t.output_kms_key_id.is_some());
        let s = snapshot("transform/state-change.json")?;
        assert_eq!(s.lifecycle, Lifecycle::Active("InProgress".into()));
        Ok(())
    }

    #[test]
    fn state_change_reads_pascal_case_and_lifecycle() -> Result<(), OfflineError> {
        let s = snapshot("training/state-change.json")?;
        assert_eq!(s.lifecycle, Lifecycle::Active("InProgress".into()));
        let Details::TrainingJob(j) = &s.details else {
            panic!("not a training job: {s:?}")
        };
        assert_eq!(j.output_kms_key_id.as_deref(), Some("alias/aws/sagemaker"));
        assert!(!j.network_isolation);
        assert_eq!(s.tags.as_ref().map(|t| t.len()), Some(1));
        Ok(())
    }

    #[test]
    fn processing_reads_nested_network_config() -> Result<(), OfflineError> {
        let s = snapshot("processing/create-noncompliant.json")?;
        let Details::ProcessingJob(j) = &s.details else {
            panic!("not a processing job: {s:?}")
        };
        assert_eq!(
            j.vpc.as_ref().map(|v| v.subnets.clone()),
            Some(vec!["subnet-0ffffffffffff0099".to_string()])
        );
        assert!(!j.inter_container_encryption);
        let s = snapshot("processing/create-compliant.json")?;
        let Details::ProcessingJob(j) = &s.details else {
            panic!("not a processing job: {s:?}")
        };
        assert!(j.inter_container_encryption && j.network_isolation);
        assert!(j.volume_kms_key_id.is_some() && j.output_kms_key_id.is_some());
        Ok(())
    }

    #[test]
    fn calls_without_configuration_need_live_replay() {
        for path in [
            "notebook/start.json",
            "notebook/update.json",
            "endpoint/update.json",
        ] {
            assert!(
                matches!(snapshot(path), Err(OfflineError::NotCarried(_))),
                "{path}"
            );
        }
        assert!(matches!(
            snapshot("endpoint/create-noncompliant.json"),
            Ok(Snapshot {
                details: Details::Endpoint(EndpointDetails {
                    config: Dependency::NotDescribed { .. },
                    ..
                }),
                ..
            })
        ));
    }
}
