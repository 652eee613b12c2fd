//! A register as a table of text cells: written to CSV (UTF-8 with BOM, so Japanese Excel opens it)
//! and XLSX, and read back from either. Import is all or nothing: every bad row is reported by row,
//! column and reason, and nothing is written. Reading holds to limits on the file, its inflated
//! parts, its rows and its cells, so a hostile file cannot exhaust memory; writing keeps a text cell
//! from being taken for a formula.

use std::borrow::Cow;
use std::io::{Cursor, Read};

use mamori_domain::register::{FieldKind, Register, Value};

use crate::layouts::{self, Layout};
use mamori_store::{Access, Input, Record, Store};
use rust_xlsxwriter::{Format, Workbook};
use serde::Serialize;
use time::{Date, Duration, Month};

use crate::IoError;

/// A table of text cells with its header row.
#[derive(Debug, Clone, Default)]
pub struct Sheet {
    pub headers: Vec<String>,
    pub rows: Vec<Vec<String>>,
}

/// One refused cell or row. `row` counts as a spreadsheet does: the header is row 1.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct ImportError {
    pub row: usize,
    pub column: String,
    pub code: &'static str,
    pub detail: Option<String>,
}

const MIB: usize = 1024 * 1024;
/// The uploaded file.
pub const MAX_IMPORT_BYTES: usize = 20 * MIB;
/// Rows under the header.
pub const MAX_IMPORT_ROWS: usize = 100_000;
/// Cells of a sheet as read: its rows times its columns, from the first filled to the last.
pub const MAX_IMPORT_CELLS: usize = 4_000_000;
/// One cell, in characters: Excel's own limit.
pub const MAX_CELL_CHARS: usize = 32_767;
/// The text of all cells together.
pub const MAX_IMPORT_TEXT: usize = 64 * MIB;
/// The worksheets' XML of an XLSX, inflated. The reader streams it, so it may be larger than what
/// is held; a 100,000-row export of the widest register is well under it (docs/benchmarks.md).
pub const MAX_SHEET_XML: usize = 256 * MIB;
/// The shared strings table of an XLSX, inflated: the reader holds it whole. A 100,000-row sheet
/// saved by Excel keeps its text there.
pub const MAX_STRINGS_XML: usize = 64 * MIB;
/// Every other part of an XLSX (workbook, styles, relationships, pictures), inflated.
pub const MAX_PARTS_XML: usize = 16 * MIB;
/// Elements in those other parts: a few thousand in a real workbook.
pub const MAX_PARTS_ELEMENTS: usize = 200_000;

/// The characters that make a spreadsheet read a cell as a formula (OWASP's list).
const FORMULA_START: [char; 6] = ['=', '+', '-', '@', '\t', '\r'];

/// A text cell as written to a file: one that a spreadsheet would read as a formula gets a
/// leading `'` (OWASP's advice against formula injection). A plain number (`-5`, `+3.5`) is a
/// value in every spreadsheet and is left as it is, so numbers and dates are never changed. A cell
/// that already begins with quotes before such a character gets one more, so that `unprotect`
/// gives back exactly what was written.
pub fn protect(cell: &str) -> Cow<'_, str> {
    if cell.trim_start_matches('\'').starts_with(FORMULA_START) && !is_plain_number(cell) {
        Cow::Owned(format!("'{cell}"))
    } else {
        Cow::Borrowed(cell)
    }
}

/// A cell as read from a file: the `'` that `protect` added (or that someone typed, as Excel
/// uses it) before a formula character is taken away; any other leading `'` is the cell's own.
pub fn unprotect(cell: String) -> String {
    if cell.starts_with('\'') && cell.trim_start_matches('\'').starts_with(FORMULA_START) {
        cell[1..].to_string()
    } else {
        cell
    }
}

