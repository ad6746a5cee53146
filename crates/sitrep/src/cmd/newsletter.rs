//! `sitrep lists`, `subscribe`, `subscribers`, `unsubscribe` and `digest`: situation-report
//! newsletters over the event store (crate sitrep_digest).

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use jiff::Timestamp;
use sitrep_digest::digest::{deliver_message, queue_confirmation};
use sitrep_digest::dkim::{DkimConfig, DkimSigningAlgorithm, DkimSigningKey};
use sitrep_digest::{run_digest, ConsentMethod, DigestOptions, Mailbox, Newsletter, Period, SmtpMailer, CONSENT_WORDING};

/// Where the newsletter's rows and signing keys live: shared by every newsletter command.
#[derive(clap::Args)]
pub struct DbArgs {
    /// The database: an SQLite file, or a PostgreSQL store (postgres://USER@HOST:PORT/DB).
    #[arg(long, value_name = "FILE|URL", default_value = "sitrep.db", global = true)]
    pub db: String,
    /// The directory of the link-signing keyring (default: the SQLite file's directory; required
    /// with PostgreSQL, or SITREP_KEYS_DIR: every process that makes or checks links must share it).
    #[arg(long, value_name = "DIR", global = true)]
    pub keys_dir: Option<PathBuf>,
    #[command(flatten)]
    pub pg: super::queue::PgArgs,
}

impl DbArgs {
    /// --keys-dir, else SITREP_KEYS_DIR.
    pub(crate) fn keys_dir(&self) -> Option<PathBuf> {
        self.keys_dir.clone().or_else(|| std::env::var_os("SITREP_KEYS_DIR").filter(|v| !v.is_empty()).map(PathBuf::from))
    }
}

fn open(args: &DbArgs) -> anyhow::Result<Newsletter> {
    let db = &args.db;
    if !sitrep_pg::is_postgres_url(db) && !Path::new(db).exists() {
        anyhow::bail!("{db}: no such database (create one with `sitrep ingest INPUTS --db {db}`)");
    }
    Newsletter::open_db(db, args.keys_dir().as_deref(), &args.pg.options()).map_err(|e| anyhow::anyhow!("{db}: {e}"))
}

/// The SMTP URL: --smtp, else SITREP_SMTP_URL (keeps a password out of `ps`).
fn smtp_url(flag: Option<&String>) -> Option<String> {
    flag.cloned().or_else(|| std::env::var("SITREP_SMTP_URL").ok().filter(|s| !s.trim().is_empty()))
}

fn sender(from: Option<&String>, base_url: &str) -> anyhow::Result<Mailbox> {
    match from {
        Some(f) => f.parse().map_err(|e| anyhow::anyhow!("--from {f:?}: {e}")),
        None => {
            let host = base_url.split_once("://").map_or("localhost", |(_, r)| r.split(['/', ':']).next().unwrap_or("localhost"));
            format!("sitrep <sitrep@{host}>").parse().map_err(|e| anyhow::anyhow!("cannot make a sender from --base-url (give --from): {e}"))
        }
    }
}

/// Manage watch lists: named filters people subscribe to.
#[derive(clap::Args)]
#[command(
    long_about = "Watch lists are named filters in the syntax of `sitrep events` (country:ML,BF type:battles \
fatalities>=5 …). A list with --severity N also sends `immediate` alerts for events with at least N fatalities.",
    after_help = "Examples:\n  sitrep lists add sahel country:ML,BF,NE\n  sitrep lists add sahel-alerts country:ML,BF,NE --severity 10\n  \
sitrep lists ls\n  sitrep lists rm sahel"
)]
pub struct ListsArgs {
    #[command(subcommand)]
    pub command: ListsCommand,
    #[command(flatten)]
    pub store: DbArgs,
}

