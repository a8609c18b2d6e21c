//! `coalsim serve`: the classroom in a browser.
//!
//! A small HTTP server (axum on tokio) in front of the same library API the
//! command line uses: [`request`] turns what a page sends into a validated
//! scenario (the code and messages of scenario files and `--vary`), [`view`]
//! runs it as `coalsim run` does and hands back every round for the page to
//! animate, and [`jobs`] runs many-run comparisons in the background with
//! the machinery of `coalsim sweep`. The pages (`web/`) are embedded in the
//! binary: the server reads no file after it starts, and no request can name
//! one.
//!
//! Limits keep one tab from exhausting the machine: a request body size, a
//! number of comparisons at once, and runs and variants per comparison. A
//! comparison stops when the tab that asked for it goes away.

pub mod game;
pub mod jobs;
pub mod request;
pub mod view;

use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::Arc;

use axum::Router;
use axum::body::Body;
use axum::extract::rejection::JsonRejection;
use axum::extract::{DefaultBodyLimit, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde::{Deserialize, Serialize};
use tokio::sync::Semaphore;

use coalsim_core::scenario::{ScenarioFile, Source};
use coalsim_core::study::lessons::LESSONS;

/// The page and its script and style, embedded at build time.
const INDEX_HTML: &str = include_str!("../../web/index.html");
const APP_JS: &str = include_str!("../../web/app.js");
const STYLE_CSS: &str = include_str!("../../web/style.css");
const GAME_HTML: &str = include_str!("../../web/game.html");
const GAME_JS: &str = include_str!("../../web/game.js");
const PLAY_HTML: &str = include_str!("../../web/play.html");
const PLAY_JS: &str = include_str!("../../web/play.js");
const GAME_CSS: &str = include_str!("../../web/game.css");

/// What one client may ask of the server.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Largest request body (an uploaded scenario travels in one).
    pub body_bytes: usize,
    /// Comparisons running at once, all clients together.
    pub jobs: usize,
    /// Runs per variant in one comparison.
    pub runs: u64,
    /// Variants in one comparison.
    pub arms: usize,
    /// Size of one run drawn round by round: pairs of organisations ×
    /// rounds (the trust links the page receives, and the work of the run).
    pub view_pairs: u64,
    /// Requests per second one page of a class game may send on average
    /// (it polls once a second); bursts of five seconds' worth pass.
    pub game_rate: f64,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            body_bytes: 256 * 1024,
            jobs: 2,
            runs: 2000,
            arms: 6,
            view_pairs: 1_000_000,
            game_rate: 5.0,
        }
    }
}

/// How to serve.
#[derive(Debug, Clone, Default)]
pub struct Config {
    /// The scenario file given on the command line, read once at start.
    pub served: Option<Source>,
    pub limits: Limits,
    /// The address students open to join a class game
    /// (`http://HOST:PORT`); the teacher's own address when not given.
    pub join_base: Option<String>,
}

struct Shared {
    served: Option<Source>,
    limits: Limits,
    jobs: Arc<Semaphore>,
    rooms: game::Rooms,
    join_base: Option<String>,
}

type AppState = Arc<Shared>;

/// The application: pages and API.
pub fn router(cfg: Config) -> Router {
    let state = Arc::new(Shared {
        served: cfg.served,
        limits: cfg.limits,
        jobs: Arc::new(Semaphore::new(cfg.limits.jobs)),
        rooms: game::Rooms::new(cfg.limits.game_rate),
        join_base: cfg.join_base,
    });
    let game_routes = Router::new()
        .route("/api/game/new", post(game::new_game))
        .route("/api/game/join", post(game::join))
        .route("/api/game/me", post(game::me))
        .route("/api/game/choose", post(game::choose))
        .route("/api/game/quit", post(game::quit))
        .route("/api/game/teacher", post(game::teacher))
        .route("/api/game/control", post(game::control))
        .route("/api/game/log", post(game::log_csv))
        .layer(DefaultBodyLimit::max(game::MAX_BODY));
    Router::new()
        .route(
            "/",
            get(|| async { asset("text/html; charset=utf-8", INDEX_HTML) }),
        )
        .route(
            "/app.js",
            get(|| async { asset("text/javascript; charset=utf-8", APP_JS) }),
        )
        .route(
            "/style.css",
            get(|| async { asset("text/css; charset=utf-8", STYLE_CSS) }),
        )
        .route(
            "/game",
            get(|| async { asset("text/html; charset=utf-8", GAME_HTML) }),
        )
        .route(
            "/game.js",
            get(|| async { asset("text/javascript; charset=utf-8", GAME_JS) }),
        )
        .route(
            "/play",
            get(|| async { asset("text/html; charset=utf-8", PLAY_HTML) }),
        )
        .route(
            "/play.js",
            get(|| async { asset("text/javascript; charset=utf-8", PLAY_JS) }),
        )
        .route(
            "/game.css",
            get(|| async { asset("text/css; charset=utf-8", GAME_CSS) }),
        )
        .route("/api/catalog", get(catalog))
        .route("/api/status", get(status))
        .route("/api/scenario", post(scenario))
        .route("/api/run", post(run))
        .route("/api/compare", post(compare))
        .layer(DefaultBodyLimit::max(cfg.limits.body_bytes))
        .merge(game_routes)
        .with_state(state)
}

