//! The report model: for an organisation and a fiscal year, every figure computed from the records
//! with the previous year's from the same query and the list of records behind each, the narratives
//! of the revision, and the document the renderings walk. Nothing here is typed in as a number.

use std::collections::BTreeMap;

use mamori_domain::dates::{format_date, iso};
use mamori_domain::objective::Comparison;
use mamori_domain::registers as r;
use mamori_domain::{DateStyle, Figure, FigureValue, FiscalYear, Register};
use mamori_store::reports::ReportRevision;
use mamori_store::{Access, ListQuery, Record, Status, Store, StoreError};
use serde::{Deserialize, Serialize};
use time::Date;

use crate::document::{Block, Cell, Document, Fact, Node, Section, Table};
use crate::figures::Query;
use crate::text::{relative_year, t, ta};

/// The report's settings, kept in the organisation's profile under `report`.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[serde(default)]
pub struct Settings {
    /// How dates and years are shown: `era` (平成29年11月25日), `era_short` (H29.11.25) or `western`.
    pub date_style: Option<DateStyle>,
    /// The day the organisation's records begin: a year that ends before it shows ― (no records),
    /// not 0.
    /// An ISO date (`2016-04-01`).
    pub records_since: Option<String>,
    /// Items switched on (`true`) or off (`false`); an item not named keeps its default.
    pub items: BTreeMap<String, bool>,
    /// The departments (codes), in order, of the per-department tables; empty: the departments in
    /// force in the year.
    pub columns: Columns,
    /// Whether the report's texts keep the organisation's record codes (`E-2017-04`); by default a
    /// published report is for readers outside, and the codes are taken out (the app's figures
    /// link to the records for readers inside).
    pub record_codes: bool,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[serde(default)]
pub struct Columns {
    pub events: Vec<String>,
    pub complaints: Vec<String>,
}

impl Settings {
    pub fn of(profile: &serde_json::Value) -> Self {
        profile
            .get("report")
            .and_then(|v| serde_json::from_value(v.clone()).ok())
            .unwrap_or_default()
    }

    pub fn since(&self) -> Option<Date> {
        self.records_since
            .as_deref()
            .and_then(mamori_domain::dates::parse_date)
    }

    pub fn enabled(&self, item: &Item) -> bool {
        self.items.get(item.id).copied().unwrap_or(item.default_on)
    }
}

/// An item of the METI model: a section that can be switched on or off, and whether it has a
/// narrative (a text edited per fiscal year) of the same id.
#[derive(Debug, Clone, Copy)]
pub struct Item {
    pub id: &'static str,
    pub level: u8,
    pub number: &'static str,
    pub narrative: bool,
    pub default_on: bool,
}

const fn item(id: &'static str, level: u8, number: &'static str, narrative: bool) -> Item {
    Item {
        id,
        level,
        number,
        narrative,
        default_on: true,
    }
}

const fn off(mut i: Item) -> Item {
    i.default_on = false;
    i
}

/// The seven chapters and their items, in order. The reference report's set is on by default;
/// the objectives tables and the organisation chart are Mamori's additions, also on.
pub const ITEMS: &[Item] = &[
    item("s1", 1, "1", false),
    item("s1-1", 2, "1.1", true),
    item("s1-2", 2, "1.2", false),
    item("s1-3", 2, "1.3", false),
    item("s2", 1, "2", false),
    item("s2-1", 2, "2.1", true),
    item("s2-2", 2, "2.2", true),
    item("s2-3", 2, "2.3", true),
    item("s3", 1, "3", false),
    item("s3-1", 2, "3.1", false),
    item("s3-1-1", 3, "(1)", true),
    item("s3-1-2", 3, "(2)", true),
    item("s3-1-3", 3, "(3)", true),
    off(item("s3-2", 2, "3.2", true)),
    item("s4", 1, "4", false),
    item("s4-1", 3, "(1)", true),
    item("s4-2", 3, "(2)", true),
    item("s4-3", 3, "(3)", true),
    item("s4-4", 3, "(4)", false),
    item("s5", 1, "5", false),
    item("s5-1", 2, "5.1", false),
    item("s5-1-1", 3, "(1)", true),
    item("s5-1-2", 3, "(2)", true),
    item("s5-1-3", 3, "(3)", true),
    item("s5-1-4", 3, "(4)", false),
    item("s5-2", 2, "5.2", false),
    item("s5-2-1", 3, "(1)", false),
    item("s5-2-2", 3, "(2)", false),
    item("s5-2-3", 3, "(3)", false),
    item("s5-2-4", 3, "(4)", false),
    item("s5-2-5", 3, "(5)", false),
    item("s5-2-6", 3, "(6)", false),
    item("s5-2-7", 3, "(7)", false),
    item("s5-2-8", 3, "(8)", false),
    item("s5-2-9", 3, "(9)", false),
    item("s5-2-10", 3, "(10)", false),
    item("s5-2-11", 3, "(11)", false),
    item("s5-3", 2, "5.3", false),
    item("s5-3-1", 3, "(1)", true),
    item("s5-3-2", 3, "(2)", true),
    item("s5-3-3", 3, "(3)", true),
    item("s6", 1, "6", false),
    item("s6-1", 2, "6.1", true),
    item("s7", 1, "7", true),
];

/// The placeholders a narrative holds (`{training.completion_rate}` → `training.completion_rate`).
pub fn placeholders(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(open) = rest.find('{') {
        let after = &rest[open + 1..];
        let Some(close) = after.find('}') else { break };
        out.push(&after[..close]);
        rest = &after[close + 1..];
    }
    out
}

/// A placeholder's figure and which of its values it shows: `id.previous` → (`id`, `previous`),
/// `id.both` → (`id`, `both`), `id` → (`id`, `current`).
pub fn placeholder_parts(name: &str) -> (&str, &str) {
    match name.rsplit_once('.') {
        Some((id, part @ ("previous" | "both"))) => (id, part),
        _ => (name, "current"),
    }
}

/// The narratives: the items that have one.
pub fn narrative_keys() -> impl Iterator<Item = &'static str> {
    ITEMS.iter().filter(|i| i.narrative).map(|i| i.id)
}

/// The links of a figure: the page that shows what this year's value counts, and the previous
/// year's; for a figure that counts records (its query, see `figures`), `records`: the API lists
/// of exactly those records, whose `total` is the figure; for a share, `of`: the lists of the whole
/// it is a share of.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Default)]
pub struct Links {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub current: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub previous: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub records: Option<Years>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub of: Option<Years>,
}

/// An address for this year and one for the previous year.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Years {
    pub current: String,
    pub previous: String,
}

/// The report of one fiscal year, as the JSON rendering shows it (see docs/report-json.md).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Report {
    pub organisation: String,
    pub fiscal_year: i32,
    pub previous_year: i32,
    pub period: [String; 2],
    pub issued_on: String,
    pub revision: i64,
    pub status: mamori_store::reports::ReportStatus,
    pub lang: String,
    pub figures: BTreeMap<String, Figure>,
    pub drill_down: BTreeMap<String, Links>,
    pub narratives: BTreeMap<String, String>,
    pub items: Vec<String>,
    pub document: Document,
    /// The audit trail's head the published report was computed at (absent before publication).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub audit_head: Option<mamori_store::audit::AuditHead>,
}

/// What a report is built from besides the records.
pub struct Request<'a> {
    pub fy: FiscalYear,
    pub lang: &'a str,
    /// The revision (its narratives, issue date, status); `None` for a year not started, which
    /// shows the previous year's narratives and today as the issue date.
    pub revision: Option<&'a ReportRevision>,
    pub narratives: serde_json::Map<String, serde_json::Value>,
    pub issued_on: Date,
}

struct Builder<'a> {
    store: &'a Store,
    access: &'a Access,
    fy: FiscalYear,
    lang: &'a str,
    style: DateStyle,
    settings: Settings,
    issued: FiscalYear,
    figures: BTreeMap<String, Figure>,
    links: BTreeMap<String, Links>,
    /// The unit each figure is printed with (`件`, `%`), for the narratives' placeholders.
    units: BTreeMap<String, String>,
    /// Counts already read for a table at once (`read_each`), by the query's `key`.
    known: std::collections::HashMap<String, i64>,
}