#[derive(clap::Subcommand)]
pub enum ListsCommand {
    /// Add a watch list.
    Add {
        name: String,
        /// Filter terms, as for `sitrep events`.
        #[arg(required = true, value_name = "FILTER")]
        filter: Vec<String>,
        /// Send `immediate` alerts for events with at least this many fatalities.
        #[arg(long, value_name = "N")]
        severity: Option<u64>,
    },
    /// List the watch lists and their active subscribers.
    Ls,
    /// Remove a watch list (and every subscription to it).
    Rm { name: String },
}

/// Runs `sitrep lists`.
///
/// # Errors
/// A missing database, a bad filter, an unknown or duplicate name.
pub fn lists(args: &ListsArgs) -> anyhow::Result<ExitCode> {
    let nl = open(&args.store)?;
    match &args.command {
        ListsCommand::Add { name, filter, severity } => {
            let l = nl.add_list(name, &filter.join(" "), *severity, Timestamp::now())?;
            println!("added watch list {:?}: {}{}", l.name, l.filter, l.severity.map(|s| format!(" (immediate alerts at {s}+ fatalities)")).unwrap_or_default());
        }
        ListsCommand::Ls => {
            let counts = nl.list_subscriber_counts()?;
            println!("{:<20} {:>11} {:>9}  filter", "name", "subscribers", "severity");
            for l in nl.lists()? {
                let n = counts.get(&l.id).copied().unwrap_or(0);
                println!("{:<20} {:>11} {:>9}  {}", l.name, n, l.severity.map_or_else(|| "-".to_owned(), |s| s.to_string()), l.filter);
            }
        }
        ListsCommand::Rm { name } => {
            if !nl.remove_list(name)? {
                anyhow::bail!("no watch list is called {name:?} (see `sitrep lists ls`)");
            }
            println!("removed watch list {name:?}");
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// Where links point and how mail leaves: shared by `subscribe` and `digest`.
#[derive(clap::Args)]
pub struct MailArgs {
    /// Where the web page is served (required): every link in the mail is built on it.
    #[arg(long, value_name = "URL")]
    pub base_url: Option<String>,
    /// SMTP server (smtp://host:port, smtps://…, smtp://…?tls=required); default $SITREP_SMTP_URL.
    #[arg(long, value_name = "URL")]
    pub smtp: Option<String>,
    /// Sender address (default sitrep@ the base URL's host).
    #[arg(long, value_name = "ADDR")]
    pub from: Option<String>,
}

/// Subscribe an address to watch lists (double opt-in: it must confirm by email).
#[derive(clap::Args)]
#[command(
    long_about = "Records a subscription request with its consent (when, how, which lists, the wording) and sends \
the confirmation email; nothing else is sent until the link in it is followed. The address's syntax is checked, \
nothing is looked up on the network. With --print-link no mail is sent: the confirmation link is printed for you \
to pass on.",
    after_help = "Examples:\n  sitrep subscribe ana@example.org --list sahel --base-url https://sitrep.example.org --smtp smtp://127.0.0.1:2525\n  \
sitrep subscribe ana@example.org --list sahel --list horn --base-url https://sitrep.example.org --print-link"
)]
pub struct SubscribeArgs {
    pub email: String,
    /// A watch list (repeat for several; at least one).
    #[arg(long = "list", value_name = "NAME", required = true)]
    pub lists: Vec<String>,
    #[command(flatten)]
    pub mail: MailArgs,
    /// Print the confirmation link instead of mailing it.
    #[arg(long)]
    pub print_link: bool,
    /// The consent wording the person agreed to (recorded as given).
    #[arg(long, value_name = "TEXT", default_value = CONSENT_WORDING)]
    pub wording: String,
    #[command(flatten)]
    pub store: DbArgs,
}

/// Runs `sitrep subscribe`.
///
/// # Errors
/// A missing base URL or SMTP server, a bad address, unknown lists.
pub fn subscribe(args: &SubscribeArgs) -> anyhow::Result<ExitCode> {
    let Some(base_url) = &args.mail.base_url else {
        anyhow::bail!("--base-url is required: the confirmation link must point at the page where `sitrep serve` runs");
    };
    let base_url = sitrep_digest::digest::check_base_url(base_url)?;
    let smtp = smtp_url(args.mail.smtp.as_ref());
    if !args.print_link && smtp.is_none() {
        anyhow::bail!("give --smtp smtp://host:port (or set SITREP_SMTP_URL) to mail the confirmation, or --print-link to print it");
    }
    let nl = open(&args.store)?;
    let now = Timestamp::now();
    let pending = nl.subscribe(&args.email, &args.lists, ConsentMethod::Cli, &args.wording, None, now)?;
    if args.print_link {
        println!("{base_url}/confirm?token={}", pending.token);
        eprintln!("{} is pending for {}: nothing is sent until the link is followed", pending.email, pending.lists.join(", "));
        return Ok(ExitCode::SUCCESS);
    }
    let from = sender(args.mail.from.as_ref(), &base_url)?;
    queue_confirmation(&nl, &pending, &args.wording, &base_url, &from, None, now)?;
    let mailer = SmtpMailer::new(smtp.as_deref().unwrap_or_default())?;
    let id = sitrep_digest::compose::message_id(pending.subscriber_id, &pending.email, &format!("confirm:{}", pending.confirmation_id), from.email.domain());
    let d = deliver_message(&nl, &mailer, now, &id)?;
    if d.sent == 1 {
        println!("confirmation sent to {} for {}", pending.email, pending.lists.join(", "));
        Ok(ExitCode::SUCCESS)
    } else {
        eprintln!("the confirmation to {} could not be sent now; it stays queued and the next `sitrep digest` retries it", pending.email);
        Ok(ExitCode::from(crate::EXIT_PARTIAL))
    }
}

/// A subscriber's data: export it, erase it, list subscribers, rotate the signing key.
#[derive(clap::Args)]
#[command(after_help = "Examples:\n  sitrep subscribers ls\n  sitrep subscribers export ana@example.org > ana.json\n  \
sitrep subscribers erase ana@example.org\n  sitrep subscribers confirm 'https://sitrep.example.org/confirm?token=…'\n  sitrep subscribers rotate-key")]
pub struct SubscribersArgs {
    #[command(subcommand)]
    pub command: SubscribersCommand,
    #[command(flatten)]
    pub store: DbArgs,
}

#[derive(clap::Subcommand)]
pub enum SubscribersCommand {
    /// Every subscriber with status and active lists.
    Ls,
    /// Everything stored about an address, as JSON (consent records, subscriptions, unsubscribes, messages).
    Export { email: String },
    /// Delete everything stored about an address.
    Erase { email: String },
    /// Confirm a pending subscription with its confirmation link (or the token alone), as the
    /// web page's /confirm does: for a link passed on by hand from `sitrep subscribe --print-link`.
    Confirm { link: String },
    /// Start signing links with a new key; links already sent keep working until they expire.
    RotateKey,
}

/// Runs `sitrep subscribers`.
///
/// # Errors
/// A missing database or an unknown address.
pub fn subscribers(args: &SubscribersArgs) -> anyhow::Result<ExitCode> {
    let mut nl = open(&args.store)?;
    match &args.command {
        SubscribersCommand::Ls => {
            for s in nl.subscribers()? {
                println!("{:<36} {:<10} bounces {}  {}", s.email, s.status, s.hard_bounces, s.lists.join(", "));
            }
        }
        SubscribersCommand::Export { email } => {
            let Some(data) = nl.export(email)? else { anyhow::bail!("no subscriber has the address {email}") };
            // A closed pipe (`| head`) ends the output quietly instead of panicking in println!.
            let mut out = std::io::stdout().lock();
            match writeln!(out, "{}", serde_json::to_string_pretty(&data)?) {
                Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => {}
                other => other?,
            }
        }
        SubscribersCommand::Erase { email } => {
            if !nl.erase(email)? {
                anyhow::bail!("no subscriber has the address {email}");
            }
            println!("erased everything stored about {email}");
        }
        SubscribersCommand::Confirm { link } => {
            let token = link.rsplit_once("token=").map_or(link.as_str(), |(_, t)| t).trim();
            let (email, lists) = nl.confirm(token, Timestamp::now())?;
            println!("confirmed {email} for {}", lists.join(", "));
        }
        SubscribersCommand::RotateKey => {
            nl.rotate_key(Timestamp::now())?;
            println!("new signing key in {}; keys still valid: {}", nl.data_dir().join(sitrep_digest::keys::KEYRING_FILE).display(), nl.keys().key_ids().join(", "));
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// Unsubscribe an address from one watch list or from all, at once.
#[derive(clap::Args)]
#[command(after_help = "Examples:\n  sitrep unsubscribe ana@example.org\n  sitrep unsubscribe ana@example.org --list horn")]
pub struct UnsubscribeArgs {
    pub email: String,
    /// Only this list (default: every list).
    #[arg(long = "list", value_name = "NAME")]
    pub list: Option<String>,
    #[command(flatten)]
    pub store: DbArgs,
}

/// Runs `sitrep unsubscribe`.
///
/// # Errors
/// A missing database, an unknown address or list.
pub fn unsubscribe(args: &UnsubscribeArgs) -> anyhow::Result<ExitCode> {
    let nl = open(&args.store)?;
    let Some(id) = nl.subscriber_id(&args.email)? else { anyhow::bail!("no subscriber has the address {}", args.email) };
    let list = match &args.list {
        Some(name) => Some(nl.list(name)?.ok_or_else(|| anyhow::anyhow!("no watch list is called {name:?} (see `sitrep lists ls`)"))?.id),
        None => None,
    };
    let n = nl.unsubscribe(id, list, "cli", Timestamp::now())?;
    println!("{} unsubscribed from {} list{}", args.email, n, if n == 1 { "" } else { "s" });
    Ok(ExitCode::SUCCESS)
}

#[derive(Clone, Copy, clap::ValueEnum)]
pub enum PeriodArg {
    Daily,
    Weekly,
    Immediate,
}

/// Send each subscriber the new and updated events on their watch lists.
#[derive(clap::Args)]
#[command(
    long_about = "Composes, for each confirmed subscriber, the events on their watch lists first stored or updated \
since their last digest of this period (UTC days; ISO weeks; `immediate`: lists with --severity only, events at or \
above it), grouped by list and country, as HTML with an inline map and as plain text, and delivers them over SMTP \
with List-Unsubscribe and one-click unsubscribe (RFC 8058).\n\n\
Each (subscriber, period) gets one message with a fixed Message-ID, written to the outbox before it is sent: a run \
that is interrupted, or meets a 4xx or a dropped connection, leaves it queued and the next run resends the same \
message (after a backoff); nothing composes a second one. A 5xx is a hard bounce; three suspend the address.\n\n\
Refuses to run without --base-url: every link in a digest is built on it.",
    after_help = "Examples:\n  sitrep digest --base-url https://sitrep.example.org --smtp smtp://127.0.0.1:2525\n  \
sitrep digest --period weekly --base-url https://sitrep.example.org --smtp smtps://user:pass@mail.example.org\n  \
sitrep digest --dry-run --base-url https://sitrep.example.org --out previews/"
)]
pub struct DigestArgs {
    #[arg(long, value_enum, default_value_t = PeriodArg::Daily)]
    pub period: PeriodArg,
    /// Compose and show the messages (or write them to --out) without sending or recording anything.
    #[arg(long)]
    pub dry_run: bool,
    #[command(flatten)]
    pub mail: MailArgs,
    /// Most events in one message; the rest are counted with a link to the page.
    #[arg(long, value_name = "N", default_value_t = 40)]
    pub max_events: usize,
    /// Also offer unsubscribing by mail to this address in List-Unsubscribe.
    #[arg(long, value_name = "ADDR")]
    pub unsubscribe_mailto: Option<String>,
    /// DKIM private key (PEM RSA, or a base64 Ed25519 key) to sign with.
    #[arg(long, value_name = "FILE", requires_all = ["dkim_selector", "dkim_domain"])]
    pub dkim_key: Option<PathBuf>,
    #[arg(long, value_name = "SELECTOR")]
    pub dkim_selector: Option<String>,
    #[arg(long, value_name = "DOMAIN")]
    pub dkim_domain: Option<String>,
    /// With --dry-run: write each message to DIR/<recipient>.eml instead of a summary.
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    #[command(flatten)]
    pub store: DbArgs,
}

fn dkim(args: &DigestArgs) -> anyhow::Result<Option<DkimConfig>> {
    let (Some(path), Some(selector), Some(domain)) = (&args.dkim_key, &args.dkim_selector, &args.dkim_domain) else { return Ok(None) };
    let pem = std::fs::read_to_string(path).map_err(|e| anyhow::anyhow!("--dkim-key {}: {e}", path.display()))?;
    let algorithm = if pem.contains("-----BEGIN") { DkimSigningAlgorithm::Rsa } else { DkimSigningAlgorithm::Ed25519 };
    let key = DkimSigningKey::new(pem.trim(), algorithm).map_err(|e| anyhow::anyhow!("--dkim-key {}: {e}", path.display()))?;
    Ok(Some(sitrep_digest::compose::dkim_config(selector, domain, key)))
}

/// Runs `sitrep digest`.
///
/// # Errors
/// A missing base URL or SMTP server, a missing database, message or database errors.
pub fn digest(args: &DigestArgs) -> anyhow::Result<ExitCode> {
    let Some(base_url) = &args.mail.base_url else {
        anyhow::bail!("--base-url is required: a digest without it would carry broken links (e.g. --base-url https://sitrep.example.org)");
    };
    let smtp = smtp_url(args.mail.smtp.as_ref());
    if !args.dry_run && smtp.is_none() {
        anyhow::bail!("give --smtp smtp://host:port (or set SITREP_SMTP_URL), or --dry-run to compose without sending");
    }
    let period = match args.period {
        PeriodArg::Daily => Period::Daily,
        PeriodArg::Weekly => Period::Weekly,
        PeriodArg::Immediate => Period::Immediate,
    };
    let nl = open(&args.store)?;
    let from = sender(args.mail.from.as_ref(), base_url)?;
    let mut opts = DigestOptions::new(period, base_url, from, Timestamp::now())?;
    opts.dry_run = args.dry_run;
    opts.max_events = args.max_events;
    opts.unsubscribe_mailto.clone_from(&args.unsubscribe_mailto);
    opts.dkim = dkim(args)?;
    let mailer = match &smtp {
        Some(url) if !args.dry_run => Some(SmtpMailer::new(url)?),
        _ => None,
    };
    let report = run_digest(&nl, &opts, mailer.as_ref().map(|m| m as &dyn sitrep_digest::Mailer))?;
    if args.dry_run {
        match &args.out {
            Some(dir) => {
                std::fs::create_dir_all(dir)?;
                for (to, raw) in &report.previews {
                    let path = dir.join(format!("{}.eml", to.replace(['/', '\\'], "_")));
                    std::fs::write(&path, raw)?;
                    eprintln!("wrote {}", path.display());
                }
            }
            None => {
                for (to, raw) in &report.previews {
                    println!("{to}: {} bytes", raw.len());
                }
            }
        }
    }
    let d = &report.delivery;
    eprintln!(
        "{}: {} subscribers, {} composed{}, {} with nothing new, {} already composed; sent {}, deferred {}, bounced {}, cancelled {}",
        report.period,
        report.subscribers,
        report.composed,
        if args.dry_run { " (dry run: nothing recorded or sent)" } else { "" },
        report.nothing_new,
        report.already_composed,
        d.sent,
        d.deferred,
        d.bounced,
        d.cancelled
    );
    for s in &d.suspended {
        eprintln!("suspended after repeated hard bounces: {s}");
    }
    Ok(if d.deferred > 0 || d.bounced > 0 { ExitCode::from(crate::EXIT_PARTIAL) } else { ExitCode::SUCCESS })
}