fn is_plain_number(cell: &str) -> bool {
    let digits = cell.strip_prefix(['+', '-']).unwrap_or(cell);
    let (whole, fraction) = digits.split_once('.').unwrap_or((digits, "0"));
    !whole.is_empty()
        && !fraction.is_empty()
        && whole.bytes().all(|b| b.is_ascii_digit())
        && fraction.bytes().all(|b| b.is_ascii_digit())
}

impl Sheet {
    /// The records as cells, one column per declared field, headers as given (translated labels).
    pub fn from_records(headers: Vec<String>, records: &[Record]) -> Sheet {
        let rows = records
            .iter()
            .map(|r| r.values.iter().map(Value::to_plain).collect())
            .collect();
        Sheet { headers, rows }
    }

    pub fn to_csv(&self) -> Result<Vec<u8>, IoError> {
        let mut out = b"\xEF\xBB\xBF".to_vec();
        {
            let mut w = csv::Writer::from_writer(&mut out);
            w.write_record(&self.headers)
                .map_err(|e| IoError::Unreadable(e.to_string()))?;
            for row in &self.rows {
                w.write_record(row.iter().map(|c| protect(c).into_owned()))
                    .map_err(|e| IoError::Unreadable(e.to_string()))?;
            }
            w.flush().map_err(|e| IoError::Unreadable(e.to_string()))?;
        }
        Ok(out)
    }

    /// An XLSX workbook with one sheet; dates are real dates, other cells text.
    /// A template to fill in and import: the first sheet has the register's headers (frozen, with
    /// a dropdown list on each column that offers `lists`), the second (`example_name`) the same
    /// headers with `example`, a row filled as an example. Only the first sheet is read back.
    pub fn template_xlsx(
        headers: &[String],
        lists: &[Option<Vec<String>>],
        example: &[String],
        sheet_name: &str,
        example_name: &str,
    ) -> Result<Vec<u8>, IoError> {
        let x = |e: rust_xlsxwriter::XlsxError| IoError::Xlsx(e.to_string());
        let mut book = Workbook::new();
        let bold = Format::new().set_bold();
        let text = Format::new().set_num_format("@");
        let ws = book.add_worksheet();
        ws.set_name(sheet_name).map_err(x)?;
        for (c, h) in headers.iter().enumerate() {
            let c = c as u16;
            ws.write_string_with_format(0, c, h, &bold).map_err(x)?;
            ws.set_column_width(c, 18).map_err(x)?;
            // Codes keep their leading zeros (an employee number 0001).
            ws.set_column_format(c, &text).map_err(x)?;
            // Excel's inline list holds at most 255 characters; a longer list is not offered.
            if let Some(list) = lists.get(c as usize).and_then(Option::as_ref)
                && !list.is_empty()
                && list.iter().map(|l| l.chars().count() + 1).sum::<usize>() <= 255
            {
                let names: Vec<&str> = list.iter().map(String::as_str).collect();
                let dv = rust_xlsxwriter::DataValidation::new()
                    .allow_list_strings(&names)
                    .map_err(x)?;
                ws.add_data_validation(1, c, 10_000, c, &dv).map_err(x)?;
            }
        }
        ws.set_freeze_panes(1, 0).map_err(x)?;
        let ex = book.add_worksheet();
        ex.set_name(example_name).map_err(x)?;
        for (c, h) in headers.iter().enumerate() {
            ex.write_string_with_format(0, c as u16, h, &bold)
                .map_err(x)?;
            ex.set_column_width(c as u16, 18).map_err(x)?;
            if let Some(v) = example.get(c).filter(|v| !v.is_empty()) {
                ex.write_string(1, c as u16, v).map_err(x)?;
            }
        }
        book.save_to_buffer().map_err(x)
    }

