//! Where the functions' policy lives, and how a running function keeps it current.
//!
//! A deployed policy is an S3 object (`GUARDRAIL_POLICY=s3://BUCKET/KEY`): no size limit (a
//! Lambda's environment holds 4 KB in all, an SSM parameter 8 KB), every version kept by the
//! bucket's versioning, and a conditional read (`If-None-Match` with the last ETag) that costs
//! nothing when nothing changed. The functions read it once per cold start, where a policy that
//! cannot be read or is invalid stops the start with an error naming the object, the line and
//! the field. A running container asks again at most every [`DEFAULT_REFRESH`] (at the start of
//! an invocation, never in the middle of one): a new valid version takes over; a broken or
//! missing one is refused, logged and counted (metric `PolicyRejected`, alarmed), and the last
//! good policy stays in force. Nothing falls back to the built-in baseline: an empty object is
//! refused too (a policy that means the baseline says so, with `version = 1`).

use std::sync::{Arc, Mutex, RwLock};
use std::time::{Duration, Instant};

use tracing::{error, info};

use crate::env::Environment;
use crate::ports::{AwsError, PolicyObjects};
use crate::Policy;

/// How long a running function keeps a policy before asking whether it changed.
pub const DEFAULT_REFRESH: Duration = Duration::from_secs(300);

/// An S3 object holding the policy.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PolicyLocation {
    pub bucket: String,
    pub key: String,
}

impl PolicyLocation {
    /// `s3://BUCKET/KEY`; `None` for anything else (a file path).
    pub fn parse(value: &str) -> Option<Result<PolicyLocation, String>> {
        let rest = value.strip_prefix("s3://")?;
        Some(match rest.split_once('/') {
            Some((bucket, key)) if !bucket.is_empty() && !key.is_empty() => Ok(PolicyLocation {
                bucket: bucket.to_string(),
                key: key.to_string(),
            }),
            _ => Err(format!(
                "GUARDRAIL_POLICY: `{value}` is not an S3 object (s3://BUCKET/KEY)"
            )),
        })
    }
}

impl std::fmt::Display for PolicyLocation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "s3://{}/{}", self.bucket, self.key)
    }
}

/// What a read of the policy object found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Fetched {
    /// The object still has the ETag the reader knew.
    Unchanged,
    /// No such object (or bucket).
    Missing,
    /// The object's text, its ETag and, in a versioned bucket, its version id.
    Object {
        text: String,
        etag: String,
        version_id: Option<String>,
    },
}

/// Why a function could not start with its policy.
#[derive(Debug, thiserror::Error)]
pub enum PolicyLoadError {
    #[error("cannot read the policy {location}: {source}")]
    Read {
        location: String,
        #[source]
        source: AwsError,
    },
    #[error(
        "the policy {location} does not exist: upload it (aws s3 cp policy.toml {location}); \
         nothing falls back to the baseline"
    )]
    Missing { location: String },
    #[error(transparent)]
    Invalid(#[from] crate::policy::PolicyError),
    #[error("{0}")]
    Setting(String),
}

/// The policy an inspector judges with, shared with whoever replaces it. Each use takes the
/// policy as it is then; a replacement never changes a policy already taken.
#[derive(Debug, Clone)]
pub struct SharedPolicy(Arc<RwLock<Arc<Policy>>>);

impl SharedPolicy {
    pub fn new(policy: Policy) -> SharedPolicy {
        SharedPolicy(Arc::new(RwLock::new(Arc::new(policy))))
    }

    /// The policy in force now.
    pub fn current(&self) -> Arc<Policy> {
        self.0.read().unwrap_or_else(|p| p.into_inner()).clone()
    }

    fn replace(&self, policy: Policy) {
        *self.0.write().unwrap_or_else(|p| p.into_inner()) = Arc::new(policy);
    }
}

impl From<Policy> for SharedPolicy {
    fn from(policy: Policy) -> SharedPolicy {
        SharedPolicy::new(policy)
    }
}

