//! The controls: one file per control, one table ([`ControlId`]) mapping stable ids to them.
//!
//! A control is a pure function of a [`Snapshot`] and its own policy settings. It returns data, a
//! [`Check`], with the observed and expected values; messages are derived from that data.

use std::fmt;

use serde::Serialize;

use crate::policy::{Mode, Policy, Severity};
use crate::resource::{
    Dependency, EndpointConfig, EndpointDetails, ModelConfig, Snapshot, VpcAttachment,
};

pub mod inter_container_encryption;
pub mod kms;
pub mod network_isolation;
pub mod no_direct_internet;
pub mod no_root_access;
pub mod output_kms;
pub mod required_tags;
pub mod volume_kms;
pub mod vpc_attached;

/// Judges the settings of a dependency (a model, an endpoint configuration). One that was
/// deleted while the workload runs fails (fail closed: its settings cannot be verified, and a
/// deletion must not be a way around the guardrail); one an offline event does not carry cannot
/// be evaluated.
pub(crate) fn on_dependency<T>(
    dependency: &Dependency<T>,
    what: &str,
    check: impl FnOnce(&T) -> Check,
) -> Check {
    match dependency {
        Dependency::Found { value, .. } => check(value),
        Dependency::Deleted { name } => Check::fail(
            format!("cannot verify: {what} {name} deleted"),
            format!("{what} {name} exists, so its settings can be verified"),
        ),
        Dependency::NotDescribed { name } => Check::cannot(format!(
            "{what} {name} is not in the event (offline replay): replay with --live"
        )),
    }
}

/// Stable control ids. They appear in policies, findings, alerts and filter policies: never rename one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ControlId {
    VpcAttached,
    VolumeKms,
    OutputKms,
    InterContainerEncryption,
    NetworkIsolation,
    NoDirectInternet,
    NoRootAccess,
    RequiredTags,
}

impl ControlId {
    pub const ALL: [ControlId; 8] = [
        ControlId::VpcAttached,
        ControlId::VolumeKms,
        ControlId::OutputKms,
        ControlId::InterContainerEncryption,
        ControlId::NetworkIsolation,
        ControlId::NoDirectInternet,
        ControlId::NoRootAccess,
        ControlId::RequiredTags,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ControlId::VpcAttached => "vpc-attached",
            ControlId::VolumeKms => "volume-kms",
            ControlId::OutputKms => "output-kms",
            ControlId::InterContainerEncryption => "inter-container-encryption",
            ControlId::NetworkIsolation => "network-isolation",
            ControlId::NoDirectInternet => "no-direct-internet",
            ControlId::NoRootAccess => "no-root-access",
            ControlId::RequiredTags => "required-tags",
        }
    }

    pub fn parse(value: &str) -> Option<ControlId> {
        Self::ALL.into_iter().find(|c| c.as_str() == value)
    }

    /// All ids, comma separated, for error messages.
    pub fn names() -> String {
        Self::ALL.map(ControlId::as_str).join(", ")
    }

    /// Mode and severity in the built-in baseline policy.
    pub fn baseline(self) -> (Mode, Severity) {
        match self {
            ControlId::VpcAttached
            | ControlId::VolumeKms
            | ControlId::OutputKms
            | ControlId::NoDirectInternet => (Mode::Enforce, Severity::High),
            ControlId::InterContainerEncryption | ControlId::NoRootAccess => {
                (Mode::Enforce, Severity::Medium)
            }
            ControlId::NetworkIsolation => (Mode::Audit, Severity::Medium),
            ControlId::RequiredTags => (Mode::Audit, Severity::Low),
        }
    }

    /// One line on how to fix a failure, carried in findings and alerts.
    pub fn remedy(self) -> &'static str {
        match self {
            ControlId::VpcAttached => vpc_attached::REMEDY,
            ControlId::VolumeKms => volume_kms::REMEDY,
            ControlId::OutputKms => output_kms::REMEDY,
            ControlId::InterContainerEncryption => inter_container_encryption::REMEDY,
            ControlId::NetworkIsolation => network_isolation::REMEDY,
            ControlId::NoDirectInternet => no_direct_internet::REMEDY,
            ControlId::NoRootAccess => no_root_access::REMEDY,
            ControlId::RequiredTags => required_tags::REMEDY,
        }
    }

    /// Runs this control on a snapshot under the policy's settings for it.
    pub fn check(self, snapshot: &Snapshot, policy: &Policy) -> Check {
        match self {
            ControlId::VpcAttached => vpc_attached::check(snapshot, &policy.vpc_attached.settings),
            ControlId::VolumeKms => volume_kms::check(snapshot, &policy.volume_kms.settings),
            ControlId::OutputKms => output_kms::check(snapshot, &policy.output_kms.settings),
            ControlId::InterContainerEncryption => inter_container_encryption::check(
                snapshot,
                &policy.inter_container_encryption.settings,
            ),
            ControlId::NetworkIsolation => network_isolation::check(snapshot),
            ControlId::NoDirectInternet => no_direct_internet::check(snapshot),
            ControlId::NoRootAccess => no_root_access::check(snapshot),
            ControlId::RequiredTags => {
                required_tags::check(snapshot, &policy.required_tags.settings)
            }
        }
    }
}

