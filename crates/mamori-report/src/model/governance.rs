//! Chapters 1 to 4 of the report: the contact persons, the organisation chart, the objectives and the laws.

use super::*;

impl Builder<'_> {
    pub(super) fn contacts(&self) -> Block {
        let p = &self.access.org.profile;
        let s = |k: &str| {
            p.get(k)
                .and_then(|v| v.as_str())
                .unwrap_or_default()
                .to_string()
        };
        let mut rows = Vec::new();
        let address = [s("postal_code"), s("address")];
        if !address[1].is_empty() {
            rows.push(Fact {
                label: t(self.lang, "r-address"),
                value: if address[0].is_empty() {
                    address[1].clone()
                } else {
                    format!("〒{} {}", address[0], address[1])
                },
            });
        }
        rows.push(Fact {
            label: t(self.lang, "r-organisation"),
            value: org_name(self.access, self.lang),
        });
        for c in p
            .get("contacts")
            .and_then(|v| v.as_array())
            .into_iter()
            .flatten()
        {
            let f = |k: &str| c.get(k).and_then(|v| v.as_str()).unwrap_or_default();
            rows.push(Fact {
                label: f("title").to_string(),
                value: if f("phone").is_empty() {
                    f("name").to_string()
                } else {
                    format!("{}　{} {}", f("name"), t(self.lang, "r-phone"), f("phone"))
                },
            });
        }
        Block::Facts { rows }
    }

    /// 3.1: top management, the secretariat and its roles, the departments in force at the end of
    /// the year with their information managers; from the appointments and departments.
    pub(super) async fn chart(&self) -> Result<Vec<Block>> {
        let end = self.fy.last_day();
        let people = self.every(&r::PEOPLE).await?;
        let name_of = |no: &str| {
            people
                .iter()
                .find(|p| text(p, &r::PEOPLE, "employee_no") == no)
                .map(|p| text(p, &r::PEOPLE, "name"))
                .unwrap_or_default()
        };
        let appointments: Vec<Record> = self
            .every(&r::APPOINTMENTS)
            .await?
            .into_iter()
            .filter(|a| {
                date_of(a, &r::APPOINTMENTS, "starts_on").is_some_and(|d| d <= end)
                    && date_of(a, &r::APPOINTMENTS, "ends_on").is_none_or(|d| d >= end)
            })
            .collect();
        let holders = |role: &str, department: Option<&str>| -> String {
            appointments
                .iter()
                .filter(|a| {
                    text(a, &r::APPOINTMENTS, "role") == role
                        && department.is_none_or(|d| text(a, &r::APPOINTMENTS, "department") == d)
                })
                .map(|a| name_of(&text(a, &r::APPOINTMENTS, "person")))
                .collect::<Vec<_>>()
                .join("、")
        };
        let role = |key: &str| t(self.lang, &format!("r-role-{key}"));
        let node = |text: String, note: String| Node {
            text,
            note,
            children: Vec::new(),
        };
        let mut secretariat = node(
            t(self.lang, "r-secretariat"),
            format!(
                "{}：{}",
                role("isms_manager_lead"),
                holders("isms_manager_lead", None)
            ),
        );
        for key in [
            "internal_audit_lead",
            "system_admin",
            "system_admin_deputy",
            "external_advisor",
        ] {
            let who = holders(key, None);
            if !who.is_empty() {
                secretariat.children.push(node(role(key), who));
            }
        }
        let departments = self.every(&r::DEPARTMENTS).await?;
        for d in &departments {
            let valid = date_of(d, &r::DEPARTMENTS, "valid_from").is_none_or(|f| f <= end)
                && date_of(d, &r::DEPARTMENTS, "valid_to").is_none_or(|to| to >= end);
            let code = text(d, &r::DEPARTMENTS, "code");
            if valid && code != "ISO" {
                let head = holders("department_info_manager", Some(&code));
                secretariat.children.push(node(
                    text(d, &r::DEPARTMENTS, "name"),
                    if head.is_empty() {
                        String::new()
                    } else {
                        format!("{}：{head}", role("department_info_manager"))
                    },
                ));
            }
        }
        let root = Node {
            text: role("top_management"),
            note: holders("top_management", None),
            children: vec![secretariat],
        };
        Ok(vec![Block::Tree { root }])
    }

    /// 4(4) the year's objectives with their targets; 5.1(4) with their yearly results (computed
    /// by the store from the results measured in the year), each linked to those results.
    pub(super) async fn objectives(&mut self, results: bool) -> Result<Vec<Block>> {
        let query = |y: i32| ListQuery {
            filters: vec![("fiscal_year".into(), y.to_string())],
            ..Default::default()
        };
        let now = self
            .store
            .list_all(self.access, &r::OBJECTIVES, &query(self.fy.year()))
            .await?;
        let unit = self.unit("r-unit-items");
        let count_cell = if results {
            self.queried(
                "objectives.achieved",
                |y| {
                    Query::of(
                        &r::OBJECTIVES,
                        &[
                            ("fiscal_year".into(), y.year().to_string()),
                            ("achieved".into(), "yes".into()),
                        ],
                    )
                },
                |_, n| FigureValue::count(n),
                &unit,
            )
            .await?
        } else {
            self.queried(
                "objectives.count",
                |y| {
                    Query::of(
                        &r::OBJECTIVES,
                        &[("fiscal_year".into(), y.year().to_string())],
                    )
                },
                |_, n| FigureValue::activity(n),
                &unit,
            )
            .await?
        };
        let mut rows = Vec::new();
        for o in &now {
            let unit = text(o, &r::OBJECTIVES, "unit");
            let target = text(o, &r::OBJECTIVES, "target_value");
            let mut row = vec![
                Cell {
                    href: Some(format!("/o/{}/objectives/{}", self.org(), o.id)),
                    ..Cell::header(text(o, &r::OBJECTIVES, "title"))
                },
                Cell::text(if target.is_empty() {
                    "―".into()
                } else {
                    let comparison = Comparison::parse(&text(o, &r::OBJECTIVES, "comparison"))
                        .unwrap_or(Comparison::Equal);
                    ta(
                        self.lang,
                        &format!("r-target-{}", comparison.code()),
                        &[("value", format!("{target}{unit}"))],
                    )
                }),
            ];
            if results {
                // The yearly result links to the results it was made from.
                let result = text(o, &r::OBJECTIVES, "result");
                let code = text(o, &r::OBJECTIVES, "code");
                let measured = Query::dated(
                    &r::OBJECTIVE_RESULTS,
                    "measured_on",
                    self.fy,
                    &[("objective", code.as_str())],
                )?;
                row.push(if result.is_empty() {
                    Cell::text("―")
                } else {
                    Cell {
                        href: Some(measured.page(self.org())),
                        ..Cell::text(format!("{result}{unit}"))
                    }
                });
                let a = text(o, &r::OBJECTIVES, "achieved");
                row.push(Cell::text(if a.is_empty() {
                    "―".to_string()
                } else {
                    t(self.lang, &format!("r-achieved-{a}"))
                }));
                row.push(Cell::text(text(o, &r::OBJECTIVES, "evaluation")));
            } else {
                row.push(Cell::text(text(o, &r::OBJECTIVES, "metric")));
            }
            rows.push(row);
        }
        let (head, widths): (Vec<&str>, Vec<u16>) = if results {
            (
                vec![
                    "r-h-objective",
                    "r-h-target",
                    "r-h-result",
                    "r-h-achieved",
                    "r-h-evaluation",
                ],
                vec![3, 2, 1, 1, 3],
            )
        } else {
            (
                vec!["r-h-objective", "r-h-target", "r-h-metric"],
                vec![3, 2, 4],
            )
        };
        if rows.is_empty() {
            rows.push(dash_row(head.len()));
        }
        let summary = if results {
            ta(
                self.lang,
                "r-objectives-achieved",
                &[("count", count_cell.text.clone())],
            )
        } else {
            ta(
                self.lang,
                "r-objectives-count",
                &[("count", count_cell.text.clone())],
            )
        };
        Ok(vec![
            Block::Paragraph { text: summary },
            Block::Table(Table {
                caption: self.caption(if results {
                    "r-cap-results"
                } else {
                    "r-cap-objectives"
                }),
                head: head.iter().map(|k| t(self.lang, k)).collect(),
                rows,
                widths,
                notes: if results {
                    vec![self.footnote(), t(self.lang, "r-note-results")]
                } else {
                    vec![self.footnote()]
                },
            }),
        ])
    }

    /// 5.2(1): law changes acted on in the year (decided then), listed; otherwise a row of ―.
    pub(super) async fn laws(&mut self) -> Result<Vec<Block>> {
        self.counted(
            "law_changes.count",
            &r::LAW_CHANGES,
            "decided_on",
            &[("decision", "acted")],
            true,
            &self.unit("r-unit-items"),
        )
        .await?;
        let requirements = self.every(&r::REQUIREMENTS).await?;
        let mut rows: Vec<Vec<Cell>> = self
            .records(&r::LAW_CHANGES, "decided_on", self.fy)
            .await?
            .iter()
            .filter(|c| text(c, &r::LAW_CHANGES, "decision") == "acted")
            .map(|c| {
                let code = text(c, &r::LAW_CHANGES, "requirement");
                let name = requirements
                    .iter()
                    .find(|q| text(q, &r::REQUIREMENTS, "code") == code)
                    .map(|q| text(q, &r::REQUIREMENTS, "name"))
                    .unwrap_or(code);
                vec![
                    Cell::header(name),
                    Cell::text(
                        date_of(c, &r::LAW_CHANGES, "effective_on")
                            .map(|d| self.date(d))
                            .unwrap_or_default(),
                    ),
                    Cell::text(text(c, &r::LAW_CHANGES, "summary")),
                    Cell::text(text(c, &r::LAW_CHANGES, "review")),
                ]
            })
            .collect();
        let done = !rows.is_empty();
        if !done {
            rows.push(dash_row(4));
        }
        let previous = self.figures["law_changes.count"].previous;
        Ok(vec![
            Block::Paragraph {
                text: t(self.lang, if done { "r-laws-acted" } else { "r-laws-none" }),
            },
            Block::Table(Table {
                caption: self.caption("r-cap-laws"),
                head: ["r-h-law", "r-h-effective", "r-h-changes", "r-h-review"]
                    .iter()
                    .map(|k| t(self.lang, k))
                    .collect(),
                rows,
                widths: vec![2, 1, 3, 3],
                notes: vec![ta(
                    self.lang,
                    "r-note-previous-result",
                    &[
                        ("year", self.label(self.fy.previous())),
                        (
                            "value",
                            previous.with_unit(&self.unit("r-unit-items"), self.lang),
                        ),
                    ],
                )],
            }),
        ])
    }
}
