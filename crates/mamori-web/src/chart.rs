//! The organisation chart (体制図) drawn as SVG from the appointments in force: the ISMS manager on
//! top, the cross-department roles below, and one department information manager per department.

use mamori_store::chart::Holder;

const BOX_W: i64 = 190;
const BOX_H: i64 = 66;
const GAP: i64 = 16;
const ROW_GAP: i64 = 46;

/// Text escaped for SVG (XML) content and attributes.
pub(crate) fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// `label(role)` translates a role code. Holders come ordered by role.
pub fn svg(holders: &[Holder], label: &dyn Fn(&str) -> String, title: &str) -> String {
    let pick = |roles: &[&str]| -> Vec<&Holder> {
        roles
            .iter()
            .flat_map(|r| holders.iter().filter(move |h| h.role == *r))
            .collect()
    };
    let rows: Vec<Vec<&Holder>> = vec![
        pick(&["isms_manager_lead"]),
        pick(&[
            "system_admin",
            "system_admin_deputy",
            "internal_audit_lead",
            "external_advisor",
        ]),
        pick(&["department_info_manager"]),
    ]
    .into_iter()
    .filter(|r| !r.is_empty())
    .collect();
    let widest = rows.iter().map(|r| r.len() as i64).max().unwrap_or(1);
    let width = widest * (BOX_W + GAP) + GAP;
    let height = rows.len() as i64 * (BOX_H + ROW_GAP) + GAP;
    let mut out = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {width} {height}\" width=\"{width}\" height=\"{height}\" role=\"img\" aria-label=\"{}\" font-family=\"sans-serif\" font-size=\"13\">",
        esc(title)
    );
    let mut boxes = String::new();
    let mut lines = String::new();
    let top_x = width / 2;
    for (r, row) in rows.iter().enumerate() {
        let row_w = row.len() as i64 * (BOX_W + GAP) - GAP;
        let x0 = (width - row_w) / 2;
        let y = GAP + r as i64 * (BOX_H + ROW_GAP);
        for (i, h) in row.iter().enumerate() {
            let x = x0 + i as i64 * (BOX_W + GAP);
            let cx = x + BOX_W / 2;
            // Two small lines (role, department) above the name in bold.
            let (role_y, name_y) = if h.department.is_some() {
                (y + 18, y + 54)
            } else {
                (y + 24, y + 48)
            };
            boxes.push_str(&format!(
                "<g class=\"holder\"><rect x=\"{x}\" y=\"{y}\" width=\"{BOX_W}\" height=\"{BOX_H}\" rx=\"6\" fill=\"#f4f7fb\" stroke=\"#0b5cad\"/>\
                 <text x=\"{cx}\" y=\"{role_y}\" text-anchor=\"middle\" font-size=\"11\" fill=\"#5b6670\">{}</text>",
                esc(&label(&h.role))
            ));
            if let Some(d) = &h.department {
                boxes.push_str(&format!(
                    "<text x=\"{cx}\" y=\"{}\" text-anchor=\"middle\" font-size=\"11\" fill=\"#5b6670\">{}</text>",
                    y + 34,
                    esc(d)
                ));
            }
            boxes.push_str(&format!(
                "<text x=\"{cx}\" y=\"{name_y}\" text-anchor=\"middle\" font-weight=\"bold\" fill=\"#1d2329\">{}</text></g>",
                esc(&h.person)
            ));
            // Every row reports to the top: a trunk from the top box to a bus above the row.
            if r > 0 {
                let bus = y - ROW_GAP / 2;
                lines.push_str(&format!(
                    "<path d=\"M{top_x} {} V{bus} H{cx} V{y}\" fill=\"none\" stroke=\"#9aa3ab\"/>",
                    GAP + BOX_H
                ));
            }
        }
    }
    out.push_str(&lines);
    out.push_str(&boxes);
    out.push_str("</svg>");
    out
}
