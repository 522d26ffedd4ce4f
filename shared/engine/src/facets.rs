//! What the controls read: the settings of a snapshot as neutral facets, whatever its kind.
//!
//! A facet is one setting (the VPC attachment, the volume key, network isolation...) as each part
//! of the resource that runs containers has it: the resource itself, every training job
//! definition of a tuning job, the model of every endpoint variant. Parts held in another resource
//! (a model, an endpoint configuration) that cannot be read stay in the facet as such, so every
//! control fails closed on them in the same way. Each kind's configuration implements
//! [`Facets`] (a facet it does not implement is "no such setting"); a control judges one value
//! with [`Facet::judge`] and never matches on the kind.

use crate::controls::Check;
use crate::resource::{Dependency, InstanceGroup, JobConfig, ResourceKind, Toggle, VpcAttachment};

/// Why a control does not apply to a kind that has no such setting.
pub fn no_such_setting(kind: ResourceKind) -> String {
    let label = kind.label();
    let article = match label.chars().next() {
        Some('a' | 'e' | 'i' | 'o' | 'u' | 'A' | 'E' | 'I' | 'O' | 'U') => "an",
        _ => "a",
    };
    format!("{article} {label} has no such setting")
}

/// One setting of a resource, part by part.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Facet<T> {
    /// The kind has no such setting.
    NoSuchSetting,
    /// The setting does not apply to this resource, for the reason given (AWS documents it as
    /// meaningless here, or the feature it governs is off).
    NotApplicable(String),
    /// Whether the setting applies depends on a value this version does not know: cannot
    /// evaluate (never a pass).
    Unknown(String),
    One(T),
    /// One facet per part (variants, definitions), each labelled for people; `none` is what to
    /// say when there are no parts at all.
    Each {
        parts: Vec<(String, Facet<T>)>,
        none: &'static str,
    },
    /// Held in another resource (`what`, `name`) that was deleted while the workload runs: its
    /// settings cannot be verified.
    Deleted {
        what: &'static str,
        name: String,
    },
    /// Held in another resource that an event replayed offline does not carry.
    NotDescribed {
        what: &'static str,
        name: String,
    },
    /// Held in another resource created after the workload took it: not what runs.
    Replaced {
        what: &'static str,
        name: String,
        created_ms: i64,
        taken_ms: i64,
    },
}

impl<T> Facet<T> {
    /// The facet held in a dependency: `read` on it when it was found.
    pub(crate) fn held_in<'a, D>(
        dependency: &'a Dependency<D>,
        what: &'static str,
        read: impl FnOnce(&'a D) -> Facet<T>,
    ) -> Facet<T> {
        match dependency {
            Dependency::Found { value, .. } => read(value),
            Dependency::Deleted { name } => Facet::Deleted {
                what,
                name: name.clone(),
            },
            Dependency::NotDescribed { name } => Facet::NotDescribed {
                what,
                name: name.clone(),
            },
            Dependency::Replaced {
                name,
                created_ms,
                taken_ms,
            } => Facet::Replaced {
                what,
                name: name.clone(),
                created_ms: *created_ms,
                taken_ms: *taken_ms,
            },
        }
    }

    /// Judges every value with `check` and combines the parts ([`Check::all`]). A dependency
    /// deleted while the workload runs fails (fail closed: a deletion must not be a way around
    /// the guardrail); one an offline event does not carry cannot be evaluated.
    pub fn judge(&self, kind: ResourceKind, check: &dyn Fn(&T) -> Check) -> Check {
        match self {
            Facet::NoSuchSetting => Check::not_applicable(no_such_setting(kind)),
            Facet::NotApplicable(reason) => Check::not_applicable(reason.clone()),
            Facet::Unknown(reason) => Check::cannot(reason.clone()),
            Facet::One(value) => check(value),
            Facet::Each { parts, none } => Check::all(
                parts
                    .iter()
                    .map(|(label, facet)| (label.clone(), facet.judge(kind, check)))
                    .collect(),
                none,
            ),
            Facet::Deleted { what, name } => Check::fail(
                format!("cannot verify: {what} {name} deleted"),
                format!("{what} {name} exists, so its settings can be verified"),
            ),
            Facet::NotDescribed { what, name } => Check::cannot(format!(
                "{what} {name} is not in the event (offline replay): replay with --live"
            )),
            Facet::Replaced {
                what,
                name,
                created_ms,
                taken_ms,
            } => Check::fail(
                format!(
                    "cannot verify: {what} {name} was created at {} after the {} took it at {} \
                     (deleted and created again: what runs is not what it holds now)",
                    rfc3339_ms(*created_ms),
                    kind.label(),
                    rfc3339_ms(*taken_ms)
                ),
                format!(
                    "{what} {name} as the {} took it (update the {} to a new {what} to change it)",
                    kind.label(),
                    kind.label()
                ),
            ),
        }
    }
}

