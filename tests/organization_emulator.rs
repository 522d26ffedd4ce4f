//! Issue 18 on the emulator: the sweep's accounts come from AWS Organizations at sweep time, the
//! inspector refuses events of accounts outside the organization, evidence is looked up in the
//! finding's own account, and the deployed policy is an S3 object read and refreshed through the
//! real SDK. Each test makes its own organization, managed from an account of its own (moto keeps
//! one organization per management account).

use std::sync::Arc;
use std::time::Duration;

use aws_sdk_sqs::types::{QueueAttributeName, QueueAttributeName::ApproximateNumberOfMessages};
use futures::StreamExt;
use guardrail_aws::{CloudTrail, Deployment, Fleet, MemberRole, OrgAccounts, PerAccount};
use guardrail_core::env::Environment;
use guardrail_core::policy_source::{LivePolicy, PolicyLocation, Refresh};
use guardrail_core::ports::Organization;
use guardrail_core::sweep::{self, SweepEnv};
use guardrail_core::{Outcome, Policy};
use guardrail_sqlite::SqliteStore;
use guardrail_tests::*;

/// An organization managed from a new account: its id, root, and the management account's SDK
/// configuration (reached as the tests reach any member account).
struct Org {
    id: String,
    root: String,
    management: String,
    config: aws_config::SdkConfig,
    client: aws_sdk_organizations::Client,
}

impl Org {
    async fn create() -> TestResult<Org> {
        Emulator::connect().await?;
        let management = unique_account();
        let config = member_fleet(true).await.config(&management, REGION).await?;
        let client = aws_sdk_organizations::Client::new(&config);
        let org = client
            .create_organization()
            .feature_set(aws_sdk_organizations::types::OrganizationFeatureSet::All)
            .send()
            .await?;
        let id = org
            .organization()
            .and_then(|o| o.id())
            .ok_or("no organization id")?
            .to_string();
        let roots = client.list_roots().send().await?;
        let root = roots
            .roots()
            .first()
            .and_then(|r| r.id())
            .ok_or("no root")?
            .to_string();
        Ok(Org {
            id,
            root,
            management,
            config,
            client,
        })
    }

    /// `n` new member accounts, made 8 at a time; their ids.
    async fn accounts(&self, n: usize) -> TestResult<Vec<String>> {
        let made = futures::stream::iter(0..n)
            .map(|i| async move {
                let out = self
                    .client
                    .create_account()
                    .email(format!("ml-{i}@example.com"))
                    .account_name(format!("ml-{i}"))
                    .send()
                    .await?;
                let id = out
                    .create_account_status()
                    .and_then(|s| s.account_id())
                    .ok_or("no account id")?;
                TestResult::Ok(id.to_string())
            })
            .buffer_unordered(8)
            .collect::<Vec<_>>()
            .await;
        made.into_iter().collect()
    }

    async fn unit(&self, parent: &str, name: &str) -> TestResult<String> {
        let out = self
            .client
            .create_organizational_unit()
            .parent_id(parent)
            .name(name)
            .send()
            .await?;
        Ok(out
            .organizational_unit()
            .and_then(|u| u.id())
            .ok_or("no unit id")?
            .to_string())
    }

    fn sweep_env(&self, extra: &[(&str, &str)]) -> TestResult<SweepEnv> {
        let mut pairs = vec![
            ("ORGANIZATION_ID", self.id.as_str()),
            ("SWEEP_REGIONS", REGION),
        ];
        pairs.extend_from_slice(extra);
        Ok(SweepEnv::from_env(
            &Environment::from_pairs(pairs),
            &self.management,
            None,
        )?)
    }

    /// The functions' deployment in the management account, within the organization.
    fn deployment(&self) -> Deployment {
        let role = MemberRole {
            name: MEMBER_ROLE.into(),
            external_id: EXTERNAL_ID.into(),
        };
        let fleet = Fleet::new(self.config.clone(), self.management.clone(), Some(role));
        Deployment::with(
            Environment::default(),
            Policy::baseline(),
            self.config.clone(),
            Arc::new(fleet.within(&self.id)),
        )
    }
}