type Result<T> = std::result::Result<T, StoreError>;

impl Builder<'_> {
    fn org(&self) -> &str {
        &self.access.org.slug
    }

    fn label(&self, y: FiscalYear) -> String {
        y.label(self.style, self.lang)
    }

    fn date(&self, d: Date) -> String {
        format_date(d, self.style, self.lang)
    }

    /// Whether a year is before the records begin (its figures are ―).
    fn before_records(&self, y: FiscalYear) -> bool {
        self.settings
            .since()
            .is_some_and(|since| y.last_day() < since)
    }

    fn value(&self, y: FiscalYear, v: FigureValue) -> FigureValue {
        if self.before_records(y) {
            FigureValue::NotApplicable
        } else {
            v
        }
    }

    /// Records a figure with its links and returns the cell that shows it.
    fn put(&mut self, id: &str, figure: Figure, links: Links, unit: &str) -> Cell {
        let figure = Figure {
            current: self.value(self.fy, figure.current),
            previous: self.value(self.fy.previous(), figure.previous),
        };
        let cell = Cell {
            text: figure.text(unit, self.lang),
            header: false,
            figure: Some(id.to_string()),
            href: links.current.clone(),
            previous_href: links.previous.clone(),
        };
        self.figures.insert(id.to_string(), figure);
        self.links.insert(id.to_string(), links);
        self.units.insert(id.to_string(), unit.to_string());
        cell
    }

    /// A figure that counts the records of a query in each year: the count, the list page and the
    /// API list all come from the query `of` gives for the year. `shape` turns the count into the
    /// value shown (a zero that is 無し, a department ― where nothing applies).
    async fn queried(
        &mut self,
        id: &str,
        of: impl Fn(FiscalYear) -> Result<Query>,
        shape: impl Fn(FiscalYear, i64) -> FigureValue,
        unit: &str,
    ) -> Result<Cell> {
        let (fy, previous) = (self.fy, self.fy.previous());
        let (q, p) = (of(fy)?, of(previous)?);
        let figure = Figure {
            current: shape(fy, self.count(&q).await?),
            previous: shape(previous, self.count(&p).await?),
        };
        let links = Links {
            current: Some(q.page(self.org())),
            previous: Some(p.page(self.org())),
            records: Some(Years {
                current: q.api(),
                previous: p.api(),
            }),
            of: None,
        };
        Ok(self.put(id, figure, links, unit))
    }

    /// A figure counted in both years from the records of `reg` dated in the year with the filters;
    /// `activity` makes a zero 無し (not done that year).
    async fn counted(
        &mut self,
        id: &str,
        reg: &'static Register,
        date: &str,
        filters: &[(&str, &str)],
        activity: bool,
        unit: &str,
    ) -> Result<Cell> {
        self.queried(
            id,
            |y| Query::dated(reg, date, y, filters),
            |_, n| {
                if activity {
                    FigureValue::activity(n)
                } else {
                    FigureValue::count(n)
                }
            },
            unit,
        )
        .await
    }

    /// The share (percent, one decimal) of the records of `whole` that `part` adds its filters to:
    /// its list is the part's, and `of` the whole's.
    async fn share(
        &mut self,
        id: &str,
        whole: impl Fn(FiscalYear) -> Result<Query>,
        part: &[(&str, &str)],
    ) -> Result<Cell> {
        let (fy, previous) = (self.fy, self.fy.previous());
        let (w, p) = (whole(fy)?, whole(previous)?);
        let (wp, pp) = (w.and(part)?, p.and(part)?);
        let figure = Figure {
            current: self.share_in(&w, &wp).await?,
            previous: self.share_in(&p, &pp).await?,
        };
        let links = Links {
            current: Some(wp.page(self.org())),
            previous: Some(pp.page(self.org())),
            records: Some(Years {
                current: wp.api(),
                previous: pp.api(),
            }),
            of: Some(Years {
                current: w.api(),
                previous: p.api(),
            }),
        };
        Ok(self.put(id, figure, links, "%"))
    }

    /// The records a query counts: read by the query, or by the grouped query of its table.
    async fn count(&self, q: &Query) -> Result<i64> {
        match self.known.get(&q.key()) {
            Some(n) => Ok(*n),
            None => q.count(self.store, self.access).await,
        }
    }

    /// Reads at once, for both years, the counts of `base` narrowed by `field` to each of
    /// `values` (a table row's departments): one grouped query a year instead of one per cell.
    /// Each figure is still its own query, `base` and `field=value`, for its count and its links.
    async fn read_each(
        &mut self,
        base: impl Fn(FiscalYear) -> Result<Query>,
        field: &str,
        values: &[&str],
    ) -> Result<()> {
        for y in [self.fy, self.fy.previous()] {
            let counts = base(y)?
                .count_each(self.store, self.access, field, values)
                .await?;
            self.known.extend(counts);
        }
        Ok(())
    }

    /// The share of the records of `whole` that `part` (the whole narrowed) counts.
    async fn share_in(&self, whole: &Query, part: &Query) -> Result<FigureValue> {
        let n = self.count(part).await?;
        let all = self.count(whole).await?;
        Ok(FigureValue::share(n, all))
    }

    async fn records(&self, reg: &Register, date: &str, y: FiscalYear) -> Result<Vec<Record>> {
        let query = ListQuery {
            ranges: vec![(date.to_string(), Some(y.start()), Some(y.last_day()))],
            ..Default::default()
        };
        self.store.list_all(self.access, reg, &query).await
    }

    async fn every(&self, reg: &Register) -> Result<Vec<Record>> {
        let query = ListQuery {
            status: Status::Active,
            ..Default::default()
        };
        self.store.list_all(self.access, reg, &query).await
    }

    fn unit(&self, key: &str) -> String {
        t(self.lang, key)
    }

    fn footnote(&self) -> String {
        ta(
            self.lang,
            "r-note-previous",
            &[("year", self.label(self.fy.previous()))],
        )
    }

    fn caption(&self, key: &str) -> String {
        ta(self.lang, key, &[("year", self.label(self.fy))])
    }
}

fn text(rec: &Record, reg: &Register, field: &str) -> String {
    rec.value(reg, field)
        .map(|v| v.to_plain())
        .unwrap_or_default()
}

fn date_of(rec: &Record, reg: &Register, field: &str) -> Option<Date> {
    rec.value(reg, field).and_then(|v| v.as_date())
}

fn dash_row(n: usize) -> Vec<Cell> {
    (0..n).map(|_| Cell::text("―")).collect()
}

