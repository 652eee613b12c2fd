//! The report model: for an organisation and a fiscal year, every figure computed from the records
//! with the previous year's from the same query and the list of records behind each, the narratives
//! of the revision, and the document the renderings walk. Nothing here is typed in as a number.

use mamori_domain::Lang;
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

mod activities;
mod certification;
mod events;
mod governance;
mod training;

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
    pub lang: Lang,
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
    pub lang: Lang,
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
    lang: Lang,
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
    let style = if lang == Lang::En {
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
        issued: fy.calendar().containing(req.issued_on),
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
        let hide = crate::document::without_codes_of(&access.org.settings);
        for s in &mut sections {
            s.map_texts(&hide);
        }
    }
    let (revision, status) = req
        .revision
        .map(|r| (r.revision, r.status))
        .unwrap_or((0, mamori_store::reports::ReportStatus::Draft));
    let document = Document {
        lang,
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
        fiscal_year: fy.year(),
        previous_year: fy.previous().year(),
        period: [iso(fy.start()), iso(fy.last_day())],
        issued_on: iso(req.issued_on),
        revision,
        status,
        lang,
        figures: b.figures,
        drill_down: b.links,
        narratives,
        items: enabled.iter().map(|i| i.id.to_string()).collect(),
        document,
        audit_head: None,
    })
}

fn org_name(access: &Access, lang: Lang) -> String {
    match (&access.org.name_en, lang) {
        (Some(en), Lang::En) if !en.is_empty() => en.clone(),
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
            |y: FiscalYear| relative_year(self.lang, y.year(), self.issued.year(), &self.label(y));
        let next = self.fy.next();
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
}
