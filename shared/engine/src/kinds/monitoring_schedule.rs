//! Model monitoring schedules: `CreateMonitoringSchedule`, `UpdateMonitoringSchedule` and
//! `StartMonitoringSchedule`, stopped with `StopMonitoringSchedule` (the schedule and its
//! definition are kept). A schedule runs a monitoring job on a cron: the job is defined inline
//! (`MonitoringScheduleConfig.MonitoringJobDefinition`) or by name, one of the four job
//! definitions (`CreateDataQualityJobDefinition`, `...ModelQuality...`, `...ModelBias...`,
//! `...ModelExplainability...`), described apart; one deleted while the schedule runs fails
//! closed. The job's settings are a processing job's ([`JobConfig`]): its cluster, volume and
//! output keys, inter-container encryption, network isolation and VPC.

use serde::Serialize;

use super::{ApiCall, Kind, Listing, Needed, StateChange, Stop};
use crate::facets::{Cluster, Facet, Facets, Output, Volume};
use crate::json::FieldError;
use crate::resource::{Dependency, JobConfig, Lifecycle, VpcAttachment};
use crate::shape::Shape;

pub struct MonitoringSchedule;

/// What a schedule's snapshot carries: the job it runs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MonitoringConfig {
    /// `MonitoringType`: `DataQuality` (AWS's default), `ModelQuality`, `ModelBias`,
    /// `ModelExplainability`.
    pub monitoring_type: String,
    /// The inline job definition, or the named one.
    pub job: Dependency<JobConfig>,
}

/// The member of a job definition holding its output (`DataQualityJobOutputConfig`...).
fn output_member(monitoring_type: &str) -> String {
    format!("{monitoring_type}JobOutputConfig")
}

/// A monitoring job's settings: `resources` and `output` name the members holding its cluster
/// and its output (inline: `MonitoringResources`, `MonitoringOutputConfig`; a job definition:
/// `JobResources`, `DataQualityJobOutputConfig`...).
fn read_job(s: &Shape<'_>, resources: &str, output: &str) -> Result<JobConfig, FieldError> {
    let network = s.network("NetworkConfig")?;
    let cluster = match s.get(resources)? {
        Some(r) => r.get("ClusterConfig")?,
        None => None,
    };
    Ok(JobConfig {
        instances: cluster
            .as_ref()
            .map(|c| c.group("ClusterConfig".into(), "InstanceCount"))
            .transpose()?
            .into_iter()
            .collect(),
        instance_choice: false,
        vpc: network.vpc,
        volume_kms_key_id: cluster.map(|c| c.str("VolumeKmsKeyId")).transpose()?.flatten(),
        output_kms_key_id: s.path_str(&[output, "KmsKeyId"])?,
        inter_container_encryption: network.inter_container_encryption,
        network_isolation: network.network_isolation,
        tuning_job: None,
        rule_of: None,
        automl_job: None,
        serverless: false,
        // An inline job's `Environment` (a job definition's is in its app specification).
        plaintext: s.plaintext("Environment")?,
        remote_debug: None,
    })
}

/// A job definition's Describe response, of `monitoring_type`.
pub(crate) fn read_definition(s: &Shape<'_>, monitoring_type: &str) -> Result<JobConfig, FieldError> {
    let mut job = read_job(s, "JobResources", &output_member(monitoring_type))?;
    // `DataQualityAppSpecification.Environment`...
    if let Some(app) = s.get(&format!("{monitoring_type}AppSpecification"))? {
        job.plaintext.extend(app.plaintext("Environment")?);
    }
    Ok(job)
}

const fn call(event_name: &'static str) -> ApiCall {
    ApiCall {
        event_name,
        name_key: "monitoringScheduleName",
        arn_key: "monitoringScheduleArn",
    }
}

