//! Small helpers for text rendering.

/// A horizontal bar of `width` cells for a share in 0..=1, with eighth-cell precision.
pub fn bar(share: f64, width: usize) -> String {
    const PARTS: [char; 8] = [' ', '▏', '▎', '▍', '▌', '▋', '▊', '▉'];
    let eighths = (share.clamp(0.0, 1.0) * width as f64 * 8.0).round() as usize;
    let mut s = "█".repeat(eighths / 8);
    if !eighths.is_multiple_of(8) {
        s.push(PARTS[eighths % 8]);
    }
    let used = s.chars().count();
    s.push_str(&" ".repeat(width.saturating_sub(used)));
    s
}

/// A share in 0..=1 as a whole percentage, "42%". A share that rounds to 0% or 100%
/// without being it reads "<1%" or ">99%": one item of 300 is not none of them.
pub fn percent(share: f64) -> String {
    let p = share * 100.0;
    if p > 0.0 && p < 0.5 {
        "<1%".into()
    } else if (99.5..100.0).contains(&p) {
        ">99%".into()
    } else {
        format!("{p:.0}%")
    }
}

/// A count and its noun, singular for one: "1 item", "3 items", "0 goals". The noun
/// takes an `s` in the plural (every noun the reports count does).
pub fn plural(n: usize, noun: &str) -> String {
    if n == 1 {
        format!("1 {noun}")
    } else {
        format!("{n} {noun}s")
    }
}

/// `s` cut to at most `n` characters, with an ellipsis when cut.
pub fn truncate(s: &str, n: usize) -> String {
    if s.chars().count() <= n {
        s.to_string()
    } else {
        let mut t: String = s.chars().take(n.saturating_sub(1)).collect();
        t.push('…');
        t
    }
}

/// Percent-encodes a path segment or query value: everything but unreserved characters
/// (the dashboard's addresses carry item keys, team names and theme labels, all user data).
pub fn url_encode(s: &str) -> String {
    let mut o = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            o.push(b as char);
        } else {
            o.push_str(&format!("%{b:02X}"));
        }
    }
    o
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sliver_is_not_none_and_nearly_all_is_not_all() {
        assert_eq!(percent(0.0), "0%");
        assert_eq!(percent(1.0 / 300.0), "<1%");
        assert_eq!(percent(0.006), "1%");
        assert_eq!(percent(0.42), "42%");
        assert_eq!(percent(0.996), ">99%");
        assert_eq!(percent(1.0), "100%");
    }

    #[test]
    fn one_is_singular() {
        assert_eq!(plural(1, "item"), "1 item");
        assert_eq!(plural(0, "item"), "0 items");
        assert_eq!(plural(2, "goal"), "2 goals");
    }
}