/// Builds the report: figures, narratives and document.
pub async fn build(store: &Store, access: &Access, req: Request<'_>) -> Result<Report> {
    let settings = Settings::of(&access.org.profile);
    let lang = req.lang;
    let style = if lang == "en" {
        DateStyle::Western
    } else {
        settings.date_style.unwrap_or(DateStyle::Era)
    };
    let fy = req.fy;
    let mut b = Builder {
        store,
        access,
        fy,
        lang,
        style,
        issued: FiscalYear::containing(req.issued_on, fy.start_month),
        settings,
        figures: BTreeMap::new(),
        links: BTreeMap::new(),
        units: BTreeMap::new(),
        known: Default::default(),
    };
    let narratives: BTreeMap<String, String> = narrative_keys()
        .map(|k| {
            let text = req
                .narratives
                .get(k)
                .and_then(|v| v.as_str())
                .unwrap_or_default();
            (k.to_string(), text.to_string())
        })
        .collect();
    let mut sections: Vec<Section> = Vec::new();
    let enabled: Vec<&Item> = ITEMS.iter().filter(|i| b.settings.enabled(i)).collect();
    // The tables and charts first, so a narrative can name any figure of the report.
    let mut generated = Vec::with_capacity(enabled.len());
    for item in &enabled {
        let before: std::collections::BTreeSet<String> = b.figures.keys().cloned().collect();
        let blocks = b.generated(item.id).await?;
        let put: Vec<String> = b
            .figures
            .keys()
            .filter(|k| !before.contains(*k))
            .cloned()
            .collect();
        generated.push((blocks, put));
    }
    for (item, (tables, figures)) in enabled.iter().zip(generated) {
        let mut blocks = Vec::new();
        if item.narrative {
            let raw = narratives.get(item.id).cloned().unwrap_or_default();
            let text = b.words(&raw);
            if !text.trim().is_empty() {
                blocks.push(Block::Paragraph { text });
            }
        }
        blocks.extend(tables);
        sections.push(Section {
            id: item.id.to_string(),
            level: item.level,
            number: item.number.to_string(),
            title: b.title(item.id),
            blocks,
            figures,
        });
    }
    if !b.settings.record_codes {
        for s in &mut sections {
            s.map_texts(&crate::document::without_record_codes);
        }
    }
    let (revision, status) = req
        .revision
        .map(|r| (r.revision, r.status))
        .unwrap_or((0, mamori_store::reports::ReportStatus::Draft));
    let document = Document {
        lang: lang.to_string(),
        title: t(lang, "r-title"),
        organisation: org_name(access, lang),
        year_label: b.label(fy),
        period: ta(
            lang,
            "r-period-line",
            &[("from", b.date(fy.start())), ("to", b.date(fy.last_day()))],
        ),
        issued: ta(lang, "r-issued-line", &[("date", b.date(req.issued_on))]),
        // A year not started has no revision yet, and no edition on its cover.
        edition: if revision == 0 {
            String::new()
        } else {
            ta(lang, "r-edition", &[("n", revision.to_string())])
        },
        status: if status == mamori_store::reports::ReportStatus::Published {
            String::new()
        } else {
            t(lang, &format!("r-status-{status}"))
        },
        contents: t(lang, "r-contents"),
        sections,
    };
    Ok(Report {
        organisation: access.org.name.clone(),
        fiscal_year: fy.year,
        previous_year: fy.previous().year,
        period: [iso(fy.start()), iso(fy.last_day())],
        issued_on: iso(req.issued_on),
        revision,
        status,
        lang: lang.to_string(),
        figures: b.figures,
        drill_down: b.links,
        narratives,
        items: enabled.iter().map(|i| i.id.to_string()).collect(),
        document,
        audit_head: None,
    })
}

fn org_name(access: &Access, lang: &str) -> String {
    match (&access.org.name_en, lang) {
        (Some(en), "en") if !en.is_empty() => en.clone(),
        _ => access.org.name.clone(),
    }
}

