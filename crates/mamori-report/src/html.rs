//! The report as HTML: the article the app shows in its page (every figure a link to its records),
//! and a standalone file with the same article and its print style.

use mamori_domain::Lang;
use std::sync::LazyLock;

use minijinja::{Environment, Value, context};

use crate::ReportError;
use crate::document::{Cell, Document};

/// The report's own style, for the app's page and the standalone file.
pub const CSS: &str = include_str!("../templates/report.css");

static ENV: LazyLock<Environment<'static>> = LazyLock::new(|| {
    let mut env = Environment::new();
    env.set_auto_escape_callback(|_| minijinja::AutoEscape::Html);
    env.add_filter("nl", |s: String| -> Value {
        let escaped = minijinja::HtmlEscape(&s).to_string();
        Value::from_safe_string(escaped.replace('\n', "<br>"))
    });
    env.add_test("short", |s: String| Cell::is_short(&s));
    env.add_filter("lines", |s: String| -> Vec<String> {
        s.lines()
            .filter(|l| !l.trim().is_empty())
            .map(str::to_string)
            .collect()
    });
    env.add_template("report.html", include_str!("../templates/report.html"))
        .expect("the report template parses");
    env
});

/// The article. With `links`, a figure opens the list of the records it counts (this year's), and
/// a small arrow the previous year's.
pub fn article(doc: &Document, links: bool, previous_title: &str) -> Result<String, ReportError> {
    ENV.get_template("report.html")
        .and_then(|t| t.render(context! { doc, links, previous_title, cover => true }))
        .map_err(|e| ReportError::Typeset(e.to_string()))
}

/// Only the sections, without the cover and contents (the figures page shows the report's
/// sections that hold figures), every figure a link.
pub fn sections(doc: &Document, previous_title: &str) -> Result<String, ReportError> {
    ENV.get_template("report.html")
        .and_then(|t| t.render(context! { doc, links => true, previous_title, cover => false }))
        .map_err(|e| ReportError::Typeset(e.to_string()))
}

/// A whole HTML file (for the command line and publication): the article without links, styled for
/// screen and print.
pub fn standalone(doc: &Document) -> Result<String, ReportError> {
    let body = article(doc, false, "")?;
    let title = minijinja::HtmlEscape(&format!(
        "{} {} {}",
        doc.organisation, doc.year_label, doc.title
    ))
    .to_string();
    Ok(format!(
        "<!DOCTYPE html>\n<html lang=\"{}\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>{title}</title><style>body{{margin:1.5rem auto;padding:0 1rem;max-width:62rem;color:#1c2733}}{CSS}</style></head><body>{body}</body></html>\n",
        if doc.lang == Lang::En { "en" } else { "ja" }
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn figures_link_only_when_asked_and_text_is_escaped() {
        let mut doc = Document::sample();
        doc.organisation = "<b>株式会社&</b>".into();
        let with = article(&doc, true, "前年度").unwrap();
        assert!(with.contains("security-events?id=events.near_miss.IT営業・業務部門\""));
        assert!(with.contains("7(6)件"));
        assert!(with.contains("&lt;b&gt;株式会社&amp;&lt;&#x2f;b&gt;"));
        let without = standalone(&doc).unwrap();
        assert!(!without.contains("security-events?"));
        assert!(without.contains("7(6)件"));
        assert!(without.contains("<style>"));
        assert!(without.contains("■1．基本情報"));
    }
}
