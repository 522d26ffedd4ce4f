//! Where a sweep goes: the accounts (an explicit list, or the organisation's, listed at sweep
//! time) and the regions, from the sweeper's environment.

use std::time::Instant;

use serde::Serialize;
use tracing::{info, warn};

use super::{start_by, SweepOptions, Target, DEFAULT_CONCURRENCY};
use crate::env::Environment;
use crate::ports::{AwsError, Organization};

/// Where the `sweeper` Lambda sweeps, and how fast, from its environment. The accounts are
/// decided at sweep time ([`SweepEnv::targets`]): an organisation gains and loses accounts
/// between sweeps, and a cold start lists nothing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SweepEnv {
    pub accounts: Accounts,
    /// Accounts never swept (`SWEEP_EXCLUDE_ACCOUNTS`).
    pub excluded: Vec<String>,
    pub regions: Vec<String>,
    pub concurrency: usize,
}

/// Which accounts a sweep covers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Accounts {
    /// These (`SWEEP_ACCOUNTS`, an explicit override; else the home account alone).
    Listed(Vec<String>),
    /// The active accounts of the organisation (`ORGANIZATION_ID`), or of those under these
    /// organizational units or roots (`SWEEP_ORGANIZATIONAL_UNITS`), listed at sweep time.
    Organization { parents: Vec<String> },
}

/// The targets of one sweep, and the accounts it left out.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct SweepTargets {
    pub targets: Vec<Target>,
    /// Accounts of the organisation that are not active (suspended, closing, closed): skipped.
    pub skipped: Vec<crate::ports::OrgAccount>,
    /// Accounts left out by `SWEEP_EXCLUDE_ACCOUNTS`.
    pub excluded: Vec<String>,
}

/// An organizational unit (`ou-xxxx-yyyyyyyy`) or root (`r-xxxx`) id, as Organizations writes them.
fn is_parent_id(id: &str) -> bool {
    let lower = |s: &str, min: usize| {
        (min..=32).contains(&s.len())
            && s.bytes()
                .all(|b| b.is_ascii_digit() || b.is_ascii_lowercase())
    };
    match (id.strip_prefix("r-"), id.strip_prefix("ou-")) {
        (Some(root), _) => lower(root, 4),
        (_, Some(unit)) => unit
            .split_once('-')
            .is_some_and(|(a, b)| lower(a, 4) && lower(b, 8)),
        _ => false,
    }
}

impl SweepEnv {
    /// `SWEEP_ACCOUNTS` (comma separated: an explicit list, which overrides the organisation),
    /// else with `ORGANIZATION_ID` the organisation's accounts (under `SWEEP_ORGANIZATIONAL_UNITS`
    /// when given), else the home account; minus `SWEEP_EXCLUDE_ACCOUNTS`. `SWEEP_REGIONS`
    /// (comma separated; default: the home region) and `SWEEP_CONCURRENCY` (default
    /// [`DEFAULT_CONCURRENCY`]).
    pub fn from_env(
        env: &Environment,
        home_account: &str,
        home_region: Option<String>,
    ) -> Result<SweepEnv, String> {
        let account_list = |name: &str| {
            let accounts = env.list(name);
            match accounts.iter().find(|a| !crate::resource::is_account_id(a)) {
                Some(bad) => Err(format!("{name}: `{bad}` is not a 12-digit account id")),
                None => Ok(accounts),
            }
        };
        let listed = account_list("SWEEP_ACCOUNTS")?;
        let excluded = account_list("SWEEP_EXCLUDE_ACCOUNTS")?;
        let parents = env.list("SWEEP_ORGANIZATIONAL_UNITS");
        if let Some(bad) = parents.iter().find(|p| !is_parent_id(p)) {
            return Err(format!(
                "SWEEP_ORGANIZATIONAL_UNITS: `{bad}` is not an organizational unit (ou-...) or root (r-...) id"
            ));
        }
        let organization = crate::env::organization_id(env)?;
        let accounts = match (listed.is_empty(), organization, parents.is_empty()) {
            (false, _, _) => Accounts::Listed(listed),
            (true, Some(_), _) => Accounts::Organization { parents },
            (true, None, false) => {
                return Err("SWEEP_ORGANIZATIONAL_UNITS is set without ORGANIZATION_ID".into())
            }
            (true, None, true) => Accounts::Listed(vec![home_account.to_string()]),
        };
        let mut regions = env.list("SWEEP_REGIONS");
        if regions.is_empty() {
            regions.extend(home_region);
        }
        if regions.is_empty() {
            return Err("SWEEP_REGIONS is empty and the function has no region".into());
        }
        let concurrency = match env.get("SWEEP_CONCURRENCY") {
            None => DEFAULT_CONCURRENCY,
            Some(v) => match v.parse::<usize>() {
                Ok(n) if (1..=64).contains(&n) => n,
                _ => return Err(format!("SWEEP_CONCURRENCY must be 1 to 64, not `{v}`")),
            },
        };
        Ok(SweepEnv {
            accounts,
            excluded,
            regions,
            concurrency,
        })
    }

