//! The yearly report as a DOCX file, for final editing in Word. It walks the same
//! [`Document`] as the HTML and PDF renderings: a cover, the contents (a TOC field Word fills in),
//! then every section under Word's built-in heading styles (`Heading1`–`Heading3`, so the
//! navigation pane and a regenerated contents work), with tables, the chart's values as a table
//! and the organisation chart drawn as boxes.
//!
//! Fonts are named, not embedded: 游明朝 / Century for the body and 游ゴシック / Arial for headings,
//! the fonts Word on a Japanese machine has. Links to the records behind a figure are left out:
//! the file is for editing, the HTML report keeps the drill-down.

use docx_rs::{
    AlignmentType, BreakType, Docx, FieldCharType, Footer, HeightRule, InstrPAGEREF, InstrText,
    InstrToC, LineSpacing, PageMargin, PageNum, Paragraph, Run, RunFonts, Shading, ShdType,
    SpecialIndentType, Style, StyleType, Tab, TabLeaderType, TabValueType, Table, TableBorder,
    TableBorderPosition, TableBorders, TableCell, TableCellBorder, TableCellBorderPosition,
    TableCellBorders, TableCellMargins, TableLayoutType, TableRow, WidthType,
};
use mamori_domain::Lang;

use crate::ReportError;
use crate::document::{Block, Cell, Document, Fact, Node, Section};

/// A4 in twips, with 25 mm margins left and right (a text width of 9072 twips).
const PAGE_WIDTH: u32 = 11906;
const PAGE_HEIGHT: u32 = 16838;
/// The text width between the margins.
const TEXT_WIDTH: usize = 9072;
/// The width a table spreads its columns over.
const TABLE_WIDTH: usize = 9000;
/// One Japanese character at the body size (10.5 pt) in twips: the unit of indents.
const CHAR: i32 = 210;

const BODY_SIZE: usize = 21; // half-points: 10.5 pt
const TABLE_SIZE: usize = 19; // 9.5 pt
const NOTE_SIZE: usize = 17; // 8.5 pt

const BORDER_COLOR: &str = "6E6E6E";
const HEAD_FILL: &str = "DEDEDE";
const ROW_HEAD_FILL: &str = "F3F3F3";
const ACCENT: &str = "1A5FB4";
/// The organisation chart's frames and lines.
const BOX_LINE: &str = "464646";

fn body_fonts() -> RunFonts {
    RunFonts::new()
        .ascii("Century")
        .hi_ansi("Century")
        .east_asia("游明朝")
        .cs("Times New Roman")
}

fn heading_fonts() -> RunFonts {
    RunFonts::new()
        .ascii("Arial")
        .hi_ansi("Arial")
        .east_asia("游ゴシック")
        .cs("Arial")
}

/// The report as DOCX bytes.
pub fn report_docx(doc: &Document) -> Result<Vec<u8>, ReportError> {
    let ja = doc.lang != Lang::En;
    let mut docx = Docx::new()
        .page_size(PAGE_WIDTH, PAGE_HEIGHT)
        .page_margin(PageMargin {
            top: 1701,
            left: 1417,
            bottom: 1417,
            right: 1417,
            header: 851,
            footer: 851,
            gutter: 0,
        })
        .default_fonts(body_fonts())
        .default_size(BODY_SIZE)
        .default_line_spacing(LineSpacing::new().after(0))
        .title_pg()
        .first_footer(Footer::new())
        .footer(
            Footer::new().add_paragraph(
                Paragraph::new()
                    .align(AlignmentType::Center)
                    .add_page_num(PageNum::new()),
            ),
        );
    for style in styles() {
        docx = docx.add_style(style);
    }

    docx = cover(docx, doc);
    docx = contents(docx, doc);
    for (i, section) in doc.sections.iter().enumerate() {
        docx = self::section(docx, i, section, ja);
    }

    let mut xml = docx.build();
    // docx-rs writes neither the document's language nor a repeating header row: both are added
    // to the generated parts, at places the generator writes exactly once.
    xml.styles = with_language(&xml.styles, ja)?;
    xml.document = with_header_rows(&xml.document)?;
    xml.settings = with_units_kept(&xml.settings)?;
    let mut out = std::io::Cursor::new(Vec::new());
    xml.pack(&mut out)
        .map_err(|e| ReportError::Docx(e.to_string()))?;
    Ok(out.into_inner())
}