impl Builder<'_> {
    /// An item's heading; those naming the year get it generated.
    fn title(&self, id: &str) -> String {
        ta(
            self.lang,
            &format!("r-{id}"),
            &[("year", self.label(self.fy))],
        )
    }

    /// Narrative placeholders: `{report_year}`, `{next_year}` and `{previous_year}` become 今年度,
    /// 昨年度, … as seen from the issue date; `{year}` the report year's label.
    fn words(&self, raw: &str) -> String {
        let rel =
            |y: FiscalYear| relative_year(self.lang, y.year, self.issued.year, &self.label(y));
        let next = FiscalYear::new(self.fy.year + 1, self.fy.start_month);
        let text = raw
            .replace("{report_year}", &rel(self.fy))
            .replace("{next_year}", &rel(next))
            .replace("{previous_year}", &rel(self.fy.previous()))
            .replace("{year}", &self.label(self.fy));
        let mut out = String::with_capacity(text.len());
        let mut rest = text.as_str();
        while let Some(open) = rest.find('{') {
            out.push_str(&rest[..open]);
            let after = &rest[open..];
            match after.find('}').map(|close| (&after[1..close], close)) {
                Some((name, close)) => {
                    match self.placeholder(name) {
                        Some(shown) => out.push_str(&shown),
                        None => out.push_str(&after[..=close]),
                    }
                    rest = &after[close + 1..];
                }
                None => {
                    out.push_str(after);
                    rest = "";
                }
            }
        }
        out.push_str(rest);
        out
    }

    /// A figure named in a narrative: `{id}` this year's value with its unit (`97.6%`),
    /// `{id.previous}` the previous year's, `{id.both}` both as the tables print them (`7(6)件`).
    fn placeholder(&self, name: &str) -> Option<String> {
        let (id, part) = placeholder_parts(name);
        let figure = self.figures.get(id)?;
        let unit = self.units.get(id).map(String::as_str).unwrap_or_default();
        Some(match part {
            "previous" => figure.previous.with_unit(unit, self.lang),
            "both" => figure.text(unit, self.lang),
            _ => figure.current.with_unit(unit, self.lang),
        })
    }

    async fn generated(&mut self, id: &str) -> Result<Vec<Block>> {
        Ok(match id {
            "s1-2" => vec![Block::Paragraph {
                text: ta(
                    self.lang,
                    "r-period-text",
                    &[
                        ("from", self.date(self.fy.start())),
                        ("to", self.date(self.fy.last_day())),
                    ],
                ),
            }],
            "s1-3" => vec![self.contacts()],
            "s3-1-1" => self.chart().await?,
            "s4-4" => self.objectives(false).await?,
            "s5-1-4" => self.objectives(true).await?,
            "s5-2-1" => self.laws().await?,
            "s5-2-2" => self.training().await?,
            "s5-2-3" => self.external_reviews().await?,
            "s5-2-4" => self.relaxations().await?,
            "s5-2-5" => self.changes().await?,
            "s5-2-6" => self.management_review().await?,
            "s5-2-7" => self.drills().await?,
            "s5-2-8" => self.facilities().await?,
            "s5-2-9" => self.events().await?,
            "s5-2-10" => self.complaints().await?,
            "s5-2-11" => self.second_party().await?,
            "s7" => self.certification().await?,
            _ => Vec::new(),
        })
    }

    fn contacts(&self) -> Block {
        let p = &self.access.org.profile;
        let s = |k: &str| {
            p.get(k)
                .and_then(|v| v.as_str())
                .unwrap_or_default()
                .to_string()
        };
        let mut rows = Vec::new();
        let address = [s("postal_code"), s("address")];
        if !address[1].is_empty() {
            rows.push(Fact {
                label: t(self.lang, "r-address"),
                value: if address[0].is_empty() {
                    address[1].clone()
                } else {
                    format!("〒{} {}", address[0], address[1])
                },
            });
        }
        rows.push(Fact {
            label: t(self.lang, "r-organisation"),
            value: org_name(self.access, self.lang),
        });
        for c in p
            .get("contacts")
            .and_then(|v| v.as_array())
            .into_iter()
            .flatten()
        {
            let f = |k: &str| c.get(k).and_then(|v| v.as_str()).unwrap_or_default();
            rows.push(Fact {
                label: f("title").to_string(),
                value: if f("phone").is_empty() {
                    f("name").to_string()
                } else {
                    format!("{}　{} {}", f("name"), t(self.lang, "r-phone"), f("phone"))
                },
            });
        }
        Block::Facts { rows }
    }

    /// 3.1: top management, the secretariat and its roles, the departments in force at the end of
    /// the year with their information managers; from the appointments and departments.
    async fn chart(&self) -> Result<Vec<Block>> {
        let end = self.fy.last_day();
        let people = self.every(&r::PEOPLE).await?;
        let name_of = |no: &str| {
            people
                .iter()
                .find(|p| text(p, &r::PEOPLE, "employee_no") == no)
                .map(|p| text(p, &r::PEOPLE, "name"))
                .unwrap_or_default()
        };
        let appointments: Vec<Record> = self
            .every(&r::APPOINTMENTS)
            .await?
            .into_iter()
            .filter(|a| {
                date_of(a, &r::APPOINTMENTS, "starts_on").is_some_and(|d| d <= end)
                    && date_of(a, &r::APPOINTMENTS, "ends_on").is_none_or(|d| d >= end)
            })
            .collect();
        let holders = |role: &str, department: Option<&str>| -> String {
            appointments
                .iter()
                .filter(|a| {
                    text(a, &r::APPOINTMENTS, "role") == role
                        && department.is_none_or(|d| text(a, &r::APPOINTMENTS, "department") == d)
                })
                .map(|a| name_of(&text(a, &r::APPOINTMENTS, "person")))
                .collect::<Vec<_>>()
                .join("、")
        };
        let role = |key: &str| t(self.lang, &format!("r-role-{key}"));
        let node = |text: String, note: String| Node {
            text,
            note,
            children: Vec::new(),
        };
        let mut secretariat = node(
            t(self.lang, "r-secretariat"),
            format!(
                "{}：{}",
                role("isms_manager_lead"),
                holders("isms_manager_lead", None)
            ),
        );
        for key in [
            "internal_audit_lead",
            "system_admin",
            "system_admin_deputy",
            "external_advisor",
        ] {
            let who = holders(key, None);
            if !who.is_empty() {
                secretariat.children.push(node(role(key), who));
            }
        }
        let departments = self.every(&r::DEPARTMENTS).await?;
        for d in &departments {
            let valid = date_of(d, &r::DEPARTMENTS, "valid_from").is_none_or(|f| f <= end)
                && date_of(d, &r::DEPARTMENTS, "valid_to").is_none_or(|to| to >= end);
            let code = text(d, &r::DEPARTMENTS, "code");
            if valid && code != "ISO" {
                let head = holders("department_info_manager", Some(&code));
                secretariat.children.push(node(
                    text(d, &r::DEPARTMENTS, "name"),
                    if head.is_empty() {
                        String::new()
                    } else {
                        format!("{}：{head}", role("department_info_manager"))
                    },
                ));
            }
        }
        let root = Node {
            text: role("top_management"),
            note: holders("top_management", None),
            children: vec![secretariat],
        };
        Ok(vec![Block::Tree { root }])
    }

    /// 4(4) the year's objectives with their targets; 5.1(4) with their yearly results (computed
    /// by the store from the results measured in the year), each linked to those results.
    async fn objectives(&mut self, results: bool) -> Result<Vec<Block>> {
        let query = |y: i32| ListQuery {
            filters: vec![("fiscal_year".into(), y.to_string())],
            ..Default::default()
        };
        let now = self
            .store
            .list_all(self.access, &r::OBJECTIVES, &query(self.fy.year))
            .await?;
        let unit = self.unit("r-unit-items");
        let count_cell = if results {
            self.queried(
                "objectives.achieved",
                |y| {
                    Query::of(
                        &r::OBJECTIVES,
                        &[
                            ("fiscal_year".into(), y.year.to_string()),
                            ("achieved".into(), "yes".into()),
                        ],
                    )
                },
                |_, n| FigureValue::count(n),
                &unit,
            )
            .await?
        } else {
            self.queried(
                "objectives.count",
                |y| {
                    Query::of(
                        &r::OBJECTIVES,
                        &[("fiscal_year".into(), y.year.to_string())],
                    )
                },
                |_, n| FigureValue::activity(n),
                &unit,
            )
            .await?
        };
        let mut rows = Vec::new();
        for o in &now {
            let unit = text(o, &r::OBJECTIVES, "unit");
            let target = text(o, &r::OBJECTIVES, "target_value");
            let mut row = vec![
                Cell {
                    href: Some(format!("/o/{}/objectives/{}", self.org(), o.id)),
                    ..Cell::header(text(o, &r::OBJECTIVES, "title"))
                },
                Cell::text(if target.is_empty() {
                    "―".into()
                } else {
                    let comparison = Comparison::parse(&text(o, &r::OBJECTIVES, "comparison"))
                        .unwrap_or(Comparison::Equal);
                    ta(
                        self.lang,
                        &format!("r-target-{}", comparison.code()),
                        &[("value", format!("{target}{unit}"))],
                    )
                }),
            ];
            if results {
                // The yearly result links to the results it was made from.
                let result = text(o, &r::OBJECTIVES, "result");
                let code = text(o, &r::OBJECTIVES, "code");
                let measured = Query::dated(
                    &r::OBJECTIVE_RESULTS,
                    "measured_on",
                    self.fy,
                    &[("objective", code.as_str())],
                )?;
                row.push(if result.is_empty() {
                    Cell::text("―")
                } else {
                    Cell {
                        href: Some(measured.page(self.org())),
                        ..Cell::text(format!("{result}{unit}"))
                    }
                });
                let a = text(o, &r::OBJECTIVES, "achieved");
                row.push(Cell::text(if a.is_empty() {
                    "―".to_string()
                } else {
                    t(self.lang, &format!("r-achieved-{a}"))
                }));
                row.push(Cell::text(text(o, &r::OBJECTIVES, "evaluation")));
            } else {
                row.push(Cell::text(text(o, &r::OBJECTIVES, "metric")));
            }
            rows.push(row);
        }
        let (head, widths): (Vec<&str>, Vec<u16>) = if results {
            (
                vec![
                    "r-h-objective",
                    "r-h-target",
                    "r-h-result",
                    "r-h-achieved",
                    "r-h-evaluation",
                ],
                vec![3, 2, 1, 1, 3],
            )
        } else {
            (
                vec!["r-h-objective", "r-h-target", "r-h-metric"],
                vec![3, 2, 4],
            )
        };
        if rows.is_empty() {
            rows.push(dash_row(head.len()));
        }
        let summary = if results {
            ta(
                self.lang,
                "r-objectives-achieved",
                &[("count", count_cell.text.clone())],
            )
        } else {
            ta(
                self.lang,
                "r-objectives-count",
                &[("count", count_cell.text.clone())],
            )
        };
        Ok(vec![
            Block::Paragraph { text: summary },
            Block::Table(Table {
                caption: self.caption(if results {
                    "r-cap-results"
                } else {
                    "r-cap-objectives"
                }),
                head: head.iter().map(|k| t(self.lang, k)).collect(),
                rows,
                widths,
                notes: if results {
                    vec![self.footnote(), t(self.lang, "r-note-results")]
                } else {
                    vec![self.footnote()]
                },
            }),
        ])
    }

    /// 5.2(1): law changes acted on in the year (decided then), listed; otherwise a row of ―.
    async fn laws(&mut self) -> Result<Vec<Block>> {
        self.counted(
            "law_changes.count",
            &r::LAW_CHANGES,
            "decided_on",
            &[("decision", "acted")],
            true,
            &self.unit("r-unit-items"),
        )
        .await?;
        let requirements = self.every(&r::REQUIREMENTS).await?;
        let mut rows: Vec<Vec<Cell>> = self
            .records(&r::LAW_CHANGES, "decided_on", self.fy)
            .await?
            .iter()
            .filter(|c| text(c, &r::LAW_CHANGES, "decision") == "acted")
            .map(|c| {
                let code = text(c, &r::LAW_CHANGES, "requirement");
                let name = requirements
                    .iter()
                    .find(|q| text(q, &r::REQUIREMENTS, "code") == code)
                    .map(|q| text(q, &r::REQUIREMENTS, "name"))
                    .unwrap_or(code);
                vec![
                    Cell::header(name),
                    Cell::text(
                        date_of(c, &r::LAW_CHANGES, "effective_on")
                            .map(|d| self.date(d))
                            .unwrap_or_default(),
                    ),
                    Cell::text(text(c, &r::LAW_CHANGES, "summary")),
                    Cell::text(text(c, &r::LAW_CHANGES, "review")),
                ]
            })
            .collect();
        let done = !rows.is_empty();
        if !done {
            rows.push(dash_row(4));
        }
        let previous = self.figures["law_changes.count"].previous;
        Ok(vec![
            Block::Paragraph {
                text: t(self.lang, if done { "r-laws-acted" } else { "r-laws-none" }),
            },
            Block::Table(Table {
                caption: self.caption("r-cap-laws"),
                head: ["r-h-law", "r-h-effective", "r-h-changes", "r-h-review"]
                    .iter()
                    .map(|k| t(self.lang, k))
                    .collect(),
                rows,
                widths: vec![2, 1, 3, 3],
                notes: vec![ta(
                    self.lang,
                    "r-note-previous-result",
                    &[
                        ("year", self.label(self.fy.previous())),
                        (
                            "value",
                            previous.with_unit(&self.unit("r-unit-items"), self.lang),
                        ),
                    ],
                )],
            }),
        ])
    }
}