impl Kind for MonitoringSchedule {
    const NAME: &'static str = "monitoring-schedule";
    const LABEL: &'static str = "monitoring schedule";
    type Config = MonitoringConfig;
    const CALLS: &'static [ApiCall] = &[
        call("CreateMonitoringSchedule"),
        call("UpdateMonitoringSchedule"),
        call("StartMonitoringSchedule"),
    ];
    const STATE_CHANGE: StateChange = StateChange {
        detail_type: Some("SageMaker Monitoring Schedule State Change"),
        name_key: "MonitoringScheduleName",
        arn_key: "MonitoringScheduleArn",
        status_key: "MonitoringScheduleStatus",
    };
    const CREATE_CALL: &'static str = "CreateMonitoringSchedule";
    const DESCRIBE_CALL: &'static str = "DescribeMonitoringSchedule";
    const STOP: Stop = Stop::stopping("StopMonitoringSchedule");
    /// A `Pending` schedule becomes `Scheduled` by itself: it is listed too.
    const LISTING: Listing = Listing {
        call: "ListMonitoringSchedules",
        statuses: &["Scheduled", "Pending"],
        excluded: &[],
    };

    fn lifecycle(status: &str) -> Lifecycle {
        let s = status.to_string();
        match status {
            "Scheduled" => Lifecycle::Active(s),
            "Pending" => Lifecycle::Transitional(s),
            "Stopped" | "Failed" => Lifecycle::Ended(s),
            _ => Lifecycle::Unknown(s),
        }
    }

    /// The inline definition, else the named one (described next).
    fn read(s: &Shape<'_>) -> Result<MonitoringConfig, FieldError> {
        let config = s.get("MonitoringScheduleConfig")?;
        let member = |key: &str| -> Result<Option<String>, FieldError> {
            config.as_ref().map(|c| c.str(key)).transpose().map(Option::flatten)
        };
        let monitoring_type = member("MonitoringType")?
            .or(s.str("MonitoringType")?)
            .unwrap_or_else(|| "DataQuality".into());
        let inline = match &config {
            Some(c) => c.get("MonitoringJobDefinition")?,
            None => None,
        };
        let job = match inline {
            Some(definition) => Dependency::Found {
                name: "MonitoringJobDefinition".into(),
                value: read_job(&definition, "MonitoringResources", "MonitoringOutputConfig")?,
            },
            None => Dependency::NotDescribed {
                name: member("MonitoringJobDefinitionName")?.unwrap_or_default(),
            },
        };
        Ok(MonitoringConfig {
            monitoring_type,
            job,
        })
    }

    fn needs(config: &MonitoringConfig) -> Vec<Needed> {
        match &config.job {
            Dependency::NotDescribed { name } => vec![Needed::MonitoringJobDefinition {
                monitoring_type: config.monitoring_type.clone(),
                name: name.clone(),
            }],
            _ => Vec::new(),
        }
    }

    fn supply(
        config: &mut MonitoringConfig,
        needed: &Needed,
        described: Option<&Shape<'_>>,
    ) -> Result<(), FieldError> {
        if let (Needed::MonitoringJobDefinition { name, .. }, Dependency::NotDescribed { .. }) =
            (needed, &config.job)
        {
            let monitoring_type = config.monitoring_type.clone();
            let read = |s: &Shape<'_>| read_definition(s, &monitoring_type);
            config.job = super::described(name, described, read)?;
        }
        Ok(())
    }
}

/// What the job definition is called in findings.
const DEFINITION: &str = "monitoring job definition";

impl Facets for MonitoringConfig {
    fn vpc(&self) -> Facet<Option<&VpcAttachment>> {
        Facet::held_in(&self.job, DEFINITION, |j| j.vpc())
    }

    fn network_isolation(&self) -> Facet<bool> {
        Facet::held_in(&self.job, DEFINITION, |j| j.network_isolation())
    }

    fn cluster(&self) -> Facet<Cluster> {
        Facet::held_in(&self.job, DEFINITION, |j| j.cluster())
    }

    fn volume(&self) -> Facet<Volume<'_>> {
        Facet::held_in(&self.job, DEFINITION, |j| j.volume())
    }

    fn output(&self) -> Facet<Output<'_>> {
        Facet::held_in(&self.job, DEFINITION, |j| j.output())
    }

    fn plaintext(&self) -> Facet<&[crate::secrets::Setting]> {
        Facet::held_in(&self.job, DEFINITION, |j| j.plaintext())
    }

    fn key_references(&self) -> Vec<&str> {
        match &self.job {
            Dependency::Found { value, .. } => value.key_references(),
            _ => Vec::new(),
        }
    }

    fn vpc_attachments_mut(&mut self) -> Vec<&mut VpcAttachment> {
        self.job
            .found_mut()
            .map_or_else(Vec::new, |j| j.vpc_attachments_mut())
    }
}
