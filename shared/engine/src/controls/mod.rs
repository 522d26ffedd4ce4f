//! The controls: one file per control, each listed once in the [`registry!`] below.
//!
//! A control is a type implementing [`Control`]: its id, its baseline mode and severity, its
//! settings in the policy file, a pure check of a [`Snapshot`] under those settings (reading the
//! snapshot's neutral facets, see [`crate::facets`], never its kind), the SCP statements that
//! prevent what it detects, and its documentation (the module's doc comment and its remedy). It
//! returns data, a [`Check`], with the observed and expected values; messages are derived from that
//! data. Everything else (the policy file, findings, the preventive document, the CLI) iterates
//! the registry.

use std::any::Any;
use std::cmp::Ordering;
use std::fmt;
use std::sync::Arc;

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use crate::preventive::Scp;
use crate::resource::{Snapshot, Toggle};

pub mod allowed;
pub mod kms;

/// Declares the controls: each line names a control's module and its type. The module is
/// declared here, and the registry (and so every list of controls) follows this order.
macro_rules! registry {
    ($($module:ident :: $control:ident),* $(,)?) => {
        $(pub mod $module;)*

        /// Every control, in the order findings and alerts list them.
        pub static REGISTRY: &[&dyn Registered] = &[$(&$module::$control),*];

        /// Each control's source, whose module documentation says what, why and how to fix.
        static SOURCES: &[(&str, &str)] = &[
            $((stringify!($module), include_str!(concat!(stringify!($module), ".rs")))),*
        ];

        /// Reads the `[controls.ID]` table of a policy file as control `id`'s entry type.
        pub(crate) fn read_entry<'de, A: serde::de::MapAccess<'de>>(
            id: ControlId,
            map: &mut A,
        ) -> Result<Box<dyn Any>, A::Error> {
            $(
                if id == <$module::$control as Control>::ID {
                    let entry: <$module::$control as Control>::Entry = map.next_value()?;
                    return Ok(Box::new(entry));
                }
            )*
            Err(serde::de::Error::custom(format!("unknown control `{id}`")))
        }
    };
}

registry! {
    vpc_attached::VpcAttached,
    volume_kms::VolumeKms,
    output_kms::OutputKms,
    inter_container_encryption::InterContainerEncryption,
    network_isolation::NetworkIsolation,
    no_direct_internet::NoDirectInternet,
    no_root_access::NoRootAccess,
    imds_v2::ImdsV2,
    supported_platform::SupportedPlatform,
    lifecycle_configs::LifecycleConfigs,
    no_ssm_access::NoSsmAccess,
    multi_instance_variants::MultiInstanceVariants,
    no_docker_access::NoDockerAccess,
    execution_roles::ExecutionRoles,
    studio_images::StudioImages,
    public_crowd::PublicCrowd,
    model_approval::ModelApproval,
    artifact_bucket_owner::ArtifactBucketOwner,
    no_plaintext_secrets::NoPlaintextSecrets,
    required_tags::RequiredTags,
}

/// What happens when a control fails.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Mode {
    /// Report and remediate (stop or delete the resource).
    Enforce,
    /// Report only; the finding says what enforce mode would have done.
    Audit,
    /// Not evaluated.
    Off,
}

impl fmt::Display for Mode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Mode::Enforce => "enforce",
            Mode::Audit => "audit",
            Mode::Off => "off",
        })
    }
}

/// Finding severity, ordered from least to most severe (labels as in Security Hub).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Informational,
    Low,
    Medium,
    High,
    Critical,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Informational => "informational",
            Severity::Low => "low",
            Severity::Medium => "medium",
            Severity::High => "high",
            Severity::Critical => "critical",
        }
    }

    pub fn parse(value: &str) -> Option<Severity> {
        [
            Severity::Informational,
            Severity::Low,
            Severity::Medium,
            Severity::High,
            Severity::Critical,
        ]
        .into_iter()
        .find(|s| s.as_str().eq_ignore_ascii_case(value))
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A field of the policy file (`controls.vpc-attached.allowed_subnets[1]`) and what is wrong with
/// its value.
pub type Invalid = (String, String);

/// The mode and severity a control's table in the policy file may set.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Levels {
    pub mode: Option<Mode>,
    pub severity: Option<Severity>,
}

