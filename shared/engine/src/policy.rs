//! The guardrail policy: per-control mode and severity, allow-lists, required tags, exemptions.
//!
//! Written in TOML by the security team (see `infra/policy.example.toml`), validated once at
//! start-up: unknown keys are rejected and every error names the line or the field. A control the
//! file does not mention keeps its baseline setting ([`Policy::baseline`]).

use std::collections::BTreeMap;
use std::path::Path;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use time::Date;

use crate::controls::{Check, Control, ControlId, Settings};
pub use crate::controls::{Mode, Severity};
use crate::resource::Snapshot;

/// What enforce mode does to a non-compliant endpoint.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum EndpointRemediation {
    /// `DeleteEndpoint`; the endpoint configuration and models are kept for a fixed redeploy.
    Delete,
    /// Report only, even in enforce mode (for teams that will not take serving traffic down).
    None,
}

/// Mode and severity of one control plus its own settings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ControlPolicy<S> {
    pub mode: Mode,
    pub severity: Severity,
    pub settings: S,
}

/// What to do about an endpoint that was compliant and became non-compliant by an update
/// (`UpdateEndpoint` to a configuration that fails).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum EndpointUpdate {
    /// `UpdateEndpoint` back to the last configuration it was compliant with, once the update
    /// has finished (an endpoint that is updating cannot be updated).
    Rollback,
    /// Delete it, as any non-compliant endpoint.
    Delete,
    /// Report only.
    None,
}

/// What a control that cannot be evaluated on a live resource (an unknown API value) leads to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum OnError {
    /// Alert, with its own notification key; never a pass, never a resolution.
    Alert,
    /// Alert and remediate as for a failure of an enforced control.
    Act,
}

/// An exception the security team grants, always with a reason and an expiry date.
///
/// It names resources by ARN only (`arn:aws:sagemaker:REGION:ACCOUNT:KIND/NAME`), with a literal
/// account id or `*` and an explicit `accounts` list, so a resource cannot exempt itself by its
/// name. `*` and `?` match within one ARN segment: they never cross `:` or `/`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Exemption {
    /// The ARN pattern as written.
    pub resource: String,
    /// The accounts it covers, when its account segment is `*`.
    pub accounts: Vec<String>,
    /// Controls covered (never empty).
    pub controls: Vec<ControlId>,
    pub reason: String,
    /// Last day the exemption applies (inclusive).
    pub expires: Date,
}

impl Exemption {
    /// Whether this exemption covers `control` on `snapshot` on `today`. A tuning job's training
    /// job takes its parent's exemptions (SageMaker names the parent: `TuningJobArn`). A resource
    /// whose ARN does not end in its name (a HyperPod cluster's ends in its id) is matched by
    /// either.
    pub fn covers(&self, snapshot: &Snapshot, control: ControlId, today: Date) -> bool {
        today <= self.expires
            && self.controls.contains(&control)
            && (self.matches(&snapshot.arn)
                || self.matches(&snapshot.id.arn())
                || snapshot.part_of().is_some_and(|p| self.matches(p)))
    }

    /// Whether the exemption's pattern matches `arn` (and its account list, if any).
    pub fn matches(&self, arn: &str) -> bool {
        let account = arn.split(':').nth(4).unwrap_or_default();
        (self.accounts.is_empty() || self.accounts.iter().any(|a| a == account))
            && segment_glob(
                self.resource.to_ascii_lowercase().as_bytes(),
                arn.to_ascii_lowercase().as_bytes(),
            )
    }

    /// Whether the exemption applies on `today`.
    pub fn in_force(&self, today: Date) -> bool {
        today <= self.expires
    }
}

/// Glob matching where `*` (any run) and `?` (one character) never match `:` or `/`.
fn segment_glob(pattern: &[u8], text: &[u8]) -> bool {
    let separator = |c: u8| c == b':' || c == b'/';
    match pattern.split_first() {
        None => text.is_empty(),
        Some((b'*', rest)) => {
            let mut i = 0;
            loop {
                if segment_glob(rest, &text[i..]) {
                    return true;
                }
                match text.get(i) {
                    Some(&c) if !separator(c) => i += 1,
                    _ => return false,
                }
            }
        }
        Some((b'?', rest)) => match text.split_first() {
            Some((&c, tail)) if !separator(c) => segment_glob(rest, tail),
            _ => false,
        },
        Some((&p, rest)) => match text.split_first() {
            Some((&c, tail)) if c == p => segment_glob(rest, tail),
            _ => false,
        },
    }
}

