//! `sitrep serve`: the HTTP API and the web page over an event store.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

/// Serve the event store: an HTTP API and a web page with a map, a timeline and the evidence
/// behind every event.
#[derive(clap::Args)]
#[command(
    long_about = "Serve the event store over HTTP: a web page (map, timeline, filters, and for each event its \
sources, claims and the article text with the evidence highlighted) and a JSON API (/api/events, \
/api/events/ID, /api/documents/ID, /api/stats, /api/coverage, /api/openapi.json). Every asset is inside the \
binary; the page fetches nothing from the internet.\n\n\
Binds 127.0.0.1 (this machine only) unless --addr says otherwise; put a reverse proxy with TLS in front \
before exposing it.\n\n\
Submitting articles (POST /api/documents, stored and extracted) is off unless --allow-submit is given. \
The bearer token is never a command-line argument (every user sees those in `ps`): it is read from the \
environment variable SITREP_SUBMIT_TOKEN, or from the file named by --token-file (first line). It must be \
at least 16 characters.\n\n\
The newsletter pages are served too: /subscribe (a form over the watch lists, double opt-in), /confirm and \
/unsubscribe (with RFC 8058 one-click POST), and /api/lists (changing lists needs the bearer token in \
SITREP_LISTS_TOKEN).\n\n\
Logs go to stderr (RUST_LOG-style levels are not parsed: --quiet keeps warnings only). Ctrl-C or SIGTERM \
stops it after the requests in flight.",
    after_help = "Examples:\n  sitrep serve --db events.db\n  sitrep serve --db postgres://sitrep@127.0.0.1:5432/sitrep --keys-dir /srv/sitrep\n  sitrep serve --db events.db --addr 127.0.0.1:0\n  \
SITREP_SUBMIT_TOKEN=$(head -c 24 /dev/urandom | base64) sitrep serve --allow-submit\n  \
curl 'http://127.0.0.1:8080/api/events?country=SY&format=geojson'"
)]
pub struct Args {
    /// The store (made by `sitrep ingest` or `sitrep worker`): an SQLite file, or a PostgreSQL
    /// store (postgres://USER@HOST:PORT/DB).
    #[arg(long, value_name = "FILE|URL", default_value = "sitrep.db")]
    pub db: String,
    /// The directory of the newsletter's link-signing keyring (default: the SQLite file's
    /// directory; required with PostgreSQL, or SITREP_KEYS_DIR).
    #[arg(long, value_name = "DIR")]
    pub keys_dir: Option<PathBuf>,
    #[command(flatten)]
    pub pg: super::queue::PgArgs,
    /// Address and port to listen on (port 0: any free port, printed at start).
    #[arg(long, value_name = "ADDR", default_value = "127.0.0.1:8080")]
    pub addr: SocketAddr,
    /// Accept POST /api/documents with the bearer token from SITREP_SUBMIT_TOKEN or --token-file.
    #[arg(long)]
    pub allow_submit: bool,
    /// File whose first line is the submit token (instead of SITREP_SUBMIT_TOKEN).
    #[arg(long, value_name = "FILE", requires = "allow_submit")]
    pub token_file: Option<PathBuf>,
    /// Largest submitted document body, in bytes.
    #[arg(long, value_name = "N", default_value_t = sitrep_serve::DEFAULT_SUBMIT_MAX_BYTES)]
    pub submit_max_bytes: usize,
    /// Log warnings only, not every request.
    #[arg(long)]
    pub quiet: bool,
    /// The address readers reach this server at, for the links in subscription confirmations
    /// (default: http://ADDR).
    #[arg(long, value_name = "URL")]
    pub base_url: Option<String>,
    /// Sender of subscription confirmations, sent at once over SITREP_SMTP_URL (without both,
    /// they wait in the outbox for the next `sitrep digest`).
    #[arg(long, value_name = "ADDRESS")]
    pub mail_from: Option<String>,
}

fn token(args: &Args) -> anyhow::Result<String> {
    if let Some(path) = &args.token_file {
        let text = std::fs::read_to_string(path).map_err(|e| anyhow::anyhow!("--token-file {}: {e}", path.display()))?;
        return Ok(text.lines().next().unwrap_or("").trim().to_owned());
    }
    match std::env::var("SITREP_SUBMIT_TOKEN") {
        Ok(t) if !t.trim().is_empty() => Ok(t.trim().to_owned()),
        _ => anyhow::bail!("--allow-submit needs a token: set SITREP_SUBMIT_TOKEN or give --token-file FILE"),
    }
}

/// Runs the command.
///
/// # Errors
/// A missing database, a port in use, a missing token with --allow-submit.
pub fn run(args: &Args) -> anyhow::Result<ExitCode> {
    tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .with_max_level(if args.quiet { tracing::Level::WARN } else { tracing::Level::INFO })
        .init();
    // Checked before the newsletter opens the store, which would create a missing file.
    if !sitrep_pg::is_postgres_url(&args.db) && !std::path::Path::new(&args.db).is_file() {
        anyhow::bail!("{}: no such database (create one with `sitrep ingest INPUTS --db {}`)", args.db, args.db);
    }
    let submit = if args.allow_submit {
        let token = token(args)?;
        let pipeline = sitrep_pipeline::Pipeline::load().map_err(anyhow::Error::msg)?;
        Some(sitrep_serve::Submit { token, max_bytes: args.submit_max_bytes, pipeline: Arc::new(pipeline) })
    } else {
        None
    };
    let base_url = args.base_url.clone().unwrap_or_else(|| format!("http://{}", args.addr));
    let mut web = sitrep_digest::web::WebConfig::new(&args.db, &base_url);
    web.keys_dir = args.keys_dir.clone().or_else(|| std::env::var_os("SITREP_KEYS_DIR").filter(|v| !v.is_empty()).map(PathBuf::from));
    web.pg = args.pg.options();
    web.from = args
        .mail_from
        .as_deref()
        .map(str::parse)
        .transpose()
        .map_err(|e| anyhow::anyhow!("--mail-from: {e} (expected e.g. \"sitrep <alerts@example.org>\")"))?;
    web.smtp = std::env::var("SITREP_SMTP_URL").ok().filter(|u| !u.is_empty());
    web.admin_token = std::env::var("SITREP_LISTS_TOKEN").ok().filter(|t| !t.is_empty());
    // The map needs no keyring; on PostgreSQL there is no file to keep one beside, so without
    // --keys-dir the newsletter pages stay off rather than the whole server.
    let extra = if sitrep_pg::is_postgres_url(&args.db) && web.keys_dir.is_none() {
        tracing::warn!("newsletter pages off: with PostgreSQL, give --keys-dir DIR (or SITREP_KEYS_DIR) to serve /subscribe, /confirm and /unsubscribe");
        None
    } else {
        let newsletter = sitrep_digest::web::WebState::open(web).map_err(|e| anyhow::anyhow!("the newsletter pages cannot start: {e}"))?;
        Some(sitrep_digest::web::routes(newsletter))
    };
    let config = sitrep_serve::Config { db: args.db.clone(), pg: args.pg.options(), addr: args.addr, submit, extra };
    sitrep_serve::serve_blocking(config)?;
    Ok(ExitCode::SUCCESS)
}
