//! The AzureJson importer on any bytes: no panic, and every item has a key and a title.
#![no_main]

use libfuzzer_sys::fuzz_target;
use throughline_ingest::Format;

fuzz_target!(|data: &[u8]| {
    throughline_fuzz::import_document(data, Format::AzureJson);
});
