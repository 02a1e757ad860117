//! Charts as inline SVG, drawn in Rust: no script, no external assets, printable.
//!
//! Each chart is an image with a text alternative (`role="img"`, a `<title>` and a
//! summary); the pages put the same numbers in a table beside it, so nothing is only
//! visible as a shape. Colours are few and calm, and every mark has at least 3:1
//! contrast against the white page.

use std::fmt::Write as _;

use chrono::NaiveDate;

use throughline_report::{percent, truncate};

use super::util::esc;

/// Colours of the work classes, used by every chart and legend.
pub(crate) mod colour {
    pub const EXPLICIT: &str = "#2e6db4";
    pub const CORRECTED: &str = "#173f6b";
    pub const INFERRED: &str = "#5b8cc8";
    pub const OFF_PLAN: &str = "#b86a24";
    pub const NOT_PLACED: &str = "#858585";
    pub const NEUTRAL: &str = "#3d6f8e";
}

/// One bar of a horizontal bar chart.
pub(crate) struct Bar {
    pub label: String,
    /// 0..=1.
    pub share: f64,
    pub count: usize,
    pub colour: &'static str,
    /// The list of the items the bar counts: the whole row links there.
    pub href: Option<String>,
}

/// Horizontal bars for shares: label, bar, percentage and count on each row.
pub(crate) fn hbars(title: &str, bars: &[Bar]) -> String {
    // Sized for a half-width card, so the text renders at about its nominal size.
    const W: f64 = 480.0;
    const ROW: f64 = 28.0;
    // Room for 32 characters: "maintenance (keep the lights on)" whole.
    const LABEL_W: f64 = 232.0;
    const VALUE_W: f64 = 92.0;
    let h = ROW * bars.len().max(1) as f64 + 8.0;
    let scale_max = bars.iter().map(|b| b.share).fold(0.0, f64::max).max(0.01);
    let bar_w = W - LABEL_W - VALUE_W;
    let summary: Vec<String> = bars
        .iter()
        .map(|b| format!("{} {}", b.label, percent(b.share)))
        .collect();
    let mut o = String::new();
    let _ = write!(
        o,
        r#"<svg class="chart hbars" viewBox="0 0 {W} {h}" role="img" aria-label="{}: {}"><title>{}</title>"#,
        esc(title),
        esc(&summary.join(", ")),
        esc(title)
    );
    for (i, b) in bars.iter().enumerate() {
        let y = 4.0 + ROW * i as f64;
        let len = (b.share / scale_max * bar_w).max(if b.count > 0 { 2.0 } else { 0.0 });
        let count = super::util::thousands(b.count as i64);
        if let Some(h) = &b.href {
            let _ = write!(
                o,
                r#"<a href="{}" class="count" tabindex="-1" aria-label="{}: {} items"><rect x="0" y="{y}" width="{W}" height="{ROW}" fill="transparent"/>"#,
                esc(h),
                esc(&b.label),
                count
            );
        }
        let _ = write!(
            o,
            r#"<text x="0" y="{ty}" class="lbl">{}</text><rect x="{LABEL_W}" y="{ry}" width="{bar_w}" height="16" class="track"/><rect x="{LABEL_W}" y="{ry}" width="{len:.1}" height="16" fill="{}"/><text x="{vx}" y="{ty}" class="val">{}  ·  {count}</text>"#,
            esc(&truncate(&b.label, 32)),
            b.colour,
            percent(b.share),
            ty = y + 13.0,
            ry = y + 1.0,
            vx = LABEL_W + bar_w + 10.0,
        );
        if b.href.is_some() {
            o.push_str("</a>");
        }
    }
    o.push_str("</svg>");
    o
}

/// One series of a stacked chart.
pub(crate) struct Series {
    pub name: &'static str,
    pub colour: &'static str,
}

/// One column of a stacked chart: its label, item count and a share per series.
pub(crate) struct Column {
    pub label: String,
    pub items: usize,
    pub shares: Vec<f64>,
}

