//! What the controls read: the settings of a snapshot as neutral facets, whatever its kind.
//!
//! A facet is one setting (the VPC attachment, the volume key, network isolation...) as each part
//! of the resource that runs containers has it: the resource itself, every training job
//! definition of a tuning job, the model of every endpoint variant. Parts held in another resource
//! (a model, an endpoint configuration) that cannot be read stay in the facet as such, so every
//! control fails closed on them in the same way. A control judges one value with
//! [`Facet::judge`]; it never matches on the kind.

use crate::controls::Check;
use crate::resource::{
    Dependency, Details, EndpointConfig, InstanceGroup, JobConfig, ModelConfig, ResourceKind,
    Snapshot, Toggle, VpcAttachment,
};

/// One setting of a resource, part by part.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Facet<T> {
    /// The kind has no such setting.
    NoSuchSetting,
    /// The setting does not apply to this resource, for the reason given (AWS documents it as
    /// meaningless here, or the feature it governs is off).
    NotApplicable(String),
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
}

impl<T> Facet<T> {
    /// The facet held in a dependency: `read` on it when it was found.
    fn held_in<'a, D>(
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
        }
    }

    /// Judges every value with `check` and combines the parts ([`Check::all`]). A dependency
    /// deleted while the workload runs fails (fail closed: a deletion must not be a way around
    /// the guardrail); one an offline event does not carry cannot be evaluated.
    pub fn judge(&self, kind: ResourceKind, check: &dyn Fn(&T) -> Check) -> Check {
        match self {
            Facet::NoSuchSetting => {
                Check::not_applicable(format!("a {} has no such setting", kind.label()))
            }
            Facet::NotApplicable(reason) => Check::not_applicable(reason.clone()),
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
        }
    }
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

/// Traffic between the instances of one cluster.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cluster {
    /// `EnableInterContainerTrafficEncryption`.
    pub encrypted: bool,
    /// How many instances one run uses at most; `None` when AWS did not report it.
    pub instance_count: Option<i32>,
}

fn each_definition<'a, T>(
    definitions: &'a [crate::resource::TuningDefinition],
    read: impl Fn(&'a JobConfig) -> Facet<T>,
) -> Facet<T> {
    Facet::Each {
        parts: definitions
            .iter()
            .map(|d| (format!("definition {}", d.name), read(&d.job)))
            .collect(),
        none: "no training job definition reported",
    }
}

/// Every path that serves an endpoint's traffic: the model of every production and shadow
/// variant, and, for a variant that hosts inference components instead of a model, the endpoint
/// configuration's own settings (`VpcConfig`, `EnableNetworkIsolation`), which govern every
/// component's containers.
fn each_model<'a, T>(
    config: &'a Dependency<EndpointConfig>,
    read: impl Fn(&'a ModelConfig) -> Facet<T>,
    read_config: impl Fn(&'a EndpointConfig) -> Facet<T>,
) -> Facet<T> {
    Facet::held_in(config, "endpoint configuration", |config| Facet::Each {
        parts: config
            .variants
            .iter()
            .map(|v| {
                let role = if v.shadow {
                    "shadow variant"
                } else {
                    "variant"
                };
                match &v.model {
                    Some(model) => (
                        format!("{role} {} (model {})", v.variant_name, model.name()),
                        Facet::held_in(model, "model", &read),
                    ),
                    None => (
                        format!("{role} {} (inference components)", v.variant_name),
                        read_config(config),
                    ),
                }
            })
            .collect(),
        none: "no production variants reported",
    })
}

/// The volume of an endpoint configuration: the configuration's key covers the instance storage
/// of every variant, but encrypts nothing on local NVMe storage (where AWS still accepts it), so
/// it is judged on the EBS-backed variants; serverless variants have no volume.
fn endpoint_volume(config: &EndpointConfig) -> Facet<Volume<'_>> {
    const WHAT: &str = "instance storage";
    let instances: Vec<&InstanceGroup> = config
        .variants
        .iter()
        .filter_map(|v| v.instances.as_ref())
        .collect();
    if instances.is_empty() && !config.variants.is_empty() {
        return Facet::NotApplicable("serverless variants only: no instance storage volume".into());
    }
    let (local, other): (Vec<&InstanceGroup>, Vec<&InstanceGroup>) =
        instances.into_iter().partition(|g| {
            g.instance_type
                .as_deref()
                .is_some_and(|t| crate::instances::storage(t) == crate::instances::Storage::Local)
        });
    if other.is_empty() && !local.is_empty() {
        return Facet::One(Volume {
            instances: local,
            key: None,
            what: WHAT,
        });
    }
    Facet::One(Volume {
        instances: other,
        key: config.kms_key_id.as_deref(),
        what: WHAT,
    })
}

const STORAGE_VOLUME: &str = "storage volume";
const JOB_OUTPUT: &str = "job output";

fn job_volume(job: &JobConfig) -> Facet<Volume<'_>> {
    Facet::One(Volume {
        instances: job.instances.iter().collect(),
        key: job.volume_kms_key_id.as_deref(),
        what: STORAGE_VOLUME,
    })
}

