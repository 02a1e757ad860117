//! Reviewed lists of links (`link --file`, the API's and the dashboard's upload): the
//! first byte picks the file name's extension, the rest is the text.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&pick, file)) = data.split_first() else {
        return;
    };
    let Ok(text) = std::str::from_utf8(file) else {
        return;
    };
    let name = ["review.csv", "review.json", "review.jsonl"][usize::from(pick % 3)];
    match throughline_ingest::read_review_text(name, text) {
        Ok(review) => {
            for row in review.rows {
                let _ = format!("{row:?}");
            }
        }
        Err(e) => {
            let _ = e.to_string();
        }
    }
});
