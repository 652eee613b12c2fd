//! The languages Mamori speaks: Japanese first, English complete.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    #[default]
    Ja,
    En,
}

impl Lang {
    pub const ALL: [Lang; 2] = [Lang::Ja, Lang::En];

    /// The language's code (`ja`, `en`), as URLs, cookies, settings and templates name it.
    pub fn code(self) -> &'static str {
        match self {
            Lang::Ja => "ja",
            Lang::En => "en",
        }
    }

    /// The language a code or an `Accept-Language` value asks for: English when it starts with
    /// `en`, Japanese otherwise.
    pub fn pick(asked: Option<&str>) -> Lang {
        match asked {
            Some(l) if l.trim().to_ascii_lowercase().starts_with("en") => Lang::En,
            _ => Lang::Ja,
        }
    }

    /// The exact code (`ja`, `en`), or `None`.
    pub fn parse(code: &str) -> Option<Lang> {
        Lang::ALL.into_iter().find(|l| l.code() == code)
    }

    /// The other language (the switch in the header).
    pub fn other(self) -> Lang {
        match self {
            Lang::Ja => Lang::En,
            Lang::En => Lang::Ja,
        }
    }
}

impl std::fmt::Display for Lang {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.code())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn languages_by_code() {
        assert_eq!(Lang::pick(Some("en-US,en;q=0.9")), Lang::En);
        assert_eq!(Lang::pick(Some(" EN ")), Lang::En);
        assert_eq!(Lang::pick(Some("ja-JP")), Lang::Ja);
        assert_eq!(Lang::pick(Some("fr")), Lang::Ja);
        assert_eq!(Lang::pick(None), Lang::Ja);
        assert_eq!(Lang::parse("en"), Some(Lang::En));
        assert_eq!(Lang::parse("EN"), None);
        assert_eq!(Lang::Ja.other(), Lang::En);
        assert_eq!(serde_json::to_string(&Lang::En).unwrap(), "\"en\"");
        assert_eq!(Lang::Ja.to_string(), "ja");
    }
}
