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
    g.print_report(&mut store, "themes", &a, |snap| {
        Ok(themes(snap, &scope(&a.scope, 3)?, &opts))
    })
}
