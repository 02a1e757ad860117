//! Reports over the store: what is being executed, how it aligns, what is off plan.
//!
//! Reports are computed in memory from a [`Snapshot`] (strategy, items, effective links),
//! so they are plain functions that tests can call on hand-made data. Every figure keeps
//! the keys of the items behind it, so any percentage can be drilled into.

mod effective;
mod scope;
mod snapshot;
pub mod status;
mod text;

pub use effective::{EffectiveLink, effective_links};
pub use scope::{Scope, in_period};
pub use snapshot::Snapshot;
pub use status::{StatusReport, status};
pub use text::bar;
