//! Report output kept in the database until the data changes (the store's
//! `report_cache`): on a million items, `status` or `brief` takes seconds to read every
//! item, and the same report is asked for again and again between imports.

use throughline_report::{
    AllocationReport, DriftReport, Snapshot, StatusReport, ThemesReport, WithoutKeys,
};
use throughline_store::Store;

use super::Globals;

/// A report printed as text, or as JSON with `--json`.
pub trait Printed: serde::Serialize + WithoutKeys {
    fn text(&self) -> String;
}

macro_rules! printed {
    ($($t:ty),*) => {$(
        impl Printed for $t {
            fn text(&self) -> String {
                self.to_text()
            }
        }
    )*};
}
printed!(AllocationReport, DriftReport, ThemesReport);

/// `status` as printed: the report, saying which work "in the period" means (the work
/// active in it, or created or resolved in it with `--period-by`; `allocation` shows the
/// same work by when it was created, `drift` compares windows of created work), and
/// naming every file the data comes from.
#[derive(serde::Serialize)]
#[serde(transparent)]
pub struct StatusOut {
    pub report: StatusReport,
    /// The files and syncs besides the last one, as last imported, in words.
    #[serde(skip)]
    pub sources: Option<String>,
}

impl WithoutKeys for StatusOut {
    fn without_keys(self) -> Self {
        StatusOut {
            report: self.report.without_keys(),
            sources: self.sources,
        }
    }
}

impl Printed for StatusOut {
    fn text(&self) -> String {
        let mut text = self.report.to_text();
        if let (Some(last), Some(others)) = (&self.report.last_import, &self.sources) {
            let line = throughline_report::data_as_of(last);
            text = text.replace(&line, &format!("{line} {others}"));
        }
        let Some(p) = &self.report.period else {
            return text;
        };
        let note = format!(
            "Counted: the work {}{}.\n",
            self.report.period_by.describe(p),
            match self.report.period_by {
                throughline_report::PeriodBy::Active => ", whenever created",
                _ => "",
            }
        );
        match text.find(" work items") {
            Some(at) => {
                let end = text[at..].find('\n').map_or(text.len(), |i| at + i + 1);
                format!("{}{note}{}", &text[..end], &text[end..])
            }
            None => format!("{note}{text}"),
        }
    }
}

impl Globals {
    /// Prints the report `make` computes from the snapshot, as text or `--json`, through
    /// [`Globals::report_output`].
    pub fn print_report<R: Printed>(
        &self,
        store: &mut Store,
        command: &str,
        args: &impl std::fmt::Debug,
        make: impl FnOnce(&Snapshot) -> anyhow::Result<R>,
    ) -> anyhow::Result<()> {
        let text = self.report_output(store, command, args, |store| {
            let r = make(self.snapshot(store)?)?;
            Ok(if self.json {
                let r = if self.no_keys { r.without_keys() } else { r };
                serde_json::to_string_pretty(&r)? + "\n"
            } else {
                r.text()
            })
        })?;
        out!("{text}");
        Ok(())
    }

    /// The output of a report command, named by the command and its parsed arguments
    /// (their `Debug` form, so a new flag is part of the name without anyone
    /// remembering to add it): the kept output when it was made of the data as it is
    /// now, else `render`'s, which is then kept.
    ///
    /// The name also holds the output format, this build of the program (its version and
    /// when the binary was written: a new build may word things differently, and builds
    /// between releases share a version) and today's date, because a period's
    /// in-progress work runs "until now".
    pub fn report_output(
        &self,
        store: &mut Store,
        command: &str,
        args: &impl std::fmt::Debug,
        render: impl FnOnce(&Store) -> anyhow::Result<String>,
    ) -> anyhow::Result<String> {
        let built = std::env::current_exe()
            .and_then(|p| p.metadata())
            .and_then(|m| m.modified())
            .ok()
            .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
            .map_or(0, |d| d.as_secs());
        let name = format!(
            "{command} {args:?} json={} keys={} version={} built={built} day={}",
            self.json,
            !self.no_keys,
            env!("CARGO_PKG_VERSION"),
            chrono::Utc::now().date_naive()
        );
        if self.no_cache {
            return render(store);
        }
        let generation = store.generation()?;
        if let Some(Ok(text)) = store.cached_report(&name)?.map(String::from_utf8) {
            tracing::info!(%name, "report read from the cache");
            return Ok(text);
        }
        let text = render(store)?;
        // Keeping it is a saving, never a reason to fail the command.
        if let Err(e) = store.put_cached_report(&name, generation, text.as_bytes()) {
            tracing::warn!(%e, "the report could not be kept for next time");
        }
        Ok(text)
    }
}
