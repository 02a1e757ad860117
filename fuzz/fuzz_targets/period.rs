//! The period syntax (`--period`, `?period=`): 2026-Q3, 2026-H2, 2026-07, 2026-W32, 2026,
//! FROM..TO, and `--created`'s form of it. A period that parses has a start before its end.
#![no_main]

use libfuzzer_sys::fuzz_target;
use throughline_model::Period;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(p) = text.parse::<Period>() {
        assert!(p.start < p.end, "{text:?} -> {p:?}");
        let _ = p.previous();
        let _ = p.days();
        let _ = p.contains(p.start_ts());
    }
    let _ = throughline_report::item_query::parse_created(text);
});