impl fmt::Display for ControlId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The outcome of one control on one resource.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "status", rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Check {
    Pass {
        observed: String,
    },
    Fail {
        observed: String,
        expected: String,
    },
    /// The control does not apply: the kind has no such setting, or AWS documents the setting
    /// as invalid or meaningless for this resource (the reason says which).
    NotApplicable {
        reason: String,
    },
    /// The input does not allow a verdict (unknown enum value, data not available): never a pass.
    CannotEvaluate {
        reason: String,
    },
}

impl Check {
    pub(crate) fn pass(observed: impl Into<String>) -> Check {
        Check::Pass {
            observed: observed.into(),
        }
    }

    pub(crate) fn fail(observed: impl Into<String>, expected: impl Into<String>) -> Check {
        Check::Fail {
            observed: observed.into(),
            expected: expected.into(),
        }
    }

    pub(crate) fn not_applicable(reason: impl Into<String>) -> Check {
        Check::NotApplicable {
            reason: reason.into(),
        }
    }

    /// The kind of resource has no such setting.
    pub(crate) fn no_such_setting(snapshot: &Snapshot) -> Check {
        Check::not_applicable(format!("a {} has no such setting", snapshot.kind().label()))
    }

    pub(crate) fn cannot(reason: impl Into<String>) -> Check {
        Check::CannotEvaluate {
            reason: reason.into(),
        }
    }

    /// A pass when `ok`, else a failure; for boolean settings.
    pub(crate) fn flag(ok: bool, observed: impl Into<String>, expected: &str) -> Check {
        if ok {
            Check::pass(observed)
        } else {
            Check::fail(observed, expected)
        }
    }

    /// Combines checks of several parts (an endpoint's variants, a tuning job's definitions): any
    /// failure fails, then any "cannot evaluate", then any pass; parts that do not apply are left
    /// out, and only when no part applies is the whole not applicable. Observations are joined in
    /// order. `none` is the reason given when there are no parts at all.
    pub(crate) fn all(parts: Vec<(String, Check)>, none: &str) -> Check {
        if parts.is_empty() {
            return Check::cannot(none);
        }
        let mut failed = Vec::new();
        let mut unknown = Vec::new();
        let mut passed = Vec::new();
        let mut inapplicable = Vec::new();
        let mut expected_text = String::new();
        for (label, check) in parts {
            match check {
                Check::Fail { observed, expected } => {
                    failed.push(format!("{label}: {observed}"));
                    expected_text = expected;
                }
                Check::CannotEvaluate { reason } => unknown.push(format!("{label}: {reason}")),
                Check::Pass { observed } => passed.push(format!("{label}: {observed}")),
                Check::NotApplicable { reason } => inapplicable.push(format!("{label}: {reason}")),
            }
        }
        if !failed.is_empty() {
            Check::fail(failed.join("; "), expected_text)
        } else if !unknown.is_empty() {
            Check::cannot(unknown.join("; "))
        } else if !passed.is_empty() {
            Check::pass(passed.join("; "))
        } else {
            Check::not_applicable(inapplicable.join("; "))
        }
    }
}

