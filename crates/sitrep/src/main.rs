//! The `sitrep` command line: one subcommand per job, each in `cmd/`.

use std::process::ExitCode;

use clap::{Parser, Subcommand};

mod cmd;

/// sitrep turns news reports of armed conflict and political violence into a structured,
/// sourced record of events: who did what to whom, where, when, how many were killed,
/// according to whom, and who disputes it. Every fact points back to the characters of the
/// text it came from.
#[derive(Parser)]
#[command(name = "sitrep", version, propagate_version = true, arg_required_else_help = true)]
#[command(after_help = "Exit codes: 0 every input processed; 1 some inputs skipped (each reported on stderr); \
2 usage error.\n\nStart with: sitrep extract samples/bangui-wire.txt")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    Extract(cmd::extract::Args),
    Ingest(cmd::ingest::Args),
    Events(cmd::events::Args),
    Export(cmd::export::Args),
    Show(cmd::show::Args),
    Coverage(cmd::coverage::Args),
    Enqueue(cmd::queue::EnqueueArgs),
    Worker(cmd::queue::WorkerArgs),
    Status(cmd::queue::StatusArgs),
    Migrate(cmd::migrate::Args),
    Serve(cmd::serve::Args),
    Lists(cmd::newsletter::ListsArgs),
    Subscribe(cmd::newsletter::SubscribeArgs),
    Subscribers(cmd::newsletter::SubscribersArgs),
    Unsubscribe(cmd::newsletter::UnsubscribeArgs),
    Digest(cmd::newsletter::DigestArgs),
    Gazetteer(cmd::gazetteer::Args),
    Eval(cmd::eval::Args),
    Bench(cmd::bench::Args),
    Train(cmd::train::Args),
}

/// Exit status for "some inputs were skipped, the rest were written".
pub const EXIT_PARTIAL: u8 = 1;
/// Exit status for a usage error (clap uses the same).
pub const EXIT_USAGE: u8 = 2;

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Extract(args) => cmd::extract::run(&args),
        Command::Ingest(args) => cmd::ingest::run(&args),
        Command::Events(args) => cmd::events::run(&args),
        Command::Export(args) => cmd::export::run(&args),
        Command::Show(args) => cmd::show::run(&args),
        Command::Coverage(args) => cmd::coverage::run(&args),
        Command::Enqueue(args) => cmd::queue::enqueue(&args),
        Command::Worker(args) => cmd::queue::worker(&args),
        Command::Status(args) => cmd::queue::status(&args),
        Command::Migrate(args) => cmd::migrate::run(&args),
        Command::Serve(args) => cmd::serve::run(&args),
        Command::Lists(args) => cmd::newsletter::lists(&args),
        Command::Subscribe(args) => cmd::newsletter::subscribe(&args),
        Command::Subscribers(args) => cmd::newsletter::subscribers(&args),
        Command::Unsubscribe(args) => cmd::newsletter::unsubscribe(&args),
        Command::Digest(args) => cmd::newsletter::digest(&args),
        Command::Gazetteer(args) => cmd::gazetteer::run(&args),
        Command::Eval(args) => cmd::eval::run(&args),
        Command::Bench(args) => cmd::bench::run(&args),
        Command::Train(args) => cmd::train::run(&args),
    };
    match result {
        Ok(code) => code,
        Err(err) => {
            eprintln!("sitrep: error: {err:#}");
            ExitCode::from(EXIT_USAGE)
        }
    }
}