/// Milliseconds since the epoch as RFC 3339 text.
fn rfc3339_ms(ms: i64) -> String {
    time::OffsetDateTime::from_unix_timestamp_nanos(i128::from(ms) * 1_000_000)
        .ok()
        .and_then(|t| {
            t.format(&time::format_description::well_known::Rfc3339)
                .ok()
        })
        .unwrap_or_else(|| format!("{ms} ms"))
}

/// A storage volume and the instances it belongs to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Volume<'a> {
    /// The instances whose storage the key would encrypt (none for a notebook: its volume is
    /// always an EBS volume).
    pub instances: Vec<&'a InstanceGroup>,
    pub key: Option<&'a str>,
    /// For people: `storage volume`, `instance storage`.
    pub what: &'static str,
}

/// An encrypted output: a job's output, an endpoint's captured data.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Output<'a> {
    pub key: Option<&'a str>,
    pub what: &'static str,
}

/// An S3 artifact store: its location, the account SageMaker expects to own its bucket, and
/// whether it checks that owner.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ArtifactStore<'a> {
    pub uri: Option<&'a str>,
    /// `S3BucketOwnerAccountId`; `None`: the caller's account (AWS's default).
    pub owner_account: Option<&'a str>,
    /// `S3BucketOwnerVerification`; `None`: true (AWS's default).
    pub owner_verification: Option<bool>,
}

/// A model package's approval: its status, who registered it and who changed it last (the
/// registry's record), and the call that approved it when the evaluation has it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Approval<'a> {
    /// A version in a model group; approval does not apply to an unversioned package.
    pub versioned: bool,
    pub status: Option<&'a str>,
    /// `SkipModelValidation`, and whether it has a `ValidationSpecification` to skip.
    pub skip_validation: Option<&'a str>,
    pub validation_spec: bool,
    pub registered_by: Option<&'a Principal>,
    pub last_changed_by: Option<&'a Principal>,
    pub approval_call: Option<&'a ApprovalCall>,
}

/// Who a registry record (`UserContext`) or a CloudTrail caller names.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct Principal {
    /// The person: an IAM session's source identity, or a Studio user profile's name.
    pub person: Option<String>,
    /// The IAM identity: a user's ARN, or a role session's (`...:assumed-role/ROLE/SESSION`).
    pub iam: Option<String>,
}

/// Whether two principals are the same.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sameness {
    Same,
    Different,
    /// The same role in other sessions (who named each session is unknown), or too little to
    /// tell.
    Unknowable,
}

impl Principal {
    /// The same person when both name one; else the same IAM identity. Sessions of one role
    /// cannot be told apart, even under the same session name (Studio's users share their
    /// execution role's `SageMaker` session): the same role is unknowable, another role different.
    pub fn compare(&self, other: &Principal) -> Sameness {
        if let (Some(a), Some(b)) = (&self.person, &other.person) {
            return if a == b {
                Sameness::Same
            } else {
                Sameness::Different
            };
        }
        let (Some(a), Some(b)) = (&self.iam, &other.iam) else {
            return Sameness::Unknowable;
        };
        // `arn:PARTITION:sts::ACCOUNT:assumed-role/ROLE/SESSION`: the role without the session.
        let role = |arn: &str| {
            let (head, _session) = arn.rsplit_once('/')?;
            head.contains(":assumed-role/").then(|| head.to_string())
        };
        match (role(a), role(b)) {
            (Some(r1), Some(r2)) if r1 == r2 => Sameness::Unknowable,
            (Some(_), _) | (_, Some(_)) => Sameness::Different,
            (None, None) if a == b => Sameness::Same,
            (None, None) => Sameness::Different,
        }
    }

