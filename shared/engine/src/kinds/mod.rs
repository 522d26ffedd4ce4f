//! The kinds of SageMaker resource the guardrail covers: one file per kind, each listed once in
//! the [`kinds!`] registry below.
//!
//! A kind is a type implementing [`Kind`]: its name and ARN type, the CloudTrail calls and the
//! state-change event it reacts to, how its status maps to a [`Lifecycle`], how the configuration
//! an event or a Describe response carries becomes its snapshot, the facets its controls read
//! ([`Facets`]), the call that takes it out of service, and how the sweep lists the active ones.
//! The registry generates [`ResourceKind`] and [`Details`] from those lines; the rest of the code
//! asks the kind.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::facets::Facets;
use crate::json::FieldError;
use crate::report::ActionOutcome;
use crate::resource::Lifecycle;
use crate::shape::Shape;

/// A CloudTrail call that creates or changes a resource of the kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ApiCall {
    /// `CreateTrainingJob`.
    pub event_name: &'static str,
    /// The request parameters naming the resource: one (`trainingJobName`), or, for a resource
    /// named within another, several joined by `/` as its name joins them
    /// (`domainId/userProfileName`). A segment `a|b` takes the first member present, and a member
    /// written `prefix:member` is named with that prefix (`space:spaceName`).
    pub name_key: &'static str,
    /// The response element holding its ARN: `trainingJobArn`.
    pub arn_key: &'static str,
}

impl ApiCall {
    /// The resource name the request parameters (or response elements) give; `None` when a
    /// member it needs is missing; `Err(member)` when a member is there but not a name (not a
    /// non-empty string).
    pub fn name_in(&self, members: &serde_json::Value) -> Result<Option<String>, &'static str> {
        let mut parts = Vec::new();
        for segment in self.name_key.split('/') {
            let mut part = None;
            for member in segment.split('|') {
                let (prefix, key) = match member.rsplit_once(':') {
                    Some((prefix, key)) => (Some(prefix), key),
                    None => (None, member),
                };
                let Some(value) = members.get(key) else {
                    continue;
                };
                let value = value.as_str().filter(|v| !v.is_empty()).ok_or(key)?;
                part = Some(match prefix {
                    Some(prefix) => format!("{prefix}:{value}"),
                    None => value.to_string(),
                });
                break;
            }
            let Some(part) = part else {
                return Ok(None);
            };
            parts.push(part);
        }
        Ok(Some(parts.join("/")))
    }

    /// How many `/`-separated segments the name has.
    pub fn segments(&self) -> usize {
        self.name_key.split('/').count()
    }
}

/// Where a Describe response (and the kind's state-change event, when it has one) names the
/// resource, its ARN and its status.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StateChange {
    /// The EventBridge detail-type of its state-change event; `None` when SageMaker sends none
    /// (Studio: only CloudTrail calls and the sweep see its resources).
    pub detail_type: Option<&'static str>,
    pub name_key: &'static str,
    pub arn_key: &'static str,
    pub status_key: &'static str,
}

/// The call that takes a resource of the kind out of service, and what it does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Stop {
    /// `StopTrainingJob`, `DeleteEndpoint`.
    pub call: &'static str,
    /// Stopped or deleted.
    pub outcome: ActionOutcome,
    /// Whether enforce mode makes the call unless the policy says otherwise; `false` for a call
    /// that destroys work or data (a HyperPod cluster's nodes, a feature group's records): the
    /// problem is alerted and the call is made only for the kinds the policy lists in
    /// `[remediation] opt_in`.
    pub by_default: bool,
}

impl Stop {
    /// A call that stops the resource (`StopTrainingJob`).
    pub const fn stopping(call: &'static str) -> Stop {
        Stop {
            call,
            outcome: ActionOutcome::Stopped,
            by_default: true,
        }
    }

    /// A call that withdraws the resource from use and destroys nothing (a model package set
    /// `Rejected`).
    pub const fn rejecting(call: &'static str) -> Stop {
        Stop {
            call,
            outcome: ActionOutcome::Rejected,
            by_default: true,
        }
    }

    /// A call that deletes the resource and what it holds: made only when the policy opts in.
    pub const fn deleting_on_opt_in(call: &'static str) -> Stop {
        Stop {
            call,
            outcome: ActionOutcome::Deleted,
            by_default: false,
        }
    }
}

