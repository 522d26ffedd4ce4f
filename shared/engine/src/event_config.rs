//! Offline replay only: a snapshot built from the configuration an event carries.
//!
//! The Lambda never trusts this (it re-describes the live resource); `guardrail replay` without
//! `--live` uses it so developers can check events with no AWS account. Each kind reads its
//! configuration ([`crate::kinds::Kind::read`]) from the event through one [`Shape`], in
//! CloudTrail's camelCase or the state change's PascalCase.

use crate::event::{Carried, Cause, Trigger};
use crate::json::{FieldError, Node};
use crate::resource::*;
use crate::shape::Shape;

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

/// Whether a state-change detail holds only the resource's name, ARN and status.
fn status_only(detail: &serde_json::Value, kind: ResourceKind) -> bool {
    let keys = kind.state_change();
    detail.as_object().is_some_and(|members| {
        members
            .keys()
            .all(|k| [keys.name_key, keys.arn_key, keys.status_key].contains(&k.as_str()))
    })
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
        // A detail with nothing but the resource's name, ARN and status (a labeling job's
        // state change) carries no configuration.
        (Carried::DescribeShape(v), Cause::StateChange { detail_type, .. })
            if status_only(v, trigger.resource.kind) =>
        {
            return Err(OfflineError::NotCarried(detail_type.clone()))
        }
        (Carried::DescribeShape(v), _) => (v, false),
        (Carried::RequestParameters(_), Cause::StateChange { detail_type, .. }) => {
            return Err(OfflineError::NotCarried(detail_type.clone()))
        }
        (Carried::Nothing, _) | (_, Cause::Sweep { .. } | Cause::Template { .. }) => {
            return Err(OfflineError::NotCarried(trigger.cause.label()))
        }
    };
    let root = if camel {
        "detail.requestParameters"
    } else {
        "detail"
    };
    let node = Node::new(value, root);
    let shape = if camel {
        Shape::camel(node)
    } else {
        Shape::pascal(node)
    };
    let err = |source: FieldError| OfflineError::Field {
        event_id: trigger.event_id.clone(),
        source,
    };
    let id = trigger.resource.clone();
    let kind = id.kind;
    let details = kind.read(&shape).map_err(err)?;
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
        key_accounts: None,
        created_ms: None,
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
