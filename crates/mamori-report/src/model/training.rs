//! 5.2(2): training and external seminars, and the two-year tables several sections share.

use super::*;

impl Builder<'_> {
    /// 5.2(2): in-house training per kind (people expected and attended, onboarding trainees left
    /// out of the periodic course by the data), the completion rate of onboarding and periodic
    /// training, and the external security seminars with their attendees.
    pub(super) async fn training(&mut self) -> Result<Vec<Block>> {
        let person = self.unit("r-unit-persons");
        let mut rows = Vec::new();
        let courses = self.every(&r::COURSES).await?;
        for kind in ["onboarding", "periodic", "remedial", "mental_health"] {
            // The people expected at the kind's sessions of the year and those who attended: the
            // attendance records listed for those sessions, and those marked attended.
            let attendances = |y: FiscalYear, attended: bool| {
                let mut filters = vec![("session.course.kind", kind)];
                if attended {
                    filters.push(("status", "attended"));
                }
                Query::dated(&r::ATTENDANCES, "session.held_on", y, &filters)
            };
            let target = self
                .queried(
                    &format!("training.{kind}.target"),
                    |y| attendances(y, false),
                    |_, n| FigureValue::count(n),
                    &person,
                )
                .await?;
            let attended = self
                .queried(
                    &format!("training.{kind}.attended"),
                    |y| attendances(y, true),
                    |_, n| FigureValue::count(n),
                    &person,
                )
                .await?;
            let course = courses
                .iter()
                .find(|c| text(c, &r::COURSES, "kind") == kind);
            let name = course.map_or_else(
                || t(self.lang, &format!("r-course-{kind}")),
                |c| text(c, &r::COURSES, "name"),
            );
            let content = course
                .map(|c| text(c, &r::COURSES, "content"))
                .unwrap_or_default();
            let note = course
                .map(|c| text(c, &r::COURSES, "clauses"))
                .unwrap_or_default();
            rows.push(vec![
                Cell::header(name),
                Cell::text(content),
                target,
                attended,
                Cell::text(note),
            ]);
        }
        // The completion rate of onboarding and periodic training: the share of the people expected
        // at those sessions who attended.
        let expected = |y: FiscalYear| {
            Query::dated(
                &r::ATTENDANCES,
                "session.held_on",
                y,
                &[("session.course.kind", "onboarding,periodic")],
            )
        };
        let rate_cell = self
            .share(
                "training.completion_rate",
                expected,
                &[("status", "attended")],
            )
            .await?;
        // External seminars on security, held in the year, with how many attended each.
        let seminars = self
            .records(&r::EXTERNAL_SEMINARS, "held_on", self.fy)
            .await?;
        let seminars_before = self
            .records(&r::EXTERNAL_SEMINARS, "held_on", self.fy.previous())
            .await?;
        let attendees = self.every(&r::SEMINAR_ATTENDEES).await?;
        let count_of = |s: &Record| {
            let code = text(s, &r::EXTERNAL_SEMINARS, "code");
            attendees
                .iter()
                .filter(|a| text(a, &r::SEMINAR_ATTENDEES, "seminar") == code)
                .count() as i64
        };
        let security = |s: &&Record| text(s, &r::EXTERNAL_SEMINARS, "security") == "yes";
        let ext_total = self
            .queried(
                "external_seminars.attendees",
                |y| {
                    Query::dated(
                        &r::SEMINAR_ATTENDEES,
                        "seminar.held_on",
                        y,
                        &[("seminar.security", "yes")],
                    )
                },
                |_, n| FigureValue::activity(n),
                &person,
            )
            .await?;
        let mut ext_rows: Vec<Vec<Cell>> = seminars
            .iter()
            .filter(security)
            .map(|s| {
                vec![
                    Cell {
                        href: Some(format!("/o/{}/external-seminars/{}", self.org(), s.id)),
                        ..Cell::header(text(s, &r::EXTERNAL_SEMINARS, "title"))
                    },
                    Cell::text(text(s, &r::EXTERNAL_SEMINARS, "note")),
                    Cell::text(format!("{}{person}", count_of(s))),
                    Cell::text(ta(
                        self.lang,
                        "r-organiser",
                        &[("body", text(s, &r::EXTERNAL_SEMINARS, "organiser"))],
                    )),
                ]
            })
            .collect();
        if ext_rows.is_empty() {
            ext_rows.push(dash_row(4));
        }
        let before_list: Vec<String> = seminars_before
            .iter()
            .filter(security)
            .map(|s| {
                format!(
                    "{}×{}{person}",
                    text(s, &r::EXTERNAL_SEMINARS, "title"),
                    count_of(s)
                )
            })
            .collect();
        let previous_note = if self.before_records(self.fy.previous()) {
            "―".to_string()
        } else if before_list.is_empty() {
            FigureValue::None.text(self.lang)
        } else {
            before_list.join("、")
        };
        let plan = self.training_plan(&courses).await?;
        let mut blocks = vec![
            Block::Paragraph {
                text: ta(
                    self.lang,
                    "r-training-text",
                    &[("rate", rate_cell.text.clone())],
                ),
            },
            Block::Table(Table {
                caption: self.caption("r-cap-training"),
                head: [
                    "r-h-course",
                    "r-h-content",
                    "r-h-target-persons",
                    "r-h-attended",
                    "r-h-note",
                ]
                .iter()
                .map(|k| t(self.lang, k))
                .collect(),
                rows,
                widths: vec![2, 4, 1, 1, 2],
                notes: vec![self.footnote()],
            }),
            Block::Table(Table {
                caption: self.caption("r-cap-seminars"),
                head: ["r-h-seminar", "r-h-content", "r-h-attended", "r-h-note"]
                    .iter()
                    .map(|k| t(self.lang, k))
                    .collect(),
                rows: ext_rows,
                widths: vec![3, 4, 1, 2],
                notes: vec![
                    ta(
                        self.lang,
                        "r-seminars-total",
                        &[("value", ext_total.text.clone())],
                    ),
                    ta(
                        self.lang,
                        "r-note-previous-result",
                        &[
                            ("year", self.label(self.fy.previous())),
                            ("value", previous_note),
                        ],
                    ),
                ],
            }),
        ];
        blocks.extend(plan);
        Ok(blocks)
    }

    /// The training plan against what was held (seed 4(2)), when the year has one: each course
    /// planned, its sessions planned and held in the year.
    async fn training_plan(&mut self, courses: &[Record]) -> Result<Option<Block>> {
        let plans = self
            .records(&r::TRAINING_PLANS, "planned_on", self.fy)
            .await?;
        let mut codes: Vec<String> = plans
            .iter()
            .map(|p| text(p, &r::TRAINING_PLANS, "course"))
            .collect();
        codes.sort();
        codes.dedup();
        if codes.is_empty() {
            return Ok(None);
        }
        let times = self.unit("r-unit-times");
        let mut rows = Vec::new();
        for code in codes {
            let filters = [("course", code.as_str())];
            let planned = self
                .queried(
                    &format!("training.plan.{code}.planned"),
                    |y| Query::dated(&r::TRAINING_PLANS, "planned_on", y, &filters),
                    |_, n| FigureValue::count(n),
                    &times,
                )
                .await?;
            let held = self
                .queried(
                    &format!("training.plan.{code}.held"),
                    |y| Query::dated(&r::TRAINING_SESSIONS, "held_on", y, &filters),
                    |_, n| FigureValue::count(n),
                    &times,
                )
                .await?;
            let name = courses
                .iter()
                .find(|c| text(c, &r::COURSES, "code") == code)
                .map_or(code.clone(), |c| text(c, &r::COURSES, "name"));
            rows.push(vec![Cell::header(name), planned, held]);
        }
        Ok(Some(Block::Table(Table {
            caption: self.caption("r-cap-training-plan"),
            head: ["r-h-course", "r-h-planned", "r-h-held"]
                .iter()
                .map(|k| t(self.lang, k))
                .collect(),
            rows,
            widths: vec![4, 1, 1],
            notes: vec![self.footnote()],
        })))
    }

    /// A table of two or three figures of one register with a text column (5.2(3)(4)(5)).
    #[allow(clippy::too_many_arguments)]
    pub(super) async fn pair(
        &mut self,
        ids: [&str; 2],
        reg: &'static Register,
        date: &str,
        subset: (&str, &str),
        caption: &str,
        head: [&str; 3],
        detail: impl Fn(&Record) -> String,
    ) -> Result<Table> {
        let unit = self.unit("r-unit-items");
        let all = self.counted(ids[0], reg, date, &[], false, &unit).await?;
        let part = self
            .counted(ids[1], reg, date, &[subset], false, &unit)
            .await?;
        let details: Vec<String> = self
            .records(reg, date, self.fy)
            .await?
            .iter()
            .filter(|x| text(x, reg, subset.0) == subset.1)
            .map(detail)
            .filter(|d| !d.is_empty())
            .collect();
        Ok(Table {
            caption: self.caption(caption),
            head: head.iter().map(|k| t(self.lang, k)).collect(),
            rows: vec![vec![
                all,
                part,
                Cell::text(if details.is_empty() {
                    t(self.lang, "r-nothing")
                } else {
                    details.join("\n")
                }),
            ]],
            widths: vec![1, 1, 4],
            notes: vec![self.footnote()],
        })
    }
}
