//! Risk and controls: the control catalogue, external-incident reviews, changes, relaxations, internal rules, risks, the statement of applicability, continuity, facilities and the IPA self-assessment.

#[allow(unused_imports)]
use super::*;

pub const CONTROL_SOURCES: &[&str] = &["annex_a_2022", "custom"];
pub const CONTROL_THEMES: &[&str] = &["organizational", "people", "physical", "technological"];

/// 管理策: the ISO/IEC 27001:2022 Annex A catalogue (ids, themes, English titles; the Japanese title is
/// the organisation's own, from its JIS copy) and the organisation's custom controls. `ordinal` keeps the
/// catalogue's order (A.5.2 before A.5.10).
pub static CONTROLS: Register = Register {
    code: "control",
    collection: "controls",
    table: "controls",
    fields: &[
        unique(field("code", FieldKind::Text { max: 20 })),
        detail_only(field("ordinal", FieldKind::Int { min: 1, max: 9999 })),
        filter(required(field(
            "source",
            FieldKind::Choice(CONTROL_SOURCES),
        ))),
        filter(field("theme", FieldKind::Choice(CONTROL_THEMES))),
        required(field("title", FieldKind::Text { max: 200 })),
        field("title_ja", FieldKind::Text { max: 200 }),
        field("predecessors_2013", FieldKind::Text { max: 200 }),
        filter(field("new_in_2022", FieldKind::Choice(YES_NO))),
        detail_only(field("description", FieldKind::Text { max: 2000 })),
    ],
    natural_key: Some("code"),
    title_field: "title",
    default_sort: "ordinal",
    search: &[
        "code",
        "title",
        "title_ja",
        "predecessors_2013",
        "description",
    ],
    initial: &[("source", "custom")],
    validate: Some(check_control),
    ..REGISTER
};

/// An Annex A control is named `A.5.1` … `A.8.34` under its theme; a custom control takes no name
/// of the catalogue's form, so the two never meet.
pub(super) fn check_control(values: &[Value]) -> Vec<FieldError> {
    let get = |name: &str| CONTROLS.text(values, name);
    let code = get("code");
    let annex = |c: &str| -> Option<(u32, u32)> {
        let rest = c.strip_prefix("A.")?;
        let (a, b) = rest.split_once('.')?;
        Some((a.parse().ok()?, b.parse().ok()?))
    };
    let error = match (get("source").as_str(), annex(&code)) {
        ("annex_a_2022", Some((5..=8, 1..))) if get("theme").is_empty() => {
            Some(FieldError::new("theme", "required"))
        }
        ("annex_a_2022", Some((5..=8, 1..))) => None,
        ("annex_a_2022", _) if !code.is_empty() => Some(FieldError::new("code", "not-annex-a")),
        ("custom", _) if code.starts_with("A.") => {
            Some(FieldError::new("code", "reserved-for-annex-a"))
        }
        _ => None,
    };
    error.into_iter().collect()
}

/// The ISO/IEC 27001:2013 Annex A controls and where each went in 2022, so that records kept against
/// the 2013 ids can be found.
pub static CONTROLS_2013: Register = Register {
    code: "control_2013",
    collection: "controls-2013",
    table: "controls_2013",
    fields: &[
        unique(field("code", FieldKind::Text { max: 20 })),
        detail_only(field("ordinal", FieldKind::Int { min: 1, max: 9999 })),
        required(field("title", FieldKind::Text { max: 200 })),
        required(field("ids_2022", FieldKind::Text { max: 100 })),
    ],
    natural_key: Some("code"),
    title_field: "title",
    default_sort: "ordinal",
    search: &["code", "title", "ids_2022"],
    ..REGISTER
};

pub const REVIEW_SOURCES: &[&str] = &["news", "ipa", "jpcert", "vendor", "other"];
pub const REVIEW_DECISIONS: &[&str] = &["pending", "implement", "no_action"];

