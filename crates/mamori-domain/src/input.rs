//! Normalisation of what users type: full-width digits and Latin letters become ASCII, half-width
//! katakana becomes full-width (Unicode NFKC), and surrounding spaces go.

use unicode_normalization::UnicodeNormalization;

pub fn normalize(raw: &str) -> String {
    let s: String = raw.nfkc().collect();
    // NFKC maps the ideographic space to an ASCII space; inner runs of spaces collapse to one.
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
    use super::normalize;

    #[test]
    fn full_width_input_is_normalised() {
        assert_eq!(normalize("　ＡＢＣ１２３　"), "ABC123");
        assert_eq!(normalize("ｻｼﾞｪｺ"), "サジェコ");
        assert_eq!(normalize("伊藤　直樹"), "伊藤 直樹");
        assert_eq!(normalize("  a   b "), "a b");
    }
}