/// Stacked columns (e.g. weekly allocation): each column sums to 100% of its items.
pub(crate) fn stacked(title: &str, series: &[Series], cols: &[Column]) -> String {
    // Sized for a full-width card.
    const W: f64 = 1060.0;
    const H: f64 = 250.0;
    const TOP: f64 = 30.0;
    const BOTTOM: f64 = 24.0;
    const LEFT: f64 = 40.0;
    let plot_h = H - TOP - BOTTOM;
    let n = cols.len().max(1) as f64;
    let step = (W - LEFT) / n;
    let col_w = (step * 0.72).max(2.0);
    let mut o = String::new();
    let _ = write!(
        o,
        r#"<svg class="chart" viewBox="0 0 {W} {H}" role="img" aria-label="{}, {} columns; the table below has the numbers"><title>{}</title>"#,
        esc(title),
        cols.len(),
        esc(title)
    );
    // Legend along the top.
    let mut x = LEFT;
    for s in series {
        let _ = write!(
            o,
            r#"<rect x="{x}" y="4" width="12" height="12" fill="{}"/><text x="{}" y="14" class="lgd">{}</text>"#,
            s.colour,
            x + 16.0,
            esc(s.name)
        );
        x += 28.0 + 6.5 * s.name.len() as f64;
    }
    for pct in [0.0, 0.5, 1.0] {
        let y = TOP + plot_h * (1.0 - pct);
        let _ = write!(
            o,
            r#"<line x1="{LEFT}" x2="{W}" y1="{y}" y2="{y}" class="grid"/><text x="{}" y="{}" class="axis" text-anchor="end">{:.0}%</text>"#,
            LEFT - 4.0,
            y + 4.0,
            pct * 100.0
        );
    }
    let label_every = (cols.len() / 14).max(1);
    for (i, c) in cols.iter().enumerate() {
        let x = LEFT + step * i as f64 + (step - col_w) / 2.0;
        let mut y = TOP + plot_h;
        for (s, share) in series.iter().zip(&c.shares) {
            let h = plot_h * share.clamp(0.0, 1.0);
            if h <= 0.0 {
                continue;
            }
            y -= h;
            let _ = write!(
                o,
                r#"<rect x="{x:.1}" y="{y:.1}" width="{col_w:.1}" height="{h:.1}" fill="{}"/>"#,
                s.colour
            );
        }
        if i % label_every == 0 {
            let _ = write!(
                o,
                r#"<text x="{:.1}" y="{}" class="axis" text-anchor="middle">{}</text>"#,
                x + col_w / 2.0,
                H - 6.0,
                esc(c.label.rsplit('-').next().unwrap_or(&c.label))
            );
        }
    }
    o.push_str("</svg>");
    o
}

/// Colours (each at least 3:1 against white) and dash patterns for the lines of a chart
/// of several series, so lines stay apart for readers who do not tell colours apart.
const LINE_STYLES: [(&str, &str); 8] = [
    ("#2e6db4", ""),
    ("#b86a24", "6 3"),
    ("#2f7d4f", "2 3"),
    ("#8a3f8f", "8 3 2 3"),
    ("#b23a48", "4 4"),
    ("#3d6f8e", "1 2"),
    ("#6b5b2e", "10 4"),
    ("#555555", "3 2 1 2"),
];

/// Past [`LINE_STYLES`]' count, styles repeat: callers keep to that many series.
pub(crate) const MAX_LINES: usize = LINE_STYLES.len();

/// One line per series over the same columns (e.g. each goal's share of each week's
/// work), all on one scale from 0 to the largest value so their heights compare.
pub(crate) fn lines(title: &str, names: &[String], cols: &[Column]) -> String {
    const W: f64 = 1060.0;
    const PLOT_H: f64 = 196.0;
    const LEFT: f64 = 40.0;
    const RIGHT: f64 = 12.0;
    const BOTTOM: f64 = 24.0;
    // The legend wraps onto as many rows as the names need.
    let mut legend = String::new();
    let (mut x, mut y) = (LEFT, 14.0);
    for (k, name) in names.iter().enumerate() {
        let name = truncate(name, 34);
        let width = 34.0 + 6.5 * name.chars().count() as f64;
        if x + width > W && x > LEFT {
            x = LEFT;
            y += 18.0;
        }
        let (stroke, dash) = LINE_STYLES[k % LINE_STYLES.len()];
        let _ = write!(
            legend,
            r#"<line x1="{x}" x2="{}" y1="{}" y2="{}" stroke="{stroke}" stroke-dasharray="{dash}" stroke-width="2.5"/><text x="{}" y="{y}" class="lgd">{}</text>"#,
            x + 22.0,
            y - 4.0,
            y - 4.0,
            x + 26.0,
            esc(&name)
        );
        x += width;
    }
    // The plot keeps its height below however many rows the legend took.
    let top = y + 16.0;
    let h = top + PLOT_H + BOTTOM;
    let hi = cols
        .iter()
        .flat_map(|c| c.shares.iter().copied())
        .fold(0.0, f64::max);
    // A round top (50%, not 41%) so the middle gridline reads plainly too.
    let hi = if hi > 0.1 {
        (hi * 10.0).ceil() / 10.0
    } else {
        (hi * 100.0).ceil().max(1.0) / 100.0
    };
    let mut o = String::new();
    let _ = write!(
        o,
        r#"<svg class="chart" viewBox="0 0 {W} {h}" role="img" aria-label="{}, {} lines over {} columns; the table below has the numbers"><title>{}</title>{legend}"#,
        esc(title),
        names.len(),
        cols.len(),
        esc(title)
    );
    for frac in [0.0, 0.5, 1.0] {
        let y = top + PLOT_H * (1.0 - frac);
        let _ = write!(
            o,
            r#"<line x1="{LEFT}" x2="{}" y1="{y:.1}" y2="{y:.1}" class="grid"/><text x="{}" y="{:.1}" class="axis" text-anchor="end">{}</text>"#,
            W - RIGHT,
            LEFT - 4.0,
            y + 4.0,
            percent(hi * frac)
        );
    }
    let step = (W - LEFT - RIGHT) / cols.len().max(1) as f64;
    let px = |i: usize| LEFT + step * (i as f64 + 0.5);
    let py = |v: f64| top + PLOT_H * (1.0 - (v / hi).clamp(0.0, 1.0));
    for k in 0..names.len() {
        let (stroke, dash) = LINE_STYLES[k % LINE_STYLES.len()];
        let pts: Vec<String> = cols
            .iter()
            .enumerate()
            .map(|(i, c)| {
                format!(
                    "{:.1},{:.1}",
                    px(i),
                    py(c.shares.get(k).copied().unwrap_or(0.0))
                )
            })
            .collect();
        let _ = write!(
            o,
            r#"<polyline points="{}" fill="none" stroke="{stroke}" stroke-dasharray="{dash}" stroke-width="2.5"/>"#,
            pts.join(" ")
        );
    }
    let label_every = (cols.len() / 14).max(1);
    for (i, c) in cols
        .iter()
        .enumerate()
        .filter(|(i, _)| i % label_every == 0)
    {
        let _ = write!(
            o,
            r#"<text x="{:.1}" y="{}" class="axis" text-anchor="middle">{}</text>"#,
            px(i),
            h - 6.0,
            esc(c.label.rsplit('-').next().unwrap_or(&c.label))
        );
    }
    o.push_str("</svg>");
    o
}

