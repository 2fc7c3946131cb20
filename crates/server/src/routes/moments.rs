//! What the UI's "as of" control offers: the log's span in time and the
//! positions a slider may stop at (see `crate::asof`).

use crate::asof::Timeline;
use crate::error::{ApiError, blocking};
use crate::state::AppState;
use axum::Json;
use axum::extract::State;

/// The log's span for the "as of" control: its size, the charter's time,
/// the latest time a record claims, the server's time, and up to 200 tree
/// sizes spread over the log with the time each one's last record claims.
/// Every derived view takes `at` (a time from `charter` to `now`) and `size`
/// (1 to `size`) to answer as the record stood then.
#[utoipa::path(get, path = "/api/v1/as-of", tag = "incidents",
    responses((status = 200, body = Timeline)))]
pub async fn timeline(State(state): State<AppState>) -> Result<Json<Timeline>, ApiError> {
    blocking(move || {
        let mut timeline = (*crate::asof::timeline(&state)?).clone();
        // Kept per log size; the server's time is always today's.
        timeline.now = state.clock.now();
        Ok(Json(timeline))
    })
    .await
}