    /// For people: the person, else the IAM identity.
    pub fn label(&self) -> &str {
        self.person
            .as_deref()
            .or(self.iam.as_deref())
            .unwrap_or("an unnamed principal")
    }
}

/// The call that approved a model version.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub enum ApprovalCall {
    /// `CreateModelPackage` with `ModelApprovalStatus = Approved`.
    Registered,
    /// `UpdateModelPackage` setting `Approved`, by this caller.
    By(Principal),
}

/// A job's instances with its volume key and output key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct JobStorage<'a> {
    pub instances: &'a [InstanceGroup],
    pub volume_key: &'a Option<String>,
    pub output_key: &'a Option<String>,
}

impl<'a> JobStorage<'a> {
    /// `instances` with the (volume, output) `keys`.
    pub fn new(
        instances: &'a [InstanceGroup],
        keys: (&'a Option<String>, &'a Option<String>),
    ) -> JobStorage<'a> {
        JobStorage {
            instances,
            volume_key: keys.0,
            output_key: keys.1,
        }
    }

    fn volume(self) -> Facet<Volume<'a>> {
        Facet::One(Volume {
            instances: self.instances.iter().collect(),
            key: self.volume_key.as_deref(),
            what: STORAGE_VOLUME,
        })
    }

    fn output(self) -> Facet<Output<'a>> {
        Facet::One(Output {
            key: self.output_key.as_deref(),
            what: "job output",
        })
    }
}

/// Traffic between the instances of one cluster.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cluster {
    /// `EnableInterContainerTrafficEncryption`.
    pub encrypted: bool,
    /// How many instances one run uses at most; `None` when AWS did not report it.
    pub instance_count: Option<i32>,
}

/// The settings of one kind's configuration, as the controls read them. Every facet a kind does
/// not implement is [`Facet::NoSuchSetting`].
pub trait Facets {
    /// Where the containers run: the VPC attachment of each part (`None`: not in a VPC).
    fn vpc(&self) -> Facet<Option<&VpcAttachment>> {
        Facet::NoSuchSetting
    }

    /// `EnableNetworkIsolation` of each part (absent is `false`).
    fn network_isolation(&self) -> Facet<bool> {
        Facet::NoSuchSetting
    }

    /// Encryption of the traffic between a job's instances.
    fn cluster(&self) -> Facet<Cluster> {
        Facet::NoSuchSetting
    }