/// Runs a check on every path that serves an endpoint's traffic and combines the results: the
/// model of every production and shadow variant, and, for a variant that hosts inference
/// components instead of a model, the endpoint configuration's own settings (`VpcConfig`,
/// `EnableNetworkIsolation`), which govern every component's containers.
pub(crate) fn per_model(
    endpoint: &EndpointDetails,
    check: impl Fn(&ModelConfig) -> Check,
    config_check: impl Fn(&EndpointConfig) -> Check,
) -> Check {
    on_dependency(&endpoint.config, "endpoint configuration", |config| {
        let mut parts = Vec::new();
        for v in &config.variants {
            let role = if v.shadow {
                "shadow variant"
            } else {
                "variant"
            };
            parts.push(match &v.model {
                Some(model) => (
                    format!("{role} {} (model {})", v.variant_name, model.name()),
                    on_dependency(model, "model", &check),
                ),
                None => (
                    format!("{role} {} (inference components)", v.variant_name),
                    config_check(config),
                ),
            });
        }
        Check::all(parts, "no production variants reported")
    })
}

/// Runs a check on every training job definition of a tuning job and combines the results.
pub(crate) fn per_definition(
    definitions: &[crate::resource::TuningDefinition],
    check: impl Fn(&crate::resource::JobConfig) -> Check,
) -> Check {
    Check::all(
        definitions
            .iter()
            .map(|d| (format!("definition {}", d.name), check(&d.job)))
            .collect(),
        "no training job definition reported",
    )
}

/// An `Enabled`/`Disabled` setting that must be `Disabled`.
pub(crate) fn check_disabled(setting: &str, value: &crate::resource::Toggle) -> Check {
    use crate::resource::Toggle;
    match value {
        Toggle::Disabled => Check::pass(format!("{setting} = Disabled")),
        Toggle::Enabled => Check::fail(
            format!("{setting} = Enabled"),
            format!("{setting} = Disabled"),
        ),
        Toggle::Unrecognised(v) => Check::cannot(format!("unrecognised {setting} value `{v}`")),
    }
}