/// How the sweep lists the active resources of the kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Listing {
    /// `ListTrainingJobs`.
    pub call: &'static str,
    /// The statuses listed (`StatusEquals`, one call each); empty: every resource, less the
    /// `excluded` statuses.
    pub statuses: &'static [&'static str],
    pub excluded: &'static [&'static str],
}

/// A kind of resource. Implement it in a new file under `kinds/` and add one line to
/// [`kinds!`]; the SDK calls it names are made by the AWS adapters.
pub trait Kind: 'static {
    /// The ARN resource type, also the stable machine name in findings and message attributes:
    /// `training-job`.
    const NAME: &'static str;
    /// Words for people, in alert subjects: `training job`.
    const LABEL: &'static str;
    /// What a snapshot of the kind carries.
    type Config: Facets + Clone + fmt::Debug + PartialEq + Eq + Serialize;
    /// The CloudTrail calls that create or change one.
    const CALLS: &'static [ApiCall];
    const STATE_CHANGE: StateChange;
    /// The call creating one: CloudTrail attribution looks it up.
    const CREATE_CALL: &'static str;
    /// The call describing one.
    const DESCRIBE_CALL: &'static str;
    const STOP: Stop;
    const LISTING: Listing;
    /// The resource type of its findings in Security Hub's ASFF.
    const ASFF_RESOURCE_TYPE: &'static str = "Other";
    /// Named by its ARN alone (a model package version, `GROUP/VERSION`, has no name of its
    /// own): its name is the ARN's resource part, whatever its segments; its calls and events
    /// give the ARN (the calls' `name_key` and the state change's are empty), and the SDK calls
    /// take it.
    const NAMED_BY_ARN: bool = false;

    /// Where a resource in `status` is in its life.
    fn lifecycle(status: &str) -> Lifecycle;

    /// The resource part of its ARN (after `NAME/`): the name, lower-cased as SageMaker writes
    /// ARNs.
    fn arn_resource(name: &str) -> String {
        name.to_ascii_lowercase()
    }

    /// The configuration a Describe response or an event carries: the Describe shape
    /// (PascalCase members, as the live resource and its state-change events give it) or
    /// CloudTrail request parameters (the same members in camelCase). Another resource it
    /// depends on (a model, an endpoint configuration) is `NotDescribed` until supplied.
    fn read(shape: &Shape<'_>) -> Result<Self::Config, FieldError>;

    /// Folds into a live configuration what the CloudTrail call that triggered the evaluation
    /// says and the resource does not record (who approved a model version): the call's
    /// `request` parameters and its caller.
    fn observe_call(
        _config: &mut Self::Config,
        _event_name: &str,
        _request: &Shape<'_>,
        _caller: Option<&crate::event::Actor>,
    ) -> Result<(), FieldError> {
        Ok(())
    }

    /// The other resources whose settings the configuration still lacks (live only).
    fn needs(_config: &Self::Config) -> Vec<Needed> {
        Vec::new()
    }

    /// Supplies one of them: its Describe response, or `None` when it does not exist (deleted
    /// while the workload runs: its settings cannot be verified).
    fn supply(
        _config: &mut Self::Config,
        _needed: &Needed,
        _described: Option<&Shape<'_>>,
    ) -> Result<(), FieldError> {
        Ok(())
    }
}

/// Another resource a workload runs with, described apart.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum Needed {
    /// `DescribeModel`: its `VpcConfig` and `EnableNetworkIsolation`.
    Model(String),
    /// `DescribeEndpointConfig`: variants, keys, data capture.
    EndpointConfig(String),
    /// `DescribeDomain`: a Studio app's domain (its id).
    Domain(String),
    /// `DescribeUserProfile`: a Studio app's user profile (`DOMAIN-ID/PROFILE`).
    UserProfile(String),
    /// `DescribeSpace`: a Studio app's space (`DOMAIN-ID/SPACE`), whose sharing says whose
    /// settings its apps run with.
    Space(String),
    /// `DescribeNotebookInstanceLifecycleConfig`: the scripts a notebook runs as root at each
    /// start.
    NotebookLifecycleConfig(String),
    /// `Describe{DataQuality,ModelQuality,ModelBias,ModelExplainability}JobDefinition`: the job
    /// a monitoring schedule runs.
    MonitoringJobDefinition {
        monitoring_type: String,
        name: String,
    },
}

