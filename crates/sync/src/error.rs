//! What can go wrong talking to a tracker, said so a person can act on it.

use throughline_ingest::IngestError;

#[derive(Debug, thiserror::Error)]
pub enum SyncError {
    /// The settings cannot make a request (no query, a malformed repository name).
    #[error("{0}")]
    Config(String),
    /// The tracker could not be reached.
    #[error("could not reach {url}: {message}")]
    Network { url: String, message: String },
    /// The tracker answered with an error status.
    #[error("{url} answered {status}: {message}{hint}")]
    Status {
        url: String,
        status: u16,
        message: String,
        /// What to check, for the statuses that have a usual cause.
        hint: String,
    },
    /// The answer was not the JSON expected.
    #[error("{url} did not answer with the expected JSON: {message}")]
    Shape { url: String, message: String },
    /// A fetched issue could not be read as a work item (boxed: it carries the page's
    /// address, the record and the field, and errors travel by value).
    #[error(transparent)]
    Item(Box<IngestError>),
}

impl From<IngestError> for SyncError {
    fn from(e: IngestError) -> Self {
        SyncError::Item(Box::new(e))
    }
}
