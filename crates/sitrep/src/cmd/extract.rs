//! `sitrep extract`: articles in, the contract's JSON out.

use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use sitrep_core::Date;
use sitrep_ingest::{Format, InputPath, Item, Options};
use sitrep_pipeline::Pipeline;

/// Inputs at or above this count get a progress bar (when stderr is a terminal).
const PROGRESS_MIN_INPUTS: usize = 20;

/// Read articles and print, for each, the contract JSON: the text, boilerplate marked in
/// `removed`, dateline, entities, places, dates, quotes, attributions and events, every one
/// pointing at character offsets of `document.text`.
#[derive(clap::Args)]
#[command(
    long_about = "Read articles and print, for each, the contract JSON (see the contract README): the text, \
boilerplate marked in `removed`, dateline, entities, places, dates, quotes, attributions and events, every one \
pointing at character offsets of `document.text`.\n\n\
INPUTS are files, directories or `-` (standard input). Directories are walked in sorted order and every \
.txt, .text, .html, .htm, .jsonl and .ndjson file (each optionally .gz) is read; hidden files are left out. \
Name a file directly to read it whatever its extension.\n\n\
Formats (--format auto picks by extension, else by the first bytes):\n  \
text   UTF-8 plain text, kept exactly as read (\\r\\n included); invalid UTF-8 is skipped with its byte \
offset, unless --lossy.\n  \
html   a web page: the article body (readability), title, publication date (article:published_time, \
JSON-LD datePublished, <time datetime>; never a modified date) and outlet (og:site_name). Any encoding \
(BOM, <meta charset>, or detected).\n  \
jsonl  one article a line: {\"id\", \"text\" or \"html\", \"url\", \"published\" (YYYY-MM-DD or RFC 3339), \
\"outlet\", \"title\"}. A bad line is reported with its number and skipped; the others go on.\n\n\
Output: one document prints as one pretty JSON object; several print as pretty objects one after another \
(a stream `jq` reads), or one object a line with --jsonl.\n\n\
The publication date, by trust: --published, the JSON Lines field, the page's metadata, the dateline \
(`BANGUI, April 12 (Reuters) -`); `document.published_source` says which.\n\n\
Skipped inputs are reported on stderr as `sitrep: skipped SOURCE: REASON`: unreadable, empty, invalid \
UTF-8, over --max-bytes, gzip that expands too far (a \"gzip bomb\"), HTML nested over 500 levels, no \
article found. A document that is not English is printed (with `document.skipped` set and no events) and \
reported too: sitrep's rules read English only.",
    after_help = "Examples:\n  \
sitrep extract samples/bangui-wire.txt\n  \
sitrep extract samples/aleppo-report.html --published 2026-03-02\n  \
sitrep extract samples/ --jsonl > out.jsonl\n  \
cat article.txt | sitrep extract - --format text\n  \
sitrep extract feed.jsonl.gz --jsonl | jq '.events[] | .event_type'\n\n\
Exit codes: 0 every input was processed; 1 some inputs (or JSON Lines records) were skipped or not coded, \
each reported on stderr, the rest written; 2 usage error."
)]
pub struct Args {
    /// Files or directories to read; `-` reads standard input.
    #[arg(required = true, value_name = "INPUTS")]
    pub inputs: Vec<PathBuf>,
    /// Print one JSON object per line instead of pretty-printed JSON.
    #[arg(long)]
    pub jsonl: bool,
    /// Publication date of every input (YYYY-MM-DD); overrides dates found in the inputs.
    #[arg(long, value_name = "YYYY-MM-DD", value_parser = parse_date)]
    pub published: Option<Date>,
    /// Input format; `auto` decides per input by extension, else by content.
    #[arg(long, value_enum, default_value_t = FormatArg::Auto)]
    pub format: FormatArg,
    /// Skip inputs (and JSON Lines records) larger than N bytes; also caps gzip expansion.
    #[arg(long, value_name = "N", default_value_t = sitrep_ingest::DEFAULT_MAX_BYTES)]
    pub max_bytes: u64,
    /// Decode invalid UTF-8 in plain text with U+FFFD replacements (and a warning) instead of skipping it.
    #[arg(long)]
    pub lossy: bool,
    /// Drop events whose confidence is below X (0 to 1) before printing: trades recall for precision.
    #[arg(long, value_name = "X", value_parser = parse_confidence)]
    pub min_confidence: Option<f64>,
}

