//! The strategy file: parsed and checked (with its `[[team]]` tables), or refused with
//! errors that name their lines.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    match throughline_strategy::parse_file(text) {
        Ok(file) => {
            let _ = format!("{file:?}");
        }
        Err(e) => {
            let _ = e.to_string();
        }
    }
});