    /// The targets of a sweep starting now: the accounts (the organisation's listed now, its
    /// accounts that are not active skipped and reported) minus the excluded ones, in every region.
    pub async fn targets(
        &self,
        organization: &impl Organization,
    ) -> Result<SweepTargets, AwsError> {
        let (accounts, skipped) = match &self.accounts {
            Accounts::Listed(accounts) => (accounts.clone(), Vec::new()),
            Accounts::Organization { parents } => {
                let (active, skipped): (Vec<_>, Vec<_>) = organization
                    .accounts(parents)
                    .await?
                    .into_iter()
                    .partition(|a| a.is_active());
                (active.into_iter().map(|a| a.id).collect(), skipped)
            }
        };
        let (excluded, accounts): (Vec<String>, Vec<String>) = accounts
            .into_iter()
            .partition(|a| self.excluded.contains(a));
        for account in &skipped {
            warn!(
                account = account.id,
                state = account.state,
                "account not active: not swept"
            );
        }
        if !skipped.is_empty() {
            let n = skipped.len();
            crate::metrics::emit(|| vec![crate::metrics::Point::count("SweepAccountsSkipped", n)]);
        }
        Ok(SweepTargets {
            targets: Target::all(&accounts, &self.regions),
            skipped,
            excluded,
        })
    }