impl Needed {
    pub fn name(&self) -> &str {
        match self {
            Needed::Model(name)
            | Needed::EndpointConfig(name)
            | Needed::Domain(name)
            | Needed::UserProfile(name)
            | Needed::Space(name)
            | Needed::NotebookLifecycleConfig(name)
            | Needed::MonitoringJobDefinition { name, .. } => name,
        }
    }

    /// The Describe call that answers it.
    pub fn describe_call(&self) -> &'static str {
        match self {
            Needed::Model(_) => "DescribeModel",
            Needed::EndpointConfig(_) => "DescribeEndpointConfig",
            Needed::Domain(_) => "DescribeDomain",
            Needed::UserProfile(_) => "DescribeUserProfile",
            Needed::Space(_) => "DescribeSpace",
            Needed::NotebookLifecycleConfig(_) => "DescribeNotebookInstanceLifecycleConfig",
            Needed::MonitoringJobDefinition {
                monitoring_type, ..
            } => match monitoring_type.as_str() {
                "ModelQuality" => "DescribeModelQualityJobDefinition",
                "ModelBias" => "DescribeModelBiasJobDefinition",
                "ModelExplainability" => "DescribeModelExplainabilityJobDefinition",
                _ => "DescribeDataQualityJobDefinition",
            },
        }
    }
}

/// `DescribeModel`: the settings a model's containers run with.
pub(crate) fn read_model(s: &Shape<'_>) -> Result<crate::resource::ModelConfig, FieldError> {
    let mut plaintext = Vec::new();
    if let Some(primary) = s.get("PrimaryContainer")? {
        plaintext.extend(primary.plaintext("Environment")?);
    }
    for (i, container) in s.items("Containers")?.iter().enumerate() {
        let settings = container.plaintext("Environment")?;
        plaintext.extend(settings.into_iter().map(|mut setting| {
            setting.place = format!("Containers[{i}].{}", setting.place);
            setting
        }));
    }
    Ok(crate::resource::ModelConfig {
        vpc: s.vpc("VpcConfig")?,
        network_isolation: s.bool_or_false("EnableNetworkIsolation")?,
        plaintext,
    })
}

