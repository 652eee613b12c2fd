//! PDFs typeset with typst: label sheets with a QR code per label, the numbered key receipt, and
//! (later) the yearly report. The crate knows nothing of the store: callers pass plain data and the
//! texts already translated, and get PDF bytes back. Fonts are embedded (IPAexGothic), never read
//! from the machine.

pub mod chart;
pub mod document;
pub mod docx;
pub mod figures;
pub mod html;
pub mod model;
pub mod output;
pub mod text;

use mamori_domain::Lang;
use std::sync::LazyLock;

use serde::Serialize;
use typst::diag::{FileError, FileResult};
use typst::foundations::{Bytes, Datetime};
use typst::syntax::{FileId, RootedPath, Source, VirtualPath, VirtualRoot};
use typst::text::{Font, FontBook};
use typst::utils::LazyHash;
use typst::{Library, LibraryExt, World};
use typst_layout::PagedDocument;

#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    #[error("typesetting failed: {0}")]
    Typeset(String),
    #[error("DOCX writing failed: {0}")]
    Docx(String),
}

static FONT_DATA: &[u8] = include_bytes!("../../../assets/fonts/ipaexg.ttf");

struct Shared {
    library: LazyHash<Library>,
    book: LazyHash<FontBook>,
    fonts: Vec<Font>,
}

static SHARED: LazyLock<Shared> = LazyLock::new(|| {
    let fonts: Vec<Font> = Font::iter(Bytes::new(FONT_DATA)).collect();
    Shared {
        library: LazyHash::new(Library::default()),
        book: LazyHash::new(FontBook::from_fonts(&fonts)),
        fonts,
    }
});

fn file_id(path: &str) -> FileId {
    RootedPath::new(
        VirtualRoot::Project,
        VirtualPath::new(path).expect("a fixed virtual path"),
    )
    .intern()
}

/// One compilation: a template (a fixed file of this crate) and its data as `/data.json`.
struct Job {
    main: Source,
    data: Bytes,
    today: time::Date,
}

impl World for Job {
    fn library(&self) -> &LazyHash<Library> {
        &SHARED.library
    }
    fn book(&self) -> &LazyHash<FontBook> {
        &SHARED.book
    }
    fn main(&self) -> FileId {
        self.main.id()
    }
    fn source(&self, id: FileId) -> FileResult<Source> {
        if id == self.main.id() {
            Ok(self.main.clone())
        } else {
            Err(FileError::NotFound(id_path(id)))
        }
    }
    fn file(&self, id: FileId) -> FileResult<Bytes> {
        if id == file_id("/data.json") {
            Ok(self.data.clone())
        } else {
            Err(FileError::NotFound(id_path(id)))
        }
    }
    fn font(&self, index: usize) -> Option<Font> {
        SHARED.fonts.get(index).cloned()
    }
    fn today(&self, _offset: Option<typst::foundations::Duration>) -> Option<Datetime> {
        Datetime::from_ymd(
            self.today.year(),
            self.today.month() as u8,
            self.today.day(),
        )
    }
}

fn id_path(id: FileId) -> std::path::PathBuf {
    std::path::PathBuf::from(id.get().vpath().get_without_slash())
}

/// The templates, each compiled from a file of this crate.
#[derive(Debug, Clone, Copy)]
pub enum Template {
    Labels,
    KeyReceipt,
    Soa,
    Plan,
    Report,
}

impl Template {
    fn source(self) -> (&'static str, &'static str) {
        match self {
            Template::Labels => ("/labels.typ", include_str!("../templates/labels.typ")),
            Template::KeyReceipt => (
                "/key-receipt.typ",
                include_str!("../templates/key-receipt.typ"),
            ),
            Template::Soa => ("/soa.typ", include_str!("../templates/soa.typ")),
            Template::Plan => ("/plan.typ", include_str!("../templates/plan.typ")),
            Template::Report => ("/report.typ", include_str!("../templates/report.typ")),
        }
    }
}

/// Typesets `template` with `data` (read by the template as `json("/data.json")`) into PDF bytes.
pub fn render(
    template: Template,
    data: &impl Serialize,
    today: time::Date,
) -> Result<Vec<u8>, ReportError> {
    let (path, text) = template.source();
    let job = Job {
        main: Source::new(file_id(path), text.to_string()),
        data: Bytes::new(
            serde_json::to_vec(data).map_err(|e| ReportError::Typeset(e.to_string()))?,
        ),
        today,
    };
    let document: PagedDocument = typst::compile(&job)
        .output
        .map_err(|errors| ReportError::Typeset(messages(&errors)))?;
    let pdf = typst_pdf::pdf(&document, &typst_pdf::PdfOptions::default())
        .map_err(|errors| ReportError::Typeset(messages(&errors)))?;
    // Keep typst's memo cache from growing with every document a server renders.
    comemo::evict(4);
    Ok(pdf)
}

fn messages(errors: &[typst::diag::SourceDiagnostic]) -> String {
    errors
        .iter()
        .map(|e| e.message.to_string())
        .collect::<Vec<_>>()
        .join("; ")
}