/// 社外インシデント検討: an incident elsewhere (in the news, IPA's 10大脅威, a JPCERT/CC alert, a vendor's
/// advisory), the meeting that reviewed it and whether something was implemented. Counted per
/// fiscal year, with the implemented ones (5.2(3) of the report).
pub static EXTERNAL_INCIDENT_REVIEWS: Register = Register {
    code: "external_incident_review",
    collection: "external-incident-reviews",
    table: "external_incident_reviews",
    fields: &[
        unique(field("code", FieldKind::Text { max: 40 })),
        filter(required(field("source", FieldKind::Choice(REVIEW_SOURCES)))),
        field("source_on", FieldKind::Date),
        required(field("summary", FieldKind::Text { max: 1000 })),
        filter(field("meeting", FieldKind::Ref("meetings"))),
        filter(required(field("reviewed_on", FieldKind::Date))),
        filter(required(field(
            "decision",
            FieldKind::Choice(REVIEW_DECISIONS),
        ))),
        detail_only(field("implemented", FieldKind::Text { max: 1000 })),
    ],
    natural_key: Some("code"),
    title_field: "summary",
    default_sort: "reviewed_on",
    search: &["code", "summary", "implemented"],
    not_before: &[("reviewed_on", "source_on")],
    initial: &[("decision", "pending")],
    validate: Some(check_external_review),
    numbered: Some("XR-"),
    read: ReadScope::NotStaff,
    year_field: Some("reviewed_on"),
    ..REGISTER
};

/// What was implemented is written down when the decision is to implement.
pub(super) fn check_external_review(values: &[Value]) -> Vec<FieldError> {
    let get = |name: &str| EXTERNAL_INCIDENT_REVIEWS.text(values, name);
    if get("decision") == "implement" && get("implemented").is_empty() {
        vec![FieldError::with(
            "implemented",
            "needed-for-step",
            "implement",
        )]
    } else {
        Vec::new()
    }
}

pub const CHANGE_KINDS: &[&str] = &["new_business", "new_critical_asset", "other"];

/// 新たな業務開始・重要資産の取得: a risk assessment a change asked for (a new business, a new critical
/// asset), and whether the controls were confirmed. Counted per fiscal year (5.2(5)).
pub static CHANGE_ASSESSMENTS: Register = Register {
    code: "change_assessment",
    collection: "change-assessments",
    table: "change_assessments",
    fields: &[
        unique(field("code", FieldKind::Text { max: 40 })),
        filter(required(field("assessed_on", FieldKind::Date))),
        filter(required(field(
            "change_kind",
            FieldKind::Choice(CHANGE_KINDS),
        ))),
        filter(field("department", FieldKind::Ref("departments"))),
        required(field("description", FieldKind::Text { max: 1000 })),
        detail_only(field("assessment", FieldKind::Text { max: 2000 })),
        filter(field("controls_confirmed", FieldKind::Choice(YES_NO))),
    ],
    natural_key: Some("code"),
    title_field: "description",
    default_sort: "assessed_on",
    search: &["code", "description", "assessment"],
    numbered: Some("CH-"),
    read: ReadScope::NotStaff,
    year_field: Some("assessed_on"),
    ..REGISTER
};

pub const RELAXATION_DECISIONS: &[&str] = &["pending", "relax", "keep"];

/// 管理策の過剰による緩和: a control found excessive, the reason, the risk assessed again, and the
/// decision with its approver. Counted per fiscal year, with the relaxed ones (5.2(4)).
pub static RELAXATION_REVIEWS: Register = Register {
    code: "relaxation_review",
    collection: "relaxation-reviews",
    table: "relaxation_reviews",
    fields: &[
        unique(field("code", FieldKind::Text { max: 40 })),
        filter(required(field("reviewed_on", FieldKind::Date))),
        filter(required(field("control", FieldKind::Ref("controls")))),
        required(field("reason", FieldKind::Text { max: 1000 })),
        detail_only(field("reassessment", FieldKind::Text { max: 2000 })),
        filter(required(field(
            "decision",
            FieldKind::Choice(RELAXATION_DECISIONS),
        ))),
        filter(field("approver", FieldKind::Ref("people"))),
        field("decided_on", FieldKind::Date),
    ],
    natural_key: Some("code"),
    title_field: "code",
    default_sort: "reviewed_on",
    search: &["code", "reason", "reassessment"],
    not_before: &[("decided_on", "reviewed_on")],
    initial: &[("decision", "pending")],
    validate: Some(check_relaxation),
    numbered: Some("RX-"),
    read: ReadScope::NotStaff,
    year_field: Some("reviewed_on"),
    ..REGISTER
};

