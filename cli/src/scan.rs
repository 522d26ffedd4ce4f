//! `guardrail scan`: sweep the resources that are active now, like the `sweeper` Lambda.

use std::fmt::Write as _;
use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use guardrail_aws::{PerAccount, SageMakerInventory};
use guardrail_core::sweep::{self, SweepOptions, SweepProgress, SweepSummary, Target};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use crate::{emit, load_policy, store, Format, EXIT_CANNOT_RUN, EXIT_FINDINGS};

#[derive(clap::Args)]
pub struct ScanArgs {
    /// Accounts to sweep, comma separated (default: the caller's). Other accounts are reached
    /// through the member role ($MEMBER_ROLE_NAME and $MEMBER_EXTERNAL_ID).
    #[arg(long, value_delimiter = ',')]
    accounts: Vec<String>,
    /// Regions to sweep, comma separated (default: the configured region).
    #[arg(long, value_delimiter = ',')]
    regions: Vec<String>,
    /// Policy file (default: $GUARDRAIL_POLICY, else the built-in baseline).
    #[arg(long)]
    policy: Option<PathBuf>,
    /// Report only: every control in audit mode, nothing is stopped or deleted.
    #[arg(long)]
    audit: bool,
    /// SNS topic for alerts (default: $ALERT_TOPIC_ARN).
    #[arg(long)]
    topic_arn: Option<String>,
    /// Resources inspected at once.
    #[arg(long, default_value_t = sweep::DEFAULT_CONCURRENCY as u16, value_parser = clap::value_parser!(u16).range(1..=64))]
    concurrency: u16,
    #[arg(long, value_enum, default_value_t = Format::Table)]
    format: Format,
    #[command(flatten)]
    store: crate::findings::StoreArg,
}

impl ScanArgs {
    /// Whether the scan draws its progress: on a terminal, in table output.
    pub fn shows_progress(&self) -> bool {
        std::io::stderr().is_terminal() && self.format == Format::Table
    }
}

/// Exit 0: all compliant; 1: non-compliant resources found; 2: could not run, or part of the
/// sweep failed (listed).
pub async fn run(args: ScanArgs) -> ExitCode {
    match scan(&args).await {
        Ok(summary) => {
            emit(&match args.format {
                Format::Table => table(&summary),
                Format::Json => serde_json::to_string_pretty(&summary).unwrap_or_default() + "\n",
            });
            if !summary.failures.is_empty() {
                ExitCode::from(EXIT_CANNOT_RUN)
            } else if summary.non_compliant > 0 {
                ExitCode::from(EXIT_FINDINGS)
            } else {
                ExitCode::SUCCESS
            }
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(EXIT_CANNOT_RUN)
        }
    }
}

async fn scan(args: &ScanArgs) -> Result<SweepSummary, String> {
    let mut policy = load_policy(args.policy.as_ref()).map_err(|e| e.to_string())?;
    if args.audit {
        policy.force_audit();
    }
    let store = store::open(args.store.store.as_deref()).await?;
    let (inspector, fleet) =
        crate::live_inspector("scan", args.topic_arn.as_deref(), store, policy).await?;
    let accounts = if args.accounts.is_empty() {
        vec![fleet.home_account().to_string()]
    } else {
        args.accounts.clone()
    };
    let regions = if args.regions.is_empty() {
        vec![fleet
            .home_region()
            .ok_or("no region: give --regions or set AWS_REGION")?]
    } else {
        args.regions.clone()
    };
    let inventory = PerAccount::new(fleet, SageMakerInventory::new);
    let progress = args
        .shows_progress()
        .then(|| Arc::new(Progress::new()) as Arc<dyn SweepProgress>);
    let options = SweepOptions {
        sweep_id: format!("scan/{}", time::OffsetDateTime::now_utc().unix_timestamp()),
        concurrency: usize::from(args.concurrency),
        deadline: None,
        progress,
        rechecks: None,
    };
    let targets = Target::all(&accounts, &regions);
    Ok(sweep::sweep(&inspector, &inventory, &targets, &options).await)
}

fn table(summary: &SweepSummary) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "sweep {}", summary.sweep_id);
    let rows: Vec<Vec<String>> = summary
        .listed
        .iter()
        .map(|(kind, count)| vec![kind.to_string(), count.to_string()])
        .collect();
    out.push_str(&crate::output::table(&["KIND", "ACTIVE"], &rows, &[1]));
    for failure in &summary.failures {
        let _ = writeln!(out, "  FAILED {}: {}", failure.subject, failure.error);
    }
    let _ = writeln!(out, "{}", summary.line());
    out
}

/// A progress bar on standard error, for a person at a terminal (never in JSON output or when
/// standard error is not a terminal): resources inspected of those listed, and how many were
/// stopped or deleted.
#[derive(Debug)]
struct Progress {
    bar: ProgressBar,
    contained: AtomicU64,
}

impl Progress {
    fn new() -> Progress {
        let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr());
        bar.set_style(
            ProgressStyle::with_template(
                "{spinner} {msg} {pos}/{len} inspected, {prefix} stopped or deleted",
            )
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
        );
        bar.set_message("listing the active resources...");
        bar.set_prefix("0");
        bar.enable_steady_tick(std::time::Duration::from_millis(120));
        Progress {
            bar,
            contained: AtomicU64::new(0),
        }
    }
}

impl SweepProgress for Progress {
    fn listed(&self, resources: usize) {
        self.bar.set_length(resources as u64);
        self.bar.set_message("sweeping:");
        if resources == 0 {
            self.bar.finish_and_clear();
        }
    }

    fn inspected(&self, contained: bool) {
        if contained {
            let n = self.contained.fetch_add(1, Ordering::Relaxed) + 1;
            self.bar.set_prefix(n.to_string());
        }
        self.bar.inc(1);
        if self.bar.length() == Some(self.bar.position()) {
            self.bar.finish_and_clear();
        }
    }
}
