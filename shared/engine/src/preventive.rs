//! Preventive controls from the same policy: an IAM policy document, for use as an AWS
//! Organizations SCP (or a permissions boundary), that denies SageMaker create calls which would
//! make a non-compliant resource, using SageMaker's condition keys (Service Authorization
//! Reference, "Actions, resources, and condition keys for Amazon SageMaker").
//!
//! **Modes** — only controls in `enforce` mode produce statements. `audit` means "report only":
//! such a control produces no statement and one [`Gap`] saying the detective control reports it.
//! `off` produces nothing at all (the policy asks for nothing).
//!
//! **Absent settings are denied** — every setting the detective control fails when absent is
//! denied when its condition key is absent too, with a statement of its own using `Null` (`"true"`:
//! the key is not in the request). No statement uses an `...IfExists` operator: `BoolIfExists` on
//! `sagemaker:InterContainerTrafficEncryption` lets a request that omits the flag through, and
//! omitting it means `false`; likewise `DirectInternetAccess` and `RootAccess` default to
//! `Enabled` when omitted.
//!
//! **Keys per action** — `sagemaker:VpcSubnets` / `VpcSecurityGroupIds` on notebook, training,
//! processing, tuning and `CreateModel` (transform jobs and endpoints run a model and have no VPC
//! or isolation key: their model's settings are denied at `CreateModel`); `VolumeKmsKeyArn` on
//! notebook, training, processing, transform, tuning and `CreateEndpointConfig`; `OutputKmsKeyArn`
//! on training, processing, transform and tuning (not on `CreateEndpointConfig`, so the data
//! capture key is a gap). The reference deprecated the earlier `VolumeKmsKey` and `OutputKmsKey`
//! in 2026-06 and no action defines them any more: a `Null` condition on one of those would be
//! true on every request, and deny them all; `InterContainerTrafficEncryption` on training, processing and tuning;
//! `NetworkIsolation` on those and `CreateModel`; `DirectInternetAccess` on
//! `CreateNotebookInstance`; `RootAccess`, `MinimumInstanceMetadataServiceVersion` and
//! `NotebookInstanceLifecycleConfigArns` on create and `UpdateNotebookInstance` (no key names a
//! notebook's platform, or an endpoint variant's `EnableSSMAccess`). Denying
//! `CreateEndpointConfig` without `KmsKeyId` also denies configurations that cannot take one
//! (serverless variants, instance types with local NVMe storage): the detective control fails
//! those too.
//!
//! **KMS allow-lists** — the KMS keys are typed ARN in the reference and AWS's examples compare
//! them with ARN operators, so ARN entries of `allowed_keys` (key and alias ARNs) become an
//! `ArnNotLike` deny; key ids and alias names cannot be matched and are reported as gaps (a
//! request that names a key that way is denied when the list has ARNs, and not checked when it
//! has none). With no allow-list, AWS managed keys (`alias/aws/...`) are denied by name.
//!
//! **Exemptions** — the resource of a create call is the ARN being created, and SCPs accept
//! `NotResource` in deny statements, so exemptions in force become `NotResource` patterns on the
//! statements of the controls they cover (regenerate the document when one expires: each is also
//! listed as a gap with its date). A glob IAM cannot express (`[...]`, `{...}`) is a gap and its
//! resources stay denied.
//!
//! **Output** — statements sorted by `Sid` (control and purpose, alphanumeric as IAM requires),
//! `Version` 2012-10-17. Every character of an SCP counts against its 5,120-character limit,
//! whitespace included; the size is measured on the compact JSON, which is what the CLI writes.
//! The statements are split, in `Sid` order, into as many SCPs as they need (a target may have
//! five attached, one usually `FullAWSAccess`; all of them apply); more than four, or a
//! statement too large on its own, is
//! still returned, with a gap saying so. The whole document is returned too, for use as a
//! permissions boundary.

use std::collections::BTreeMap;

use serde::Serialize;
use serde_json::{json, Map, Value};
use time::Date;

use crate::controls::{ControlId, Mode, REGISTRY};
use crate::policy::Policy;

/// AWS Organizations' limit on the size of one SCP, in characters.
pub const SCP_MAX_CHARS: usize = 5120;

/// The SageMaker create calls the statements deny.
pub mod actions {
    pub const CREATE_NOTEBOOK: &str = "sagemaker:CreateNotebookInstance";
    pub const UPDATE_NOTEBOOK: &str = "sagemaker:UpdateNotebookInstance";
    pub const UPDATE_NOTEBOOK_LIFECYCLE_CONFIG: &str =
        "sagemaker:UpdateNotebookInstanceLifecycleConfig";
    pub const CREATE_NOTEBOOK_LIFECYCLE_CONFIG: &str =
        "sagemaker:CreateNotebookInstanceLifecycleConfig";
    pub const CREATE_TRAINING: &str = "sagemaker:CreateTrainingJob";
    pub const UPDATE_TRAINING: &str = "sagemaker:UpdateTrainingJob";
    pub const CREATE_PROCESSING: &str = "sagemaker:CreateProcessingJob";
    pub const CREATE_TRANSFORM: &str = "sagemaker:CreateTransformJob";
    pub const CREATE_TUNING: &str = "sagemaker:CreateHyperParameterTuningJob";
    pub const CREATE_MODEL: &str = "sagemaker:CreateModel";
    pub const CREATE_ENDPOINT_CONFIG: &str = "sagemaker:CreateEndpointConfig";
    pub const CREATE_ENDPOINT: &str = "sagemaker:CreateEndpoint";
    pub const CREATE_DOMAIN: &str = "sagemaker:CreateDomain";
    pub const UPDATE_DOMAIN: &str = "sagemaker:UpdateDomain";
    pub const CREATE_USER_PROFILE: &str = "sagemaker:CreateUserProfile";
    pub const UPDATE_USER_PROFILE: &str = "sagemaker:UpdateUserProfile";
    pub const CREATE_SPACE: &str = "sagemaker:CreateSpace";
    pub const UPDATE_SPACE: &str = "sagemaker:UpdateSpace";
    pub const CREATE_APP: &str = "sagemaker:CreateApp";
    pub const CREATE_MONITORING_SCHEDULE: &str = "sagemaker:CreateMonitoringSchedule";
    pub const CREATE_AUTOML: &str = "sagemaker:CreateAutoMLJob";
    pub const CREATE_AUTOML_V2: &str = "sagemaker:CreateAutoMLJobV2";
    pub const CREATE_CLUSTER: &str = "sagemaker:CreateCluster";
    pub const CREATE_FEATURE_GROUP: &str = "sagemaker:CreateFeatureGroup";
    pub const CREATE_COMPILATION: &str = "sagemaker:CreateCompilationJob";
    pub const CREATE_LABELING: &str = "sagemaker:CreateLabelingJob";
    pub const CREATE_OPTIMIZATION: &str = "sagemaker:CreateOptimizationJob";
    pub const CREATE_FLOW_DEFINITION: &str = "sagemaker:CreateFlowDefinition";
    pub const CREATE_MODEL_PACKAGE: &str = "sagemaker:CreateModelPackage";
    pub const CREATE_MLFLOW_TRACKING_SERVER: &str = "sagemaker:CreateMlflowTrackingServer";
    pub const UPDATE_MLFLOW_TRACKING_SERVER: &str = "sagemaker:UpdateMlflowTrackingServer";
    pub const CREATE_MLFLOW_APP: &str = "sagemaker:CreateMlflowApp";
    pub const CREATE_INFERENCE_EXPERIMENT: &str = "sagemaker:CreateInferenceExperiment";
    pub const CREATE_RECOMMENDATION_JOB: &str = "sagemaker:CreateInferenceRecommendationsJob";
    pub const UPDATE_CLUSTER: &str = "sagemaker:UpdateCluster";
    /// The four model monitoring job definitions: each carries its job's settings, like a
    /// processing job.
    pub const CREATE_MONITORING_DEFINITIONS: [&str; 4] = [
        "sagemaker:CreateDataQualityJobDefinition",
        "sagemaker:CreateModelQualityJobDefinition",
        "sagemaker:CreateModelBiasJobDefinition",
        "sagemaker:CreateModelExplainabilityJobDefinition",
    ];
}

