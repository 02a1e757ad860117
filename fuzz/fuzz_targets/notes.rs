//! Context notes files: the first byte picks CSV, JSON or JSON Lines, the rest is the file.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&pick, file)) = data.split_first() else {
        return;
    };
    let ext = ["csv", "json", "jsonl"][usize::from(pick % 3)];
    let path = throughline_fuzz::scratch(ext, file);
    match throughline_ingest::read_notes(&path) {
        Ok(notes) => {
            for n in notes {
                assert!(!n.text.trim().is_empty() || n.text.is_empty());
            }
        }
        Err(e) => {
            let _ = e.to_string();
        }
    }
    if let Ok(text) = std::str::from_utf8(file) {
        let _ = throughline_ingest::parse_note_target(text);
    }
});