/// A decision names who approved it and when.
pub(super) fn check_relaxation(values: &[Value]) -> Vec<FieldError> {
    let get = |name: &str| RELAXATION_REVIEWS.text(values, name);
    let decision = get("decision");
    if decision.is_empty() || decision == "pending" {
        return Vec::new();
    }
    ["approver", "decided_on"]
        .iter()
        .filter(|f| get(f).is_empty())
        .map(|f| FieldError::with(f, "needed-for-step", decision.clone()))
        .collect()
}

pub const RULE_KINDS: &[&str] = &["policy", "rule", "procedure", "form"];

/// 規程・手順書: the organisation's policies, rules and procedures. The version, revision date and
/// approver shown are the latest revision's; the controls a rule implements are linked in
/// `RULE_CONTROLS`.
pub static INTERNAL_RULES: Register = Register {
    code: "internal_rule",
    collection: "internal-rules",
    table: "internal_rules",
    fields: &[
        unique(field("code", FieldKind::Text { max: 40 })),
        required(field("title", FieldKind::Text { max: 200 })),
        filter(required(field("kind", FieldKind::Choice(RULE_KINDS)))),
        filter(field("department", FieldKind::Ref("departments"))),
        field("version", FieldKind::Text { max: 20 }),
        filter(field("revised_on", FieldKind::Date)),
        filter(field("approver", FieldKind::Ref("people"))),
        field("approved_on", FieldKind::Date),
        detail_only(field("location", FieldKind::Text { max: 500 })),
        detail_only(field("summary", FieldKind::Text { max: 1000 })),
    ],
    natural_key: Some("code"),
    title_field: "title",
    default_sort: "code",
    search: &["code", "title", "summary", "location"],
    numbered: Some("RL-"),
    ..REGISTER
};

/// 改訂履歴: one revision of a rule (版, 改訂日, 改訂内容, 承認者). A revision without an approver is a
/// draft. The latest revision stamps its rule.
pub static RULE_REVISIONS: Register = Register {
    code: "rule_revision",
    collection: "rule-revisions",
    table: "rule_revisions",
    fields: &[
        filter(required(field("rule", FieldKind::Ref("internal-rules")))),
        required(field("version", FieldKind::Text { max: 20 })),
        filter(required(field("revised_on", FieldKind::Date))),
        required(field("content", FieldKind::Text { max: 1000 })),
        filter(field("approver", FieldKind::Ref("people"))),
        field("approved_on", FieldKind::Date),
    ],
    title_field: "version",
    default_sort: "revised_on",
    search: &["version", "content"],
    unique_together: &[&["rule", "version"]],
    validate: Some(check_revision),
    year_field: Some("revised_on"),
    ..REGISTER
};

/// An approval names its approver and date together.
pub(super) fn check_revision(values: &[Value]) -> Vec<FieldError> {
    let get = |name: &str| RULE_REVISIONS.text(values, name);
    both_or_neither(
        &get("approver"),
        &get("approved_on"),
        "approver",
        "approved_on",
    )
}

pub(super) fn both_or_neither(a: &str, b: &str, a_name: &str, b_name: &str) -> Vec<FieldError> {
    match (a.is_empty(), b.is_empty()) {
        (false, true) => vec![FieldError::new(b_name, "required")],
        (true, false) => vec![FieldError::new(a_name, "required")],
        _ => Vec::new(),
    }
}

