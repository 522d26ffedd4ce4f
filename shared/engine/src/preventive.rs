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
//! or isolation key: their model's settings are denied at `CreateModel`); `VolumeKmsKey` on
//! notebook, training, processing, transform, tuning and `CreateEndpointConfig`; `OutputKmsKey` on
//! training, processing, transform and tuning (not on `CreateEndpointConfig`, so the data capture
//! key is a gap); `InterContainerTrafficEncryption` on training, processing and tuning;
//! `NetworkIsolation` on those and `CreateModel`; `DirectInternetAccess` on
//! `CreateNotebookInstance`; `RootAccess` on create and `UpdateNotebookInstance`. Denying
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
//! A larger document is still returned, with a gap saying so.

use serde::Serialize;
use serde_json::{json, Map, Value};
use time::Date;

use crate::controls::ControlId;
use crate::policy::{KmsSettings, Mode, Policy};

/// AWS Organizations' limit on the size of one SCP, in characters.
pub const SCP_MAX_CHARS: usize = 5120;

const NOTEBOOK: &str = "sagemaker:CreateNotebookInstance";
const NOTEBOOK_UPDATE: &str = "sagemaker:UpdateNotebookInstance";
const TRAINING: &str = "sagemaker:CreateTrainingJob";
const PROCESSING: &str = "sagemaker:CreateProcessingJob";
const TRANSFORM: &str = "sagemaker:CreateTransformJob";
const TUNING: &str = "sagemaker:CreateHyperParameterTuningJob";
const MODEL: &str = "sagemaker:CreateModel";
const ENDPOINT_CONFIG: &str = "sagemaker:CreateEndpointConfig";
const ENDPOINT: &str = "sagemaker:CreateEndpoint";

/// Create calls that carry `sagemaker:VpcSubnets` and `sagemaker:VpcSecurityGroupIds`.
const VPC_ACTIONS: [&str; 5] = [NOTEBOOK, TRAINING, PROCESSING, TUNING, MODEL];
/// Create calls that carry `sagemaker:VolumeKmsKey`.
const VOLUME_KEY_ACTIONS: [&str; 6] = [
    NOTEBOOK,
    TRAINING,
    PROCESSING,
    TRANSFORM,
    TUNING,
    ENDPOINT_CONFIG,
];
/// Create calls that carry `sagemaker:OutputKmsKey`.
const OUTPUT_KEY_ACTIONS: [&str; 4] = [TRAINING, PROCESSING, TRANSFORM, TUNING];
/// Create calls that carry `sagemaker:InterContainerTrafficEncryption`.
const ENCRYPTION_ACTIONS: [&str; 3] = [TRAINING, PROCESSING, TUNING];
/// Create calls that carry `sagemaker:NetworkIsolation`.
const ISOLATION_ACTIONS: [&str; 4] = [TRAINING, PROCESSING, TUNING, MODEL];
/// Create calls of the six guarded kinds, which carry `aws:RequestTag/...`.
const TAGGED_ACTIONS: [&str; 6] = [NOTEBOOK, TRAINING, PROCESSING, TRANSFORM, TUNING, ENDPOINT];

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

/// The generated document and what it leaves to the detective control.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Preventive {
    pub document: Value,
    pub not_preventable: Vec<Gap>,
}

/// One deny statement: `operator` applied to `key` with `values`.
struct Deny<'a> {
    sid: String,
    actions: &'a [&'static str],
    operator: &'static str,
    key: &'a str,
    values: Value,
    /// A second condition that must also hold for the deny (operator, key, values).
    unless: Option<(&'static str, &'static str, Value)>,
}

struct Builder<'a> {
    policy: &'a Policy,
    today: Date,
    statements: Vec<(String, Value)>,
    gaps: Vec<Gap>,
}