/// A validated policy.
#[derive(Debug, Clone)]
pub struct Policy {
    /// Every registered control's mode, severity and settings.
    controls: BTreeMap<ControlId, ControlPolicy<Settings>>,
    pub endpoint_remediation: EndpointRemediation,
    /// What a non-compliant update of a compliant endpoint leads to.
    pub endpoint_update: EndpointUpdate,
    /// What a control that cannot be evaluated on a live resource leads to.
    pub on_error: OnError,
    /// The kinds whose containment destroys work or data ([`crate::kinds::Stop::by_default`]
    /// false) that enforce mode acts on all the same: `[remediation] opt_in = ["cluster"]`.
    pub opt_in: Vec<crate::resource::ResourceKind>,
    pub exemptions: Vec<Exemption>,
    /// Where the policy came from (a path, or "built-in baseline").
    pub source: String,
    /// First 16 hex digits of the SHA-256 of the policy text: which policy produced a finding.
    pub version: String,
}

/// Why a policy was rejected.
#[derive(Debug, thiserror::Error)]
pub enum PolicyError {
    #[error("cannot read policy file {path}: {source}")]
    Read {
        path: String,
        #[source]
        source: std::io::Error,
    },
    #[error("invalid policy {origin}{}: {source}", in_field(.field))]
    Syntax {
        origin: String,
        /// The field whose key or value the error is in (`controls.vpc-attached.mode`).
        field: Option<String>,
        #[source]
        source: Box<toml::de::Error>,
    },
    #[error("invalid policy {origin}{}: {field}: {message}", at_line(*.line))]
    Invalid {
        origin: String,
        /// The line of `field` in the policy text, when the text has it.
        line: Option<usize>,
        field: String,
        message: String,
    },
}

fn at_line(line: Option<usize>) -> String {
    line.map(|l| format!(", line {l}")).unwrap_or_default()
}

fn in_field(field: &Option<String>) -> String {
    field
        .as_ref()
        .map(|f| format!(", field {f}"))
        .unwrap_or_default()
}

/// The dotted path of the deepest field whose key or value holds byte `offset` of `text`
/// (`exemptions[1].expires`). Every field is searched: a table made by a header of its child
/// (`[controls.x]` makes `controls`) has no span of its own around its children.
fn field_at(text: &str, offset: usize) -> Option<String> {
    use toml::de::DeValue;
    type Child<'a, 'i> = (
        String,
        &'a toml::Spanned<DeValue<'i>>,
        Option<std::ops::Range<usize>>,
    );
    fn walk(value: &DeValue<'_>, offset: usize, path: &str) -> Option<String> {
        let children: Vec<Child<'_, '_>> = match value {
            DeValue::Table(table) => table
                .iter()
                .map(|(k, v)| {
                    let dot = if path.is_empty() { "" } else { "." };
                    (format!("{path}{dot}{}", k.get_ref()), v, Some(k.span()))
                })
                .collect(),
            DeValue::Array(items) => items
                .iter()
                .enumerate()
                .map(|(i, v)| (format!("{path}[{i}]"), v, None))
                .collect(),
            _ => Vec::new(),
        };
        children.into_iter().find_map(|(field, item, key)| {
            walk(item.get_ref(), offset, &field).or_else(|| {
                let holds =
                    item.span().contains(&offset) || key.is_some_and(|k| k.contains(&offset));
                holds.then_some(field)
            })
        })
    }
    let document = toml::de::DeTable::parse(text).ok()?;
    walk(&DeValue::Table(document.into_inner()), offset, "")
}

/// The line (from 1) where `field` (`version`, `exemptions[0].expires`,
/// `controls.vpc-attached.allowed_subnets[2]`) is written in `text`; a field the text does not
/// have is placed at its nearest written parent.
fn line_of(text: &str, field: &str) -> Option<usize> {
    let document = toml::de::DeTable::parse(text).ok()?;
    let mut span = None;
    let mut value: Option<&toml::Spanned<toml::de::DeValue<'_>>> = None;
    let root = document.get_ref();
    for segment in field.split('.') {
        let (key, indices) = segment.split_once('[').unwrap_or((segment, ""));
        let next = match value {
            None => root
                .iter()
                .find(|(k, _)| k.get_ref().as_ref() == key)
                .map(|(_, v)| v),
            Some(v) => v.get_ref().get(key),
        };
        let Some(mut found) = next else { break };
        span = Some(found.span());
        for index in indices.split('[').map(|i| i.trim_end_matches(']')) {
            match index
                .parse::<usize>()
                .ok()
                .and_then(|i| found.get_ref().get(i))
            {
                Some(item) => {
                    found = item;
                    span = Some(found.span());
                }
                None => break,
            }
        }
        value = Some(found);
    }
    let start = span?.start;
    Some(text.get(..start)?.matches('\n').count() + 1)
}