impl Builder<'_> {
    /// 5.2(2): in-house training per kind (people expected and attended, onboarding trainees left
    /// out of the periodic course by the data), the completion rate of onboarding and periodic
    /// training, and the external security seminars with their attendees.
    async fn training(&mut self) -> Result<Vec<Block>> {
        let person = self.unit("r-unit-persons");
        let mut rows = Vec::new();
        let courses = self.every(&r::COURSES).await?;
        for kind in ["onboarding", "periodic", "remedial", "mental_health"] {
            // The people expected at the kind's sessions of the year and those who attended: the
            // attendance records listed for those sessions, and those marked attended.
            let attendances = |y: FiscalYear, attended: bool| {
                let mut filters = vec![("session.course.kind", kind)];
                if attended {
                    filters.push(("status", "attended"));
                }
                Query::dated(&r::ATTENDANCES, "session.held_on", y, &filters)
            };
            let target = self
                .queried(
                    &format!("training.{kind}.target"),
                    |y| attendances(y, false),
                    |_, n| FigureValue::count(n),
                    &person,
                )
                .await?;
            let attended = self
                .queried(
                    &format!("training.{kind}.attended"),
                    |y| attendances(y, true),
                    |_, n| FigureValue::count(n),
                    &person,
                )
                .await?;
            let course = courses
                .iter()
                .find(|c| text(c, &r::COURSES, "kind") == kind);
            let name = course.map_or_else(
                || t(self.lang, &format!("r-course-{kind}")),
                |c| text(c, &r::COURSES, "name"),
            );
            let content = course
                .map(|c| text(c, &r::COURSES, "content"))
                .unwrap_or_default();
            let note = course
                .map(|c| text(c, &r::COURSES, "clauses"))
                .unwrap_or_default();
            rows.push(vec![
                Cell::header(name),
                Cell::text(content),
                target,
                attended,
                Cell::text(note),
            ]);
        }
        // The completion rate of onboarding and periodic training: the share of the people expected
        // at those sessions who attended.
        let expected = |y: FiscalYear| {
            Query::dated(
                &r::ATTENDANCES,
                "session.held_on",
                y,
                &[("session.course.kind", "onboarding,periodic")],
            )
        };
        let rate_cell = self
            .share(
                "training.completion_rate",
                expected,
                &[("status", "attended")],
            )
            .await?;
        // External seminars on security, held in the year, with how many attended each.
        let seminars = self
            .records(&r::EXTERNAL_SEMINARS, "held_on", self.fy)
            .await?;
        let seminars_before = self
            .records(&r::EXTERNAL_SEMINARS, "held_on", self.fy.previous())
            .await?;
        let attendees = self.every(&r::SEMINAR_ATTENDEES).await?;
        let count_of = |s: &Record| {
            let code = text(s, &r::EXTERNAL_SEMINARS, "code");
            attendees
                .iter()
                .filter(|a| text(a, &r::SEMINAR_ATTENDEES, "seminar") == code)
                .count() as i64
        };
        let security = |s: &&Record| text(s, &r::EXTERNAL_SEMINARS, "security") == "yes";
        let ext_total = self
            .queried(
                "external_seminars.attendees",
                |y| {
                    Query::dated(
                        &r::SEMINAR_ATTENDEES,
                        "seminar.held_on",
                        y,
                        &[("seminar.security", "yes")],
                    )
                },
                |_, n| FigureValue::activity(n),
                &person,
            )
            .await?;
        let mut ext_rows: Vec<Vec<Cell>> = seminars
            .iter()
            .filter(security)
            .map(|s| {
                vec![
                    Cell {
                        href: Some(format!("/o/{}/external-seminars/{}", self.org(), s.id)),
                        ..Cell::header(text(s, &r::EXTERNAL_SEMINARS, "title"))
                    },
                    Cell::text(text(s, &r::EXTERNAL_SEMINARS, "note")),
                    Cell::text(format!("{}{person}", count_of(s))),
                    Cell::text(ta(
                        self.lang,
                        "r-organiser",
                        &[("body", text(s, &r::EXTERNAL_SEMINARS, "organiser"))],
                    )),
                ]
            })
            .collect();
        if ext_rows.is_empty() {
            ext_rows.push(dash_row(4));
        }
        let before_list: Vec<String> = seminars_before
            .iter()
            .filter(security)
            .map(|s| {
                format!(
                    "{}×{}{person}",
                    text(s, &r::EXTERNAL_SEMINARS, "title"),
                    count_of(s)
                )
            })
            .collect();
        let previous_note = if self.before_records(self.fy.previous()) {
            "―".to_string()
        } else if before_list.is_empty() {
            FigureValue::None.text(self.lang)
        } else {
            before_list.join("、")
        };
        Ok(vec![
            Block::Paragraph {
                text: ta(
                    self.lang,
                    "r-training-text",
                    &[("rate", rate_cell.text.clone())],
                ),
            },
            Block::Table(Table {
                caption: self.caption("r-cap-training"),
                head: [
                    "r-h-course",
                    "r-h-content",
                    "r-h-target-persons",
                    "r-h-attended",
                    "r-h-note",
                ]
                .iter()
                .map(|k| t(self.lang, k))
                .collect(),
                rows,
                widths: vec![2, 4, 1, 1, 2],
                notes: vec![self.footnote()],
            }),
            Block::Table(Table {
                caption: self.caption("r-cap-seminars"),
                head: ["r-h-seminar", "r-h-content", "r-h-attended", "r-h-note"]
                    .iter()
                    .map(|k| t(self.lang, k))
                    .collect(),
                rows: ext_rows,
                widths: vec![3, 4, 1, 2],
                notes: vec![
                    ta(
                        self.lang,
                        "r-seminars-total",
                        &[("value", ext_total.text.clone())],
                    ),
                    ta(
                        self.lang,
                        "r-note-previous-result",
                        &[
                            ("year", self.label(self.fy.previous())),
                            ("value", previous_note),
                        ],
                    ),
                ],
            }),
        ])
    }

    /// A table of two or three figures of one register with a text column (5.2(3)(4)(5)).
    #[allow(clippy::too_many_arguments)]
    async fn pair(
        &mut self,
        ids: [&str; 2],
        reg: &'static Register,
        date: &str,
        subset: (&str, &str),
        caption: &str,
        head: [&str; 3],
        detail: impl Fn(&Record) -> String,
    ) -> Result<Table> {
        let unit = self.unit("r-unit-items");
        let all = self.counted(ids[0], reg, date, &[], false, &unit).await?;
        let part = self
            .counted(ids[1], reg, date, &[subset], false, &unit)
            .await?;
        let details: Vec<String> = self
            .records(reg, date, self.fy)
            .await?
            .iter()
            .filter(|x| text(x, reg, subset.0) == subset.1)
            .map(detail)
            .filter(|d| !d.is_empty())
            .collect();
        Ok(Table {
            caption: self.caption(caption),
            head: head.iter().map(|k| t(self.lang, k)).collect(),
            rows: vec![vec![
                all,
                part,
                Cell::text(if details.is_empty() {
                    t(self.lang, "r-nothing")
                } else {
                    details.join("\n")
                }),
            ]],
            widths: vec![1, 1, 4],
            notes: vec![self.footnote()],
        })
    }

    async fn external_reviews(&mut self) -> Result<Vec<Block>> {
        let table = self
            .pair(
                [
                    "external_incident_reviews.reviewed",
                    "external_incident_reviews.implemented",
                ],
                &r::EXTERNAL_INCIDENT_REVIEWS,
                "reviewed_on",
                ("decision", "implement"),
                "r-cap-external",
                ["r-h-reviewed", "r-h-implemented", "r-h-implementation"],
                |x| text(x, &r::EXTERNAL_INCIDENT_REVIEWS, "implemented"),
            )
            .await?;
        Ok(vec![
            Block::Paragraph {
                text: t(self.lang, "r-external-text"),
            },
            Block::Table(table),
        ])
    }

    async fn relaxations(&mut self) -> Result<Vec<Block>> {
        let table = self
            .pair(
                ["relaxation_reviews.reviewed", "relaxation_reviews.relaxed"],
                &r::RELAXATION_REVIEWS,
                "reviewed_on",
                ("decision", "relax"),
                "r-cap-relaxation",
                ["r-h-relax-reviewed", "r-h-relaxed", "r-h-relaxation"],
                |x| text(x, &r::RELAXATION_REVIEWS, "reassessment"),
            )
            .await?;
        let none = self.figures["relaxation_reviews.reviewed"].current == FigureValue::count(0);
        Ok(vec![
            Block::Paragraph {
                text: t(
                    self.lang,
                    if none {
                        "r-relaxation-none"
                    } else {
                        "r-relaxation-text"
                    },
                ),
            },
            Block::Table(table),
        ])
    }

    async fn changes(&mut self) -> Result<Vec<Block>> {
        let table = self
            .pair(
                [
                    "change_assessments.assessed",
                    "change_assessments.controls_confirmed",
                ],
                &r::CHANGE_ASSESSMENTS,
                "assessed_on",
                ("controls_confirmed", "yes"),
                "r-cap-changes",
                ["r-h-assessed", "r-h-confirmed", "r-h-note"],
                |x| text(x, &r::CHANGE_ASSESSMENTS, "description"),
            )
            .await?;
        Ok(vec![
            Block::Paragraph {
                text: t(self.lang, "r-changes-text"),
            },
            Block::Table(table),
        ])
    }

    /// The management reviews held in a year, with their inputs and outputs counted.
    /// 5.2(6): the management reviews held in the year, their inputs and outputs.
    async fn management_review(&mut self) -> Result<Vec<Block>> {
        let unit = self.unit("r-unit-items");
        let held = self
            .records(&r::MANAGEMENT_REVIEWS, "held_on", self.fy)
            .await?;
        let held_before = self
            .records(&r::MANAGEMENT_REVIEWS, "held_on", self.fy.previous())
            .await?;
        let (fy, any_now, any_before) = (self.fy, !held.is_empty(), !held_before.is_empty());
        // A year without a review shows 無し, not 0.
        let value = |y: FiscalYear, n: i64| {
            let held = if y == fy { any_now } else { any_before };
            if held {
                FigureValue::count(n)
            } else {
                FigureValue::None
            }
        };
        let inputs = self
            .queried(
                "management_review.inputs",
                |y| Query::dated(&r::REVIEW_INPUTS, "review.held_on", y, &[]),
                value,
                &unit,
            )
            .await?;
        let outputs = self
            .queried(
                "management_review.outputs",
                |y| Query::dated(&r::REVIEW_OUTPUTS, "review.held_on", y, &[]),
                value,
                &unit,
            )
            .await?;
        let when: Vec<String> = held
            .iter()
            .filter_map(|m| date_of(m, &r::MANAGEMENT_REVIEWS, "held_on"))
            .map(|d| self.date(d))
            .collect();
        let rows = vec![vec![
            Cell::header(if when.is_empty() {
                "―".to_string()
            } else {
                when.join("、")
            }),
            inputs,
            outputs,
            Cell::text(t(self.lang, "r-nothing")),
        ]];
        Ok(vec![
            Block::Paragraph {
                text: t(
                    self.lang,
                    if held.is_empty() {
                        "r-mr-none"
                    } else {
                        "r-mr-text"
                    },
                ),
            },
            Block::Table(Table {
                caption: self.caption("r-cap-mr"),
                head: ["r-h-held-on", "r-h-inputs", "r-h-outputs", "r-h-note"]
                    .iter()
                    .map(|k| t(self.lang, k))
                    .collect(),
                rows,
                widths: vec![2, 2, 2, 2],
                notes: vec![self.footnote()],
            }),
        ])
    }

    /// 5.2(7): the year's continuity drills.
    async fn drills(&mut self) -> Result<Vec<Block>> {
        self.counted(
            "continuity_drills.count",
            &r::DRILLS,
            "held_on",
            &[],
            true,
            &self.unit("r-unit-times"),
        )
        .await?;
        let drills = self.records(&r::DRILLS, "held_on", self.fy).await?;
        let scenarios = self.every(&r::CONTINUITY_SCENARIOS).await?;
        let s = &r::CONTINUITY_SCENARIOS;
        let mut rows = Vec::new();
        let mut previous = None;
        for d in &drills {
            let code = text(d, &r::DRILLS, "scenario");
            let sc = scenarios.iter().find(|x| text(x, s, "code") == code);
            let f = |name: &str| sc.map(|x| text(x, s, name)).unwrap_or_default();
            let minutes = text(d, &r::DRILLS, "actual_minutes");
            previous = previous.or(date_of(d, &r::DRILLS, "previous_on"));
            rows.push(vec![
                Cell {
                    href: Some(format!("/o/{}/drills/{}", self.org(), d.id)),
                    ..Cell::header(
                        date_of(d, &r::DRILLS, "held_on")
                            .map(|x| self.date(x))
                            .unwrap_or_default(),
                    )
                },
                Cell::text(ta(
                    self.lang,
                    "r-drill-event",
                    &[
                        ("what", f("event")),
                        ("from", f("likelihood")),
                        ("to", f("priority")),
                    ],
                )),
                Cell::text(ta(
                    self.lang,
                    "r-drill-hours",
                    &[("count", f("target_hours"))],
                )),
                Cell::text(ta(self.lang, "r-drill-minutes", &[("count", minutes)])),
                Cell::text(text(d, &r::DRILLS, "follow_up")),
            ]);
        }
        let none = rows.is_empty();
        if none {
            rows.push(dash_row(5));
        }
        let note = match previous {
            Some(p) => ta(self.lang, "r-drill-previous", &[("date", self.date(p))]),
            None => t(self.lang, "r-drill-previous-none"),
        };
        Ok(vec![
            Block::Paragraph {
                text: t(
                    self.lang,
                    if none {
                        "r-drills-none"
                    } else {
                        "r-drills-text"
                    },
                ),
            },
            Block::Table(Table {
                caption: self.caption("r-cap-drills"),
                head: [
                    "r-h-done-on",
                    "r-h-scenario",
                    "r-h-target-time",
                    "r-h-actual-time",
                    "r-h-feedback",
                ]
                .iter()
                .map(|k| t(self.lang, k))
                .collect(),
                rows,
                widths: vec![1, 2, 1, 1, 3],
                notes: vec![note],
            }),
        ])
    }

    /// 5.2(8): facilities surveyed in the year.
    async fn facilities(&mut self) -> Result<Vec<Block>> {
        self.counted(
            "facility_assessments.count",
            &r::FACILITY_ASSESSMENTS,
            "surveyed_on",
            &[],
            true,
            &self.unit("r-unit-items"),
        )
        .await?;
        let list = self
            .records(&r::FACILITY_ASSESSMENTS, "surveyed_on", self.fy)
            .await?;
        let scores = self.every(&r::FACILITY_SCORES).await?;
        let f = &r::FACILITY_ASSESSMENTS;
        let mut rows: Vec<Vec<Cell>> = list
            .iter()
            .map(|a| {
                let code = text(a, f, "code");
                let n = scores
                    .iter()
                    .filter(|x| text(x, &r::FACILITY_SCORES, "assessment") == code)
                    .count();
                vec![
                    Cell {
                        href: Some(format!("/o/{}/facility-assessments/{}", self.org(), a.id)),
                        ..Cell::header(format!(
                            "{}\n{}",
                            text(a, f, "building"),
                            text(a, f, "address")
                        ))
                    },
                    Cell::text(
                        date_of(a, f, "surveyed_on")
                            .map(|d| self.date(d))
                            .unwrap_or_default(),
                    ),
                    Cell::text(n.to_string()),
                    Cell::text(text(a, f, "average_score")),
                    Cell::text(t(
                        self.lang,
                        &format!("r-decision-{}", text(a, f, "decision")),
                    )),
                ]
            })
            .collect();
        let none = rows.is_empty();
        if none {
            rows.push(dash_row(5));
        }
        Ok(vec![
            Block::Paragraph {
                text: t(
                    self.lang,
                    if none {
                        "r-facilities-none"
                    } else {
                        "r-facilities-text"
                    },
                ),
            },
            Block::Table(Table {
                caption: self.caption("r-cap-facilities"),
                head: [
                    "r-h-building",
                    "r-h-surveyed",
                    "r-h-criteria",
                    "r-h-average",
                    "r-h-note",
                ]
                .iter()
                .map(|k| t(self.lang, k))
                .collect(),
                rows,
                widths: vec![3, 1, 1, 1, 1],
                notes: Vec::new(),
            }),
        ])
    }

    /// The departments of a per-department table: the configured ones, or those in force in the
    /// year. (code, name)
    async fn columns(&self, configured: &[String]) -> Result<Vec<(String, String)>> {
        let departments = self.every(&r::DEPARTMENTS).await?;
        let d = &r::DEPARTMENTS;
        let pair = |x: &Record| (text(x, d, "code"), text(x, d, "name"));
        if !configured.is_empty() {
            return Ok(configured
                .iter()
                .filter_map(|c| {
                    departments
                        .iter()
                        .find(|x| &text(x, d, "code") == c)
                        .map(pair)
                })
                .collect());
        }
        let (start, end) = (self.fy.start(), self.fy.last_day());
        Ok(departments
            .iter()
            .filter(|x| {
                date_of(x, d, "valid_from").is_none_or(|f| f <= end)
                    && date_of(x, d, "valid_to").is_none_or(|to| to >= start)
            })
            .map(pair)
            .collect())
    }

    /// 5.2(9): events and findings per department, and the human-error share over five years.
    async fn events(&mut self) -> Result<Vec<Block>> {
        let fy = self.fy;
        let previous = fy.previous();
        let columns = self.columns(&self.settings.columns.events.clone()).await?;
        let mut years = vec![fy];
        for _ in 0..4 {
            let last = *years.last().expect("one year");
            years.push(last.previous());
        }
        years.reverse();
        let unit = self.unit("r-unit-items");
        let mut rows = Vec::new();
        let codes: Vec<&str> = columns.iter().map(|(c, _)| c.as_str()).collect();
        for kind in ["incident", "near_miss"] {
            self.read_each(
                |y| Query::dated(&r::SECURITY_EVENTS, "occurred_on", y, &[("kind", kind)]),
                "department",
                &codes,
            )
            .await?;
            let mut row = vec![Cell::header(t(self.lang, &format!("r-event-{kind}")))];
            for (code, name) in &columns {
                let id = format!("events.{kind}.{name}");
                let filters = [("department", code.as_str()), ("kind", kind)];
                row.push(
                    self.counted(
                        &id,
                        &r::SECURITY_EVENTS,
                        "occurred_on",
                        &filters,
                        false,
                        &unit,
                    )
                    .await?,
                );
            }
            rows.push(row);
        }
        // Findings: first- and third-party audits cover the whole scope; a second-party audit
        // concerns the department it audited, and a department no second party has audited shows ―.
        // The parties whose audit was done in each year: a year without one shows 無し.
        let mut held = Vec::new();
        for y in [fy, previous] {
            for party in ["first", "second", "third"] {
                let done = [("party", party), ("status", "done")];
                if Query::dated(&r::AUDITS, "started_on", y, &done)?
                    .count(self.store, self.access)
                    .await?
                    > 0
                {
                    held.push((y.year, party));
                }
            }
        }
        let second_audited = self.second_party_departments().await?;
        let grades_nc = r::NONCONFORMITIES;
        let grades_obs: &[&str] = &["observation", "improvement"];
        for (key, party, grades) in [
            ("first_party.corrective", "first", grades_nc),
            ("second_party.corrective", "second", grades_nc),
            ("third_party.corrective", "third", grades_nc),
            ("third_party.observation", "third", grades_obs),
        ] {
            let grade = grades.join(",");
            self.read_each(
                |y| {
                    Query::dated(
                        &r::FINDINGS,
                        "audit.started_on",
                        y,
                        &[("audit.party", party), ("grade", grade.as_str())],
                    )
                },
                "department",
                &codes,
            )
            .await?;
            let mut row = vec![Cell::header(t(
                self.lang,
                &format!("r-finding-{}", key.replace('.', "-")),
            ))];
            for (code, name) in &columns {
                let applies = party != "second" || second_audited.contains(code);
                // A year without an audit of the party shows 無し, unless it has findings.
                let value = |y: FiscalYear, n: i64| {
                    if held.contains(&(y.year, party)) || n > 0 {
                        FigureValue::count(n)
                    } else {
                        FigureValue::None
                    }
                };
                let filters = [
                    ("audit.party", party),
                    ("department", code.as_str()),
                    ("grade", grade.as_str()),
                ];
                let id = format!("findings.{key}.{name}");
                let cell = if applies {
                    self.queried(
                        &id,
                        |y| Query::dated(&r::FINDINGS, "audit.started_on", y, &filters),
                        value,
                        &unit,
                    )
                    .await?
                } else {
                    let figure = Figure {
                        current: FigureValue::NotApplicable,
                        previous: FigureValue::NotApplicable,
                    };
                    self.put(&id, figure, Links::default(), &unit)
                };
                row.push(cell);
            }
            rows.push(row);
        }
        let mut head = vec![String::new()];
        head.extend(columns.iter().map(|(_, n)| n.clone()));
        let mut widths = vec![3];
        widths.extend(columns.iter().map(|_| 2));
        // The human-error share of all events, per year: this year's and the previous year's a
        // figure, the three before on the chart, each from the same two queries.
        let whole = |y: FiscalYear| Query::dated(&r::SECURITY_EVENTS, "occurred_on", y, &[]);
        let human = [("cause", "human_error")];
        let share_cell = self.share("human_error.share", whole, &human).await?;
        let mut points: Vec<(String, FigureValue)> = Vec::new();
        for y in &years {
            let v = match self.figures.get("human_error.share") {
                Some(f) if *y == fy => f.current,
                Some(f) if *y == previous => f.previous,
                _ => {
                    let w = whole(*y)?;
                    self.value(*y, self.share_in(&w, &w.and(&human)?).await?)
                }
            };
            points.push((self.label(*y), v));
        }
        let title = t(self.lang, "r-share-title");
        let data = points
            .iter()
            .map(|(l, v)| Fact {
                label: l.clone(),
                value: v.with_unit("%", self.lang),
            })
            .collect();
        let incidents = self
            .figures
            .iter()
            .filter(|(k, _)| k.starts_with("events.incident."))
            .any(|(_, f)| f.current.number().is_some_and(|n| n > 0.0));
        Ok(vec![
            Block::Paragraph {
                text: t(
                    self.lang,
                    if incidents {
                        "r-events-text"
                    } else {
                        "r-events-none"
                    },
                ),
            },
            Block::Table(Table {
                caption: self.caption("r-cap-events"),
                head,
                rows,
                widths,
                notes: vec![self.footnote()],
            }),
            Block::Paragraph {
                text: ta(
                    self.lang,
                    "r-share-text",
                    &[("value", share_cell.text.clone())],
                ),
            },
            Block::Chart {
                svg: crate::chart::share_svg(&points, &title, self.lang),
                title,
                data,
            },
        ])
    }

    /// Departments a second party has audited up to the end of the year.
    async fn second_party_departments(&self) -> Result<Vec<String>> {
        let q = ListQuery {
            filters: vec![("party".into(), "second".into())],
            ranges: vec![("started_on".into(), None, Some(self.fy.last_day()))],
            ..Default::default()
        };
        Ok(self
            .store
            .list_all(self.access, &r::AUDITS, &q)
            .await?
            .iter()
            .map(|a| text(a, &r::AUDITS, "department"))
            .collect())
    }

    /// 5.2(10): claims and complaints per department.
    async fn complaints(&mut self) -> Result<Vec<Block>> {
        let fy = self.fy;
        let columns = self
            .columns(&self.settings.columns.complaints.clone())
            .await?;
        let unit = self.unit("r-unit-items");
        let mut rows = Vec::new();
        let codes: Vec<&str> = columns.iter().map(|(c, _)| c.as_str()).collect();
        for kind in r::COMPLAINT_KINDS {
            self.read_each(
                |y| Query::dated(&r::COMPLAINTS, "received_on", y, &[("kind", kind)]),
                "department",
                &codes,
            )
            .await?;
            let mut row = vec![Cell::header(t(self.lang, &format!("r-complaint-{kind}")))];
            for (code, name) in &columns {
                let id = format!("complaints.{kind}.{name}");
                let filters = [("kind", *kind), ("department", code.as_str())];
                row.push(
                    self.counted(&id, &r::COMPLAINTS, "received_on", &filters, false, &unit)
                        .await?,
                );
            }
            rows.push(row);
        }
        let any = Query::dated(&r::COMPLAINTS, "received_on", fy, &[])?
            .count(self.store, self.access)
            .await?
            > 0;
        let mut head = vec![String::new()];
        head.extend(columns.iter().map(|(_, n)| n.clone()));
        let mut widths = vec![2];
        widths.extend(columns.iter().map(|_| 2));
        Ok(vec![
            Block::Paragraph {
                text: t(
                    self.lang,
                    if any {
                        "r-complaints-text"
                    } else {
                        "r-complaints-none"
                    },
                ),
            },
            Block::Table(Table {
                caption: self.caption("r-cap-complaints"),
                head,
                rows,
                widths,
                notes: vec![self.footnote()],
            }),
        ])
    }

    /// 5.2(11): second-party audits held in the year.
    async fn second_party(&mut self) -> Result<Vec<Block>> {
        self.counted(
            "second_party_audits.count",
            &r::AUDITS,
            "started_on",
            &[("party", "second"), ("status", "done")],
            true,
            &self.unit("r-unit-times"),
        )
        .await?;
        let a = &r::AUDITS;
        let audits: Vec<Record> = self
            .records(a, "started_on", self.fy)
            .await?
            .into_iter()
            .filter(|x| text(x, a, "party") == "second" && text(x, a, "status") == "done")
            .collect();
        let mut rows: Vec<Vec<Cell>> = audits
            .iter()
            .map(|x| {
                let when = date_of(x, a, "started_on")
                    .map(|d| self.date(d))
                    .unwrap_or_default();
                let time = match (text(x, a, "time_from"), text(x, a, "time_to")) {
                    (f, to) if !f.is_empty() && !to.is_empty() => format!("\n{f}～{to}"),
                    _ => String::new(),
                };
                let kind = if text(x, a, "unannounced") == "yes" {
                    "r-unannounced"
                } else {
                    "r-announced"
                };
                vec![
                    Cell {
                        href: Some(format!("/o/{}/audits/{}", self.org(), x.id)),
                        ..Cell::header(format!("{when}{time}"))
                    },
                    Cell::text(t(self.lang, kind)),
                    Cell::text(text(x, a, "auditing_body")),
                    Cell::text(ta(
                        self.lang,
                        "r-auditors",
                        &[("count", text(x, a, "auditors"))],
                    )),
                    Cell::text(text(x, a, "summary")),
                ]
            })
            .collect();
        let none = rows.is_empty();
        if none {
            rows.push(dash_row(5));
        }
        let previous = self.figures["second_party_audits.count"].previous;
        let note = match previous {
            FigureValue::Number(_) => ta(
                self.lang,
                "r-second-previous",
                &[(
                    "value",
                    previous.with_unit(&self.unit("r-unit-times"), self.lang),
                )],
            ),
            FigureValue::None => t(self.lang, "r-second-previous-none"),
            FigureValue::NotApplicable => ta(
                self.lang,
                "r-note-previous-result",
                &[
                    ("year", self.label(self.fy.previous())),
                    ("value", "―".into()),
                ],
            ),
        };
        Ok(vec![
            Block::Paragraph {
                text: t(
                    self.lang,
                    if none {
                        "r-second-none"
                    } else {
                        "r-second-text"
                    },
                ),
            },
            Block::Table(Table {
                caption: self.caption("r-cap-second"),
                head: [
                    "r-h-when",
                    "r-h-audit-kind",
                    "r-h-auditing-body",
                    "r-h-auditors",
                    "r-h-findings",
                ]
                .iter()
                .map(|k| t(self.lang, k))
                .collect(),
                rows,
                widths: vec![2, 1, 2, 1, 3],
                notes: vec![note],
            }),
        ])
    }

    /// 7: the ISMS certificate's particulars, and the year's certification audits with their
    /// findings by grade. The certification body (認証機関) and the accreditation body (認定機関) are
    /// two fields of the certificate, so they cannot be swapped; an audit is headed by its kind.
    async fn certification(&mut self) -> Result<Vec<Block>> {
        let certs: Vec<Record> = self
            .every(&r::CERTIFICATES)
            .await?
            .into_iter()
            .filter(|c| text(c, &r::CERTIFICATES, "management_system") == "isms")
            .collect();
        let c = &r::CERTIFICATES;
        let mut blocks = Vec::new();
        for cert in &certs {
            let since = date_of(cert, c, "first_registered_on");
            if let Some(d) = since {
                blocks.push(Block::Paragraph {
                    text: ta(self.lang, "r-certified-since", &[("date", self.date(d))]),
                });
            }
            let fact = |key: &str, value: String| Fact {
                label: t(self.lang, key),
                value,
            };
            blocks.push(Block::Facts {
                rows: vec![
                    fact("r-cert-scope", text(cert, c, "scope")),
                    fact("r-cert-standard", text(cert, c, "standard")),
                    fact("r-cert-number", text(cert, c, "registration_no")),
                    fact(
                        "r-cert-registered",
                        since.map(|d| self.date(d)).unwrap_or_default(),
                    ),
                    fact("r-cert-body", text(cert, c, "certification_body")),
                    fact("r-cert-accreditation", text(cert, c, "accreditation_body")),
                ],
            });
        }
        // The year's third-party audits, each with its findings counted by grade.
        let a = &r::AUDITS;
        let audits: Vec<Record> = self
            .records(a, "started_on", self.fy)
            .await?
            .into_iter()
            .filter(|x| text(x, a, "party") == "third" && text(x, a, "status") == "done")
            .collect();
        let held_before = Query::dated(
            a,
            "started_on",
            self.fy.previous(),
            &[("party", "third"), ("status", "done")],
        )?
        .count(self.store, self.access)
        .await?
            > 0;
        let (fy, held_now) = (self.fy, !audits.is_empty());
        let unit = self.unit("r-unit-items");
        let mut counts = Vec::new();
        for (key, grades) in [
            ("major", &["major"][..]),
            ("minor", &["minor"][..]),
            ("improvement", &["observation", "improvement"][..]),
        ] {
            // A year without a certification audit shows 無し.
            let v = |y: FiscalYear, n: i64| {
                let held = if y == fy { held_now } else { held_before };
                if held {
                    FigureValue::count(n)
                } else {
                    FigureValue::None
                }
            };
            let grade = grades.join(",");
            let filters = [("audit.party", "third"), ("grade", grade.as_str())];
            let cell = self
                .queried(
                    &format!("certification_audit.{key}"),
                    |y| Query::dated(&r::FINDINGS, "audit.started_on", y, &filters),
                    v,
                    &unit,
                )
                .await?;
            counts.push(cell);
        }
        for x in &audits {
            let from = date_of(x, a, "started_on");
            let to = date_of(x, a, "ended_on");
            let when = match (from, to) {
                (Some(f), Some(t)) if t != f => format!("{}～{}", self.date(f), self.date(t)),
                (Some(f), _) => self.date(f),
                _ => String::new(),
            };
            let kind = t(self.lang, &format!("r-audit-{}", text(x, a, "kind")));
            blocks.push(Block::Paragraph { text: kind.clone() });
            blocks.push(Block::Paragraph {
                text: ta(
                    self.lang,
                    "r-cert-audit",
                    &[
                        ("date", when),
                        ("body", text(x, a, "auditing_body")),
                        ("kind", kind),
                        ("major", counts[0].text.clone()),
                        ("minor", counts[1].text.clone()),
                        ("improvement", counts[2].text.clone()),
                    ],
                ),
            });
            let summary = text(x, a, "summary");
            if !summary.is_empty() {
                blocks.push(Block::Paragraph { text: summary });
            }
        }
        blocks.push(Block::Table(Table {
            caption: self.caption("r-cap-cert"),
            head: ["r-h-major", "r-h-minor", "r-h-improvement"]
                .iter()
                .map(|k| t(self.lang, k))
                .collect(),
            rows: vec![counts],
            widths: vec![1, 1, 1],
            notes: vec![self.footnote()],
        }));
        Ok(blocks)
    }
}
