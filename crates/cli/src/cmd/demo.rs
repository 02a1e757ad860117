use super::Globals;
use crate::args::DemoArgs;

pub fn run(_g: &Globals, _a: DemoArgs) -> anyhow::Result<()> {
    anyhow::bail!("demo: not wired yet")
}
