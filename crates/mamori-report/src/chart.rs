//! The human-error share as a bar chart (0–100% per fiscal year), as SVG: the same drawing in the
//! app's figures page, the report's HTML and its PDF.

use mamori_domain::FigureValue;
use mamori_domain::Lang;

fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// A bar per (label, share in percent), labelled as the report's text prints the share; a year
/// without a share has no bar and shows its mark instead (― before the records begin, 無し/none
/// without events).
pub fn share_svg(points: &[(String, FigureValue)], title: &str, lang: Lang) -> String {
    let (w, h, left, bottom, top) = (560.0, 220.0, 44.0, 30.0, 16.0);
    let plot_h = h - bottom - top;
    let slot = (w - left - 10.0) / points.len().max(1) as f64;
    let mut svg = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {w} {h}\" width=\"{w}\" height=\"{h}\" font-family=\"IPAexGothic, sans-serif\" role=\"img\" aria-label=\"{}\" class=\"share-chart\">",
        esc(title)
    );
    for pct in [0.0, 0.5, 1.0] {
        let y = top + plot_h * (1.0 - pct);
        svg.push_str(&format!(
            "<line x1=\"{left}\" x2=\"{}\" y1=\"{y}\" y2=\"{y}\" stroke=\"#d5dbe1\"/><text x=\"{}\" y=\"{}\" font-size=\"11\" text-anchor=\"end\">{:.0}%</text>",
            w - 10.0,
            left - 6.0,
            y + 4.0,
            pct * 100.0
        ));
    }
    for (i, (label, value)) in points.iter().enumerate() {
        let x = left + slot * i as f64 + slot * 0.2;
        let bw = slot * 0.6;
        let shown = esc(&value.with_unit("%", lang));
        match value.number() {
            Some(v) => {
                let bh = plot_h * (v / 100.0).clamp(0.0, 1.0);
                svg.push_str(&format!(
                    "<rect x=\"{x:.1}\" y=\"{:.1}\" width=\"{bw:.1}\" height=\"{bh:.1}\" fill=\"#1a5fb4\"><title>{} {shown}</title></rect><text x=\"{:.1}\" y=\"{:.1}\" font-size=\"11\" text-anchor=\"middle\">{shown}</text>",
                    top + plot_h - bh,
                    esc(label),
                    x + bw / 2.0,
                    top + plot_h - bh - 3.0,
                ));
            }
            None => svg.push_str(&format!(
                "<text x=\"{:.1}\" y=\"{:.1}\" font-size=\"11\" text-anchor=\"middle\" fill=\"#5e6b78\">{shown}</text>",
                x + bw / 2.0,
                top + plot_h - 3.0,
            )),
        }
        svg.push_str(&format!(
            "<text x=\"{:.1}\" y=\"{}\" font-size=\"11\" text-anchor=\"middle\">{}</text>",
            x + bw / 2.0,
            h - 10.0,
            esc(label)
        ));
    }
    svg.push_str("</svg>");
    svg
}
