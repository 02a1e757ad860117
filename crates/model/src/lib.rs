//! The domain model of Throughline.
//!
//! This crate is the shared vocabulary of every other crate: it knows nothing about
//! storage, file formats, HTTP or the terminal. Types here are plain data with serde
//! support so that any layer can move them around.
//!
//! The chain the product answers questions along is
//! goals -> key results / impact metrics -> initiatives -> work items,
//! plus the links (explicit, inferred, corrected) that tie work to that chain and the
//! context notes people attach to anything.

mod link;
mod note;
mod people;
mod period;
mod strategy;
mod team;
mod work_item;

pub use link::{Link, LinkOrigin, LinkTarget, OffPlanReason, ParseTargetError};
pub use note::{ContextNote, NoteKind, NoteTarget};
pub use people::{SOMEONE, mask_people};
pub use period::{ParsePeriodError, Period};
pub use strategy::{
    CorrectionError, Direction, Goal, Initiative, Metric, MetricValue, Selectors, Strategy,
    path_within,
};
pub use team::{TeamMapping, mapped_team};
pub use work_item::{EstimateUnit, ItemKey, StatusCategory, WorkItem};

/// Timestamps are stored and compared in UTC.
pub type Timestamp = chrono::DateTime<chrono::Utc>;
