//! KMS key references as SageMaker reports them, shared by `volume-kms` and `output-kms`.
//!
//! SageMaker accepts a key id, a key ARN, an alias name (`alias/x`) or an alias ARN; a bare id or
//! alias name is resolved in the resource's own account and region. The allow-list is matched
//! the same way, so no entry can be satisfied from another account:
//! - an ARN entry (key or alias) matches that whole ARN only;
//! - an alias-name entry (`alias/ml-data`) matches that alias in the resource's own account and
//!   region only, named either way;
//! - a key-id entry matches that key (key ids are unique; a multi-Region key keeps its id).
//!
//! An alias is not resolved to its key; list the form your teams use. Aliases under `alias/aws/`
//! are AWS managed keys. With no allow-list, a key named by id or ARN could be an AWS managed key
//! too: the inspector asks KMS (`DescribeKey`'s `KeyManager`) and the control fails on `AWS`, and
//! cannot evaluate when KMS could not say. Only keys of the resource's own account and region are
//! asked about: an AWS managed key cannot be used from another account, and SageMaker uses keys
//! of its own region.
//!
//! A key of another account (named by key or alias ARN) passes only from an account the policy
//! trusts, `key_accounts`: by default the accounts of the deployment's organisation (asked of
//! Organizations; with no organisation configured, the resource's own account only), or a list
//! of account ids, or `"any"`. An allow-list, when set, decides alone.

use std::collections::BTreeMap;

use serde::Deserialize;
use serde_json::json;

use super::{Check, ControlId, Invalid, Mode, Severity};
use crate::preventive::{Deny, KeyNames, Scp};
use crate::resource::{KeyManager, Snapshot};

/// Allow-list for the KMS controls: key ARNs, key ids, alias names (`alias/x`) or alias ARNs.
/// An empty list allows any customer managed key of an account `key_accounts` trusts.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct KmsSettings {
    pub allowed_keys: Vec<String>,
    pub key_accounts: KeyAccounts,
}

/// Whose keys pass when there is no allow-list, besides the resource's own account's.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(untagged)]
pub enum KeyAccounts {
    /// `"organization"` (the default) or `"any"`.
    Word(KeyAccountsWord),
    /// These account ids.
    Listed(Vec<String>),
    /// The accounts of the deployment's organisation.
    #[default]
    #[serde(skip)]
    Organization,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum KeyAccountsWord {
    Organization,
    Any,
}

/// `[controls.volume-kms]` and `[controls.output-kms]`.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KmsEntry {
    mode: Option<Mode>,
    severity: Option<Severity>,
    #[serde(default)]
    allowed_keys: Vec<String>,
    key_accounts: Option<KeyAccounts>,
}

impl super::Entry for KmsEntry {
    fn levels(&self) -> (Option<Mode>, Option<Severity>) {
        (self.mode, self.severity)
    }
}

/// Validates the allow-list of KMS control `id`.
pub(crate) fn settings(id: ControlId, entry: KmsEntry) -> Result<KmsSettings, Invalid> {
    for (i, key) in entry.allowed_keys.iter().enumerate() {
        if !is_key_reference(key) {
            return Err((
                format!("controls.{id}.allowed_keys[{i}]"),
                format!(
                    "`{key}` is not a KMS key ARN, key id, alias name (alias/...) or alias ARN"
                ),
            ));
        }
    }
    Ok(KmsSettings {
        allowed_keys: entry.allowed_keys,
        key_accounts: accounts(entry.key_accounts, &format!("controls.{id}.key_accounts"))?,
    })
}

/// Validates a list of trusted accounts (`field`): the organisation by default.
pub(crate) fn accounts(entry: Option<KeyAccounts>, field: &str) -> Result<KeyAccounts, Invalid> {
    Ok(match entry {
        None | Some(KeyAccounts::Word(KeyAccountsWord::Organization)) => KeyAccounts::Organization,
        Some(KeyAccounts::Listed(accounts)) => {
            if let Some((i, bad)) = accounts
                .iter()
                .enumerate()
                .find(|(_, a)| a.len() != 12 || !a.bytes().all(|b| b.is_ascii_digit()))
            {
                return Err((
                    format!("{field}[{i}]"),
                    format!("`{bad}` is not an AWS account id (12 digits)"),
                ));
            }
            KeyAccounts::Listed(accounts)
        }
        Some(other) => other,
    })
}

