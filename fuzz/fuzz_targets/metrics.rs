//! Metric values files: the first byte picks CSV, JSON or JSON Lines, the rest is the file.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&pick, file)) = data.split_first() else {
        return;
    };
    let ext = ["csv", "json", "jsonl"][usize::from(pick % 3)];
    let path = throughline_fuzz::scratch(ext, file);
    match throughline_ingest::read_metric_values(&path) {
        Ok(values) => {
            for (metric, v) in values {
                assert!(!metric.is_empty(), "a value of no metric");
                assert!(v.value.is_finite(), "a non-finite value");
            }
        }
        Err(e) => {
            let _ = e.to_string();
        }
    }
});