/// A launch to mark on a metric's timeline.
pub(crate) struct Marker {
    pub date: NaiveDate,
    pub label: String,
}

/// A metric over time: its values as a line, baseline and target as dashed lines, and
/// launches as numbered vertical markers (the page lists them by number).
pub(crate) fn line(
    title: &str,
    values: &[(NaiveDate, f64)],
    baseline: Option<f64>,
    target: Option<f64>,
    markers: &[Marker],
) -> String {
    // Sized for a full-width card, kept low so several metrics fit on a screen.
    const W: f64 = 1060.0;
    const H: f64 = 240.0;
    const LEFT: f64 = 56.0;
    const RIGHT: f64 = 12.0;
    const TOP: f64 = 14.0;
    const BOTTOM: f64 = 26.0;
    let mut o = String::new();
    let _ = write!(
        o,
        r#"<svg class="chart" viewBox="0 0 {W} {H}" role="img" aria-label="{}"><title>{}</title>"#,
        esc(title),
        esc(title)
    );
    if values.is_empty() {
        let _ = write!(
            o,
            r#"<text x="{}" y="{}" class="lbl" text-anchor="middle">No values recorded yet</text></svg>"#,
            W / 2.0,
            H / 2.0
        );
        return o;
    }
    let dates = values
        .iter()
        .map(|v| v.0)
        .chain(markers.iter().map(|m| m.date));
    let (d0, d1) = dates.fold((NaiveDate::MAX, NaiveDate::MIN), |(a, b), d| {
        (a.min(d), b.max(d))
    });
    let span = ((d1 - d0).num_days() as f64).max(1.0);
    let ys = values.iter().map(|v| v.1).chain(baseline).chain(target);
    let (mut lo, mut hi) = ys.fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), y| {
        (a.min(y), b.max(y))
    });
    let pad = ((hi - lo) * 0.08).max(hi.abs() * 0.01).max(1e-9);
    lo -= pad;
    hi += pad;
    let px = |d: NaiveDate| LEFT + (W - LEFT - RIGHT) * ((d - d0).num_days() as f64 / span);
    let py = |v: f64| TOP + (H - TOP - BOTTOM) * (1.0 - (v - lo) / (hi - lo));
    for (frac, _) in [(0.0, ()), (0.5, ()), (1.0, ())] {
        let v = lo + (hi - lo) * frac;
        let y = py(v);
        let _ = write!(
            o,
            r#"<line x1="{LEFT}" x2="{}" y1="{y:.1}" y2="{y:.1}" class="grid"/><text x="{}" y="{:.1}" class="axis" text-anchor="end">{}</text>"#,
            W - RIGHT,
            LEFT - 6.0,
            y + 4.0,
            fmt_num(v)
        );
    }
    for (v, class, name) in [(baseline, "base", "baseline"), (target, "target", "target")] {
        if let Some(v) = v {
            let y = py(v);
            let _ = write!(
                o,
                r#"<line x1="{LEFT}" x2="{}" y1="{y:.1}" y2="{y:.1}" class="{class}"/><text x="{}" y="{:.1}" class="axis" text-anchor="end">{name}</text>"#,
                W - RIGHT,
                W - RIGHT - 2.0,
                y - 4.0
            );
        }
    }
    for (i, m) in markers.iter().enumerate() {
        let x = px(m.date);
        let _ = write!(
            o,
            r#"<g><title>{n}: {} ({})</title><line x1="{x:.1}" x2="{x:.1}" y1="{TOP}" y2="{}" class="launch"/><circle cx="{x:.1}" cy="{TOP}" r="8" class="launch-dot"/><text x="{x:.1}" y="{}" class="launch-num" text-anchor="middle">{n}</text></g>"#,
            esc(&m.label),
            m.date,
            H - BOTTOM,
            TOP + 4.0,
            n = i + 1
        );
    }
    let pts: Vec<String> = values
        .iter()
        .map(|(d, v)| format!("{:.1},{:.1}", px(*d), py(*v)))
        .collect();
    let _ = write!(
        o,
        r#"<polyline points="{}" class="series"/>"#,
        pts.join(" ")
    );
    if let Some((d, v)) = values.last() {
        let _ = write!(
            o,
            r#"<circle cx="{:.1}" cy="{:.1}" r="3.5" class="series-end"/>"#,
            px(*d),
            py(*v)
        );
    }
    for (d, anchor) in [(d0, "start"), (d1, "end")] {
        let _ = write!(
            o,
            r#"<text x="{:.1}" y="{}" class="axis" text-anchor="{anchor}">{d}</text>"#,
            px(d),
            H - 8.0
        );
    }
    o.push_str("</svg>");
    o
}

