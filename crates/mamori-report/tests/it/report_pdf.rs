//! The yearly report as a PDF: the text is read back with poppler's `pdftotext`.
//! Set `REPORT_PDF_OUT=/some/dir` to keep the PDFs (`sample.pdf`, `big.pdf`) to look at.

use crate::common;
use mamori_domain::Lang;

use std::process::Command;

use common::{pdftotext, squash, today};

use mamori_report::document::{Block, Cell, Document, Fact, Node, Section, Table};
use mamori_report::report_pdf;

fn pdfinfo(pdf: &[u8]) -> String {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("out.pdf");
    std::fs::write(&path, pdf).unwrap();
    let out = Command::new("pdfinfo")
        .arg(&path)
        .output()
        .expect("pdfinfo (poppler-utils) is installed");
    assert!(out.status.success());
    String::from_utf8(out.stdout).unwrap()
}

/// pdftotext ends every page with a form feed.
fn page_count(text: &str) -> usize {
    text.matches('\u{c}').count()
}

fn keep(name: &str, pdf: &[u8]) {
    if let Some(dir) = std::env::var_os("REPORT_PDF_OUT") {
        std::fs::write(std::path::Path::new(&dir).join(name), pdf).unwrap();
    }
}

#[test]
fn the_sample_has_a_cover_contents_and_every_block() {
    let doc = Document::sample();
    let pdf = report_pdf(&doc, today()).unwrap();
    keep("sample.pdf", &pdf);
    let text = pdftotext(&pdf);
    let flat = squash(&text);
    for expected in [
        "情報セキュリティ報告書",
        "平成29年度",
        "株式会社サンプル",
        "下書き",
        "第1版",
        "目次",
        "1．基本情報",
        "1.1本報告書の目的",
        "(9)事故等報告",
        "事故等発生件数（平成29年度）",
        "IT営業・業務部門",
        "7(6)件",
        "5(3)件",
        "※()内の数値は前年度（平成28年度）実績",
        "ヒューマンエラーの割合",
        "社長",
        "伊藤直樹",
        "ISO事務局",
        "代表取締役社長",
        "第一期：ISMSの推進体制の整備",
        "二段落目。",
    ] {
        assert!(flat.contains(expected), "{expected} missing from:\n{text}");
    }
    let pages = page_count(&text);
    assert!(pages >= 3, "{pages} pages: cover, contents, body");
    // Page numbers after the cover, out of the total.
    assert!(
        flat.contains(&format!("2/{pages}")),
        "no page number in:\n{text}"
    );
    let cover = text.split('\u{c}').next().unwrap();
    assert!(
        !squash(cover).contains(&format!("1/{pages}")),
        "the cover has no page number"
    );
    // The contents lists chapters and sections, not the items.
    let contents = squash(text.split('\u{c}').nth(1).unwrap());
    assert!(contents.starts_with("情報セキュリティ報告書平成29年度下書き目次"));
    assert!(contents.contains("1．基本情報"), "{contents}");
    assert!(contents.contains("1.1本報告書の目的"), "{contents}");
    assert!(!contents.contains("事故等報告"), "{contents}");

    let info = pdfinfo(&pdf);
    assert!(
        info.lines()
            .any(|l| l.starts_with("Title:") && l.contains("情報セキュリティ報告書")),
        "{info}"
    );
}

#[test]
fn a_published_report_has_no_draft_marker() {
    let mut doc = Document::sample();
    let draft = pdftotext(&report_pdf(&doc, today()).unwrap());
    assert!(
        squash(&draft).contains("下書き"),
        "a draft is marked: {draft}"
    );
    doc.status.clear();
    let text = pdftotext(&report_pdf(&doc, today()).unwrap());
    assert!(!squash(&text).contains("下書き"), "{text}");
    // Everything else is printed as before.
    for kept in [
        "情報セキュリティ報告書",
        "株式会社サンプル",
        "第1版",
        "事故等発生件数",
    ] {
        assert!(squash(&text).contains(kept), "{kept} in {text}");
    }
}

#[test]
fn an_english_report_and_a_chart_without_a_picture() {
    let mut doc = Document::sample();
    doc.lang = Lang::En;
    doc.title = "Information Security Report".into();
    doc.contents = "Contents".into();
    for s in &mut doc.sections {
        for b in &mut s.blocks {
            if let Block::Chart { svg, .. } = b {
                // Not an SVG at all: the data is printed instead.
                *svg = "<svg <<< #{ not typst } ]".into();
            }
        }
    }
    let text = pdftotext(&report_pdf(&doc, today()).unwrap());
    let flat = squash(&text);
    assert!(flat.contains("InformationSecurityReport"), "{text}");
    assert!(flat.contains("1.基本情報"), "{text}");
    assert!(flat.contains("平成29年度38%"), "the chart's data: {text}");
}