/// Denies, on `actions`, a request without a key (under either name of `key`).
pub(crate) fn deny_missing_key(
    scp: &mut Scp<'_>,
    control: ControlId,
    sid: String,
    actions: &[&'static str],
    key: KeyNames,
    unless: Option<(&'static str, &'static str, serde_json::Value)>,
) {
    let deny = Deny {
        sid,
        actions,
        operator: "Null",
        key: key.current,
        values: json!("true"),
        unless,
        also: Some(key.former),
    };
    scp.deny(control, deny);
}

/// Denies, on `actions`, a key outside the allow-list: by ARN, as the condition key is
/// ARN-typed, where the request carries it; with no ARN in the list, at least AWS managed keys
/// (`alias/aws/...`), once per name of `key`. Entries that are not ARNs are gaps.
pub(crate) fn deny_unlisted_keys(
    scp: &mut Scp<'_>,
    control: ControlId,
    name: &str,
    actions: &[&'static str],
    key: KeyNames,
    settings: &KmsSettings,
) {
    if settings.allowed_keys.is_empty()
        && settings.key_accounts != KeyAccounts::Word(KeyAccountsWord::Any)
    {
        scp.gap(
            control,
            "*",
            "key_accounts: the document cannot tell a key's organisation, so a key of another \
             account passes it; the detective control judges whose key it is",
        );
    }
    let (arns, other): (Vec<&String>, Vec<&String>) = settings
        .allowed_keys
        .iter()
        .partition(|k| k.trim().starts_with("arn:"));
    if arns.is_empty() {
        let names = [("", key.current), ("Former", key.former)];
        for (suffix, name_of_key) in names.into_iter().take(if key.renamed() { 2 } else { 1 }) {
            let deny = Deny {
                sid: format!("{name}AwsManaged{suffix}"),
                actions,
                operator: "StringLike",
                key: name_of_key,
                values: json!(["alias/aws/*", "arn:*:kms:*:*:alias/aws/*"]),
                unless: None,
                also: None,
            };
            scp.deny(control, deny);
        }
    } else {
        // Only where the request carries the key (`Null` false): a negated operator is true
        // on an absent key, and would deny what the missing-key statements let through
        // (instance types with local storage take no volume key). Under the current name only:
        // the former name too would not fit the SCP size limit with the example policy.
        let deny = Deny {
            sid: format!("{name}NotAllowed"),
            actions,
            operator: "ArnNotLike",
            key: key.current,
            values: json!(arns),
            unless: Some(("Null", key.current, json!("false"))),
            also: None,
        };
        scp.deny(control, deny);
        if key.renamed() {
            scp.gap(
                control,
                "*",
                format!(
                    "allowed_keys: checked on {} only; a request that carries the key under its \
                     former name {} alone passes the document, and the detective control \
                     judges it",
                    key.current, key.former
                ),
            );
        }
    }
    let key = key.current;
    if other.is_empty() {
        return;
    }
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
    scp.gap(control, "*", reason);
}

#[derive(Debug, PartialEq, Eq)]
enum KeyRef<'a> {
    Key(&'a str),
    Alias(&'a str),
}

/// The part after `arn:PARTITION:kms:REGION:ACCOUNT:` (or the whole value when not an ARN).
fn parse(value: &str) -> Option<KeyRef<'_>> {
    let value = value.trim();
    let resource = if value.starts_with("arn:") {
        // arn:PARTITION:kms:REGION:ACCOUNT:key/ID or ...:alias/NAME
        let mut parts = value.splitn(6, ':');
        let (_, _, service) = (parts.next(), parts.next(), parts.next());
        if service != Some("kms") {
            return None;
        }
        parts.nth(2)?
    } else {
        value
    };
    if let Some(name) = resource.strip_prefix("alias/") {
        return (!name.is_empty()).then_some(KeyRef::Alias(name));
    }
    let id = resource.strip_prefix("key/").unwrap_or(resource);
    let id_like = !id.is_empty()
        && id.len() <= 64
        && id
            .chars()
            .all(|c| c.is_ascii_hexdigit() || c == '-' || c == 'm' || c == 'r' || c == 'k');
    id_like.then_some(KeyRef::Key(id))
}

/// Whether `value` is a KMS key reference SageMaker would accept (policy validation).
pub fn is_key_reference(value: &str) -> bool {
    parse(value).is_some()
}

/// Where a resource's bare key references resolve: its partition, region and account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Home {
    pub partition: String,
    pub region: String,
    pub account: String,
}

impl Home {
    pub fn of(snapshot: &Snapshot) -> Home {
        let partition = snapshot.arn.split(':').nth(1).unwrap_or("aws");
        Home {
            partition: if partition.is_empty() {
                "aws"
            } else {
                partition
            }
            .to_string(),
            region: snapshot.id.region.clone(),
            account: snapshot.id.account.clone(),
        }
    }
}

/// The full ARN a key reference names, resolving a bare id or alias name in `home`.
pub fn full_arn(value: &str, home: &Home) -> Option<String> {
    let value = value.trim();
    let resource = match parse(value)? {
        _ if value.starts_with("arn:") => return Some(value.to_string()),
        KeyRef::Key(id) => format!("key/{id}"),
        KeyRef::Alias(name) => format!("alias/{name}"),
    };
    let Home {
        partition,
        region,
        account,
    } = home;
    Some(format!("arn:{partition}:kms:{region}:{account}:{resource}"))
}

/// Whether a full key ARN is in `home`'s account and region (the only place an AWS managed key
/// the resource could use lives).
fn at_home(arn: &str, home: &Home) -> bool {
    let parts: Vec<&str> = arn.splitn(6, ':').collect();
    parts.get(3) == Some(&home.region.as_str()) && parts.get(4) == Some(&home.account.as_str())
}

/// The key ARNs (not aliases) among `references` that KMS is asked about: resolved in `home`,
/// and in its account and region.
pub fn key_arns<'a>(references: impl IntoIterator<Item = &'a str>, home: &Home) -> Vec<String> {
    let mut arns: Vec<String> = references
        .into_iter()
        .filter(|r| matches!(parse(r), Some(KeyRef::Key(_))))
        .filter_map(|r| full_arn(r, home))
        .filter(|arn| at_home(arn, home))
        .collect();
    arns.sort();
    arns.dedup();
    arns
}