/// A failure queue of the functions' kind, and its URL.
async fn failure_queue(emu: &Emulator) -> TestResult<(guardrail_aws::SqsFailureQueue, String)> {
    let url = emu.queue(&unique("org-failures")).await?;
    Ok((
        guardrail_aws::SqsFailureQueue::new(emu.sqs.clone(), &url),
        url,
    ))
}

async fn fifo_queue(emu: &Emulator) -> TestResult<String> {
    Ok(emu
        .sqs
        .create_queue()
        .queue_name(format!("{}.fifo", unique("org-sweep")))
        .attributes(QueueAttributeName::FifoQueue, "true")
        .send()
        .await?
        .queue_url
        .ok_or("no queue url")?)
}

/// The fan-out covers 1,000 accounts listed from Organizations at sweep time: the suspended
/// ones skipped and named, the excluded one left out, one message per target; under a unit,
/// only the accounts of its nested units.
#[tokio::test]
async fn a_sweep_fans_out_over_the_active_accounts_of_an_organization_of_a_thousand() -> TestResult
{
    // Given an organization of 1,000 accounts (the management account and 999 members), two of
    // them closed, five in a unit nested under another
    let org = Org::create().await?;
    let members = org.accounts(999).await?;
    for closed in &members[..2] {
        org.client.close_account().account_id(closed).send().await?;
    }
    let prod = org.unit(&org.root, "prod").await?;
    let ml = org.unit(&prod, "ml").await?;
    for account in &members[10..15] {
        org.client
            .move_account()
            .account_id(account)
            .source_parent_id(&org.root)
            .destination_parent_id(&ml)
            .send()
            .await?;
    }
    let organization = OrgAccounts::new(&org.config);
    let listed = organization.accounts(&[]).await?;
    assert_eq!(listed.len(), 1000);

    // When a scheduled sweep starts, with one account excluded
    let scope = org.sweep_env(&[("SWEEP_EXCLUDE_ACCOUNTS", &members[5])])?;
    let chosen = scope.targets(&organization).await?;

    // Then every active account but the excluded one is a target, and the closed ones are
    // skipped and named
    assert_eq!(chosen.targets.len(), 997);
    let mut skipped: Vec<(&str, &str)> = chosen
        .skipped
        .iter()
        .map(|a| (a.id.as_str(), a.state.as_str()))
        .collect();
    skipped.sort();
    let mut closed: Vec<(&str, &str)> = members[..2]
        .iter()
        .map(|a| (a.as_str(), "SUSPENDED"))
        .collect();
    closed.sort();
    assert_eq!(skipped, closed);
    assert_eq!(chosen.excluded, [members[5].clone()]);
    assert!(chosen.targets.iter().any(|t| t.account == org.management));

    // And the fan-out is unchanged: one message per target on the FIFO queue
    let home = Emulator::connect().await?;
    let queue_url = fifo_queue(&home).await?;
    let queue = guardrail_aws::SqsSweepQueue::new(home.sqs.clone(), &queue_url);
    let sweep_id = unique("sweep/org");
    assert_eq!(
        sweep::fan_out(&queue, &sweep_id, &chosen.targets).await?,
        997
    );
    let attributes = home
        .sqs
        .get_queue_attributes()
        .queue_url(&queue_url)
        .attribute_names(ApproximateNumberOfMessages)
        .send()
        .await?;
    let queued = attributes
        .attributes()
        .and_then(|a| a.get(&ApproximateNumberOfMessages))
        .map(String::as_str);
    assert_eq!(queued, Some("997"));

    // Under the unit `prod`: the five accounts of its nested unit `ml`, and nothing else
    let unit = org.sweep_env(&[("SWEEP_ORGANIZATIONAL_UNITS", &prod)])?;
    let mut under: Vec<String> = unit
        .targets(&organization)
        .await?
        .targets
        .into_iter()
        .map(|t| t.account)
        .collect();
    under.sort();
    let mut expected = members[10..15].to_vec();
    expected.sort();
    assert_eq!(under, expected);
    Ok(())
}

