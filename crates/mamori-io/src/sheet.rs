//! A register as a table of text cells: written to CSV (UTF-8 with BOM, so Japanese Excel opens it)
//! and XLSX, and read back from either. Import is all or nothing: every bad row is reported by row,
//! column and reason, and nothing is written.

use mamori_domain::register::{FieldKind, Layout, Register, Value};
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

pub const MAX_IMPORT_BYTES: usize = 20 * 1024 * 1024;
pub const MAX_IMPORT_ROWS: usize = 100_000;

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
                w.write_record(row)
                    .map_err(|e| IoError::Unreadable(e.to_string()))?;
            }
            w.flush().map_err(|e| IoError::Unreadable(e.to_string()))?;
        }
        Ok(out)
    }

    /// An XLSX workbook with one sheet; dates are real dates, other cells text.
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
                        ws.write_string_with_format(r, c as u16, cell, &text)
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
                ws.write_string_with_format(r as u32 + 1, c as u16, cell, &wrap)
                    .map_err(x)?;
            }
        }
        book.save_to_buffer().map_err(x)
    }

    pub fn from_csv(bytes: &[u8]) -> Result<Sheet, IoError> {
        check_size(bytes)?;
        let bytes = bytes
            .strip_prefix(b"\xEF\xBB\xBF".as_slice())
            .unwrap_or(bytes);
        let text =
            std::str::from_utf8(bytes).map_err(|_| IoError::Unreadable("not-utf8".into()))?;
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
            rows.push(rec.iter().map(str::to_string).collect());
            if rows.len() > MAX_IMPORT_ROWS {
                return Err(IoError::Unreadable("too-many-rows".into()));
            }
        }
        Ok(Sheet { headers, rows })
    }

    /// Reads the first worksheet of an XLSX file.
    pub fn from_xlsx(bytes: &[u8]) -> Result<Sheet, IoError> {
        use calamine::{Data, Reader, Xlsx};
        check_size(bytes)?;
        let mut book: Xlsx<_> = Xlsx::new(std::io::Cursor::new(bytes.to_vec()))
            .map_err(|e| IoError::Unreadable(e.to_string()))?;
        let range = book
            .worksheet_range_at(0)
            .ok_or_else(|| IoError::Unreadable("empty".into()))?
            .map_err(|e| IoError::Unreadable(e.to_string()))?;
        let mut rows = range.rows().map(|row| {
            row.iter()
                .map(|c| match c {
                    Data::Empty => String::new(),
                    Data::String(s) => s.clone(),
                    Data::Int(i) => i.to_string(),
                    Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => {
                        format!("{}", *f as i64)
                    }
                    Data::Float(f) => f.to_string(),
                    Data::Bool(b) => b.to_string(),
                    Data::DateTime(dt) => excel_serial_to_date(dt.as_f64())
                        .map(mamori_domain::dates::iso)
                        .unwrap_or_default(),
                    Data::DateTimeIso(s) => s.chars().take(10).collect(),
                    Data::DurationIso(s) => s.clone(),
                    Data::Error(e) => format!("#{e:?}"),
                })
                .collect::<Vec<String>>()
        });
        let headers = rows
            .next()
            .ok_or_else(|| IoError::Unreadable("empty".into()))?;
        let rows: Vec<Vec<String>> = rows.collect();
        if rows.len() > MAX_IMPORT_ROWS {
            return Err(IoError::Unreadable("too-many-rows".into()));
        }
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
        located.inputs(reg, alias, layout)
    }

    /// Finds the header row. It is the first row, unless the file has the column layout of a tool
    /// the register also reads (`Register::layouts`): then it is the row holding the layout's
    /// marker within the first ten rows, with a second header row under grouped headers merged in.
    /// Returns the table from its header on, the layout, and the spreadsheet row number of the
    /// first data row.
    pub fn locate(&self, reg: &Register) -> (Sheet, Option<&'static Layout>, usize) {
        let norm = |c: &String| mamori_domain::input::normalize(c);
        let all: Vec<&Vec<String>> = std::iter::once(&self.headers).chain(&self.rows).collect();
        for layout in reg.layouts {
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
                (layout.fill)(&mut input);
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
        return Err(IoError::Unreadable("too-large".into()));
    }
    Ok(())
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
    let inputs = sheet.inputs(reg, alias, layout).map_err(|errs| {
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