/// Normal, the three heading levels and the caption, under Word's own names and ids.
fn styles() -> Vec<Style> {
    let heading = |level: usize, size: usize, before: u32, after: u32| {
        Style::new(format!("Heading{level}"), StyleType::Paragraph)
            .name(format!("heading {level}"))
            .based_on("Normal")
            .next("Normal")
            .q_format(true)
            .ui_priority(9)
            .fonts(heading_fonts())
            .size(size)
            .bold()
            .color(if level == 1 { ACCENT } else { "000000" })
            .outline_lvl(level - 1)
            .line_spacing(LineSpacing::new().before(before).after(after))
    };
    vec![
        Style::new("Normal", StyleType::Paragraph)
            .name("Normal")
            .q_format(true)
            .fonts(body_fonts())
            .size(BODY_SIZE)
            .align(AlignmentType::Both),
        heading(1, 32, 480, 240),
        heading(2, 26, 360, 120),
        heading(3, 22, 240, 120),
        Style::new("Title", StyleType::Paragraph)
            .name("Title")
            .based_on("Normal")
            .next("Normal")
            .q_format(true)
            .ui_priority(10)
            .fonts(heading_fonts())
            .size(60)
            .bold()
            .align(AlignmentType::Center),
        Style::new("Caption", StyleType::Paragraph)
            .name("caption")
            .based_on("Normal")
            .next("Normal")
            .q_format(true)
            .ui_priority(35)
            .bold()
            .size(BODY_SIZE)
            .align(AlignmentType::Center)
            .line_spacing(LineSpacing::new().before(240).after(120)),
        Style::new("TOC1", StyleType::Paragraph)
            .name("toc 1")
            .based_on("Normal")
            .next("Normal")
            .ui_priority(39)
            .unhide_when_used()
            .line_spacing(LineSpacing::new().before(120).after(40)),
        Style::new("TOC2", StyleType::Paragraph)
            .name("toc 2")
            .based_on("Normal")
            .next("Normal")
            .ui_priority(39)
            .unhide_when_used()
            .indent(Some(CHAR * 2), None, None, None)
            .line_spacing(LineSpacing::new().after(40)),
        Style::new("TOCHeading", StyleType::Paragraph)
            .name("TOC Heading")
            .based_on("Normal")
            .next("Normal")
            .q_format(true)
            .fonts(heading_fonts())
            .size(36)
            .bold()
            .color(ACCENT)
            .line_spacing(LineSpacing::new().after(360)),
    ]
}

fn page_break() -> Paragraph {
    Paragraph::new().add_run(Run::new().add_break(BreakType::Page))
}

fn blank(before: u32) -> Paragraph {
    Paragraph::new().line_spacing(LineSpacing::new().before(before))
}

/// A paragraph of `text`, its line breaks kept as breaks, each run made by `run`.
fn lines(text: &str, run: impl Fn(Run) -> Run) -> Paragraph {
    add_lines(Paragraph::new(), text, run)
}

/// `text` added to `p`, its line breaks kept as breaks, each run made by `run`.
fn add_lines(mut p: Paragraph, text: &str, run: impl Fn(Run) -> Run) -> Paragraph {
    for (i, line) in text.replace('\r', "").split('\n').enumerate() {
        let mut r = Run::new();
        if i > 0 {
            r = r.add_break(BreakType::TextWrapping);
        }
        p = p.add_run(run(r.add_text(line)));
    }
    p
}

fn plain(r: Run) -> Run {
    r
}

