//! `sitrep extract`: articles in, the contract's JSON out.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use sitrep_core::Document;
use sitrep_pipeline::Pipeline;

/// Extract events, entities, places, dates and quotes from articles and print the contract JSON.
#[derive(clap::Args)]
#[command(after_help = "Examples:\n  sitrep extract samples/bangui.txt --published 2026-04-13\n  \
cat article.txt | sitrep extract - --jsonl")]
pub struct Args {
    /// Files or directories to read; `-` reads standard input.
    #[arg(required = true)]
    pub inputs: Vec<PathBuf>,
    /// One JSON object per line instead of pretty-printed JSON.
    #[arg(long)]
    pub jsonl: bool,
}

pub fn run(args: &Args) -> anyhow::Result<ExitCode> {
    let pipeline = Pipeline::load().map_err(anyhow::Error::msg)?;
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    for path in &args.inputs {
        let text = std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
        let doc = Document::from_text(path.display().to_string(), text);
        let output = pipeline.extract(doc);
        if args.jsonl {
            serde_json::to_writer(&mut out, &output)?;
        } else {
            serde_json::to_writer_pretty(&mut out, &output)?;
        }
        writeln!(out)?;
    }
    Ok(ExitCode::SUCCESS)
}