/// A QR code as an SVG image, for a template to place with `image(bytes(..), format: "svg")`.
pub fn qr_svg(payload: &str) -> String {
    match qrcode::QrCode::with_error_correction_level(payload, qrcode::EcLevel::M) {
        Ok(code) => code
            .render::<qrcode::render::svg::Color>()
            .quiet_zone(true)
            .module_dimensions(1, 1)
            .build(),
        // Longer than a QR code holds: the label still prints, without a code.
        Err(_) => String::new(),
    }
}

/// One label of a sheet: the code in large type, a title, a few lines, and a QR code of `link`.
#[derive(Debug, Clone, Serialize)]
pub struct Label {
    pub code: String,
    pub title: String,
    pub lines: Vec<String>,
    pub link: String,
}

#[derive(Serialize)]
struct LabelSheet<'a> {
    title: &'a str,
    lang: Lang,
    labels: Vec<LabelData<'a>>,
}

#[derive(Serialize)]
struct LabelData<'a> {
    code: &'a str,
    title: &'a str,
    lines: &'a [String],
    qr: String,
}

/// A sheet of labels, A4, 3 across and 8 down (a common 24-label sheet), with a QR code each.
pub fn label_sheet(
    lang: Lang,
    title: &str,
    labels: &[Label],
    today: time::Date,
) -> Result<Vec<u8>, ReportError> {
    let data = LabelSheet {
        title,
        lang,
        labels: labels
            .iter()
            .map(|l| LabelData {
                code: &l.code,
                title: &l.title,
                lines: &l.lines,
                qr: qr_svg(&l.link),
            })
            .collect(),
    };
    render(Template::Labels, &data, today)
}

/// The key receipt (鍵預り証): every text already in the reader's language.
#[derive(Debug, Clone, Serialize)]
pub struct KeyReceipt {
    /// The reader's language (`ja` or `en`), for line breaking.
    pub lang: Lang,
    /// Heading, e.g. 鍵預り証.
    pub title: String,
    /// The receipt's number, printed at the top right.
    pub number: String,
    /// Date of issue, already formatted.
    pub issued: String,
    /// To whom: the customer, with an honorific if the language has one.
    pub addressee: String,
    /// The sentence stating that the keys are received and kept.
    pub statement: String,
    /// Label and value pairs: building, keys, count, storage, dates, custodian.
    pub rows: Vec<(String, String)>,
    /// The issuing organisation, and who signs.
    pub issuer: Vec<String>,
    /// The small print: how the keys are kept and inspected.
    pub notes: Vec<String>,
    /// Caption for the seal box (印).
    pub seal: String,
}

pub fn key_receipt(receipt: &KeyReceipt, today: time::Date) -> Result<Vec<u8>, ReportError> {
    render(Template::KeyReceipt, receipt, today)
}

/// The statement of applicability (適用宣言書) as a table: every text already in the reader's
/// language; each row has as many cells as `headers`.
#[derive(Debug, Clone, Serialize)]
pub struct Statement {
    pub lang: Lang,
    pub title: String,
    /// The organisation's name, in the page header.
    pub org: String,
    /// The date printed, already formatted.
    pub issued: String,
    /// A line under the title: counts of applicable and excluded controls.
    pub summary: String,
    pub headers: Vec<String>,
    pub rows: Vec<Vec<String>>,
}

pub fn statement_of_applicability(
    statement: &Statement,
    today: time::Date,
) -> Result<Vec<u8>, ReportError> {
    render(Template::Soa, statement, today)
}

/// The annual plan (年間計画表) as a table of a fiscal year's months: every text already in the
/// reader's language.
#[derive(Debug, Clone, Serialize)]
pub struct AnnualPlan {
    pub lang: Lang,
    pub title: String,
    pub org: String,
    pub issued: String,
    /// What a cell means (done of planned; late marked).
    pub legend: String,
    /// The duty's column, the twelve months, the year's total.
    pub headers: Vec<String>,
    pub rows: Vec<PlanLine>,
}

/// A duty's row of the annual plan.
#[derive(Debug, Clone, Serialize)]
pub struct PlanLine {
    pub title: String,
    pub owner: String,
    pub cells: Vec<PlanCell>,
    pub total: String,
}

/// A month of a duty: `done/planned`, empty when nothing falls due; late when the month is over
/// and not all was done.
#[derive(Debug, Clone, Serialize)]
pub struct PlanCell {
    pub text: String,
    pub late: bool,
    pub done: bool,
}

pub fn annual_plan(plan: &AnnualPlan, today: time::Date) -> Result<Vec<u8>, ReportError> {
    render(Template::Plan, plan, today)
}

/// The yearly information security report (情報セキュリティ報告書): a cover, the contents, then the
/// numbered sections. A chart whose SVG cannot be read is printed as its data table instead.
pub fn report_pdf(doc: &document::Document, today: time::Date) -> Result<Vec<u8>, ReportError> {
    let readable =
        |svg: &str| typst::visualize::SvgImage::new(Bytes::new(svg.as_bytes().to_vec())).is_ok();
    let mut doc = doc.clone();
    for block in doc.sections.iter_mut().flat_map(|s| s.blocks.iter_mut()) {
        if let document::Block::Chart { svg, .. } = block
            && !svg.is_empty()
            && !readable(svg)
        {
            svg.clear();
        }
    }
    render(Template::Report, &doc, today)
}