fn cover(mut docx: Docx, doc: &Document) -> Docx {
    let centred = |text: &str, size: usize, bold: bool| {
        lines(text, |r| {
            let r = r.size(size);
            if bold { r.bold() } else { r }
        })
        .align(AlignmentType::Center)
    };
    if !doc.status.is_empty() {
        docx = docx.add_paragraph(
            lines(&doc.status, |r| r.bold().size(32).color("C01C28")).align(AlignmentType::Right),
        );
    }
    docx = docx
        .add_paragraph(blank(3600))
        .add_paragraph(centred(&doc.year_label, 32, false))
        .add_paragraph(blank(240))
        .add_paragraph(
            lines(&doc.title, plain)
                .style("Title")
                .line_spacing(LineSpacing::new().after(240)),
        )
        .add_paragraph(blank(3600))
        .add_paragraph(centred(&doc.organisation, 36, true))
        .add_paragraph(blank(480));
    for line in [&doc.period, &doc.issued, &doc.edition] {
        if !line.is_empty() {
            docx = docx.add_paragraph(
                centred(line, 22, false).line_spacing(LineSpacing::new().after(120)),
            );
        }
    }
    docx.add_paragraph(page_break())
}

/// The sections listed in the contents: chapters and sections (levels 1 and 2), not the items.
fn in_contents(section: &Section) -> bool {
    section.level <= 2
}

/// The bookmark of the `i`th section's heading, which its contents entry points at.
fn bookmark(i: usize) -> String {
    format!("_Toc{:08}", i + 1)
}

fn heading_text(section: &Section) -> String {
    if section.number.is_empty() {
        section.title.clone()
    } else {
        format!("{} {}", section.number, section.title)
    }
}

fn field(kind: FieldCharType, dirty: bool) -> Run {
    Run::new().add_field_char(kind, dirty)
}

/// The contents: a TOC field over the chapters and sections, already holding their titles, each
/// with a PAGEREF to its heading's bookmark. The field is marked dirty, so Word offers to update it
/// (and fills in the page numbers) when the file is opened.
fn contents(docx: Docx, doc: &Document) -> Docx {
    if doc.sections.is_empty() {
        return docx;
    }
    let title = if doc.contents.is_empty() {
        "Contents"
    } else {
        &doc.contents
    };
    let mut docx = docx.add_paragraph(lines(title, plain).style("TOCHeading"));
    let begin = |p: Paragraph| {
        p.add_run(field(FieldCharType::Begin, true))
            .add_run(Run::new().add_instr_text(InstrText::TOC(
                InstrToC::new().heading_styles_range(1, 2).hyperlink(),
            )))
            .add_run(field(FieldCharType::Separate, false))
    };
    let entries: Vec<(usize, &Section)> = doc
        .sections
        .iter()
        .enumerate()
        .filter(|(_, s)| in_contents(s))
        .collect();
    if entries.is_empty() {
        return docx
            .add_paragraph(begin(Paragraph::new()).add_run(field(FieldCharType::End, false)))
            .add_paragraph(page_break());
    }
    let last = entries.len() - 1;
    for (k, (i, section)) in entries.into_iter().enumerate() {
        let mut p = Paragraph::new()
            .style(&format!("TOC{}", section.level.max(1)))
            .add_tab(
                Tab::new()
                    .val(TabValueType::Right)
                    .leader(TabLeaderType::Dot)
                    .pos(TEXT_WIDTH),
            );
        if k == 0 {
            p = begin(p);
        }
        p = p
            .add_run(Run::new().add_text(heading_text(section).replace(['\r', '\n'], " ")))
            .add_run(Run::new().add_tab())
            .add_run(field(FieldCharType::Begin, false))
            .add_run(Run::new().add_instr_text(InstrText::PAGEREF(
                InstrPAGEREF::new(bookmark(i)).hyperlink(),
            )))
            .add_run(field(FieldCharType::Separate, false))
            .add_run(field(FieldCharType::End, false));
        if k == last {
            p = p.add_run(field(FieldCharType::End, false));
        }
        docx = docx.add_paragraph(p);
    }
    docx.add_paragraph(page_break())
}

