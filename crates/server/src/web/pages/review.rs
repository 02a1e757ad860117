//! `POST /items/review`: a reviewed list uploaded from an item list's page. The list is
//! the CSV that page offers for download, with `decision` and `why` filled in; it is
//! stored as `throughline link --file` and `POST /api/items/review` store it (all or
//! nothing, see `report::review`). A plain HTML form can only send a file as
//! multipart/form-data, hence axum's `Multipart` here rather than a form extractor.

use axum::extract::{Multipart, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde_json::json;

use super::html;
use crate::api::links::store_review;
use crate::auth::Caller;
use crate::web::WebError;
use crate::web::util::{back_to_list, list_address, team_of};
use crate::{ApiError, AppState};

/// Where to return when the form names no list: the review queue.
const QUEUE: &str = "/items?origin=inferred&sort=confidence";

/// What the upload form sent.
#[derive(Debug, Default)]
struct Upload {
    /// The file's name as the browser gave it (it names the file in errors and says
    /// CSV or JSON), and its bytes.
    file: Option<(String, axum::body::Bytes)>,
    back: String,
    team: String,
}

async fn read(mut form: Multipart) -> Result<Upload, WebError> {
    let bad = |e: axum::extract::multipart::MultipartError| WebError::BadRequest(e.body_text());
    let mut up = Upload::default();
    while let Some(field) = form.next_field().await.map_err(bad)? {
        match field.name().unwrap_or("") {
            "file" => {
                let name = field.file_name().unwrap_or("").to_string();
                let bytes = field.bytes().await.map_err(bad)?;
                up.file = Some((name, bytes));
            }
            "back" => up.back = field.text().await.map_err(bad)?,
            "team" => up.team = field.text().await.map_err(bad)?,
            // Anything else is not ours to read.
            _ => {}
        }
    }
    Ok(up)
}

/// The base name of an uploaded file (browsers may send a path), or a plain default.
fn file_name(given: &str) -> String {
    let base = given.rsplit(['/', '\\']).next().unwrap_or("").trim();
    if base.is_empty() {
        "review.csv".into()
    } else {
        base.chars().take(120).collect()
    }
}

/// `POST /items/review`.
pub(crate) async fn upload(
    State(state): State<AppState>,
    caller: Caller,
    form: Multipart,
) -> Result<Response, WebError> {
    let up = read(form).await?;
    let back = list_address(&up.back).unwrap_or(QUEUE).to_string();
    let Some((given, bytes)) = up.file.filter(|(n, b)| !n.is_empty() || !b.is_empty()) else {
        return Ok(refused(back, "Choose the reviewed file first.".into()));
    };
    let name = file_name(&given);
    let team = team_of(&caller, &up.team);
    let stored = store_review(&state, name, bytes, team).await;
    match stored {
        Ok(done) => {
            let said = format!(
                "reviewed={}.{}.{}",
                done.confirmed, done.linked, done.undecided
            );
            let to = back_to_list(&back, &said).unwrap_or_else(|| Redirect::to(QUEUE));
            Ok(to.into_response())
        }
        // The reviewer's to mend: say which row and why, and store nothing.
        Err(e @ (ApiError::BadRequest(_) | ApiError::NotFound(_) | ApiError::Conflict(_))) => {
            Ok(refused(back, e.to_string()))
        }
        Err(e) => Err(e.into()),
    }
}

/// The page saying the list was not stored, and why, with the way back to the list.
fn refused(back: String, detail: String) -> Response {
    let ctx = json!({
        "title": "The reviewed list was not stored",
        "detail": detail,
        "hint": "Nothing in it was stored. Mend the row named above and send the whole file again.",
        "back": back,
        "back_label": "Back to the list",
    });
    match html("error.html", &ctx) {
        Ok(page) => (StatusCode::UNPROCESSABLE_ENTITY, page).into_response(),
        Err(e) => e.into_response(),
    }
}

/// `?reviewed=C.L.U` after an upload: how many rows were confirmed, linked and left.
/// Only numbers are read back, so an address cannot make the page say anything else.
pub(crate) fn reviewed_flash(said: &str) -> Option<serde_json::Value> {
    let n: Vec<usize> = said
        .split('.')
        .map(str::parse)
        .collect::<Result<_, _>>()
        .ok()?;
    let [confirmed, linked, undecided] = n[..] else {
        return None;
    };
    Some(json!({ "confirmed": confirmed, "linked": linked, "undecided": undecided }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_names_lose_their_path() {
        assert_eq!(file_name("C:\\Users\\me\\review.csv"), "review.csv");
        assert_eq!(file_name("/tmp/x/queue.json"), "queue.json");
        assert_eq!(file_name(""), "review.csv");
    }

    #[test]
    fn only_three_counts_are_read_back() {
        assert_eq!(
            reviewed_flash("2.1.40"),
            Some(json!({ "confirmed": 2, "linked": 1, "undecided": 40 }))
        );
        for bad in ["2.1", "2.1.4.5", "a.b.c", "<b>.1.2", ""] {
            assert_eq!(reviewed_flash(bad), None, "{bad}");
        }
    }
}
