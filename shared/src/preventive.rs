//! Preventive controls from the same policy: an IAM policy document, for use as an AWS
//! Organizations SCP (or a permissions boundary), that denies SageMaker create calls which would
//! make a non-compliant resource, using SageMaker's condition keys.
//!
//! Only controls in `enforce` mode produce statements (`audit` means report only). Every setting
//! the detective control fails when absent is denied when its condition key is absent too (a
//! `Null` test), never with an `...IfExists` operator: `BoolIfExists` on
//! `sagemaker:InterContainerTrafficEncryption` lets a request that omits the flag through, and
//! omitting it means `false`. Exemptions that have not expired become `NotResource` patterns on
//! the statements of the controls they cover (the resource of a create call is the ARN being
//! created). What cannot be expressed is returned as a [`Gap`]: the detective control (inspector
//! and sweeper) stays responsible for it.

use serde::Serialize;
use serde_json::{json, Map, Value};
use time::Date;

use crate::controls::ControlId;
use crate::policy::{Exemption, KmsSettings, Mode, Policy};

/// AWS Organizations' limit on the size of one SCP, in characters.
pub const SCP_MAX_CHARS: usize = 5120;

const NOTEBOOK: &str = "sagemaker:CreateNotebookInstance";
const TRAINING: &str = "sagemaker:CreateTrainingJob";
const PROCESSING: &str = "sagemaker:CreateProcessingJob";
const TRANSFORM: &str = "sagemaker:CreateTransformJob";
const TUNING: &str = "sagemaker:CreateHyperParameterTuningJob";
const MODEL: &str = "sagemaker:CreateModel";
const ENDPOINT: &str = "sagemaker:CreateEndpoint";

/// Create calls that carry `sagemaker:VpcSubnets` and `sagemaker:VpcSecurityGroupIds`. Transform
/// jobs and endpoints run a model: their VPC is the model's, denied at `CreateModel`.
const VPC_ACTIONS: [&str; 5] = [NOTEBOOK, TRAINING, PROCESSING, TUNING, MODEL];
/// Create calls that carry `sagemaker:VolumeKmsKey`.
const VOLUME_KEY_ACTIONS: [&str; 5] = [NOTEBOOK, TRAINING, PROCESSING, TRANSFORM, TUNING];
/// Create calls that carry `sagemaker:OutputKmsKey`.
const OUTPUT_KEY_ACTIONS: [&str; 4] = [TRAINING, PROCESSING, TRANSFORM, TUNING];
/// Create calls that carry `sagemaker:InterContainerTrafficEncryption`.
const ENCRYPTION_ACTIONS: [&str; 3] = [TRAINING, PROCESSING, TUNING];
/// Create calls that carry `sagemaker:NetworkIsolation` (transform jobs and endpoints: the model).
const ISOLATION_ACTIONS: [&str; 4] = [TRAINING, PROCESSING, TUNING, MODEL];
/// Create calls of the six guarded kinds, which carry `aws:RequestTag/...`.
const TAGGED_ACTIONS: [&str; 6] = [NOTEBOOK, TRAINING, PROCESSING, TRANSFORM, TUNING, ENDPOINT];

/// Something the policy asks for that the document does not prevent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Gap {
    /// The control, or `None` for the document as a whole.
    pub control: Option<ControlId>,
    /// The API action concerned, or `*`.
    pub action: String,
    pub reason: String,
}

/// The generated document and what it leaves to the detective control.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Preventive {
    pub document: Value,
    pub gaps: Vec<Gap>,
}

/// One deny statement.
struct Deny {
    sid: String,
    actions: Vec<&'static str>,
    operator: &'static str,
    key: String,
    values: Value,
}

struct Builder<'a> {
    policy: &'a Policy,
    today: Date,
    statements: Vec<Value>,
    gaps: Vec<Gap>,
}

