//! Translations (Fluent files per locale, embedded): Japanese by default, English complete.

use std::borrow::Cow;
use std::collections::HashMap;

use fluent_templates::fluent_bundle::FluentValue;
use fluent_templates::{LanguageIdentifier, Loader, langid};
use mamori_domain::register::{FieldKind, Register, Value};
use mamori_domain::{DateStyle, FieldError, Lang};

fluent_templates::static_loader! {
    pub static LOCALES = {
        locales: "./locales",
        fallback_language: "ja",
        customise: |bundle| bundle.set_use_isolating(false),
    };
}

pub const LANGS: [Lang; 2] = Lang::ALL;
static JA: LanguageIdentifier = langid!("ja");
static EN: LanguageIdentifier = langid!("en");

pub fn lang_id(lang: Lang) -> &'static LanguageIdentifier {
    match lang {
        Lang::Ja => &JA,
        Lang::En => &EN,
    }
}

/// The language for a request: English when asked for, Japanese otherwise.
pub fn pick(lang: Option<&str>) -> Lang {
    Lang::pick(lang)
}

/// Translates `key`; a missing key shows as itself, which the translation test catches.
pub fn t(lang: Lang, key: &str) -> String {
    LOCALES
        .try_lookup(lang_id(lang), key)
        .unwrap_or_else(|| key.to_string())
}

pub fn t_args(lang: Lang, key: &str, args: &[(&str, String)]) -> String {
    let map: HashMap<Cow<'static, str>, FluentValue> = args
        .iter()
        .map(|(k, v)| (Cow::Owned(k.to_string()), FluentValue::from(v.clone())))
        .collect();
    LOCALES
        .try_lookup_with_args(lang_id(lang), key, &map)
        .unwrap_or_else(|| key.to_string())
}

/// A month's name (4月, April): the message selects by the number, which a string would not match.
pub fn month(lang: Lang, month: u8) -> String {
    let map: HashMap<Cow<'static, str>, FluentValue> =
        [(Cow::Borrowed("month"), FluentValue::from(i64::from(month)))].into();
    LOCALES
        .try_lookup_with_args(lang_id(lang), "month", &map)
        .unwrap_or_else(|| month.to_string())
}

/// A whole number with its thousands grouped (`100,000`), as both languages write it.
pub fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, d) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(d);
    }
    out
}

/// Whether `key` has a text in `lang` (messages with variables are tried with placeholder values).
pub fn has(lang: Lang, key: &str) -> bool {
    const VARS: &[&str] = &[
        "applicable",
        "n",
        "excluded",
        "missing",
        "subject",
        "threat",
        "at",
        "count",
        "detail",
        "field",
        "from",
        "issue",
        "message",
        "month",
        "page",
        "pages",
        "period",
        "reason",
        "on",
        "previous",
        "record",
        "register",
        "row",
        "rows",
        "to",
        "total",
        "classification",
        "method",
        "protections",
        "read",
        "date",
        "title",
        "records",
        "related",
        "limit",
        "seq",
        "head",
        "checked",
        "nonconformities",
        "departments",
        "course",
    ];
    let args: HashMap<Cow<'static, str>, FluentValue> = VARS
        .iter()
        .map(|v| (Cow::Borrowed(*v), FluentValue::from("1")))
        .collect();
    LOCALES
        .try_lookup_with_args(lang_id(lang), key, &args)
        .is_some()
}

pub fn register_name(lang: Lang, reg: &Register) -> String {
    t(lang, &format!("register-{}", reg.code))
}

pub fn field_label(lang: Lang, reg: &Register, field: &str) -> String {
    t(lang, &format!("{}-{}", reg.code, field))
}

pub fn choice_label(lang: Lang, field: &str, value: &str) -> String {
    let key = format!("{field}-{value}");
    org_name(lang, &key).unwrap_or_else(|| t(lang, &key))
}

tokio::task_local! {
    /// The organisation's own names for choices (its classification levels), for the request being
    /// answered: the scope is opened for every request, and filled once its organisation is known.
    static ORG_NAMES: std::cell::RefCell<Option<std::sync::Arc<HashMap<String, String>>>>;
}

/// Runs a request with room for its organisation's names.
pub async fn with_org_names<F: std::future::Future>(f: F) -> F::Output {
    ORG_NAMES.scope(std::cell::RefCell::new(None), f).await
}

