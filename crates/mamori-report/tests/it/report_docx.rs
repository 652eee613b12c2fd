//! The report as DOCX: the sample document's every block reaches `word/document.xml`, under Word's
//! heading styles, and the package parts are well-formed XML.

use mamori_domain::Lang;
use std::io::{Cursor, Read};

use mamori_report::document::{Block, Document};
use mamori_report::docx::report_docx;

fn part(docx: &[u8], name: &str) -> String {
    let mut zip = zip::ZipArchive::new(Cursor::new(docx)).expect("a DOCX is a ZIP archive");
    let mut file = zip
        .by_name(name)
        .unwrap_or_else(|_| panic!("{name} in the package"));
    let mut text = String::new();
    file.read_to_string(&mut text).expect("UTF-8 XML");
    text
}

fn well_formed(name: &str, xml: &str) {
    let mut reader = quick_xml::Reader::from_str(xml);
    reader.config_mut().check_end_names = true;
    loop {
        match reader.read_event() {
            Ok(quick_xml::events::Event::Eof) => break,
            Ok(_) => {}
            Err(e) => panic!(
                "{name} is not well-formed at {}: {e}",
                reader.buffer_position()
            ),
        }
    }
}

#[test]
fn the_sample_report_as_docx() {
    let mut doc = Document::sample();
    doc.sections[1].blocks.push(Block::Paragraph {
        text: "比較 a < b & c > d \"引用\" 'x'".into(),
    });
    let bytes = report_docx(&doc).expect("the report renders");

    let names: Vec<String> = zip::ZipArchive::new(Cursor::new(&bytes))
        .expect("a ZIP archive")
        .file_names()
        .map(str::to_string)
        .collect();
    for name in [
        "[Content_Types].xml",
        "word/document.xml",
        "word/styles.xml",
    ] {
        assert!(names.iter().any(|n| n == name), "{name} in {names:?}");
    }
    for name in names
        .iter()
        .filter(|n| n.ends_with(".xml") || n.ends_with(".rels"))
    {
        well_formed(name, &part(&bytes, name));
    }

    let xml = part(&bytes, "word/document.xml");
    for text in [
        // the cover
        "情報セキュリティ報告書",
        "平成29年度",
        "株式会社サンプル",
        "対象期間：2017年4月1日～2018年3月31日",
        "発行日：平成30年6月29日",
        "第1版",
        "下書き",
        "目次",
        // headings: number and title
        "1 基本情報",
        "1.1 本報告書の目的",
        "(9) 事故等報告",
        // paragraphs, split on line breaks; facts; items
        "ステークホルダーの皆様に説明するものです。",
        "二段落目。",
        "代表取締役社長",
        "伊藤 直樹",
        "第一期：ISMS の推進体制の整備",
        // the table: caption, head, row header, figures, note
        "事故等発生件数（平成29年度）",
        "IT営業・業務部門",
        "セキュリティ事象（ヒヤリハット事例）",
        "7(6)件",
        "5(3)件",
        "※( )内の数値は前年度（平成28年度）実績",
        // the chart's values
        "ヒューマンエラーの割合",
        "38%",
        // the organisation chart
        "社長",
        "ISO事務局",
    ] {
        assert!(xml.contains(text), "{text} in word/document.xml");
    }
    // The organisation chart is drawn as boxes: a unit under another is a framed, shaded box in
    // the table of its parent's subtree (three tables deep: the chart, the unit's subtree, its box).
    let depth =
        |at: usize| xml[..at].matches("<w:tbl>").count() - xml[..at].matches("</w:tbl>").count();
    let unit = xml.rfind("ISO事務局").expect("the unit under the top");
    assert!(
        depth(unit) >= 3,
        "the unit's box is nested under its parent's"
    );
    assert!(depth(xml.rfind("社長").unwrap()) >= 2, "the top is a box");
    assert!(xml.contains(r#"w:fill="F8F8F8""#), "boxes are shaded");
    assert!(!xml.contains("└"), "no indented list");
    assert!(
        !xml.contains("二段落目。\n"),
        "line breaks become paragraphs"
    );
    for style in ["Heading1", "Heading2", "Heading3"] {
        assert!(
            xml.contains(&format!(r#"<w:pStyle w:val="{style}" />"#)),
            "{style} used"
        );
    }
    assert!(xml.contains("<w:tblHeader />"), "the header row repeats");
    assert!(xml.contains("TOC \\o"), "a contents field");
    assert!(
        xml.contains(r#"w:name="_Toc00000002""#) && xml.contains("PAGEREF _Toc00000002"),
        "a contents entry points at its heading"
    );
    assert!(xml.contains("PAGE") || part(&bytes, "word/footer1.xml").contains("PAGE"));
    assert!(
        xml.contains("w:w=\"11906\"") && xml.contains("w:h=\"16838\""),
        "A4"
    );

    // Markup in the text is escaped, never taken for XML.
    assert!(
        xml.contains("比較 a &lt; b &amp; c &gt; d"),
        "escaped text in {xml}"
    );
    assert!(!xml.contains("a < b"));

    // Word keeps a figure's number with its unit: the units may not begin a line.
    let settings = part(&bytes, "word/settings.xml");
    let before = settings
        .split("<w:noLineBreaksBefore w:lang=\"ja-JP\" w:val=\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .expect("a custom kinsoku set");
    for unit in ["件", "人", "名", "、", "。", "）"] {
        assert!(before.contains(unit), "{unit} may not begin a line");
    }
    assert!(
        settings.find("noLineBreaksBefore") < settings.find("<w:compat>"),
        "in the schema's order"
    );
    let styles = part(&bytes, "word/styles.xml");
    assert!(styles.contains(r#"w:styleId="Heading1""#) && styles.contains("heading 1"));
    assert!(styles.contains(r#"w:eastAsia="游明朝""#), "a Japanese font");
    assert!(
        styles.contains(r#"w:val="ja-JP""#),
        "Japanese as the language"
    );

    let mut en = Document::sample();
    en.lang = Lang::En;
    let styles = part(&report_docx(&en).unwrap(), "word/styles.xml");
    assert!(styles.contains(r#"w:val="en-US""#));
}

#[test]
fn an_empty_report_still_opens() {
    let mut doc = Document::sample();
    doc.sections.clear();
    doc.status.clear();
    let bytes = report_docx(&doc).expect("renders");
    let xml = part(&bytes, "word/document.xml");
    well_formed("word/document.xml", &xml);
    assert!(xml.contains("情報セキュリティ報告書"));
    assert!(!xml.contains("下書き"));
}
