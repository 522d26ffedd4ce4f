//! `--store sqlite:PATH | dynamodb:TABLE`: the finding store the CLI reads and writes.

use std::path::PathBuf;

use guardrail_aws::DynamoStore;
use guardrail_core::findings::{Finding, Observation};
use guardrail_core::store::{
    Claim, ClaimRequest, CompliantConfig, Evaluation, FindingStore, Page, Query, QuietRecord,
    StagedAlert, StoreError,
};
use guardrail_sqlite::SqliteStore;

/// The default: a SQLite file in the working directory (override with `GUARDRAIL_STORE`).
pub const DEFAULT_STORE: &str = "sqlite:.guardrail/findings.db";

/// Either back-end, chosen at run time.
pub enum AnyStore {
    Sqlite(SqliteStore),
    Dynamo(DynamoStore),
}

/// The store named by `--store`, else `GUARDRAIL_STORE`, else [`DEFAULT_STORE`].
/// The store a command names: `--store`, else `$GUARDRAIL_STORE`, else the default.
pub fn spec(arg: Option<&str>) -> String {
    let env = guardrail_core::env::Environment::from_process();
    arg.map(str::to_string)
        .or(env.get("GUARDRAIL_STORE").map(str::to_string))
        .unwrap_or_else(|| DEFAULT_STORE.to_string())
}

pub async fn open(arg: Option<&str>) -> Result<AnyStore, String> {
    let spec = spec(arg);
    match spec.split_once(':') {
        Some(("sqlite", path)) if !path.is_empty() => SqliteStore::open(&PathBuf::from(path))
            .map(AnyStore::Sqlite)
            .map_err(|e| e.to_string()),
        Some(("dynamodb", table)) if !table.is_empty() => {
            let config = guardrail_aws::load_config().await;
            Ok(AnyStore::Dynamo(DynamoStore::new(
                aws_sdk_dynamodb::Client::new(&config),
                table,
            )))
        }
        _ => Err(format!(
            "--store `{spec}`: expected sqlite:PATH or dynamodb:TABLE"
        )),
    }
}

impl FindingStore for AnyStore {
    async fn record(&self, evaluation: &Evaluation<'_>) -> Result<(), StoreError> {
        match self {
            AnyStore::Sqlite(s) => s.record(evaluation).await,
            AnyStore::Dynamo(s) => s.record(evaluation).await,
        }
    }

    async fn record_quietly(&self, batch: &[QuietRecord<'_>]) -> Result<Vec<bool>, StoreError> {
        match self {
            AnyStore::Sqlite(s) => s.record_quietly(batch).await,
            AnyStore::Dynamo(s) => s.record_quietly(batch).await,
        }
    }

    async fn claim_notification(&self, request: &ClaimRequest<'_>) -> Result<Claim, StoreError> {
        match self {
            AnyStore::Sqlite(s) => s.claim_notification(request).await,
            AnyStore::Dynamo(s) => s.claim_notification(request).await,
        }
    }

    async fn confirm_notification(&self, request: &ClaimRequest<'_>) -> Result<(), StoreError> {
        match self {
            AnyStore::Sqlite(s) => s.confirm_notification(request).await,
            AnyStore::Dynamo(s) => s.confirm_notification(request).await,
        }
    }

    async fn stage_alert(
        &self,
        resource_arn: &str,
        staged: &StagedAlert,
    ) -> Result<(), StoreError> {
        match self {
            AnyStore::Sqlite(s) => s.stage_alert(resource_arn, staged).await,
            AnyStore::Dynamo(s) => s.stage_alert(resource_arn, staged).await,
        }
    }

    async fn staged_alert(&self, resource_arn: &str) -> Result<Option<StagedAlert>, StoreError> {
        match self {
            AnyStore::Sqlite(s) => s.staged_alert(resource_arn).await,
            AnyStore::Dynamo(s) => s.staged_alert(resource_arn).await,
        }
    }

    async fn record_compliant_config(
        &self,
        record: &CompliantConfig<'_>,
    ) -> Result<(), StoreError> {
        match self {
            AnyStore::Sqlite(s) => s.record_compliant_config(record).await,
            AnyStore::Dynamo(s) => s.record_compliant_config(record).await,
        }
    }

    async fn last_compliant_config(
        &self,
        resource_arn: &str,
    ) -> Result<Option<String>, StoreError> {
        match self {
            AnyStore::Sqlite(s) => s.last_compliant_config(resource_arn).await,
            AnyStore::Dynamo(s) => s.last_compliant_config(resource_arn).await,
        }
    }

    async fn release_notification(
        &self,
        resource_arn: &str,
        owner: &str,
    ) -> Result<(), StoreError> {
        match self {
            AnyStore::Sqlite(s) => s.release_notification(resource_arn, owner).await,
            AnyStore::Dynamo(s) => s.release_notification(resource_arn, owner).await,
        }
    }

    async fn get(&self, id: &str) -> Result<Option<(Finding, Vec<Observation>)>, StoreError> {
        match self {
            AnyStore::Sqlite(s) => s.get(id).await,
            AnyStore::Dynamo(s) => s.get(id).await,
        }
    }

    async fn list(&self, query: &Query) -> Result<Page, StoreError> {
        match self {
            AnyStore::Sqlite(s) => s.list(query).await,
            AnyStore::Dynamo(s) => s.list(query).await,
        }
    }
}
