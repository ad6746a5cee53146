//! The queue many workers share. `enqueue` stores documents as read; a worker claims a batch
//! (`FOR UPDATE SKIP LOCKED`, so two workers never take the same rows, and a lease, so a dead
//! worker's rows come back once it expires), extracts outside any transaction, then in ONE
//! transaction re-checks that the rows are still its own, writes documents, per-document events
//! and merges, and marks the rows done. A killed worker's transaction is rolled back by the
//! server, so each document is stored exactly once.
//!
//! Merges are serialised by one advisory lock held by every store write transaction
//! (`store::STORE_WRITE_LOCK`): the merge is greedy and order-dependent, and syndication and
//! identity lookups read other documents across countries, so a per-country lock would let two
//! concurrent batches miss each other's wire copies. The write step is the cheap part (see
//! README figures); extraction runs fully in parallel.

use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use rayon::prelude::*;
use sitrep_core::Document;
use sitrep_pipeline::Pipeline;
use sitrep_store::store::{BatchItem, BatchStats, DocKey, EventStore};
use sitrep_store::warc::ReadItem;
use sitrep_store::Error;

use crate::store::{now, PgStore};
use crate::{pg_err, PgOptions};

/// What `enqueue` did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct EnqueueReport {
    pub queued: usize,
    /// Already stored unchanged, or already waiting in the queue.
    pub already: usize,
    /// Inputs that could not be read (recorded in `ingest_errors`).
    pub errors: usize,
}

/// Reads `paths` (as `sitrep ingest` does) into the queue; the same document (key and content)
/// is never queued twice nor queued once stored.
///
/// # Errors
/// Database errors.
pub fn enqueue(store: &mut PgStore, paths: &[PathBuf], opts: &sitrep_ingest::Options) -> Result<EnqueueReport, Error> {
    let labels: Vec<String> = paths.iter().map(|p| format!("enqueue {}", p.display())).collect();
    let run_id = store.begin_run(&labels)?;
    let mut items = Vec::new();
    sitrep_store::ingest::read_inputs(paths, opts, |item| items.push(item));
    let mut report = EnqueueReport::default();
    let mut client = store.client();
    for chunk in items.chunks(500) {
        let mut tx = client.transaction().map_err(pg_err)?;
        let insert = tx
            .prepare(
                "INSERT INTO queue (doc_key, content_hash, source, document)
                 SELECT $1, $2, $3, $4
                 WHERE NOT EXISTS (SELECT 1 FROM queue WHERE doc_key = $1 AND content_hash = $2 AND status <> 'failed')
                   AND NOT EXISTS (SELECT 1 FROM documents WHERE doc_key = $1 AND content_hash = $2)",
            )
            .map_err(pg_err)?;
        for item in chunk {
            match item {
                ReadItem::Document(doc) => {
                    let key = DocKey::of(doc);
                    let n = tx
                        .execute(&insert, &[&key.key, &key.content_hash, &doc.source, &serde_json::to_string(doc)?])
                        .map_err(pg_err)?;
                    if n == 1 {
                        report.queued += 1;
                    } else {
                        report.already += 1;
                    }
                }
                ReadItem::Error { source, message } => {
                    tx.execute(
                        "INSERT INTO ingest_errors (run_id, source, message, at) VALUES ($1, $2, $3, $4)",
                        &[&run_id, source, message, &now()],
                    )
                    .map_err(pg_err)?;
                    report.errors += 1;
                }
            }
        }
        tx.commit().map_err(pg_err)?;
    }
    drop(client);
    store.finish_run(run_id, &BatchStats { errors: report.errors, ..BatchStats::default() })?;
    Ok(report)
}

/// How a worker works.
#[derive(Debug, Clone)]
pub struct WorkerOptions {
    /// Shown in `sitrep status`; unique per worker (default host-pid).
    pub name: String,
    /// Documents claimed at once (one transaction each).
    pub batch: usize,
    /// How long a claim is the worker's before others may take it back.
    pub lease: Duration,
    /// Pause between polls of an empty queue.
    pub poll: Duration,
    /// Stop once every queued document is done or failed (waiting out other workers' leases)
    /// instead of polling for more.
    pub exit_when_idle: bool,
    /// Extraction threads.
    pub threads: usize,
    /// Claims of one document after which it is marked failed (a document that kills workers).
    pub max_attempts: i64,
}

