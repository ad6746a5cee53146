//! Runs the pipeline over a set's documents, in parallel, keeping input order.

use rayon::prelude::*;
use sitrep_core::contract::Output;
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
}

impl Runner {
    /// A runner with `threads` worker threads (0: one per core).
    ///
    /// # Panics
    /// When the thread pool cannot be created (out of threads).
    #[must_use]
    pub fn new(pipeline: Pipeline, html: Option<HtmlIngest>, threads: usize) -> Self {
        let pool = rayon::ThreadPoolBuilder::new().num_threads(threads).build().expect("thread pool");
        Self { pipeline, html, pool }
    }

    /// Extracts every document, outputs in input order.
    #[must_use]
    pub fn extract_all(&self, docs: Vec<Document>) -> Vec<Output> {
        self.pool.install(|| docs.into_par_iter().map(|d| self.pipeline.extract(d)).collect())
    }

    /// Ingests and extracts HTML pages `(id, url, html)`; `None` without an HTML ingest.
    #[must_use]
    pub fn extract_html(&self, pages: Vec<(String, Option<String>, String)>) -> Option<Vec<Output>> {
        let ingest = self.html.as_ref()?;
        Some(self.pool.install(|| {
            pages
                .into_par_iter()
                .map(|(id, url, html)| self.pipeline.extract(ingest(&id, url.as_deref(), &html)))
                .collect()
        }))
    }
}