fn job_output(job: &JobConfig) -> Facet<Output<'_>> {
    Facet::One(Output {
        key: job.output_kms_key_id.as_deref(),
        what: JOB_OUTPUT,
    })
}

fn job_cluster(job: &JobConfig) -> Facet<Cluster> {
    Facet::One(Cluster {
        encrypted: job.inter_container_encryption,
        instance_count: job.instance_count(),
    })
}

impl Snapshot {
    /// Where the containers run: the VPC attachment of each part (`None`: not in a VPC).
    pub fn vpc(&self) -> Facet<Option<&VpcAttachment>> {
        match &self.details {
            Details::NotebookInstance(n) => Facet::One(n.vpc.as_ref()),
            Details::TrainingJob(j) | Details::ProcessingJob(j) => Facet::One(j.vpc.as_ref()),
            Details::TransformJob(t) => {
                Facet::held_in(&t.model, "model", |m| Facet::One(m.vpc.as_ref()))
            }
            Details::HyperParameterTuningJob(defs) => {
                each_definition(defs, |j| Facet::One(j.vpc.as_ref()))
            }
            Details::Endpoint(e) => each_model(
                &e.config,
                |m| Facet::One(m.vpc.as_ref()),
                |c| Facet::One(c.vpc.as_ref()),
            ),
        }
    }

    /// `EnableNetworkIsolation` of each part (absent is `false`).
    pub fn network_isolation(&self) -> Facet<bool> {
        match &self.details {
            Details::TrainingJob(j) | Details::ProcessingJob(j) => Facet::One(j.network_isolation),
            Details::TransformJob(t) => {
                Facet::held_in(&t.model, "model", |m| Facet::One(m.network_isolation))
            }
            Details::HyperParameterTuningJob(defs) => {
                each_definition(defs, |j| Facet::One(j.network_isolation))
            }
            Details::Endpoint(e) => each_model(
                &e.config,
                |m| Facet::One(m.network_isolation),
                |c| Facet::One(c.network_isolation),
            ),
            Details::NotebookInstance(_) => Facet::NoSuchSetting,
        }
    }

    /// Encryption of the traffic between a job's instances.
    pub fn cluster(&self) -> Facet<Cluster> {
        match &self.details {
            Details::TrainingJob(j) | Details::ProcessingJob(j) => job_cluster(j),
            Details::HyperParameterTuningJob(defs) => each_definition(defs, job_cluster),
            Details::NotebookInstance(_) | Details::TransformJob(_) | Details::Endpoint(_) => {
                Facet::NoSuchSetting
            }
        }
    }

    /// The ML storage volume and its key.
    pub fn volume(&self) -> Facet<Volume<'_>> {
        match &self.details {
            Details::NotebookInstance(n) => Facet::One(Volume {
                instances: Vec::new(),
                key: n.kms_key_id.as_deref(),
                what: STORAGE_VOLUME,
            }),
            Details::TrainingJob(j) | Details::ProcessingJob(j) => job_volume(j),
            Details::TransformJob(t) => Facet::One(Volume {
                instances: t.instances.iter().collect(),
                key: t.volume_kms_key_id.as_deref(),
                what: STORAGE_VOLUME,
            }),
            Details::HyperParameterTuningJob(defs) => each_definition(defs, job_volume),
            Details::Endpoint(e) => {
                Facet::held_in(&e.config, "endpoint configuration", endpoint_volume)
            }
        }
    }

    /// The encrypted outputs: a job's output, an endpoint's captured data.
    pub fn output(&self) -> Facet<Output<'_>> {
        match &self.details {
            Details::NotebookInstance(_) => Facet::NoSuchSetting,
            Details::TrainingJob(j) | Details::ProcessingJob(j) => job_output(j),
            Details::TransformJob(t) => Facet::One(Output {
                key: t.output_kms_key_id.as_deref(),
                what: JOB_OUTPUT,
            }),
            Details::HyperParameterTuningJob(defs) => each_definition(defs, job_output),
            Details::Endpoint(e) => {
                Facet::held_in(&e.config, "endpoint configuration", |c| {
                    match &c.data_capture {
                        Some(capture) if capture.enabled => Facet::One(Output {
                            key: capture.kms_key_id.as_deref(),
                            what: "captured data",
                        }),
                        _ => Facet::NotApplicable("data capture is off".into()),
                    }
                })
            }
        }
    }

    /// A notebook's `DirectInternetAccess` (AWS default `Enabled`).
    pub fn direct_internet_access(&self) -> Facet<&Toggle> {
        match &self.details {
            Details::NotebookInstance(n) => Facet::One(&n.direct_internet_access),
            _ => Facet::NoSuchSetting,
        }
    }

    /// A notebook's `RootAccess` (AWS default `Enabled`).
    pub fn root_access(&self) -> Facet<&Toggle> {
        match &self.details {
            Details::NotebookInstance(n) => Facet::One(&n.root_access),
            _ => Facet::NoSuchSetting,
        }
    }
}
