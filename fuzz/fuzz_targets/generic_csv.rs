//! The generic csv importer through a mapping: the input is a mapping file (TOML), a NUL
//! byte, then the file (no NUL: no mapping, columns matched by name).
#![no_main]

use libfuzzer_sys::fuzz_target;
use throughline_ingest::Format;

fuzz_target!(|data: &[u8]| {
    let (mapping, file) = throughline_fuzz::mapping_and_file(data);
    throughline_fuzz::import_file(file, "csv", Format::Csv, mapping);
});
