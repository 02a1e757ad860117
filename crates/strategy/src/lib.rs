//! Throughline's strategy file: a human-edited TOML file of goals, metrics and initiatives, parsed and checked with line numbers.