    /// A job's instances and keys, from which its volume, output and key references follow.
    fn job_storage(&self) -> Option<JobStorage<'_>> {
        None
    }

    /// The ML storage volume and its key.
    fn volume(&self) -> Facet<Volume<'_>> {
        self.job_storage()
            .map_or(Facet::NoSuchSetting, JobStorage::volume)
    }

    /// The encrypted outputs: a job's output, an endpoint's captured data.
    fn output(&self) -> Facet<Output<'_>> {
        self.job_storage()
            .map_or(Facet::NoSuchSetting, JobStorage::output)
    }

    /// A notebook's `DirectInternetAccess` (AWS default `Enabled`).
    fn direct_internet_access(&self) -> Facet<&Toggle> {
        Facet::NoSuchSetting
    }

    /// A notebook's `RootAccess` (AWS default `Enabled`).
    fn root_access(&self) -> Facet<&Toggle> {
        Facet::NoSuchSetting
    }

    /// A notebook's minimum instance metadata service version (AWS default `1`).
    fn minimum_imds_version(&self) -> Facet<&str> {
        Facet::NoSuchSetting
    }

    /// A notebook's platform (`PlatformIdentifier`; `None`: not reported).
    fn platform(&self) -> Facet<Option<&str>> {
        Facet::NoSuchSetting
    }

    /// The lifecycle configuration that runs, as root, when the resource starts (`None`: none).
    fn lifecycle_config(&self) -> Facet<Option<&str>> {
        Facet::NoSuchSetting
    }

    /// What that configuration's scripts are now, as a digest (`None`: not read for this kind).
    fn lifecycle_digest(&self) -> Option<&crate::resource::Dependency<String>> {
        None
    }

    /// The instances serving each production variant (`NotApplicable` for serverless and
    /// shadow variants).
    fn serving_instances(&self) -> Facet<Serving> {
        Facet::NoSuchSetting
    }

    /// Remote shell or IDE access: each endpoint variant's `EnableSSMAccess` (absent is `false`),
    /// a Studio space's `RemoteAccess`, a training job's remote debugging.
    fn ssm_access(&self) -> Facet<Remote> {
        Facet::NoSuchSetting
    }

    /// A Studio domain's `AppNetworkAccessType` (AWS default `PublicInternetOnly`).
    fn app_network_access(&self) -> Facet<&str> {
        Facet::NoSuchSetting
    }

    /// Security groups set without subnets (a Studio user profile's own).
    fn security_groups(&self) -> Facet<&[String]> {
        Facet::NoSuchSetting
    }

    /// A Studio domain's Docker access (`ENABLED`, `DISABLED`).
    fn docker_access(&self) -> Facet<&str> {
        Facet::NoSuchSetting
    }

    /// The execution role the resource's code runs as (`None`: none set).
    fn execution_role(&self) -> Facet<Option<&str>> {
        Facet::NoSuchSetting
    }

    /// The image a Studio app runs (`None`: not reported).
    fn image(&self) -> Facet<Option<&str>> {
        Facet::NoSuchSetting
    }

    /// The workteam people label its data in (`HumanTaskConfig.WorkteamArn`; `None`: none
    /// reported).
    fn workteam(&self) -> Facet<Option<&str>> {
        Facet::NoSuchSetting
    }

    /// Where it stores artifacts in S3 and whose bucket that must be.
    fn artifact_store(&self) -> Facet<ArtifactStore<'_>> {
        Facet::NoSuchSetting
    }

    /// How a model registry version was approved.
    fn approval(&self) -> Facet<Approval<'_>> {
        Facet::NoSuchSetting
    }

    /// The settings its code reads in plain text (environment variables, hyperparameters),
    /// scanned for credentials.
    fn plaintext(&self) -> Facet<&[crate::secrets::Setting]> {
        Facet::NoSuchSetting
    }

    /// Why the resource's tags are not its owner's to set, when they are not: a Studio app's
    /// (Studio creates apps from its interface with no tags of the user's; the app is judged
    /// through its domain), a Debugger rule job's.
    fn tags_not_owned(&self) -> Option<String> {
        None
    }

    /// Every KMS key reference the settings name (volumes, outputs, data capture).
    fn key_references(&self) -> Vec<&str> {
        self.job_storage().map_or_else(Vec::new, |s| {
            [s.volume_key, s.output_key]
                .into_iter()
                .filter_map(|k| k.as_deref())
                .collect()
        })
    }

    /// Every VPC attachment (an endpoint has one per model), to fill in their VPC.
    fn vpc_attachments_mut(&mut self) -> Vec<&mut VpcAttachment>;

    /// Other accounts the settings name that are not key references (an artifact bucket's
    /// owner): asked of Organizations as the keys' accounts are.
    fn account_references(&self) -> Vec<&str> {
        Vec::new()
    }

    /// The resource whose problem this one's is part of: a training job's tuning job.
    fn part_of(&self) -> Option<&str> {
        None
    }
}

impl JobConfig {
    /// A setting of a Debugger or Profiler rule job that SageMaker sets, not the job's creator
    /// (AWS API reference, `DebugRuleConfiguration`: a rule name, image, instance type, volume
    /// size, local path, S3 output path and parameters; no key or tags). Its VPC and network
    /// isolation are judged all the same: the rule's image may be any the creator names, and it
    /// runs outside the training job's VPC.
    fn set_by_sagemaker<T>(&self, f: impl FnOnce() -> Facet<T>) -> Facet<T> {
        self.rule_job().map_or_else(f, Facet::NotApplicable)
    }

