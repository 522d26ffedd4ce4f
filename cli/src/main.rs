//! `guardrail`: replay SageMaker events through the guardrail, sweep active resources, check
//! policies, query findings.
//!
//! Exit codes: 0 ran; 1 a finding at or above `--fail-on`; 2 could not run (usage, policy, I/O,
//! AWS); 3 with `--strict`, an event was rejected or could not be evaluated.

mod findings;
mod iac;
mod output;
mod preventive;
mod replay;
mod scan;
mod store;

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};
use guardrail_core::controls::ControlId;
use guardrail_core::policy::{EndpointRemediation, Severity};
use guardrail_core::Policy;

#[derive(Parser)]
#[command(
    name = "guardrail",
    version,
    about = "SageMaker guardrails: replay events, sweep active resources, check policies, write preventive SCPs, query findings"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Evaluate EventBridge events (files or folders of .json).
    ///
    /// Offline (default): judges the configuration carried in each event, needs no AWS account,
    /// executes nothing. With --live: runs exactly what the Lambda runs (describe, evaluate,
    /// remediate, alert) against whatever AWS_ENDPOINT_URL and the credentials point to.
    Replay(ReplayArgs),
    /// Sweep the SageMaker resources that are active now (like the sweeper Lambda): describe,
    /// evaluate, remediate (unless --audit) and alert, across accounts and regions.
    Scan(scan::ScanArgs),
    /// Judge infrastructure code (CloudFormation templates, YAML or JSON) before it deploys, with
    /// the policy that judges the running account: every branch of Fn::If, what the text cannot
    /// settle reported as "cannot evaluate", never as a pass.
    Iac(iac::IacArgs),
    /// Write the policy as SCPs (IAM policy documents, as many as its statements need) that deny
    /// non-compliant SageMaker create calls up front; what they cannot prevent is listed on
    /// standard error.
    Preventive(preventive::PreventiveArgs),
    /// Policy files.
    Policy {
        #[command(subcommand)]
        command: PolicyCommand,
    },
    /// Query stored findings and their history.
    Findings {
        #[command(subcommand)]
        command: findings::FindingsCommand,
    },
}

#[derive(clap::Args)]
pub struct ReplayArgs {
    /// Event files or folders (searched recursively for *.json).
    #[arg(required = true)]
    paths: Vec<PathBuf>,
    /// Describe, remediate and alert for real (like the Lambda).
    #[arg(long)]
    live: bool,
    /// Policy file (default: $GUARDRAIL_POLICY, else the built-in baseline).
    #[arg(long)]
    policy: Option<PathBuf>,
    /// SNS topic for alerts in --live mode (default: $ALERT_TOPIC_ARN).
    #[arg(long)]
    topic_arn: Option<String>,
    #[arg(long, value_enum, default_value_t = Format::Table)]
    format: Format,
    /// Exit 1 when a finding at or above this severity exists.
    #[arg(long, value_parser = parse_severity)]
    fail_on: Option<Severity>,
    /// Exit 3 when an event is rejected or cannot be evaluated.
    #[arg(long)]
    strict: bool,
    #[command(flatten)]
    store: findings::StoreArg,
}

#[derive(Subcommand)]
enum PolicyCommand {
    /// Validate a policy file and print the effective settings.
    Check { file: PathBuf },
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Table,
    Json,
}

pub(crate) fn parse_severity(value: &str) -> Result<Severity, String> {
    Severity::parse(value).ok_or_else(|| {
        format!("`{value}` is not a severity (informational, low, medium, high, critical)")
    })
}

/// Outcome classes for the exit code.
pub const EXIT_FINDINGS: u8 = 1;
pub const EXIT_CANNOT_RUN: u8 = 2;
pub const EXIT_NOT_EVALUATED: u8 = 3;