/// A dependency as described: found (read with `read`), or deleted.
pub(crate) fn described<T>(
    name: &str,
    described: Option<&Shape<'_>>,
    read: impl FnOnce(&Shape<'_>) -> Result<T, FieldError>,
) -> Result<crate::resource::Dependency<T>, FieldError> {
    described_since(name, described, read, None)
}

/// As [`described`], for a dependency the workload took at `taken_ms`: one created after that
/// (its `CreationTime`) is [`Dependency::Replaced`](crate::resource::Dependency::Replaced).
pub(crate) fn described_since<T>(
    name: &str,
    described: Option<&Shape<'_>>,
    read: impl FnOnce(&Shape<'_>) -> Result<T, FieldError>,
    taken_ms: Option<i64>,
) -> Result<crate::resource::Dependency<T>, FieldError> {
    let name = name.to_string();
    Ok(match described {
        Some(shape) => match (shape.time_ms("CreationTime")?, taken_ms) {
            (Some(created_ms), Some(taken_ms)) if created_ms > taken_ms => {
                crate::resource::Dependency::Replaced {
                    name,
                    created_ms,
                    taken_ms,
                }
            }
            _ => crate::resource::Dependency::Found {
                name,
                value: read(shape)?,
            },
        },
        None => crate::resource::Dependency::Deleted { name },
    })
}

/// Declares the kinds: each line names the [`ResourceKind`] variant, the kind's module and its
/// type. The module is declared here; [`ResourceKind`] and [`Details`] are generated, in this
/// order.
macro_rules! kinds {
    ($($variant:ident => $module:ident :: $kind:ident),* $(,)?) => {
        $(pub mod $module;)*

        /// The kinds of SageMaker resource the guardrail covers.
        #[derive(
            Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize,
        )]
        #[serde(into = "&'static str", try_from = "String")]
        pub enum ResourceKind {
            $($variant),*
        }

        impl ResourceKind {
            pub const ALL: &'static [ResourceKind] = &[$(ResourceKind::$variant),*];

            /// Stable machine name, used in findings, message attributes and the CLI.
            pub fn as_str(self) -> &'static str {
                match self {
                    $(ResourceKind::$variant => <$module::$kind as Kind>::NAME),*
                }
            }

            /// Words for people, used in alert subjects.
            pub fn label(self) -> &'static str {
                match self {
                    $(ResourceKind::$variant => <$module::$kind as Kind>::LABEL),*
                }
            }

            pub fn calls(self) -> &'static [ApiCall] {
                match self {
                    $(ResourceKind::$variant => <$module::$kind as Kind>::CALLS),*
                }
            }

            pub fn state_change(self) -> StateChange {
                match self {
                    $(ResourceKind::$variant => <$module::$kind as Kind>::STATE_CHANGE),*
                }
            }

            pub fn create_call(self) -> &'static str {
                match self {
                    $(ResourceKind::$variant => <$module::$kind as Kind>::CREATE_CALL),*
                }
            }

            pub fn describe_call(self) -> &'static str {
                match self {
                    $(ResourceKind::$variant => <$module::$kind as Kind>::DESCRIBE_CALL),*
                }
            }

            pub fn stop(self) -> Stop {
                match self {
                    $(ResourceKind::$variant => <$module::$kind as Kind>::STOP),*
                }
            }

            pub fn asff_resource_type(self) -> &'static str {
                match self {
                    $(ResourceKind::$variant => <$module::$kind as Kind>::ASFF_RESOURCE_TYPE),*
                }
            }

            pub fn named_by_arn(self) -> bool {
                match self {
                    $(ResourceKind::$variant => <$module::$kind as Kind>::NAMED_BY_ARN),*
                }
            }

            pub fn listing(self) -> Listing {
                match self {
                    $(ResourceKind::$variant => <$module::$kind as Kind>::LISTING),*
                }
            }

            /// The resource part of the ARN of the resource named `name` ([`Kind::arn_resource`]).
            pub fn arn_resource(self, name: &str) -> String {
                match self {
                    $(ResourceKind::$variant => <$module::$kind as Kind>::arn_resource(name)),*
                }
            }

            /// Where a resource of this kind in `status` is in its life.
            pub fn lifecycle(self, status: &str) -> Lifecycle {
                match self {
                    $(ResourceKind::$variant => <$module::$kind as Kind>::lifecycle(status)),*
                }
            }

            /// The configuration a Describe response or an event carries ([`Kind::read`]).
            pub fn read(self, shape: &Shape<'_>) -> Result<Details, FieldError> {
                Ok(match self {
                    $(ResourceKind::$variant => {
                        Details::$variant(<$module::$kind as Kind>::read(shape)?)
                    }),*
                })
            }
        }

        impl Details {
            /// The other resources the configuration still lacks ([`Kind::needs`]).
            pub fn needs(&self) -> Vec<Needed> {
                match self {
                    $(Details::$variant(c) => <$module::$kind as Kind>::needs(c)),*
                }
            }

            /// Folds in the triggering call ([`Kind::observe_call`]).
            pub fn observe_call(
                &mut self,
                event_name: &str,
                request: &Shape<'_>,
                caller: Option<&crate::event::Actor>,
            ) -> Result<(), FieldError> {
                match self {
                    $(Details::$variant(c) => {
                        <$module::$kind as Kind>::observe_call(c, event_name, request, caller)
                    }),*
                }
            }

            /// Supplies one of them ([`Kind::supply`]).
            pub fn supply(
                &mut self,
                needed: &Needed,
                described: Option<&Shape<'_>>,
            ) -> Result<(), FieldError> {
                match self {
                    $(Details::$variant(c) => {
                        <$module::$kind as Kind>::supply(c, needed, described)
                    }),*
                }
            }
        }

        /// What each kind carries. A dependency an offline event does not carry is
        /// `NotDescribed`: its controls then report "cannot evaluate".
        #[derive(Debug, Clone, PartialEq, Eq, Serialize)]
        #[serde(tag = "kind", rename_all = "kebab-case")]
        pub enum Details {
            $($variant(<$module::$kind as Kind>::Config)),*
        }

        impl Details {
            /// The facets the controls read.
            pub fn facets(&self) -> &dyn Facets {
                match self {
                    $(Details::$variant(config) => config),*
                }
            }

            pub fn facets_mut(&mut self) -> &mut dyn Facets {
                match self {
                    $(Details::$variant(config) => config),*
                }
            }
        }
    };
}