/// The accounts, other than `home`'s, whose keys (or aliases) `references` name by ARN.
pub fn other_accounts<'a>(
    references: impl IntoIterator<Item = &'a str>,
    home: &Home,
) -> Vec<String> {
    let mut accounts: Vec<String> = references
        .into_iter()
        .filter(|r| parse(r).is_some())
        .filter_map(|r| full_arn(r, home))
        .filter_map(|arn| arn.split(':').nth(4).map(str::to_string))
        .filter(|account| *account != home.account)
        .collect();
    accounts.sort();
    accounts.dedup();
    accounts
}

/// Which accounts a resource may rely on besides its own ([`KeyAccounts`]), as one resource
/// sees them.
pub(crate) struct Trust<'a> {
    pub accounts: &'a KeyAccounts,
    /// The policy field that lists them, for messages.
    pub field: &'static str,
    pub home: &'a Home,
    /// Which other accounts are the organisation's; `None` when no organisation is known.
    pub organization: Option<&'a BTreeMap<String, bool>>,
    /// Described live (so a missing organisation is the deployment's, not the replay's).
    pub live: bool,
}

impl Trust<'_> {
    /// Why `account` (of `what`: "key ARN", "bucket of s3://...") is not trusted; `None`: it is.
    pub(crate) fn untrusted(&self, account: &str, what: &str, expected: &str) -> Option<Check> {
        if account == self.home.account {
            return None;
        }
        let field = self.field;
        let fail = |why: String| Some(Check::fail(why, expected));
        match self.accounts {
            KeyAccounts::Word(KeyAccountsWord::Any) => None,
            KeyAccounts::Listed(accounts) if accounts.iter().any(|a| a == account) => None,
            KeyAccounts::Listed(_) => fail(format!("{what} of account {account}, not one of {field}")),
            _ => match (self.organization, self.live) {
                (Some(known), _) => match known.get(account) {
                    Some(true) => None,
                    Some(false) => fail(format!("{what} of account {account}, outside the organisation")),
                    None => Some(Check::cannot(format!(
                        "whether account {account} of {what} is in the organisation was not asked"
                    ))),
                },
                (None, true) => fail(format!(
                    "{what} of another account ({account}), and the deployment knows no organisation: list the account in {field}"
                )),
                (None, false) => Some(Check::cannot(format!(
                    "{what} of another account ({account}): whether it is the organisation's is known only live"
                ))),
            },
        }
    }
}

/// A KMS control's allow-list, applied to one resource.
pub(crate) struct KeyRules<'a> {
    settings: &'a KmsSettings,
    home: Home,
    /// What KMS said about the resource's keys; `None` when nobody asked (offline replay).
    managers: Option<&'a BTreeMap<String, KeyManager>>,
    /// Which other accounts are the organisation's; `None` when no organisation is known.
    organization: Option<&'a BTreeMap<String, bool>>,
}