fn asset(kind: &'static str, body: &'static str) -> Response {
    (
        [
            (header::CONTENT_TYPE, kind),
            (header::CACHE_CONTROL, "no-cache"),
        ],
        body,
    )
        .into_response()
}

/// An error as the page shows it: `{"error": "..."}` with a status.
pub(crate) fn error(code: StatusCode, message: impl Into<String>) -> Response {
    (
        code,
        axum::Json(serde_json::json!({ "error": message.into() })),
    )
        .into_response()
}

fn rejected(r: JsonRejection) -> Response {
    let code = r.status();
    let msg = if code == StatusCode::PAYLOAD_TOO_LARGE {
        "the request is too large for this server (is the scenario file that big?)".to_string()
    } else {
        format!("bad request: {}", r.body_text())
    };
    error(code, msg)
}

pub(crate) fn json<T: Serialize>(value: &T) -> Response {
    axum::Json(value).into_response()
}

async fn catalog(State(st): State<AppState>) -> Response {
    let lessons: Vec<serde_json::Value> = LESSONS
        .iter()
        .map(|l| {
            let file = ScenarioFile::load(request::lesson_source(l)).ok();
            serde_json::json!({
                "name": l.name,
                "title": file.as_ref().map(|f| f.base.name.clone()).unwrap_or_default(),
                "lesson": file.as_ref().map(|f| f.base.lesson.clone()).unwrap_or_default(),
                "section": l.section,
            })
        })
        .collect();
    json(&serde_json::json!({
        "served": st.served.as_ref().map(|s| s.name.clone()),
        "lessons": lessons,
        "controls": request::controls(),
        "limits": { "runs": st.limits.runs, "arms": st.limits.arms, "jobs": st.limits.jobs },
    }))
}

async fn status(State(st): State<AppState>) -> Response {
    json(&serde_json::json!({
        "jobs_running": st.limits.jobs - st.jobs.available_permits(),
        "jobs_allowed": st.limits.jobs,
    }))
}

async fn scenario(
    State(st): State<AppState>,
    body: Result<axum::Json<request::ScenarioRequest>, JsonRejection>,
) -> Response {
    let req = match body {
        Ok(axum::Json(r)) => r,
        Err(r) => return rejected(r),
    };
    let (file, s) = match request::resolve(&req, st.served.as_ref()) {
        Ok(x) => x,
        Err(e) => return error(StatusCode::BAD_REQUEST, e),
    };
    let text = s.to_toml();
    let table: toml::Table = toml::from_str(&text).unwrap_or_default();
    let values: serde_json::Map<String, serde_json::Value> = request::controls()
        .iter()
        .filter_map(|c| Some((c.key.to_string(), request::current(&table, c.key)?.into())))
        .collect();
    json(&serde_json::json!({
        "file": file.source.name,
        "name": s.name,
        "description": s.description,
        "lesson": s.lesson,
        "seed": s.seed,
        "rule": s.governance.decision_rule.name(),
        "variants": file.base.variant.iter().map(|v| serde_json::json!({
            "name": v.name,
            "description": v.description,
        })).collect::<Vec<_>>(),
        "values": values,
        "toml": text,
    }))
}

/// `POST /api/run`: one run, every round.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RunRequest {
    pub scenario: request::ScenarioRequest,
    #[serde(default)]
    pub seed: Option<u64>,
}

