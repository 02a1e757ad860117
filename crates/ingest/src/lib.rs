//! Throughline's importers: Jira, GitHub, Linear and generic CSV / JSON Lines exports into work items.
