//! `artifact-bucket-owner`: what an MLflow tracking server stores goes to a bucket of the
//! organisation, and SageMaker checks that it still is.
//!
//! **What** — an MLflow tracking server's `S3BucketOwnerVerification` is not `false` ("Enable
//! Amazon S3 Ownership checks when interacting with Amazon S3 buckets"; AWS's default: true), and
//! its `S3BucketOwnerAccountId` ("Expected ... account ID that owns the Amazon S3 bucket for
//! artifact storage"; AWS's default: the caller's account) is the server's own account or one the
//! policy trusts, `owner_accounts`: by default the accounts of the deployment's organisation (asked
//! of Organizations; with no organisation configured, the server's own account only), or a list of
//! account ids, or `"any"`. An MLflow app takes no expected owner (API reference,
//! `CreateMlflowApp`): not applicable, stated as a gap. Other kinds: not applicable.
//!
//! **Why** — the artifact store holds the models, datasets and metrics every run logs. An owner
//! outside the organisation sends them to someone else's account; without the ownership check, a
//! bucket of the same name created in another account after the team's is deleted receives them.
//!
//! **Example** — `CreateMlflowTrackingServer` with `S3BucketOwnerAccountId = 210987654321` (not
//! an account of the organisation) fails; so does `S3BucketOwnerVerification = false`.
//!
//! **Fix** — `UpdateMlflowTrackingServer` with the organisation's bucket owner and
//! `S3BucketOwnerVerification = true`. Containment stops the server (`StopMlflowTrackingServer`;
//! its data is kept, it can be started again). Not preventable: no condition key carries either
//! setting (Service Authorization Reference: MLflow calls take tag keys only).

use serde::Deserialize;

use super::kms::{KeyAccounts, Trust};
use super::{Check, Control, ControlId, Invalid, Mode, Severity};
use crate::preventive::{actions, Scp};
use crate::resource::Snapshot;

pub struct ArtifactBucketOwner;

/// Stable id: it appears in policies, findings, alerts and filter policies; never change it.
pub const ID: ControlId = ControlId::new("artifact-bucket-owner");

/// `[controls.artifact-bucket-owner]`.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OwnerEntry {
    mode: Option<Mode>,
    severity: Option<Severity>,
    owner_accounts: Option<KeyAccounts>,
}

impl super::Entry for OwnerEntry {
    fn levels(&self) -> (Option<Mode>, Option<Severity>) {
        (self.mode, self.severity)
    }
}

/// Whose buckets pass besides the resource's own account's.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OwnerSettings {
    pub owner_accounts: KeyAccounts,
}

impl Control for ArtifactBucketOwner {
    const ID: ControlId = ID;
    const BASELINE: (Mode, Severity) = (Mode::Enforce, Severity::High);
    const REMEDY: &'static str = "Update the tracking server with S3BucketOwnerVerification = true and a bucket owner of the organisation.";
    type Entry = OwnerEntry;
    type Settings = OwnerSettings;

    fn settings(entry: OwnerEntry) -> Result<OwnerSettings, Invalid> {
        let field = format!("controls.{ID}.owner_accounts");
        Ok(OwnerSettings {
            owner_accounts: super::kms::accounts(entry.owner_accounts, &field)?,
        })
    }

    fn check(snapshot: &Snapshot, settings: &OwnerSettings) -> Check {
        let home = super::kms::Home::of(snapshot);
        let trust = Trust {
            accounts: &settings.owner_accounts,
            field: "owner_accounts",
            home: &home,
            organization: snapshot.key_accounts.as_ref(),
            live: snapshot.key_managers.is_some(),
        };
        snapshot.facets().artifact_store().judge(snapshot.kind(), &|store| {
            let bucket = format!("bucket of {}", store.uri.unwrap_or("its artifact store"));
            let expected = "S3BucketOwnerVerification true and a bucket owner of the organisation";
            if store.owner_verification == Some(false) {
                return Check::fail(
                    format!("S3BucketOwnerVerification = false: SageMaker does not check who owns the {bucket}"),
                    expected,
                );
            }
            let account = store.owner_account.unwrap_or(&home.account);
            trust
                .untrusted(account, &bucket, expected)
                .unwrap_or_else(|| Check::pass(format!("{bucket}, owned by {account}, checked")))
        })
    }

    fn prevent(_: &OwnerSettings, scp: &mut Scp<'_>) {
        for action in [actions::CREATE_MLFLOW_TRACKING_SERVER, actions::UPDATE_MLFLOW_TRACKING_SERVER] {
            scp.gap(
                Self::ID,
                action,
                "no condition key carries S3BucketOwnerAccountId or S3BucketOwnerVerification",
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;
    use crate::controls::fixtures::*;

    #[test]
    fn table() {
        let org = BTreeMap::from([("111122223333".to_string(), true), ("210987654321".to_string(), false)]);
        let with = |f: fn(&mut crate::kinds::mlflow_tracking_server::TrackingServerConfig), live: bool| {
            let mut s = mlflow_server(f);
            if live {
                s.key_managers = Some(BTreeMap::new());
                s.key_accounts = Some(org.clone());
            }
            s
        };
        let default = OwnerSettings::default();
        let listed = OwnerSettings {
            owner_accounts: KeyAccounts::Listed(vec!["210987654321".into()]),
        };
        let cases = [
            ("defaults: own account, checked", with(|_| {}, true), &default, "PASS"),
            ("own account named", with(|s| s.owner_account = Some(ACCOUNT.into()), true), &default, "PASS"),
            ("verification off", with(|s| s.owner_verification = Some(false), true), &default, "FAIL"),
            ("an account of the organisation", with(|s| s.owner_account = Some("111122223333".into()), true), &default, "PASS"),
            ("outside the organisation", with(|s| s.owner_account = Some("210987654321".into()), true), &default, "FAIL"),
            ("outside, but listed", with(|s| s.owner_account = Some("210987654321".into()), true), &listed, "PASS"),
            ("in the organisation, not listed", with(|s| s.owner_account = Some("111122223333".into()), true), &listed, "FAIL"),
            ("not asked", with(|s| s.owner_account = Some("444455556666".into()), true), &default, "CANNOT"),
            ("offline, another account", with(|s| s.owner_account = Some("111122223333".into()), false), &default, "CANNOT"),
            ("training", training(|_| {}), &default, "N/A"),
        ];
        for (name, snap, settings, want) in cases {
            assert_eq!(status(&ArtifactBucketOwner::check(&snap, settings)), want, "{name}");
        }
        let entry: OwnerEntry = toml::from_str("owner_accounts = [\"1234\"]").unwrap_or_default();
        let refused = ArtifactBucketOwner::settings(entry).err().map(|e| e.0);
        assert_eq!(refused.as_deref(), Some("controls.artifact-bucket-owner.owner_accounts[0]"));
    }
}