    pub fn to_xlsx(&self, reg: &Register, sheet_name: &str) -> Result<Vec<u8>, IoError> {
        let x = |e: rust_xlsxwriter::XlsxError| IoError::Xlsx(e.to_string());
        let mut book = Workbook::new();
        // Rows go straight to a temporary file with inline strings: a 100,000-row export takes a
        // fraction of the time and memory of building the whole sheet first.
        let ws = book.add_worksheet_with_constant_memory().map_err(x)?;
        ws.set_name(sheet_name).map_err(x)?;
        let bold = Format::new().set_bold();
        let date = Format::new().set_num_format("yyyy-mm-dd");
        let text = Format::new().set_num_format("@");
        for (c, h) in self.headers.iter().enumerate() {
            ws.write_string_with_format(0, c as u16, h, &bold)
                .map_err(x)?;
            ws.set_column_width(c as u16, 16).map_err(x)?;
        }
        ws.set_freeze_panes(1, 0).map_err(x)?;
        for (r, row) in self.rows.iter().enumerate() {
            let r = r as u32 + 1;
            for (c, cell) in row.iter().enumerate() {
                if cell.is_empty() {
                    continue;
                }
                let is_date = reg.fields.get(c).is_some_and(|f| f.kind == FieldKind::Date);
                let is_int = reg
                    .fields
                    .get(c)
                    .is_some_and(|f| matches!(f.kind, FieldKind::Int { .. }));
                if let (true, Ok(n)) = (is_int, cell.parse::<i64>()) {
                    ws.write_number(r, c as u16, n as f64).map_err(x)?;
                    continue;
                }
                match (is_date, mamori_domain::dates::parse_date(cell)) {
                    (true, Some(d)) => {
                        let dt = rust_xlsxwriter::ExcelDateTime::from_ymd(
                            d.year() as u16,
                            d.month() as u8,
                            d.day(),
                        )
                        .map_err(x)?;
                        ws.write_datetime_with_format(r, c as u16, &dt, &date)
                            .map_err(x)?;
                    }
                    _ => {
                        ws.write_string_with_format(r, c as u16, protect(cell), &text)
                            .map_err(x)?;
                    }
                }
            }
        }
        book.save_to_buffer().map_err(x)
    }

    /// An XLSX workbook of text cells for a report that is not one register's records (the
    /// statement of applicability): a bold, frozen header row, wrapped cells and set widths.
    pub fn to_xlsx_report(&self, sheet_name: &str, widths: &[f64]) -> Result<Vec<u8>, IoError> {
        let x = |e: rust_xlsxwriter::XlsxError| IoError::Xlsx(e.to_string());
        let mut book = Workbook::new();
        let ws = book.add_worksheet();
        ws.set_name(sheet_name).map_err(x)?;
        let bold = Format::new().set_bold().set_text_wrap();
        let wrap = Format::new()
            .set_text_wrap()
            .set_num_format("@")
            .set_align(rust_xlsxwriter::FormatAlign::Top);
        for (c, h) in self.headers.iter().enumerate() {
            ws.write_string_with_format(0, c as u16, h, &bold)
                .map_err(x)?;
            ws.set_column_width(c as u16, widths.get(c).copied().unwrap_or(16.0))
                .map_err(x)?;
        }
        ws.set_freeze_panes(1, 0).map_err(x)?;
        ws.autofilter(
            0,
            0,
            self.rows.len() as u32,
            self.headers.len().saturating_sub(1) as u16,
        )
        .map_err(x)?;
        for (r, row) in self.rows.iter().enumerate() {
            for (c, cell) in row.iter().enumerate() {
                ws.write_string_with_format(r as u32 + 1, c as u16, protect(cell), &wrap)
                    .map_err(x)?;
            }
        }
        book.save_to_buffer().map_err(x)
    }