impl Builder<'_> {
    /// Whether `control` is enforced; an audited one is reported as a gap.
    fn enforced(&mut self, control: ControlId) -> bool {
        let (mode, _) = self.policy.setting(control);
        if mode == Mode::Audit {
            self.gap(
                control,
                "*",
                "mode audit: reported by the detective control, not prevented",
            );
        }
        mode == Mode::Enforce
    }

    fn gap(&mut self, control: ControlId, action: &str, reason: impl Into<String>) {
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

    fn deny(&mut self, control: ControlId, deny: Deny<'_>) {
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
        let mut condition = json!({ deny.operator: { deny.key: deny.values } });
        if let (Some((operator, key, values)), Some(map)) = (deny.unless, condition.as_object_mut())
        {
            map.insert(operator.into(), json!({ key: values }));
        }
        statement.insert("Condition".into(), condition);
        self.statements.push((deny.sid, Value::Object(statement)));
    }

    /// Denies requests where `key` is absent.
    fn deny_missing(
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
            },
        );
    }

    fn vpc(&mut self) {
        let control = ControlId::VpcAttached;
        if !self.enforced(control) {
            return;
        }
        let policy = self.policy;
        let settings = &policy.vpc_attached.settings;
        for (purpose, key, allowed) in [
            ("Subnet", "sagemaker:VpcSubnets", &settings.allowed_subnets),
            (
                "SecurityGroup",
                "sagemaker:VpcSecurityGroupIds",
                &settings.allowed_security_groups,
            ),
        ] {
            self.deny_missing(
                control,
                format!("VpcAttached{purpose}Missing"),
                &VPC_ACTIONS,
                key,
            );
            // Any one value outside the list denies (a request may name several).
            if !allowed.is_empty() {
                self.deny(
                    control,
                    Deny {
                        sid: format!("VpcAttached{purpose}NotAllowed"),
                        actions: &VPC_ACTIONS,
                        operator: "ForAnyValue:StringNotEquals",
                        key,
                        values: json!(allowed),
                        unless: None,
                    },
                );
            }
        }
        if !settings.allowed_vpcs.is_empty() {
            self.gap(
                control,
                "*",
                format!(
                    "allowed_vpcs ({}): no condition key carries the VPC id; list the VPC's \
                     subnets in allowed_subnets to keep other VPCs out",
                    settings.allowed_vpcs.join(", ")
                ),
            );
        }
        for action in [TRANSFORM, ENDPOINT] {
            self.gap(
                control,
                action,
                "no VPC condition key: the VPC is the model's, denied at CreateModel; models \
                 created before the document applied are caught by the detective control",
            );
        }
    }

    fn kms(&mut self, control: ControlId, name: &str, actions: &[&'static str], key: &str) {
        if !self.enforced(control) {
            return;
        }
        let policy = self.policy;
        let settings: &KmsSettings = match control {
            ControlId::VolumeKms => &policy.volume_kms.settings,
            _ => &policy.output_kms.settings,
        };
        if control == ControlId::VolumeKms {
            self.volume_key_missing(actions, key);
        } else {
            self.deny_missing(control, format!("{name}Missing"), actions, key);
        }
        let (arns, other): (Vec<&String>, Vec<&String>) = settings
            .allowed_keys
            .iter()
            .partition(|k| k.trim().starts_with("arn:"));
        if arns.is_empty() {
            // No allow-list the key can be compared with: at least keep AWS managed keys out.
            self.deny(
                control,
                Deny {
                    sid: format!("{name}AwsManaged"),
                    actions,
                    operator: "StringLike",
                    key,
                    values: json!(["alias/aws/*", "arn:*:kms:*:*:alias/aws/*"]),
                    unless: None,
                },
            );
        } else {
            self.deny(
                control,
                Deny {
                    sid: format!("{name}NotAllowed"),
                    actions,
                    operator: "ArnNotLike",
                    key,
                    values: json!(arns),
                    unless: None,
                },
            );
        }
        if !other.is_empty() {
            let names = other
                .iter()
                .map(|k| format!("`{k}`"))
                .collect::<Vec<_>>()
                .join(", ");
            let reason = if arns.is_empty() {
                format!(
                    "allowed_keys {names}: {key} is ARN-typed, key ids and alias names cannot be \
                     matched, so the document checks no allow-list (any customer managed key \
                     passes it); the detective control checks these entries"
                )
            } else {
                format!(
                    "allowed_keys {names}: {key} is ARN-typed, key ids and alias names cannot be \
                     matched, so requests naming a key that way are denied (name it by its ARN); \
                     only the detective control accepts these entries"
                )
            };
            self.gap(control, "*", reason);
        }
    }

    /// A missing volume key is denied, except where an instance type has local NVMe storage:
    /// AWS rejects a key there (jobs) or it encrypts nothing (endpoint configurations), so those
    /// requests are carved out with `sagemaker:InstanceTypes` (table in [`crate::instances`]).
    /// Notebook instances always have an EBS volume: no carve-out.
    fn volume_key_missing(&mut self, actions: &[&'static str], key: &str) {
        let control = ControlId::VolumeKms;
        let (notebook, workloads): (Vec<&'static str>, Vec<&'static str>) =
            actions.iter().partition(|a| **a == NOTEBOOK);
        if !notebook.is_empty() {
            self.deny_missing(control, "VolumeKmsMissing".into(), &notebook, key);
        }
        let local: Vec<String> = crate::instances::LOCAL_STORAGE_FAMILIES
            .iter()
            .map(|f| format!("ml.{f}.*"))
            .collect();
        self.deny(
            control,
            Deny {
                sid: "VolumeKmsMissingEbs".into(),
                actions: &workloads,
                operator: "Null",
                key,
                values: json!("true"),
                unless: Some((
                    "ForAllValues:StringNotLike",
                    "sagemaker:InstanceTypes",
                    json!(local),
                )),
            },
        );
        self.gap(
            control,
            ENDPOINT_CONFIG,
            "an endpoint configuration mixing local-storage and EBS instance types without a \
             key is allowed by the document (the carve-out sees any local type); the detective \
             control judges its EBS variants",
        );
    }

    /// A flag that must be `true`: denied when `false` and when absent.
    fn flag(&mut self, control: ControlId, name: &str, actions: &[&'static str], key: &str) {
        if !self.enforced(control) {
            return;
        }
        self.deny(
            control,
            Deny {
                sid: format!("{name}Off"),
                actions,
                operator: "Bool",
                key,
                values: json!("false"),
                unless: None,
            },
        );
        self.deny_missing(control, format!("{name}Missing"), actions, key);
    }

    /// A notebook setting that must be `Disabled` (AWS's default is `Enabled`).
    fn disabled(&mut self, control: ControlId, name: &str, key: &str, update_too: bool) {
        if !self.enforced(control) {
            return;
        }
        let with_update = [NOTEBOOK, NOTEBOOK_UPDATE];
        let actions: &[&'static str] = if update_too {
            &with_update
        } else {
            &[NOTEBOOK]
        };
        self.deny(
            control,
            Deny {
                sid: format!("{name}Enabled"),
                actions,
                operator: "StringEquals",
                key,
                values: json!("Enabled"),
                unless: None,
            },
        );
        // An update that leaves the setting out keeps the current value: only create is denied
        // when the key is absent.
        self.deny_missing(control, format!("{name}Missing"), &[NOTEBOOK], key);
    }

    fn tags(&mut self) {
        let control = ControlId::RequiredTags;
        if !self.enforced(control) {
            return;
        }
        let policy = self.policy;
        let required = &policy.required_tags.settings.required;
        let mut names: Vec<String> = Vec::new();
        for (i, (key, values)) in required.iter().enumerate() {
            let mut name = sid_words(key);
            if names.contains(&name) {
                name = format!("{name}{i}");
            }
            names.push(name.clone());
            let condition_key = format!("aws:RequestTag/{key}");
            self.deny_missing(
                control,
                format!("RequiredTag{name}Missing"),
                &TAGGED_ACTIONS,
                &condition_key,
            );
            if !values.is_empty() {
                self.deny(
                    control,
                    Deny {
                        sid: format!("RequiredTag{name}NotAllowed"),
                        actions: &TAGGED_ACTIONS,
                        operator: "StringNotEquals",
                        key: &condition_key,
                        values: json!(values),
                        unless: None,
                    },
                );
            }
        }
        if !required.is_empty() {
            self.gap(
                control,
                "sagemaker:DeleteTags",
                "tags removed or changed after creation are caught by the detective control",
            );
        }
    }
}

/// `cost-center` -> `CostCenter`: the alphanumeric words of `text`, capitalised (IAM allows only
/// `[A-Za-z0-9]` in a `Sid`).
fn sid_words(text: &str) -> String {
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

/// The preventive document for `policy`, with the exemptions in force on `today`.
pub fn generate(policy: &Policy, today: Date) -> Preventive {
    let mut b = Builder {
        policy,
        today,
        statements: Vec::new(),
        gaps: Vec::new(),
    };
    b.vpc();
    b.kms(
        ControlId::VolumeKms,
        "VolumeKms",
        &VOLUME_KEY_ACTIONS,
        "sagemaker:VolumeKmsKey",
    );
    b.kms(
        ControlId::OutputKms,
        "OutputKms",
        &OUTPUT_KEY_ACTIONS,
        "sagemaker:OutputKmsKey",
    );
    if policy.output_kms.mode == Mode::Enforce {
        b.gap(
            ControlId::OutputKms,
            ENDPOINT_CONFIG,
            "no condition key for DataCaptureConfig.KmsKeyId (sagemaker:OutputKmsKey is not \
             defined for CreateEndpointConfig)",
        );
    }
    b.flag(
        ControlId::InterContainerEncryption,
        "InterContainerEncryption",
        &ENCRYPTION_ACTIONS,
        "sagemaker:InterContainerTrafficEncryption",
    );
    if policy.inter_container_encryption.mode == Mode::Enforce
        && !policy
            .inter_container_encryption
            .settings
            .strict_single_instance
    {
        b.gap(
            ControlId::InterContainerEncryption,
            "*",
            "no condition key carries the instance count: the document also denies \
             single-instance jobs without the flag, which the detective control treats as not \
             applicable (set the flag on them, or leave this control to the detective control)",
        );
    }
    b.flag(
        ControlId::NetworkIsolation,
        "NetworkIsolation",
        &ISOLATION_ACTIONS,
        "sagemaker:NetworkIsolation",
    );
    if policy.network_isolation.mode == Mode::Enforce {
        for action in [TRANSFORM, ENDPOINT] {
            b.gap(
                ControlId::NetworkIsolation,
                action,
                "no isolation condition key: the setting is the model's, denied at \
                 CreateModel; models created before the document applied are caught by the \
                 detective control",
            );
        }
    }
    b.disabled(
        ControlId::NoDirectInternet,
        "DirectInternet",
        "sagemaker:DirectInternetAccess",
        false,
    );
    b.disabled(
        ControlId::NoRootAccess,
        "RootAccess",
        "sagemaker:RootAccess",
        true,
    );
    b.tags();
    b.statements.sort_by(|a, c| a.0.cmp(&c.0));
    let statements: Vec<Value> = b.statements.into_iter().map(|(_, s)| s).collect();
    let document = json!({
        "Version": "2012-10-17",
        "Statement": statements,
    });
    let size = document.to_string().len();
    if size > SCP_MAX_CHARS {
        b.gaps.push(Gap {
            control: None,
            action: "*".into(),
            reason: format!(
                "the document has {size} characters (compact JSON), over the {SCP_MAX_CHARS} \
                 an SCP may have: split it across SCPs, or use it as a permissions boundary"
            ),
        });
    }
    Preventive {
        document,
        not_preventable: b.gaps,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    type TestResult = Result<(), Box<dyn std::error::Error>>;

    const TODAY: Date = date!(2026 - 11 - 24);

    /// A policy with every control in `mode`, plus `settings` lines in a control's section.
    fn policy_text(
        mode: impl Fn(ControlId) -> &'static str,
        settings: &[(ControlId, &str)],
    ) -> String {
        let mut text = String::from("version = 1\n");
        for control in ControlId::ALL {
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
        ControlId::RequiredTags,
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
                "OutputKmsAwsManaged",
                &OUTPUT_KEY_ACTIONS,
                "StringLike",
                "sagemaker:OutputKmsKey",
                aws_managed.clone(),
            ),
            deny(
                "OutputKmsMissing",
                &OUTPUT_KEY_ACTIONS,
                "Null",
                "sagemaker:OutputKmsKey",
                json!("true"),
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
                "sagemaker:VolumeKmsKey",
                aws_managed,
            ),
            deny(
                "VolumeKmsMissing",
                &[NOTEBOOK],
                "Null",
                "sagemaker:VolumeKmsKey",
                json!("true"),
            ),
            // A1: instance types with local NVMe storage cannot take a key: carved out.
            json!({
                "Sid": "VolumeKmsMissingEbs",
                "Effect": "Deny",
                "Action": [TRAINING, PROCESSING, TRANSFORM, TUNING, ENDPOINT_CONFIG],
                "Resource": "*",
                "Condition": {
                    "Null": { "sagemaker:VolumeKmsKey": "true" },
                    "ForAllValues:StringNotLike": {
                        "sagemaker:InstanceTypes": crate::instances::LOCAL_STORAGE_FAMILIES
                            .iter()
                            .map(|f| format!("ml.{f}.*"))
                            .collect::<Vec<_>>()
                    },
                },
            }),
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
                ControlId::VpcAttached,
                "allowed_subnets = [\"subnet-1\"]\nallowed_security_groups = [\"sg-1\"]",
            ),
            (
                ControlId::VolumeKms,
                "allowed_keys = [\"arn:aws:kms:us-east-1:111122223333:key/k\", \"alias/a\"]",
            ),
            (
                ControlId::RequiredTags,
                "[controls.required-tags.tags]\nowner = [\"a\", \"b\"]",
            ),
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
                    // (an update without the key keeps the current value: create calls only)
                    let creates: Vec<&Value> = s["Action"]
                        .as_array()
                        .into_iter()
                        .flatten()
                        .filter(|a| *a != NOTEBOOK_UPDATE)
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
                ControlId::VpcAttached,
                "allowed_subnets = [\"subnet-01\", \"subnet-02\"]".into(),
                deny(
                    "VpcAttachedSubnetNotAllowed",
                    &VPC_ACTIONS,
                    "ForAnyValue:StringNotEquals",
                    "sagemaker:VpcSubnets",
                    json!(["subnet-01", "subnet-02"]),
                ),
            ),
            (
                "VpcAttachedSecurityGroupNotAllowed",
                ControlId::VpcAttached,
                "allowed_security_groups = [\"sg-01\"]".into(),
                deny(
                    "VpcAttachedSecurityGroupNotAllowed",
                    &VPC_ACTIONS,
                    "ForAnyValue:StringNotEquals",
                    "sagemaker:VpcSecurityGroupIds",
                    json!(["sg-01"]),
                ),
            ),
            (
                "VolumeKmsNotAllowed",
                ControlId::VolumeKms,
                format!("allowed_keys = [\"{key_arn}\", \"{alias_arn}\"]"),
                deny(
                    "VolumeKmsNotAllowed",
                    &VOLUME_KEY_ACTIONS,
                    "ArnNotLike",
                    "sagemaker:VolumeKmsKey",
                    json!([key_arn, alias_arn]),
                ),
            ),
            (
                "OutputKmsNotAllowed",
                ControlId::OutputKms,
                format!("allowed_keys = [\"{key_arn}\"]"),
                deny(
                    "OutputKmsNotAllowed",
                    &OUTPUT_KEY_ACTIONS,
                    "ArnNotLike",
                    "sagemaker:OutputKmsKey",
                    json!([key_arn]),
                ),
            ),
            (
                "RequiredTagCostCenterNotAllowed",
                ControlId::RequiredTags,
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
                ControlId::RequiredTags,
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
            |c| if c == ControlId::VolumeKms { "enforce" } else { "off" },
            &[(ControlId::VolumeKms, &format!("allowed_keys = [\"{key_arn}\", \"alias/ml-data\", \"1111aaaa-22bb-33cc-44dd-555555eeeeee\"]"))],
        ))?;
        assert_eq!(
            statement(&p, "VolumeKmsNotAllowed").map(|s| &s["Condition"]),
            Some(&json!({ "ArnNotLike": { "sagemaker:VolumeKmsKey": [key_arn] } }))
        );
        assert!(
            has_gap(
                &p,
                ControlId::VolumeKms,
                "*",
                "`alias/ml-data`, `1111aaaa-22bb-33cc-44dd-555555eeeeee`"
            ),
            "{:?}",
            p.not_preventable
        );
        assert!(has_gap(&p, ControlId::VolumeKms, "*", "are denied"));
        // Given only an alias name: no allow-list statement (it would deny every key), AWS
        // managed keys still denied, and the gap says the list is not checked
        let p = generated(&policy_text(
            |c| {
                if c == ControlId::OutputKms {
                    "enforce"
                } else {
                    "off"
                }
            },
            &[(ControlId::OutputKms, "allowed_keys = [\"alias/ml-data\"]")],
        ))?;
        assert_eq!(sids(&p), ["OutputKmsAwsManaged", "OutputKmsMissing"]);
        assert!(has_gap(
            &p,
            ControlId::OutputKms,
            "*",
            "checks no allow-list"
        ));
        Ok(())
    }

    #[test]
    fn audit_and_off_controls_produce_no_statement() -> TestResult {
        for control in ControlId::ALL {
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
            &[(ControlId::VpcAttached, "allowed_vpcs = [\"vpc-0a1b\"]")],
        ))?;
        for (control, action, reason) in [
            (ControlId::VpcAttached, TRANSFORM, "no VPC condition key"),
            (ControlId::VpcAttached, ENDPOINT, "no VPC condition key"),
            (ControlId::VpcAttached, "*", "allowed_vpcs (vpc-0a1b)"),
            (
                ControlId::NetworkIsolation,
                TRANSFORM,
                "no isolation condition key",
            ),
            (
                ControlId::NetworkIsolation,
                ENDPOINT,
                "no isolation condition key",
            ),
            (
                ControlId::OutputKms,
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
            ControlId::VolumeKms,
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
            ControlId::NoRootAccess,
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
                (ControlId::VpcAttached, "allowed_subnets = [\"subnet-1\"]"),
                (ControlId::RequiredTags, "[controls.required-tags.tags]\n\"cost-center\" = [\"x\"]\ncostcenter = []\n\"team:name\" = []"),
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

    #[test]
    fn an_oversized_document_is_still_written_with_a_gap_saying_so() -> TestResult {
        // Given forty required tags with allowed values
        let mut tags = String::from("[controls.required-tags.tags]\n");
        for i in 0..40 {
            tags.push_str(&format!("tag-number-{i} = [\"value-a\", \"value-b\"]\n"));
        }
        let p = generated(&policy_text(
            |c| {
                if c == ControlId::RequiredTags {
                    "enforce"
                } else {
                    "off"
                }
            },
            &[(ControlId::RequiredTags, &tags)],
        ))?;
        // Then the document has every statement, and a document-wide gap gives its size
        assert!(p.document.to_string().len() > SCP_MAX_CHARS);
        assert_eq!(statements(&p).len(), 80);
        assert!(p
            .not_preventable
            .iter()
            .any(|g| g.control.is_none() && g.reason.contains("over the 5120")));
        let small = generate(&Policy::baseline(), TODAY);
        assert!(!small.not_preventable.iter().any(|g| g.control.is_none()));
        Ok(())
    }

    #[test]
    fn the_example_policy_generates_a_document_within_the_scp_limit() -> TestResult {
        let p = generated(include_str!("../../../infra/policy.example.toml"))?;
        assert!(p.document.to_string().len() <= SCP_MAX_CHARS);
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
        assert!(has_gap(&p, ControlId::VolumeKms, "*", "`alias/ml-data`"));
        assert!(has_gap(&p, ControlId::NoRootAccess, "*", "sandbox-*"));
        Ok(())
    }
}