impl Policy {
    /// The built-in baseline: what a policy file that mentions nothing gets.
    pub fn baseline() -> Policy {
        let policy = Self::from_toml("", "built-in baseline");
        // An empty document always parses and validates; the match keeps this free of panics.
        match policy {
            Ok(p) => p,
            Err(e) => unreachable!("the baseline policy is valid: {e}"),
        }
    }

    /// Reads and validates a policy file.
    pub fn load(path: &Path) -> Result<Policy, PolicyError> {
        let text = std::fs::read_to_string(path).map_err(|source| PolicyError::Read {
            path: path.display().to_string(),
            source,
        })?;
        Self::from_toml(&text, &path.display().to_string())
    }

    /// The policy in `GUARDRAIL_POLICY_TOML` (the text, as a CloudFormation parameter passes it)
    /// or in the file `GUARDRAIL_POLICY` names, else the baseline; then `GUARDRAIL_MODE=audit`
    /// forces audit mode on every control.
    pub fn from_env(env: &crate::env::Environment) -> Result<Policy, PolicyError> {
        let mut policy = match (
            env.get("GUARDRAIL_POLICY_TOML"),
            env.get("GUARDRAIL_POLICY"),
        ) {
            (Some(_), Some(_)) => {
                return Err(PolicyError::Invalid {
                    origin: "environment".into(),
                    line: None,
                    field: "GUARDRAIL_POLICY_TOML".into(),
                    message: "set GUARDRAIL_POLICY_TOML or GUARDRAIL_POLICY, not both".into(),
                })
            }
            (Some(text), None) => Self::from_toml(text, "GUARDRAIL_POLICY_TOML")?,
            (None, Some(uri)) if uri.starts_with("s3://") => {
                return Err(PolicyError::Invalid {
                    origin: "environment".into(),
                    line: None,
                    field: "GUARDRAIL_POLICY".into(),
                    message: format!(
                        "`{uri}` is an S3 object: a deployment reads it (guardrail_aws::Deployment::from_env)"
                    ),
                })
            }
            (None, Some(path)) => Self::load(Path::new(path))?,
            (None, None) => Self::baseline(),
        };
        if Self::forced_audit(env)? {
            policy.force_audit();
        }
        Ok(policy)
    }

    /// `GUARDRAIL_MODE`: `audit` turns every enforcing control into an auditing one; unset or
    /// `policy` keeps the policy's modes.
    pub fn forced_audit(env: &crate::env::Environment) -> Result<bool, PolicyError> {
        match env.get("GUARDRAIL_MODE") {
            Some("audit") => Ok(true),
            Some("policy") | None => Ok(false),
            Some(other) => Err(PolicyError::Invalid {
                origin: "environment".into(),
                line: None,
                field: "GUARDRAIL_MODE".into(),
                message: format!("`{other}` is not a mode; use `audit` or leave it unset"),
            }),
        }
    }

    /// Parses and validates policy text; `origin` names it in errors.
    pub fn from_toml(text: &str, origin: &str) -> Result<Policy, PolicyError> {
        Self::from_toml_on(text, origin, time::OffsetDateTime::now_utc().date())
    }

    /// As [`Policy::from_toml`], with exemption expiries checked against `today`.
    pub fn from_toml_on(text: &str, origin: &str, today: Date) -> Result<Policy, PolicyError> {
        let file: file::PolicyFile =
            toml::from_str(text).map_err(|source: toml::de::Error| PolicyError::Syntax {
                origin: origin.to_string(),
                field: source.span().and_then(|span| field_at(text, span.start)),
                source: Box::new(source),
            })?;
        file.resolve(origin, policy_version(text), today)
            .map_err(|e| match e {
                PolicyError::Invalid {
                    origin,
                    line: None,
                    field,
                    message,
                } => PolicyError::Invalid {
                    line: line_of(text, &field),
                    origin,
                    field,
                    message,
                },
                other => other,
            })
    }

    /// The exemptions in force on `today`, soonest expiry first.
    pub fn exemptions_in_force(&self, today: Date) -> Vec<&Exemption> {
        let mut live: Vec<&Exemption> = self
            .exemptions
            .iter()
            .filter(|e| e.in_force(today))
            .collect();
        live.sort_by_key(|e| e.expires);
        live
    }

    /// Turns every enforcing control into an auditing one (a safe first roll-out).
    pub fn force_audit(&mut self) {
        for control in self.controls.values_mut() {
            if control.mode == Mode::Enforce {
                control.mode = Mode::Audit;
            }
        }
    }