fn section(mut docx: Docx, i: usize, section: &Section, ja: bool) -> Docx {
    let level = section.level.clamp(1, 3);
    let mut heading = Paragraph::new()
        .style(&format!("Heading{level}"))
        .keep_next(true);
    if in_contents(section) {
        heading = heading.add_bookmark_start(i + 1, bookmark(i));
    }
    heading = add_lines(heading, &heading_text(section), plain);
    if in_contents(section) {
        heading = heading.add_bookmark_end(i + 1);
    }
    docx = docx.add_paragraph(heading);
    for block in &section.blocks {
        docx = match block {
            Block::Paragraph { text } => paragraph(docx, text),
            Block::Items { items } => items_list(docx, items, ja),
            Block::Facts { rows } => docx.add_table(facts(rows)),
            Block::Table(t) => figure_table(docx, t),
            Block::Chart { title, data, .. } => chart(docx, title, data),
            Block::Tree { root } => tree(docx, root, ja),
        };
    }
    docx
}

/// One paragraph per line, indented by one character on the first line, blank lines dropped.
fn paragraph(mut docx: Docx, text: &str) -> Docx {
    for line in text.replace('\r', "").split('\n') {
        if !line.trim().is_empty() {
            docx = docx.add_paragraph(
                Paragraph::new()
                    .add_run(Run::new().add_text(line))
                    .indent(None, Some(SpecialIndentType::FirstLine(CHAR)), None, None)
                    .line_spacing(LineSpacing::new().after(60).line(300)),
            );
        }
    }
    docx
}

fn items_list(mut docx: Docx, items: &[String], ja: bool) -> Docx {
    let marker = if ja { "・" } else { "• " };
    for item in items {
        docx = docx.add_paragraph(
            lines(&format!("{marker}{item}"), plain)
                .indent(
                    Some(CHAR * 2),
                    Some(SpecialIndentType::Hanging(CHAR)),
                    None,
                    None,
                )
                .line_spacing(LineSpacing::new().after(60).line(300)),
        );
    }
    docx
}

/// Label–value lines as a borderless two-column table, the labels bold.
fn facts(rows: &[Fact]) -> Table {
    let widths = [3000, TABLE_WIDTH - 3420];
    Table::without_borders(
        rows.iter()
            .map(|f| {
                TableRow::new(vec![
                    TableCell::new()
                        .width(widths[0], WidthType::Dxa)
                        .add_paragraph(lines(&f.label, |r| r.bold())),
                    TableCell::new()
                        .width(widths[1], WidthType::Dxa)
                        .add_paragraph(lines(&f.value, plain)),
                ])
            })
            .collect(),
    )
    .set_grid(widths.to_vec())
    .width(TABLE_WIDTH - 420, WidthType::Dxa)
    .layout(TableLayoutType::Fixed)
    .indent(CHAR * 2)
}

fn borders() -> TableBorders {
    let mut b = TableBorders::new();
    for position in [
        TableBorderPosition::Top,
        TableBorderPosition::Left,
        TableBorderPosition::Bottom,
        TableBorderPosition::Right,
        TableBorderPosition::InsideH,
        TableBorderPosition::InsideV,
    ] {
        b = b.set(TableBorder::new(position).size(4).color(BORDER_COLOR));
    }
    b
}

fn cell_margins() -> TableCellMargins {
    TableCellMargins::new().margin(50, 100, 50, 100)
}

/// Column widths in twips, in proportion to `relative`, or equal when they do not fit the table.
fn column_widths(relative: &[u16], n: usize) -> Vec<usize> {
    let n = n.max(1);
    let sum: usize = relative.iter().map(|w| *w as usize).sum();
    if relative.len() == n && relative.iter().all(|w| *w > 0) {
        relative
            .iter()
            .map(|w| *w as usize * TABLE_WIDTH / sum)
            .collect()
    } else {
        vec![TABLE_WIDTH / n; n]
    }
}

fn caption(text: &str) -> Paragraph {
    lines(text, plain).style("Caption").keep_next(true)
}