impl<'a> KeyRules<'a> {
    pub(crate) fn new(snapshot: &'a Snapshot, settings: &'a KmsSettings) -> KeyRules<'a> {
        KeyRules {
            settings,
            home: Home::of(snapshot),
            managers: snapshot.key_managers.as_ref(),
            organization: snapshot.key_accounts.as_ref(),
        }
    }

    /// Why the key `arn` is not of an account the policy trusts (`None`: it is).
    fn untrusted(&self, arn: &str, expected: &str) -> Option<Check> {
        let account = arn.split(':').nth(4).unwrap_or_default();
        let trust = Trust {
            accounts: &self.settings.key_accounts,
            field: "key_accounts",
            home: &self.home,
            organization: self.organization,
            live: self.managers.is_some(),
        };
        trust.untrusted(account, &format!("key {arn}"), expected)
    }

    fn allows(&self, key: &str, parsed: &KeyRef<'_>) -> bool {
        let observed = full_arn(key, &self.home);
        self.settings
            .allowed_keys
            .iter()
            .any(|entry| match parse(entry) {
                Some(KeyRef::Key(id)) if !entry.trim().starts_with("arn:") => {
                    *parsed == KeyRef::Key(id)
                }
                Some(_) => observed.is_some() && full_arn(entry, &self.home) == observed,
                None => false,
            })
    }
}

