//! The organisation chart (体制図) drawn as SVG from the appointments in force: the ISMS manager on
//! top, the cross-department roles below, and one department information manager per department.

use mamori_store::chart::Holder;

const BOX_W: i64 = 190;
const BOX_H: i64 = 58;
const GAP: i64 = 16;
const ROW_GAP: i64 = 46;

fn esc(s: &str) -> String {
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
    let mut centres: Vec<Vec<(i64, i64)>> = Vec::new();
    for (r, row) in rows.iter().enumerate() {
        let row_w = row.len() as i64 * (BOX_W + GAP) - GAP;
        let x0 = (width - row_w) / 2;
        let y = GAP + r as i64 * (BOX_H + ROW_GAP);
        let mut row_centres = Vec::new();
        for (i, h) in row.iter().enumerate() {
            let x = x0 + i as i64 * (BOX_W + GAP);
            let role = match &h.department {
                Some(d) => format!("{}（{}）", label(&h.role), d),
                None => label(&h.role),
            };
            out.push_str(&format!(
                "<g class=\"holder\"><rect x=\"{x}\" y=\"{y}\" width=\"{BOX_W}\" height=\"{BOX_H}\" rx=\"6\" fill=\"#f4f7fb\" stroke=\"#0b5cad\"/>\
                 <text x=\"{}\" y=\"{}\" text-anchor=\"middle\" font-size=\"11\" fill=\"#5b6670\">{}</text>\
                 <text x=\"{}\" y=\"{}\" text-anchor=\"middle\" font-weight=\"bold\" fill=\"#1d2329\">{}</text></g>",
                x + BOX_W / 2,
                y + 22,
                esc(&role),
                x + BOX_W / 2,
                y + 44,
                esc(&h.person)
            ));
            row_centres.push((x + BOX_W / 2, y));
        }
        centres.push(row_centres);
    }
    // Each row hangs from the first box of the row above.
    for r in 1..centres.len() {
        let Some(&(px, py)) = centres[r - 1].first() else {
            continue;
        };
        for &(cx, cy) in &centres[r] {
            out.push_str(&format!(
                "<path d=\"M{px} {} V{} H{cx} V{cy}\" fill=\"none\" stroke=\"#9aa3ab\"/>",
                py + BOX_H,
                cy - ROW_GAP / 2
            ));
        }
    }
    out.push_str("</svg>");
    out
}