/// A control's table in the policy file: its levels, and its own settings.
pub trait Entry: DeserializeOwned + Default + 'static {
    fn levels(&self) -> (Option<Mode>, Option<Severity>);
}

impl Entry for Levels {
    fn levels(&self) -> (Option<Mode>, Option<Severity>) {
        (self.mode, self.severity)
    }
}

/// A control. Implement it in a new file under `controls/` and add one line to [`registry!`].
pub trait Control: Send + Sync + 'static {
    /// Stable id: it appears in policies, findings, alerts and filter policies; never change it.
    const ID: ControlId;
    /// Mode and severity when the policy file does not set them.
    const BASELINE: (Mode, Severity);
    /// One line on how to fix a failure, carried in findings and alerts.
    const REMEDY: &'static str;
    /// The control's `[controls.ID]` table in the policy file ([`Levels`] when it has no
    /// settings of its own); unknown fields are rejected with their line.
    type Entry: Entry;
    /// The validated settings the check reads.
    type Settings: fmt::Debug + Send + Sync + 'static;

    /// Validates the entry: an error names the field and what is wrong.
    fn settings(entry: Self::Entry) -> Result<Self::Settings, Invalid>;

    /// Judges one snapshot.
    fn check(snapshot: &Snapshot, settings: &Self::Settings) -> Check;

    /// Adds the SCP statements that deny, at creation, what this control detects, and the gaps
    /// it cannot deny (called only for a control in enforce mode).
    fn prevent(_settings: &Self::Settings, scp: &mut Scp<'_>) {
        scp.gap(
            Self::ID,
            "*",
            "no SageMaker condition key: reported by the detective control, not prevented",
        );
    }
}

/// A notebook setting that must be `Disabled` (AWS's default is `Enabled`): a control, once its
/// names are given.
pub trait NotebookSwitch: Send + Sync + 'static {
    const ID: ControlId;
    const BASELINE: (Mode, Severity);
    const REMEDY: &'static str;
    /// The API member: `RootAccess`.
    const SETTING: &'static str;
    /// The purpose in the SCP statements' ids: `RootAccess`.
    const SID: &'static str;
    /// Its SageMaker condition key, and whether `UpdateNotebookInstance` carries it too.
    const CONDITION_KEY: &'static str;
    const ON_UPDATE: bool;

    /// The setting's facet.
    fn value(snapshot: &Snapshot) -> crate::facets::Facet<&Toggle>;
}

impl<T: NotebookSwitch> Control for T {
    const ID: ControlId = <T as NotebookSwitch>::ID;
    const BASELINE: (Mode, Severity) = <T as NotebookSwitch>::BASELINE;
    const REMEDY: &'static str = <T as NotebookSwitch>::REMEDY;
    type Entry = Levels;
    type Settings = ();

    fn settings(_: Levels) -> Result<(), Invalid> {
        Ok(())
    }

    fn check(snapshot: &Snapshot, _: &()) -> Check {
        T::value(snapshot).judge(snapshot.kind(), &|value| check_disabled(T::SETTING, value))
    }

    fn prevent(_: &(), scp: &mut Scp<'_>) {
        scp.disabled(
            <T as NotebookSwitch>::ID,
            T::SID,
            T::CONDITION_KEY,
            T::ON_UPDATE,
        );
    }
}

/// A control's settings as the policy holds them (one type per control, behind [`Any`]).
pub type Settings = Arc<dyn Any + Send + Sync>;

