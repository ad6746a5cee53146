//! `sitrep train`: rebuilds the models the project trains itself.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;

/// Rebuild a trained model from its training data (deterministic: the same data gives the same
/// bytes). Scored data is never trained on.
#[derive(clap::Args)]
#[command(after_help = "Examples:\n  sitrep train ner\n  sitrep train ner --data /path/to/ner_dataset.csv --out /tmp/ner.model")]
pub struct Args {
    #[command(subcommand)]
    pub model: Model,
}

#[derive(clap::Subcommand)]
pub enum Model {
    /// The entity tagger, on GMB minus its held-out block (crates/sitrep_ner/data/MODEL.md).
    Ner(NerArgs),
    /// Event confidence: logistic weights cross-validated over the dev sets' judged events
    /// (crates/sitrep_confidence/data/model.tsv; rules in eval/SCORING.md, calibration).
    Confidence(ConfidenceArgs),
}

#[derive(clap::Args)]
pub struct ConfidenceArgs {
    /// Folder holding the sets (case2021_task2, plover_gsr, isaf_press_releases). Default:
    /// $SITREP_DATA or ../shared/data beside the repository.
    #[arg(long, value_name = "DIR")]
    pub data: Option<PathBuf>,
    /// Where to write the model. Default: crates/sitrep_confidence/data/model.tsv.
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
}

#[derive(clap::Args)]
pub struct NerArgs {
    /// GMB's ner_dataset.csv. Default: $SITREP_DATA or ../shared/data beside the repository,
    /// then ner/gmb/ner_dataset.csv.
    #[arg(long, value_name = "FILE")]
    pub data: Option<PathBuf>,
    /// Where to write the model. Default: the committed model's path, crates/sitrep_ner/data/ner.model.
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
    /// Training passes over the data.
    #[arg(long, default_value_t = sitrep_ner::gmb::TrainOptions::default().epochs)]
    pub epochs: usize,
}

pub fn run(args: &Args) -> anyhow::Result<ExitCode> {
    match &args.model {
        Model::Ner(a) => ner(a),
        Model::Confidence(a) => confidence(a),
    }
}

fn ner(args: &NerArgs) -> anyhow::Result<ExitCode> {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..");
    let data = match &args.data {
        Some(p) => p.clone(),
        None => sitrep_core::testdata::shared_data_dir()
            .context("no shared data folder: pass --data /path/to/ner_dataset.csv or set SITREP_DATA")?
            .join("ner/gmb/ner_dataset.csv"),
    };
    let out = args.out.clone().unwrap_or_else(|| root.join(sitrep_ner::MODEL_PATH));
    let started = std::time::Instant::now();
    let sentences = sitrep_ner::gmb::read_gmb(&data)?;
    let opts = sitrep_ner::gmb::TrainOptions { epochs: args.epochs, ..Default::default() };
    let (model, report) = sitrep_ner::gmb::train(&sentences, &opts);
    let bytes = model.to_bytes();
    std::fs::write(&out, &bytes).with_context(|| format!("writing {}", out.display()))?;
    eprintln!(
        "sitrep train ner: {} sentences after de-duplication; trained on {} ({} with case copies), held out {}",
        report.sentences, report.train_sentences, report.examples, report.heldout_sentences
    );
    for (i, f1) in report.heldout_f1_by_epoch.iter().enumerate() {
        eprintln!("  epoch {}: held-out tagger F1 {f1:.4}", i + 1);
    }
    eprintln!("wrote {} ({} bytes) in {:.1}s", out.display(), bytes.len(), started.elapsed().as_secs_f64());
    Ok(ExitCode::SUCCESS)
}

fn confidence(args: &ConfidenceArgs) -> anyhow::Result<ExitCode> {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..");
    let data = match &args.data {
        Some(p) => p.clone(),
        None => sitrep_core::testdata::shared_data_dir().context("no shared data folder: pass --data DIR or set SITREP_DATA")?,
    };
    let out = args.out.clone().unwrap_or_else(|| root.join("crates/sitrep_confidence/data/model.tsv"));
    let runner = sitrep_eval::Runner::new(sitrep_pipeline::Pipeline::load().map_err(anyhow::Error::msg)?, None, 0);
    let (judged, notes) = sitrep_eval::calibration::collect(&runner, &data, &root.join("eval/sets"))?;
    for n in notes {
        eprintln!("sitrep train confidence: {n}");
    }
    let (model, figures) = sitrep_eval::calibration::train(&judged, sitrep_confidence_opts());
    let summary: Vec<String> = figures.iter().map(|f| format!("{} {} (n {})", f.name, f.value.map_or("-".to_owned(), |v| format!("{v:.4}")), f.n)).collect();
    let comment = format!("Fitted on {} judged events; {}-fold cross-validated: {}", judged.len(), sitrep_eval::calibration::FOLDS, summary.join(", "));
    std::fs::write(&out, model.to_tsv(&comment)).with_context(|| format!("writing {}", out.display()))?;
    eprintln!("{comment}\nwrote {}", out.display());
    Ok(ExitCode::SUCCESS)
}

fn sitrep_confidence_opts() -> sitrep_eval::calibration::FitOptions {
    sitrep_eval::calibration::FitOptions::default()
}
