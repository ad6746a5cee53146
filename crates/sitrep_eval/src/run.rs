//! Runs the pipeline over a set's documents, in parallel, keeping input order.
//!
//! A stage that panics on one document must not stop the evaluation of the others: the document
//! is scored as if nothing was extracted, and the panic is reported in the set's notes so it
//! cannot pass unnoticed.

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::Mutex;

use rayon::prelude::*;
use sitrep_core::contract::{self, Output};
use sitrep_core::Document;
use sitrep_pipeline::Pipeline;

/// Turns an HTML page into a [`Document`] (text, `removed` ranges, metadata): the ingest
/// stage's job. Arguments: document id, page URL, HTML.
pub type HtmlIngest = Box<dyn Fn(&str, Option<&str>, &str) -> Document + Send + Sync>;

/// The pipeline and how to feed it.
pub struct Runner {
    pub pipeline: Pipeline,
    /// HTML ingest, when the binary has one to give (article_extraction needs it).
    pub html: Option<HtmlIngest>,
    pool: rayon::ThreadPool,
    panics: Mutex<Vec<String>>,
    inspect: Option<Inspector>,
}

/// A check over one output; returns the problems it found.
pub type Inspector = Box<dyn Fn(&Output) -> Vec<String> + Send + Sync>;

fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
    payload
        .downcast_ref::<&str>()
        .map(|s| (*s).to_owned())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "non-string panic".to_owned())
}

impl Runner {
    /// A runner with `threads` worker threads (0: one per core).
    ///
    /// # Panics
    /// When the thread pool cannot be created (out of threads).
    #[must_use]
    pub fn new(pipeline: Pipeline, html: Option<HtmlIngest>, threads: usize) -> Self {
        let pool = rayon::ThreadPoolBuilder::new().num_threads(threads).build().expect("thread pool");
        Self { pipeline, html, pool, panics: Mutex::new(Vec::new()), inspect: None }
    }

    /// Adds a check run on every output (e.g. JSON Schema validation in tests); what it returns
    /// is reported like a panic, with the document's id.
    #[must_use]
    pub fn with_inspector(mut self, inspect: Inspector) -> Self {
        self.inspect = Some(inspect);
        self
    }

    fn extract_one(&self, doc: Document) -> Output {
        let fallback = doc.clone();
        let run = || {
            let mut doc = doc;
            self.pipeline.annotate(&mut doc);
            let out = contract::to_output(&doc, self.pipeline.provenance());
            // Every scored document also checks the contract: a stage that breaks the span
            // invariant on real text shows up here, whatever its own tests covered.
            let mut problems = sitrep_core::check::span_violations(&doc);
            problems.extend(sitrep_core::check::output_violations(&out));
            if let Some(inspect) = &self.inspect {
                problems.extend(inspect(&out));
            }
            (out, problems)
        };
        match catch_unwind(AssertUnwindSafe(run)) {
            Ok((out, problems)) => {
                if !problems.is_empty() {
                    let msg = format!("document {}: contract broken: {}", out.document.id, problems.join("; "));
                    self.panics.lock().unwrap_or_else(std::sync::PoisonError::into_inner).push(msg);
                }
                out
            }
            Err(payload) => {
                let msg = format!("document {}: {}", fallback.id, panic_message(payload.as_ref()));
                self.panics.lock().unwrap_or_else(std::sync::PoisonError::into_inner).push(msg);
                contract::to_output(&fallback, self.pipeline.provenance())
            }
        }
    }

    /// Extracts every document, outputs in input order.
    #[must_use]
    pub fn extract_all(&self, docs: Vec<Document>) -> Vec<Output> {
        self.pool.install(|| docs.into_par_iter().map(|d| self.extract_one(d)).collect())
    }

    /// Ingests and extracts HTML pages `(id, url, html)`; `None` without an HTML ingest.
    #[must_use]
    pub fn extract_html(&self, pages: Vec<(String, Option<String>, String)>) -> Option<Vec<Output>> {
        let ingest = self.html.as_ref()?;
        Some(self.pool.install(|| {
            pages
                .into_par_iter()
                .map(|(id, url, html)| {
                    let doc = catch_unwind(AssertUnwindSafe(|| ingest(&id, url.as_deref(), &html))).unwrap_or_else(|p| {
                        self.panics.lock().unwrap_or_else(std::sync::PoisonError::into_inner).push(format!("ingest of {id}: {}", panic_message(p.as_ref())));
                        Document::from_text(id.clone(), "")
                    });
                    self.extract_one(doc)
                })
                .collect()
        }))
    }

    /// `f` over `items` on the runner's threads, results in input order.
    pub fn map<T: Sync, R: Send>(&self, items: &[T], f: impl Fn(&T) -> R + Sync + Send) -> Vec<R> {
        self.pool.install(|| items.par_iter().map(&f).collect())
    }

    /// Panics and contract violations caught since the last call (one line each), for the set's notes.
    pub fn take_panics(&self) -> Vec<String> {
        std::mem::take(&mut *self.panics.lock().unwrap_or_else(std::sync::PoisonError::into_inner))
    }
}
