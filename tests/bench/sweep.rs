//! Benchmark: one sweep over a seeded account in the local emulator. Prints numbers; asserts
//! nothing (the tests do that).
//!
//! `tests/emulator/with-emulator.sh cargo run -q -p guardrail-tests --example sweep_bench -- [ACTIVE] [ENDED] [CONCURRENCY]`
//! (defaults 60, 600, 8): ACTIVE running resources (training, processing and transform jobs and
//! notebooks, half of them non-compliant) and ENDED finished jobs in a fresh member account.

use std::sync::Arc;
use std::time::Instant;

use guardrail_aws::{self as aws, PerAccount, SageMakerInventory};
use guardrail_core::sweep::{self, SweepOptions, Target};
use guardrail_tests::*;

#[tokio::main]
async fn main() -> TestResult {
    let arg = |i: usize, default: usize| -> TestResult<usize> {
        Ok(match std::env::args().nth(i) {
            Some(v) => v.parse()?,
            None => default,
        })
    };
    let (active, ended, concurrency) = (arg(1, 60)?, arg(2, 600)?, arg(3, 8)?);
    let account = unique_account();
    let member = Emulator::in_account(&account).await?;

    let seeding = Instant::now();
    for i in 0..ended {
        create_training_job(
            &member,
            &format!("old-{i}"),
            Posture::NonCompliant,
            Some("Completed"),
        )
        .await?;
    }
    for i in 0..active {
        let posture = if i % 2 == 0 {
            Posture::NonCompliant
        } else {
            Posture::Compliant
        };
        let name = format!("run-{i}");
        match i % 4 {
            0 => create_training_job(&member, &name, posture, None).await?,
            1 => create_processing_job(&member, &name, posture, None).await?,
            2 => create_transform_job(&member, &name, posture, None).await?,
            _ => create_notebook(&member, &name, posture, None).await?,
        }
    }
    println!(
        "seeded {active} active and {ended} ended resources in {:.1?}",
        seeding.elapsed()
    );

    let fleet = Arc::new(member_fleet(true).await);
    let alerts = Emulator::connect().await?.alert_channel().await?;
    let inspector =
        counting_inspector(fleet.clone(), &aws::load_config().await, &alerts.topic_arn)?;
    let inventory = PerAccount::new(fleet, |c| {
        SageMakerInventory::new(aws_sdk_sagemaker::Client::new(c))
    });
    let options = SweepOptions {
        sweep_id: "bench".into(),
        concurrency,
        deadline: None,
    };
    let targets = Target::all(&[account], &[REGION.to_string()]);

    let started = Instant::now();
    let summary = sweep::sweep(&inspector, &inventory, &targets, &options).await;
    let elapsed = started.elapsed();
    println!("{}", summary.line());
    println!(
        "sweep: {:.2?} at concurrency {concurrency}, {:.1} ms per active resource, {} describes for {} active resources ({} ended never read)",
        elapsed,
        elapsed.as_secs_f64() * 1000.0 / active.max(1) as f64,
        inspector.sagemaker.describes(),
        active,
        ended,
    );
    Ok(())
}
