//! The report as a document: numbered sections of paragraphs, tables, notes, a chart and the
//! organisation chart, every text already translated and every figure already formatted. The HTML,
//! PDF and DOCX renderings each walk this one structure, so they cannot disagree about what the
//! report says.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Document {
    /// `ja` or `en`.
    pub lang: mamori_domain::Lang,
    /// 情報セキュリティ報告書
    pub title: String,
    /// 株式会社サジェコ
    pub organisation: String,
    /// 平成29年度 / FY2017
    pub year_label: String,
    /// 対象期間：2017年4月1日～2018年3月31日
    pub period: String,
    /// 発行日：平成30年6月29日
    pub issued: String,
    /// 第1版 (draft) …; the status when it is not published (下書き), empty once published.
    pub edition: String,
    pub status: String,
    /// 目次 / Contents
    pub contents: String,
    pub sections: Vec<Section>,
}

/// A heading and what follows it. Level 1 is a chapter (`１．基本情報`), 2 a section (`1.1 …`), 3 an
/// item (`(1) …`). The number is part of the structure, never typed into the title.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Section {
    /// A stable id (`s5-2-9`), used as the HTML anchor.
    pub id: String,
    pub level: u8,
    /// `1`, `1.1`, `(1)`.
    pub number: String,
    pub title: String,
    pub blocks: Vec<Block>,
    /// The ids of the figures the section shows (in its tables, chart or text), so a page of
    /// figures can show the sections that have them.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub figures: Vec<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Block {
    /// A paragraph; line breaks in the text are kept.
    Paragraph { text: String },
    /// A list of items (already numbered or bulleted by their text when that matters).
    Items { items: Vec<String> },
    /// Label–value lines, such as the contact persons or the certificate's particulars.
    Facts { rows: Vec<Fact> },
    /// A table with a caption (`事故等発生件数（平成29年度）`), one header row and notes below it
    /// (`※( )内の数値は前年度（平成28年度）実績`).
    Table(Table),
    /// A chart as SVG (drawn by us), with its title and the values it shows (label, value), for a
    /// rendering that cannot draw SVG and for screen readers.
    Chart {
        title: String,
        svg: String,
        data: Vec<Fact>,
    },
    /// The organisation chart: a tree.
    Tree { root: Node },
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Fact {
    pub label: String,
    pub value: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Table {
    pub caption: String,
    pub head: Vec<String>,
    pub rows: Vec<Vec<Cell>>,
    /// Relative column widths, one per column.
    pub widths: Vec<u16>,
    pub notes: Vec<String>,
}

/// A table cell: its text, and for a figure its id and the list of records behind it (the link is
/// only set where the reader may open that list).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Default)]
pub struct Cell {
    pub text: String,
    /// A row header (the first column of a figure table).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub header: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub figure: Option<String>,
    /// Drill-down: the records this year's value counts, and the previous year's.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub href: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub previous_href: Option<String>,
}

impl Cell {
    /// A short value (a target, 達成, a date): one line of at most 12 characters, which every
    /// rendering keeps on one line and centres (the PDF's template writes the same rule).
    pub fn is_short(text: &str) -> bool {
        !text.contains('\n') && text.chars().count() <= 12
    }

    pub fn text(text: impl Into<String>) -> Self {
        Self {
            text: text.into(),
            ..Self::default()
        }
    }
    pub fn header(text: impl Into<String>) -> Self {
        Self {
            text: text.into(),
            header: true,
            ..Self::default()
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Node {
    pub text: String,
    /// A second line (the person, the role).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub note: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub children: Vec<Node>,
}

impl Section {
    /// Rewrites every text the section shows (not its title): paragraphs, items, facts, table
    /// cells and notes, chart data labels and the organisation chart.
    pub fn map_texts(&mut self, f: &impl Fn(&str) -> String) {
        let each = |v: &mut Vec<String>| v.iter_mut().for_each(|s| *s = f(s));
        for b in &mut self.blocks {
            match b {
                Block::Paragraph { text } => *text = f(text),
                Block::Items { items } => each(items),
                Block::Facts { rows } => rows.iter_mut().for_each(|r| r.value = f(&r.value)),
                Block::Table(t) => {
                    t.rows
                        .iter_mut()
                        .flatten()
                        .for_each(|c| c.text = f(&c.text));
                    each(&mut t.notes);
                }
                Block::Chart { .. } => {}
                Block::Tree { root } => root.map_texts(f),
            }
        }
    }
}

impl Node {
    fn map_texts(&mut self, f: &impl Fn(&str) -> String) {
        self.note = f(&self.note);
        self.children.iter_mut().for_each(|c| c.map_texts(f));
    }
}

/// Takes the organisation's record codes (`E-2017-04`, `（F-2017-01、F-2017-02）`) out of a text
/// for a public rendering: the codes of every numbered register, a bracketed list of them with
/// its brackets, a code on its own with the space after it.
pub fn without_record_codes(text: &str) -> String {
    static CODES: std::sync::LazyLock<regex::Regex> =
        std::sync::LazyLock::new(|| record_codes(&[]));
    CODES.replace_all(text, "$1").into_owned()
}

/// The same with the organisation's own code prefixes too (`OrgSettings::codes`); a code of
/// digits alone cannot be told from a figure and stays.
pub fn without_codes_of(settings: &mamori_domain::OrgSettings) -> impl Fn(&str) -> String {
    let own: Vec<&str> = settings
        .codes
        .values()
        .map(|c| c.prefix.as_str())
        .filter(|p| !p.is_empty())
        .collect();
    let codes = (!own.is_empty()).then(|| record_codes(&own));
    move |text: &str| match &codes {
        Some(codes) => codes.replace_all(text, "$1").into_owned(),
        None => without_record_codes(text),
    }
}

/// The pattern of record codes: the numbered registers' prefixes and `more`, then digits.
fn record_codes(more: &[&str]) -> regex::Regex {
    let prefixes: Vec<String> = mamori_domain::registers::ALL
        .iter()
        .filter_map(|r| r.numbered)
        .chain(more.iter().copied())
        .map(|p| {
            // A yearly pattern's prefix holds the year's number (E-{fiscal_year}- is E-2017-).
            regex::escape(p).replace(&regex::escape(mamori_domain::CodePattern::YEAR), r"\d{4}")
        })
        .collect();
    let code = format!(r"(?:{})\d{{2,}}(?:-\d+)*", prefixes.join("|"));
    regex::Regex::new(&format!(
        r"(^|[^A-Za-z0-9\-])(?:[（(][ 　]*{code}(?:[ 　]*[、,，・][ 　]*{code})*[ 　]*[）)]|{code}[ 　]?)"
    ))
    .expect("the record-code pattern")
}

impl Document {
    /// A small document with every kind of block, for the renderings' own tests.
    pub fn sample() -> Self {
        let figure = |text: &str, id: &str| Cell {
            text: text.to_string(),
            figure: Some(id.to_string()),
            href: Some(format!("/o/sample/security-events?id={id}")),
            previous_href: None,
            header: false,
        };
        Document {
            lang: mamori_domain::Lang::Ja,
            title: "情報セキュリティ報告書".into(),
            organisation: "株式会社サンプル".into(),
            year_label: "平成29年度".into(),
            period: "対象期間：2017年4月1日～2018年3月31日".into(),
            issued: "発行日：平成30年6月29日".into(),
            edition: "第1版".into(),
            status: "下書き".into(),
            contents: "目次".into(),
            sections: vec![
                Section {
                    figures: Vec::new(),
                    id: "s1".into(),
                    level: 1,
                    number: "1".into(),
                    title: "基本情報".into(),
                    blocks: vec![],
                },
                Section {
                    figures: Vec::new(),
                    id: "s1-1".into(),
                    level: 2,
                    number: "1.1".into(),
                    title: "本報告書の目的".into(),
                    blocks: vec![
                        Block::Paragraph {
                            text: "本報告書は、当社の情報セキュリティへの取組みをステークホルダーの皆様に説明するものです。\n二段落目。".into(),
                        },
                        Block::Facts {
                            rows: vec![Fact {
                                label: "代表取締役社長".into(),
                                value: "伊藤 直樹".into(),
                            }],
                        },
                        Block::Items {
                            items: vec!["第一期：ISMS の推進体制の整備".into(), "第二期：融合".into()],
                        },
                    ],
                },
                Section {
                    figures: Vec::new(),
                    id: "s5-2-9".into(),
                    level: 3,
                    number: "(9)".into(),
                    title: "事故等報告".into(),
                    blocks: vec![
                        Block::Table(Table {
                            caption: "事故等発生件数（平成29年度）".into(),
                            head: vec!["".into(), "IT営業・業務部門".into(), "ISO事務局".into()],
                            rows: vec![vec![
                                Cell::header("セキュリティ事象（ヒヤリハット事例）"),
                                figure("7(6)件", "events.near_miss.IT営業・業務部門"),
                                figure("5(3)件", "events.near_miss.ISO事務局"),
                            ]],
                            widths: vec![3, 2, 2],
                            notes: vec!["※( )内の数値は前年度（平成28年度）実績".into()],
                        }),
                        Block::Chart {
                            title: "ヒューマンエラーの割合".into(),
                            svg: "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 100 50\"><rect x=\"10\" y=\"10\" width=\"20\" height=\"40\" fill=\"#1a5fb4\"/></svg>".into(),
                            data: vec![Fact {
                                label: "平成29年度".into(),
                                value: "38%".into(),
                            }],
                        },
                        Block::Tree {
                            root: Node {
                                text: "社長".into(),
                                note: "伊藤 直樹".into(),
                                children: vec![Node {
                                    text: "ISO事務局".into(),
                                    note: String::new(),
                                    children: vec![],
                                }],
                            },
                        },
                    ],
                },
            ],
        }
    }
}

#[cfg(test)]
mod tests {
    use super::without_record_codes as hide;

    #[test]
    fn record_codes_leave_public_text_and_nothing_else_does() {
        assert_eq!(
            hide("改善余地有り2件（F-2017-01、F-2017-02）。速やかに対処"),
            "改善余地有り2件。速やかに対処"
        );
        assert_eq!(
            hide("延期の事例（E-2017-04）があり未達成"),
            "延期の事例があり未達成"
        );
        assert_eq!(hide("E-2017-04 OS更新の延期"), "OS更新の延期");
        assert_eq!(hide("設定する (RO-2017-02)"), "設定する ");
        assert_eq!(hide("資産 A-0014 を廃棄"), "資産 を廃棄");
        for kept in [
            "ISO/IEC 27001:2013",
            "JIS Q 27001",
            "COVID-19",
            "IC13J0364",
            "HE-2017-04",
            "E-mail",
            "A-B",
            "13件（前年度 7件）",
        ] {
            assert_eq!(hide(kept), kept);
        }
    }

    #[test]
    fn a_yearly_code_pattern_s_codes_are_taken_out_too() {
        let settings = mamori_domain::OrgSettings::of(&serde_json::json!({
            "codes": { "security_event": { "prefix": "INC{fiscal_year}-", "digits": 3 } },
        }));
        let hide = super::without_codes_of(&settings);
        assert_eq!(hide("INC2017-004 OS更新の延期"), "OS更新の延期");
        assert_eq!(hide("INC-2017 の件"), "INC-2017 の件");
    }
}
