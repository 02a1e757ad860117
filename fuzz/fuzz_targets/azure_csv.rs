//! The AzureCsv importer on any file: no panic, and every item has a key and a title.
#![no_main]

use libfuzzer_sys::fuzz_target;
use throughline_ingest::Format;

fuzz_target!(|data: &[u8]| {
    throughline_fuzz::import_file(data, "csv", Format::AzureCsv, None);
});
