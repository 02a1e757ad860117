//! Throughline's demo organisation: a deterministic generator of a realistic strategy and tracker exports.