/// A registered control with its types erased, as the registry lists it. Implemented for every
/// [`Control`].
pub trait Registered: Send + Sync {
    fn id(&self) -> ControlId;
    fn baseline(&self) -> (Mode, Severity);
    fn remedy(&self) -> &'static str;
    /// Validates a policy file's entry ([`read_entry`]'s value; `None`: the file has none) into
    /// its levels and settings.
    fn resolve(
        &self,
        entry: Option<Box<dyn Any>>,
    ) -> Result<(Option<Mode>, Option<Severity>, Settings), Invalid>;
    fn judge(&self, snapshot: &Snapshot, settings: &Settings) -> Check;
    fn prevent_in(&self, settings: &Settings, scp: &mut Scp<'_>);
}

impl<C: Control> Registered for C {
    fn id(&self) -> ControlId {
        C::ID
    }

    fn baseline(&self) -> (Mode, Severity) {
        C::BASELINE
    }

    fn remedy(&self) -> &'static str {
        C::REMEDY
    }

    fn resolve(
        &self,
        entry: Option<Box<dyn Any>>,
    ) -> Result<(Option<Mode>, Option<Severity>, Settings), Invalid> {
        let entry = match entry.map(|e| e.downcast::<C::Entry>()) {
            Some(Ok(entry)) => *entry,
            None => C::Entry::default(),
            Some(Err(_)) => {
                return Err((
                    format!("controls.{}", C::ID),
                    "internal error: entry of another control".into(),
                ))
            }
        };
        let (mode, severity) = entry.levels();
        Ok((mode, severity, Arc::new(C::settings(entry)?)))
    }

    fn judge(&self, snapshot: &Snapshot, settings: &Settings) -> Check {
        match settings.downcast_ref::<C::Settings>() {
            Some(settings) => C::check(snapshot, settings),
            None => Check::cannot(format!("internal error: no settings for {}", C::ID)),
        }
    }

    fn prevent_in(&self, settings: &Settings, scp: &mut Scp<'_>) {
        if let Some(settings) = settings.downcast_ref::<C::Settings>() {
            C::prevent(settings, scp);
        }
    }
}

/// A control's stable id. Only the controls make one ([`ControlId::new`] in their file); text from
/// outside becomes one through [`ControlId::parse`], which knows only registered controls.
/// Ordered as the registry lists the controls.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ControlId(&'static str);

impl ControlId {
    /// For a control's own `ID`.
    pub const fn new(id: &'static str) -> ControlId {
        ControlId(id)
    }

    /// Every registered control's id, in registry order.
    pub fn all() -> impl Iterator<Item = ControlId> {
        REGISTRY.iter().map(|c| c.id())
    }

    pub fn as_str(self) -> &'static str {
        self.0
    }

    /// The registered control named `value`.
    pub fn parse(value: &str) -> Option<ControlId> {
        Self::all().find(|c| c.0 == value)
    }

    /// All ids, comma separated, for error messages.
    pub fn names() -> String {
        Self::all()
            .map(ControlId::as_str)
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// The control with this id.
    pub fn control(self) -> Option<&'static dyn Registered> {
        REGISTRY.iter().copied().find(|c| c.id() == self)
    }

    fn position(self) -> usize {
        REGISTRY
            .iter()
            .position(|c| c.id() == self)
            .unwrap_or(usize::MAX)
    }

    /// One line on how to fix a failure, carried in findings and alerts.
    pub fn remedy(self) -> &'static str {
        self.control().map_or("", |c| c.remedy())
    }

    /// What the control checks, why, and how to fix a failure: its module's documentation.
    pub fn doc(self) -> ControlDoc {
        let module = self.0.replace('-', "_");
        let source = SOURCES
            .iter()
            .find(|(m, _)| *m == module)
            .map_or("", |(_, s)| s);
        ControlDoc::from_source(source)
    }
}

/// A control's documentation, from its module's doc comment (`**What** —`, `**Why** —`,
/// `**Fix** —` paragraphs).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ControlDoc {
    pub summary: String,
    pub what: String,
    pub why: String,
    pub fix: String,
}

