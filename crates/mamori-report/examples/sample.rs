//! Writes a sample label sheet to the current directory, to look at.
//! `cargo run -p mamori-report --example sample`
fn main() {
    let today = time::macros::date!(2026 - 11 - 27);
    let labels: Vec<mamori_report::Label> = (1..=30)
        .map(|i| mamori_report::Label {
            code: format!("PC-{i:04}"),
            title: format!("ノートPC 第{i}号機（総務部）"),
            lines: vec![
                "設置場所: 本社3F 総務部".into(),
                "利用者: 山田 太郎 (0005)".into(),
            ],
            link: format!("https://isms.example.jp/o/demo/devices/{i}"),
        })
        .collect();
    std::fs::write(
        "labels.pdf",
        mamori_report::label_sheet(mamori_domain::Lang::Ja, "機器ラベル", &labels, today).unwrap(),
    )
    .unwrap();
}