/// What a refresh did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refresh {
    /// Asked too recently to ask again.
    NotDue,
    /// The object has not changed.
    Unchanged,
    /// A new version is in force.
    Updated { from: String, to: String },
    /// The object could not be read or was refused; the last good policy stays (why).
    Kept(String),
}

/// When the object was last asked about, and the ETag of the policy in force.
#[derive(Debug)]
struct Watch {
    etag: String,
    checked: Instant,
}

/// The policy of a deployed function: read from its object at the cold start, read again when
/// due, never replaced by anything but a valid newer version.
#[derive(Debug)]
pub struct LivePolicy<O> {
    objects: O,
    location: PolicyLocation,
    force_audit: bool,
    every: Duration,
    shared: SharedPolicy,
    watch: Mutex<Watch>,
}

impl<O: PolicyObjects> LivePolicy<O> {
    /// Reads and validates the policy at `location` (the cold start): any failure is an error
    /// naming the object, and the line and field of an invalid one. `force_audit` is
    /// `GUARDRAIL_MODE=audit`.
    pub async fn load(
        objects: O,
        location: PolicyLocation,
        force_audit: bool,
        every: Duration,
    ) -> Result<LivePolicy<O>, PolicyLoadError> {
        let started = Instant::now();
        let fetched = objects.fetch(&location, None).await;
        let loaded = match fetched {
            Ok(Fetched::Object {
                text,
                etag,
                version_id,
            }) => parse(&location, &text, version_id.as_deref(), force_audit).map(|p| (p, etag)),
            Ok(Fetched::Missing | Fetched::Unchanged) => Err(PolicyLoadError::Missing {
                location: location.to_string(),
            }),
            Err(source) => Err(PolicyLoadError::Read {
                location: location.to_string(),
                source,
            }),
        };
        let (policy, etag) = loaded.inspect_err(|e| {
            error!(policy = %location, error = %e, "policy refused at start");
            crate::metrics::policy_rejected();
        })?;
        info!(policy = %location, version = policy.version, ms = crate::elapsed_ms(started), "policy loaded");
        Ok(LivePolicy {
            objects,
            location,
            force_audit,
            every,
            shared: SharedPolicy::new(policy),
            watch: Mutex::new(Watch {
                etag,
                checked: Instant::now(),
            }),
        })
    }

    /// The policy handle to give the inspector: [`LivePolicy::refresh`] replaces what it holds.
    pub fn shared(&self) -> SharedPolicy {
        self.shared.clone()
    }

    /// Asks whether the object changed, when the last check is older than the refresh period;
    /// called at the start of an invocation. A valid new version takes over; anything else
    /// leaves the policy in force, and is logged and counted.
    pub async fn refresh(&self) -> Refresh {
        let etag = {
            let watch = crate::lock(&self.watch);
            if watch.checked.elapsed() < self.every {
                return Refresh::NotDue;
            }
            watch.etag.clone()
        };
        let fetched = self.objects.fetch(&self.location, Some(&etag)).await;
        let outcome = match fetched {
            Ok(Fetched::Unchanged) => Ok(None),
            Ok(Fetched::Object {
                text,
                etag,
                version_id,
            }) => parse(
                &self.location,
                &text,
                version_id.as_deref(),
                self.force_audit,
            )
            .map(|policy| Some((policy, etag)))
            .map_err(|e| e.to_string()),
            Ok(Fetched::Missing) => Err(PolicyLoadError::Missing {
                location: self.location.to_string(),
            }
            .to_string()),
            Err(e) => Err(format!("cannot read the policy {}: {e}", self.location)),
        };
        let mut watch = crate::lock(&self.watch);
        watch.checked = Instant::now();
        match outcome {
            Ok(None) => Refresh::Unchanged,
            Ok(Some((policy, etag))) => {
                let from = self.shared.current().version.clone();
                let to = policy.version.clone();
                info!(policy = %self.location, from, to, "policy updated");
                self.shared.replace(policy);
                watch.etag = etag;
                Refresh::Updated { from, to }
            }
            Err(reason) => {
                // The ETag stays that of the policy in force: the next check reads the refused
                // object again, and counts it again, until it is fixed.
                let version = self.shared.current().version.clone();
                error!(policy = %self.location, error = reason, kept = version, "new policy refused; the last good one stays in force");
                crate::metrics::policy_rejected();
                Refresh::Kept(reason)
            }
        }
    }
}