impl ControlDoc {
    fn from_source(source: &str) -> ControlDoc {
        let text: Vec<&str> = source
            .lines()
            .map_while(|l| l.strip_prefix("//!"))
            .map(str::trim)
            .collect();
        let paragraphs: Vec<String> = text
            .split(|l| l.is_empty())
            .map(|p| p.join(" "))
            .filter(|p| !p.is_empty())
            .collect();
        let section = |name: &str| {
            paragraphs
                .iter()
                .find_map(|p| p.strip_prefix(&format!("**{name}** — ")))
                .unwrap_or_default()
                .to_string()
        };
        ControlDoc {
            summary: paragraphs.first().cloned().unwrap_or_default(),
            what: section("What"),
            why: section("Why"),
            fix: section("Fix"),
        }
    }
}

impl Ord for ControlId {
    fn cmp(&self, other: &Self) -> Ordering {
        (self.position(), self.0).cmp(&(other.position(), other.0))
    }
}

impl PartialOrd for ControlId {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Serialize for ControlId {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.0)
    }
}

/// Text from outside (a stored finding): only a registered control.
impl<'de> Deserialize<'de> for ControlId {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<ControlId, D::Error> {
        let name = String::deserialize(deserializer)?;
        ControlId::parse(&name).ok_or_else(|| {
            serde::de::Error::custom(format!(
                "unknown control `{name}`; known: {}",
                ControlId::names()
            ))
        })
    }
}

impl fmt::Display for ControlId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // `pad`: widths and alignment apply, as they do to the text.
        f.pad(self.as_str())
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