/// An event of an account outside the organization is refused before any role is assumed
/// there: kept in the failure queue with the reason, its resource untouched. An event of a
/// member account is inspected through the member role, and the evidence of its remediation is
/// found in that account's CloudTrail, not in the central one's.
#[tokio::test]
async fn events_of_accounts_outside_the_organization_are_refused() -> TestResult {
    // Given an organization with one member account, and an account outside it, each with a
    // notebook without a VPC
    let org = Org::create().await?;
    let member = org.accounts(1).await?.remove(0);
    let outsider = unique_account();
    let name = unique("org-nb");
    for account in [&member, &outsider] {
        let emu = Emulator::in_account(account).await?;
        create_notebook(&emu, &name, Posture::NonCompliant, None).await?;
    }
    let home = Emulator::connect().await?;
    let alerts = home.alert_channel().await?;
    let store = SqliteStore::in_memory()?;
    let deployment = org.deployment();
    let inspector = deployment.inspector(store.clone(), &alerts.topic_arn)?;
    let (failures, failures_url) = failure_queue(&home).await?;
    let event_in = |account: &str| -> TestResult<serde_json::Value> {
        let event = sample_event("notebook/state-change.json", "open-nb", &name)?;
        Ok(serde_json::from_str(
            &event.to_string().replace(ACCOUNT, account),
        )?)
    };

    // When the outsider's event arrives
    let outcome = inspector
        .handle_invocation(&event_in(&outsider)?, &failures, &())
        .await?;

    // Then it is refused, naming the account and the organization, and kept with the reason
    let Outcome::Rejected { error, .. } = &outcome else {
        return Err(format!("expected a refusal, got {outcome:?}").into());
    };
    assert!(
        error.contains(&format!(
            "account {outsider} is not in the organization {}",
            org.id
        )),
        "{error}"
    );
    let kept = home
        .sqs
        .receive_message()
        .queue_url(&failures_url)
        .wait_time_seconds(2)
        .send()
        .await?;
    assert_eq!(kept.messages().len(), 1);
    let outside = Emulator::in_account(&outsider).await?;
    assert_eq!(outside.notebook_status(&name).await?, "InService");

    // And the member's event is inspected and contained through the member role
    let outcome = inspector
        .handle_invocation(&event_in(&member)?, &failures, &())
        .await?;
    assert!(matches!(outcome, Outcome::Evaluated { .. }), "{outcome:?}");
    let inside = Emulator::in_account(&member).await?;
    assert_eq!(inside.notebook_status(&name).await?, "Stopped");

    // And the evidence of the stop is in the member account's CloudTrail, which the CLI reads
    // through the member role; the central account's has none
    let arn = format!("arn:aws:sagemaker:{REGION}:{member}:notebook-instance/{name}");
    let id = guardrail_core::findings::finding_id(&arn, "vpc-attached");
    let trail = PerAccount::new(deployment.fleet.clone(), |c| {
        CloudTrail::new(aws_sdk_cloudtrail::Client::new(c))
    });
    let found = guardrail_core::evidence::evidence(&store, &trail, &id).await?;
    assert_eq!(found.records.len(), 1, "{:?}", found.records);
    assert_eq!(found.records[0].event_name, "StopNotebookInstance");
    let central = CloudTrail::new(home.cloudtrail.clone());
    let elsewhere = guardrail_core::evidence::evidence(&store, &central, &id).await?;
    assert!(elsewhere.records.is_empty());
    Ok(())
}

