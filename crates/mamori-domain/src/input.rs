//! Normalisation of what users type. Full-width Latin letters and digits become ASCII, half-width
//! katakana becomes full-width, ideographic spaces become spaces, and surrounding spaces go; Japanese
//! punctuation such as （）「」、。 is kept as typed. Codes, e-mail addresses and dates use the stricter
//! Unicode NFKC form, which also turns full-width symbols (＠, ／, －) into ASCII.

use unicode_normalization::UnicodeNormalization;

fn is_halfwidth_kana(c: char) -> bool {
    ('\u{FF61}'..='\u{FF9F}').contains(&c)
}

/// The light normalisation for free text (names, notes, places).
pub fn normalize(raw: &str) -> String {
    let mut mapped = String::with_capacity(raw.len());
    let mut kana = String::new();
    for c in raw.chars() {
        if is_halfwidth_kana(c) {
            kana.push(c);
            continue;
        }
        if !kana.is_empty() {
            mapped.extend(kana.nfkc());
            kana.clear();
        }
        mapped.push(match c {
            '０'..='９' | 'Ａ'..='Ｚ' | 'ａ'..='ｚ' => {
                char::from_u32(c as u32 - 0xFEE0).unwrap_or(c)
            }
            '\u{3000}' => ' ',
            other => other,
        });
    }
    mapped.extend(kana.nfkc());
    collapse_spaces(&mapped)
}

/// The strict normalisation (NFKC) for codes, e-mail addresses, dates and choices.
pub fn normalize_strict(raw: &str) -> String {
    let s: String = raw.nfkc().collect();
    collapse_spaces(&s)
}

/// The light normalisation, line by line: long text keeps its line breaks; blank lines at either
/// end go.
pub fn normalize_lines(raw: &str) -> String {
    let lines: Vec<String> = raw
        .replace("\r\n", "\n")
        .replace('\r', "\n")
        .split('\n')
        .map(normalize)
        .collect();
    lines.join("\n").trim_matches('\n').to_string()
}

fn collapse_spaces(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut last_space = false;
    for c in s.trim().chars() {
        if c.is_whitespace() {
            if !last_space {
                out.push(' ');
            }
            last_space = true;
        } else {
            out.push(c);
            last_space = false;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::{normalize, normalize_strict};

    #[test]
    fn full_width_input_is_normalised() {
        assert_eq!(normalize("　ＡＢＣ１２３　"), "ABC123");
        assert_eq!(normalize("ｻｼﾞｪｺ"), "サジェコ");
        assert_eq!(normalize("ｶﾞ行の伊藤"), "ガ行の伊藤");
        assert_eq!(normalize("伊藤　直樹"), "伊藤 直樹");
        assert_eq!(normalize("  a   b "), "a b");
        assert_eq!(
            normalize("書庫（施錠）、「秘密」"),
            "書庫（施錠）、「秘密」"
        );
        assert_eq!(
            normalize_strict("ＳＴＡＦＦ＠ｓａｊｅｃｏ．example"),
            "STAFF@sajeco.example"
        );
        assert_eq!(normalize_strict("２０１７／１１／２５"), "2017/11/25");
        assert_eq!(
            super::normalize_lines("\r\n　Ａ案\r\nＢ案　\n\n"),
            "A案\nB案"
        );
    }
}
