//! Real PDF bytes: the text is extracted with poppler's `pdftotext`, the pages are rasterised with
//! `pdftoppm`, and every QR code on a label sheet is decoded back to its link.

use crate::common;
use mamori_domain::Lang;

use std::process::Command;

use common::{pdftotext, squash, today};

use mamori_report::{KeyReceipt, Label, key_receipt, label_sheet};

/// Rasterises every page to greyscale PGM files and returns (width, height, pixels) per page.
fn pages(pdf: &[u8], dpi: u32) -> Vec<(usize, usize, Vec<u8>)> {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("out.pdf");
    std::fs::write(&path, pdf).unwrap();
    let status = Command::new("pdftoppm")
        .args(["-gray", "-r", &dpi.to_string()])
        .arg(&path)
        .arg(dir.path().join("page"))
        .status()
        .expect("pdftoppm (poppler-utils) is installed");
    assert!(status.success());
    let mut files: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "pgm"))
        .collect();
    files.sort();
    files
        .iter()
        .map(|f| read_pgm(&std::fs::read(f).unwrap()))
        .collect()
}

/// A binary PGM (P5): magic, width, height, maxval, then one byte per pixel.
fn read_pgm(bytes: &[u8]) -> (usize, usize, Vec<u8>) {
    let mut fields = Vec::new();
    let mut i = 0;
    while fields.len() < 4 {
        while bytes[i].is_ascii_whitespace() {
            i += 1;
        }
        let start = i;
        while !bytes[i].is_ascii_whitespace() {
            i += 1;
        }
        fields.push(String::from_utf8(bytes[start..i].to_vec()).unwrap());
    }
    assert_eq!(fields[0], "P5");
    let (w, h): (usize, usize) = (fields[1].parse().unwrap(), fields[2].parse().unwrap());
    let pixels = bytes[i + 1..].to_vec();
    assert_eq!(pixels.len(), w * h);
    (w, h, pixels)
}

/// Decodes the QR code of each label cell (3 across, 8 down, 70 × 37 mm from 0.5 mm below the
/// top), in reading order: one code per label, where it belongs.
fn decode_cells(page: &(usize, usize, Vec<u8>), dpi: f64) -> Vec<Option<String>> {
    let (w, _, px) = page;
    let mm = |v: f64| (v / 25.4 * dpi).round() as usize;
    let mut out = Vec::new();
    for row in 0..8 {
        for col in 0..3 {
            let (x0, y0) = (mm(70.0 * col as f64), mm(0.5 + 37.0 * row as f64));
            let (cw, ch) = (mm(70.0), mm(37.0));
            let mut img = rqrr::PreparedImage::prepare_from_greyscale(cw, ch, |x, y| {
                px[(y0 + y) * w + x0 + x]
            });
            let grids = img.detect_grids();
            out.push(grids.first().and_then(|g| g.decode().ok().map(|(_, t)| t)));
        }
    }
    out
}

fn labels(n: usize) -> Vec<Label> {
    (1..=n)
        .map(|i| Label {
            code: format!("PC-{i:04}"),
            title: format!("ノートPC 第{i}号機（総務部）"),
            lines: vec!["本社3F 総務部".into(), "利用者: 山田 太郎".into()],
            link: format!("https://isms.example.jp/o/demo/r/devices/{i}"),
        })
        .collect()
}

#[test]
fn a_label_sheet_prints_every_code_and_title_in_japanese() {
    let pdf = label_sheet(mamori_domain::Lang::Ja, "機器ラベル", &labels(30), today()).unwrap();
    assert!(pdf.starts_with(b"%PDF-"));
    let text = pdftotext(&pdf);
    for i in 1..=30 {
        assert!(text.contains(&format!("PC-{i:04}")), "PC-{i:04} missing");
    }
    let flat = squash(&text);
    assert!(flat.contains("ノートPC第1号機（総務"), "{text}");
    assert!(flat.contains("利用者:山田太郎"));
    // 24 labels a page: 30 labels take two pages.
    assert_eq!(text.matches('\u{c}').count(), 2, "{text}");
}

#[test]
fn every_qr_code_on_a_sheet_decodes_to_its_record() {
    let pdf = label_sheet(mamori_domain::Lang::Ja, "機器ラベル", &labels(24), today()).unwrap();
    let pages = pages(&pdf, 200);
    assert_eq!(pages.len(), 1);
    let decoded = decode_cells(&pages[0], 200.0);
    let expected: Vec<Option<String>> = (1..=24)
        .map(|i| Some(format!("https://isms.example.jp/o/demo/r/devices/{i}")))
        .collect();
    assert_eq!(decoded, expected);
}

#[test]
fn an_empty_sheet_is_a_valid_pdf() {
    let pdf = label_sheet(mamori_domain::Lang::En, "Device labels", &[], today()).unwrap();
    assert!(pdf.starts_with(b"%PDF-"));
}

#[test]
fn text_that_looks_like_typst_markup_prints_as_written() {
    let mut l = labels(1);
    l[0].title = "#panic(\"x\") *bold* $x$ [link] \\ <tag> @ref".into();
    let pdf = label_sheet(mamori_domain::Lang::Ja, "x", &l, today()).unwrap();
    let text = pdftotext(&pdf);
    assert!(
        squash(&text).contains("#panic(\"x\")*bold*$x$[link]"),
        "{text}"
    );
}

fn receipt() -> KeyReceipt {
    KeyReceipt {
        lang: Lang::Ja,
        title: "鍵預り証".into(),
        number: "K-2026-0007".into(),
        issued: "令和8年11月27日".into(),
        addressee: "株式会社みなと商事 御中".into(),
        statement:
            "下記の鍵を確かにお預かりしました。当社の規程に従い、施錠保管し、毎月点検します。"
                .into(),
        rows: vec![
            ("建物".into(), "みなとビル 本館".into()),
            ("鍵".into(), "通用口・機械室".into()),
            ("本数".into(), "3本".into()),
            ("保管場所".into(), "本社 総務部 キーボックス（施錠）".into()),
            ("預り日".into(), "令和8年4月1日".into()),
            ("保管責任者".into(), "佐藤 花子".into()),
        ],
        issuer: vec!["株式会社サンプル".into(), "ISMS管理責任者 鈴木 一郎".into()],
        notes: vec!["返却の際は本証をご提示ください。".into()],
        seal: "印".into(),
    }
}

#[test]
fn a_key_receipt_shows_its_number_customer_and_keys() {
    let pdf = key_receipt(&receipt(), today()).unwrap();
    let text = pdftotext(&pdf);
    for needle in [
        "K-2026-0007",
        "株式会社みなと商事 御中",
        "みなとビル 本館",
        "通用口・機械室",
        "3本",
        "佐藤 花子",
        "ISMS管理責任者 鈴木 一郎",
        "返却の際は本証をご提示ください。",
    ] {
        assert!(
            squash(&text).contains(&squash(needle)),
            "{needle} missing from:\n{text}"
        );
    }
    assert_eq!(text.matches('\u{c}').count(), 1, "one page:\n{text}");
}