/// Which controls a rule implements.
pub static RULE_CONTROLS: Register = Register {
    code: "rule_control",
    collection: "rule-controls",
    table: "rule_controls",
    fields: &[
        filter(required(field("rule", FieldKind::Ref("internal-rules")))),
        filter(required(field("control", FieldKind::Ref("controls")))),
        field("note", FieldKind::Text { max: 500 }),
    ],
    title_field: "control",
    default_sort: "rule",
    search: &["note"],
    unique_together: &[&["rule", "control"]],
    read: ReadScope::NotStaff,
    ..REGISTER
};

pub const TREATMENTS: &[&str] = &["modify", "retain", "avoid", "share"];
pub const RISK_STATUSES: &[&str] = &["proposed", "assessed", "treating", "accepted", "closed"];

choice_enum!(
    /// Where a risk is: proposed (by a new asset or classification), assessed, being treated,
    /// accepted, closed.
    RiskStatus,
    RISK_STATUSES,
    [Proposed, Assessed, Treating, Accepted, Closed]
);

/// リスク: a risk to an asset or a group of assets, from a threat exploiting a vulnerability, rated
/// on the organisation's method, with its treatment, the residual risk and its owner's acceptance.
/// A risk staff must know is briefed in a notice, whose reads are tracked. A new asset, or one whose
/// classification changes, gets a risk proposed (status `proposed`).
pub static RISKS: Register = Register {
    code: "risk",
    collection: "risks",
    table: "risks",
    fields: &[
        unique(field("code", FieldKind::Text { max: 40 })),
        filter(field("asset", FieldKind::Ref("assets"))),
        field("asset_group", FieldKind::Text { max: 200 }),
        filter(field("department", FieldKind::Ref("departments"))),
        field("threat", FieldKind::Text { max: 500 }),
        detail_only(field("vulnerability", FieldKind::Text { max: 500 })),
        detail_only(field("existing_controls", FieldKind::Text { max: 1000 })),
        detail_only(field("likelihood", FieldKind::Scale(Scale::Likelihood))),
        detail_only(field("impact", FieldKind::Scale(Scale::Impact))),
        filter(field("level", FieldKind::Scale(Scale::Level))),
        filter(field("treatment", FieldKind::Choice(TREATMENTS))),
        detail_only(field("plan", FieldKind::Text { max: 1000 })),
        detail_only(filter(field("owner", FieldKind::Ref("people")))),
        detail_only(filter(field("due_on", FieldKind::Date))),
        detail_only(field(
            "residual_likelihood",
            FieldKind::Scale(Scale::Likelihood),
        )),
        detail_only(field("residual_impact", FieldKind::Scale(Scale::Impact))),
        filter(field("residual_level", FieldKind::Scale(Scale::Level))),
        filter(field("acceptable", FieldKind::Choice(YES_NO))),
        detail_only(field("accepted_by", FieldKind::Ref("people"))),
        detail_only(field("accepted_on", FieldKind::Date)),
        detail_only(filter(field("staff_must_know", FieldKind::Choice(YES_NO)))),
        detail_only(field("notice", FieldKind::Ref("notices"))),
        filter(required(field("status", FieldKind::Choice(RISK_STATUSES)))),
    ],
    natural_key: Some("code"),
    title_field: "threat",
    department_field: Some("department"),
    write: WriteScope::SecretariatOrOwnDepartment,
    read: ReadScope::NotStaff,
    default_sort: "code",
    search: &[
        "code",
        "asset_group",
        "threat",
        "vulnerability",
        "existing_controls",
        "plan",
    ],
    defaults: &[("department", "asset", "department")],
    initial: &[("status", "assessed")],
    validate: Some(check_risk),
    numbered: Some("R-"),
    computed: &["level", "residual_level", "acceptable"],
    ..REGISTER
};

