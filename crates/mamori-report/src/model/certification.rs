//! 7: the ISMS certificate and the year's certification audits.

use super::*;

impl Builder<'_> {
    /// 7: the ISMS certificate's particulars, and the year's certification audits with their
    /// findings by grade. The certification body (認証機関) and the accreditation body (認定機関) are
    /// two fields of the certificate, so they cannot be swapped; an audit is headed by its kind.
    pub(super) async fn certification(&mut self) -> Result<Vec<Block>> {
        let certs: Vec<Record> = self
            .every(&r::CERTIFICATES)
            .await?
            .into_iter()
            .filter(|c| text(c, &r::CERTIFICATES, "management_system") == "isms")
            .collect();
        let c = &r::CERTIFICATES;
        let mut blocks = Vec::new();
        for cert in &certs {
            let since = date_of(cert, c, "first_registered_on");
            if let Some(d) = since {
                blocks.push(Block::Paragraph {
                    text: ta(self.lang, "r-certified-since", &[("date", self.date(d))]),
                });
            }
            let fact = |key: &str, value: String| Fact {
                label: t(self.lang, key),
                value,
            };
            blocks.push(Block::Facts {
                rows: vec![
                    fact("r-cert-scope", text(cert, c, "scope")),
                    fact("r-cert-standard", text(cert, c, "standard")),
                    fact("r-cert-number", text(cert, c, "registration_no")),
                    fact(
                        "r-cert-registered",
                        since.map(|d| self.date(d)).unwrap_or_default(),
                    ),
                    fact("r-cert-body", text(cert, c, "certification_body")),
                    fact("r-cert-accreditation", text(cert, c, "accreditation_body")),
                ],
            });
        }
        // The year's third-party audits, each with its findings counted by grade.
        let a = &r::AUDITS;
        let audits: Vec<Record> = self
            .records(a, "started_on", self.fy)
            .await?
            .into_iter()
            .filter(|x| text(x, a, "party") == "third" && text(x, a, "status") == "done")
            .collect();
        let held_before = Query::dated(
            a,
            "started_on",
            self.fy.previous(),
            &[("party", "third"), ("status", "done")],
        )?
        .count(self.store, self.access)
        .await?
            > 0;
        let (fy, held_now) = (self.fy, !audits.is_empty());
        let unit = self.unit("r-unit-items");
        let mut counts = Vec::new();
        for (key, grades) in [
            ("major", &["major"][..]),
            ("minor", &["minor"][..]),
            ("improvement", &["observation", "improvement"][..]),
        ] {
            // A year without a certification audit shows 無し.
            let v = |y: FiscalYear, n: i64| {
                let held = if y == fy { held_now } else { held_before };
                if held {
                    FigureValue::count(n)
                } else {
                    FigureValue::None
                }
            };
            let grade = grades.join(",");
            let filters = [("audit.party", "third"), ("grade", grade.as_str())];
            let cell = self
                .queried(
                    &format!("certification_audit.{key}"),
                    |y| Query::dated(&r::FINDINGS, "audit.started_on", y, &filters),
                    v,
                    &unit,
                )
                .await?;
            counts.push(cell);
        }
        for x in &audits {
            let from = date_of(x, a, "started_on");
            let to = date_of(x, a, "ended_on");
            let when = match (from, to) {
                (Some(f), Some(t)) if t != f => format!("{}～{}", self.date(f), self.date(t)),
                (Some(f), _) => self.date(f),
                _ => String::new(),
            };
            let kind = t(self.lang, &format!("r-audit-{}", text(x, a, "kind")));
            blocks.push(Block::Paragraph { text: kind.clone() });
            blocks.push(Block::Paragraph {
                text: ta(
                    self.lang,
                    "r-cert-audit",
                    &[
                        ("date", when),
                        ("body", text(x, a, "auditing_body")),
                        ("kind", kind),
                        ("major", counts[0].text.clone()),
                        ("minor", counts[1].text.clone()),
                        ("improvement", counts[2].text.clone()),
                    ],
                ),
            });
            let summary = text(x, a, "summary");
            if !summary.is_empty() {
                blocks.push(Block::Paragraph { text: summary });
            }
        }
        blocks.push(Block::Table(Table {
            caption: self.caption("r-cap-cert"),
            head: ["r-h-major", "r-h-minor", "r-h-improvement"]
                .iter()
                .map(|k| t(self.lang, k))
                .collect(),
            rows: vec![counts],
            widths: vec![1, 1, 1],
            notes: vec![self.footnote()],
        }));
        Ok(blocks)
    }
}
