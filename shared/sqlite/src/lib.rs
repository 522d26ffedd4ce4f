//! [`FindingStore`] in an embedded SQLite file (WAL mode, versioned schema).
//!
//! Every write runs in an `IMMEDIATE` transaction, so two processes sharing the file cannot lose
//! an update or both claim the same alert. Each finding row keeps its full JSON document next to
//! the indexed columns the queries filter on.

use std::path::Path;
use std::sync::{Arc, Mutex};

use rusqlite::{params, Connection, ErrorCode, OptionalExtension, TransactionBehavior};

use guardrail_core::findings::{Finding, Observation};
use guardrail_core::store::{
    Claim, ClaimRequest, CompliantConfig, Evaluation, FindingStore, Page, Query, QuietRecord,
    StagedAlert, StoreError,
};

/// The schema this version writes; older files are migrated forward on open.
pub const SCHEMA_VERSION: i64 = 2;

const SCHEMA_V1: &str = "
CREATE TABLE findings (
    id TEXT PRIMARY KEY,
    resource_arn TEXT NOT NULL,
    resource_kind TEXT NOT NULL,
    account TEXT NOT NULL,
    region TEXT NOT NULL,
    control TEXT NOT NULL,
    status TEXT NOT NULL,
    severity TEXT NOT NULL,
    first_seen TEXT NOT NULL,
    last_seen TEXT NOT NULL,
    document TEXT NOT NULL
);
CREATE INDEX findings_by_time ON findings (last_seen DESC, id DESC);
CREATE INDEX findings_by_account ON findings (account, last_seen DESC);
CREATE INDEX findings_by_control ON findings (control, last_seen DESC);
CREATE INDEX findings_by_resource ON findings (resource_arn);
CREATE TABLE observations (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    finding_id TEXT NOT NULL,
    time TEXT NOT NULL,
    document TEXT NOT NULL
);
CREATE INDEX observations_by_finding ON observations (finding_id, seq);
CREATE TABLE notifications (
    resource_arn TEXT PRIMARY KEY,
    notified_key TEXT,
    claim_key TEXT,
    claim_owner TEXT,
    claim_expires INTEGER
);
";

/// Version 2: notifications remember when the evaluation behind the last alert and behind the
/// claim observed the resource, so a late older evaluation cannot alert over a newer one; alerts
/// are staged before an action; each endpoint's last compliant configuration is kept (the target
/// of a rollback).
const SCHEMA_V2: &str = "
ALTER TABLE notifications ADD COLUMN notified_at INTEGER;
ALTER TABLE notifications ADD COLUMN claim_at INTEGER;
CREATE TABLE staged_alerts (
    resource_arn TEXT PRIMARY KEY,
    claim_arn TEXT NOT NULL,
    notification_key TEXT NOT NULL,
    evaluated_at INTEGER NOT NULL,
    alert TEXT NOT NULL
);
CREATE TABLE compliant_configs (
    resource_arn TEXT PRIMARY KEY,
    config_name TEXT,
    evaluated_at INTEGER NOT NULL
);
";

/// The alert state of one resource, as stored.
#[derive(Debug, Default)]
struct NotifyRow {
    notified_key: Option<String>,
    notified_at: Option<i64>,
    claim_key: Option<String>,
    claim_owner: Option<String>,
    claim_expires: Option<i64>,
    claim_at: Option<i64>,
}

/// Whether the stored finding `document` is the one `f`'s evaluation wrote.
fn same_event(document: &str, f: &Finding) -> bool {
    serde_json::from_str::<serde_json::Value>(document)
        .ok()
        .and_then(|d| d.get("event_id")?.as_str().map(|e| e == f.event_id))
        .unwrap_or(false)
}

/// A [`CompliantConfig`] carried into the database thread.
struct OwnedConfig {
    arn: String,
    config: Option<String>,
    evaluated: i64,
}

impl OwnedConfig {
    fn of(record: CompliantConfig<'_>) -> OwnedConfig {
        OwnedConfig {
            arn: record.resource_arn.to_string(),
            config: record.config.map(str::to_string),
            evaluated: record.evaluated,
        }
    }