/// A compact number for axis labels.
pub(crate) fn fmt_num(v: f64) -> String {
    let a = v.abs();
    if a >= 1000.0 {
        format!("{:.0}", v)
    } else if a >= 10.0 {
        format!("{v:.1}")
    } else {
        format!("{v:.2}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn charts_escape_labels_and_survive_empty_input() {
        let svg = hbars(
            "a <b>",
            &[Bar {
                label: "x & y".into(),
                share: 0.5,
                count: 3,
                colour: colour::NEUTRAL,
                href: Some("/items?goal=a&period=2026-Q3".into()),
            }],
        );
        assert!(svg.contains("x &amp; y") && !svg.contains("<b>"));
        // The row links to its items; the table beside the chart is the keyboard's way.
        assert!(
            svg.contains(
                r#"<a href="/items?goal=a&amp;period=2026-Q3" class="count" tabindex="-1""#
            ),
            "{svg}"
        );
        assert!(hbars("t", &[]).ends_with("</svg>"));
        assert!(stacked("t", &[], &[]).ends_with("</svg>"));
        assert!(line("t", &[], None, None, &[]).contains("No values"));
        let d = NaiveDate::from_ymd_opt(2026, 1, 1).unwrap();
        let one = line("t", &[(d, 1.0)], Some(1.0), Some(1.0), &[]);
        assert!(!one.contains("NaN"));
        assert!(lines("t", &[], &[]).ends_with("</svg>"));
    }

    #[test]
    fn lines_share_one_rounded_scale_and_a_style_each() {
        let col = |label: &str, shares: [f64; 2]| Column {
            label: label.into(),
            items: 10,
            shares: shares.to_vec(),
        };
        let names = ["Grow <revenue>".to_string(), "Rely".to_string()];
        let svg = lines(
            "goals",
            &names,
            &[col("2026-W01", [0.41, 0.1]), col("2026-W02", [0.3, 0.2])],
        );
        assert_eq!(svg.matches("<polyline").count(), 2);
        assert!(svg.contains("Grow &lt;revenue&gt;") && !svg.contains("<revenue>"));
        // The top is 41% rounded up to 50%, so the middle gridline says 25%.
        assert!(svg.contains(">50%<") && svg.contains(">25%<"), "{svg}");
        assert!(
            svg.contains(r#"stroke-dasharray="6 3""#),
            "the second line is dashed"
        );
        assert!(!svg.contains("NaN"));
        assert!(svg.contains(">W01<") && svg.contains(">W02<"));
        // A long legend takes rows of its own; the plot keeps its height below them.
        let many: Vec<String> = (0..8)
            .map(|k| format!("A long goal name, number {k}"))
            .collect();
        let tall = lines("goals", &many, &[col("2026-W01", [0.4, 0.1])]);
        let height = |svg: &str| -> f64 {
            let v = svg.split("viewBox=\"0 0 1060 ").nth(1).unwrap();
            v[..v.find('"').unwrap()].parse().unwrap()
        };
        assert_eq!(
            height(&tall),
            height(&svg) + 18.0,
            "one more legend row: {tall}"
        );
        assert!(!tall.contains("y=\"-"), "nothing drawn above the picture");
    }
}
