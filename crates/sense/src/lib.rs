//! Throughline's sense-making engine: explicit alignment, inferred links, off-plan reasons, calibration and evaluation. Pure logic, no I/O.