    /// Reads a CSV file in UTF-8 (with or without a byte order mark) or Shift_JIS (CP932, what
    /// Japanese Excel writes).
    pub fn from_csv(bytes: &[u8]) -> Result<Sheet, IoError> {
        check_size(bytes)?;
        let text = decode_csv(bytes)?;
        let mut r = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .from_reader(text.as_bytes());
        let mut records = r.records();
        let headers = match records.next() {
            Some(h) => h
                .map_err(|e| IoError::Unreadable(e.to_string()))?
                .iter()
                .map(str::to_string)
                .collect(),
            None => return Err(IoError::Unreadable("empty".into())),
        };
        let mut rows = Vec::new();
        for rec in records {
            let rec = rec.map_err(|e| IoError::Unreadable(e.to_string()))?;
            rows.push(rec.iter().map(|c| unprotect(c.to_string())).collect());
            if rows.len() > MAX_IMPORT_ROWS {
                return Err(too_many_rows());
            }
        }
        Ok(Sheet { headers, rows })
    }

    /// Reads the first worksheet of an XLSX file. The archive is checked before anything is
    /// inflated for the reader (`check_archive`), and cells are read one by one, so what is held
    /// stays within the limits above.
    pub fn from_xlsx(bytes: &[u8]) -> Result<Sheet, IoError> {
        use calamine::{Reader, Xlsx};
        let unreadable = |e: calamine::XlsxError| IoError::Unreadable(e.to_string());
        check_size(bytes)?;
        check_archive(bytes)?;
        let mut book: Xlsx<_> = Xlsx::new(Cursor::new(bytes)).map_err(unreadable)?;
        let first = book
            .sheet_names()
            .into_iter()
            .next()
            .ok_or_else(|| IoError::Unreadable("empty".into()))?;
        let mut reader = book.worksheet_cells_reader(&first).map_err(unreadable)?;
        let mut cells: Vec<(u32, u32, String)> = Vec::new();
        let (mut top, mut bottom, mut left, mut right) = (u32::MAX, 0, u32::MAX, 0);
        let mut text = 0;
        while let Some(cell) = reader.next_cell().map_err(unreadable)? {
            let Some(value) = cell_text(cell.get_value()) else {
                continue;
            };
            let (r, c) = cell.get_position();
            (top, bottom) = (top.min(r), bottom.max(r));
            (left, right) = (left.min(c), right.max(c));
            let height = (bottom - top) as usize + 1;
            let width = (right - left) as usize + 1;
            if height > MAX_IMPORT_ROWS + 1 {
                return Err(too_many_rows());
            }
            if height.saturating_mul(width) > MAX_IMPORT_CELLS || cells.len() >= MAX_IMPORT_CELLS {
                return Err(IoError::Limit {
                    code: "file-too-many-cells",
                    limit: MAX_IMPORT_CELLS as u64,
                });
            }
            if value.len() > MAX_CELL_CHARS && value.chars().count() > MAX_CELL_CHARS {
                return Err(IoError::Limit {
                    code: "file-cell-too-long",
                    limit: MAX_CELL_CHARS as u64,
                });
            }
            text += value.len();
            if text > MAX_IMPORT_TEXT {
                return Err(IoError::Limit {
                    code: "file-too-much-text",
                    limit: (MAX_IMPORT_TEXT / MIB) as u64,
                });
            }
            cells.push((r, c, value));
        }
        if cells.is_empty() {
            return Err(IoError::Unreadable("empty".into()));
        }
        let width = (right - left) as usize + 1;
        let mut rows = vec![vec![String::new(); width]; (bottom - top) as usize + 1];
        for (r, c, value) in cells {
            rows[(r - top) as usize][(c - left) as usize] = value;
        }
        let headers = rows.remove(0);
        Ok(Sheet { headers, rows })
    }