    /// Mode and severity of a control (`off` for one this policy does not know).
    pub fn setting(&self, id: ControlId) -> (Mode, Severity) {
        self.controls
            .get(&id)
            .map_or((Mode::Off, Severity::Informational), |c| {
                (c.mode, c.severity)
            })
    }

    /// The settings of control `id`, types erased (for the registry's controls).
    pub fn control_settings(&self, id: ControlId) -> Option<&Settings> {
        self.controls.get(&id).map(|c| &c.settings)
    }

    /// The settings of control `C`.
    pub fn settings<C: Control>(&self) -> Option<&C::Settings> {
        self.controls.get(&C::ID)?.settings.downcast_ref()
    }

    /// Runs control `id` on a snapshot under this policy's settings for it.
    pub fn check(&self, id: ControlId, snapshot: &Snapshot) -> Check {
        match (id.control(), self.controls.get(&id)) {
            (Some(control), Some(entry)) => control.judge(snapshot, &entry.settings),
            _ => Check::cannot(format!("control {id} is not in the policy")),
        }
    }

    /// The exemption covering `control` on `snapshot` today, if any.
    pub fn exemption_for(
        &self,
        snapshot: &Snapshot,
        control: ControlId,
        today: Date,
    ) -> Option<&Exemption> {
        self.exemptions
            .iter()
            .find(|e| e.covers(snapshot, control, today))
    }
}

fn policy_version(text: &str) -> String {
    let digest = Sha256::digest(text.as_bytes());
    hex::encode(digest).chars().take(16).collect()
}

/// The file format, kept apart from the validated [`Policy`].
mod file {
    use super::*;
    use crate::resource::is_account_id;

    #[derive(Debug, Default, Deserialize)]
    #[serde(deny_unknown_fields)]
    pub(super) struct PolicyFile {
        #[serde(default)]
        version: Option<u32>,
        /// The longest an exemption may run, in days from the day the policy is loaded.
        #[serde(default)]
        max_exemption_days: Option<u32>,
        #[serde(default)]
        controls: Controls,
        #[serde(default)]
        remediation: Remediation,
        #[serde(default)]
        exemptions: Vec<ExemptionEntry>,
    }

    /// The `[controls]` table: each entry read as its control's own entry type (unknown
    /// controls and unknown fields are rejected with their line).
    #[derive(Default)]
    struct Controls(Vec<(ControlId, Box<dyn std::any::Any>)>);

