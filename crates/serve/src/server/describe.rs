//! The "Describe your coalition" page: the questions of `coalsim new`
//! answered in a form, checked and turned into a scenario by the same code
//! ([`coalsim_core::scenario::describe`]), so the page and the command
//! accept the same answers with the same messages and write the same file;
//! and the charter button, which drafts the page of `coalsim charter`
//! ([`coalsim_report::charter`]) for a scenario.

use std::sync::Arc;
use std::sync::atomic::AtomicBool;

use axum::extract::State;
use axum::extract::rejection::JsonRejection;
use axum::http::StatusCode;
use axum::response::Response;
use serde::Deserialize;

use coalsim_core::scenario::describe::{self, Answers};

use super::{AppState, StopOnDrop, client_ip, error, json, rejected, request};

/// `GET /api/describe/choices`: every question's allowed answers.
pub async fn choices() -> Response {
    json(&describe::choices())
}

/// `POST /api/describe`: the answers (the keys of an answers file of
/// `coalsim new --answers`).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DescribeRequest {
    pub answers: Answers,
}

/// Answers `{"toml": TEXT, "name": NAME}`, or a 400 with the message
/// `coalsim new` gives for the same answers.
pub(super) async fn describe(
    State(st): State<AppState>,
    body: Result<axum::Json<DescribeRequest>, JsonRejection>,
) -> Response {
    let req = match body {
        Ok(axum::Json(r)) => r,
        Err(r) => return rejected(r),
    };
    let written = st
        .heavy(move || {
            describe::scenario(&req.answers, "coalition.toml")
                .map(|t| (t, req.answers.name.trim().to_string()))
        })
        .await;
    match written {
        Ok(Ok((toml, name))) => json(&serde_json::json!({ "toml": toml, "name": name })),
        Ok(Err(e)) => error(StatusCode::BAD_REQUEST, format!("{e:#}")),
        Err(busy) => busy,
    }
}

/// `POST /api/charter`: a scenario (its source; controls and variants are
/// not applied: the charter weighs the file's own settings) and the runs of
/// each side of every comparison.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CharterRequest {
    pub source: request::SourceRequest,
    #[serde(default)]
    pub runs: Option<u64>,
}

/// Runs of each side of a comparison when the page does not say.
pub const CHARTER_RUNS: u64 = 100;

/// Answers `{"markdown", "html", "evidence_csv", "runs"}` once every
/// comparison has run; the work stops if the page goes away.
pub(super) async fn charter(
    State(st): State<AppState>,
    ext: axum::http::Extensions,
    body: Result<axum::Json<CharterRequest>, JsonRejection>,
) -> Response {
    let req = match body {
        Ok(axum::Json(r)) => r,
        Err(r) => return rejected(r),
    };
    let runs = req.runs.unwrap_or(CHARTER_RUNS);
    if runs == 0 || runs > st.limits.runs {
        return error(
            StatusCode::BAD_REQUEST,
            format!(
                "runs: {runs}; allowed: 1 to {} on this server",
                st.limits.runs
            ),
        );
    }
    let served = st.served.clone();
    let source = req.source;
    let loaded = st
        .heavy(move || -> Result<_, String> {
            let file = request::load(&source, served.as_ref())?;
            let arms = coalsim_report::charter::arms(&file).map_err(|e| format!("{e:#}"))?;
            Ok((file, arms))
        })
        .await;
    let (file, arms) = match loaded {
        Ok(Ok(x)) => x,
        Ok(Err(e)) => return error(StatusCode::BAD_REQUEST, e),
        Err(busy) => return busy,
    };
    let cost = arms
        .saturating_mul(runs)
        .saturating_mul(super::jobs::run_cost(&file.base));
    if cost > st.limits.cost {
        return error(
            StatusCode::BAD_REQUEST,
            format!(
                "this charter is too much work for this server ({cost} trust links × rounds × runs; allowed: at most {}); use fewer runs, or run `coalsim charter` on your own computer",
                st.limits.cost
            ),
        );
    }
    let permit = match st.admit(client_ip(&ext), cost) {
        Ok(p) => p,
        Err(e) => return e,
    };
    let stop = Arc::new(AtomicBool::new(false));
    // Dropped with this request (the page went away): the runs stop.
    let _guard = StopOnDrop(stop.clone());
    let seed = file.base.seed;
    let drafted = tokio::task::spawn_blocking(move || {
        let _permit = permit;
        coalsim_report::charter::draft(&file, runs, seed, &stop)
    })
    .await;
    match drafted {
        Ok(Ok(Some(c))) => json(&serde_json::json!({
            "markdown": c.markdown,
            "html": c.html,
            "evidence_csv": c.evidence_csv,
            "runs": runs,
        })),
        Ok(Ok(None)) => error(StatusCode::SERVICE_UNAVAILABLE, "the charter was stopped"),
        Ok(Err(e)) => error(StatusCode::BAD_REQUEST, format!("{e:#}")),
        Err(e) => error(
            StatusCode::INTERNAL_SERVER_ERROR,
            format!("the charter failed: {e}"),
        ),
    }
}