async fn run(
    State(st): State<AppState>,
    body: Result<axum::Json<RunRequest>, JsonRejection>,
) -> Response {
    let req = match body {
        Ok(axum::Json(r)) => r,
        Err(r) => return rejected(r),
    };
    let (_, s) = match request::resolve(&req.scenario, st.served.as_ref()) {
        Ok(x) => x,
        Err(e) => return error(StatusCode::BAD_REQUEST, e),
    };
    let n = s.agent_count() as u64;
    let pairs = n * n.saturating_sub(1) / 2 * (s.max_rounds as u64 + 1);
    if pairs > st.limits.view_pairs {
        return error(
            StatusCode::BAD_REQUEST,
            format!(
                "{n} organisations over {} rounds is too big to draw round by round here ({pairs} pairs × rounds; allowed: at most {}); run it with `coalsim run`, or compare many runs below",
                s.max_rounds, st.limits.view_pairs
            ),
        );
    }
    let seed = req.seed.unwrap_or(s.seed);
    // A run takes milliseconds, but keep the event loop free all the same.
    match tokio::task::spawn_blocking(move || view::run_view(&s, seed)).await {
        Ok(v) => json(&v),
        Err(e) => error(
            StatusCode::INTERNAL_SERVER_ERROR,
            format!("the run failed: {e}"),
        ),
    }
}

/// `POST /api/compare`: answers with JSON lines, `{"done":N,"total":M}`
/// while running, then `{"result":{...}}`.
async fn compare(
    State(st): State<AppState>,
    body: Result<axum::Json<jobs::CompareRequest>, JsonRejection>,
) -> Response {
    let req = match body {
        Ok(axum::Json(r)) => r,
        Err(r) => return rejected(r),
    };
    let job = match jobs::prepare(&req, st.served.as_ref(), st.limits.runs, st.limits.arms) {
        Ok(j) => j,
        Err(e) => return error(StatusCode::BAD_REQUEST, e),
    };
    let Ok(permit) = st.jobs.clone().try_acquire_owned() else {
        return error(
            StatusCode::TOO_MANY_REQUESTS,
            format!(
                "the server is already running {} comparison(s), its limit; try again when one has finished",
                st.limits.jobs
            ),
        );
    };
    let (tx, rx) = tokio::sync::mpsc::channel::<Result<String, Infallible>>(16);
    let total = job.cfg.runs;
    tokio::task::spawn_blocking(move || {
        let _permit = permit;
        let line = |v: serde_json::Value| Ok(format!("{v}\n"));
        if tx
            .blocking_send(line(serde_json::json!({"done": 0, "total": total})))
            .is_err()
        {
            return;
        }
        let result = jobs::run(&job, |done| {
            if tx.is_closed() {
                return false;
            }
            // A slow reader misses progress lines, never the result.
            let _ = tx.try_send(line(serde_json::json!({"done": done, "total": total})));
            true
        });
        if let Some(r) = result {
            let _ = tx.blocking_send(line(serde_json::json!({ "result": r })));
        }
    });
    let body = Body::from_stream(tokio_stream::wrappers::ReceiverStream::new(rx));
    (
        [
            (header::CONTENT_TYPE, "application/x-ndjson"),
            (header::CACHE_CONTROL, "no-store"),
        ],
        body,
    )
        .into_response()
}

/// A server running on its own thread (for tests and benchmarks); stops
/// when dropped.
pub struct Running {
    pub addr: SocketAddr,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Running {
    /// `http://ADDR`.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        if let Some(s) = self.stop.take() {
            let _ = s.send(());
        }
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

/// Binds `addr` (port 0: any free port) and serves on a new thread.
pub fn spawn(addr: SocketAddr, cfg: Config) -> std::io::Result<Running> {
    let listener = std::net::TcpListener::bind(addr)?;
    listener.set_nonblocking(true)?;
    let addr = listener.local_addr()?;
    let rt = runtime()?;
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let thread = std::thread::spawn(move || {
        rt.block_on(async move {
            let Ok(l) = tokio::net::TcpListener::from_std(listener) else {
                return;
            };
            tokio::select! {
                _ = axum::serve(l, router(cfg).into_make_service_with_connect_info::<SocketAddr>()).into_future() => {}
                _ = stopped => {}
            }
        });
        rt.shutdown_background();
    });
    Ok(Running {
        addr,
        stop: Some(stop),
        thread: Some(thread),
    })
}

/// The runtime the server runs on: two workers are plenty for a class.
pub fn runtime() -> std::io::Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
}

/// Serves on `listener` until the process ends.
pub async fn serve(listener: tokio::net::TcpListener, cfg: Config) -> std::io::Result<()> {
    axum::serve(
        listener,
        router(cfg).into_make_service_with_connect_info::<SocketAddr>(),
    )
    .await
}