fn notes(mut docx: Docx, notes: &[String]) -> Docx {
    for (i, note) in notes.iter().enumerate() {
        docx = docx.add_paragraph(
            lines(note, |r| r.size(NOTE_SIZE))
                .align(AlignmentType::Left)
                .line_spacing(LineSpacing::new().before(if i == 0 { 80 } else { 0 })),
        );
    }
    docx
}

fn cell(text: &str, width: usize, run: impl Fn(Run) -> Run, align: AlignmentType) -> TableCell {
    TableCell::new()
        .width(width, WidthType::Dxa)
        .vertical_align(docx_rs::VAlignType::Center)
        .add_paragraph(lines(text, |r| run(r.size(TABLE_SIZE))).align(align))
}

fn shaded(c: TableCell, fill: &str) -> TableCell {
    c.shading(
        Shading::new()
            .shd_type(ShdType::Clear)
            .color("auto")
            .fill(fill),
    )
}

fn figure_table(mut docx: Docx, t: &crate::document::Table) -> Docx {
    let n = t
        .rows
        .iter()
        .map(Vec::len)
        .chain([t.head.len(), 1])
        .max()
        .unwrap_or(1);
    let widths = column_widths(&t.widths, n);
    let mut rows = Vec::with_capacity(t.rows.len() + 1);
    if t.head.iter().any(|h| !h.is_empty()) {
        let cells = (0..n)
            .map(|i| {
                let text = t.head.get(i).map(String::as_str).unwrap_or("");
                shaded(
                    cell(text, widths[i], |r| r.bold(), AlignmentType::Center),
                    HEAD_FILL,
                )
            })
            .collect();
        // The header row is told by its `cantSplit`: `with_header_rows` marks it as repeating.
        rows.push(TableRow::new(cells).cant_split());
    }
    let empty = Cell::default();
    for row in &t.rows {
        let cells = (0..n)
            .map(|i| {
                let c = row.get(i).unwrap_or(&empty);
                if c.header {
                    shaded(
                        cell(&c.text, widths[i], |r| r.bold(), AlignmentType::Left),
                        ROW_HEAD_FILL,
                    )
                } else {
                    // Figures right-aligned so numbers line up; short values centred; text from
                    // the left, as in the PDF.
                    let align = if c.figure.is_some() {
                        AlignmentType::Right
                    } else if Cell::is_short(&c.text) {
                        AlignmentType::Center
                    } else {
                        AlignmentType::Left
                    };
                    cell(&c.text, widths[i], plain, align)
                }
            })
            .collect();
        rows.push(TableRow::new(cells));
    }
    if !t.caption.is_empty() {
        docx = docx.add_paragraph(caption(&t.caption));
    }
    docx = docx.add_table(
        Table::new(rows)
            .set_grid(widths)
            .width(TABLE_WIDTH, WidthType::Dxa)
            .layout(TableLayoutType::Fixed)
            .margins(cell_margins())
            .set_borders(borders()),
    );
    notes(docx, &t.notes).add_paragraph(blank(0))
}

/// A chart cannot be drawn in the DOCX: its title and the values it shows, as a small table.
fn chart(mut docx: Docx, title: &str, data: &[Fact]) -> Docx {
    if !title.is_empty() {
        docx = docx.add_paragraph(caption(title));
    }
    if data.is_empty() {
        return docx;
    }
    let widths = vec![3000, 1800];
    let rows = data
        .iter()
        .map(|f| {
            TableRow::new(vec![
                cell(&f.label, widths[0], plain, AlignmentType::Left),
                cell(&f.value, widths[1], plain, AlignmentType::Center),
            ])
        })
        .collect();
    docx.add_table(
        Table::new(rows)
            .set_grid(widths.clone())
            .width(widths.iter().sum(), WidthType::Dxa)
            .layout(TableLayoutType::Fixed)
            .align(docx_rs::TableAlignmentType::Center)
            .margins(cell_margins())
            .set_borders(borders()),
    )
    .add_paragraph(blank(0))
}