/// Parses the object's text: `origin` names the object and its version in every error.
fn parse(
    location: &PolicyLocation,
    text: &str,
    version_id: Option<&str>,
    force_audit: bool,
) -> Result<Policy, PolicyLoadError> {
    let origin = match version_id {
        Some(v) => format!("{location} (version {v})"),
        None => location.to_string(),
    };
    if text.trim().is_empty() {
        return Err(PolicyLoadError::Setting(format!(
            "the policy {origin} is empty: refused, so that a truncated upload never turns \
             enforcement into the baseline; a policy meaning the baseline says `version = 1`"
        )));
    }
    let mut policy = Policy::from_toml(text, &origin)?;
    if force_audit {
        policy.force_audit();
    }
    Ok(policy)
}

/// The refresh period: `POLICY_REFRESH_SECONDS` (0 to 3600; default 300).
pub fn refresh_period(env: &Environment) -> Result<Duration, String> {
    match env.get("POLICY_REFRESH_SECONDS") {
        None => Ok(DEFAULT_REFRESH),
        Some(v) => match v.parse::<u64>() {
            Ok(s) if s <= 3600 => Ok(Duration::from_secs(s)),
            _ => Err(format!(
                "POLICY_REFRESH_SECONDS must be a number of seconds from 0 to 3600, not `{v}`"
            )),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::controls::vpc_attached;
    use crate::fakes::FakePolicyObjects;
    use crate::policy::Mode;

    type Result = std::result::Result<(), Box<dyn std::error::Error>>;

    fn location() -> PolicyLocation {
        PolicyLocation {
            bucket: "guardrail-policy".into(),
            key: "policy.toml".into(),
        }
    }

    const AUDIT_VPC: &str = "version = 1\n[controls.vpc-attached]\nmode = \"audit\"\n";
    const OFF_VPC: &str = "version = 1\n[controls.vpc-attached]\nmode = \"off\"\n";

    #[test]
    fn a_location_is_an_s3_uri_and_anything_else_is_a_path() {
        assert_eq!(
            PolicyLocation::parse("s3://b/team/policy.toml"),
            Some(Ok(PolicyLocation {
                bucket: "b".into(),
                key: "team/policy.toml".into()
            }))
        );
        assert_eq!(PolicyLocation::parse("infra/policy.example.toml"), None);
        for bad in ["s3://", "s3://b", "s3://b/", "s3:///k"] {
            assert!(matches!(PolicyLocation::parse(bad), Some(Err(_))), "{bad}");
        }
    }

    /// The cold start refuses what it cannot use, naming the object, the line and the field.
    #[tokio::test]
    async fn a_start_refuses_a_missing_an_empty_or_an_invalid_policy() -> Result {
        let objects = FakePolicyObjects::default();
        let missing = LivePolicy::load(objects.clone(), location(), false, DEFAULT_REFRESH).await;
        let missing = missing.err().map(|e| e.to_string()).unwrap_or_default();
        assert!(
            missing.contains("s3://guardrail-policy/policy.toml does not exist"),
            "{missing}"
        );

        objects.put(" \n");
        let empty = LivePolicy::load(objects.clone(), location(), false, DEFAULT_REFRESH).await;
        assert!(empty.is_err_and(|e| e.to_string().contains("is empty")));

        objects.put("version = 1\n\n[controls.vpc-attached]\nmode = \"enforce\"\nallowed_subnets = [\"subnet-1\", 7]\n");
        let invalid = LivePolicy::load(objects.clone(), location(), false, DEFAULT_REFRESH).await;
        let invalid = invalid.err().map(|e| e.to_string()).unwrap_or_default();
        assert!(
            invalid.contains("s3://guardrail-policy/policy.toml (version v2)"),
            "{invalid}"
        );
        assert!(invalid.contains("line 5"), "{invalid}");

        objects.put("version = 1\n[[exemptions]]\nresource = \"arn:aws:sagemaker:us-east-1:123456789012:training-job/a\"\ncontrols = [\"vpc-attached\"]\nreason = \"r\"\nexpires = 2999-01-01\n");
        let invalid = LivePolicy::load(objects.clone(), location(), false, DEFAULT_REFRESH).await;
        let invalid = invalid.err().map(|e| e.to_string()).unwrap_or_default();
        assert!(
            invalid.contains("line 6: exemptions[0].expires"),
            "{invalid}"
        );

        objects.fail_reads(1);
        objects.put(AUDIT_VPC);
        let unreadable =
            LivePolicy::load(objects.clone(), location(), false, DEFAULT_REFRESH).await;
        assert!(unreadable.is_err_and(|e| e.to_string().contains("cannot read the policy")));
        Ok(())
    }

    /// A running function takes a new valid version when due, keeps the last good one when the
    /// new one is broken, missing or unreadable, and asks again until it is fixed.
    #[tokio::test]
    async fn a_refresh_takes_a_valid_version_and_keeps_the_last_good_one_otherwise() -> Result {
        let objects = FakePolicyObjects::default();
        objects.put(AUDIT_VPC);
        let live = LivePolicy::load(objects.clone(), location(), false, Duration::ZERO).await?;
        let shared = live.shared();
        let mode = |s: &SharedPolicy| s.current().setting(vpc_attached::ID).0;
        assert_eq!(mode(&shared), Mode::Audit);
        assert_eq!(live.refresh().await, Refresh::Unchanged);

        objects.put("version = 1\n[controls.vpc-attached]\nmode = \"sometimes\"\n");
        assert!(matches!(live.refresh().await, Refresh::Kept(why) if why.contains("line 3")));
        assert_eq!(mode(&shared), Mode::Audit);
        // Asked again, the broken object is refused again (the alarm stays on).
        assert!(matches!(live.refresh().await, Refresh::Kept(_)));

        objects.delete();
        assert!(
            matches!(live.refresh().await, Refresh::Kept(why) if why.contains("does not exist"))
        );
        objects.put("");
        assert!(matches!(live.refresh().await, Refresh::Kept(why) if why.contains("empty")));
        objects.put(OFF_VPC);
        objects.fail_reads(1);
        assert!(matches!(live.refresh().await, Refresh::Kept(why) if why.contains("cannot read")));
        assert_eq!(mode(&shared), Mode::Audit);

        let taken = shared.current();
        assert!(matches!(live.refresh().await, Refresh::Updated { .. }));
        assert_eq!(mode(&shared), Mode::Off);
        // A policy already taken (an invocation under way) is not changed under it.
        assert_eq!(taken.setting(vpc_attached::ID).0, Mode::Audit);
        Ok(())
    }

    /// Within the refresh period nothing is asked; `GUARDRAIL_MODE=audit` holds for every
    /// version.
    #[tokio::test]
    async fn a_refresh_waits_for_its_period_and_audit_mode_holds() -> Result {
        let objects = FakePolicyObjects::default();
        objects.put("version = 1\n");
        let live = LivePolicy::load(objects.clone(), location(), true, DEFAULT_REFRESH).await?;
        objects.put("version = 1\n[controls.vpc-attached]\nseverity = \"low\"\n");
        assert_eq!(live.refresh().await, Refresh::NotDue);
        assert_eq!(objects.reads(), 1);
        assert_eq!(
            live.shared().current().setting(vpc_attached::ID).0,
            Mode::Audit
        );
        Ok(())
    }

    #[test]
    fn the_refresh_period_is_bounded() {
        let with =
            |v: &str| refresh_period(&Environment::from_pairs([("POLICY_REFRESH_SECONDS", v)]));
        assert_eq!(with("60"), Ok(Duration::from_secs(60)));
        assert_eq!(refresh_period(&Environment::default()), Ok(DEFAULT_REFRESH));
        assert!(with("3601").is_err() && with("soon").is_err());
    }
}