#[tokio::main]
async fn main() -> ExitCode {
    let cli = Cli::parse();
    // A scan that draws its progress on the terminal logs only errors there, unless asked: the
    // warnings of each violation would break the bar up (its summary says what they say).
    let quiet = matches!(&cli.command, Command::Scan(args) if args.shows_progress());
    let level = if quiet { "error" } else { "warn" };
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("GUARDRAIL_LOG")
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(level))
                .add_directive(guardrail_aws::quiet_sdk()),
        )
        .with_writer(std::io::stderr)
        .init();
    match cli.command {
        Command::Replay(args) => replay::run(args).await,
        Command::Scan(args) => scan::run(args).await,
        Command::Iac(args) => iac::run(args).await,
        Command::Preventive(args) => preventive::run(args),
        Command::Policy {
            command: PolicyCommand::Check { file },
        } => check_policy(&file),
        Command::Findings { command } => findings::run(command).await,
    }
}

/// Writes the whole text at once; a closed pipe (`| head`) is not an error worth a panic.
pub(crate) fn emit(text: &str) {
    use std::io::Write;
    let _ = std::io::stdout().lock().write_all(text.as_bytes());
}

/// `policy check`'s report: the effective settings and the exemptions.
fn policy_text(policy: &Policy) -> String {
    use std::fmt::Write as _;
    let mut out = format!("{}: valid (version {})\n", policy.source, policy.version);
    let rows: Vec<Vec<String>> = ControlId::all()
        .map(|id| {
            let (mode, severity) = policy.setting(id);
            vec![id.to_string(), mode.to_string(), severity.to_string()]
        })
        .collect();
    out.push_str(&output::table(&["CONTROL", "MODE", "SEVERITY"], &rows, &[]));
    let endpoint = match policy.endpoint_remediation {
        EndpointRemediation::Delete => "delete",
        EndpointRemediation::None => "none",
    };
    let _ = writeln!(out, "  endpoint remediation: {endpoint}");
    let today = time::OffsetDateTime::now_utc().date();
    let live = policy.exemptions_in_force(today);
    let _ = writeln!(
        out,
        "  exemptions in force: {} (soonest expiry first)",
        live.len()
    );
    for e in &live {
        let accounts = if e.accounts.is_empty() {
            String::new()
        } else {
            format!(" in {}", e.accounts.join(", "))
        };
        let controls: Vec<&str> = e.controls.iter().map(|c| c.as_str()).collect();
        let _ = writeln!(
            out,
            "    {}{accounts}: {} until {} ({} days left): {}",
            e.resource,
            controls.join(", "),
            e.expires,
            (e.expires - today).whole_days(),
            e.reason
        );
    }
    for e in policy.exemptions.iter().filter(|e| !e.in_force(today)) {
        let _ = writeln!(
            out,
            "  expired on {}, no longer applied: {}: {}",
            e.expires, e.resource, e.reason
        );
    }
    out
}

/// The inspector as the functions build it, for the commands that act on AWS (`replay --live`,
/// `scan`): alerts to `topic_arg` or `$ALERT_TOPIC_ARN`, Security Hub when `$SECURITY_HUB=on`,
/// member accounts through `$MEMBER_ROLE_NAME`. `command` names the caller in errors.
pub(crate) async fn live_inspector(
    command: &str,
    topic_arg: Option<&str>,
    store: store::AnyStore,
    policy: Policy,
) -> Result<
    (
        guardrail_aws::LiveInspector<store::AnyStore>,
        std::sync::Arc<guardrail_aws::Fleet>,
    ),
    String,
> {
    let env = guardrail_core::env::Environment::from_process();
    let topic = topic_arg
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .or(env.get("ALERT_TOPIC_ARN"))
        .ok_or(format!(
            "{command} publishes alerts: give --topic-arn or set ALERT_TOPIC_ARN"
        ))?
        .to_string();
    let deployment = guardrail_aws::Deployment::connect(env, policy)
        .await
        .map_err(|e| e.to_string())?;
    let inspector = deployment.inspector(store, topic)?;
    Ok((inspector, deployment.fleet))
}

fn load_policy(path: Option<&PathBuf>) -> Result<Policy, guardrail_core::policy::PolicyError> {
    match path {
        Some(path) => Policy::load(path),
        None => Policy::from_env(&guardrail_core::env::Environment::from_process()),
    }
}

fn check_policy(file: &Path) -> ExitCode {
    match Policy::load(file) {
        Ok(policy) => {
            emit(&policy_text(&policy));
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(EXIT_CANNOT_RUN)
        }
    }
}