kinds! {
    NotebookInstance => notebook_instance::NotebookInstance,
    TrainingJob => training_job::TrainingJob,
    ProcessingJob => processing_job::ProcessingJob,
    TransformJob => transform_job::TransformJob,
    HyperParameterTuningJob => tuning_job::TuningJob,
    Endpoint => endpoint::Endpoint,
    MonitoringSchedule => monitoring_schedule::MonitoringSchedule,
    Domain => domain::Domain,
    UserProfile => user_profile::UserProfile,
    Space => space::Space,
    App => app::App,
    Cluster => cluster::Cluster,
    AutoMlJob => automl_job::AutoMlJob,
    FeatureGroup => feature_group::FeatureGroup,
    CompilationJob => compilation_job::CompilationJob,
    LabelingJob => labeling_job::LabelingJob,
    OptimizationJob => optimization_job::OptimizationJob,
    ModelPackage => model_package::ModelPackage,
    MlflowTrackingServer => mlflow_tracking_server::MlflowTrackingServer,
    MlflowApp => mlflow_app::MlflowApp,
    InferenceExperiment => inference_experiment::InferenceExperiment,
    RecommendationJob => recommendation_job::RecommendationJob,
    FlowDefinition => flow_definition::FlowDefinition,
}

/// A live resource as its Describe response gives it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Described {
    pub arn: Option<String>,
    pub status: String,
    /// `CreationTime`, in milliseconds since the epoch.
    pub created_ms: Option<i64>,
    /// Dependencies still `NotDescribed` ([`Details::needs`]).
    pub details: Details,
}

impl ResourceKind {
    /// Reads a Describe response with the kind's field mapping: the ARN and status from the
    /// members its state-change event names too.
    pub fn read_described(self, response: &serde_json::Value) -> Result<Described, FieldError> {
        let shape = Shape::response(response, self.describe_call());
        let keys = self.state_change();
        Ok(Described {
            arn: shape.str(keys.arn_key)?,
            status: shape.str(keys.status_key)?.unwrap_or_default(),
            created_ms: shape.time_ms("CreationTime")?,
            details: self.read(&shape)?,
        })
    }

    /// The kind named `value` (its [`Self::as_str`] form).
    pub fn parse(value: &str) -> Option<ResourceKind> {
        Self::ALL.iter().copied().find(|k| k.as_str() == value)
    }

    /// The kind whose CloudTrail call is `event_name`, with the call.
    pub fn of_call(event_name: &str) -> Option<(ResourceKind, ApiCall)> {
        Self::ALL.iter().find_map(|k| {
            k.calls()
                .iter()
                .find(|c| c.event_name == event_name)
                .map(|c| (*k, *c))
        })
    }

    /// The kind whose state-change event has `detail_type`.
    pub fn of_state_change(detail_type: &str) -> Option<ResourceKind> {
        Self::ALL
            .iter()
            .copied()
            .find(|k| k.state_change().detail_type == Some(detail_type))
    }

    /// The call creating one, as [`Self::calls`] lists it.
    pub fn create(self) -> Option<ApiCall> {
        self.calls()
            .iter()
            .find(|c| c.event_name == self.create_call())
            .copied()
    }
}

impl TryFrom<String> for ResourceKind {
    type Error = String;

    /// Text from outside (a stored finding): only a known kind.
    fn try_from(value: String) -> Result<ResourceKind, String> {
        ResourceKind::parse(&value).ok_or_else(|| {
            let known: Vec<&str> = ResourceKind::ALL.iter().map(|k| k.as_str()).collect();
            format!(
                "unknown resource kind `{value}`; known: {}",
                known.join(", ")
            )
        })
    }
}

impl From<ResourceKind> for &'static str {
    fn from(kind: ResourceKind) -> &'static str {
        kind.as_str()
    }
}

impl fmt::Display for ResourceKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // `pad`: widths and alignment apply, as they do to the text.
        f.pad(self.as_str())
    }
}

/// The lifecycle every job kind shares: `InProgress`, then `Stopping`/`Stopped`/`Completed`/
/// `Failed`.
pub(crate) fn job_lifecycle(status: &str) -> Lifecycle {
    let s = status.to_string();
    match status {
        "InProgress" => Lifecycle::Active(s),
        "Stopping" | "Stopped" | "Completed" | "Failed" => Lifecycle::Ended(s),
        _ => Lifecycle::Unknown(s),
    }
}

impl Listing {
    /// Running jobs: `StatusEquals=InProgress`.
    pub const fn jobs(call: &'static str) -> Listing {
        Listing {
            call,
            statuses: &["InProgress"],
            excluded: &[],
        }
    }
}

#[cfg(test)]
mod tests;