/// Something the policy asks for that the document does not prevent: it stays with the detective
/// control (inspector and sweeper).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Gap {
    /// The control, or `None` for the document as a whole (its size).
    pub control: Option<ControlId>,
    /// The API action concerned, or `*`.
    pub action: String,
    pub reason: String,
}

/// How many SCPs the guardrail's statements may take on one account or OU: AWS Organizations
/// attaches at most five, and one of them is usually `FullAWSAccess`.
pub const SCPS_PER_TARGET: usize = 4;

/// The generated document and what it leaves to the detective control.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Preventive {
    /// Every statement in one document (for a permissions boundary).
    pub document: Value,
    /// The same statements, in `Sid` order, split into documents of at most [`SCP_MAX_CHARS`]
    /// each: the SCPs to attach, all of them, to the same target.
    pub scps: Vec<Value>,
    pub not_preventable: Vec<Gap>,
    /// The control of each statement, by `Sid`.
    #[serde(skip)]
    pub owners: BTreeMap<String, ControlId>,
}

impl Preventive {
    /// The statements of `control` that deny one of `actions`, and what the control leaves
    /// to the detective control on them.
    pub fn denying(&self, control: ControlId, actions: &[String]) -> (Vec<&Value>, Vec<&Gap>) {
        let statements = self
            .document
            .get("Statement")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter(|s| {
                let sid = s.get("Sid").and_then(Value::as_str).unwrap_or_default();
                let denies = s
                    .get("Action")
                    .and_then(Value::as_array)
                    .into_iter()
                    .flatten()
                    .filter_map(Value::as_str)
                    .any(|a| actions.iter().any(|wanted| wanted == a));
                self.owners.get(sid) == Some(&control) && denies
            })
            .collect();
        let gaps = self
            .not_preventable
            .iter()
            .filter(|g| {
                g.control == Some(control) && (g.action == "*" || actions.contains(&g.action))
            })
            .collect();
        (statements, gaps)
    }
}

/// A policy document holding `statements`.
fn document(statements: &[Value]) -> Value {
    json!({
        "Version": "2012-10-17",
        "Statement": statements,
    })
}

/// `statements`, in order, in as few documents of at most [`SCP_MAX_CHARS`] (compact JSON) as
/// that order allows; a statement too large on its own gets a document of its own.
fn split(statements: &[Value]) -> Vec<Value> {
    let mut documents = Vec::new();
    let mut current: Vec<Value> = Vec::new();
    for statement in statements {
        current.push(statement.clone());
        if current.len() > 1 && document(&current).to_string().len() > SCP_MAX_CHARS {
            let next = current.pop().into_iter().collect();
            documents.push(document(&current));
            current = next;
        }
    }
    if !current.is_empty() || documents.is_empty() {
        documents.push(document(&current));
    }
    documents
}

/// One deny statement: `operator` applied to `key` with `values`.
pub struct Deny<'a> {
    /// Control and purpose, alphanumeric (IAM allows only `[A-Za-z0-9]` in a `Sid`).
    pub sid: String,
    pub actions: &'a [&'static str],
    pub operator: &'static str,
    pub key: &'a str,
    pub values: Value,
    /// A second condition that must also hold for the deny (operator, key, values).
    pub unless: Option<(&'static str, &'static str, Value)>,
    /// The same setting under a second name ([`KeyNames`]): both go in the operator's block,
    /// whose keys must all hold.
    pub also: Option<&'a str>,
}

/// A condition key that AWS renamed, under both names: the Service Authorization Reference
/// replaced `sagemaker:VolumeKmsKey` and `OutputKmsKey` by `...Arn` keys in 2026-06, and the
/// datasets that mirror it disagree on which one requests carry. A statement that names a key
/// a request never carries can deny everything (`Null`) or nothing, so statements on such a
/// setting name both: `Null` over both (absent under both names), positive operators once per
/// name. The allow-list (a negated operator) names the current one only.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KeyNames {
    pub current: &'static str,
    pub former: &'static str,
}

impl KeyNames {
    /// A key that was never renamed.
    pub const fn single(key: &'static str) -> KeyNames {
        KeyNames {
            current: key,
            former: key,
        }
    }

    /// Whether the key has a former name.
    pub fn renamed(&self) -> bool {
        self.current != self.former
    }
}

/// The document being built: the controls add their statements and gaps to it.
pub struct Scp<'a> {
    policy: &'a Policy,
    today: Date,
    statements: Vec<(String, ControlId, Value)>,
    gaps: Vec<Gap>,
}