impl Default for WorkerOptions {
    fn default() -> Self {
        let host = std::fs::read_to_string("/etc/hostname").map(|h| h.trim().to_owned()).unwrap_or_else(|_| "host".to_owned());
        Self {
            name: format!("{host}-{}", std::process::id()),
            batch: 64,
            lease: Duration::from_secs(300),
            poll: Duration::from_secs(2),
            exit_when_idle: false,
            threads: 1,
            max_attempts: 5,
        }
    }
}

/// What a worker has done so far.
#[derive(Debug, Default, Clone)]
pub struct WorkerReport {
    pub batches: usize,
    pub documents: usize,
    pub stats: BatchStats,
    /// Claimed rows another worker had taken back (lease expired) by commit time; not stored here.
    pub lost: usize,
    pub failed: usize,
    pub extract_seconds: f64,
    pub store_seconds: f64,
}

/// One worker process's connection and identity.
pub struct Worker {
    store: PgStore,
    opts: WorkerOptions,
    run_id: i64,
}

/// One queued document as claimed.
#[derive(Debug)]
pub struct Claimed {
    id: i64,
    attempts: i64,
    document: String,
}

impl Claimed {
    /// The queue row's id.
    #[must_use]
    pub fn id(&self) -> i64 {
        self.id
    }
}

impl Worker {
    /// Connects and registers the worker.
    ///
    /// # Errors
    /// Connection or database errors.
    pub fn new(url: &str, pg: &PgOptions, opts: WorkerOptions) -> Result<Self, Error> {
        let mut store = PgStore::connect(url, pg)?;
        let run_id = store.begin_run(&[format!("worker {}", opts.name)])?;
        store
            .client()
            .execute(
                "INSERT INTO workers (name, host, pid, started_at, heartbeat_at, state) VALUES ($1, $2, $3, now(), now(), 'running')
                 ON CONFLICT (name) DO UPDATE SET pid = EXCLUDED.pid, started_at = now(), heartbeat_at = now(), state = 'running'",
                &[&opts.name, &std::fs::read_to_string("/etc/hostname").ok().map(|h| h.trim().to_owned()), &i64::from(std::process::id())],
            )
            .map_err(pg_err)?;
        Ok(Self { store, opts, run_id })
    }

    /// Claims and processes batches until the queue is empty (with `exit_when_idle`) or `stop`
    /// is set; a batch in flight is always finished first. `on_batch` sees the totals after each.
    ///
    /// # Errors
    /// Database errors (the batch in flight is rolled back; its rows return after the lease).
    pub fn run(&mut self, pipeline: &Pipeline, stop: &AtomicBool, mut on_batch: impl FnMut(&WorkerReport)) -> Result<WorkerReport, Error> {
        let pool = rayon::ThreadPoolBuilder::new().num_threads(self.opts.threads.max(1)).build().map_err(|e| Error::Pipeline(e.to_string()))?;
        let mut report = WorkerReport::default();
        let result = (|| {
            while !stop.load(Ordering::SeqCst) {
                self.heartbeat()?;
                let claimed = self.claim()?;
                if claimed.is_empty() {
                    // Idle means drained: rows another worker holds may still come back when its
                    // lease runs out (it may have died), so wait for those too.
                    if self.opts.exit_when_idle && self.unfinished()? == 0 {
                        break;
                    }
                    let until = Instant::now() + self.opts.poll;
                    while Instant::now() < until && !stop.load(Ordering::SeqCst) {
                        std::thread::sleep(Duration::from_millis(50));
                    }
                    continue;
                }
                pool.install(|| self.process(pipeline, claimed, &mut report))?;
                on_batch(&report);
            }
            Ok(())
        })();
        let state = if result.is_ok() { "stopped" } else { "failed" };
        let last_error = result.as_ref().err().map(ToString::to_string);
        // Best effort: the worker is leaving either way.
        let _ = self.store.client().execute(
            "UPDATE workers SET state = $2, heartbeat_at = now(), last_error = COALESCE($3, last_error) WHERE name = $1",
            &[&self.opts.name, &state, &last_error],
        );
        let _ = self.store.finish_run(self.run_id, &report.stats);
        result.map(|()| report)
    }

    fn unfinished(&mut self) -> Result<i64, Error> {
        let row = self.store.client().query_one("SELECT count(*) FROM queue WHERE status IN ('queued', 'claimed')", &[]).map_err(pg_err)?;
        Ok(row.get(0))
    }