    /// Records it unless a newer observation is recorded already.
    fn upsert(&self, conn: &Connection) -> Result<(), StoreError> {
        conn.execute(
            "INSERT INTO compliant_configs (resource_arn, config_name, evaluated_at)
             VALUES (?1, ?2, ?3)
             ON CONFLICT (resource_arn) DO UPDATE SET config_name = excluded.config_name,
                 evaluated_at = excluded.evaluated_at
             WHERE excluded.evaluated_at > compliant_configs.evaluated_at",
            params![self.arn, self.config, self.evaluated],
        )
        .map_err(backend("record compliant config"))?;
        Ok(())
    }
}

/// Findings in a local SQLite file.
#[derive(Debug, Clone)]
pub struct SqliteStore {
    conn: Arc<Mutex<Connection>>,
}

fn backend(operation: &'static str) -> impl Fn(rusqlite::Error) -> StoreError {
    move |e| {
        let retryable = matches!(
            e.sqlite_error_code(),
            Some(ErrorCode::DatabaseBusy | ErrorCode::DatabaseLocked)
        );
        StoreError::Backend {
            operation,
            message: e.to_string(),
            retryable,
        }
    }
}

fn decode<T: serde::de::DeserializeOwned>(key: &str, text: &str) -> Result<T, StoreError> {
    serde_json::from_str(text).map_err(|e| StoreError::Corrupt {
        key: key.to_string(),
        message: e.to_string(),
    })
}

fn encode<T: serde::Serialize>(key: &str, value: &T) -> Result<String, StoreError> {
    serde_json::to_string(value).map_err(|e| StoreError::Corrupt {
        key: key.to_string(),
        message: e.to_string(),
    })
}

impl SqliteStore {
    /// Opens (creating if needed) the store at `path`, migrating its schema.
    pub fn open(path: &Path) -> Result<SqliteStore, StoreError> {
        if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
            std::fs::create_dir_all(parent).map_err(|e| StoreError::Backend {
                operation: "open",
                message: format!("{}: {e}", parent.display()),
                retryable: false,
            })?;
        }
        let conn = Connection::open(path).map_err(backend("open"))?;
        // The busy timeout first: concurrent first opens wait for each other instead of failing.
        conn.busy_timeout(std::time::Duration::from_secs(5))
            .map_err(backend("open"))?;
        // WAL: readers (the CLI) never block the writer. Switching a new file to WAL can return
        // SQLITE_BUSY without calling the busy handler while another connection holds it, so that
        // one statement is retried with a short backoff, bounded like the busy timeout.
        let mut delay = std::time::Duration::from_millis(5);
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(5);
        loop {
            match conn.query_row("PRAGMA journal_mode = WAL", [], |_| Ok(())) {
                Ok(()) => break,
                Err(e)
                    if e.sqlite_error_code() == Some(ErrorCode::DatabaseBusy)
                        && std::time::Instant::now() < deadline =>
                {
                    std::thread::sleep(delay);
                    delay = (delay * 2).min(std::time::Duration::from_millis(200));
                }
                Err(e) => return Err(backend("open")(e)),
            }
        }
        Self::init(conn)
    }

    /// A private in-memory store (tests, dry runs).
    pub fn in_memory() -> Result<SqliteStore, StoreError> {
        Self::init(Connection::open_in_memory().map_err(backend("open"))?)
    }

    fn init(mut conn: Connection) -> Result<SqliteStore, StoreError> {
        conn.busy_timeout(std::time::Duration::from_secs(5))
            .map_err(backend("open"))?;
        migrate(&mut conn)?;
        Ok(SqliteStore {
            conn: Arc::new(Mutex::new(conn)),
        })
    }

    /// Runs `work` on the connection on a blocking thread.
    async fn with<T, F>(&self, work: F) -> Result<T, StoreError>
    where
        T: Send + 'static,
        F: FnOnce(&mut Connection) -> Result<T, StoreError> + Send + 'static,
    {
        let conn = Arc::clone(&self.conn);
        tokio::task::spawn_blocking(move || {
            let mut guard = match conn.lock() {
                Ok(g) => g,
                Err(poisoned) => poisoned.into_inner(),
            };
            work(&mut guard)
        })
        .await
        .map_err(|e| StoreError::Backend {
            operation: "run",
            message: e.to_string(),
            retryable: false,
        })?
    }
}