    impl std::fmt::Debug for Controls {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.debug_list()
                .entries(self.0.iter().map(|(id, _)| id))
                .finish()
        }
    }

    impl<'de> Deserialize<'de> for Controls {
        fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Controls, D::Error> {
            d.deserialize_map(ControlsVisitor)
        }
    }

    struct ControlsVisitor;

    impl<'de> serde::de::Visitor<'de> for ControlsVisitor {
        type Value = Controls;

        fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("a table of controls")
        }

        fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<Controls, A::Error> {
            let mut entries = Vec::new();
            while let Some(id) = map.next_key_seed(KnownControl)? {
                entries.push((id, crate::controls::read_entry(id, &mut map)?));
            }
            Ok(Controls(entries))
        }
    }

    /// A control id as a key of `[controls]`: only registered controls.
    struct KnownControl;

    impl<'de> serde::de::DeserializeSeed<'de> for KnownControl {
        type Value = ControlId;

        fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<ControlId, D::Error> {
            let name = String::deserialize(d)?;
            ControlId::parse(&name).ok_or_else(|| {
                serde::de::Error::custom(format!(
                    "unknown control `{name}`, expected one of {}",
                    ControlId::names()
                ))
            })
        }
    }

    #[derive(Debug, Default, Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Remediation {
        endpoint: Option<EndpointRemediation>,
        endpoint_update: Option<EndpointUpdate>,
        on_error: Option<OnError>,
        #[serde(default)]
        opt_in: Vec<String>,
    }

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    struct ExemptionEntry {
        resource: String,
        #[serde(default)]
        accounts: Vec<String>,
        #[serde(default)]
        controls: Vec<String>,
        reason: String,
        expires: toml::value::Datetime,
    }

    impl PolicyFile {
        pub(super) fn resolve(
            self,
            origin: &str,
            version: String,
            today: Date,
        ) -> Result<Policy, PolicyError> {
            let invalid = |field: String, message: String| invalid(origin, field, message);
            if let Some(v) = self.version {
                if v != 1 {
                    return Err(invalid(
                        "version".into(),
                        format!("unsupported policy version {v}; this guardrail reads version 1"),
                    ));
                }
            }
            let max_days = self
                .max_exemption_days
                .unwrap_or(DEFAULT_MAX_EXEMPTION_DAYS);
            let exemptions = self
                .exemptions
                .into_iter()
                .enumerate()
                .map(|(i, e)| e.resolve(i, today, max_days, origin))
                .collect::<Result<Vec<_>, _>>()?;
            let opt_in = self
                .remediation
                .opt_in
                .iter()
                .enumerate()
                .map(|(i, name)| {
                    let field = || format!("remediation.opt_in[{i}]");
                    let kind = crate::resource::ResourceKind::parse(name).ok_or_else(|| {
                        invalid(field(), format!("unknown resource kind `{name}`"))
                    })?;
                    if kind.stop().by_default {
                        return Err(invalid(
                            field(),
                            format!(
                                "{kind}: enforce mode already calls {} on it; opt_in lists \
                                 only the kinds whose containment is alert-only by default ({})",
                                kind.stop().call,
                                opt_in_kinds()
                            ),
                        ));
                    }
                    Ok(kind)
                })
                .collect::<Result<Vec<_>, _>>()?;
            let mut entries = self.controls.0;
            let mut controls = BTreeMap::new();
            for control in crate::controls::REGISTRY {
                let id = control.id();
                let entry = entries
                    .iter()
                    .position(|(e, _)| *e == id)
                    .map(|i| entries.swap_remove(i).1);
                let (mode, severity, settings) = control
                    .resolve(entry)
                    .map_err(|(field, message)| invalid(field, message))?;
                let (default_mode, default_severity) = control.baseline();
                controls.insert(
                    id,
                    ControlPolicy {
                        mode: mode.unwrap_or(default_mode),
                        severity: severity.unwrap_or(default_severity),
                        settings,
                    },
                );
            }
            Ok(Policy {
                controls,
                endpoint_remediation: self
                    .remediation
                    .endpoint
                    .unwrap_or(EndpointRemediation::Delete),
                endpoint_update: self
                    .remediation
                    .endpoint_update
                    .unwrap_or(EndpointUpdate::Rollback),
                on_error: self.remediation.on_error.unwrap_or(OnError::Alert),
                opt_in,
                exemptions,
                source: origin.to_string(),
                version,
            })
        }
    }

    /// The kinds `[remediation] opt_in` may list.
    fn opt_in_kinds() -> String {
        let kinds: Vec<&str> = crate::resource::ResourceKind::ALL
            .iter()
            .filter(|k| !k.stop().by_default)
            .map(|k| k.as_str())
            .collect();
        kinds.join(", ")
    }

    fn invalid(origin: &str, field: String, message: String) -> PolicyError {
        PolicyError::Invalid {
            origin: origin.to_string(),
            line: None,
            field,
            message,
        }
    }

    impl ExemptionEntry {
        /// The `i`th exemption, checked against the exemption rules on `today`.
        fn resolve(
            self,
            i: usize,
            today: Date,
            max_days: u32,
            origin: &str,
        ) -> Result<Exemption, PolicyError> {
            let field = |name: &str| format!("exemptions[{i}].{name}");
            let invalid = |name: &str, message: String| invalid(origin, field(name), message);
            if self.reason.trim().is_empty() {
                return Err(invalid("reason", "a reason is required".into()));
            }
            check_exemption_resource(&self.resource, &self.accounts)
                .map_err(|(name, message)| invalid(name, message))?;
            let expires = match self.expires.date {
                Some(d) if self.expires.time.is_none() => {
                    let month = time::Month::try_from(d.month)
                        .map_err(|err| invalid("expires", err.to_string()))?;
                    Date::from_calendar_date(i32::from(d.year), month, d.day)
                        .map_err(|err| invalid("expires", err.to_string()))?
                }
                _ => {
                    return Err(invalid(
                        "expires",
                        "must be a date like 2027-03-31 (no time)".into(),
                    ))
                }
            };
            let latest = today.saturating_add(time::Duration::days(i64::from(max_days)));
            if expires > latest {
                return Err(invalid(
                    "expires",
                    format!(
                        "{expires} is more than {max_days} days ahead (max_exemption_days); \
                         grant at most until {latest} and renew"
                    ),
                ));
            }
            if self.controls.is_empty() {
                return Err(invalid(
                    "controls",
                    format!(
                        "name the controls the exemption covers (known: {})",
                        ControlId::names()
                    ),
                ));
            }
            let controls = self
                .controls
                .iter()
                .enumerate()
                .map(|(j, name)| {
                    ControlId::parse(name).ok_or_else(|| {
                        invalid(
                            &format!("controls[{j}]"),
                            format!("unknown control `{name}`; known: {}", ControlId::names()),
                        )
                    })
                })
                .collect::<Result<Vec<_>, _>>()?;
            Ok(Exemption {
                resource: self.resource,
                accounts: self.accounts,
                controls,
                reason: self.reason,
                expires,
            })
        }
    }

    /// How far ahead an exemption may expire when the policy does not say.
    const DEFAULT_MAX_EXEMPTION_DAYS: u32 = 365;

    /// An exemption names SageMaker resources by ARN, in a literal account or in an explicit
    /// account list. Errors are (field, message).
    fn check_exemption_resource(
        resource: &str,
        accounts: &[String],
    ) -> Result<(), (&'static str, String)> {
        const FORM: &str = "arn:aws:sagemaker:REGION:ACCOUNT:KIND/NAME";
        if resource.contains(['[', ']', '{', '}']) {
            return Err((
                "resource",
                format!("`{resource}`: only `*` and `?` are supported"),
            ));
        }
        let parts: Vec<&str> = resource.splitn(6, ':').collect();
        let [arn, _partition, service, _region, account, path] = parts.as_slice() else {
            return Err((
                "resource",
                format!(
                    "`{resource}` is not an ARN pattern ({FORM}); names alone are not accepted"
                ),
            ));
        };
        if *arn != "arn" || *service != "sagemaker" || !path.contains('/') {
            return Err((
                "resource",
                format!("`{resource}` is not a SageMaker ARN pattern ({FORM})"),
            ));
        }
        if let Some(bad) = accounts.iter().find(|a| !is_account_id(a)) {
            return Err(("accounts", format!("`{bad}` is not a 12-digit account id")));
        }
        match (is_account_id(account), *account == "*", accounts.is_empty()) {
            (true, _, true) => Ok(()),
            (true, _, false) => Err((
                "accounts",
                "give the account in the ARN or in `accounts`, not both".into(),
            )),
            (false, true, false) => Ok(()),
            _ => Err((
                "resource",
                format!(
                    "`{resource}`: the account must be a literal 12-digit id, or `*` with an \
                     `accounts` list"
                ),
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::controls::required_tags::RequiredTags;
    use crate::controls::volume_kms::VolumeKms;

    fn err(text: &str) -> String {
        match Policy::from_toml(text, "test.toml") {
            Ok(_) => String::from("accepted"),
            Err(e) => e.to_string(),
        }
    }

    /// Every error names the line and the field, as the policy's author wrote them.
    #[test]
    fn errors_name_the_line_and_the_field() {
        let bad_mode = "version = 1\n\n[controls.vpc-attached]\nmode = \"sometimes\"\n";
        let e = err(bad_mode);
        assert!(
            e.contains("field controls.vpc-attached.mode") && e.contains("line 4"),
            "{e}"
        );
        let unknown = "version = 1\n[controls.volume-kms]\nmode = \"audit\"\nallowed = []\n";
        let e = err(unknown);
        assert!(
            e.contains("field controls.volume-kms.allowed") && e.contains("line 4"),
            "{e}"
        );
        let empty = "[[exemptions]]\nresource = \"arn:aws:sagemaker:us-east-1:123456789012:training-job/a\"\n\
                     controls = []\nreason = \"r\"\nexpires = 2026-01-01\n";
        let e = err(empty);
        assert!(e.contains("line 3: exemptions[0].controls"), "{e}");
    }

    #[test]
    fn baseline_enforces_network_and_encryption_and_audits_tags() {
        let p = Policy::baseline();
        assert_eq!(
            p.setting(crate::controls::vpc_attached::ID),
            (Mode::Enforce, Severity::High)
        );
        assert_eq!(
            p.setting(crate::controls::network_isolation::ID).0,
            Mode::Audit
        );
        assert_eq!(
            p.setting(crate::controls::required_tags::ID),
            (Mode::Audit, Severity::Low)
        );
        let tags = p.settings::<RequiredTags>().map(|t| t.required.clone());
        assert!(tags.is_some_and(|t| t.contains_key("owner")));
        assert_eq!(p.endpoint_remediation, EndpointRemediation::Delete);
        assert_eq!(p.source, "built-in baseline");
    }

    #[test]
    fn file_overrides_only_what_it_names() -> Result<(), PolicyError> {
        let p = Policy::from_toml(
            r#"
            version = 1
            [controls.volume-kms]
            mode = "audit"
            severity = "critical"
            allowed_keys = ["alias/ml-data", "arn:aws:kms:us-east-1:123456789012:key/1111aaaa-22bb-33cc-44dd-555555eeeeee"]
            [controls.required-tags.tags]
            team = []
            data-classification = ["internal", "confidential"]
            [remediation]
            endpoint = "none"
            [[exemptions]]
            resource = "arn:aws:sagemaker:*:123456789012:notebook-instance/sandbox-*"
            controls = ["no-root-access"]
            reason = "JIRA-42 sandbox needs sudo"
            expires = 2027-01-31
            "#,
            "test.toml",
        )?;
        assert_eq!(
            p.setting(crate::controls::volume_kms::ID),
            (Mode::Audit, Severity::Critical)
        );
        assert_eq!(
            p.setting(crate::controls::output_kms::ID),
            (Mode::Enforce, Severity::High)
        );
        assert_eq!(
            p.settings::<VolumeKms>().map(|k| k.allowed_keys.len()),
            Some(2)
        );
        assert_eq!(
            p.settings::<RequiredTags>().map(|t| t.required.len()),
            Some(2)
        );
        assert_eq!(p.endpoint_remediation, EndpointRemediation::None);
        assert_eq!(p.exemptions.len(), 1);
        assert_eq!(
            p.exemptions[0].controls,
            vec![crate::controls::no_root_access::ID]
        );
        Ok(())
    }

    #[test]
    fn unknown_keys_are_rejected_with_their_line() {
        let e =
            err("[controls.vpc-attached]\nmode = \"enforce\"\nallowed_subnet = [\"subnet-1\"]\n");
        assert!(e.contains("line 3"), "{e}");
        assert!(e.contains("allowed_subnet"), "{e}");
        let e = err("[controls.vpc-atached]\nmode = \"audit\"\n");
        assert!(e.contains("vpc-atached"), "{e}");
    }

    #[test]
    fn bad_values_name_the_field() {
        let e = err("[controls.no-root-access]\nmode = \"block\"\n");
        assert!(e.contains("line 2") && e.contains("block"), "{e}");
        let e = err("[controls.vpc-attached]\nallowed_subnets = [\"subnet-1\", \"vpc-2\"]\n");
        assert!(
            e.contains("controls.vpc-attached.allowed_subnets[1]"),
            "{e}"
        );
        let e = err("[controls.vpc-attached]\nallowed_vpcs = [\"subnet-1\"]\n");
        assert!(e.contains("controls.vpc-attached.allowed_vpcs[0]"), "{e}");
        let e = err("[controls.output-kms]\nallowed_keys = [\"my key\"]\n");
        assert!(e.contains("controls.output-kms.allowed_keys[0]"), "{e}");
        let e = err("version = 2\n");
        assert!(e.contains("version"), "{e}");
    }

    const NB: &str = "arn:aws:sagemaker:us-east-1:123456789012:notebook-instance/nb-*";

    fn exemption(resource: &str, extra: &str) -> String {
        format!(
            "[[exemptions]]\nresource = \"{resource}\"\ncontrols = [\"no-root-access\"]\nreason = \"r\"\nexpires = 2027-01-01\n{extra}"
        )
    }

    #[test]
    fn exemptions_need_reason_expiry_and_known_controls() {
        let e = err(&format!("[[exemptions]]\nresource = \"{NB}\"\ncontrols = [\"no-root-access\"]\nreason = \"x\"\n"));
        assert!(e.contains("expires"), "{e}");
        let e = err(&format!("[[exemptions]]\nresource = \"{NB}\"\ncontrols = [\"no-root-access\"]\nreason = \" \"\nexpires = 2027-01-01\n"));
        assert!(e.contains("exemptions[0].reason"), "{e}");
        let e = err(&format!(
            "[[exemptions]]\nresource = \"{NB}\"\ncontrols = [\"no-root-access\"]\nreason = \"r\"\nexpires = 2027-01-01T10:00:00Z\n"
        ));
        assert!(e.contains("exemptions[0].expires"), "{e}");
        let e = err(&format!("[[exemptions]]\nresource = \"{NB}\"\ncontrols = [\"no-root\"]\nreason = \"r\"\nexpires = 2027-01-01\n"));
        assert!(e.contains("exemptions[0].controls[0]"), "{e}");
    }

    /// B9: an exemption cannot be granted by naming a resource, in any account, for all controls
    /// or for ever.
    #[test]
    fn exemptions_name_arns_in_literal_accounts_and_controls_and_expire_within_a_year() {
        let on =
            |text: &str| match Policy::from_toml_on(text, "t", time::macros::date!(2026 - 12 - 01))
            {
                Ok(_) => "accepted".to_string(),
                Err(e) => e.to_string(),
            };
        // A bare name, or a name glob, is refused.
        let e = on(&exemption("sandbox-*", ""));
        assert!(
            e.contains("exemptions[0].resource") && e.contains("names alone"),
            "{e}"
        );
        // Any account is refused; an explicit list is accepted, a malformed id is not.
        let any = "arn:aws:sagemaker:*:*:notebook-instance/sandbox-*";
        assert!(on(&exemption(any, "")).contains("literal 12-digit id"));
        assert_eq!(
            on(&exemption(any, "accounts = [\"111122223333\"]\n")),
            "accepted"
        );
        assert!(on(&exemption(any, "accounts = [\"1111\"]\n")).contains("exemptions[0].accounts"));
        assert!(on(&exemption(
            "arn:aws:sagemaker:*:123456789012:notebook-instance/x",
            "accounts = [\"111122223333\"]\n"
        ))
        .contains("not both"));
        // Other services and glob classes are refused.
        assert!(on(&exemption("arn:aws:s3:::bucket/x", "")).contains("SageMaker ARN"));
        assert!(on(&exemption(
            "arn:aws:sagemaker:*:123456789012:notebook-instance/nb-[ab]",
            ""
        ))
        .contains("only `*` and `?`"));
        // No controls: an error naming the known controls.
        let e = on(&format!(
            "[[exemptions]]\nresource = \"{NB}\"\nreason = \"r\"\nexpires = 2027-01-01\n"
        ));
        assert!(
            e.contains("exemptions[0].controls") && e.contains("vpc-attached"),
            "{e}"
        );
        // Expiry: at most max_exemption_days (365 by default) ahead.
        let far = format!("[[exemptions]]\nresource = \"{NB}\"\ncontrols = [\"no-root-access\"]\nreason = \"r\"\nexpires = 2027-12-02\n");
        let e = on(&far);
        assert!(
            e.contains("exemptions[0].expires") && e.contains("365 days"),
            "{e}"
        );
        assert_eq!(on(&format!("max_exemption_days = 400\n{far}")), "accepted");
    }

    #[test]
    fn exemption_stars_never_cross_segments_and_names_never_match() -> Result<(), PolicyError> {
        let policy = Policy::from_toml(
            &exemption(
                "arn:aws:sagemaker:*:123456789012:notebook-instance/sandbox-*",
                "",
            ),
            "t",
        )?;
        let e = &policy.exemptions[0];
        assert!(e.matches("arn:aws:sagemaker:eu-west-1:123456789012:notebook-instance/sandbox-1"));
        assert!(e.matches("arn:aws:sagemaker:eu-west-1:123456789012:notebook-instance/Sandbox-1"));
        // The same name in another account, or of another kind, is not exempt.
        assert!(!e.matches("arn:aws:sagemaker:eu-west-1:999999999999:notebook-instance/sandbox-1"));
        assert!(!e.matches("arn:aws:sagemaker:eu-west-1:123456789012:training-job/sandbox-1"));
        assert!(!e.matches("sandbox-1"));
        // `*` does not cross `:` or `/`.
        let region = Policy::from_toml(
            &exemption("arn:aws:sagemaker:us-*:123456789012:endpoint/a*", ""),
            "t",
        )?;
        let e = &region.exemptions[0];
        assert!(e.matches("arn:aws:sagemaker:us-east-1:123456789012:endpoint/abc"));
        assert!(!e.matches("arn:aws:sagemaker:us-east-1:123456789012:endpoint/abc/x"));
        assert!(!e.matches("arn:aws:sagemaker:us-east-1:x:123456789012:endpoint/abc"));
        let listed = Policy::from_toml(
            &exemption(
                "arn:aws:sagemaker:*:*:endpoint/a",
                "accounts = [\"111122223333\"]\n",
            ),
            "t",
        )?;
        let e = &listed.exemptions[0];
        assert!(e.matches("arn:aws:sagemaker:us-east-1:111122223333:endpoint/a"));
        assert!(!e.matches("arn:aws:sagemaker:us-east-1:444455556666:endpoint/a"));
        Ok(())
    }

    #[test]
    fn force_audit_leaves_off_controls_off() -> Result<(), PolicyError> {
        let mut p = Policy::from_toml("[controls.no-root-access]\nmode = \"off\"\n", "t")?;
        p.force_audit();
        assert_eq!(p.setting(crate::controls::vpc_attached::ID).0, Mode::Audit);
        assert_eq!(p.setting(crate::controls::no_root_access::ID).0, Mode::Off);
        Ok(())
    }

    #[test]
    fn version_changes_with_the_text() -> Result<(), PolicyError> {
        let a = Policy::from_toml("", "a")?;
        let b = Policy::from_toml("# comment\n", "b")?;
        assert_eq!(a.version.len(), 16);
        assert_ne!(a.version, b.version);
        Ok(())
    }
}