    fn heartbeat(&mut self) -> Result<(), Error> {
        self.store.client().execute("UPDATE workers SET heartbeat_at = now() WHERE name = $1", &[&self.opts.name]).map_err(pg_err)?;
        Ok(())
    }

    /// Claims up to a batch of documents (the first step of [`Worker::run`]'s loop).
    ///
    /// # Errors
    /// Database errors.
    pub fn claim(&mut self) -> Result<Vec<Claimed>, Error> {
        let lease_ms = self.opts.lease.as_millis() as f64;
        let rows = self
            .store
            .client()
            .query(
                "WITH c AS (
                    SELECT id FROM queue
                    WHERE status = 'queued' OR (status = 'claimed' AND lease_until < now())
                    ORDER BY id LIMIT $1 FOR UPDATE SKIP LOCKED)
                 UPDATE queue q SET status = 'claimed', claimed_by = $2, lease_until = now() + $3 * interval '1 millisecond',
                    attempts = q.attempts + 1
                 FROM c WHERE q.id = c.id
                 RETURNING q.id, q.attempts, q.document",
                &[&(self.opts.batch.max(1) as i64), &self.opts.name, &lease_ms],
            )
            .map_err(pg_err)?;
        let mut claimed: Vec<Claimed> = rows.iter().map(|r| Claimed { id: r.get(0), attempts: r.get(1), document: r.get(2) }).collect();
        claimed.sort_by_key(|c| c.id);
        Ok(claimed)
    }

    /// Extracts and commits claimed documents (the second step); rows no longer this worker's
    /// by commit time are counted in `report.lost` and not stored.
    ///
    /// # Errors
    /// Database errors (nothing of the batch is committed).
    pub fn process(&mut self, pipeline: &Pipeline, claimed: Vec<Claimed>, report: &mut WorkerReport) -> Result<(), Error> {
        let mut failed: Vec<(i64, String)> = Vec::new();
        let mut todo: Vec<(i64, DocKey, Document)> = Vec::new();
        for c in claimed {
            if c.attempts > self.opts.max_attempts {
                failed.push((c.id, format!("gave up after {} claims: each worker that took it died or failed", c.attempts - 1)));
                continue;
            }
            match serde_json::from_str::<Document>(&c.document) {
                Ok(doc) => todo.push((c.id, DocKey::of(&doc), doc)),
                Err(e) => failed.push((c.id, format!("queued document is not readable: {e}"))),
            }
        }
        let t = Instant::now();
        let extracted: Vec<(i64, BatchItem)> = todo
            .into_par_iter()
            .map(|(id, key, doc)| (id, BatchItem::Document { key, output: Box::new(pipeline.extract(doc)) }))
            .collect();
        report.extract_seconds += t.elapsed().as_secs_f64();

        let t = Instant::now();
        let name = self.opts.name.clone();
        let run_id = self.run_id;
        let mut w = self.store.writer()?;
        let ids: Vec<i64> = extracted.iter().map(|(id, _)| *id).chain(failed.iter().map(|(id, _)| *id)).collect();
        // Still ours? A row whose lease ran out may have been taken back by another worker.
        let ours: std::collections::HashSet<i64> = w
            .tx
            .query("SELECT id FROM queue WHERE id = ANY($1) AND claimed_by = $2 AND status = 'claimed' FOR UPDATE", &[&ids, &name])
            .map_err(pg_err)?
            .iter()
            .map(|r| r.get(0))
            .collect();
        let (kept, lost): (Vec<_>, Vec<_>) = extracted.into_iter().partition(|(id, _)| ours.contains(id));
        report.lost += lost.len();
        let done_ids: Vec<i64> = kept.iter().map(|(id, _)| *id).collect();
        let items: Vec<BatchItem> = kept.into_iter().map(|(_, item)| item).collect();
        let stats = PgStore::write_batch(&mut w, run_id, &items)?;
        w.tx.execute(
            "UPDATE queue SET status = 'done', done_at = now(), done_by = $2, lease_until = NULL,
             commit_seq = (SELECT nextval('queue_commit_seq')) WHERE id = ANY($1)",
            &[&done_ids, &name],
        )
        .map_err(pg_err)?;
        let mut n_failed = 0_i64;
        for (id, why) in &failed {
            if ours.contains(id) {
                w.tx.execute("UPDATE queue SET status = 'failed', error = $2, lease_until = NULL WHERE id = $1", &[id, why]).map_err(pg_err)?;
                n_failed += 1;
            }
        }
        w.tx.execute(
            "UPDATE workers SET heartbeat_at = now(), batches = batches + 1, documents = documents + $2, errors = errors + $3 WHERE name = $1",
            &[&name, &(done_ids.len() as i64), &((stats.errors as i64) + n_failed)],
        )
        .map_err(pg_err)?;
        w.tx.commit().map_err(pg_err)?;
        report.store_seconds += t.elapsed().as_secs_f64();
        report.batches += 1;
        report.documents += done_ids.len();
        report.failed += usize::try_from(n_failed).unwrap_or(0);
        report.stats += stats;
        Ok(())
    }
}