/// The organisation chart drawn as boxes, as the app and the PDF draw it: each unit a framed,
/// shaded box with its name in bold and its note below; its units under it, one step in, joined
/// to a line down the left by a line to the top of each box.
fn tree(docx: Docx, root: &Node, ja: bool) -> Docx {
    docx.add_table(subtree(root, TABLE_WIDTH, ja))
        .add_paragraph(blank(0))
}

/// How far in from its unit's box the line down to the units under it runs.
const INDENT: usize = 240;
/// The width of the tick from that line across to a box.
const STEP: usize = 240;
/// How far down a box its tick meets it: the middle of its first line.
const TICK: f32 = 190.0;
/// The widest a box is drawn.
const BOX_WIDTH: usize = 3800;

/// A unit and the units under it, as a borderless table of `width`: the box, then a row per
/// unit under it, a step in: the line and its tick, then that unit's own subtree.
fn subtree(node: &Node, width: usize, ja: bool) -> Table {
    let inner = width.saturating_sub(INDENT + STEP).max(STEP);
    let mut rows = vec![TableRow::new(vec![
        TableCell::new()
            .width(width, WidthType::Dxa)
            .grid_span(3)
            .add_table(org_box(node, width.min(BOX_WIDTH), ja))
            .add_paragraph(tight()),
    ])];
    let last = node.children.len().saturating_sub(1);
    for (i, child) in node.children.iter().enumerate() {
        rows.push(TableRow::new(vec![
            TableCell::new()
                .width(INDENT, WidthType::Dxa)
                .add_paragraph(tight()),
            joint(i == last),
            TableCell::new()
                .width(inner, WidthType::Dxa)
                .add_table(subtree(child, inner, ja))
                .add_paragraph(tight()),
        ]));
    }
    Table::without_borders(rows)
        .set_grid(vec![INDENT, STEP, inner])
        .width(width, WidthType::Dxa)
        .layout(TableLayoutType::Fixed)
        .margins(TableCellMargins::new().margin(0, 0, 0, 0))
}

/// The line's column beside a unit: the line down (on to the next unit, so not beside the last)
/// and the tick across to the middle of the unit's box, drawn by cell borders (└ and ├).
fn joint(last: bool) -> TableCell {
    let line = |position| TableCellBorder::new(position).size(4).color(BOX_LINE);
    let mut tick = TableCellBorders::with_empty().set(line(TableCellBorderPosition::Bottom));
    if last {
        tick = tick.set(line(TableCellBorderPosition::Left));
    }
    let across = Table::without_borders(vec![
        TableRow::new(vec![
            TableCell::new()
                .width(STEP, WidthType::Dxa)
                .set_borders(tick)
                .add_paragraph(tight()),
        ])
        .row_height(TICK)
        .height_rule(HeightRule::Exact),
    ])
    .set_grid(vec![STEP])
    .width(STEP, WidthType::Dxa)
    .layout(TableLayoutType::Fixed)
    .margins(TableCellMargins::new().margin(0, 0, 0, 0));
    let mut down = TableCellBorders::with_empty();
    if !last {
        down = down.set(line(TableCellBorderPosition::Left));
    }
    TableCell::new()
        .width(STEP, WidthType::Dxa)
        .set_borders(down)
        .add_table(across)
        .add_paragraph(tight())
}

/// The paragraph a cell must end with, as low as Word draws one: the gap below a box.
fn tight() -> Paragraph {
    Paragraph::new()
        .size(4)
        .line_spacing(LineSpacing::new().line(60).before(0).after(0))
}