fn parse_confidence(s: &str) -> Result<f64, String> {
    s.parse::<f64>().ok().filter(|x| (0.0..=1.0).contains(x)).ok_or_else(|| format!("{s:?} is not a number from 0 to 1"))
}

#[derive(Clone, Copy, clap::ValueEnum)]
pub enum FormatArg {
    Auto,
    Text,
    Html,
    Jsonl,
}

impl From<FormatArg> for Format {
    fn from(f: FormatArg) -> Self {
        match f {
            FormatArg::Auto => Self::Auto,
            FormatArg::Text => Self::Text,
            FormatArg::Html => Self::Html,
            FormatArg::Jsonl => Self::Jsonl,
        }
    }
}

fn parse_date(s: &str) -> Result<Date, String> {
    s.parse::<Date>().map_err(|_| format!("{s:?} is not a date: write it as YYYY-MM-DD, e.g. 2026-04-12"))
}

/// Where messages go: straight to stderr, or above the progress bar.
struct Reporter {
    bar: Option<indicatif::ProgressBar>,
    problems: usize,
}

impl Reporter {
    fn say(&self, line: &str) {
        match &self.bar {
            Some(bar) => bar.println(line),
            None => eprintln!("{line}"),
        }
    }

    fn skipped(&mut self, source: &str, reason: &str) {
        self.problems += 1;
        self.say(&format!("sitrep: skipped {source}: {reason}"));
    }
}

/// Runs the command.
///
/// # Errors
/// When the pipeline's resources cannot be loaded, or stdout fails (other than a closed pipe).
pub fn run(args: &Args) -> anyhow::Result<ExitCode> {
    let opts =
        Options { format: args.format.into(), max_bytes: args.max_bytes, lossy: args.lossy, published: args.published };
    let pipeline = Pipeline::load().map_err(anyhow::Error::msg)?;

    let mut inputs: Vec<Result<InputPath, (String, sitrep_ingest::IngestError)>> = Vec::new();
    for path in &args.inputs {
        inputs.extend(sitrep_ingest::collect_inputs(path));
    }
    let bar = (inputs.len() >= PROGRESS_MIN_INPUTS && std::io::stderr().is_terminal()).then(|| {
        let bar = indicatif::ProgressBar::new(inputs.len() as u64);
        bar.set_style(
            indicatif::ProgressStyle::with_template("{bar:40} {pos}/{len} inputs, {elapsed} (eta {eta})")
                .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
        );
        bar
    });
    let mut report = Reporter { bar, problems: 0 };
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());

    for input in inputs {
        let items = match input {
            Ok(path) => sitrep_ingest::read_path(&path, &opts),
            Err((source, error)) => vec![Item::Skipped { source, error }],
        };
        for item in items {
            match item {
                Item::Document(doc) => {
                    let source = doc.source.clone().unwrap_or_else(|| doc.id.clone());
                    let mut output = pipeline.extract(*doc);
                    if let Some(min) = args.min_confidence {
                        output.events.retain(|e| e.confidence.unwrap_or(0.0) >= min);
                    }
                    if let Some(reason) = &output.document.skipped {
                        report.skipped(&source, &format!("printed but not coded: {reason}"));
                    }
                    let written = if args.jsonl {
                        serde_json::to_writer(&mut out, &output)
                    } else {
                        serde_json::to_writer_pretty(&mut out, &output)
                    };
                    if let Err(err) = written.map_err(std::io::Error::from).and_then(|()| {
                        writeln!(out)?;
                        out.flush()
                    }) {
                        if err.kind() == std::io::ErrorKind::BrokenPipe {
                            // `sitrep extract … | head`: the reader has what it wanted.
                            return Ok(exit_code(report.problems));
                        }
                        return Err(anyhow::Error::new(err).context("writing the output"));
                    }
                }
                Item::Skipped { source, error } => report.skipped(&source, &error.to_string()),
                Item::Warning { source, message } => report.say(&format!("sitrep: warning: {source}: {message}")),
            }
        }
        if let Some(bar) = &report.bar {
            bar.inc(1);
        }
    }
    if let Some(bar) = &report.bar {
        bar.finish_and_clear();
    }
    Ok(exit_code(report.problems))
}

fn exit_code(problems: usize) -> ExitCode {
    if problems == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(crate::EXIT_PARTIAL)
    }
}
