//! Throughline's embedded store: SQLite schema, transactional imports, strategy versions, links and notes.
