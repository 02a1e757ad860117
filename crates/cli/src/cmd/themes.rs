//! `throughline themes`: off-plan work grouped into a few plain themes.

use throughline_report::{ThemeOptions, themes};

use super::{Globals, scope};
use crate::args::ThemesArgs;
use crate::output;

pub fn run(g: &Globals, a: ThemesArgs) -> anyhow::Result<()> {
    let store = g.open()?;
    let snap = g.snapshot(&store)?;
    let opts = ThemeOptions {
        include_unplaced: a.unplaced,
        ..Default::default()
    };
    let r = themes(snap, &scope(&a.scope, 3)?, &opts);
    if g.json {
        output::json(&r)
    } else {
        out!("{}", r.to_text());
        Ok(())
    }
}