/// An `Enabled`/`Disabled` setting that must be `Disabled`.
pub(crate) fn check_disabled(setting: &str, value: &Toggle) -> Check {
    match value {
        Toggle::Disabled => Check::pass(format!("{setting} = Disabled")),
        Toggle::Enabled => Check::fail(
            format!("{setting} = Enabled"),
            format!("{setting} = Disabled"),
        ),
        Toggle::Unrecognised(v) => Check::cannot(format!("unrecognised {setting} value `{v}`")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_registry_lists_each_control_once_and_orders_ids_by_it() {
        let ids: Vec<ControlId> = ControlId::all().collect();
        assert_eq!(ids.len(), REGISTRY.len());
        for (i, id) in ids.iter().enumerate() {
            assert_eq!(ControlId::parse(id.as_str()), Some(*id));
            assert_eq!(id.control().map(|c| c.id()), Some(*id));
            assert!(!id.remedy().is_empty(), "{id} has a remedy");
            assert!(
                ids[..i].iter().all(|earlier| earlier < id && earlier != id),
                "{id} is listed once, after the controls before it"
            );
        }
        // Registry order, not alphabetical: findings and notification keys keep their order.
        let mut sorted = ids.clone();
        sorted.sort();
        assert_eq!(sorted, ids);
        assert_eq!(ids.first().map(|c| c.as_str()), Some("vpc-attached"));
        assert_eq!(ControlId::parse("vpc-atached"), None);
    }

    #[test]
    fn every_control_says_what_why_and_how_to_fix() {
        for id in ControlId::all() {
            let doc = id.doc();
            assert!(doc.summary.starts_with(&format!("`{id}`")), "{id}: {doc:?}");
            for (section, text) in [("what", &doc.what), ("why", &doc.why), ("fix", &doc.fix)] {
                assert!(!text.is_empty(), "{id} has no {section}");
            }
        }
    }

    #[test]
    fn an_entry_read_for_one_control_is_refused_by_another() {
        let vpc = vpc_attached::VpcAttached;
        let tags = required_tags::RequiredTags;
        let entry = Registered::resolve(&tags, Some(Box::new(Levels::default())));
        assert!(
            entry.is_err(),
            "a Levels entry is not a required-tags entry"
        );
        let settings = match Registered::resolve(&vpc, None) {
            Ok((_, _, settings)) => settings,
            Err(e) => panic!("the baseline resolves: {e:?}"),
        };
        let snapshot = fixtures::training(|_| {});
        assert!(matches!(
            tags.judge(&snapshot, &settings),
            Check::CannotEvaluate { .. }
        ));
        assert!(matches!(
            vpc.judge(&snapshot, &settings),
            Check::Pass { .. }
        ));
    }
}

#[cfg(test)]
pub(crate) mod fixtures {
    //! Snapshots for the per-control table tests.
    use std::collections::BTreeMap;

    use crate::kinds::domain::{DomainConfig, StudioSettings};
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
            key_accounts: None,
            created_ms: None,
        }
    }

    pub fn secure_notebook() -> NotebookConfig {
        NotebookConfig {
            vpc: vpc(),
            kms_key_id: Some(KEY.into()),
            direct_internet_access: Toggle::Disabled,
            root_access: Toggle::Disabled,
            minimum_imds_version: "2".into(),
            platform: Some("notebook-al2023-v1".into()),
            lifecycle_config: None,
            lifecycle_digest: None,
            lifecycle_scripts: None,
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
                plaintext: Vec::new(),
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
            rule_of: None,
            automl_job: None,
            serverless: false,
            remote_debug: None,
            plaintext: Vec::new(),
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
            async_output: None,
            variants: vec![VariantModel {
                variant_name: "AllTraffic".into(),
                shadow: false,
                instances: Some(InstanceGroup {
                    label: "variant AllTraffic".into(),
                    instance_type: Some("ml.m5.xlarge".into()),
                    instance_count: Some(2),
                }),
                model: Some(model(vpc(), true)),
                ssm_access: false,
                scaling_minimum: None,
                core_dump: None,
            }],
        }
    }

    pub fn notebook(f: impl FnOnce(&mut NotebookConfig)) -> Snapshot {
        let mut c = secure_notebook();
        f(&mut c);
        snapshot(ResourceKind::NotebookInstance, Details::NotebookInstance(c))
    }

    pub fn training(f: impl FnOnce(&mut JobConfig)) -> Snapshot {
        let mut c = JobConfig {
            remote_debug: Some(false),
            ..secure_job()
        };
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
            created_ms: None,
            volume_kms_key_id: Some(KEY.into()),
            output_kms_key_id: Some(KEY.into()),
            automl_job: None,
            plaintext: Vec::new(),
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

    pub const ROLE: &str = "arn:aws:iam::123456789012:role/SageMakerStudio";

    /// A `VpcOnly` domain in the allowed subnet, with a home volume key and no sharing.
    pub fn secure_domain() -> DomainConfig {
        let settings = StudioSettings {
            execution_role: Some(ROLE.into()),
            security_groups: vec!["sg-0a1b2c3d4e5f60001".into()],
            sharing: None,
        };
        DomainConfig {
            app_network_access: "VpcOnly".into(),
            kms_key_id: Some(KEY.into()),
            vpc: vpc().unwrap_or_default(),
            user_defaults: settings.clone(),
            space_defaults: settings,
            docker_access: "DISABLED".into(),
            rstudio_role: None,
        }
    }

    pub fn domain(f: impl FnOnce(&mut DomainConfig)) -> Snapshot {
        let mut c = secure_domain();
        f(&mut c);
        snapshot(ResourceKind::Domain, Details::Domain(c))
    }

    pub fn user_profile(f: impl FnOnce(&mut StudioSettings)) -> Snapshot {
        let mut c = StudioSettings::default();
        f(&mut c);
        snapshot(ResourceKind::UserProfile, Details::UserProfile(c))
    }

    pub fn space() -> Snapshot {
        space_with(|_| {})
    }

    pub fn space_with(f: impl FnOnce(&mut crate::kinds::space::SpaceConfig)) -> Snapshot {
        let mut c = crate::kinds::space::SpaceConfig {
            sharing_type: Some("Shared".into()),
            owner: None,
            remote_access: "DISABLED".into(),
        };
        f(&mut c);
        snapshot(ResourceKind::Space, Details::Space(c))
    }

    /// A user profile's app whose domain is `secure_domain` changed by `f` (the profile sets
    /// nothing of its own).
    pub fn app(f: impl FnOnce(&mut DomainConfig)) -> Snapshot {
        let mut domain = secure_domain();
        f(&mut domain);
        app_with(
            Dependency::Found {
                name: "d-abc".into(),
                value: Box::new(domain),
            },
            StudioSettings::default(),
        )
    }

    /// A user profile's app with `domain`, its profile setting `profile`.
    pub fn app_with(domain: Dependency<Box<DomainConfig>>, profile: StudioSettings) -> Snapshot {
        use crate::kinds::Kind;
        let request = serde_json::json!({
            "DomainId": "d-abc",
            "UserProfileName": "alice",
            "AppType": "JupyterLab",
            "ResourceSpec": {"SageMakerImageArn": "arn:aws:sagemaker:us-east-1:081325390199:image/sagemaker-distribution-cpu"},
        });
        let shape = crate::shape::Shape::response(&request, "DescribeApp");
        let mut c = match crate::kinds::app::App::read(&shape) {
            Ok(c) => c,
            Err(e) => panic!("fixture app: {e}"),
        };
        c.domain = domain;
        c.space = None;
        c.profile = Some(Dependency::Found {
            name: "d-abc/alice".into(),
            value: profile,
        });
        c.settle();
        snapshot(ResourceKind::App, Details::App(c))
    }

    /// An app whose domain was deleted while it runs.
    pub fn app_without_domain() -> Snapshot {
        app_with(
            Dependency::Deleted {
                name: "d-abc".into(),
            },
            StudioSettings::default(),
        )
    }

    /// A monitoring schedule running a (found) job definition, `secure_job` changed by `f`.
    pub fn monitoring(f: impl FnOnce(&mut JobConfig)) -> Snapshot {
        let mut job = secure_job();
        f(&mut job);
        monitoring_with(Dependency::Found {
            name: "dq".into(),
            value: job,
        })
    }

    pub fn monitoring_with(job: Dependency<JobConfig>) -> Snapshot {
        let c = crate::kinds::monitoring_schedule::MonitoringConfig {
            monitoring_type: "DataQuality".into(),
            job,
        };
        snapshot(
            ResourceKind::MonitoringSchedule,
            Details::MonitoringSchedule(c),
        )
    }

    /// A schedule whose job definition was deleted while it runs.
    pub fn monitoring_without_definition() -> Snapshot {
        monitoring_with(Dependency::Deleted { name: "dq".into() })
    }

    /// A schedule replayed from an event that does not carry its job definition.
    pub fn monitoring_not_described() -> Snapshot {
        monitoring_with(Dependency::NotDescribed { name: "dq".into() })
    }

    /// An endpoint replayed from an event that does not carry its configuration.
    pub fn endpoint_without_config() -> Snapshot {
        endpoint_with(Dependency::NotDescribed { name: "cfg".into() })
    }

    /// A HyperPod cluster in the VPC, with one instance group whose volumes have `KEY`, running
    /// as `ROLE` with scripts from `s3://platform-lcc/hyperpod/`, changed by `f`.
    pub fn cluster(f: impl FnOnce(&mut crate::kinds::cluster::ClusterConfig)) -> Snapshot {
        use crate::kinds::cluster::{ClusterConfig, EbsVolume, NodeGroup};
        let volume = |root| EbsVolume {
            root,
            kms_key_id: Some(KEY.into()),
        };
        let mut c = ClusterConfig {
            vpc: vpc(),
            groups: vec![NodeGroup {
                name: "workers".into(),
                restricted: false,
                execution_role: Some(ROLE.into()),
                lifecycle_source: Some("s3://platform-lcc/hyperpod/".into()),
                volumes: vec![volume(true), volume(false)],
                override_vpc: None,
            }],
        };
        f(&mut c);
        snapshot(ResourceKind::Cluster, Details::Cluster(c))
    }

    /// A labeling job sent to a private workteam, labels encrypted with `KEY`, no automated
    /// labeling, changed by `f`.
    pub fn labeling(f: impl FnOnce(&mut crate::kinds::labeling_job::LabelingConfig)) -> Snapshot {
        let mut c = crate::kinds::labeling_job::LabelingConfig {
            workteam: Some(
                "arn:aws:sagemaker:us-east-1:123456789012:workteam/private-crowd/annotators".into(),
            ),
            output_kms_key_id: Some(KEY.into()),
            automated: None,
        };
        f(&mut c);
        snapshot(ResourceKind::LabelingJob, Details::LabelingJob(c))
    }

    /// A model package version registered by a pipeline role, last changed by a Studio user,
    /// encrypted with `KEY`, changed by `f`.
    pub fn model_package(
        f: impl FnOnce(&mut crate::kinds::model_package::ModelPackageConfig),
    ) -> Snapshot {
        let mut c = crate::kinds::model_package::ModelPackageConfig {
            versioned: true,
            approval_status: Some("Approved".into()),
            skip_validation: None,
            validation_spec: false,
            registered_by: Some(crate::facets::Principal {
                person: None,
                iam: Some("arn:aws:sts::123456789012:assumed-role/Pipeline/run-7".into()),
            }),
            last_changed_by: Some(crate::facets::Principal {
                person: Some("alice".into()),
                iam: Some("arn:aws:sts::123456789012:assumed-role/StudioRole/SageMaker".into()),
            }),
            approval_call: None,
            kms_key_id: Some(KEY.into()),
            plaintext: Vec::new(),
        };
        f(&mut c);
        snapshot(ResourceKind::ModelPackage, Details::ModelPackage(c))
    }

    /// An MLflow tracking server with AWS's defaults: its own account's bucket, checked; changed
    /// by `f`.
    pub fn mlflow_server(
        f: impl FnOnce(&mut crate::kinds::mlflow_tracking_server::TrackingServerConfig),
    ) -> Snapshot {
        let mut c = crate::kinds::mlflow_tracking_server::TrackingServerConfig {
            artifact_store_uri: Some("s3://mlflow-artifacts/team/".into()),
            owner_account: None,
            owner_verification: None,
            role: Some("arn:aws:iam::123456789012:role/MlflowRole".into()),
        };
        f(&mut c);
        snapshot(
            ResourceKind::MlflowTrackingServer,
            Details::MlflowTrackingServer(c),
        )
    }

    pub const ACCOUNT: &str = "123456789012";

    /// The table of a notebook switch that must be `Disabled` (`set` changes it on a compliant
    /// notebook): other kinds not applicable, `Enabled` (or absent: AWS's default) fails, an
    /// unknown value cannot be evaluated.
    pub fn disabled_switch_table(
        check: impl Fn(&Snapshot) -> crate::controls::Check,
        set: impl Fn(&mut NotebookConfig, Toggle),
    ) {
        let cases = [
            ("transform", transform(|_| {}), "N/A"),
            ("tuning", tuning(|_| {}), "N/A"),
            ("notebook disabled", notebook(|_| {}), "PASS"),
            (
                "notebook enabled or absent (AWS default)",
                notebook(|n| set(n, Toggle::Enabled)),
                "FAIL",
            ),
            (
                "notebook unknown value",
                notebook(|n| set(n, Toggle::parse("Partial"))),
                "CANNOT",
            ),
            ("training", training(|_| {}), "N/A"),
            ("processing", processing(|_| {}), "N/A"),
            ("endpoint", endpoint(|_| {}), "N/A"),
        ];
        for (name, snap, want) in cases {
            assert_eq!(status(&check(&snap)), want, "{name}");
        }
    }

    /// Each of `controls`' status words for a resource of `kind` with `details`, under `policy`.
    pub fn statuses(
        kind: ResourceKind,
        details: Details,
        policy: &crate::Policy,
        controls: &[crate::controls::ControlId],
    ) -> Vec<&'static str> {
        let mut snapshot = training(|_| {});
        snapshot.id.kind = kind;
        snapshot.details = details;
        controls
            .iter()
            .map(|id| status(&policy.check(*id, &snapshot)))
            .collect()
    }

    /// The same for a resource as its Describe `response` gives it.
    pub fn described(
        kind: ResourceKind,
        response: &serde_json::Value,
        policy: &crate::Policy,
        controls: &[crate::controls::ControlId],
    ) -> Result<Vec<&'static str>, crate::json::FieldError> {
        Ok(statuses(
            kind,
            kind.read_described(response)?.details,
            policy,
            controls,
        ))
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