/// One unit's box: its name in bold, its note (the person, the role) smaller below it.
fn org_box(node: &Node, width: usize, ja: bool) -> Table {
    let mut p = lines(&node.text, |r| r.bold().size(TABLE_SIZE));
    if !node.note.is_empty() {
        let gap = if ja { "　" } else { " " };
        let note = node.note.replace('\r', "").replace('\n', gap);
        p = p
            .add_run(Run::new().add_break(BreakType::TextWrapping))
            .add_run(Run::new().add_text(note).size(NOTE_SIZE).color("3C3C3C"));
    }
    let mut b = TableBorders::new();
    for position in [
        TableBorderPosition::Top,
        TableBorderPosition::Left,
        TableBorderPosition::Bottom,
        TableBorderPosition::Right,
    ] {
        b = b.set(TableBorder::new(position).size(6).color(BOX_LINE));
    }
    Table::new(vec![TableRow::new(vec![shaded(
        TableCell::new()
            .width(width, WidthType::Dxa)
            .add_paragraph(p.align(AlignmentType::Left)),
        "F8F8F8",
    )])])
    .set_grid(vec![width])
    .width(width, WidthType::Dxa)
    .layout(TableLayoutType::Fixed)
    .margins(TableCellMargins::new().margin(70, 140, 70, 140))
    .set_borders(b)
}

/// Word's Japanese line breaking (kinsoku) as a custom set in `settings.xml`: its standard sets,
/// and the units a figure ends in (件, 人, 名, 回, 年, 度, 台, 社, %) among the characters that may not
/// begin a line, so that Word never splits `27(37)人` or `12件` from its unit.
fn with_units_kept(settings: &[u8]) -> Result<Vec<u8>, ReportError> {
    const NOT_AFTER: &str = "$([\\{£¥‘“〈《「『【〔＄（［｛｢￡￥";
    const NOT_BEFORE: &str =
        "!%),.:;?]}¢°’”‰′″℃、。々〉》」』】〕゛゜ゝゞ・ヽヾ！％），．：；？］｝｡｣､･ｧｨｩｪｫｬｭｮｯｰﾞﾟ￠";
    const UNITS: &str = "件人名回年度台社";
    let kinsoku = format!(
        r#"<w:noLineBreaksAfter w:lang="ja-JP" w:val="{}" /><w:noLineBreaksBefore w:lang="ja-JP" w:val="{NOT_BEFORE}{UNITS}" />"#,
        NOT_AFTER.replace('&', "&amp;")
    );
    // Before the compatibility settings, as the schema orders them.
    insert_before(settings, "<w:compat>", &kinsoku)
}

/// Adds the document's language (`w:lang`) to the run defaults in `styles.xml`, so Word checks
/// spelling and breaks lines as Japanese (or English).
fn with_language(styles: &[u8], ja: bool) -> Result<Vec<u8>, ReportError> {
    let lang = if ja {
        r#"<w:lang w:val="ja-JP" w:eastAsia="ja-JP" w:bidi="ar-SA" />"#
    } else {
        r#"<w:lang w:val="en-US" w:eastAsia="ja-JP" w:bidi="ar-SA" />"#
    };
    // `w:lang` comes after the size and fonts in a run's properties: at the end of the defaults.
    insert_before(styles, "</w:rPr></w:rPrDefault>", lang)
}

/// Inserts `what` before the one occurrence of `before` in the XML part `xml`.
fn insert_before(xml: &[u8], before: &str, what: &str) -> Result<Vec<u8>, ReportError> {
    let text = std::str::from_utf8(xml).map_err(|e| ReportError::Docx(e.to_string()))?;
    let at = text
        .find(before)
        .ok_or_else(|| ReportError::Docx(format!("no {before} in the generated XML")))?;
    Ok([&text[..at], what, &text[at..]].concat().into_bytes())
}

/// Marks every table row that has `w:cantSplit` (only header rows do) as a header row that Word
/// repeats at the top of each page the table runs over.
fn with_header_rows(document: &[u8]) -> Result<Vec<u8>, ReportError> {
    insert_after(document, "<w:cantSplit />", "<w:tblHeader />")
}

/// Inserts `what` after every occurrence of `after` in the XML part `xml`.
fn insert_after(xml: &[u8], after: &str, what: &str) -> Result<Vec<u8>, ReportError> {
    let text = std::str::from_utf8(xml).map_err(|e| ReportError::Docx(e.to_string()))?;
    Ok(text.replace(after, &[after, what].concat()).into_bytes())
}
