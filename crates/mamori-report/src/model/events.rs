//! 5.2(9)–(11): events and findings per department, the human-error share, complaints and second-party audits.

use super::*;

impl Builder<'_> {
    /// The departments of a per-department table: the configured ones, or those in force in the
    /// year. (code, name)
    pub(super) async fn columns(&self, configured: &[String]) -> Result<Vec<(String, String)>> {
        let departments = self.every(&r::DEPARTMENTS).await?;
        let d = &r::DEPARTMENTS;
        let pair = |x: &Record| (text(x, d, "code"), text(x, d, "name"));
        if !configured.is_empty() {
            return Ok(configured
                .iter()
                .filter_map(|c| {
                    departments
                        .iter()
                        .find(|x| &text(x, d, "code") == c)
                        .map(pair)
                })
                .collect());
        }
        let (start, end) = (self.fy.start(), self.fy.last_day());
        Ok(departments
            .iter()
            .filter(|x| {
                date_of(x, d, "valid_from").is_none_or(|f| f <= end)
                    && date_of(x, d, "valid_to").is_none_or(|to| to >= start)
            })
            .map(pair)
            .collect())
    }

    /// 5.2(9): events and findings per department, and the human-error share over five years.
    pub(super) async fn events(&mut self) -> Result<Vec<Block>> {
        let fy = self.fy;
        let previous = fy.previous();
        let columns = self.columns(&self.settings.columns.events.clone()).await?;
        let mut years = vec![fy];
        for _ in 0..4 {
            let last = *years.last().expect("one year");
            years.push(last.previous());
        }
        years.reverse();
        let unit = self.unit("r-unit-items");
        let mut rows = Vec::new();
        let codes: Vec<&str> = columns.iter().map(|(c, _)| c.as_str()).collect();
        for kind in ["incident", "near_miss"] {
            self.read_each(
                |y| Query::dated(&r::SECURITY_EVENTS, "occurred_on", y, &[("kind", kind)]),
                "department",
                &codes,
            )
            .await?;
            let mut row = vec![Cell::header(t(self.lang, &format!("r-event-{kind}")))];
            for (code, name) in &columns {
                let id = format!("events.{kind}.{name}");
                let filters = [("department", code.as_str()), ("kind", kind)];
                row.push(
                    self.counted(
                        &id,
                        &r::SECURITY_EVENTS,
                        "occurred_on",
                        &filters,
                        false,
                        &unit,
                    )
                    .await?,
                );
            }
            rows.push(row);
        }
        // Findings: first- and third-party audits cover the whole scope; a second-party audit
        // concerns the department it audited, and a department no second party has audited shows ―.
        // The parties whose audit was done in each year: a year without one shows 無し.
        let mut held = Vec::new();
        for y in [fy, previous] {
            for party in ["first", "second", "third"] {
                let done = [("party", party), ("status", "done")];
                if Query::dated(&r::AUDITS, "started_on", y, &done)?
                    .count(self.store, self.access)
                    .await?
                    > 0
                {
                    held.push((y.year(), party));
                }
            }
        }
        let second_audited = self.second_party_departments().await?;
        let grades_nc = r::NONCONFORMITIES;
        let grades_obs: &[&str] = &["observation", "improvement"];
        for (key, party, grades) in [
            ("first_party.corrective", "first", grades_nc),
            ("second_party.corrective", "second", grades_nc),
            ("third_party.corrective", "third", grades_nc),
            ("third_party.observation", "third", grades_obs),
        ] {
            let grade = grades.join(",");
            self.read_each(
                |y| {
                    Query::dated(
                        &r::FINDINGS,
                        "audit.started_on",
                        y,
                        &[("audit.party", party), ("grade", grade.as_str())],
                    )
                },
                "department",
                &codes,
            )
            .await?;
            let mut row = vec![Cell::header(t(
                self.lang,
                &format!("r-finding-{}", key.replace('.', "-")),
            ))];
            for (code, name) in &columns {
                let applies = party != "second" || second_audited.contains(code);
                // A year without an audit of the party shows 無し, unless it has findings.
                let value = |y: FiscalYear, n: i64| {
                    if held.contains(&(y.year(), party)) || n > 0 {
                        FigureValue::count(n)
                    } else {
                        FigureValue::None
                    }
                };
                let filters = [
                    ("audit.party", party),
                    ("department", code.as_str()),
                    ("grade", grade.as_str()),
                ];
                let id = format!("findings.{key}.{name}");
                let cell = if applies {
                    self.queried(
                        &id,
                        |y| Query::dated(&r::FINDINGS, "audit.started_on", y, &filters),
                        value,
                        &unit,
                    )
                    .await?
                } else {
                    let figure = Figure {
                        current: FigureValue::NotApplicable,
                        previous: FigureValue::NotApplicable,
                    };
                    self.put(&id, figure, Links::default(), &unit)
                };
                row.push(cell);
            }
            rows.push(row);
        }
        let mut head = vec![String::new()];
        head.extend(columns.iter().map(|(_, n)| n.clone()));
        let mut widths = vec![3];
        widths.extend(columns.iter().map(|_| 2));
        // The human-error share of all events, per year: this year's and the previous year's a
        // figure, the three before on the chart, each from the same two queries.
        let whole = |y: FiscalYear| Query::dated(&r::SECURITY_EVENTS, "occurred_on", y, &[]);
        let human = [("cause", "human_error")];
        let share_cell = self.share("human_error.share", whole, &human).await?;
        let mut points: Vec<(String, FigureValue)> = Vec::new();
        for y in &years {
            let v = match self.figures.get("human_error.share") {
                Some(f) if *y == fy => f.current,
                Some(f) if *y == previous => f.previous,
                _ => {
                    let w = whole(*y)?;
                    self.value(*y, self.share_in(&w, &w.and(&human)?).await?)
                }
            };
            points.push((self.label(*y), v));
        }
        let title = t(self.lang, "r-share-title");
        let data = points
            .iter()
            .map(|(l, v)| Fact {
                label: l.clone(),
                value: v.with_unit("%", self.lang),
            })
            .collect();
        let incidents = self
            .figures
            .iter()
            .filter(|(k, _)| k.starts_with("events.incident."))
            .any(|(_, f)| f.current.number().is_some_and(|n| n > 0.0));
        Ok(vec![
            Block::Paragraph {
                text: t(
                    self.lang,
                    if incidents {
                        "r-events-text"
                    } else {
                        "r-events-none"
                    },
                ),
            },
            Block::Table(Table {
                caption: self.caption("r-cap-events"),
                head,
                rows,
                widths,
                notes: vec![self.footnote()],
            }),
            Block::Paragraph {
                text: ta(
                    self.lang,
                    "r-share-text",
                    &[("value", share_cell.text.clone())],
                ),
            },
            Block::Chart {
                svg: crate::chart::share_svg(&points, &title, self.lang),
                title,
                data,
            },
        ])
    }

    /// Departments a second party has audited up to the end of the year.
    pub(super) async fn second_party_departments(&self) -> Result<Vec<String>> {
        let q = ListQuery {
            filters: vec![("party".into(), "second".into())],
            ranges: vec![("started_on".into(), None, Some(self.fy.last_day()))],
            ..Default::default()
        };
        Ok(self
            .store
            .list_all(self.access, &r::AUDITS, &q)
            .await?
            .iter()
            .map(|a| text(a, &r::AUDITS, "department"))
            .collect())
    }

    /// 5.2(10): claims and complaints per department.
    pub(super) async fn complaints(&mut self) -> Result<Vec<Block>> {
        let fy = self.fy;
        let columns = self
            .columns(&self.settings.columns.complaints.clone())
            .await?;
        let unit = self.unit("r-unit-items");
        let mut rows = Vec::new();
        let codes: Vec<&str> = columns.iter().map(|(c, _)| c.as_str()).collect();
        for kind in r::COMPLAINT_KINDS {
            self.read_each(
                |y| Query::dated(&r::COMPLAINTS, "received_on", y, &[("kind", kind)]),
                "department",
                &codes,
            )
            .await?;
            let mut row = vec![Cell::header(t(self.lang, &format!("r-complaint-{kind}")))];
            for (code, name) in &columns {
                let id = format!("complaints.{kind}.{name}");
                let filters = [("kind", *kind), ("department", code.as_str())];
                row.push(
                    self.counted(&id, &r::COMPLAINTS, "received_on", &filters, false, &unit)
                        .await?,
                );
            }
            rows.push(row);
        }
        let any = Query::dated(&r::COMPLAINTS, "received_on", fy, &[])?
            .count(self.store, self.access)
            .await?
            > 0;
        let mut head = vec![String::new()];
        head.extend(columns.iter().map(|(_, n)| n.clone()));
        let mut widths = vec![2];
        widths.extend(columns.iter().map(|_| 2));
        Ok(vec![
            Block::Paragraph {
                text: t(
                    self.lang,
                    if any {
                        "r-complaints-text"
                    } else {
                        "r-complaints-none"
                    },
                ),
            },
            Block::Table(Table {
                caption: self.caption("r-cap-complaints"),
                head,
                rows,
                widths,
                notes: vec![self.footnote()],
            }),
        ])
    }

    /// 5.2(11): second-party audits held in the year.
    pub(super) async fn second_party(&mut self) -> Result<Vec<Block>> {
        self.counted(
            "second_party_audits.count",
            &r::AUDITS,
            "started_on",
            &[("party", "second"), ("status", "done")],
            true,
            &self.unit("r-unit-times"),
        )
        .await?;
        let a = &r::AUDITS;
        let audits: Vec<Record> = self
            .records(a, "started_on", self.fy)
            .await?
            .into_iter()
            .filter(|x| text(x, a, "party") == "second" && text(x, a, "status") == "done")
            .collect();
        let mut rows: Vec<Vec<Cell>> = audits
            .iter()
            .map(|x| {
                let when = date_of(x, a, "started_on")
                    .map(|d| self.date(d))
                    .unwrap_or_default();
                let time = match (text(x, a, "time_from"), text(x, a, "time_to")) {
                    (f, to) if !f.is_empty() && !to.is_empty() => format!("\n{f}～{to}"),
                    _ => String::new(),
                };
                let kind = if text(x, a, "unannounced") == "yes" {
                    "r-unannounced"
                } else {
                    "r-announced"
                };
                vec![
                    Cell {
                        href: Some(format!("/o/{}/audits/{}", self.org(), x.id)),
                        ..Cell::header(format!("{when}{time}"))
                    },
                    Cell::text(t(self.lang, kind)),
                    Cell::text(text(x, a, "auditing_body")),
                    Cell::text(ta(
                        self.lang,
                        "r-auditors",
                        &[("count", text(x, a, "auditors"))],
                    )),
                    Cell::text(text(x, a, "summary")),
                ]
            })
            .collect();
        let none = rows.is_empty();
        if none {
            rows.push(dash_row(5));
        }
        let previous = self.figures["second_party_audits.count"].previous;
        let note = match previous {
            FigureValue::Number(_) => ta(
                self.lang,
                "r-second-previous",
                &[(
                    "value",
                    previous.with_unit(&self.unit("r-unit-times"), self.lang),
                )],
            ),
            FigureValue::None => t(self.lang, "r-second-previous-none"),
            FigureValue::NotApplicable => ta(
                self.lang,
                "r-note-previous-result",
                &[
                    ("year", self.label(self.fy.previous())),
                    ("value", "―".into()),
                ],
            ),
        };
        Ok(vec![
            Block::Paragraph {
                text: t(
                    self.lang,
                    if none {
                        "r-second-none"
                    } else {
                        "r-second-text"
                    },
                ),
            },
            Block::Table(Table {
                caption: self.caption("r-cap-second"),
                head: [
                    "r-h-when",
                    "r-h-audit-kind",
                    "r-h-auditing-body",
                    "r-h-auditors",
                    "r-h-findings",
                ]
                .iter()
                .map(|k| t(self.lang, k))
                .collect(),
                rows,
                widths: vec![2, 1, 2, 1, 3],
                notes: vec![note],
            }),
        ])
    }
}
