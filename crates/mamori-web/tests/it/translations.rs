//! Every visible string has a Japanese and an English text: the two locale files hold the same
//! keys, and every key the templates, the registers and the error codes use exists in both.

use std::collections::BTreeSet;

fn keys(ftl: &str) -> BTreeSet<String> {
    ftl.lines()
        .filter(|l| l.chars().next().is_some_and(|c| c.is_ascii_lowercase()))
        .filter_map(|l| l.split_once(" =").map(|(k, _)| k.trim().to_string()))
        .collect()
}

#[test]
fn japanese_and_english_have_the_same_keys() {
    let ja = keys(include_str!("../../locales/ja/main.ftl"));
    let en = keys(include_str!("../../locales/en/main.ftl"));
    let only_ja: Vec<_> = ja.difference(&en).collect();
    let only_en: Vec<_> = en.difference(&ja).collect();
    assert!(
        only_ja.is_empty() && only_en.is_empty(),
        "only in ja: {only_ja:?}; only in en: {only_en:?}"
    );
}

#[test]
fn every_key_in_use_is_translated() {
    let mut used: BTreeSet<String> = BTreeSet::new();
    for (_, src) in mamori_web::render::template_sources() {
        // Literal keys only: `t("group-" ~ a.group)` is built at run time and checked below.
        for quote in ['"', '\''] {
            for part in src.split(&format!("t({quote}")).skip(1) {
                if let Some((key, rest)) = part.split_once(quote)
                    && (rest.starts_with(')') || rest.starts_with(','))
                {
                    used.insert(key.to_string());
                }
            }
        }
    }
    for reg in mamori_domain::registers::ALL {
        used.insert(format!("register-{}", reg.code));
        used.insert(format!("entity-{}", reg.code));
        for (collection, _) in reg.lacks {
            used.insert(format!("lacks-{collection}"));
        }
        for f in reg.fields {
            used.insert(format!("{}-{}", reg.code, f.name));
            if let mamori_domain::FieldKind::Choice(choices) = f.kind {
                for c in choices {
                    used.insert(format!("{}-{c}", f.name));
                }
            }
        }
    }
    for role in mamori_domain::Role::ALL {
        used.insert(format!("role-{}", role.code()));
    }
    for area in mamori_web::pages::AREAS {
        used.insert(area.key.to_string());
        used.insert(format!("group-{}", area.group));
        // Its landing page's lead (`My page` has none: it is a page, not an area).
        if area.group != "mine" {
            used.insert(format!("group-{}-lead", area.group));
        }
    }
    for key in [
        "postal_code",
        "address",
        "phone",
        "contacts",
        "management_systems",
        "certification_scope",
    ] {
        used.insert(format!("profile-{key}"));
    }
    for decided in ["approved", "rejected"] {
        used.insert(format!("request-decided-{decided}"));
    }
    for saved in ["created", "updated", "withdrawn", "reinstated"] {
        used.insert(format!("record-saved-{saved}"));
    }
    for status in ["active", "withdrawn", "all"] {
        used.insert(format!("status-{status}"));
    }
    for code in [400, 401, 403, 404, 405, 409, 410, 413, 422, 500, 503] {
        used.insert(format!("status-{code}"));
    }
    for action in [
        "create",
        "update",
        "withdraw",
        "reinstate",
        "sign-in",
        "sign-in-failed",
        "locked",
        "set-password",
        "disable",
        "enable",
        "preferences",
        "revoke",
        "submit",
        "expire",
    ] {
        used.insert(format!("action-{action}"));
    }
    // Codes the store and the test pages produce.
    for code in [
        "int-range",
        "invalid-answer",
        "choice-count",
        "no-choices-for-true-false",
        "answer-out-of-range",
        "unanswered",
        "one-answer",
        "unknown-question",
        "only-for-department",
        "not-eligible",
        "needs-guarantee",
        "not-the-manager",
        "not-a-handler",
        "not-yourself",
        "only-for-transfer",
        "needs-guarantee-on-file",
        "wrong-kind",
        "assets-out",
        "has-left",
        "ambiguous-ref",
        "invalid-name",
        "assessed-by-secretariat",
        "own-department",
        "wrong-party",
        "invalid-time",
        "same-body",
        "needed-for-step",
        "only-when-closed",
        "no-numeric-target",
        "not-a-number",
        "not-annex-a",
        "reserved-for-annex-a",
        "repeated-in-file",
        "not-on-scale",
        "asset-or-group",
        "needed-for-modify",
        "only-when-applicable",
        "needed-when-missed",
        "invalid-scale",
        "invalid-matrix",
        "code-pattern-invalid",
        "scale-value-in-use",
        "code-prefix-too-long",
        "prefix-taken",
        "too-many",
        "request-decided",
        "duty-owner",
        "warning-order",
    ] {
        used.insert(format!("error-field-{code}"));
    }
    for code in [
        "no-person",
        "no-questions",
        "attempt-closed",
        "attempt-expired",
        "not-eligible",
        "too-many-labels",
        "not-in-audience",
        // The refusals of an imported file (mamori-io's limits and encodings).
        "file-unreadable",
        "file-encoding",
        "file-too-large",
        "file-too-many-rows",
        "file-too-many-cells",
        "file-cell-too-long",
        "file-too-much-text",
        "file-sheet-too-large",
        "file-strings-too-large",
        "file-parts-too-large",
        "file-too-many-elements",
    ] {
        used.insert(format!("error-{code}"));
    }
    // Sign-in and API token refusals (session.rs, auth.rs).
    for code in [
        "bad-credentials",
        "password-expired",
        "api-cookie-write",
        "token-expired",
        "account-locked",
        "account-disabled",
        "not-the-decider",
    ] {
        used.insert(format!("error-{code}"));
    }
    used.insert("token-default-name".to_string());
    // Texts of the PDFs, looked up by the pages that typeset them.
    for key in [
        "labels-title",
        "receipt-title",
        "receipt-addressee",
        "receipt-statement",
        "receipt-count",
        "receipt-issuer",
        "receipt-note-storage",
        "receipt-note-return",
        "receipt-note-loss",
        "receipt-seal",
        "list-or",
        "rule-allowed",
        "rule-forbidden",
        "rule-needs",
    ] {
        used.insert(key.to_string());
    }
    // Texts the pages look up in code: event steps, notices, meetings, warnings, settings, figures
    // and the starter list of laws.
    for key in [
        "event-steps-title",
        "event-step-hint-reported",
        "event-step-hint-assessed",
        "event-step-hint-responded",
        "event-step-hint-closed",
        "related-new",
        "notice-acknowledge",
        "risk-brief-title",
        "risk-brief-footer",
        "notice-unread-people",
        "me-unread-notices",
        "me-no-unread",
        "meeting-publish",
        "warnings-title",
        "overdue-law-changes",
        "overdue-risks",
        "overdue-meeting-actions",
        "overdue-objectives-without-target",
        "settings-remedial-title",
        "soa-summary",
        "soa-more",
        "self-assessment-whole",
        "self-assessment-band-good",
        "self-assessment-band-fair",
        "self-assessment-band-poor",
        "settings-risk-likelihood",
        "settings-risk-impact",
        "settings-risk-priority",
        "settings-risk-levels",
        "settings-risk-acceptable",
        "settings-remedial-days",
        "settings-remedial-within-days",
        "settings-remedial-hint",
        // The remedial rule's two numbers, named by their refusals.
        "field-remedial_days",
        "field-remedial_within_days",
        // The cycles, named by their labels and their refusals.
        "settings-patch-days",
        "settings-password-days",
        "settings-inspection-days",
        "settings-certificate-first-days",
        "settings-certificate-last-days",
        "field-patch_days",
        "field-password_days",
        "field-inspection_days",
        "field-certificate_first_days",
        "field-certificate_last_days",
        "settings-reminder-days",
        "settings-escalation-days",
        "field-reminder_days",
        "field-escalation_days",
        // やること's kinds of due items and the calendar's weekdays.
        "todo-kind-task",
        "calendar-name",
        "calendar-tasks",
        "calendar-meetings",
        "calendar-audits",
        "calendar-drills",
        "calendar-done",
        "outbox-status-queued",
        "outbox-status-sending",
        "outbox-status-sent",
        "outbox-status-failed",
        "mail-reminder-subject-soon",
        "mail-reminder-subject-today",
        "mail-reminder-subject-late",
        "mail-reminder-subject-escalation",
        "mail-reminder-body-soon",
        "mail-reminder-body-today",
        "mail-reminder-body-late",
        "mail-reminder-body-escalation",
        "todo-kind-action",
        "todo-kind-meeting-action",
        "todo-kind-law-change",
        "todo-kind-objective",
        "todo-kind-risk",
        "todo-kind-certificate",
        "todo-kind-guarantee",
        "todo-kind-take-out",
        "todo-kind-device",
        "todo-kind-key",
        "todo-certificates",
        "plan-calendar-title",
        "plan-other-tasks",
        "weekday-0",
        "weekday-1",
        "weekday-2",
        "weekday-3",
        "weekday-4",
        "weekday-5",
        "weekday-6",
        "controls-titles",
        "controls-titles-hint",
    ] {
        used.insert(key.to_string());
    }
    for key in mamori_web::pages::risk::COLUMNS {
        used.insert(key.to_string());
    }
    // Every register with reference data has its starter button, hint and result.
    for collection in mamori_io::starter::REGISTERS {
        for suffix in ["starter", "starter-hint", "starter-done"] {
            used.insert(format!("{collection}-{suffix}"));
        }
    }
    for code in ["rule-forbidden", "rule-needs-protection"] {
        used.insert(format!("error-field-{code}"));
    }
    for held in ["owner", "key_holder", "handler", "taken_out"] {
        used.insert(format!("held-{held}"));
    }
    for answer in ["true", "false"] {
        used.insert(format!("answer-{answer}"));
    }
    for key in [
        "notice-read-status",
        "notice-read-on",
        "meeting-minutes-title",
        "requirements-starter-done",
        "controls-starter-done",
        "audit-checkpoint-signature",
        "audit-checkpoint-other-key",
        "audit-checkpoint-truncated",
        "audit-checkpoint-rewritten",
    ] {
        used.insert(key.to_string());
    }
    // Keys made from codes: what each register is for, each set-up step.
    for reg in mamori_domain::registers::ALL {
        used.insert(format!("about-{}", reg.code));
    }
    for step in [
        "departments",
        "people",
        "appointments",
        "policy",
        "risk-method",
        "assets",
        "soa",
        "training",
    ] {
        used.insert(format!("setup-step-{step}"));
    }
    for lang in mamori_web::i18n::LANGS {
        let missing: Vec<&str> = used
            .iter()
            .filter(|k| !mamori_web::i18n::has(lang, k))
            .map(String::as_str)
            .collect();
        assert!(missing.is_empty(), "{lang} lacks {missing:?}");
    }
}

#[test]
fn every_template_file_is_embedded() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("templates");
    let embedded: BTreeSet<&str> = mamori_web::render::template_sources()
        .iter()
        .map(|(name, _)| *name)
        .collect();
    for entry in std::fs::read_dir(dir).unwrap() {
        let name = entry.unwrap().file_name().into_string().unwrap();
        assert!(
            embedded.contains(name.as_str()),
            "{name} is not in render::TEMPLATES"
        );
    }
}

/// A month is named by its number in both languages (English selects the name by the number: a
/// string would fall through to the default, December).
#[test]
fn months_are_named_by_their_number() {
    use mamori_domain::Lang;
    assert_eq!(mamori_web::i18n::month(Lang::En, 11), "November");
    assert_eq!(mamori_web::i18n::month(Lang::En, 4), "April");
    assert_eq!(mamori_web::i18n::month(Lang::Ja, 11), "11月");
}