/// The deployed policy on the real SDK: read from its S3 object; an unchanged object answered
/// 304 (nothing sent again); a new valid version taken; a broken or deleted one refused, the
/// last good one kept; a missing object refused at the start, naming it.
#[tokio::test]
async fn the_policy_object_is_read_refreshed_and_never_replaced_by_a_broken_one() -> TestResult {
    Emulator::connect().await?;
    let config = guardrail_aws::load_config().await;
    let s3 = aws_sdk_s3::Client::new(&config);
    let bucket = unique("policy").to_lowercase();
    s3.create_bucket().bucket(&bucket).send().await?;
    let location = PolicyLocation {
        bucket: bucket.clone(),
        key: "team/policy.toml".into(),
    };
    let put = |text: &'static str| {
        s3.put_object()
            .bucket(&bucket)
            .key("team/policy.toml")
            .body(text.as_bytes().to_vec().into())
            .send()
    };
    let objects = || {
        let client = aws_sdk_s3::Client::new(&config);
        guardrail_aws::S3PolicyObjects::new(client, Some(ACCOUNT.to_string()))
    };

    // A start without the object fails, naming it
    let missing = LivePolicy::load(objects(), location.clone(), false, Duration::ZERO).await;
    let missing = missing.err().map(|e| e.to_string()).unwrap_or_default();
    assert!(
        missing.contains(&format!("s3://{bucket}/team/policy.toml does not exist")),
        "{missing}"
    );

    put("version = 1\n[controls.vpc-attached]\nmode = \"audit\"\n").await?;
    let live = LivePolicy::load(objects(), location, false, Duration::ZERO).await?;
    let mode = || {
        live.shared()
            .current()
            .setting(guardrail_core::controls::vpc_attached::ID)
            .0
    };
    assert_eq!(mode(), guardrail_core::policy::Mode::Audit);
    assert_eq!(live.refresh().await, Refresh::Unchanged);

    put("version = 1\n[controls.vpc-attached]\nmode = \"sometimes\"\n").await?;
    let kept = live.refresh().await;
    assert!(
        matches!(&kept, Refresh::Kept(why) if why.contains("line 3")),
        "{kept:?}"
    );
    assert_eq!(mode(), guardrail_core::policy::Mode::Audit);

    put("version = 1\n[controls.vpc-attached]\nmode = \"off\"\n").await?;
    assert!(matches!(live.refresh().await, Refresh::Updated { .. }));
    assert_eq!(mode(), guardrail_core::policy::Mode::Off);

    s3.delete_object()
        .bucket(&bucket)
        .key("team/policy.toml")
        .send()
        .await?;
    assert!(matches!(live.refresh().await, Refresh::Kept(why) if why.contains("does not exist")));
    assert_eq!(mode(), guardrail_core::policy::Mode::Off);

    // A bucket of that name owned by another account is never read
    put("version = 1\n").await?;
    let elsewhere = guardrail_aws::S3PolicyObjects::new(
        aws_sdk_s3::Client::new(&config),
        Some("999999999999".to_string()),
    );
    let location = PolicyLocation {
        bucket: bucket.clone(),
        key: "team/policy.toml".into(),
    };
    let refused = LivePolicy::load(elsewhere, location, false, Duration::ZERO).await;
    assert!(refused.is_err(), "a bucket of another account was read");
    Ok(())
}