/// Checks one key setting: present, customer managed, and in the allow-list if there is one.
pub(crate) fn check_key(observed: Option<&str>, rules: &KeyRules<'_>, what: &str) -> Check {
    let allowed_keys = &rules.settings.allowed_keys;
    let expected = if allowed_keys.is_empty() {
        format!("{what} encrypted with a customer managed KMS key")
    } else {
        format!(
            "{what} encrypted with an allowed KMS key ({})",
            allowed_keys.join(", ")
        )
    };
    let Some(key) = observed.map(str::trim).filter(|k| !k.is_empty()) else {
        return Check::fail("no KMS key (AWS managed key used)", expected);
    };
    let Some(parsed) = parse(key) else {
        return Check::cannot(format!(
            "`{key}` is not a KMS key reference this version understands"
        ));
    };
    match parsed {
        KeyRef::Alias(name) if name.starts_with("aws/") => {
            return Check::fail(format!("AWS managed key {key}"), expected);
        }
        _ if !allowed_keys.is_empty() => {
            return Check::flag(rules.allows(key, &parsed), key, &expected)
        }
        _ => {}
    }
    let arn = full_arn(key, &rules.home).unwrap_or_default();
    if let Some(verdict) = rules.untrusted(&arn, &expected) {
        return verdict;
    }
    if matches!(parsed, KeyRef::Alias(_)) {
        return Check::flag(true, key, &expected);
    }
    // No allow-list: any customer managed key will do, which only KMS can tell of a key id.
    let Some(managers) = rules.managers else {
        return Check::flag(true, key, &expected);
    };
    if !at_home(&arn, &rules.home) {
        return Check::flag(true, key, &expected);
    }
    match managers.get(&arn) {
        Some(KeyManager::Customer) => Check::flag(true, key, &expected),
        Some(KeyManager::Aws) => Check::fail(format!("AWS managed key {key}"), expected),
        Some(KeyManager::Unknown { reason }) => Check::cannot(format!(
            "cannot tell whether {key} is customer managed: {reason}"
        )),
        None => Check::cannot(format!(
            "cannot tell whether {key} is customer managed: KMS was not asked"
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ARN: &str = "arn:aws:kms:us-east-1:123456789012:key/1111aaaa-22bb-33cc-44dd-555555eeeeee";

    fn settings(keys: &[&str]) -> KmsSettings {
        KmsSettings {
            allowed_keys: keys.iter().map(|k| k.to_string()).collect(),
            ..KmsSettings::default()
        }
    }

    /// The rules for a resource in us-east-1 of account 123456789012.
    fn rules<'a>(
        settings: &'a KmsSettings,
        managers: Option<&'a BTreeMap<String, KeyManager>>,
    ) -> KeyRules<'a> {
        KeyRules {
            settings,
            home: Home {
                partition: "aws".into(),
                region: "us-east-1".into(),
                account: "123456789012".into(),
            },
            managers,
            organization: None,
        }
    }

    fn verdict(key: &str, settings: &KmsSettings) -> &'static str {
        match check_key(Some(key), &rules(settings, None), "volume") {
            Check::Pass { .. } => "pass",
            Check::Fail { .. } => "fail",
            _ => "other",
        }
    }

    #[test]
    fn recognises_every_form_sagemaker_accepts() {
        for ok in [
            ARN,
            "1111aaaa-22bb-33cc-44dd-555555eeeeee",
            "mrk-1234abcd12ab34cd56ef1234567890ab",
            "alias/ml-data",
            "arn:aws:kms:us-east-1:123456789012:alias/ml-data",
            "arn:aws-us-gov:kms:us-gov-west-1:123456789012:key/1111aaaa-22bb-33cc-44dd-555555eeeeee",
        ] {
            assert!(is_key_reference(ok), "{ok}");
        }
        for bad in ["", "my key", "arn:aws:s3:::bucket", "alias/", "key/"] {
            assert!(!is_key_reference(bad), "{bad}");
        }
    }

    #[test]
    fn allow_list_matches_ids_with_ids_and_aliases_with_aliases() {
        let by_id = settings(&["1111aaaa-22bb-33cc-44dd-555555eeeeee"]);
        assert_eq!(verdict(ARN, &by_id), "pass");
        let by_alias = settings(&["alias/ml-data"]);
        let own_alias = "arn:aws:kms:us-east-1:123456789012:alias/ml-data";
        assert_eq!(verdict(own_alias, &by_alias), "pass");
        assert_eq!(verdict("alias/ml-data", &by_alias), "pass");
        assert_eq!(verdict(ARN, &by_alias), "fail");
    }

    /// B10: no allow-list entry can be satisfied from another account.
    #[test]
    fn allow_list_entries_never_match_in_another_account() {
        let other_alias = "arn:aws:kms:us-east-1:999999999999:alias/ml-data";
        // An alias name matches only in the resource's own account (and region)...
        assert_eq!(verdict(other_alias, &settings(&["alias/ml-data"])), "fail");
        let other_region = "arn:aws:kms:eu-west-1:123456789012:alias/ml-data";
        assert_eq!(verdict(other_region, &settings(&["alias/ml-data"])), "fail");
        // ...and an alias ARN is the whole ARN, however the resource names it.
        let listed = settings(&["arn:aws:kms:us-east-1:123456789012:alias/ml-data"]);
        assert_eq!(verdict(other_alias, &listed), "fail");
        assert_eq!(verdict("alias/ml-data", &listed), "pass");
        // A key ARN entry is that key in that account only; a bare id names the key in the
        // resource's own account.
        let key_arn = settings(&[ARN]);
        assert_eq!(
            verdict(&ARN.replace("123456789012", "999999999999"), &key_arn),
            "fail"
        );
        assert_eq!(
            verdict("1111aaaa-22bb-33cc-44dd-555555eeeeee", &key_arn),
            "pass"
        );
    }

    /// Issue 19, case 4: with no allow-list, a key of another account passes only from an
    /// account the policy trusts: by default the organisation's (as Organizations answered);
    /// with no organisation known, none but the resource's own; or those listed; or any.
    #[test]
    fn a_key_of_another_account_passes_only_from_an_account_the_policy_trusts() {
        let member = ARN.replace("123456789012", "111122223333");
        let outsider = ARN.replace("123456789012", "999999999999");
        let alias_of_outsider = "arn:aws:kms:us-east-1:999999999999:alias/shared";
        let managers = BTreeMap::new();
        let organization = BTreeMap::from([
            ("111122223333".to_string(), true),
            ("999999999999".to_string(), false),
        ]);
        let verdict =
            |key_accounts: KeyAccounts, org: Option<&BTreeMap<String, bool>>, key: &str| {
                let settings = KmsSettings {
                    key_accounts,
                    ..settings(&[])
                };
                let rules = KeyRules {
                    organization: org,
                    ..rules(&settings, Some(&managers))
                };
                match check_key(Some(key), &rules, "volume") {
                    Check::Pass { .. } => "pass",
                    Check::Fail { .. } => "fail",
                    Check::CannotEvaluate { .. } => "cannot",
                    Check::NotApplicable { .. } => "n/a",
                }
            };
        let org = KeyAccounts::Organization;
        assert_eq!(verdict(org.clone(), Some(&organization), &member), "pass");
        assert_eq!(verdict(org.clone(), Some(&organization), &outsider), "fail");
        assert_eq!(
            verdict(org.clone(), Some(&organization), alias_of_outsider),
            "fail"
        );
        let unasked = ARN.replace("123456789012", "444455556666");
        assert_eq!(
            verdict(org.clone(), Some(&organization), &unasked),
            "cannot"
        );
        assert_eq!(
            verdict(org.clone(), None, &member),
            "fail",
            "no organisation known"
        );
        let listed = KeyAccounts::Listed(vec!["999999999999".into()]);
        assert_eq!(verdict(listed.clone(), None, &outsider), "pass");
        assert_eq!(verdict(listed, None, &member), "fail");
        let any = KeyAccounts::Word(KeyAccountsWord::Any);
        assert_eq!(verdict(any, None, &outsider), "pass");
        // The policy file's forms, validated.
        let entry = |text: &str| {
            toml::from_str::<KmsEntry>(text)
                .map_err(|e| e.to_string())
                .and_then(|e| super::settings(ControlId::new("volume-kms"), e).map_err(|e| e.1))
        };
        assert_eq!(
            entry("").map(|s| s.key_accounts),
            Ok(KeyAccounts::Organization)
        );
        assert_eq!(
            entry("key_accounts = \"any\"").map(|s| s.key_accounts),
            Ok(KeyAccounts::Word(KeyAccountsWord::Any))
        );
        assert!(entry("key_accounts = [\"12345\"]").is_err_and(|e| e.contains("12345")));
        assert!(entry("key_accounts = \"everyone\"").is_err());
    }

    /// B10: with no allow-list, a key given by id or ARN is judged on what KMS says of it.
    #[test]
    fn a_key_arn_of_an_aws_managed_key_fails_and_an_unknown_one_cannot_be_evaluated() {
        let any = settings(&[]);
        let managed = ARN.replace("1111aaaa", "2222bbbb");
        let unknown = ARN.replace("1111aaaa", "3333cccc");
        let managers = BTreeMap::from([
            (ARN.to_string(), KeyManager::Customer),
            (managed.clone(), KeyManager::Aws),
            (
                unknown.clone(),
                KeyManager::Unknown {
                    reason: "AccessDeniedException".into(),
                },
            ),
        ]);
        let live = rules(&any, Some(&managers));
        let check = |key: &str| check_key(Some(key), &live, "volume");
        assert!(matches!(check(ARN), Check::Pass { .. }));
        assert!(matches!(
            check("1111aaaa-22bb-33cc-44dd-555555eeeeee"),
            Check::Pass { .. }
        ));
        assert!(matches!(check(&managed), Check::Fail { .. }));
        assert!(matches!(check(&unknown), Check::CannotEvaluate { .. }));
        let never_asked = ARN.replace("1111aaaa", "4444dddd");
        assert!(matches!(check(&never_asked), Check::CannotEvaluate { .. }));
        // Another account's key cannot be an AWS managed key this resource may use: KMS is not
        // asked (whose account it is, is judged below).
        let foreign = never_asked.replace("123456789012", "999999999999");
        let anyone = KmsSettings {
            key_accounts: KeyAccounts::Word(KeyAccountsWord::Any),
            ..settings(&[])
        };
        let trusting = rules(&anyone, Some(&managers));
        assert!(matches!(
            check_key(Some(&foreign), &trusting, "volume"),
            Check::Pass { .. }
        ));
        // An alias of the customer's own is never an AWS managed key: no question to KMS.
        assert!(matches!(check("alias/ml-data"), Check::Pass { .. }));
        // What KMS is asked about: the key references, resolved, once each.
        let home = live.home.clone();
        let foreign = ARN.replace("us-east-1", "eu-west-1");
        assert_eq!(
            key_arns(
                [
                    "1111aaaa-22bb-33cc-44dd-555555eeeeee",
                    ARN,
                    "alias/x",
                    &foreign
                ],
                &home
            ),
            [ARN]
        );
    }

    #[test]
    fn aws_managed_and_missing_keys_fail_and_garbage_cannot_be_evaluated() {
        let any = settings(&[]);
        let rules = rules(&any, None);
        assert!(matches!(
            check_key(Some("alias/aws/sagemaker"), &rules, "v"),
            Check::Fail { .. }
        ));
        assert!(matches!(check_key(None, &rules, "v"), Check::Fail { .. }));
        assert!(matches!(
            check_key(Some("  "), &rules, "v"),
            Check::Fail { .. }
        ));
        assert!(matches!(
            check_key(Some("not a key"), &rules, "v"),
            Check::CannotEvaluate { .. }
        ));
    }
}