    /// Maps the header row to fields (by field code or by any label `alias` knows) and each row to
    /// an input. Fully empty rows are skipped.
    pub fn to_inputs(
        &self,
        reg: &Register,
        alias: &(dyn Fn(&str) -> Option<&'static str> + Sync),
    ) -> Result<Vec<Input>, Vec<ImportError>> {
        let (located, layout, _) = self.locate(reg);
        located.inputs(reg, alias, layout, &mamori_domain::OrgSettings::default())
    }

    /// Finds the header row. It is the first row, unless the file has the column layout of a tool
    /// the register also reads (`layouts::for_register`): then it is the row holding the layout's
    /// marker within the first ten rows (or the row above it, when the marker is under a group
    /// header), with a second header row under grouped headers merged in.
    /// Returns the table from its header on, the layout, and the spreadsheet row number of the
    /// first data row.
    pub fn locate(&self, reg: &Register) -> (Sheet, Option<&'static Layout>, usize) {
        let norm = |c: &String| mamori_domain::input::normalize(c);
        let all: Vec<&Vec<String>> = std::iter::once(&self.headers).chain(&self.rows).collect();
        for layout in layouts::for_register(reg) {
            let Some(at) = all
                .iter()
                .take(10)
                .position(|row| row.iter().any(|c| norm(c) == layout.marker))
            else {
                continue;
            };
            let is_header = |c: &String| {
                let c = norm(c);
                layout.columns.iter().any(|(h, _)| *h == c)
            };
            // A marker under a group header (リスク値 under 現状から想定されるリスク): the header
            // row is the one above, which names the layout's other columns.
            let at = if at > 0 && all[at - 1].iter().filter(|c| is_header(c)).count() >= 2 {
                at - 1
            } else {
                at
            };
            let mut headers = all[at].clone();
            let mut first = at + 1;
            if let Some(next) = all.get(at + 1)
                && next.iter().any(is_header)
            {
                for (i, sub) in next.iter().enumerate() {
                    if sub.trim().is_empty() {
                        continue;
                    }
                    match headers.get_mut(i) {
                        Some(h) => *h = sub.clone(),
                        None => headers.push(sub.clone()),
                    }
                }
                first += 1;
            }
            let rows = all[first..].iter().map(|r| (*r).clone()).collect();
            return (Sheet { headers, rows }, Some(layout), first + 1);
        }
        (self.clone(), None, 2)
    }

    fn inputs(
        &self,
        reg: &Register,
        alias: &(dyn Fn(&str) -> Option<&'static str> + Sync),
        layout: Option<&'static Layout>,
        settings: &mamori_domain::OrgSettings,
    ) -> Result<Vec<Input>, Vec<ImportError>> {
        let mut errors = Vec::new();
        let mut fields: Vec<Option<&'static str>> = Vec::new();
        for h in &self.headers {
            let h = mamori_domain::input::normalize(h);
            let from_layout = |h: &str| {
                layout.and_then(|l| l.columns.iter().find(|(c, _)| *c == h).map(|(_, f)| *f))
            };
            // The layout's own headers first: its 保存期限 is free text, not our date.
            let f = from_layout(&h)
                .or_else(|| reg.field(&h).map(|f| f.name))
                .or_else(|| alias(&h));
            if f.is_none() && layout.is_some_and(|l| l.ignored.contains(&h.as_str())) {
                fields.push(None);
                continue;
            }
            if f.is_none() && !h.is_empty() {
                errors.push(ImportError {
                    row: 1,
                    column: h.clone(),
                    code: "unknown-column",
                    detail: None,
                });
            }
            // A layout's sheet repeats a heading under a later group (the IPA sheet's 被害発生可能性
            // after its measures, 対策後): the first is read, the repeat left aside.
            if f.is_some() && fields.contains(&f) && layout.is_some() {
                fields.push(None);
                continue;
            }
            if f.is_some() && fields.contains(&f) {
                errors.push(ImportError {
                    row: 1,
                    column: h.clone(),
                    code: "duplicate-column",
                    detail: None,
                });
            }
            fields.push(f);
        }
        // A layout fills what it lacks (an asset's kind from its medium, and so on).
        let filled = |f: &str| layout.is_some() && !matches!(f, "name" | "department");
        for f in reg.fields.iter().filter(|f| reg.must_give(f)) {
            if !fields.contains(&Some(f.name)) && !filled(f.name) {
                errors.push(ImportError {
                    row: 1,
                    column: f.name.into(),
                    code: "missing-column",
                    detail: None,
                });
            }
        }
        if !errors.is_empty() {
            return Err(errors);
        }
        let mut inputs = Vec::new();
        for row in &self.rows {
            if row.iter().all(|c| c.trim().is_empty()) {
                continue;
            }
            let mut input = Input::new();
            for (cell, f) in row.iter().zip(&fields) {
                if let Some(f) = f {
                    input.insert(f.to_string(), cell.clone());
                }
            }
            if let Some(layout) = layout {
                (layout.fill)(&mut input, settings);
            }
            inputs.push(input);
        }
        if inputs.is_empty() {
            return Err(vec![ImportError {
                row: 2,
                column: String::new(),
                code: "no-rows",
                detail: None,
            }]);
        }
        Ok(inputs)
    }
}

fn check_size(bytes: &[u8]) -> Result<(), IoError> {
    if bytes.is_empty() {
        return Err(IoError::Unreadable("empty".into()));
    }
    if bytes.len() > MAX_IMPORT_BYTES {
        return Err(IoError::Limit {
            code: "file-too-large",
            limit: (MAX_IMPORT_BYTES / MIB) as u64,
        });
    }
    Ok(())
}

fn too_many_rows() -> IoError {
    IoError::Limit {
        code: "file-too-many-rows",
        limit: MAX_IMPORT_ROWS as u64,
    }
}

/// A cell's text as the import reads it, or `None` for a cell without a value.
fn cell_text(value: &calamine::DataRef<'_>) -> Option<String> {
    use calamine::DataRef;
    Some(match value {
        DataRef::Empty => return None,
        DataRef::String(s) => unprotect(s.clone()),
        DataRef::SharedString(s) => unprotect(s.to_string()),
        DataRef::Int(i) => i.to_string(),
        DataRef::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{}", *f as i64),
        DataRef::Float(f) => f.to_string(),
        DataRef::Bool(b) => b.to_string(),
        DataRef::DateTime(dt) => excel_serial_to_date(dt.as_f64())
            .map(mamori_domain::dates::iso)
            .unwrap_or_default(),
        DataRef::DateTimeIso(s) => s.chars().take(10).collect(),
        DataRef::DurationIso(s) => s.clone(),
        DataRef::Error(e) => format!("#{e:?}"),
    })
}

/// CSV text: UTF-8 when the file says so with a byte order mark or simply is UTF-8; otherwise
/// Shift_JIS as Windows writes it, refused when it is not that either. encoding_rs's Shift_JIS is
/// the web's, which is Windows' CP932: NEC and IBM extensions (①, Ⅲ, 髙, 﨑) and its mapping of
/// 0x8160 to ～ (U+FF5E), so a sheet saved as CP932 reads the same as the same sheet saved as UTF-8.
fn decode_csv(bytes: &[u8]) -> Result<Cow<'_, str>, IoError> {
    if let Some(rest) = bytes.strip_prefix(b"\xEF\xBB\xBF".as_slice()) {
        return std::str::from_utf8(rest)
            .map(Cow::Borrowed)
            .map_err(|_| IoError::Encoding);
    }
    if let Ok(text) = std::str::from_utf8(bytes) {
        return Ok(Cow::Borrowed(text));
    }
    match encoding_rs::SHIFT_JIS.decode_without_bom_handling(bytes) {
        (_, true) => Err(IoError::Encoding),
        (text, false) => Ok(text),
    }
}

/// The parts of an XLSX, each kind with its own budget: worksheets are streamed by the reader, the
/// shared strings table and the rest (workbook, styles, relationships) are held whole, and holding
/// costs more per element than the element's bytes, so those are counted in elements too.
#[derive(Clone, Copy, PartialEq)]
enum Part {
    Sheet,
    Strings,
    Other,
}

impl Part {
    fn of(name: &str) -> Part {
        let name = name.to_ascii_lowercase();
        if name.ends_with("sharedstrings.xml") {
            Part::Strings
        } else if name.contains("worksheets/") {
            Part::Sheet
        } else {
            Part::Other
        }
    }

