//! Impact metric values over time, weekly.

use chrono::{Datelike, Duration, NaiveDate};

use crate::items::Clock;
use crate::org::{Behaviour, INITIATIVES, METRICS, MetricDef};
use crate::rng::Rng;

/// One observation.
#[derive(Debug, Clone, PartialEq)]
pub struct Value {
    /// Metric id.
    pub metric: &'static str,
    /// Monday of the week observed.
    pub date: NaiveDate,
    /// The value, already rounded to the metric's precision.
    pub value: String,
}

/// Ease-in-out between 0 and 1.
fn smooth(x: f64) -> f64 {
    let x = x.clamp(0.0, 1.0);
    x * x * (3.0 - 2.0 * x)
}

fn value_at(m: &MetricDef, clock: &Clock, f: f64) -> f64 {
    let gap = m.target - m.baseline;
    match m.behaviour {
        Behaviour::Flat => m.baseline,
        Behaviour::Improves { initiative, reach } => {
            let launch = INITIATIVES
                .iter()
                .find(|i| i.id == initiative)
                .and_then(|i| i.launch)
                .unwrap_or(2.0);
            // Effects show a week or two after launch and take about two months to settle.
            let lag = 10.0 / clock.days() as f64;
            let settle = 60.0 / clock.days() as f64;
            m.baseline + gap * reach * smooth((f - launch - lag) / settle)
        }
        Behaviour::Regresses { from, by } => {
            let sign = if gap >= 0.0 { -1.0 } else { 1.0 };
            m.baseline + sign * by * smooth((f - from) / (1.0 - from).max(0.01))
        }
    }
}

/// Weekly values (Mondays) for every metric over the period.
pub fn generate(rng: &Rng, clock: &Clock) -> Vec<Value> {
    let mut out = Vec::new();
    let first =
        clock.start - Duration::days(i64::from(clock.start.weekday().num_days_from_monday()));
    for m in METRICS {
        let mut rng = rng.fork(m.id);
        let mut wobble = 0.0;
        let mut d = first;
        while d <= clock.end {
            let f = clock.frac(d).max(0.0);
            // Autocorrelated noise: weeks resemble their neighbours.
            wobble = 0.6 * wobble + 0.5 * rng.normal() * m.noise;
            let mut v = value_at(m, clock, f) + wobble;
            if m.unit == "%" {
                v = v.min(100.0);
            }
            out.push(Value {
                metric: m.id,
                date: d,
                value: format!("{v:.prec$}", prec = m.decimals),
            });
            d += Duration::days(7);
        }
    }
    out
}

/// The metrics CSV: `metric,date,value`.
pub fn render(values: &[Value]) -> String {
    let mut s = String::from("metric,date,value\n");
    for v in values {
        s.push_str(&format!(
            "{},{},{}\n",
            v.metric,
            v.date.format("%Y-%m-%d"),
            v.value
        ));
    }
    s
}