/// Events a member account could not put on the central bus wait in its forwarding dead-letter
/// queue (`infra/member.yaml`); the sweep of that account and region handles them through the
/// member role, as if they had arrived, and empties the queue.
#[tokio::test]
async fn events_a_member_account_could_not_forward_are_handled_by_its_sweep() -> TestResult {
    // Given a member account whose forwarding queue holds the event of a notebook without a VPC
    let org = Org::create().await?;
    let member = org.accounts(1).await?.remove(0);
    let inside = Emulator::in_account(&member).await?;
    let name = unique("lost-nb");
    create_notebook(&inside, &name, Posture::NonCompliant, None).await?;
    let queue = format!("{MEMBER_ROLE}-forwarding");
    let queue_url = inside.queue(&queue).await?;
    let event = sample_event("notebook/state-change.json", "open-nb", &name)?
        .to_string()
        .replace(ACCOUNT, &member);
    inside
        .sqs
        .send_message()
        .queue_url(&queue_url)
        .message_body(event)
        .send()
        .await?;
    let home = Emulator::connect().await?;
    let alerts = home.alert_channel().await?;
    let deployment = org.deployment();
    let inspector = deployment.inspector(SqliteStore::in_memory()?, &alerts.topic_arn)?;
    let (failures, _) = failure_queue(&home).await?;
    let letters = PerAccount::new(deployment.fleet.clone(), |c| {
        guardrail_aws::SqsDeadLetters::new(aws_sdk_sqs::Client::new(c))
    });
    let targets = [
        sweep::Target {
            account: member.clone(),
            region: REGION.into(),
        },
        // (an account and region without a member stack has no such queue: nothing to do)
        sweep::Target {
            account: org.management.clone(),
            region: REGION.into(),
        },
    ];

    // When its sweep runs
    let done = sweep::recover_forwarded(&inspector, &failures, &letters, &queue, &targets).await;

    // Then the event was handled: the notebook is stopped and alerted, and the queue is empty
    assert_eq!((done.recovered, done.left), (1, 0));
    assert_eq!(inside.notebook_status(&name).await?, "Stopped");
    assert_eq!(alerts.receive(1, Duration::from_secs(10)).await?.len(), 1);
    let left = inside
        .sqs
        .receive_message()
        .queue_url(&queue_url)
        .send()
        .await?;
    assert!(left.messages().is_empty());
    Ok(())
}

/// Issue 19, case 4 on the emulator: with no allow-list, a notebook's key of an account outside
/// the organization fails `volume-kms` (Organizations answers through the real SDK); a key of
/// the organization's management account passes.
#[tokio::test]
async fn keys_of_accounts_outside_the_organization_fail() -> TestResult {
    let org = Org::create().await?;
    let member = org.accounts(1).await?.remove(0);
    let emu = Emulator::in_account(&member).await?;
    let home = Emulator::connect().await?;
    let alerts = home.alert_channel().await?;
    let inspector = org
        .deployment()
        .inspector(SqliteStore::in_memory()?, &alerts.topic_arn)?;
    let mut verdicts = Vec::new();
    for key_account in [ACCOUNT, org.management.as_str()] {
        let name = unique("key-nb");
        emu.sagemaker
            .create_notebook_instance()
            .notebook_instance_name(&name)
            .instance_type(aws_sdk_sagemaker::types::InstanceType::MlT3Medium)
            .role_arn(ROLE)
            .subnet_id(SUBNET)
            .security_group_ids(GROUP)
            .kms_key_id(KEY.replace(ACCOUNT, key_account))
            .send()
            .await?;
        let event = sample_event("notebook/state-change.json", "open-nb", &name)?
            .to_string()
            .replace(ACCOUNT, &member);
        let event: serde_json::Value = serde_json::from_str(&event)?;
        let outcome = inspector.handle(&event).await?;
        let Outcome::Evaluated { report, .. } = outcome else {
            return Err(format!("not evaluated: {outcome:?}").into());
        };
        let volume = result_of(&report, "volume-kms")?;
        verdicts.push((volume.status, volume.observed.clone().unwrap_or_default()));
    }
    assert_eq!(
        verdicts[0].0,
        guardrail_core::finding::Status::Fail,
        "{verdicts:?}"
    );
    assert!(
        verdicts[0].1.contains("outside the organisation"),
        "{verdicts:?}"
    );
    assert_eq!(
        verdicts[1].0,
        guardrail_core::finding::Status::Pass,
        "{verdicts:?}"
    );
    Ok(())
}