    /// The options of one invocation of the sweeper Lambda: `request_id` names the sweep,
    /// `deadline_ms` (milliseconds since the epoch) bounds it.
    pub fn options(&self, request_id: &str, deadline_ms: u64) -> SweepOptions {
        let deadline = start_by(deadline_ms);
        let options = SweepOptions {
            sweep_id: format!("sweep/{request_id}"),
            concurrency: self.concurrency,
            deadline,
            progress: None,
            rechecks: None,
        };
        info!(
            sweep_id = options.sweep_id,
            seconds_to_start_inspections =
                deadline.map(|d| d.saturating_duration_since(Instant::now()).as_secs()),
            "sweep started"
        );
        options
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vars(pairs: &[(&str, &str)]) -> Environment {
        Environment::from_pairs(pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())))
    }

    fn org_account(id: &str, state: &str) -> crate::ports::OrgAccount {
        crate::ports::OrgAccount {
            id: id.into(),
            state: state.into(),
        }
    }

    #[tokio::test]
    async fn sweep_env_defaults_to_the_home_account_and_region_and_checks_values() {
        let home = Some("eu-west-1".to_string());
        let none = crate::fakes::FakeOrganization::default();
        let env = SweepEnv::from_env(&vars(&[]), "123456789012", home.clone());
        assert_eq!(
            env.as_ref().map(|e| e.accounts.clone()),
            Ok(Accounts::Listed(vec!["123456789012".into()]))
        );
        let chosen = match &env {
            Ok(env) => env.targets(&none).await.map(|t| t.targets),
            Err(e) => panic!("{e}"),
        };
        assert_eq!(
            chosen,
            Ok(vec![Target {
                account: "123456789012".into(),
                region: "eu-west-1".into()
            }])
        );
        let env = SweepEnv::from_env(
            &vars(&[
                ("SWEEP_ACCOUNTS", "111111111111, 222222222222"),
                ("SWEEP_REGIONS", "us-east-1,eu-west-1"),
                ("SWEEP_CONCURRENCY", "4"),
                ("ORGANIZATION_ID", "o-abcdefghij"),
            ]),
            "123456789012",
            home.clone(),
        );
        let env = env.unwrap_or_else(|e| panic!("{e}"));
        // The explicit list overrides the organisation, which is then not asked.
        assert_eq!(env.targets(&none).await.map(|t| t.targets.len()), Ok(4));
        assert_eq!(env.concurrency, 4);
        for bad in [
            vec![("SWEEP_ACCOUNTS", "12345")],
            vec![("SWEEP_CONCURRENCY", "0")],
            vec![("SWEEP_CONCURRENCY", "lots")],
            vec![("SWEEP_EXCLUDE_ACCOUNTS", "1111")],
            vec![("ORGANIZATION_ID", "org-1")],
            vec![("SWEEP_ORGANIZATIONAL_UNITS", "ou-abcd-12345678")],
            vec![
                ("ORGANIZATION_ID", "o-abcdefghij"),
                ("SWEEP_ORGANIZATIONAL_UNITS", "team-a"),
            ],
        ] {
            assert!(
                SweepEnv::from_env(&vars(&bad), "123456789012", home.clone()).is_err(),
                "{bad:?}"
            );
        }
    }

    /// With an organisation, a sweep covers its active accounts as listed at sweep time (under
    /// the given units only, when given), minus the excluded ones; accounts that are not
    /// active are skipped and reported; a listing that fails fails the sweep's start.
    #[tokio::test]
    async fn an_organisation_sweep_covers_its_active_accounts_listed_at_sweep_time() {
        let mut organization = crate::fakes::FakeOrganization::default();
        for (parent, id, state) in [
            ("ou-ab12-aaaaaaaa", "111111111111", "ACTIVE"),
            ("ou-ab12-aaaaaaaa", "222222222222", "SUSPENDED"),
            ("ou-ab12-bbbbbbbb", "333333333333", "ACTIVE"),
            ("ou-ab12-bbbbbbbb", "444444444444", "PENDING_CLOSURE"),
            ("ou-ab12-bbbbbbbb", "555555555555", "ACTIVE"),
        ] {
            organization
                .accounts
                .push((parent.into(), org_account(id, state)));
        }
        let env = |extra: &[(&str, &str)]| {
            let mut pairs = vec![
                ("ORGANIZATION_ID", "o-abcdefghij"),
                ("SWEEP_REGIONS", "us-east-1,eu-west-1"),
            ];
            pairs.extend_from_slice(extra);
            SweepEnv::from_env(&vars(&pairs), "999999999999", None)
                .unwrap_or_else(|e| panic!("{e}"))
        };
        let all = env(&[("SWEEP_EXCLUDE_ACCOUNTS", "555555555555")]);
        let chosen = all.targets(&organization).await.unwrap_or_default();
        let accounts: std::collections::BTreeSet<&str> =
            chosen.targets.iter().map(|t| t.account.as_str()).collect();
        assert_eq!(accounts, ["111111111111", "333333333333"].into());
        assert_eq!(chosen.targets.len(), 4);
        assert_eq!(
            chosen.skipped,
            [
                org_account("222222222222", "SUSPENDED"),
                org_account("444444444444", "PENDING_CLOSURE")
            ]
        );
        assert_eq!(chosen.excluded, ["555555555555"]);

        let unit = env(&[("SWEEP_ORGANIZATIONAL_UNITS", "ou-ab12-aaaaaaaa")]);
        let chosen = unit.targets(&organization).await.unwrap_or_default();
        assert!(chosen.targets.iter().all(|t| t.account == "111111111111"));

        organization.faults.throttle("ListAccounts", 1);
        assert!(all.targets(&organization).await.is_err());
    }
}
