//! What the PDF tests share: poppler's `pdftotext` on real PDF bytes, and a fixed day.

#![allow(dead_code)]

use std::process::Command;

pub fn today() -> time::Date {
    time::macros::date!(2026 - 11 - 27)
}

/// The text without spaces or line breaks: pdftotext spaces Latin from Japanese, and wraps.
pub fn squash(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).collect()
}

fn run(pdf: &[u8], args: &[&str]) -> String {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("out.pdf");
    std::fs::write(&path, pdf).unwrap();
    let out = Command::new("pdftotext")
        .args(args)
        .arg(&path)
        .arg("-")
        .output()
        .expect("pdftotext (poppler-utils) is installed");
    assert!(out.status.success());
    String::from_utf8(out.stdout).unwrap()
}

/// The text laid out as on the page (table cells side by side).
pub fn pdftotext(pdf: &[u8]) -> String {
    run(pdf, &["-layout"])
}

/// The text in reading order (a wrapped table cell stays together).
pub fn pdftotext_flow(pdf: &[u8]) -> String {
    run(pdf, &[])
}
