//! Normalisation of what users type. Full-width Latin letters and digits become ASCII, half-width
//! katakana becomes full-width, ideographic spaces become spaces, and surrounding spaces go; Japanese
//! punctuation such as （）「」、。 is kept as typed. Codes, e-mail addresses and dates use the stricter
//! Unicode NFKC form, which also turns full-width symbols (＠, ／, －) into ASCII.

use unicode_normalization::UnicodeNormalization;

fn is_halfwidth_kana(c: char) -> bool {
    ('\u{FF61}'..='\u{FF9F}').contains(&c)
}

/// Whether text holds a control character other than tab, line feed and carriage return (NUL,
/// escape, C1 controls): never typed by a person, refused wherever text comes in.
pub fn has_control(s: &str) -> bool {
    s.chars()
        .any(|c| c.is_control() && !matches!(c, '\t' | '\n' | '\r'))
}

/// Characters that show nothing: zero-width spaces and joiners, word joiners, the byte-order mark,
/// the soft hyphen and the Hangul fillers. A value made only of these (and spaces) is empty.
fn is_invisible(c: char) -> bool {
    matches!(
        c,
        '\u{00AD}'
            | '\u{115F}'
            | '\u{1160}'
            | '\u{180E}'
            | '\u{200B}'..='\u{200F}'
            | '\u{2060}'..='\u{2064}'
            | '\u{3164}'
            | '\u{FEFF}'
            | '\u{FFA0}'
    )
}

/// Whether text is over `max` characters as it was sent or as it is kept: a documented limit holds
/// for what a client sends (trimmed spaces and joined half-width kana would otherwise let a longer
/// value through) and for what is stored (NFKC can lengthen a character).
pub fn too_long(raw: &str, kept: &str, max: usize) -> bool {
    raw.chars().count() > max || kept.chars().count() > max
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
    // Invisible characters at either end go with the spaces, so a value of only those is empty.
    for c in s
        .trim_matches(|c: char| c.is_whitespace() || is_invisible(c))
        .chars()
    {
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

    #[test]
    fn a_value_of_only_invisible_characters_is_empty() {
        assert_eq!(normalize("\u{200B}\u{200B}\u{FEFF}"), "");
        assert_eq!(normalize_strict("\u{200B}\u{2060}　"), "");
        assert_eq!(normalize("\u{200B}伊藤\u{200B}"), "伊藤");
        assert_eq!(
            normalize("👨\u{200D}💻"),
            "👨\u{200D}💻",
            "a joiner inside stays"
        );
    }

    #[test]
    fn control_characters_are_told_apart_from_tab_and_line_breaks() {
        assert!(super::has_control("a\0b"));
        assert!(super::has_control("\u{1B}[31m"));
        assert!(super::has_control("\u{85}"));
        assert!(!super::has_control("a\tb\r\nc"));
    }
}