/// A risk names an asset or a group; once assessed it has a threat, a vulnerability and its
/// ratings; a treatment to modify it has a plan, an owner and a due date; an accepted risk names
/// who accepted it and when; residual ratings come in pairs.
pub(super) fn check_risk(values: &[Value]) -> Vec<FieldError> {
    let get = |name: &str| RISKS.text(values, name);
    let mut errors = Vec::new();
    if get("asset").is_empty() && get("asset_group").is_empty() {
        errors.push(FieldError::new("asset", "asset-or-group"));
    }
    let status = get("status");
    let step = RiskStatus::parse(&status);
    if step != Some(RiskStatus::Proposed) {
        for f in ["threat", "vulnerability", "likelihood", "impact"] {
            if get(f).is_empty() {
                errors.push(FieldError::with(f, "needed-for-step", status.clone()));
            }
        }
    }
    if get("treatment") == "modify" {
        for f in ["plan", "owner", "due_on"] {
            if get(f).is_empty() {
                errors.push(FieldError::new(f, "needed-for-modify"));
            }
        }
    }
    if matches!(step, Some(RiskStatus::Accepted | RiskStatus::Closed)) {
        for f in ["accepted_by", "accepted_on"] {
            if get(f).is_empty() {
                errors.push(FieldError::with(f, "needed-for-step", status.clone()));
            }
        }
    }
    errors.extend(both_or_neither(
        &get("accepted_by"),
        &get("accepted_on"),
        "accepted_by",
        "accepted_on",
    ));
    errors.extend(both_or_neither(
        &get("residual_likelihood"),
        &get("residual_impact"),
        "residual_likelihood",
        "residual_impact",
    ));
    errors
}

pub const CONTROL_ROLES: &[&str] = &["existing", "planned"];

/// The controls a risk relies on (existing) or its treatment adds (planned).
pub static RISK_CONTROLS: Register = Register {
    code: "risk_control",
    collection: "risk-controls",
    table: "risk_controls",
    fields: &[
        filter(required(field("risk", FieldKind::Ref("risks")))),
        filter(required(field("control", FieldKind::Ref("controls")))),
        filter(required(field("role", FieldKind::Choice(CONTROL_ROLES)))),
        field("note", FieldKind::Text { max: 500 }),
    ],
    title_field: "control",
    read: ReadScope::NotStaff,
    default_sort: "risk",
    search: &["note"],
    unique_together: &[&["risk", "control"]],
    initial: &[("role", "existing")],
    ..REGISTER
};

pub const SOA_STATUSES: &[&str] = &["implemented", "partial", "planned", "not_implemented"];

/// 適用宣言書: one line per control: applicable or not, why, how far it is implemented and the
/// evidence. Its rules and risks are those linked to the control; its revision history is its
/// record's history.
pub static SOA_ENTRIES: Register = Register {
    code: "soa_entry",
    collection: "soa-entries",
    table: "soa_entries",
    fields: &[
        filter(required(field("control", FieldKind::Ref("controls")))),
        filter(required(field("applicable", FieldKind::Choice(YES_NO)))),
        required(field("justification", FieldKind::Text { max: 1000 })),
        filter(field("status", FieldKind::Choice(SOA_STATUSES))),
        filter(field("department", FieldKind::Ref("departments"))),
        detail_only(field("evidence", FieldKind::Text { max: 1000 })),
        filter(field("reviewed_on", FieldKind::Date)),
    ],
    title_field: "control",
    default_sort: "control",
    search: &["justification", "evidence"],
    unique_together: &[&["control"]],
    validate: Some(check_soa),
    ..REGISTER
};

/// An applicable control states its implementation; an excluded one has none.
pub(super) fn check_soa(values: &[Value]) -> Vec<FieldError> {
    let get = |name: &str| SOA_ENTRIES.text(values, name);
    match (get("applicable").as_str(), get("status").is_empty()) {
        ("yes", true) => vec![FieldError::new("status", "required")],
        ("no", false) => vec![FieldError::new("status", "only-when-applicable")],
        _ => Vec::new(),
    }
}