/// Texts that mean something to typst are printed as they are.
#[test]
fn any_text_is_printed_as_it_is() {
    let mut doc = Document::sample();
    let odd = "#set text(red) $x$ *bold* _it_ `raw` <label> @ref [x] {y} \\ // not a comment";
    doc.organisation = odd.into();
    doc.sections[1]
        .blocks
        .push(Block::Paragraph { text: odd.into() });
    doc.sections[1].blocks.push(Block::Table(Table {
        caption: odd.into(),
        head: vec![],
        rows: vec![
            vec![Cell::header(odd), Cell::text("1")],
            vec![Cell::text("only one cell")],
        ],
        widths: vec![1],
        notes: vec![],
    }));
    let text = pdftotext(&report_pdf(&doc, today()).unwrap());
    assert!(squash(&text).matches(&squash(odd)).count() >= 3, "{text}");
}

fn big_document() -> Document {
    let mut doc = Document::sample();
    doc.sections.clear();
    for c in 1..=40 {
        let (chapter, section) = ((c - 1) / 5 + 1, (c - 1) % 5);
        let (level, number) = if section == 0 {
            (1, chapter.to_string())
        } else {
            (2, format!("{chapter}.{section}"))
        };
        // Every fifth table is longer than a page.
        let rows = (1..=if section == 4 { 70 } else { 30 })
            .map(|r| {
                vec![
                    Cell::header(format!("部門{r:02}：情報システム部 第{r}課")),
                    Cell::text(format!("{}({})件", r % 7, r % 5)),
                    Cell::text(if r % 3 == 0 { "無し" } else { "―" }),
                    Cell::text(format!("{r}%")),
                ]
            })
            .collect();
        doc.sections.push(Section {
            figures: Vec::new(),
            id: format!("s{c}"),
            level,
            number,
            title: format!("第{c}節の見出し：教育・訓練の実施状況"),
            blocks: vec![
                Block::Paragraph {
                    text: "当社は、情報セキュリティの重要性を充分に認識し、お客様、お取引先、地域社会のご信頼を得て、より良いサービスをご提供していくため、以下の方針に従うことを宣言いたします。\nこの方針が対象とする「資産」は、当社が保有するすべての資産といたします。".into(),
                },
                Block::Table(Table {
                    caption: format!("表{c}　事故等発生件数（平成29年度）"),
                    head: vec![
                        "".into(),
                        "当年度件数".into(),
                        "事故".into(),
                        "割合".into(),
                    ],
                    rows,
                    widths: vec![4, 2, 2, 1],
                    notes: vec!["※( )内の数値は前年度（平成28年度）実績".into()],
                }),
            ],
        });
    }
    let person = |text: &str, note: &str, children: Vec<Node>| Node {
        text: text.into(),
        note: note.into(),
        children,
    };
    doc.sections.push(Section {
        figures: Vec::new(),
        id: "org".into(),
        level: 2,
        number: "9.1".into(),
        title: "推進体制".into(),
        blocks: vec![
            Block::Facts {
                rows: vec![
                    Fact {
                        label: "電話".into(),
                        value: "011-788-7505（代表）\n011-788-7525（ICT 技術部）".into(),
                    },
                    Fact {
                        label: "ICT 技術部課長（システム管理責任者）".into(),
                        value: "飯高 司".into(),
                    },
                ],
            },
            Block::Tree {
                root: person(
                    "社長",
                    "伊藤 直樹",
                    vec![
                        person("内部監査チーム", "", vec![]),
                        person(
                            "ISO事務局",
                            "事務局長（情報セキュリティ管理責任者）",
                            vec![
                                person(
                                    "総務部",
                                    "部門情報管理責任者",
                                    vec![
                                        person("経理課", "", vec![]),
                                        person("人事課", "", vec![]),
                                    ],
                                ),
                                person(
                                    "ICT技術部",
                                    "システム管理責任者",
                                    vec![
                                        person("開発課", "", vec![]),
                                        person("保守課", "", vec![]),
                                    ],
                                ),
                                person("ビル管理部", "", vec![]),
                            ],
                        ),
                    ],
                ),
            },
        ],
    });
    doc
}

#[test]
fn a_long_report_repeats_the_table_header_on_every_page() {
    let doc = big_document();
    let pdf = report_pdf(&doc, today()).unwrap();
    keep("big.pdf", &pdf);
    let text = pdftotext(&pdf);
    let pages = page_count(&text);
    assert!(pages > 20, "{pages} pages");
    let headers = squash(&text).matches("当年度件数").count();
    // One header per table, and again on the page each long table continues on.
    assert!(headers >= 48, "{headers} header rows");
    assert!(squash(&text).contains(&format!("{pages}/{pages}")));
    assert!(squash(&text).contains("事務局長（情報セキュリティ管理責任者）"));
}
