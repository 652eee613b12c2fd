//! The report's fixed texts (Fluent files of this crate, Japanese by default, English complete),
//! and the words for years relative to the issue date (今年度, 昨年度).

use mamori_domain::Lang;
use std::borrow::Cow;
use std::collections::HashMap;

use fluent_templates::fluent_bundle::FluentValue;
use fluent_templates::{LanguageIdentifier, Loader, langid};

fluent_templates::static_loader! {
    pub static LOCALES = {
        locales: "./locales",
        fallback_language: "ja",
        customise: |bundle| bundle.set_use_isolating(false),
    };
}

static JA: LanguageIdentifier = langid!("ja");
static EN: LanguageIdentifier = langid!("en");

fn id(lang: Lang) -> &'static LanguageIdentifier {
    if lang == Lang::En { &EN } else { &JA }
}

/// Translates `key`; a missing key shows as itself, which the translation test catches.
pub fn t(lang: Lang, key: &str) -> String {
    LOCALES
        .try_lookup(id(lang), key)
        .unwrap_or_else(|| key.to_string())
}

pub fn ta(lang: Lang, key: &str, args: &[(&str, String)]) -> String {
    let map: HashMap<Cow<'static, str>, FluentValue> = args
        .iter()
        .map(|(k, v)| (Cow::Owned(k.to_string()), FluentValue::from(v.clone())))
        .collect();
    LOCALES
        .try_lookup_with_args(id(lang), key, &map)
        .unwrap_or_else(|| key.to_string())
}

/// Whether `key` has a text in `lang`.
pub fn has(lang: Lang, key: &str) -> bool {
    let args: HashMap<Cow<'static, str>, FluentValue> = [
        "year",
        "count",
        "date",
        "body",
        "kind",
        "major",
        "minor",
        "improvement",
        "what",
        "n",
        "from",
        "to",
        "previous",
        "title",
        "value",
        "unit",
        "rate",
    ]
    .iter()
    .map(|k| (Cow::Borrowed(*k), FluentValue::from("1")))
    .collect();
    LOCALES.try_lookup_with_args(id(lang), key, &args).is_some()
}

/// The keys of the Japanese file, for the completeness test.
pub fn keys() -> Vec<String> {
    include_str!("../locales/ja/report.ftl")
        .lines()
        .filter_map(|l| l.split_once(" = ").map(|(k, _)| k.trim().to_string()))
        .filter(|k| !k.is_empty() && !k.starts_with('#') && !k.starts_with(' '))
        .collect()
}

/// The fiscal year `year` as seen from the issue date's fiscal year `issued`: 今年度, 昨年度,
/// 一昨年度, 来年度, or its label when further away.
pub fn relative_year(lang: Lang, year: i32, issued: i32, label: &str) -> String {
    match issued - year {
        0 => t(lang, "r-year-this"),
        1 => t(lang, "r-year-last"),
        2 => t(lang, "r-year-before-last"),
        -1 => t(lang, "r-year-next"),
        _ => label.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// English is complete, every item has its heading in both languages, and every fixed key the
    /// model names in its source exists.
    #[test]
    fn english_is_complete_and_every_key_in_use_exists() {
        let keys = keys();
        assert!(keys.len() > 150);
        for key in &keys {
            assert!(has(Lang::En, key), "en lacks {key}");
        }
        for item in crate::model::ITEMS {
            for lang in Lang::ALL {
                assert!(
                    has(lang, &format!("r-{}", item.id)),
                    "{lang} lacks r-{}",
                    item.id
                );
            }
        }
        let source = [
            include_str!("model/mod.rs"),
            include_str!("model/governance.rs"),
            include_str!("model/training.rs"),
            include_str!("model/activities.rs"),
            include_str!("model/events.rs"),
            include_str!("model/certification.rs"),
        ]
        .concat();
        for part in source.split('"').skip(1).step_by(2) {
            if part.starts_with("r-") && !part.ends_with('-') && !part.contains('{') {
                assert!(keys.iter().any(|k| k == part), "ja lacks {part}");
            }
        }
        for kind in ["onboarding", "periodic", "remedial", "mental_health"] {
            assert!(has(Lang::Ja, &format!("r-course-{kind}")));
        }
        for comparison in mamori_domain::objective::COMPARISONS {
            for lang in Lang::ALL {
                assert!(
                    has(lang, &format!("r-target-{comparison}")),
                    "{lang} r-target-{comparison}"
                );
            }
        }
        for (kind, _) in mamori_domain::registers::AUDIT_KINDS
            .iter()
            .filter(|(_, party)| *party == "third")
        {
            assert!(has(Lang::En, &format!("r-audit-{kind}")), "r-audit-{kind}");
        }
    }
}