    /// Inflated bytes, all parts of the kind together.
    fn bytes(self) -> usize {
        match self {
            Part::Sheet => MAX_SHEET_XML,
            Part::Strings => MAX_STRINGS_XML,
            Part::Other => MAX_PARTS_XML,
        }
    }

    /// Elements (opening `<`), all parts of the kind together.
    fn elements(self) -> usize {
        match self {
            Part::Sheet => usize::MAX,
            Part::Strings => MAX_IMPORT_CELLS,
            Part::Other => MAX_PARTS_ELEMENTS,
        }
    }

    fn too_large(self) -> IoError {
        IoError::Limit {
            code: match self {
                Part::Sheet => "file-sheet-too-large",
                Part::Strings => "file-strings-too-large",
                Part::Other => "file-parts-too-large",
            },
            limit: (self.bytes() / MIB) as u64,
        }
    }

    fn too_many_elements(self) -> IoError {
        match self {
            Part::Strings => IoError::Limit {
                code: "file-too-many-cells",
                limit: MAX_IMPORT_CELLS as u64,
            },
            _ => IoError::Limit {
                code: "file-too-many-elements",
                limit: MAX_PARTS_ELEMENTS as u64,
            },
        }
    }
}

/// Checks an XLSX archive before the reader inflates anything: first the sizes its central
/// directory declares, then, because a header may lie, what its parts really inflate to, read in
/// chunks through a reader that stops just past what is left of the budget. Nothing is kept but
/// counts, so a bomb costs a bounded amount of time and no memory.
fn check_archive(bytes: &[u8]) -> Result<(), IoError> {
    let unreadable = |e: zip::result::ZipError| IoError::Unreadable(e.to_string());
    let io = |e: std::io::Error| IoError::Unreadable(e.to_string());
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).map_err(unreadable)?;
    let mut declared = [0usize; 3];
    for i in 0..zip.len() {
        let entry = zip.by_index_raw(i).map_err(unreadable)?;
        let part = Part::of(&entry.name().map_err(unreadable)?);
        let total = &mut declared[part as usize];
        *total = total.saturating_add(usize::try_from(entry.size()).unwrap_or(usize::MAX));
        if *total > part.bytes() {
            return Err(part.too_large());
        }
    }
    let mut inflated = [0usize; 3];
    let mut elements = [0usize; 3];
    let mut chunk = vec![0u8; 64 * 1024];
    for i in 0..zip.len() {
        let mut entry = zip.by_index(i).map_err(unreadable)?;
        let name = entry.name().map_err(unreadable)?.into_owned();
        let part = Part::of(&name);
        // The package's relationships name the workbook; one kept among the worksheets would
        // be held whole on a worksheet's budget.
        let package = name.eq_ignore_ascii_case("_rels/.rels");
        let room = part.bytes() - inflated[part as usize];
        let mut bounded = (&mut entry).take(room as u64 + 1);
        let mut head = Vec::new();
        loop {
            let n = bounded.read(&mut chunk).map_err(io)?;
            if n == 0 {
                break;
            }
            inflated[part as usize] += n;
            if inflated[part as usize] > part.bytes() {
                return Err(part.too_large());
            }
            if part != Part::Sheet {
                elements[part as usize] += chunk[..n].iter().filter(|&&b| b == b'<').count();
                if elements[part as usize] > part.elements() {
                    return Err(part.too_many_elements());
                }
            }
            if (part == Part::Strings || package) && head.len() < HEAD {
                head.extend_from_slice(&chunk[..n.min(HEAD - head.len())]);
            }
        }
        if part == Part::Strings {
            check_shared_strings(&head)?;
        }
        if package
            && String::from_utf8_lossy(&head)
                .to_ascii_lowercase()
                .contains("worksheets")
        {
            return Err(IoError::Unreadable("workbook among the worksheets".into()));
        }
    }
    Ok(())
}

