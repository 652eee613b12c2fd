//! 5.2(3)–(8): external-incident reviews, relaxations, changes, the management review, drills and facilities.

use super::*;

impl Builder<'_> {
    pub(super) async fn external_reviews(&mut self) -> Result<Vec<Block>> {
        let table = self
            .pair(
                [
                    "external_incident_reviews.reviewed",
                    "external_incident_reviews.implemented",
                ],
                &r::EXTERNAL_INCIDENT_REVIEWS,
                "reviewed_on",
                ("decision", "implement"),
                "r-cap-external",
                ["r-h-reviewed", "r-h-implemented", "r-h-implementation"],
                |x| text(x, &r::EXTERNAL_INCIDENT_REVIEWS, "implemented"),
            )
            .await?;
        Ok(vec![
            Block::Paragraph {
                text: t(self.lang, "r-external-text"),
            },
            Block::Table(table),
        ])
    }

    pub(super) async fn relaxations(&mut self) -> Result<Vec<Block>> {
        let table = self
            .pair(
                ["relaxation_reviews.reviewed", "relaxation_reviews.relaxed"],
                &r::RELAXATION_REVIEWS,
                "reviewed_on",
                ("decision", "relax"),
                "r-cap-relaxation",
                ["r-h-relax-reviewed", "r-h-relaxed", "r-h-relaxation"],
                |x| text(x, &r::RELAXATION_REVIEWS, "reassessment"),
            )
            .await?;
        let none = self.figures["relaxation_reviews.reviewed"].current == FigureValue::count(0);
        Ok(vec![
            Block::Paragraph {
                text: t(
                    self.lang,
                    if none {
                        "r-relaxation-none"
                    } else {
                        "r-relaxation-text"
                    },
                ),
            },
            Block::Table(table),
        ])
    }

    pub(super) async fn changes(&mut self) -> Result<Vec<Block>> {
        let table = self
            .pair(
                [
                    "change_assessments.assessed",
                    "change_assessments.controls_confirmed",
                ],
                &r::CHANGE_ASSESSMENTS,
                "assessed_on",
                ("controls_confirmed", "yes"),
                "r-cap-changes",
                ["r-h-assessed", "r-h-confirmed", "r-h-note"],
                |x| text(x, &r::CHANGE_ASSESSMENTS, "description"),
            )
            .await?;
        Ok(vec![
            Block::Paragraph {
                text: t(self.lang, "r-changes-text"),
            },
            Block::Table(table),
        ])
    }

    /// The management reviews held in a year, with their inputs and outputs counted.
    /// 5.2(6): the management reviews held in the year, their inputs and outputs.
    pub(super) async fn management_review(&mut self) -> Result<Vec<Block>> {
        let unit = self.unit("r-unit-items");
        let held = self
            .records(&r::MANAGEMENT_REVIEWS, "held_on", self.fy)
            .await?;
        let held_before = self
            .records(&r::MANAGEMENT_REVIEWS, "held_on", self.fy.previous())
            .await?;
        let (fy, any_now, any_before) = (self.fy, !held.is_empty(), !held_before.is_empty());
        // A year without a review shows 無し, not 0.
        let value = |y: FiscalYear, n: i64| {
            let held = if y == fy { any_now } else { any_before };
            if held {
                FigureValue::count(n)
            } else {
                FigureValue::None
            }
        };
        let inputs = self
            .queried(
                "management_review.inputs",
                |y| Query::dated(&r::REVIEW_INPUTS, "review.held_on", y, &[]),
                value,
                &unit,
            )
            .await?;
        let outputs = self
            .queried(
                "management_review.outputs",
                |y| Query::dated(&r::REVIEW_OUTPUTS, "review.held_on", y, &[]),
                value,
                &unit,
            )
            .await?;
        let when: Vec<String> = held
            .iter()
            .filter_map(|m| date_of(m, &r::MANAGEMENT_REVIEWS, "held_on"))
            .map(|d| self.date(d))
            .collect();
        let rows = vec![vec![
            Cell::header(if when.is_empty() {
                "―".to_string()
            } else {
                when.join("、")
            }),
            inputs,
            outputs,
            Cell::text(t(self.lang, "r-nothing")),
        ]];
        Ok(vec![
            Block::Paragraph {
                text: t(
                    self.lang,
                    if held.is_empty() {
                        "r-mr-none"
                    } else {
                        "r-mr-text"
                    },
                ),
            },
            Block::Table(Table {
                caption: self.caption("r-cap-mr"),
                head: ["r-h-held-on", "r-h-inputs", "r-h-outputs", "r-h-note"]
                    .iter()
                    .map(|k| t(self.lang, k))
                    .collect(),
                rows,
                widths: vec![2, 2, 2, 2],
                notes: vec![self.footnote()],
            }),
        ])
    }

    /// 5.2(7): the year's continuity drills.
    pub(super) async fn drills(&mut self) -> Result<Vec<Block>> {
        self.counted(
            "continuity_drills.count",
            &r::DRILLS,
            "held_on",
            &[],
            true,
            &self.unit("r-unit-times"),
        )
        .await?;
        let drills = self.records(&r::DRILLS, "held_on", self.fy).await?;
        let scenarios = self.every(&r::CONTINUITY_SCENARIOS).await?;
        let s = &r::CONTINUITY_SCENARIOS;
        let mut rows = Vec::new();
        let mut previous = None;
        for d in &drills {
            let code = text(d, &r::DRILLS, "scenario");
            let sc = scenarios.iter().find(|x| text(x, s, "code") == code);
            let f = |name: &str| sc.map(|x| text(x, s, name)).unwrap_or_default();
            let minutes = text(d, &r::DRILLS, "actual_minutes");
            previous = previous.or(date_of(d, &r::DRILLS, "previous_on"));
            rows.push(vec![
                Cell {
                    href: Some(format!("/o/{}/drills/{}", self.org(), d.id)),
                    ..Cell::header(
                        date_of(d, &r::DRILLS, "held_on")
                            .map(|x| self.date(x))
                            .unwrap_or_default(),
                    )
                },
                Cell::text(ta(
                    self.lang,
                    "r-drill-event",
                    &[
                        ("what", f("event")),
                        ("from", f("likelihood")),
                        ("to", f("priority")),
                    ],
                )),
                Cell::text(ta(
                    self.lang,
                    "r-drill-hours",
                    &[("count", f("target_hours"))],
                )),
                Cell::text(ta(self.lang, "r-drill-minutes", &[("count", minutes)])),
                Cell::text(text(d, &r::DRILLS, "follow_up")),
            ]);
        }
        let none = rows.is_empty();
        if none {
            rows.push(dash_row(5));
        }
        let note = match previous {
            Some(p) => ta(self.lang, "r-drill-previous", &[("date", self.date(p))]),
            None => t(self.lang, "r-drill-previous-none"),
        };
        Ok(vec![
            Block::Paragraph {
                text: t(
                    self.lang,
                    if none {
                        "r-drills-none"
                    } else {
                        "r-drills-text"
                    },
                ),
            },
            Block::Table(Table {
                caption: self.caption("r-cap-drills"),
                head: [
                    "r-h-done-on",
                    "r-h-scenario",
                    "r-h-target-time",
                    "r-h-actual-time",
                    "r-h-feedback",
                ]
                .iter()
                .map(|k| t(self.lang, k))
                .collect(),
                rows,
                widths: vec![1, 2, 1, 1, 3],
                notes: vec![note],
            }),
        ])
    }

    /// 5.2(8): facilities surveyed in the year.
    pub(super) async fn facilities(&mut self) -> Result<Vec<Block>> {
        self.counted(
            "facility_assessments.count",
            &r::FACILITY_ASSESSMENTS,
            "surveyed_on",
            &[],
            true,
            &self.unit("r-unit-items"),
        )
        .await?;
        let list = self
            .records(&r::FACILITY_ASSESSMENTS, "surveyed_on", self.fy)
            .await?;
        let scores = self.every(&r::FACILITY_SCORES).await?;
        let f = &r::FACILITY_ASSESSMENTS;
        let mut rows: Vec<Vec<Cell>> = list
            .iter()
            .map(|a| {
                let code = text(a, f, "code");
                let n = scores
                    .iter()
                    .filter(|x| text(x, &r::FACILITY_SCORES, "assessment") == code)
                    .count();
                vec![
                    Cell {
                        href: Some(format!("/o/{}/facility-assessments/{}", self.org(), a.id)),
                        ..Cell::header(format!(
                            "{}\n{}",
                            text(a, f, "building"),
                            text(a, f, "address")
                        ))
                    },
                    Cell::text(
                        date_of(a, f, "surveyed_on")
                            .map(|d| self.date(d))
                            .unwrap_or_default(),
                    ),
                    Cell::text(n.to_string()),
                    Cell::text(text(a, f, "average_score")),
                    Cell::text(t(
                        self.lang,
                        &format!("r-decision-{}", text(a, f, "decision")),
                    )),
                ]
            })
            .collect();
        let none = rows.is_empty();
        if none {
            rows.push(dash_row(5));
        }
        Ok(vec![
            Block::Paragraph {
                text: t(
                    self.lang,
                    if none {
                        "r-facilities-none"
                    } else {
                        "r-facilities-text"
                    },
                ),
            },
            Block::Table(Table {
                caption: self.caption("r-cap-facilities"),
                head: [
                    "r-h-building",
                    "r-h-surveyed",
                    "r-h-criteria",
                    "r-h-average",
                    "r-h-note",
                ]
                .iter()
                .map(|k| t(self.lang, k))
                .collect(),
                rows,
                widths: vec![3, 1, 1, 1, 1],
                notes: Vec::new(),
            }),
        ])
    }
}