/// 事業継続計画のシナリオ: an event, its likelihood and priority, the target recovery time and the
/// procedure.
pub static CONTINUITY_SCENARIOS: Register = Register {
    code: "continuity_scenario",
    collection: "continuity-scenarios",
    table: "continuity_scenarios",
    fields: &[
        unique(field("code", FieldKind::Text { max: 40 })),
        required(field("event", FieldKind::Text { max: 200 })),
        filter(field("likelihood", FieldKind::Scale(Scale::Likelihood))),
        filter(field("priority", FieldKind::Scale(Scale::Priority))),
        required(field("target_hours", FieldKind::Int { min: 0, max: 8760 })),
        filter(field("department", FieldKind::Ref("departments"))),
        detail_only(field("procedure", FieldKind::Text { max: 2000 })),
    ],
    natural_key: Some("code"),
    title_field: "event",
    default_sort: "code",
    search: &["code", "event", "procedure"],
    numbered: Some("BC-"),
    read: ReadScope::NotStaff,
    ..REGISTER
};

/// 事業継続計画訓練: a drill of a scenario, who took part, how long recovery took and whether the
/// scenario's target was met (computed), what was found and the follow-up. A drill that misses its
/// target raises a corrective action; the previous drill's date is kept with it.
pub static DRILLS: Register = Register {
    code: "drill",
    collection: "drills",
    table: "drills",
    fields: &[
        unique(field("code", FieldKind::Text { max: 40 })),
        filter(required(field("held_on", FieldKind::Date))),
        filter(required(field(
            "scenario",
            FieldKind::Ref("continuity-scenarios"),
        ))),
        detail_only(field("participants", FieldKind::Text { max: 500 })),
        required(field(
            "actual_minutes",
            FieldKind::Int {
                min: 0,
                max: 525_600,
            },
        )),
        filter(field("target_met", FieldKind::Choice(YES_NO))),
        field("previous_on", FieldKind::Date),
        detail_only(field("findings", FieldKind::Text { max: 2000 })),
        detail_only(field("follow_up", FieldKind::Text { max: 1000 })),
    ],
    natural_key: Some("code"),
    title_field: "code",
    default_sort: "held_on",
    search: &["code", "participants", "findings", "follow_up"],
    validate: Some(check_drill),
    numbered: Some("DR-"),
    computed: &["target_met", "previous_on"],
    year_field: Some("held_on"),
    ..REGISTER
};

/// A drill that missed its target says what follows.
pub(super) fn check_drill(values: &[Value]) -> Vec<FieldError> {
    let get = |name: &str| DRILLS.text(values, name);
    if get("target_met") == "no" && get("follow_up").is_empty() {
        return vec![FieldError::new("follow_up", "needed-when-missed")];
    }
    Vec::new()
}

/// 施設の選定の評価項目: the organisation's checklist for choosing a facility.
pub static FACILITY_CRITERIA: Register = Register {
    code: "facility_criterion",
    collection: "facility-criteria",
    table: "facility_criteria",
    fields: &[
        unique(field("code", FieldKind::Text { max: 40 })),
        required(field("title", FieldKind::Text { max: 200 })),
        detail_only(field("guidance", FieldKind::Text { max: 1000 })),
    ],
    natural_key: Some("code"),
    title_field: "title",
    default_sort: "code",
    search: &["code", "title", "guidance"],
    numbered: Some("FC-"),
    read: ReadScope::NotStaff,
    ..REGISTER
};

pub const FACILITY_DECISIONS: &[&str] = &["pending", "selected", "rejected"];

/// 施設の選定: a building surveyed, scored on the checklist (the average computed from its scores)
/// and the decision.
pub static FACILITY_ASSESSMENTS: Register = Register {
    code: "facility_assessment",
    collection: "facility-assessments",
    table: "facility_assessments",
    fields: &[
        unique(field("code", FieldKind::Text { max: 40 })),
        required(field("building", FieldKind::Text { max: 200 })),
        field("address", FieldKind::Text { max: 300 }),
        filter(required(field("surveyed_on", FieldKind::Date))),
        field("average_score", FieldKind::Text { max: 10 }),
        filter(required(field(
            "decision",
            FieldKind::Choice(FACILITY_DECISIONS),
        ))),
        detail_only(field("note", FieldKind::Text { max: 1000 })),
    ],
    natural_key: Some("code"),
    title_field: "building",
    default_sort: "surveyed_on",
    search: &["code", "building", "address", "note"],
    initial: &[("decision", "pending")],
    numbered: Some("FA-"),
    computed: &["average_score"],
    read: ReadScope::NotStaff,
    year_field: Some("surveyed_on"),
    ..REGISTER
};