/// One worker as `sitrep status` shows it.
#[derive(Debug, Clone, serde::Serialize)]
pub struct WorkerRow {
    pub name: String,
    pub state: String,
    pub pid: Option<i64>,
    /// Seconds since its last heartbeat.
    pub heartbeat_age_s: f64,
    pub batches: i64,
    pub documents: i64,
    pub errors: i64,
    pub last_error: Option<String>,
}

/// The queue and its workers.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Status {
    pub queued: i64,
    pub claimed: i64,
    /// Claimed rows whose lease ran out (their worker died); the next claim takes them back.
    pub expired_leases: i64,
    pub done: i64,
    pub failed: i64,
    pub done_last_minute: i64,
    pub done_last_10_minutes: i64,
    /// Documents per second over the last 10 minutes (from the first document done in them).
    pub throughput_per_s: f64,
    pub ingest_errors: i64,
    pub workers: Vec<WorkerRow>,
    /// The most recent failed documents and ingest errors: (source, message).
    pub recent_errors: Vec<(String, String)>,
}

/// Reads the queue's state.
///
/// # Errors
/// Database errors.
pub fn status(store: &PgStore) -> Result<Status, Error> {
    let mut c = store.client();
    let r = c
        .query_one(
            "SELECT count(*) FILTER (WHERE status = 'queued'),
                    count(*) FILTER (WHERE status = 'claimed'),
                    count(*) FILTER (WHERE status = 'claimed' AND lease_until < now()),
                    count(*) FILTER (WHERE status = 'done'),
                    count(*) FILTER (WHERE status = 'failed'),
                    count(*) FILTER (WHERE done_at > now() - interval '1 minute'),
                    count(*) FILTER (WHERE done_at > now() - interval '10 minutes'),
                    EXTRACT(EPOCH FROM now() - min(done_at) FILTER (WHERE done_at > now() - interval '10 minutes'))::float8
             FROM queue",
            &[],
        )
        .map_err(pg_err)?;
    let ingest_errors: i64 = c.query_one("SELECT count(*) FROM ingest_errors", &[]).map_err(pg_err)?.get(0);
    let workers = c
        .query(
            "SELECT name, state, pid, EXTRACT(EPOCH FROM now() - heartbeat_at)::float8, batches, documents, errors, last_error
             FROM workers ORDER BY heartbeat_at DESC",
            &[],
        )
        .map_err(pg_err)?
        .iter()
        .map(|w| WorkerRow {
            name: w.get(0),
            state: w.get(1),
            pid: w.get(2),
            heartbeat_age_s: w.get(3),
            batches: w.get(4),
            documents: w.get(5),
            errors: w.get(6),
            last_error: w.get(7),
        })
        .collect();
    let recent_errors = c
        .query(
            "(SELECT COALESCE(source, doc_key), error, id FROM queue WHERE status = 'failed' ORDER BY id DESC LIMIT 10)
             UNION ALL (SELECT source, message, id FROM ingest_errors ORDER BY id DESC LIMIT 10)",
            &[],
        )
        .map_err(pg_err)?
        .iter()
        .map(|r| (r.get::<_, String>(0), r.get::<_, Option<String>>(1).unwrap_or_default()))
        .collect();
    let last10: i64 = r.get(6);
    // Over the part of the window that saw work, so a two-minute run is not divided by ten.
    let span: Option<f64> = r.get(7);
    Ok(Status {
        queued: r.get(0),
        claimed: r.get(1),
        expired_leases: r.get(2),
        done: r.get(3),
        failed: r.get(4),
        done_last_minute: r.get(5),
        done_last_10_minutes: last10,
        throughput_per_s: span.filter(|s| *s > 0.0).map_or(0.0, |s| last10 as f64 / s.max(1.0)),
        ingest_errors,
        workers,
        recent_errors,
    })
}