    /// Why a rule job's setting is not judged.
    fn rule_job(&self) -> Option<String> {
        self.rule_of.as_ref().map(|training| {
            format!("a Debugger rule job SageMaker started for {training}: its DebugRuleConfiguration cannot set this")
        })
    }
}

/// Training and processing jobs, and each training job definition of a tuning job.
impl Facets for JobConfig {
    fn vpc(&self) -> Facet<Option<&VpcAttachment>> {
        Facet::One(self.vpc.as_ref())
    }

    /// An AutoML candidate's isolation is SageMaker's: the AutoML job's `AutoMLSecurityConfig`
    /// has no such setting (its VPC, keys and traffic encryption it does pass on).
    fn network_isolation(&self) -> Facet<bool> {
        match &self.automl_job {
            Some(automl) => Facet::NotApplicable(format!(
                "a candidate of AutoML job {automl}: its AutoMLSecurityConfig cannot set network isolation"
            )),
            None => Facet::One(self.network_isolation),
        }
    }

    fn cluster(&self) -> Facet<Cluster> {
        self.set_by_sagemaker(|| {
            Facet::One(Cluster {
                encrypted: self.inter_container_encryption,
                instance_count: self.instance_count(),
            })
        })
    }

    /// A training job's remote debugging: an SSM shell in its containers.
    fn ssm_access(&self) -> Facet<Remote> {
        self.remote_debug.map_or(Facet::NoSuchSetting, |on| {
            Facet::One(Remote {
                setting: "RemoteDebugConfig.EnableRemoteDebug",
                on,
                value: on.to_string(),
            })
        })
    }

    fn job_storage(&self) -> Option<JobStorage<'_>> {
        let keys = (&self.volume_kms_key_id, &self.output_kms_key_id);
        Some(JobStorage::new(&self.instances, keys))
    }

    fn plaintext(&self) -> Facet<&[crate::secrets::Setting]> {
        self.set_by_sagemaker(|| Facet::One(&self.plaintext[..]))
    }

    /// A serverless training job's storage is SageMaker's: `ServerlessJobConfig` takes no key
    /// and AWS states its volume "cannot be customized" (`ResourceConfig.VolumeSizeInGB`).
    fn volume(&self) -> Facet<Volume<'_>> {
        self.set_by_sagemaker(|| match self.job_storage() {
            Some(_) if self.serverless && self.instances.is_empty() => Facet::NotApplicable(
                "a serverless training job (ServerlessJobConfig): SageMaker picks its compute and storage, and the API takes no volume key for it".into(),
            ),
            storage => storage.map_or(Facet::NoSuchSetting, JobStorage::volume),
        })
    }

    fn output(&self) -> Facet<Output<'_>> {
        self.set_by_sagemaker(|| {
            self.job_storage()
                .map_or(Facet::NoSuchSetting, JobStorage::output)
        })
    }

    fn tags_not_owned(&self) -> Option<String> {
        self.rule_job()
    }

    fn vpc_attachments_mut(&mut self) -> Vec<&mut VpcAttachment> {
        self.vpc.iter_mut().collect()
    }

    /// A training job's tuning job, a rule job's training job, a candidate's AutoML job.
    fn part_of(&self) -> Option<&str> {
        self.tuning_job
            .as_deref()
            .or(self.rule_of.as_deref())
            .or(self.automl_job.as_deref())
    }
}

/// What the controls call a storage volume.
pub(crate) const STORAGE_VOLUME: &str = "storage volume";

/// A setting that opens a shell or a remote IDE into a resource: an endpoint variant's
/// `EnableSSMAccess`, a Studio space's `RemoteAccess`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Remote {
    pub setting: &'static str,
    pub on: bool,
    /// The value as AWS reports it.
    pub value: String,
}

/// How many instances serve a production variant: `InitialInstanceCount`, and the minimum
/// managed instance scaling may go down to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Serving {
    pub initial: Option<i32>,
    /// `ManagedInstanceScaling.MinInstanceCount` when scaling is `ENABLED`.
    pub scaling_minimum: Option<i32>,
}
