//! The figures the report counts, in the store, at synth scale: near misses per department × kind for
//! a fiscal year and the previous one (the target: ≤ 20 ms), the same over five years (the
//! human-error share), and findings per party × department. Builds 10,000 people, 50,000 events and
//! 10,000 findings over ten years into a temporary SQLite file (about a minute and a half), or reuses
//! the database at BENCH_DATABASE_URL holding the `synth` organisation.
//! `cargo bench -p mamori-io --bench figures`

use std::time::{Duration, Instant};

use mamori_domain::FiscalYear;
use mamori_store::{Access, Store};

fn median<F: std::future::Future<Output = ()>>(
    rt: &tokio::runtime::Runtime,
    mut run: impl FnMut() -> F,
) -> Duration {
    rt.block_on(run()); // warm the caches
    let mut times: Vec<Duration> = (0..30)
        .map(|_| {
            let start = Instant::now();
            rt.block_on(run());
            start.elapsed()
        })
        .collect();
    times.sort();
    times[times.len() / 2]
}

fn main() {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let dir = tempfile::tempdir().expect("temp dir");
    let url = std::env::var("BENCH_DATABASE_URL")
        .unwrap_or_else(|_| format!("sqlite://{}/figures.db", dir.path().display()));
    let store = rt.block_on(async {
        let store = Store::open(&url, Default::default())
            .await
            .expect("database");
        if store.organization("synth").await.is_err() {
            let started = Instant::now();
            let o = mamori_io::synth::Options {
                people: 10_000,
                departments: 20,
                years: 10,
                seed: 1,
                events: 50_000,
                findings: 10_000,
                ..Default::default()
            };
            mamori_io::synth::build(&store, &o, &|_, _, _| {})
                .await
                .expect("synth");
            eprintln!("synth: {:.0} s", started.elapsed().as_secs_f64());
        }
        store
    });
    let org = rt
        .block_on(store.organization("synth"))
        .expect("the synth organisation");
    let access = Access::system(org, "bench");
    let fy = FiscalYear::containing(mamori_domain::dates::today(), 4);
    let two = [fy, fy.previous()];
    let five: Vec<FiscalYear> = (0..5).map(|i| FiscalYear::new(fy.year - i, 4)).collect();
    let tally2 = median(&rt, || async {
        store.event_tally(&access, &two).await.expect("tally");
    });
    let tally5 = median(&rt, || async {
        store.event_tally(&access, &five).await.expect("tally");
    });
    let findings = median(&rt, || async {
        store
            .improvement_figures(&access, fy)
            .await
            .expect("findings");
    });
    println!("| measure (store, median of 30) | result | target |");
    println!("|---|---|---|");
    println!(
        "| events per department × kind, this fiscal year and the previous one | {:.2} ms | ≤ 20 ms |",
        tally2.as_secs_f64() * 1000.0
    );
    println!(
        "| the same over five fiscal years (the human-error share) | {:.2} ms | |",
        tally5.as_secs_f64() * 1000.0
    );
    println!(
        "| findings per party × department × grade, this fiscal year and the previous one, and complaints | {:.2} ms | |",
        findings.as_secs_f64() * 1000.0
    );
}