/// Brings the schema to [`SCHEMA_VERSION`]; refuses files written by a newer version.
/// Migrates the schema. The version is read inside the write transaction, so concurrent first
/// opens of a new store migrate once: the second sees the first's version.
fn migrate(conn: &mut Connection) -> Result<(), StoreError> {
    let tx = conn
        .transaction_with_behavior(TransactionBehavior::Immediate)
        .map_err(backend("migrate"))?;
    let found: i64 = tx
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .map_err(backend("migrate"))?;
    if found > SCHEMA_VERSION {
        return Err(StoreError::NewerSchema {
            found,
            supported: SCHEMA_VERSION,
        });
    }
    if found < 1 {
        tx.execute_batch(SCHEMA_V1).map_err(backend("migrate"))?;
    }
    if found < 2 {
        tx.execute_batch(SCHEMA_V2).map_err(backend("migrate"))?;
    }
    // Future versions: `if found < 3 { ... }`, each step in this same transaction.
    tx.pragma_update(None, "user_version", SCHEMA_VERSION)
        .map_err(backend("migrate"))?;
    tx.commit().map_err(backend("migrate"))
}

/// An evaluation owned, to be written on the connection's thread.
struct OwnedEvaluation {
    findings: Vec<Finding>,
    observations: Vec<Observation>,
    config: Option<OwnedConfig>,
    amends: bool,
}

impl OwnedEvaluation {
    fn of(evaluation: &Evaluation<'_>) -> OwnedEvaluation {
        OwnedEvaluation {
            findings: evaluation.findings.to_vec(),
            observations: evaluation.observations.to_vec(),
            config: evaluation.compliant_config.map(OwnedConfig::of),
            amends: evaluation.amends,
        }
    }

    /// Writes it in the caller's transaction: its findings (a state older than the stored one
    /// left as it is), its observations and its compliant configuration.
    fn write(self, tx: &Connection) -> Result<(), StoreError> {
        let OwnedEvaluation {
            findings,
            observations,
            config,
            amends,
        } = self;
        for mut f in findings {
            let existing: Option<(String, String, String)> = tx
                .query_row(
                    "SELECT first_seen, last_seen, document FROM findings WHERE id = ?1",
                    [&f.id],
                    |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
                )
                .optional()
                .map_err(backend("record"))?;
            if amends
                && !existing
                    .as_ref()
                    .is_some_and(|(_, _, doc)| same_event(doc, &f))
            {
                continue;
            }
            if let Some((first_seen, last_seen, _)) = existing {
                // An older evaluation delivered late never overwrites a newer state.
                if last_seen > f.last_seen {
                    continue;
                }
                f.first_seen = first_seen.min(f.first_seen);
            }
            let document = encode(&f.id, &f)?;
            tx.execute(
                "INSERT INTO findings (id, resource_arn, resource_kind, account, region, control, status,
                     severity, first_seen, last_seen, document)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)
                 ON CONFLICT (id) DO UPDATE SET status = excluded.status, severity = excluded.severity,
                     first_seen = excluded.first_seen, last_seen = excluded.last_seen,
                     document = excluded.document",
                params![
                    f.id,
                    f.resource_arn,
                    f.resource_kind.as_str(),
                    f.account,
                    f.region,
                    f.control.as_str(),
                    f.status.as_str(),
                    f.severity.as_str(),
                    f.first_seen,
                    f.last_seen,
                    document
                ],
            )
            .map_err(backend("record"))?;
        }
        for o in observations {
            let document = encode(&o.finding_id, &o)?;
            tx.execute(
                "INSERT INTO observations (finding_id, time, document) VALUES (?1, ?2, ?3)",
                params![o.finding_id, o.time, document],
            )
            .map_err(backend("record"))?;
        }
        if let Some(config) = config {
            config.upsert(tx)?;
        }
        Ok(())
    }
}

impl FindingStore for SqliteStore {
    async fn record(&self, evaluation: &Evaluation<'_>) -> Result<(), StoreError> {
        let evaluation = OwnedEvaluation::of(evaluation);
        self.with(move |conn| {
            let tx = conn
                .transaction_with_behavior(TransactionBehavior::Immediate)
                .map_err(backend("record"))?;
            evaluation.write(&tx)?;
            tx.commit().map_err(backend("record"))
        })
        .await
    }