impl Scp<'_> {
    /// Records what `control` leaves to the detective control on `action` (or `*`).
    pub fn gap(&mut self, control: ControlId, action: &str, reason: impl Into<String>) {
        let gap = Gap {
            control: Some(control),
            action: action.to_string(),
            reason: reason.into(),
        };
        if !self.gaps.contains(&gap) {
            self.gaps.push(gap);
        }
    }

    /// The IAM resource patterns of the exemptions covering `control` today.
    fn exempted(&mut self, control: ControlId) -> Vec<String> {
        let policy = self.policy;
        let mut patterns = Vec::new();
        for e in &policy.exemptions {
            if !e.in_force(self.today) || !e.controls.contains(&control) {
                continue;
            }
            for pattern in iam_patterns(e) {
                if !patterns.contains(&pattern) {
                    patterns.push(pattern);
                }
            }
            self.gap(
                control,
                "*",
                format!(
                    "exemption `{}` is a NotResource until {}: regenerate the document \
                     then, or its resources stay allowed",
                    e.resource, e.expires
                ),
            );
        }
        patterns
    }

    /// Adds a deny statement of `control`, minus the resources its exemptions cover.
    pub fn deny(&mut self, control: ControlId, deny: Deny<'_>) {
        let exempted = self.exempted(control);
        let mut statement = Map::new();
        statement.insert("Sid".into(), json!(deny.sid));
        statement.insert("Effect".into(), json!("Deny"));
        statement.insert("Action".into(), json!(deny.actions));
        if exempted.is_empty() {
            statement.insert("Resource".into(), json!("*"));
        } else {
            statement.insert("NotResource".into(), json!(exempted));
        }
        let mut keys = Map::new();
        keys.insert(deny.key.into(), deny.values.clone());
        if let Some(also) = deny.also {
            keys.insert(also.into(), deny.values);
        }
        let mut condition = json!({ deny.operator: keys });
        if let (Some((operator, key, values)), Some(map)) = (deny.unless, condition.as_object_mut())
        {
            map.insert(operator.into(), json!({ key: values }));
        }
        statement.insert("Condition".into(), condition);
        self.statements
            .push((deny.sid, control, Value::Object(statement)));
    }

    /// Denies `actions` on `resources` (IAM ARN patterns) outright: what no condition key can
    /// tell apart, held by the resource it acts on.
    pub fn deny_on(
        &mut self,
        control: ControlId,
        sid: &str,
        actions: &[&'static str],
        resources: Vec<String>,
    ) {
        let statement = json!({
            "Sid": sid,
            "Effect": "Deny",
            "Action": actions,
            "Resource": resources,
        });
        self.statements.push((sid.to_string(), control, statement));
    }

    /// Denies requests where `key` is absent.
    pub fn deny_missing(
        &mut self,
        control: ControlId,
        sid: String,
        actions: &[&'static str],
        key: &str,
    ) {
        self.deny(
            control,
            Deny {
                sid,
                actions,
                operator: "Null",
                key,
                values: json!("true"),
                unless: None,
                also: None,
            },
        );
    }

    /// A flag that must be `true`: denied when `false` and when absent.
    pub fn flag(&mut self, control: ControlId, name: &str, actions: &[&'static str], key: &str) {
        self.deny(
            control,
            Deny {
                sid: format!("{name}Off"),
                actions,
                operator: "Bool",
                key,
                values: json!("false"),
                unless: None,
                also: None,
            },
        );
        self.deny_missing(control, format!("{name}Missing"), actions, key);
    }

    /// A notebook setting that must be `Disabled` (AWS's default is `Enabled`), on create and,
    /// with `update_too`, on update.
    pub fn disabled(&mut self, control: ControlId, name: &str, key: &str, update_too: bool) {
        self.forbidden(control, name, key, "Enabled", update_too);
    }

    /// A notebook setting whose value `value` (AWS's default at create) is denied on create
    /// and, with `update_too`, on update; create is denied when the key is absent too.
    pub fn forbidden(
        &mut self,
        control: ControlId,
        name: &str,
        key: &str,
        value: &str,
        update_too: bool,
    ) {
        use actions::{CREATE_NOTEBOOK, UPDATE_NOTEBOOK};
        let with_update = [CREATE_NOTEBOOK, UPDATE_NOTEBOOK];
        let actions: &[&'static str] = if update_too {
            &with_update
        } else {
            &[CREATE_NOTEBOOK]
        };
        self.deny(
            control,
            Deny {
                sid: format!("{name}{}", sid_words(value)),
                actions,
                operator: "StringEquals",
                key,
                values: json!(value),
                unless: None,
                also: None,
            },
        );
        // An update that leaves the setting out keeps the current value: only create is denied
        // when the key is absent.
        self.deny_missing(control, format!("{name}Missing"), &[CREATE_NOTEBOOK], key);
    }
}

/// `actions` followed by the four monitoring job definitions' create calls.
pub(crate) const fn with_monitoring<const N: usize, const M: usize>(
    actions: [&'static str; N],
) -> [&'static str; M] {
    let mut all = [""; M];
    let mut i = 0;
    while i < N {
        all[i] = actions[i];
        i += 1;
    }
    let mut j = 0;
    while j < 4 {
        all[N + j] = actions::CREATE_MONITORING_DEFINITIONS[j];
        j += 1;
    }
    all
}

/// The gap of a control whose setting a monitoring schedule may also define inline: only its job
/// definitions' create calls are denied on it.
pub(crate) fn monitoring_inline_gap(scp: &mut Scp<'_>, control: ControlId) {
    scp.gap(
        control,
        actions::CREATE_MONITORING_SCHEDULE,
        "a schedule that defines its job inline (MonitoringJobDefinition) is judged by the \
         detective control: its condition keys are denied only at the job definitions' create \
         calls",
    );
}

/// `cost-center` -> `CostCenter`: the alphanumeric words of `text`, capitalised (IAM allows only
/// `[A-Za-z0-9]` in a `Sid`).
pub(crate) fn sid_words(text: &str) -> String {
    let name: String = text
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(|w| {
            let mut chars = w.chars();
            chars.next().map_or_else(String::new, |first| {
                first.to_ascii_uppercase().to_string() + chars.as_str()
            })
        })
        .collect();
    if name.is_empty() {
        "Key".to_string()
    } else {
        name
    }
}

/// An exemption's IAM resource patterns: its ARN pattern (lower-cased, as SageMaker writes
/// ARNs), once per listed account when its account is `*`. IAM matches each ARN component on its
/// own, and SageMaker names hold no `/` or `:`, so `*` means what it means in the policy.
fn iam_patterns(e: &crate::policy::Exemption) -> Vec<String> {
    let pattern = e.resource.to_ascii_lowercase();
    if e.accounts.is_empty() {
        return vec![pattern];
    }
    let parts: Vec<&str> = pattern.splitn(6, ':').collect();
    e.accounts
        .iter()
        .map(|account| {
            let mut parts = parts.clone();
            if let Some(slot) = parts.get_mut(4) {
                *slot = account;
            }
            parts.join(":")
        })
        .collect()
}

/// The preventive document for `policy`, with the exemptions in force on `today`: the
/// statements of every enforced control, a gap for every audited one.
pub fn generate(policy: &Policy, today: Date) -> Preventive {
    let mut scp = Scp {
        policy,
        today,
        statements: Vec::new(),
        gaps: Vec::new(),
    };
    for control in REGISTRY {
        let id = control.id();
        match (policy.setting(id).0, policy.control_settings(id)) {
            (Mode::Enforce, Some(settings)) => control.prevent_in(settings, &mut scp),
            (Mode::Audit, _) => scp.gap(
                id,
                "*",
                "mode audit: reported by the detective control, not prevented",
            ),
            _ => {}
        }
    }
    scp.statements.sort_by(|a, c| a.0.cmp(&c.0));
    let owners = scp
        .statements
        .iter()
        .map(|(sid, control, _)| (sid.clone(), *control))
        .collect();
    let statements: Vec<Value> = scp.statements.into_iter().map(|(_, _, s)| s).collect();
    let scps = split(&statements);
    let oversized = scps
        .iter()
        .map(|d| d.to_string().len())
        .filter(|size| *size > SCP_MAX_CHARS)
        .max();
    if let Some(size) = oversized {
        scp.gaps.push(Gap {
            control: None,
            action: "*".into(),
            reason: format!(
                "one statement makes a document of {size} characters (compact JSON), over the \
                 {SCP_MAX_CHARS} an SCP may have: use it as a permissions boundary, or shorten \
                 the policy's lists"
            ),
        });
    } else if scps.len() > SCPS_PER_TARGET {
        scp.gaps.push(Gap {
            control: None,
            action: "*".into(),
            reason: format!(
                "the statements need {} SCPs of at most {SCP_MAX_CHARS} characters, over the \
                 {SCPS_PER_TARGET} a target may have: use the document as a permissions \
                 boundary, or shorten the policy's lists",
                scps.len()
            ),
        });
    }
    Preventive {
        document: document(&statements),
        scps,
        not_preventable: scp.gaps,
        owners,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    type TestResult = Result<(), Box<dyn std::error::Error>>;

    const TODAY: Date = date!(2026 - 11 - 24);

    // The create calls, as the Service Authorization Reference names them, and those that carry
    // each condition key: what the document must say, written out apart from the controls.
    const AUTOML: &str = "sagemaker:CreateAutoMLJob";
    const COMPILATION: &str = "sagemaker:CreateCompilationJob";
    const LABELING: &str = "sagemaker:CreateLabelingJob";
    const OPTIMIZATION: &str = "sagemaker:CreateOptimizationJob";
    const FLOW_DEFINITION: &str = "sagemaker:CreateFlowDefinition";
    const MODEL_PACKAGE: &str = "sagemaker:CreateModelPackage";
    const FEATURE_GROUP: &str = "sagemaker:CreateFeatureGroup";
    const AUTOML_V2: &str = "sagemaker:CreateAutoMLJobV2";
    const CLUSTER: &str = "sagemaker:CreateCluster";
    const CLUSTER_UPDATE: &str = "sagemaker:UpdateCluster";
    const NOTEBOOK: &str = "sagemaker:CreateNotebookInstance";
    const NOTEBOOK_UPDATE: &str = "sagemaker:UpdateNotebookInstance";
    const TRAINING: &str = "sagemaker:CreateTrainingJob";
    const PROCESSING: &str = "sagemaker:CreateProcessingJob";
    const TRANSFORM: &str = "sagemaker:CreateTransformJob";
    const TUNING: &str = "sagemaker:CreateHyperParameterTuningJob";
    const MODEL: &str = "sagemaker:CreateModel";
    const ENDPOINT_CONFIG: &str = "sagemaker:CreateEndpointConfig";
    const ENDPOINT: &str = "sagemaker:CreateEndpoint";
    const DOMAIN: &str = "sagemaker:CreateDomain";
    const DOMAIN_UPDATE: &str = "sagemaker:UpdateDomain";
    const PROFILE: &str = "sagemaker:CreateUserProfile";
    const PROFILE_UPDATE: &str = "sagemaker:UpdateUserProfile";
    const SPACE: &str = "sagemaker:CreateSpace";
    const DQ: &str = "sagemaker:CreateDataQualityJobDefinition";
    const MQ: &str = "sagemaker:CreateModelQualityJobDefinition";
    const BIAS: &str = "sagemaker:CreateModelBiasJobDefinition";
    const EXPLAIN: &str = "sagemaker:CreateModelExplainabilityJobDefinition";

    /// Create calls that carry `sagemaker:VpcSubnets` and `sagemaker:VpcSecurityGroupIds`.
    const VPC_ACTIONS: [&str; 13] = [
        AUTOML, AUTOML_V2, CLUSTER, NOTEBOOK, TRAINING, PROCESSING, TUNING, MODEL, DOMAIN, DQ, MQ,
        BIAS, EXPLAIN,
    ];
    /// Create calls that carry `sagemaker:VolumeKmsKeyArn`.
    const VOLUME_KEY_ACTIONS: [&str; 13] = [
        AUTOML,
        AUTOML_V2,
        NOTEBOOK,
        DOMAIN,
        TRAINING,
        PROCESSING,
        TRANSFORM,
        TUNING,
        ENDPOINT_CONFIG,
        DQ,
        MQ,
        BIAS,
        EXPLAIN,
    ];
    /// Create calls that carry `sagemaker:OutputKmsKeyArn`.
    const OUTPUT_KEY_ACTIONS: [&str; 11] = [
        LABELING, AUTOML, AUTOML_V2, TRAINING, PROCESSING, TRANSFORM, TUNING, DQ, MQ, BIAS, EXPLAIN,
    ];
    /// Create calls that carry `sagemaker:InterContainerTrafficEncryption`.
    const ENCRYPTION_ACTIONS: [&str; 9] = [
        AUTOML, AUTOML_V2, TRAINING, PROCESSING, TUNING, DQ, MQ, BIAS, EXPLAIN,
    ];
    /// Create calls that carry `sagemaker:NetworkIsolation`.
    const ISOLATION_ACTIONS: [&str; 8] =
        [TRAINING, PROCESSING, TUNING, MODEL, DQ, MQ, BIAS, EXPLAIN];
    /// Create calls of the guarded kinds that carry `aws:RequestTag/...`.
    const TAGGED_ACTIONS: [&str; 22] = [
        FLOW_DEFINITION,
        "sagemaker:CreateInferenceExperiment",
        "sagemaker:CreateInferenceRecommendationsJob",
        "sagemaker:CreateMlflowTrackingServer",
        "sagemaker:CreateMlflowApp",
        MODEL_PACKAGE,
        OPTIMIZATION,
        LABELING,
        COMPILATION,
        FEATURE_GROUP,
        AUTOML,
        AUTOML_V2,
        CLUSTER,
        NOTEBOOK,
        TRAINING,
        PROCESSING,
        TRANSFORM,
        TUNING,
        ENDPOINT,
        DOMAIN,
        PROFILE,
        SPACE,
    ];

    /// A policy with every control in `mode`, plus `settings` lines in a control's section.
    fn policy_text(
        mode: impl Fn(ControlId) -> &'static str,
        settings: &[(ControlId, &str)],
    ) -> String {
        let mut text = String::from("version = 1\n");
        for control in ControlId::all() {
            text.push_str(&format!(
                "[controls.{control}]\nmode = \"{}\"\n",
                mode(control)
            ));
            for (c, lines) in settings {
                if *c == control {
                    text.push_str(lines);
                    text.push('\n');
                }
            }
        }
        text
    }

    fn generated(text: &str) -> Result<Preventive, Box<dyn std::error::Error>> {
        Ok(generate(&Policy::from_toml_on(text, "test", TODAY)?, TODAY))
    }

    fn statements(p: &Preventive) -> &[Value] {
        p.document["Statement"]
            .as_array()
            .map_or(&[], Vec::as_slice)
    }

    fn statement<'a>(p: &'a Preventive, sid: &str) -> Option<&'a Value> {
        statements(p).iter().find(|s| s["Sid"] == sid)
    }

    fn sids(p: &Preventive) -> Vec<String> {
        statements(p)
            .iter()
            .map(|s| s["Sid"].as_str().unwrap_or_default().to_string())
            .collect()
    }

    /// The statement every deny is: resource `*` unless exempted.
    /// Edits of an expected statement's condition.
    trait Condition {
        /// Its block also names a second key (a renamed key's former name).
        fn with_also(self, key: &str) -> Value;
        /// It holds only where the request carries its key (`Null` false).
        fn when_present(self) -> Value;
    }

    impl Condition for Value {
        fn with_also(mut self, key: &str) -> Value {
            if let Some(block) = self["Condition"]
                .as_object_mut()
                .and_then(|c| c.values_mut().next())
                .and_then(Value::as_object_mut)
            {
                let values = block.values().next().cloned().unwrap_or(Value::Null);
                block.insert(key.to_string(), values);
            }
            self
        }

        fn when_present(mut self) -> Value {
            let key = self["Condition"]
                .as_object()
                .and_then(|c| c.values().next())
                .and_then(Value::as_object)
                .and_then(|block| block.keys().next().cloned())
                .unwrap_or_default();
            if let Some(condition) = self["Condition"].as_object_mut() {
                condition.insert("Null".into(), json!({ key: "false" }));
            }
            self
        }
    }

    fn deny(sid: &str, actions: &[&str], operator: &str, key: &str, values: Value) -> Value {
        json!({
            "Sid": sid,
            "Effect": "Deny",
            "Action": actions,
            "Resource": "*",
            "Condition": { operator: { key: values } },
        })
    }

    fn has_gap(p: &Preventive, control: ControlId, action: &str, reason: &str) -> bool {
        p.not_preventable
            .iter()
            .any(|g| g.control == Some(control) && g.action == action && g.reason.contains(reason))
    }

    const ALL_ENFORCED_SETTINGS: [(ControlId, &str); 1] = [(
        crate::controls::required_tags::ID,
        "[controls.required-tags.tags]\nowner = []",
    )];

    #[test]
    fn every_enforced_control_denies_its_bad_value_and_its_absence() -> TestResult {
        // Given every control enforced, without allow-lists
        let p = generated(&policy_text(|_| "enforce", &ALL_ENFORCED_SETTINGS))?;
        // Then each setting is denied when bad and when absent, on the actions that carry its key
        let aws_managed = json!(["alias/aws/*", "arn:*:kms:*:*:alias/aws/*"]);
        let expected = [
            deny(
                "DirectInternetEnabled",
                &[NOTEBOOK],
                "StringEquals",
                "sagemaker:DirectInternetAccess",
                json!("Enabled"),
            ),
            deny(
                "DirectInternetMissing",
                &[NOTEBOOK],
                "Null",
                "sagemaker:DirectInternetAccess",
                json!("true"),
            ),
            deny(
                "DirectInternetStudio",
                &[DOMAIN, DOMAIN_UPDATE],
                "StringEquals",
                "sagemaker:AppNetworkAccessType",
                json!("PublicInternetOnly"),
            ),
            deny(
                "DirectInternetStudioMissing",
                &[DOMAIN],
                "Null",
                "sagemaker:AppNetworkAccessType",
                json!("true"),
            ),
            deny(
                "ImdsVersion1",
                &[NOTEBOOK, NOTEBOOK_UPDATE],
                "StringEquals",
                "sagemaker:MinimumInstanceMetadataServiceVersion",
                json!("1"),
            ),
            deny(
                "ImdsVersionMissing",
                &[NOTEBOOK],
                "Null",
                "sagemaker:MinimumInstanceMetadataServiceVersion",
                json!("true"),
            ),
            deny(
                "InterContainerEncryptionMissing",
                &ENCRYPTION_ACTIONS,
                "Null",
                "sagemaker:InterContainerTrafficEncryption",
                json!("true"),
            ),
            deny(
                "InterContainerEncryptionOff",
                &ENCRYPTION_ACTIONS,
                "Bool",
                "sagemaker:InterContainerTrafficEncryption",
                json!("false"),
            ),
            deny(
                "ModelApprovalAtRegistration",
                &[MODEL_PACKAGE],
                "StringEquals",
                "sagemaker:ModelApprovalStatus",
                json!("Approved"),
            ),
            deny(
                "NetworkIsolationMissing",
                &ISOLATION_ACTIONS,
                "Null",
                "sagemaker:NetworkIsolation",
                json!("true"),
            ),
            deny(
                "NetworkIsolationOff",
                &ISOLATION_ACTIONS,
                "Bool",
                "sagemaker:NetworkIsolation",
                json!("false"),
            ),
            deny(
                "NoSsmAccessRemoteAccess",
                &[SPACE, "sagemaker:UpdateSpace"],
                "StringEquals",
                "sagemaker:RemoteAccess",
                json!("ENABLED"),
            ),
            deny(
                "NoSsmAccessRemoteDebug",
                &["sagemaker:CreateTrainingJob", "sagemaker:UpdateTrainingJob"],
                "Bool",
                "sagemaker:EnableRemoteDebug",
                json!("true"),
            ),
            deny(
                "OutputKmsAwsManaged",
                &OUTPUT_KEY_ACTIONS,
                "StringLike",
                "sagemaker:OutputKmsKeyArn",
                aws_managed.clone(),
            ),
            // The key's name before AWS renamed it: see `KeyNames`.
            deny(
                "OutputKmsAwsManagedFormer",
                &OUTPUT_KEY_ACTIONS,
                "StringLike",
                "sagemaker:OutputKmsKey",
                aws_managed.clone(),
            ),
            deny(
                "OutputKmsMissing",
                &OUTPUT_KEY_ACTIONS,
                "Null",
                "sagemaker:OutputKmsKeyArn",
                json!("true"),
            )
            .with_also("sagemaker:OutputKmsKey"),
            // A feature group's offline store, and below its online store: optional, so a
            // missing key is not denied.
            deny(
                "OutputKmsOfflineStoreAwsManaged",
                &[FEATURE_GROUP],
                "StringLike",
                "sagemaker:FeatureGroupOfflineStoreKmsKey",
                aws_managed.clone(),
            ),
            deny(
                "OutputKmsSharingAwsManaged",
                &[DOMAIN, DOMAIN_UPDATE, PROFILE, PROFILE_UPDATE],
                "StringLike",
                "sagemaker:DomainSharingOutputKmsKeyArn",
                aws_managed.clone(),
            ),
            deny(
                "OutputKmsSharingAwsManagedFormer",
                &[DOMAIN, DOMAIN_UPDATE, PROFILE, PROFILE_UPDATE],
                "StringLike",
                "sagemaker:DomainSharingOutputKmsKey",
                aws_managed.clone(),
            ),
            deny(
                "PublicCrowd",
                &[LABELING, FLOW_DEFINITION],
                "StringEquals",
                "sagemaker:WorkteamType",
                json!("public-crowd"),
            ),
            deny(
                "RequiredTagOwnerMissing",
                &TAGGED_ACTIONS,
                "Null",
                "aws:RequestTag/owner",
                json!("true"),
            ),
            deny(
                "RootAccessEnabled",
                &[NOTEBOOK, NOTEBOOK_UPDATE],
                "StringEquals",
                "sagemaker:RootAccess",
                json!("Enabled"),
            ),
            // An update without the flag keeps the current value: only create is denied.
            deny(
                "RootAccessMissing",
                &[NOTEBOOK],
                "Null",
                "sagemaker:RootAccess",
                json!("true"),
            ),
            deny(
                "VolumeKmsAwsManaged",
                &VOLUME_KEY_ACTIONS,
                "StringLike",
                "sagemaker:VolumeKmsKeyArn",
                aws_managed.clone(),
            ),
            deny(
                "VolumeKmsAwsManagedFormer",
                &VOLUME_KEY_ACTIONS,
                "StringLike",
                "sagemaker:VolumeKmsKey",
                aws_managed,
            ),
            // A labeling job's automated labeling: optional, so a missing key is not denied.
            deny(
                "VolumeKmsLabelingAwsManaged",
                &[LABELING],
                "StringLike",
                "sagemaker:VolumeKmsKeyArn",
                json!(["alias/aws/*", "arn:*:kms:*:*:alias/aws/*"]),
            ),
            deny(
                "VolumeKmsLabelingAwsManagedFormer",
                &[LABELING],
                "StringLike",
                "sagemaker:VolumeKmsKey",
                json!(["alias/aws/*", "arn:*:kms:*:*:alias/aws/*"]),
            ),
            deny(
                "VolumeKmsMissing",
                &[AUTOML, AUTOML_V2, NOTEBOOK, DOMAIN],
                "Null",
                "sagemaker:VolumeKmsKeyArn",
                json!("true"),
            )
            .with_also("sagemaker:VolumeKmsKey"),
            // A1: instance types with local NVMe storage cannot take a key: carved out.
            json!({
                "Sid": "VolumeKmsMissingEbs",
                "Effect": "Deny",
                "Action": [TRAINING, PROCESSING, TRANSFORM, TUNING, ENDPOINT_CONFIG, DQ, MQ, BIAS, EXPLAIN],
                "Resource": "*",
                "Condition": {
                    "Null": { "sagemaker:VolumeKmsKeyArn": "true", "sagemaker:VolumeKmsKey": "true" },
                    "ForAllValues:StringNotLike": {
                        "sagemaker:InstanceTypes": crate::instances::LOCAL_STORAGE_FAMILIES
                            .iter()
                            .map(|f| format!("ml.{f}.*"))
                            .collect::<Vec<_>>()
                    },
                },
            }),
            deny(
                "VolumeKmsOnlineStoreAwsManaged",
                &[FEATURE_GROUP],
                "StringLike",
                "sagemaker:FeatureGroupOnlineStoreKmsKey",
                json!(["alias/aws/*", "arn:*:kms:*:*:alias/aws/*"]),
            ),
            deny(
                "VpcAttachedSecurityGroupMissing",
                &VPC_ACTIONS,
                "Null",
                "sagemaker:VpcSecurityGroupIds",
                json!("true"),
            ),
            deny(
                "VpcAttachedSubnetMissing",
                &VPC_ACTIONS,
                "Null",
                "sagemaker:VpcSubnets",
                json!("true"),
            ),
        ];
        // (exactly these, in Sid order)
        assert_eq!(statements(&p), expected.as_slice(), "{:#}", p.document);
        assert_eq!(p.document["Version"], "2012-10-17");
        Ok(())
    }

    #[test]
    fn no_statement_uses_if_exists_so_an_omitted_key_is_denied() -> TestResult {
        let allow_lists = [
            (
                crate::controls::vpc_attached::ID,
                "allowed_subnets = [\"subnet-1\"]\nallowed_security_groups = [\"sg-1\"]",
            ),
            (
                crate::controls::volume_kms::ID,
                "allowed_keys = [\"arn:aws:kms:us-east-1:111122223333:key/k\", \"alias/a\"]",
            ),
            (
                crate::controls::required_tags::ID,
                "[controls.required-tags.tags]\nowner = [\"a\", \"b\"]",
            ),
            (
                crate::controls::lifecycle_configs::ID,
                "allowed = [\"idle-shutdown\"]",
            ),
        ];
        // Keys whose absence is compliant: a notebook without a lifecycle configuration, Studio
        // without notebook sharing (sharing without a key is a listed gap), an app on the
        // domain's default image.
        const ABSENT_IS_COMPLIANT: [&str; 13] = [
            // (a version registered without a status is not approved)
            "sagemaker:ModelApprovalStatus",
            // (CreateLabelingJob requires a workteam; a flow definition without one has no
            // workteam to judge)
            "sagemaker:WorkteamType",
            "sagemaker:WorkteamArn",
            "sagemaker:FeatureGroupOnlineStoreKmsKey",
            "sagemaker:FeatureGroupOfflineStoreKmsKey",
            "sagemaker:NotebookInstanceLifecycleConfigArns",
            "sagemaker:StudioLifecycleConfigArns",
            "sagemaker:DomainSharingOutputKmsKey",
            "sagemaker:DomainSharingOutputKmsKeyArn",
            "sagemaker:ImageArns",
            "sagemaker:ImageVersionArns",
            "sagemaker:RemoteAccess",
            "sagemaker:EnableRemoteDebug",
        ];
        let example = include_str!("../../../infra/policy.example.toml");
        for text in [
            policy_text(|_| "enforce", &ALL_ENFORCED_SETTINGS),
            policy_text(|_| "enforce", &allow_lists),
            example.to_string(),
        ] {
            let p = generated(&text)?;
            let document = p.document.to_string();
            assert!(!document.contains("IfExists"), "{document}");
            // Every key a statement tests for a bad value is also tested for absence.
            for s in statements(&p) {
                let Some((operator, keys)) =
                    s["Condition"].as_object().and_then(|c| c.iter().next())
                else {
                    panic!("statement without condition: {s}");
                };
                // (a statement that denies an absent key, with or without a carve-out)
                if operator == "Null" || s["Condition"].get("Null").is_some() {
                    continue;
                }
                for key in keys.as_object().into_iter().flat_map(|k| k.keys()) {
                    if ABSENT_IS_COMPLIANT.contains(&key.as_str()) {
                        continue;
                    }
                    // (an update without the key keeps the current value: create calls only; a
                    // user profile without security groups takes its domain's)
                    // (a labeling job has a volume only with automated labeling, which no key
                    // tells)
                    let inherits = |a: &str| {
                        (a == PROFILE && key == "sagemaker:VpcSecurityGroupIds")
                            || (a == LABELING && key.starts_with("sagemaker:VolumeKmsKey"))
                    };
                    let creates: Vec<&Value> = s["Action"]
                        .as_array()
                        .into_iter()
                        .flatten()
                        .filter(|a| {
                            a.as_str()
                                .is_some_and(|a| !a.starts_with("sagemaker:Update") && !inherits(a))
                        })
                        .collect();
                    let absent = creates.iter().all(|c| {
                        statements(&p).iter().any(|n| {
                            n["Condition"]["Null"][key.as_str()] == "true"
                                && n["Action"].as_array().is_some_and(|a| a.contains(c))
                        })
                    });
                    assert!(absent, "{key} in {} has no Null deny", s["Sid"]);
                }
            }
        }
        Ok(())
    }

    #[test]
    fn allow_lists_become_exact_not_equals_conditions() -> TestResult {
        let key_arn = "arn:aws:kms:us-east-1:111122223333:key/1111aaaa-22bb-33cc-44dd-555555eeeeee";
        let alias_arn = "arn:aws:kms:us-east-1:111122223333:alias/ml-data";
        let cases: [(&str, ControlId, String, Value); 6] = [
            (
                "VpcAttachedSubnetNotAllowed",
                crate::controls::vpc_attached::ID,
                "allowed_subnets = [\"subnet-01\", \"subnet-02\"]".into(),
                deny(
                    "VpcAttachedSubnetNotAllowed",
                    &[
                        AUTOML,
                        AUTOML_V2,
                        CLUSTER,
                        CLUSTER_UPDATE,
                        NOTEBOOK,
                        TRAINING,
                        PROCESSING,
                        TUNING,
                        MODEL,
                        DOMAIN,
                        DOMAIN_UPDATE,
                        DQ,
                        MQ,
                        BIAS,
                        EXPLAIN,
                    ],
                    "ForAnyValue:StringNotEquals",
                    "sagemaker:VpcSubnets",
                    json!(["subnet-01", "subnet-02"]),
                ),
            ),
            (
                "VpcAttachedSecurityGroupNotAllowed",
                crate::controls::vpc_attached::ID,
                "allowed_security_groups = [\"sg-01\"]".into(),
                deny(
                    "VpcAttachedSecurityGroupNotAllowed",
                    &[
                        AUTOML,
                        AUTOML_V2,
                        CLUSTER,
                        CLUSTER_UPDATE,
                        NOTEBOOK,
                        TRAINING,
                        PROCESSING,
                        TUNING,
                        MODEL,
                        DOMAIN,
                        DOMAIN_UPDATE,
                        PROFILE,
                        PROFILE_UPDATE,
                        DQ,
                        MQ,
                        BIAS,
                        EXPLAIN,
                    ],
                    "ForAnyValue:StringNotEquals",
                    "sagemaker:VpcSecurityGroupIds",
                    json!(["sg-01"]),
                ),
            ),
            (
                "VolumeKmsNotAllowed",
                crate::controls::volume_kms::ID,
                format!("allowed_keys = [\"{key_arn}\", \"{alias_arn}\"]"),
                // Only where the request carries the key: an absent key is the missing-key
                // statements' to judge (they let local-storage instance types through).
                deny(
                    "VolumeKmsNotAllowed",
                    &VOLUME_KEY_ACTIONS,
                    "ArnNotLike",
                    "sagemaker:VolumeKmsKeyArn",
                    json!([key_arn, alias_arn]),
                )
                .when_present(),
            ),
            (
                "OutputKmsNotAllowed",
                crate::controls::output_kms::ID,
                format!("allowed_keys = [\"{key_arn}\"]"),
                deny(
                    "OutputKmsNotAllowed",
                    &OUTPUT_KEY_ACTIONS,
                    "ArnNotLike",
                    "sagemaker:OutputKmsKeyArn",
                    json!([key_arn]),
                )
                .when_present(),
            ),
            (
                "RequiredTagCostCenterNotAllowed",
                crate::controls::required_tags::ID,
                "[controls.required-tags.tags]\ncost-center = [\"ml-research\", \"fraud\"]".into(),
                deny(
                    "RequiredTagCostCenterNotAllowed",
                    &TAGGED_ACTIONS,
                    "StringNotEquals",
                    "aws:RequestTag/cost-center",
                    json!(["ml-research", "fraud"]),
                ),
            ),
            (
                "RequiredTagCostCenterMissing",
                crate::controls::required_tags::ID,
                "[controls.required-tags.tags]\ncost-center = [\"ml-research\", \"fraud\"]".into(),
                deny(
                    "RequiredTagCostCenterMissing",
                    &TAGGED_ACTIONS,
                    "Null",
                    "aws:RequestTag/cost-center",
                    json!("true"),
                ),
            ),
        ];
        for (sid, control, settings, expected) in cases {
            let p = generated(&policy_text(
                |c| if c == control { "enforce" } else { "off" },
                &[(control, &settings)],
            ))?;
            assert_eq!(
                statement(&p, sid),
                Some(&expected),
                "{sid}: {:#}",
                p.document
            );
        }
        Ok(())
    }

    #[test]
    fn kms_ids_and_alias_names_are_gaps_naming_the_entries() -> TestResult {
        let key_arn = "arn:aws:kms:us-east-1:111122223333:key/1111aaaa-22bb-33cc-44dd-555555eeeeee";
        // Given ARNs and other forms: only the ARNs are in the condition; the rest is a gap
        let p = generated(&policy_text(
            |c| if c == crate::controls::volume_kms::ID { "enforce" } else { "off" },
            &[(crate::controls::volume_kms::ID, &format!("allowed_keys = [\"{key_arn}\", \"alias/ml-data\", \"1111aaaa-22bb-33cc-44dd-555555eeeeee\"]"))],
        ))?;
        assert_eq!(
            statement(&p, "VolumeKmsNotAllowed").map(|s| &s["Condition"]),
            Some(&json!({
                "ArnNotLike": { "sagemaker:VolumeKmsKeyArn": [key_arn] },
                "Null": { "sagemaker:VolumeKmsKeyArn": "false" }
            }))
        );
        assert!(
            has_gap(
                &p,
                crate::controls::volume_kms::ID,
                "*",
                "`alias/ml-data`, `1111aaaa-22bb-33cc-44dd-555555eeeeee`"
            ),
            "{:?}",
            p.not_preventable
        );
        assert!(has_gap(
            &p,
            crate::controls::volume_kms::ID,
            "*",
            "are denied"
        ));
        // Given only an alias name: no allow-list statement (it would deny every key), AWS
        // managed keys still denied, and the gap says the list is not checked
        let p = generated(&policy_text(
            |c| {
                if c == crate::controls::output_kms::ID {
                    "enforce"
                } else {
                    "off"
                }
            },
            &[(
                crate::controls::output_kms::ID,
                "allowed_keys = [\"alias/ml-data\"]",
            )],
        ))?;
        assert_eq!(
            sids(&p),
            [
                "OutputKmsAwsManaged",
                "OutputKmsAwsManagedFormer",
                "OutputKmsMissing",
                "OutputKmsOfflineStoreAwsManaged",
                "OutputKmsSharingAwsManaged",
                "OutputKmsSharingAwsManagedFormer"
            ]
        );
        assert!(has_gap(
            &p,
            crate::controls::output_kms::ID,
            "*",
            "checks no allow-list"
        ));
        Ok(())
    }

    #[test]
    fn audit_and_off_controls_produce_no_statement() -> TestResult {
        for control in ControlId::all() {
            for mode in ["audit", "off"] {
                // Given one control in audit or off mode, the others off
                let p = generated(&policy_text(
                    |c| if c == control { mode } else { "off" },
                    &ALL_ENFORCED_SETTINGS,
                ))?;
                // Then no statement; audit is reported as a gap, off is not mentioned
                assert!(
                    statements(&p).is_empty(),
                    "{control} {mode}: {:#}",
                    p.document
                );
                let audit_gap = has_gap(&p, control, "*", "mode audit");
                assert_eq!(audit_gap, mode == "audit", "{control} {mode}");
                if mode == "off" {
                    assert!(p.not_preventable.is_empty(), "{:?}", p.not_preventable);
                }
            }
        }
        Ok(())
    }

    #[test]
    fn what_no_condition_key_carries_is_left_to_the_detective_control() -> TestResult {
        let p = generated(&policy_text(
            |_| "enforce",
            &[(
                crate::controls::vpc_attached::ID,
                "allowed_vpcs = [\"vpc-0a1b\"]",
            )],
        ))?;
        for (control, action, reason) in [
            (
                crate::controls::vpc_attached::ID,
                TRANSFORM,
                "no VPC condition key",
            ),
            (
                crate::controls::vpc_attached::ID,
                ENDPOINT,
                "no VPC condition key",
            ),
            (
                crate::controls::vpc_attached::ID,
                "*",
                "allowed_vpcs (vpc-0a1b)",
            ),
            (
                crate::controls::network_isolation::ID,
                TRANSFORM,
                "no isolation condition key",
            ),
            (
                crate::controls::network_isolation::ID,
                ENDPOINT,
                "no isolation condition key",
            ),
            (
                crate::controls::output_kms::ID,
                ENDPOINT_CONFIG,
                "DataCaptureConfig.KmsKeyId",
            ),
        ] {
            assert!(
                has_gap(&p, control, action, reason),
                "{control} {action}: {:?}",
                p.not_preventable
            );
        }
        // Transform jobs are still denied on the keys they do carry; endpoint configurations on
        // their volume key.
        let volume = statement(&p, "VolumeKmsMissingEbs").ok_or("no VolumeKmsMissingEbs")?;
        assert!(volume["Action"]
            .as_array()
            .is_some_and(|a| a.contains(&json!(TRANSFORM)) && a.contains(&json!(ENDPOINT_CONFIG))));
        assert!(has_gap(
            &p,
            crate::controls::volume_kms::ID,
            ENDPOINT_CONFIG,
            "mixing local-storage and EBS"
        ));
        Ok(())
    }

    #[test]
    fn live_exemptions_become_not_resource_and_are_listed() -> TestResult {
        // Given one exemption in force, one expired and one over an account list
        let text = policy_text(|_| "enforce", &ALL_ENFORCED_SETTINGS)
            + r#"
[[exemptions]]
resource = "arn:aws:sagemaker:*:111122223333:notebook-instance/sandbox-*"
controls = ["no-root-access"]
reason = "SEC-1"
expires = 2027-03-31
[[exemptions]]
resource = "arn:aws:sagemaker:*:111122223333:notebook-instance/Legacy-*"
controls = ["no-root-access"]
reason = "SEC-2"
expires = 2026-01-31
[[exemptions]]
resource = "arn:aws:sagemaker:us-east-1:*:notebook-instance/Team-A-*"
accounts = ["111122223333", "444455556666"]
controls = ["no-direct-internet"]
reason = "SEC-3"
expires = 2027-01-31
"#;
        let p = generated(&text)?;
        // Then the covered statements exempt its resources, and only those
        for sid in ["RootAccessEnabled", "RootAccessMissing"] {
            let s = statement(&p, sid).ok_or(sid)?;
            assert_eq!(s.get("Resource"), None);
            assert_eq!(
                s["NotResource"],
                json!(["arn:aws:sagemaker:*:111122223333:notebook-instance/sandbox-*"])
            );
        }
        assert_eq!(
            statement(&p, "VolumeKmsMissing").map(|s| &s["Resource"]),
            Some(&json!("*"))
        );
        assert!(has_gap(
            &p,
            crate::controls::no_root_access::ID,
            "*",
            "`arn:aws:sagemaker:*:111122223333:notebook-instance/sandbox-*` is a NotResource until 2027-03-31"
        ));
        assert!(!p
            .not_preventable
            .iter()
            .any(|g| g.reason.contains("Legacy-*")));
        // And an account list becomes one lower-cased pattern per account
        assert_eq!(
            statement(&p, "DirectInternetEnabled").map(|s| &s["NotResource"]),
            Some(&json!([
                "arn:aws:sagemaker:us-east-1:111122223333:notebook-instance/team-a-*",
                "arn:aws:sagemaker:us-east-1:444455556666:notebook-instance/team-a-*"
            ]))
        );
        Ok(())
    }

    #[test]
    fn statements_are_sorted_with_unique_alphanumeric_sids() -> TestResult {
        let p = generated(&policy_text(
            |_| "enforce",
            &[
                (crate::controls::vpc_attached::ID, "allowed_subnets = [\"subnet-1\"]"),
                (crate::controls::required_tags::ID, "[controls.required-tags.tags]\n\"cost-center\" = [\"x\"]\ncostcenter = []\n\"team:name\" = []"),
            ],
        ))?;
        let ids = sids(&p);
        let mut sorted = ids.clone();
        sorted.sort();
        sorted.dedup();
        assert_eq!(ids, sorted);
        assert!(
            ids.iter()
                .all(|s| !s.is_empty() && s.chars().all(|c| c.is_ascii_alphanumeric())),
            "{ids:?}"
        );
        for sid in [
            "RequiredTagCostCenterMissing",
            "RequiredTagCostcenterMissing",
            "RequiredTagTeamNameMissing",
        ] {
            assert!(ids.iter().any(|s| s == sid), "{sid} not in {ids:?}");
        }
        assert_eq!(sid_words("cost-center"), "CostCenter");
        assert_eq!(sid_words("--"), "Key");
        Ok(())
    }

    /// A policy enforcing `count` required tags, each with allowed values, and nothing else.
    fn tags_only(count: usize) -> Result<Preventive, Box<dyn std::error::Error>> {
        let mut tags = String::from("[controls.required-tags.tags]\n");
        for i in 0..count {
            tags.push_str(&format!("tag-number-{i} = [\"value-a\", \"value-b\"]\n"));
        }
        let id = crate::controls::required_tags::ID;
        generated(&policy_text(
            |c| if c == id { "enforce" } else { "off" },
            &[(id, &tags)],
        ))
    }

    /// The statements of the SCPs, one after the other.
    fn split_statements(p: &Preventive) -> Vec<Value> {
        p.scps
            .iter()
            .flat_map(|d| d["Statement"].as_array().cloned().unwrap_or_default())
            .collect()
    }

    #[test]
    fn statements_beyond_one_scp_are_split_in_order_across_scps_within_the_limit() -> TestResult {
        // Given ten required tags with allowed values: 20 statements
        let p = tags_only(10)?;
        assert!(p.document.to_string().len() > SCP_MAX_CHARS);
        assert_eq!(statements(&p).len(), 20);
        // Then every SCP is within the limit, none could take the next one's first statement,
        // and together they hold every statement in Sid order
        assert!(
            p.scps.len() > 1 && p.scps.len() <= SCPS_PER_TARGET,
            "{}",
            p.scps.len()
        );
        for (i, scp) in p.scps.iter().enumerate() {
            assert!(scp.to_string().len() <= SCP_MAX_CHARS);
            assert_eq!(scp["Version"], "2012-10-17");
            if let Some(next) = p.scps.get(i + 1).and_then(|n| n["Statement"].get(0)) {
                let mut more = scp["Statement"].as_array().cloned().unwrap_or_default();
                more.push(next.clone());
                assert!(document(&more).to_string().len() > SCP_MAX_CHARS);
            }
        }
        assert_eq!(split_statements(&p), statements(&p));
        assert!(!p.not_preventable.iter().any(|g| g.control.is_none()));
        // One SCP when it fits
        let small = tags_only(1)?;
        assert_eq!(small.scps, std::slice::from_ref(&small.document));
        Ok(())
    }

    #[test]
    fn more_statements_than_five_scps_hold_are_still_written_with_a_gap_saying_so() -> TestResult {
        let p = tags_only(150)?;
        assert!(p.scps.len() > SCPS_PER_TARGET);
        assert_eq!(split_statements(&p), statements(&p));
        assert!(p
            .not_preventable
            .iter()
            .any(|g| g.control.is_none()
                && g.reason.contains(&format!("need {} SCPs", p.scps.len()))));
        Ok(())
    }

    #[test]
    fn the_example_policy_generates_scps_within_the_limit() -> TestResult {
        let p = generated(include_str!("../../../infra/policy.example.toml"))?;
        assert!(p.scps.iter().all(|d| d.to_string().len() <= SCP_MAX_CHARS));
        assert!(!p.not_preventable.iter().any(|g| g.control.is_none()));
        let ids = sids(&p);
        for sid in [
            "VpcAttachedSubnetNotAllowed",
            "VpcAttachedSecurityGroupNotAllowed",
            "VolumeKmsNotAllowed",
            "OutputKmsNotAllowed",
            "InterContainerEncryptionMissing",
            "DirectInternetMissing",
            "RootAccessEnabled",
        ] {
            assert!(ids.iter().any(|s| s == sid), "{sid} not in {ids:?}");
        }
        // network-isolation and required-tags are in audit mode in the example.
        assert!(!ids
            .iter()
            .any(|s| s.starts_with("NetworkIsolation") || s.starts_with("RequiredTag")));
        assert!(has_gap(
            &p,
            crate::controls::volume_kms::ID,
            "*",
            "`alias/ml-data`"
        ));
        assert!(has_gap(
            &p,
            crate::controls::no_root_access::ID,
            "*",
            "sandbox-*"
        ));
        Ok(())
    }
}