/// Shared by `vpc-attached` on every kind: attached, and inside the allow-lists if any.
pub(crate) fn check_vpc(
    vpc: Option<&VpcAttachment>,
    settings: &crate::policy::VpcSettings,
) -> Check {
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
pub(crate) mod fixtures {
    //! Snapshots for the per-control table tests.
    use std::collections::BTreeMap;

    use crate::resource::*;

    pub const KEY: &str =
        "arn:aws:kms:us-east-1:123456789012:key/1111aaaa-22bb-33cc-44dd-555555eeeeee";

    pub fn vpc() -> Option<VpcAttachment> {
        Some(VpcAttachment {
            subnets: vec!["subnet-0a1b2c3d4e5f60001".into()],
            security_groups: vec!["sg-0a1b2c3d4e5f60001".into()],
            vpc_id: Some("vpc-0a1b2c3d4e5f60001".into()),
        })
    }

    pub fn outside_vpc() -> Option<VpcAttachment> {
        Some(VpcAttachment {
            subnets: vec!["subnet-0ffffffffffff0099".into()],
            security_groups: vec!["sg-0ffffffffffff0099".into()],
            vpc_id: Some("vpc-0ffffffffffff0099".into()),
        })
    }

    fn snapshot(kind: ResourceKind, details: Details) -> Snapshot {
        let id = ResourceId {
            kind,
            name: "res".into(),
            account: "123456789012".into(),
            region: "us-east-1".into(),
        };
        Snapshot {
            arn: id.arn(),
            id,
            lifecycle: Lifecycle::NotReported,
            details,
            tags: Some(BTreeMap::from([("owner".to_string(), "alice".to_string())])),
            key_managers: None,
        }
    }

    pub fn secure_notebook() -> NotebookConfig {
        NotebookConfig {
            vpc: vpc(),
            kms_key_id: Some(KEY.into()),
            direct_internet_access: Toggle::Disabled,
            root_access: Toggle::Disabled,
        }
    }

    /// `count` instances of an EBS-backed type.
    pub fn instances(instance_type: &str, count: i32) -> Vec<InstanceGroup> {
        vec![InstanceGroup {
            label: "ResourceConfig".into(),
            instance_type: Some(instance_type.into()),
            instance_count: Some(count),
        }]
    }

    pub fn model(vpc: Option<VpcAttachment>, network_isolation: bool) -> Dependency<ModelConfig> {
        Dependency::Found {
            name: "model".into(),
            value: ModelConfig {
                vpc,
                network_isolation,
            },
        }
    }

    pub fn secure_job() -> JobConfig {
        JobConfig {
            instances: instances("ml.m5.xlarge", 2),
            instance_choice: false,
            vpc: vpc(),
            volume_kms_key_id: Some(KEY.into()),
            output_kms_key_id: Some(KEY.into()),
            inter_container_encryption: true,
            network_isolation: true,
            tuning_job: None,
        }
    }

    pub fn secure_endpoint() -> EndpointConfig {
        EndpointConfig {
            vpc: None,
            network_isolation: false,
            kms_key_id: Some(KEY.into()),
            data_capture: Some(DataCapture {
                enabled: true,
                kms_key_id: Some(KEY.into()),
            }),
            variants: vec![VariantModel {
                variant_name: "AllTraffic".into(),
                shadow: false,
                instances: Some(InstanceGroup {
                    label: "variant AllTraffic".into(),
                    instance_type: Some("ml.m5.xlarge".into()),
                    instance_count: Some(1),
                }),
                model: Some(model(vpc(), true)),
            }],
        }
    }

    pub fn notebook(f: impl FnOnce(&mut NotebookConfig)) -> Snapshot {
        let mut c = secure_notebook();
        f(&mut c);
        snapshot(ResourceKind::NotebookInstance, Details::NotebookInstance(c))
    }

    pub fn training(f: impl FnOnce(&mut JobConfig)) -> Snapshot {
        let mut c = secure_job();
        f(&mut c);
        snapshot(ResourceKind::TrainingJob, Details::TrainingJob(c))
    }

    pub fn processing(f: impl FnOnce(&mut JobConfig)) -> Snapshot {
        let mut c = secure_job();
        f(&mut c);
        snapshot(ResourceKind::ProcessingJob, Details::ProcessingJob(c))
    }

    pub fn endpoint(f: impl FnOnce(&mut EndpointConfig)) -> Snapshot {
        let mut c = secure_endpoint();
        f(&mut c);
        endpoint_with(Dependency::Found {
            name: "cfg".into(),
            value: c,
        })
    }

    pub fn endpoint_with(config: Dependency<EndpointConfig>) -> Snapshot {
        snapshot(
            ResourceKind::Endpoint,
            Details::Endpoint(EndpointDetails::new(config)),
        )
    }

    pub fn transform(f: impl FnOnce(&mut TransformConfig)) -> Snapshot {
        let mut c = TransformConfig {
            instances: instances("ml.m5.xlarge", 1),
            model: model(vpc(), true),
            volume_kms_key_id: Some(KEY.into()),
            output_kms_key_id: Some(KEY.into()),
        };
        f(&mut c);
        snapshot(ResourceKind::TransformJob, Details::TransformJob(c))
    }

    /// A tuning job with two definitions; `f` changes the second.
    pub fn tuning(f: impl FnOnce(&mut JobConfig)) -> Snapshot {
        let mut second = secure_job();
        f(&mut second);
        let definitions = vec![
            TuningDefinition {
                name: "xgb".into(),
                job: secure_job(),
            },
            TuningDefinition {
                name: "lgbm".into(),
                job: second,
            },
        ];
        snapshot(
            ResourceKind::HyperParameterTuningJob,
            Details::HyperParameterTuningJob(definitions),
        )
    }

    /// An endpoint replayed from an event that does not carry its configuration.
    pub fn endpoint_without_config() -> Snapshot {
        endpoint_with(Dependency::NotDescribed { name: "cfg".into() })
    }

    /// The status word of a check, for compact table assertions.
    pub fn status(check: &crate::controls::Check) -> &'static str {
        match check {
            crate::controls::Check::Pass { .. } => "PASS",
            crate::controls::Check::Fail { .. } => "FAIL",
            crate::controls::Check::NotApplicable { .. } => "N/A",
            crate::controls::Check::CannotEvaluate { .. } => "CANNOT",
        }
    }
}