impl Builder<'_> {
    fn enforced(&mut self, control: ControlId) -> bool {
        let (mode, _) = self.policy.setting(control);
        if mode != Mode::Enforce {
            self.gap(
                control,
                "*",
                format!("mode {mode}: reported by the detective control, not prevented"),
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

    /// The exempted ARN patterns for `control`, as IAM resource patterns.
    fn exempted(&mut self, control: ControlId) -> Vec<String> {
        let mut patterns = Vec::new();
        let exemptions: Vec<Exemption> = self.policy.exemptions.clone();
        for e in exemptions {
            if self.today > e.expires || !(e.controls.is_empty() || e.controls.contains(&control)) {
                continue;
            }
            match iam_pattern(&e.resource) {
                Some(pattern) => {
                    if !patterns.contains(&pattern) {
                        patterns.push(pattern);
                    }
                    self.gap(
                        control,
                        "*",
                        format!(
                            "exemption `{}` expires on {}: regenerate the document then",
                            e.resource, e.expires
                        ),
                    );
                }
                None => self.gap(
                    control,
                    "*",
                    format!(
                        "exemption `{}` uses glob syntax IAM cannot express ([...] or {{...}}): \
                         exempted resources are denied too",
                        e.resource
                    ),
                ),
            }
        }
        patterns
    }

    fn deny(&mut self, control: ControlId, deny: Deny) {
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
        statement.insert(
            "Condition".into(),
            json!({ deny.operator: { deny.key: deny.values } }),
        );
        self.statements.push(Value::Object(statement));
    }

    /// Denies requests where `key` is absent.
    fn deny_missing(&mut self, control: ControlId, sid: &str, actions: &[&'static str], key: &str) {
        self.deny(
            control,
            Deny {
                sid: sid.to_string(),
                actions: actions.to_vec(),
                operator: "Null",
                key: key.to_string(),
                values: json!("true"),
            },
        );
    }

    fn vpc(&mut self) {
        let control = ControlId::VpcAttached;
        if !self.enforced(control) {
            return;
        }
        let settings = self.policy.vpc_attached.settings.clone();
        self.deny_missing(
            control,
            "VpcAttachedNoSubnets",
            &VPC_ACTIONS,
            "sagemaker:VpcSubnets",
        );
        self.deny_missing(
            control,
            "VpcAttachedNoSecurityGroups",
            &VPC_ACTIONS,
            "sagemaker:VpcSecurityGroupIds",
        );
        for (sid, key, allowed) in [
            (
                "VpcAttachedSubnetNotAllowed",
                "sagemaker:VpcSubnets",
                &settings.allowed_subnets,
            ),
            (
                "VpcAttachedSecurityGroupNotAllowed",
                "sagemaker:VpcSecurityGroupIds",
                &settings.allowed_security_groups,
            ),
        ] {
            if !allowed.is_empty() {
                self.deny(
                    control,
                    Deny {
                        sid: sid.into(),
                        actions: VPC_ACTIONS.to_vec(),
                        operator: "ForAnyValue:StringNotEquals",
                        key: key.into(),
                        values: json!(allowed),
                    },
                );
            }
        }
        if !settings.allowed_vpcs.is_empty() {
            self.gap(
                control,
                "*",
                "allowed_vpcs: no condition key carries the VPC id; list the VPC's subnets in \
                 allowed_subnets to prevent other VPCs",
            );
        }
        for action in [TRANSFORM, ENDPOINT] {
            self.gap(
                control,
                action,
                "no VPC condition key: the VPC is the model's, denied at CreateModel; models \
                 created before the SCP are caught by the detective control",
            );
        }
    }

    fn kms(&mut self, control: ControlId, name: &str, actions: &[&'static str], key: &str) {
        if !self.enforced(control) {
            return;
        }
        let settings: KmsSettings = match control {
            ControlId::VolumeKms => self.policy.volume_kms.settings.clone(),
            _ => self.policy.output_kms.settings.clone(),
        };
        self.deny_missing(control, &format!("{name}Missing"), actions, key);
        if settings.allowed_keys.is_empty() {
            self.deny(
                control,
                Deny {
                    sid: format!("{name}AwsManaged"),
                    actions: actions.to_vec(),
                    operator: "StringLike",
                    key: key.into(),
                    values: json!(["alias/aws/*", "arn:*:kms:*:*:alias/aws/*"]),
                },
            );
        } else {
            self.deny(
                control,
                Deny {
                    sid: format!("{name}NotAllowed"),
                    actions: actions.to_vec(),
                    operator: "StringNotLike",
                    key: key.into(),
                    values: json!(settings.allowed_keys),
                },
            );
            self.gap(
                control,
                "*",
                "allowed_keys: the condition key holds the key as the caller wrote it, so a \
                 request naming an allowed key in another form (id instead of ARN, alias instead \
                 of key) is denied; list every form callers use",
            );
        }
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
                actions: actions.to_vec(),
                operator: "Bool",
                key: key.into(),
                values: json!("false"),
            },
        );
        self.deny_missing(control, &format!("{name}Missing"), actions, key);
    }

    /// A notebook setting that must be `Disabled` (AWS's default is `Enabled`).
    fn disabled(&mut self, control: ControlId, name: &str, key: &str, update_too: bool) {
        if !self.enforced(control) {
            return;
        }
        let mut actions = vec![NOTEBOOK];
        if update_too {
            // An update that leaves the setting out keeps the current value: only an explicit
            // `Enabled` is denied there.
            actions.push("sagemaker:UpdateNotebookInstance");
        }
        self.deny(
            control,
            Deny {
                sid: format!("{name}Enabled"),
                actions,
                operator: "StringEquals",
                key: key.into(),
                values: json!("Enabled"),
            },
        );
        self.deny_missing(control, &format!("{name}Missing"), &[NOTEBOOK], key);
    }

    fn tags(&mut self) {
        let control = ControlId::RequiredTags;
        if !self.enforced(control) {
            return;
        }
        let required = self.policy.required_tags.settings.required.clone();
        for (i, (key, values)) in required.iter().enumerate() {
            let condition_key = format!("aws:RequestTag/{key}");
            self.deny_missing(
                control,
                &format!("RequiredTag{i}Missing"),
                &TAGGED_ACTIONS,
                &condition_key,
            );
            if !values.is_empty() {
                self.deny(
                    control,
                    Deny {
                        sid: format!("RequiredTag{i}NotAllowed"),
                        actions: TAGGED_ACTIONS.to_vec(),
                        operator: "StringNotEquals",
                        key: condition_key,
                        values: json!(values),
                    },
                );
            }
        }
    }
}

/// An exemption glob as an IAM resource pattern, or `None` when IAM cannot express it. A glob
/// on the name matches the name part of any SageMaker ARN (SageMaker lower-cases names in ARNs).
fn iam_pattern(glob: &str) -> Option<String> {
    if glob.contains(['[', ']', '{', '}']) {
        return None;
    }
    let glob = glob.replace("**", "*");
    if glob.starts_with("arn:") {
        Some(glob)
    } else {
        Some(format!(
            "arn:*:sagemaker:*:*:*/{}",
            glob.to_ascii_lowercase()
        ))
    }
}

/// The preventive document for `policy`, with exemptions valid on `today`.
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
    if b.policy.volume_kms.mode == Mode::Enforce {
        b.gap(
            ControlId::VolumeKms,
            "sagemaker:CreateEndpointConfig",
            "the endpoint configuration's KmsKeyId is not covered by this document",
        );
    }
    b.kms(
        ControlId::OutputKms,
        "OutputKms",
        &OUTPUT_KEY_ACTIONS,
        "sagemaker:OutputKmsKey",
    );
    if b.policy.output_kms.mode == Mode::Enforce {
        b.gap(
            ControlId::OutputKms,
            "sagemaker:CreateEndpointConfig",
            "no condition key for DataCaptureConfig.KmsKeyId",
        );
    }
    b.flag(
        ControlId::InterContainerEncryption,
        "InterContainerEncryption",
        &ENCRYPTION_ACTIONS,
        "sagemaker:InterContainerTrafficEncryption",
    );
    b.flag(
        ControlId::NetworkIsolation,
        "NetworkIsolation",
        &ISOLATION_ACTIONS,
        "sagemaker:NetworkIsolation",
    );
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
    let document = json!({
        "Version": "2012-10-17",
        "Statement": b.statements,
    });
    let size = document.to_string().len();
    if size > SCP_MAX_CHARS {
        b.gaps.push(Gap {
            control: None,
            action: "*".into(),
            reason: format!(
                "the document has {size} characters, over the {SCP_MAX_CHARS} an SCP may have: \
                 split it, or use it as a permissions boundary"
            ),
        });
    }
    Preventive {
        document,
        gaps: b.gaps,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    const TODAY: Date = date!(2026 - 11 - 24);

    fn policy(toml: &str) -> Policy {
        match Policy::from_toml(toml, "test") {
            Ok(p) => p,
            Err(e) => panic!("test policy: {e}"),
        }
    }

    fn statement<'a>(p: &'a Preventive, sid: &str) -> &'a Value {
        p.document["Statement"]
            .as_array()
            .and_then(|s| s.iter().find(|s| s["Sid"] == sid))
            .unwrap_or_else(|| panic!("no statement {sid} in {:#}", p.document))
    }

    fn sids(p: &Preventive) -> Vec<String> {
        p.document["Statement"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|s| s["Sid"].as_str().unwrap_or_default().to_string())
            .collect()
    }

    const ALL_ENFORCED: &str = r#"
version = 1
[controls.vpc-attached]
mode = "enforce"
[controls.volume-kms]
mode = "enforce"
[controls.output-kms]
mode = "enforce"
[controls.inter-container-encryption]
mode = "enforce"
[controls.network-isolation]
mode = "enforce"
[controls.no-direct-internet]
mode = "enforce"
[controls.no-root-access]
mode = "enforce"
[controls.required-tags]
mode = "enforce"
[controls.required-tags.tags]
owner = []
"#;

    #[test]
    fn every_enforced_control_denies_its_bad_value_and_its_absence() {
        let p = generate(&policy(ALL_ENFORCED), TODAY);
        // (sid, operator, key, value, actions)
        let cases: [(&str, &str, &str, Value, &[&str]); 13] = [
            (
                "VpcAttachedNoSubnets",
                "Null",
                "sagemaker:VpcSubnets",
                json!("true"),
                &VPC_ACTIONS,
            ),
            (
                "VpcAttachedNoSecurityGroups",
                "Null",
                "sagemaker:VpcSecurityGroupIds",
                json!("true"),
                &VPC_ACTIONS,
            ),
            (
                "VolumeKmsMissing",
                "Null",
                "sagemaker:VolumeKmsKey",
                json!("true"),
                &VOLUME_KEY_ACTIONS,
            ),
            (
                "VolumeKmsAwsManaged",
                "StringLike",
                "sagemaker:VolumeKmsKey",
                json!(["alias/aws/*", "arn:*:kms:*:*:alias/aws/*"]),
                &VOLUME_KEY_ACTIONS,
            ),
            (
                "OutputKmsMissing",
                "Null",
                "sagemaker:OutputKmsKey",
                json!("true"),
                &OUTPUT_KEY_ACTIONS,
            ),
            (
                "InterContainerEncryptionOff",
                "Bool",
                "sagemaker:InterContainerTrafficEncryption",
                json!("false"),
                &ENCRYPTION_ACTIONS,
            ),
            (
                "InterContainerEncryptionMissing",
                "Null",
                "sagemaker:InterContainerTrafficEncryption",
                json!("true"),
                &ENCRYPTION_ACTIONS,
            ),
            (
                "NetworkIsolationOff",
                "Bool",
                "sagemaker:NetworkIsolation",
                json!("false"),
                &ISOLATION_ACTIONS,
            ),
            (
                "NetworkIsolationMissing",
                "Null",
                "sagemaker:NetworkIsolation",
                json!("true"),
                &ISOLATION_ACTIONS,
            ),
            (
                "DirectInternetEnabled",
                "StringEquals",
                "sagemaker:DirectInternetAccess",
                json!("Enabled"),
                &[NOTEBOOK],
            ),
            (
                "DirectInternetMissing",
                "Null",
                "sagemaker:DirectInternetAccess",
                json!("true"),
                &[NOTEBOOK],
            ),
            (
                "RootAccessEnabled",
                "StringEquals",
                "sagemaker:RootAccess",
                json!("Enabled"),
                &[NOTEBOOK, "sagemaker:UpdateNotebookInstance"],
            ),
            (
                "RequiredTag0Missing",
                "Null",
                "aws:RequestTag/owner",
                json!("true"),
                &TAGGED_ACTIONS,
            ),
        ];
        for (sid, operator, key, value, actions) in cases {
            let s = statement(&p, sid);
            assert_eq!(s["Effect"], "Deny", "{sid}");
            assert_eq!(s["Resource"], "*", "{sid}");
            assert_eq!(s["Condition"][operator][key], value, "{sid}: {s:#}");
            assert_eq!(s["Action"], json!(actions), "{sid}");
        }
        // A missing root-access flag is denied on create only: an update without it keeps the
        // current value.
        assert_eq!(
            statement(&p, "RootAccessMissing")["Action"],
            json!([NOTEBOOK])
        );
    }

    #[test]
    fn no_statement_uses_if_exists_so_an_omitted_flag_is_denied() {
        let p = generate(&policy(ALL_ENFORCED), TODAY);
        let text = p.document.to_string();
        assert!(!text.contains("IfExists"), "{text}");
        // The flag that the reference sample let through with BoolIfExists.
        assert!(sids(&p).contains(&"InterContainerEncryptionMissing".to_string()));
    }

    #[test]
    fn allow_lists_become_not_equals_conditions() {
        let p = generate(
            &policy(
                r#"
version = 1
[controls.vpc-attached]
allowed_subnets = ["subnet-0a1b2c3d4e5f60001", "subnet-0a1b2c3d4e5f60002"]
allowed_security_groups = ["sg-0a1b2c3d4e5f60001"]
allowed_vpcs = ["vpc-0a1b2c3d4e5f60001"]
[controls.volume-kms]
allowed_keys = ["arn:aws:kms:us-east-1:123456789012:key/1111aaaa-22bb-33cc-44dd-555555eeeeee", "alias/ml-data"]
[controls.required-tags]
mode = "enforce"
[controls.required-tags.tags]
cost-center = ["ml-research", "fraud"]
"#,
            ),
            TODAY,
        );
        let subnets = statement(&p, "VpcAttachedSubnetNotAllowed");
        assert_eq!(
            subnets["Condition"]["ForAnyValue:StringNotEquals"]["sagemaker:VpcSubnets"],
            json!(["subnet-0a1b2c3d4e5f60001", "subnet-0a1b2c3d4e5f60002"])
        );
        let groups = statement(&p, "VpcAttachedSecurityGroupNotAllowed");
        assert_eq!(
            groups["Condition"]["ForAnyValue:StringNotEquals"]["sagemaker:VpcSecurityGroupIds"],
            json!(["sg-0a1b2c3d4e5f60001"])
        );
        let keys = statement(&p, "VolumeKmsNotAllowed");
        assert_eq!(
            keys["Condition"]["StringNotLike"]["sagemaker:VolumeKmsKey"],
            json!([
                "arn:aws:kms:us-east-1:123456789012:key/1111aaaa-22bb-33cc-44dd-555555eeeeee",
                "alias/ml-data"
            ])
        );
        assert!(!sids(&p).contains(&"VolumeKmsAwsManaged".to_string()));
        let values = statement(&p, "RequiredTag0NotAllowed");
        assert_eq!(
            values["Condition"]["StringNotEquals"]["aws:RequestTag/cost-center"],
            json!(["ml-research", "fraud"])
        );
        // The VPC allow-list has no condition key: a gap, not a statement.
        assert!(p
            .gaps
            .iter()
            .any(|g| g.control == Some(ControlId::VpcAttached)
                && g.reason.starts_with("allowed_vpcs")));
        assert!(p.gaps.iter().any(
            |g| g.control == Some(ControlId::VolumeKms) && g.reason.starts_with("allowed_keys")
        ));
    }

    #[test]
    fn audit_and_off_controls_produce_no_statement_but_a_gap() {
        let p = generate(
            &policy(
                r#"
version = 1
[controls.network-isolation]
mode = "audit"
[controls.no-root-access]
mode = "off"
"#,
            ),
            TODAY,
        );
        let ids = sids(&p);
        assert!(
            !ids.iter().any(|s| s.starts_with("NetworkIsolation")),
            "{ids:?}"
        );
        assert!(!ids.iter().any(|s| s.starts_with("RootAccess")), "{ids:?}");
        assert!(
            ids.iter().any(|s| s.starts_with("DirectInternet")),
            "{ids:?}"
        );
        for control in [ControlId::NetworkIsolation, ControlId::NoRootAccess] {
            assert!(
                p.gaps
                    .iter()
                    .any(|g| g.control == Some(control) && g.reason.starts_with("mode ")),
                "{control}"
            );
        }
    }

    #[test]
    fn transform_jobs_and_endpoint_configs_are_left_to_the_detective_control() {
        let p = generate(&policy(ALL_ENFORCED), TODAY);
        let gap_on = |control, action: &str| {
            p.gaps
                .iter()
                .any(|g| g.control == Some(control) && g.action == action)
        };
        assert!(gap_on(ControlId::VpcAttached, TRANSFORM));
        assert!(gap_on(ControlId::VpcAttached, ENDPOINT));
        assert!(gap_on(
            ControlId::OutputKms,
            "sagemaker:CreateEndpointConfig"
        ));
        assert!(gap_on(
            ControlId::VolumeKms,
            "sagemaker:CreateEndpointConfig"
        ));
        // Transform jobs are still denied on their own keys.
        let actions = &statement(&p, "OutputKmsMissing")["Action"];
        assert!(actions
            .as_array()
            .is_some_and(|a| a.contains(&json!(TRANSFORM))));
    }

    #[test]
    fn live_exemptions_become_not_resource_and_expired_ones_are_dropped() {
        let p = generate(
            &policy(
                r#"
version = 1
[[exemptions]]
resource = "arn:aws:sagemaker:*:*:notebook-instance/sandbox-*"
controls = ["no-root-access"]
reason = "SEC-1"
expires = 2027-03-31
[[exemptions]]
resource = "Legacy-*"
controls = ["no-root-access"]
reason = "SEC-2"
expires = 2026-01-31
[[exemptions]]
resource = "team-[ab]-*"
controls = ["no-direct-internet"]
reason = "SEC-3"
expires = 2027-01-31
"#,
            ),
            TODAY,
        );
        let root = statement(&p, "RootAccessEnabled");
        assert_eq!(root.get("Resource"), None);
        assert_eq!(
            root["NotResource"],
            json!(["arn:aws:sagemaker:*:*:notebook-instance/sandbox-*"])
        );
        // Other controls are not exempted.
        assert_eq!(statement(&p, "VolumeKmsMissing")["Resource"], "*");
        // A glob IAM cannot express is reported, and its resources stay denied.
        assert_eq!(statement(&p, "DirectInternetEnabled")["Resource"], "*");
        assert!(p.gaps.iter().any(|g| g.reason.contains("team-[ab]-*")));
        assert_eq!(
            iam_pattern("Legacy-*").as_deref(),
            Some("arn:*:sagemaker:*:*:*/legacy-*")
        );
    }

    #[test]
    fn an_oversized_document_is_written_with_a_gap_saying_so() {
        let mut toml = String::from(
            "version = 1\n[controls.required-tags]\nmode = \"enforce\"\n[controls.required-tags.tags]\n",
        );
        for i in 0..40 {
            toml.push_str(&format!("tag-number-{i} = [\"value-a\", \"value-b\"]\n"));
        }
        let p = generate(&policy(&toml), TODAY);
        assert!(p.document.to_string().len() > SCP_MAX_CHARS);
        assert!(p
            .gaps
            .iter()
            .any(|g| g.control.is_none() && g.reason.contains("5120")));
        let small = generate(&Policy::baseline(), TODAY);
        assert!(!small.gaps.iter().any(|g| g.control.is_none()));
    }

    #[test]
    fn the_example_policy_generates_a_document_within_the_scp_limit() {
        let example = include_str!("../../infra/policy.example.toml");
        let p = generate(&policy(example), TODAY);
        assert!(p.document.to_string().len() <= SCP_MAX_CHARS);
        assert!(sids(&p).contains(&"VpcAttachedSubnetNotAllowed".to_string()));
        // network-isolation and required-tags are in audit mode in the example.
        assert!(!sids(&p).iter().any(|s| s.starts_with("NetworkIsolation")));
    }
}
