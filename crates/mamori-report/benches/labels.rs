//! Time to typeset a sheet of 500 labels with QR codes (the target: ≤ 2 s).
//! `cargo bench -p mamori-report`

use std::time::Instant;

use mamori_report::{Label, label_sheet};

fn main() {
    let labels: Vec<Label> = (1..=500)
        .map(|i| Label {
            code: format!("LAN-{i:04}"),
            title: format!("LANケーブル {i}（HUB-01 ポート{}）", i % 24 + 1),
            lines: vec![format!("HUB-01/{} → PC-{i:04}/LAN1", i % 24 + 1)],
            link: format!("https://isms.example.jp/o/demo/r/cables/{i}"),
        })
        .collect();
    let today = time::macros::date!(2026 - 11 - 27);
    // The first run also loads the font and the standard library.
    let first = Instant::now();
    let pdf =
        label_sheet(mamori_domain::Lang::Ja, "ケーブルラベル", &labels, today).expect("typeset");
    let cold = first.elapsed();
    let mut times = Vec::new();
    for _ in 0..5 {
        let start = Instant::now();
        label_sheet(mamori_domain::Lang::Ja, "ケーブルラベル", &labels, today).expect("typeset");
        times.push(start.elapsed());
    }
    times.sort();
    println!(
        "500 labels, {} pages, {} KB: first {:.0} ms, median of 5 {:.0} ms",
        500usize.div_ceil(24),
        pdf.len() / 1024,
        cold.as_secs_f64() * 1000.0,
        times[2].as_secs_f64() * 1000.0
    );
}