    /// In one transaction: each record whose resource's last alert was its pass key (or none
    /// went out) and no claim is live is written, its pass key noted as notified; the others
    /// are left for [`FindingStore::record`] and the claim.
    async fn record_quietly(&self, batch: &[QuietRecord<'_>]) -> Result<Vec<bool>, StoreError> {
        let batch: Vec<(String, String, i64, i64, OwnedEvaluation)> = batch
            .iter()
            .map(|r| {
                (
                    r.resource_arn.to_string(),
                    r.key.to_string(),
                    r.evaluated,
                    r.now,
                    OwnedEvaluation::of(&r.evaluation),
                )
            })
            .collect();
        self.with(move |conn| {
            let tx = conn
                .transaction_with_behavior(TransactionBehavior::Immediate)
                .map_err(backend("record quietly"))?;
            let mut recorded = Vec::with_capacity(batch.len());
            for (arn, key, evaluated, now, evaluation) in batch {
                let row: Option<(Option<String>, Option<String>, Option<i64>)> = tx
                    .query_row(
                        "SELECT notified_key, claim_owner, claim_expires FROM notifications
                         WHERE resource_arn = ?1",
                        [&arn],
                        |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
                    )
                    .optional()
                    .map_err(backend("record quietly"))?;
                let (notified, owner, expires) = row.unwrap_or_default();
                let live_claim = owner.is_some() && expires.is_some_and(|e| e > now);
                if live_claim || notified.is_some_and(|k| k != key) {
                    recorded.push(false);
                    continue;
                }
                evaluation.write(&tx)?;
                // (a lapsed claim goes: its owner's late confirm must not move the state back)
                tx.execute(
                    "INSERT INTO notifications (resource_arn, notified_key, notified_at)
                     VALUES (?1, ?2, ?3)
                     ON CONFLICT (resource_arn) DO UPDATE SET notified_key = excluded.notified_key,
                         notified_at = COALESCE(notifications.notified_at, excluded.notified_at),
                         claim_key = NULL, claim_owner = NULL, claim_expires = NULL, claim_at = NULL",
                    params![arn, key, evaluated],
                )
                .map_err(backend("record quietly"))?;
                recorded.push(true);
            }
            tx.commit().map_err(backend("record quietly"))?;
            Ok(recorded)
        })
        .await
    }

    async fn claim_notification(&self, request: &ClaimRequest<'_>) -> Result<Claim, StoreError> {
        let (arn, key, owner) = (
            request.resource_arn.to_string(),
            request.key.to_string(),
            request.owner.to_string(),
        );
        let (evaluated, now, expires) = (request.evaluated, request.now, request.expires);
        let quiet_if_first = request.quiet_if_first;
        self.with(move |conn| {
            let tx = conn
                .transaction_with_behavior(TransactionBehavior::Immediate)
                .map_err(backend("claim"))?;
            let row: Option<NotifyRow> = tx
                .query_row(
                    "SELECT notified_key, notified_at, claim_key, claim_owner, claim_expires, claim_at
                     FROM notifications WHERE resource_arn = ?1",
                    [&arn],
                    |r| {
                        Ok(NotifyRow {
                            notified_key: r.get(0)?,
                            notified_at: r.get(1)?,
                            claim_key: r.get(2)?,
                            claim_owner: r.get(3)?,
                            claim_expires: r.get(4)?,
                            claim_at: r.get(5)?,
                        })
                    },
                )
                .optional()
                .map_err(backend("claim"))?;
            let row = row.unwrap_or_default();
            let live_claim = row.claim_owner.is_some() && row.claim_expires.is_some_and(|e| e > now);
            if quiet_if_first && row.notified_key.is_none() && row.notified_at.is_none() && !live_claim {
                tx.execute(
                    "INSERT INTO notifications (resource_arn, notified_key, notified_at)
                     VALUES (?1, ?2, ?3)
                     ON CONFLICT (resource_arn) DO UPDATE SET notified_key = excluded.notified_key,
                         notified_at = excluded.notified_at",
                    params![arn, key, evaluated],
                )
                .map_err(backend("claim"))?;
                tx.commit().map_err(backend("claim"))?;
                return Ok(Claim::Recorded);
            }
            if row.notified_key.as_deref() == Some(key.as_str()) {
                return Ok(Claim::AlreadyNotified);
            }
            if row.notified_at.is_some_and(|at| at >= evaluated) {
                return Ok(Claim::Superseded);
            }
            let live_other = row.claim_owner.as_deref().is_some_and(|o| o != owner)
                && row.claim_expires.is_some_and(|e| e > now);
            if live_other {
                if row.claim_key.as_deref() == Some(key.as_str()) {
                    return Ok(Claim::HeldByOther);
                }
                if row.claim_at.is_none_or(|at| at >= evaluated) {
                    return Ok(Claim::Superseded);
                }
            }
            tx.execute(
                "INSERT INTO notifications (resource_arn, claim_key, claim_owner, claim_expires, claim_at)
                 VALUES (?1, ?2, ?3, ?4, ?5)
                 ON CONFLICT (resource_arn) DO UPDATE SET claim_key = excluded.claim_key,
                     claim_owner = excluded.claim_owner, claim_expires = excluded.claim_expires,
                     claim_at = excluded.claim_at",
                params![arn, key, owner, expires, evaluated],
            )
            .map_err(backend("claim"))?;
            tx.commit().map_err(backend("claim"))?;
            Ok(Claim::Granted {
                last_notified: row.notified_key,
            })
        })
        .await
    }

    async fn confirm_notification(&self, request: &ClaimRequest<'_>) -> Result<(), StoreError> {
        let (arn, key, owner) = (
            request.resource_arn.to_string(),
            request.key.to_string(),
            request.owner.to_string(),
        );
        let evaluated = request.evaluated;
        self.with(move |conn| {
            // The claim is dropped when it is ours; the key is recorded unless a newer
            // evaluation's alert already is (ours was taken over and theirs went out first).
            conn.execute(
                "UPDATE notifications SET
                     notified_key = CASE WHEN notified_at IS NULL OR notified_at < ?4
                         THEN ?2 ELSE notified_key END,
                     notified_at = CASE WHEN notified_at IS NULL OR notified_at < ?4
                         THEN ?4 ELSE notified_at END,
                     claim_key = CASE WHEN claim_owner = ?3 THEN NULL ELSE claim_key END,
                     claim_expires = CASE WHEN claim_owner = ?3 THEN NULL ELSE claim_expires END,
                     claim_at = CASE WHEN claim_owner = ?3 THEN NULL ELSE claim_at END,
                     claim_owner = CASE WHEN claim_owner = ?3 THEN NULL ELSE claim_owner END
                 WHERE resource_arn = ?1",
                params![arn, key, owner, evaluated],
            )
            .map_err(backend("confirm"))?;
            Ok(())
        })
        .await
    }

    async fn release_notification(
        &self,
        resource_arn: &str,
        owner: &str,
    ) -> Result<(), StoreError> {
        let (arn, owner) = (resource_arn.to_string(), owner.to_string());
        self.with(move |conn| {
            conn.execute(
                "UPDATE notifications SET claim_key = NULL, claim_owner = NULL, claim_expires = NULL,
                     claim_at = NULL
                 WHERE resource_arn = ?1 AND claim_owner = ?2",
                params![arn, owner],
            )
            .map_err(backend("release"))?;
            Ok(())
        })
        .await
    }

    async fn stage_alert(
        &self,
        resource_arn: &str,
        staged: &StagedAlert,
    ) -> Result<(), StoreError> {
        let arn = resource_arn.to_string();
        let staged = staged.clone();
        self.with(move |conn| {
            conn.execute(
                "INSERT INTO staged_alerts (resource_arn, claim_arn, notification_key, evaluated_at, alert)
                 VALUES (?1, ?2, ?3, ?4, ?5)
                 ON CONFLICT (resource_arn) DO UPDATE SET claim_arn = excluded.claim_arn,
                     notification_key = excluded.notification_key,
                     evaluated_at = excluded.evaluated_at, alert = excluded.alert
                 WHERE excluded.evaluated_at >= staged_alerts.evaluated_at",
                params![arn, staged.claim_arn, staged.key, staged.evaluated, staged.alert],
            )
            .map_err(backend("stage alert"))?;
            Ok(())
        })
        .await
    }

    async fn staged_alert(&self, resource_arn: &str) -> Result<Option<StagedAlert>, StoreError> {
        let arn = resource_arn.to_string();
        self.with(move |conn| {
            conn.query_row(
                "SELECT claim_arn, notification_key, evaluated_at, alert FROM staged_alerts
                 WHERE resource_arn = ?1",
                [&arn],
                |r| {
                    Ok(StagedAlert {
                        claim_arn: r.get(0)?,
                        key: r.get(1)?,
                        evaluated: r.get(2)?,
                        alert: r.get(3)?,
                    })
                },
            )
            .optional()
            .map_err(backend("read staged alert"))
        })
        .await
    }

    async fn record_compliant_config(
        &self,
        record: &CompliantConfig<'_>,
    ) -> Result<(), StoreError> {
        let config = OwnedConfig::of(*record);
        self.with(move |conn| config.upsert(conn)).await
    }

    async fn last_compliant_config(
        &self,
        resource_arn: &str,
    ) -> Result<Option<String>, StoreError> {
        let arn = resource_arn.to_string();
        self.with(move |conn| {
            conn.query_row(
                "SELECT config_name FROM compliant_configs WHERE resource_arn = ?1",
                [&arn],
                |r| r.get::<_, Option<String>>(0),
            )
            .optional()
            .map(Option::flatten)
            .map_err(backend("read compliant config"))
        })
        .await
    }

    async fn get(&self, id: &str) -> Result<Option<(Finding, Vec<Observation>)>, StoreError> {
        let id = id.to_string();
        self.with(move |conn| {
            let document: Option<String> = conn
                .query_row("SELECT document FROM findings WHERE id = ?1", [&id], |r| {
                    r.get(0)
                })
                .optional()
                .map_err(backend("get"))?;
            let Some(document) = document else {
                return Ok(None);
            };
            let finding: Finding = decode(&id, &document)?;
            let mut stmt = conn
                .prepare(
                    "SELECT seq, document FROM observations WHERE finding_id = ?1 ORDER BY seq",
                )
                .map_err(backend("get"))?;
            let rows = stmt
                .query_map([&id], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?)))
                .map_err(backend("get"))?;
            let mut history = Vec::new();
            for row in rows {
                let (seq, text) = row.map_err(backend("get"))?;
                history.push(decode(&format!("observation {seq}"), &text)?);
            }
            Ok(Some((finding, history)))
        })
        .await
    }

    async fn list(&self, query: &Query) -> Result<Page, StoreError> {
        let query = query.clone();
        self.with(move |conn| {
            // Narrow with the indexed columns; `Page::collect` applies every filter exactly.
            let mut stmt = conn
                .prepare(
                    "SELECT id, document FROM findings
                     WHERE (?1 IS NULL OR account = ?1) AND (?2 IS NULL OR control = ?2)
                       AND (?3 IS NULL OR last_seen >= ?3) AND (?4 IS NULL OR last_seen < ?4)
                     ORDER BY last_seen DESC, id DESC",
                )
                .map_err(backend("list"))?;
            let rows = stmt
                .query_map(
                    params![
                        query.account,
                        query.control.map(|c| c.as_str()),
                        query.since,
                        query.until
                    ],
                    |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)),
                )
                .map_err(backend("list"))?;
            let mut candidates = Vec::new();
            for row in rows {
                let (id, text) = row.map_err(backend("list"))?;
                candidates.push(decode::<Finding>(&id, &text)?);
            }
            Ok(Page::collect(&query, candidates))
        })
        .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn passes_the_store_contract() -> Result<(), StoreError> {
        guardrail_core::store::contract::run_all(|| async { SqliteStore::in_memory() }).await
    }

    /// Issue 22: compliant resources never alerted are recorded together, so a sweep's pass
    /// from a bulk read is settled without a live read again (which a refused one gets).
    #[tokio::test]
    async fn records_quietly() -> Result<(), StoreError> {
        let store = SqliteStore::in_memory()?;
        assert!(guardrail_core::store::contract::quiet_records(&store).await?);
        Ok(())
    }

    /// C17: concurrent first opens of a new store all succeed (one migrates, the others see it).
    #[test]
    fn concurrent_first_opens_of_a_new_store_all_succeed() -> Result<(), StoreError> {
        for round in 0..20 {
            let dir = std::env::temp_dir().join(format!(
                "guardrail-concurrent-open-{}-{round}",
                std::process::id()
            ));
            let path = dir.join("findings.db");
            let _ = std::fs::remove_dir_all(&dir);
            let start = std::sync::Arc::new(std::sync::Barrier::new(8));
            let opens: Vec<_> = (0..8)
                .map(|_| {
                    let (path, start) = (path.clone(), start.clone());
                    std::thread::spawn(move || {
                        start.wait();
                        SqliteStore::open(&path).map(drop)
                    })
                })
                .collect();
            for open in opens {
                match open.join() {
                    Ok(result) => result?,
                    Err(_) => panic!("an open panicked"),
                }
            }
            let _ = std::fs::remove_dir_all(&dir);
        }
        Ok(())
    }

    #[tokio::test]
    async fn reopening_keeps_findings_and_refuses_a_newer_schema() -> Result<(), StoreError> {
        let dir = std::env::temp_dir().join(format!("guardrail-sqlite-{}", std::process::id()));
        let path = dir.join("findings.db");
        let store = SqliteStore::open(&path)?;
        let (findings, observations) = guardrail_core::store::contract::sample(
            "arn:aws:sagemaker:us-east-1:1:training-job/a",
            "2026-11-01T00:00:00Z",
        );
        store
            .record(&Evaluation::of(&findings, &observations))
            .await?;
        drop(store);
        let store = SqliteStore::open(&path)?;
        let id = findings.first().map(|f| f.id.clone()).unwrap_or_default();
        assert!(store.get(&id).await?.is_some());
        drop(store);

        let conn = Connection::open(&path).map_err(backend("test"))?;
        conn.pragma_update(None, "user_version", SCHEMA_VERSION + 1)
            .map_err(backend("test"))?;
        drop(conn);
        match SqliteStore::open(&path) {
            Err(StoreError::NewerSchema { found, .. }) => assert_eq!(found, SCHEMA_VERSION + 1),
            other => panic!("expected a schema error, got {other:?}"),
        }
        let _ = std::fs::remove_dir_all(&dir);
        Ok(())
    }

    /// A version 1 file (no evaluation times) migrates, and its last alert still counts.
    #[tokio::test]
    async fn a_version_1_store_migrates_and_keeps_its_alert_state() -> Result<(), StoreError> {
        let dir = std::env::temp_dir().join(format!("guardrail-sqlite-v1-{}", std::process::id()));
        let path = dir.join("findings.db");
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).map_err(|e| StoreError::Corrupt {
            key: dir.display().to_string(),
            message: e.to_string(),
        })?;
        let conn = Connection::open(&path).map_err(backend("test"))?;
        conn.execute_batch(SCHEMA_V1).map_err(backend("test"))?;
        conn.execute(
            "INSERT INTO notifications (resource_arn, notified_key) VALUES ('arn:a', 'FAIL x open')",
            [],
        )
        .map_err(backend("test"))?;
        conn.pragma_update(None, "user_version", 1)
            .map_err(backend("test"))?;
        drop(conn);
        let store = SqliteStore::open(&path)?;
        let ask = |key| ClaimRequest {
            resource_arn: "arn:a",
            key,
            owner: "o",
            evaluated: 1,
            now: 1,
            expires: 2,
            quiet_if_first: false,
        };
        assert_eq!(
            store.claim_notification(&ask("FAIL x open")).await?,
            Claim::AlreadyNotified
        );
        assert_eq!(
            store.claim_notification(&ask("PASS")).await?,
            Claim::Granted {
                last_notified: Some("FAIL x open".into())
            }
        );
        drop(store);
        let _ = std::fs::remove_dir_all(&dir);
        Ok(())
    }

    #[tokio::test]
    async fn corrupt_rows_are_reported_not_skipped() -> Result<(), StoreError> {
        let store = SqliteStore::in_memory()?;
        store
            .with(|conn| {
                conn.execute(
                    "INSERT INTO findings VALUES ('bad', 'arn', 'training-job', '1', 'r', 'c', 'FAIL', 'high', 't', 't', '{not json')",
                    [],
                )
                .map_err(backend("test"))
            })
            .await?;
        match store
            .list(&Query {
                limit: 10,
                ..Query::default()
            })
            .await
        {
            Err(StoreError::Corrupt { key, .. }) => assert_eq!(key, "bad"),
            other => panic!("expected a corrupt-record error, got {other:?}"),
        }
        Ok(())
    }
}
