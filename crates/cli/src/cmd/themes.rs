//! `throughline themes`: off-plan work grouped into a few plain themes.

use throughline_report::{ThemeOptions, themes};

use super::{Globals, scope};
use crate::args::ThemesArgs;

pub fn run(g: &Globals, a: ThemesArgs) -> anyhow::Result<()> {
    let mut store = g.open()?;
    let opts = ThemeOptions {
        include_unplaced: a.unplaced,
        ..Default::default()
    };
    let text = g.report_output(&mut store, "themes", &a, |store| {
        let r = themes(g.snapshot(store)?, &scope(&a.scope, 3)?, &opts);
        if g.json {
            Ok(serde_json::to_string_pretty(&r)? + "\n")
        } else {
            Ok(r.to_text())
        }
    })?;
    out!("{text}");
    Ok(())
}