/// How much of the shared strings table and of the package's relationships is looked into: their
/// opening tags come in the first few hundred bytes of any real file.
const HEAD: usize = 64 * 1024;

/// The reader reserves room for as many strings as the table's `uniqueCount` says before reading
/// any: a count that no sheet within the limits needs is refused.
fn check_shared_strings(head: &[u8]) -> Result<(), IoError> {
    let text = String::from_utf8_lossy(head);
    let bad = || IoError::Unreadable("shared strings".into());
    let at = text
        .match_indices("sst")
        .map(|(i, _)| i)
        .find(|&i| {
            text[..i].ends_with(['<', ':'])
                && text[i + 3..].starts_with(|c: char| c.is_whitespace() || c == '>' || c == '/')
        })
        .ok_or_else(bad)?;
    let tag = &text[at..at + text[at..].find('>').ok_or_else(bad)?];
    let Some((_, rest)) = tag.split_once("uniqueCount") else {
        return Ok(());
    };
    let digits: String = rest
        .trim_start_matches(|c: char| c.is_whitespace() || c == '=' || c == '"' || c == '\'')
        .chars()
        .take_while(char::is_ascii_digit)
        .collect();
    match digits.parse::<usize>() {
        Err(_) if digits.is_empty() => Ok(()),
        Ok(n) if n <= MAX_IMPORT_CELLS => Ok(()),
        _ => Err(Part::Strings.too_many_elements()),
    }
}