/// One criterion's score (1–5) in a facility assessment.
pub static FACILITY_SCORES: Register = Register {
    code: "facility_score",
    collection: "facility-scores",
    table: "facility_scores",
    fields: &[
        filter(required(field(
            "assessment",
            FieldKind::Ref("facility-assessments"),
        ))),
        filter(required(field(
            "criterion",
            FieldKind::Ref("facility-criteria"),
        ))),
        required(field("score", FieldKind::Int { min: 1, max: 5 })),
        field("note", FieldKind::Text { max: 500 }),
    ],
    title_field: "criterion",
    default_sort: "assessment",
    search: &["note"],
    unique_together: &[&["assessment", "criterion"]],
    rollup: Some(Rollup {
        via: "assessment",
        field: "score",
        target: "average_score",
        how: RollupKind::Average,
    }),
    read: ReadScope::NotStaff,
    year_field: Some("assessment.surveyed_on"),
    ..REGISTER
};

pub const IPA_PARTS: &[&str] = &["basic", "employee", "organization"];

/// The 25 questions of IPA's 5分でできる！情報セキュリティ自社診断, each with the controls it
/// concerns (Annex A ids).
pub static IPA_QUESTIONS: Register = Register {
    code: "ipa_question",
    collection: "ipa-questions",
    table: "ipa_questions",
    fields: &[
        unique(field("code", FieldKind::Text { max: 10 })),
        filter(required(field("part", FieldKind::Choice(IPA_PARTS)))),
        required(field("question", FieldKind::Text { max: 500 })),
        field("controls", FieldKind::Text { max: 200 }),
    ],
    natural_key: Some("code"),
    title_field: "question",
    default_sort: "code",
    search: &["code", "question", "controls"],
    ..REGISTER
};

/// A self-assessment: one fiscal year's answers, for the organisation or a department; its total
/// (out of 100) is computed from its answers.
pub static SELF_ASSESSMENTS: Register = Register {
    code: "self_assessment",
    collection: "self-assessments",
    table: "self_assessments",
    fields: &[
        unique(field("code", FieldKind::Text { max: 40 })),
        filter(required(field(
            "fiscal_year",
            FieldKind::Int {
                min: 1990,
                max: 2100,
            },
        ))),
        filter(field("department", FieldKind::Ref("departments"))),
        filter(required(field("answered_on", FieldKind::Date))),
        field("total", FieldKind::Int { min: -25, max: 100 }),
        detail_only(field("note", FieldKind::Text { max: 1000 })),
    ],
    natural_key: Some("code"),
    title_field: "code",
    default_sort: "fiscal_year",
    search: &["code", "note"],
    unique_together: &[&["fiscal_year", "department"]],
    initial: &[("answered_on", "today")],
    numbered: Some("SA-"),
    computed: &["total"],
    year_field: Some("fiscal_year"),
    ..REGISTER
};

/// The answers' scores: 実施している 4, 一部実施している 2, 実施していない 0, わからない −1.
pub const IPA_ANSWERS: &[&str] = &["4", "2", "0", "-1"];

pub static SELF_ASSESSMENT_ANSWERS: Register = Register {
    code: "self_assessment_answer",
    collection: "self-assessment-answers",
    table: "self_assessment_answers",
    fields: &[
        filter(required(field(
            "assessment",
            FieldKind::Ref("self-assessments"),
        ))),
        filter(required(field("question", FieldKind::Ref("ipa-questions")))),
        filter(required(field("answer", FieldKind::Choice(IPA_ANSWERS)))),
        field("note", FieldKind::Text { max: 500 }),
    ],
    title_field: "question",
    default_sort: "question",
    search: &["note"],
    unique_together: &[&["assessment", "question"]],
    rollup: Some(Rollup {
        via: "assessment",
        field: "answer",
        target: "total",
        how: RollupKind::Sum,
    }),
    year_field: Some("assessment.fiscal_year"),
    ..REGISTER
};
