//! Reports over the store: what is being executed, how it aligns, what is off plan.
//!
//! Reports are computed in memory from a [`Snapshot`] (strategy, items, effective links),
//! so they are plain functions that tests can call on hand-made data. Every figure keeps
//! the keys of the items behind it, so any percentage can be drilled into.

pub mod allocation;
pub mod ask;
pub mod brief;
pub mod class;
pub mod csv_export;
pub mod digest;
pub mod draft;
pub mod drift;
mod effective;
mod groups;
pub mod item_query;
pub mod item_text;
mod keys;
pub mod metrics;
mod picture;
pub mod product_path;
pub mod relink;
mod representative;
pub mod review;
mod scope;
mod snapshot;
mod sources;
pub mod status;
pub mod stored_embeddings;
mod text;
pub mod text_index;
pub mod themes;
mod words;

pub use allocation::{AllocationOptions, AllocationReport, BucketBy, allocation};
pub use ask::{Answer, Citation, ask};
pub use brief::{Brief, Evidence, LongEvidence, ShortEvidence, brief};
pub use class::WorkClass;
pub use csv_export::{REVIEW_HEADER, allocation_csv, inert, review_record, status_csv};
pub use digest::{Digest, DigestError, DigestOptions, DigestPeriod, digest, digest_teams};
pub use drift::{DriftOptions, DriftReport, drift};
pub use effective::{
    EffectiveLink, NothingToConfirm, attach_also, confirmation, effective_links, engine_candidates,
};
pub use groups::team_groups;
pub use keys::WithoutKeys;
pub use metrics::{MetricStatus, metrics};
pub use picture::{Picture, picture, picture_by};
pub use review::{ReviewError, ReviewOutcome, apply_review};
pub use scope::{PeriodBy, Scope, in_period, in_period_by};
pub use snapshot::Snapshot;
pub use sources::{data_sources, other_sources};
pub use status::{StatusReport, data_as_of, status};
pub use text::{bar, percent, plural, truncate, url_encode};
pub use themes::{ThemeOptions, ThemesReport, themes};