/// Takes the organisation's names for its classification levels from its settings.
pub fn use_org_names(profile: &serde_json::Value) {
    let rules = mamori_domain::registers::AssetRules::of(profile);
    let mut names = HashMap::new();
    for (level, n) in &rules.names {
        for (lang, name) in [("ja", &n.ja), ("en", &n.en)] {
            if !name.trim().is_empty() {
                names.insert(format!("{lang}:classification-{level}"), name.clone());
            }
        }
    }
    let _ = ORG_NAMES.try_with(|cell| *cell.borrow_mut() = Some(std::sync::Arc::new(names)));
}

fn org_name(lang: Lang, key: &str) -> Option<String> {
    ORG_NAMES
        .try_with(|cell| {
            cell.borrow()
                .as_ref()
                .and_then(|m| m.get(&format!("{lang}:{key}")).cloned())
        })
        .ok()
        .flatten()
}

/// A field value as a person reads it: dates in the user's style, choices translated, references
/// by the referenced record's title.
pub fn display(
    lang: Lang,
    style: DateStyle,
    kind: FieldKind,
    field: &str,
    value: &Value,
    label: Option<&str>,
) -> String {
    match (kind, value) {
        (_, Value::Null) => String::new(),
        (FieldKind::Date, Value::Date(d)) => mamori_domain::dates::format_date(*d, style, lang),
        (FieldKind::Choice(_), Value::Text(s)) => choice_label(lang, field, s),
        (FieldKind::Ref(_), Value::Text(key)) => match label {
            // A record named by its code (a device by its label) is shown once.
            Some(l) if l != key => format!("{l} ({key})"),
            _ => key.clone(),
        },
        (_, v) => v.to_plain(),
    }
}

/// A validation error as a sentence naming the field.
pub fn field_error(lang: Lang, reg: Option<&Register>, e: &FieldError) -> String {
    let label = match reg {
        Some(r) if r.field(&e.field).is_some() => field_label(lang, r, &e.field),
        _ if has(lang, &format!("field-{}", e.field)) => t(lang, &format!("field-{}", e.field)),
        _ => e.field.clone(),
    };
    let mut detail = e.detail.clone().unwrap_or_default();
    if let (Some(r), "not-before" | "duplicate-combination") = (reg, e.code) {
        detail = field_label(lang, r, &detail);
    }
    // A handling rule names the classification, the method and the protections it asks for.
    if mamori_domain::registers::AssetRules::is_refusal(e.code) {
        let mut parts = detail.split('|');
        let classification = choice_label(lang, "classification", parts.next().unwrap_or(""));
        let method = choice_label(lang, "method", parts.next().unwrap_or(""));
        let protections = parts
            .next()
            .unwrap_or("")
            .split(',')
            .filter(|p| !p.is_empty())
            .map(|p| choice_label(lang, "protection", p))
            .collect::<Vec<_>>()
            .join(&t(lang, "list-or"));
        return t_args(
            lang,
            &format!("error-field-{}", e.code),
            &[
                ("field", label),
                ("classification", classification),
                ("method", method),
                ("protections", protections),
            ],
        );
    }
    // A person or department not in force on the record's date: the date and when it was in force.
    if matches!(e.code, "person-not-in-force" | "department-not-in-force") {
        let mut parts = detail.split('|').map(|d| {
            mamori_domain::dates::parse_date(d)
                .map(|d| {
                    mamori_domain::dates::format_date(
                        d,
                        mamori_domain::dates::DateStyle::Western,
                        lang,
                    )
                })
                .unwrap_or_default()
        });
        let (day, from, to) = (
            parts.next().unwrap_or_default(),
            parts.next().unwrap_or_default(),
            parts.next().unwrap_or_default(),
        );
        let period = if to.is_empty() {
            t_args(lang, "period-from", &[("from", from)])
        } else {
            t_args(lang, "period-between", &[("from", from), ("to", to)])
        };
        return t_args(
            lang,
            &format!("error-field-{}", e.code),
            &[("field", label), ("date", day), ("period", period)],
        );
    }
    t_args(
        lang,
        &format!("error-field-{}", e.code),
        &[("field", label), ("detail", detail)],
    )
}
