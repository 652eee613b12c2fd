//! The report's renderings and the golden FY2017 report, in one binary: real PDF and DOCX bytes.

mod common;
mod golden;
mod pdf;
mod report_docx;
mod report_pdf;