fn excel_serial_to_date(serial: f64) -> Option<Date> {
    let base = Date::from_calendar_date(1899, Month::December, 30).ok()?;
    if !(1.0..2_958_466.0).contains(&serial) {
        return None;
    }
    base.checked_add(Duration::days(serial.floor() as i64))
}

/// Imports a sheet into a register: all rows or none.
pub async fn import(
    store: &Store,
    access: &Access,
    reg: &Register,
    sheet: &Sheet,
    alias: &(dyn Fn(&str) -> Option<&'static str> + Sync),
    progress: &(dyn Fn(u64, u64) + Sync),
) -> Result<usize, IoError> {
    let (sheet, layout, first_row) = sheet.locate(reg);
    let inputs = sheet
        .inputs(reg, alias, layout, &access.org.settings)
        .map_err(|errs| {
            // Header errors name the header row of the file.
            IoError::Rows(
                errs.into_iter()
                    .map(|e| ImportError {
                        row: if e.row == 1 { first_row - 1 } else { e.row },
                        ..e
                    })
                    .collect(),
            )
        })?;
    // Skipped blank rows shift numbering; keep the file's row numbers for messages.
    let file_rows: Vec<usize> = sheet
        .rows
        .iter()
        .enumerate()
        .filter(|(_, r)| !r.iter().all(|c| c.trim().is_empty()))
        .map(|(i, _)| i + first_row)
        .collect();
    store
        .create_many(access, reg, &inputs, progress)
        .await
        .map_err(|errs| {
            IoError::Rows(
                errs.into_iter()
                    .flat_map(|(row, fes)| {
                        let file_row = if row == 0 {
                            0
                        } else {
                            file_rows.get(row - 1).copied().unwrap_or(row + 1)
                        };
                        fes.into_iter().map(move |fe| ImportError {
                            row: file_row,
                            column: fe.field.clone(),
                            code: fe.code,
                            detail: fe.detail.clone(),
                        })
                    })
                    .collect(),
            )
        })
}
