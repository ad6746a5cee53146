//! Throughput of the cleaning stage on an invented wire story repeated to article length.
//! `cargo bench -p sitrep_text`; for figures on the shared data use the `measure` example.

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use sitrep_core::Document;

const STORY: &str = "\
KARAMOJA CITY, March 3 (Reuters) - Rebels of the People's Liberation Front seized the market town \
of Lotuke on Sunday, killing at least 12 soldiers, Lt. Col. J. R. Amuge said. \"We were outnumbered. \
They came at dawn,\" he told reporters at the U.N. compound.\n\nAdvertisement\n\nPrices of maize rose \
3.5 percent in No. 2 district after the attack. The U.S. embassy urged its citizens to leave, and \
1,200 families fled toward al-Madina's camps.\n\nShare this article\n\n";

fn bench(c: &mut Criterion) {
    let text = STORY.repeat(12);
    let cleaner = sitrep_text::Cleaner::new();
    let mut group = c.benchmark_group("cleaner");
    group.throughput(Throughput::Bytes(text.len() as u64));
    group.bench_function("annotate", |b| {
        b.iter(|| {
            let mut doc = Document::from_text("bench", text.clone());
            cleaner.annotate(&mut doc);
            doc
        });
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
