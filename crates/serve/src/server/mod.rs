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

pub mod describe;
pub mod game;
pub mod guide;
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
const PICTURE_JS: &str = include_str!("../../web/picture.js");
const DESCRIBE_HTML: &str = include_str!("../../web/describe.html");
const DESCRIBE_JS: &str = include_str!("../../web/describe.js");

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
    /// Most work one request may ask for, in trust links × rounds × runs
    /// ([`jobs::run_cost`]): a comparison of the default scenario's six
    /// variants over 2,000 runs is about 56 million.
    pub cost: u64,
    /// Work one client address may ask for per minute, all its requests
    /// together (a bucket that refills continuously).
    pub client_cost_per_minute: u64,
    /// Rounds of all variants' curves in one comparison's answer (its size
    /// grows with them): 6 variants of two years of weeks by default.
    pub series_rounds: u64,
    /// Seconds after which a student whose page stopped asking (a closed
    /// browser) loses the place to the first student waiting.
    pub game_free_after: u64,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            body_bytes: 256 * 1024,
            jobs: 2,
            runs: 2000,
            arms: 8,
            view_pairs: 1_000_000,
            game_rate: 5.0,
            cost: 150_000_000,
            client_cost_per_minute: 600_000_000,
            series_rounds: 6 * 520,
            game_free_after: 120,
        }
    }
}

/// Time a client has to send a request's headers, counted from when the
/// connection is ready for a request: it also closes idle connections.
pub const HEADER_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(10);
/// Time a client has to send a request's body.
pub const BODY_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(20);
/// Connections open at once from one client address (a browser opens at
/// most six to one server).
pub const CONNECTIONS_PER_CLIENT: usize = 32;
/// Connections open at once, all clients together: well under the usual
/// limit of 1,024 open files.
pub const CONNECTIONS: usize = 512;
/// CPU-heavy tasks of requests (resolving a scenario, a run) at once; the
/// rest wait in line, each at most [`QUEUE_WAIT`].
pub const CPU_TASKS: usize = 2;
/// Longest wait in line for a CPU task before the server answers "busy".
pub const QUEUE_WAIT: std::time::Duration = std::time::Duration::from_secs(20);

/// How to serve.
#[derive(Debug, Clone, Default)]
pub struct Config {
    /// The scenario file given on the command line, read once at start.
    pub served: Option<Source>,
    pub limits: Limits,
    /// The address students open to join a class game
    /// (`http://HOST:PORT`); the teacher's own address when not given.
    pub join_base: Option<String>,
    /// The key that starts a class game from another computer than the
    /// server's (`coalsim serve` prints it); a random one when not given.
    pub teacher_key: Option<String>,
}

/// A new random teacher key: 12 letters and digits that cannot be mistaken
/// for each other. Drawn from the thread's entropy-seeded generator on
/// purpose: a key must not be reproducible (as the game's tokens).
#[allow(clippy::disallowed_methods)]
pub fn teacher_key() -> String {
    use rand::RngExt as _;
    const CHARS: &[u8] = b"ABCDEFGHJKMNPQRSTUVWXYZ23456789";
    let mut rng = rand::rng();
    (0..12)
        .map(|_| CHARS[rng.random_range(0..CHARS.len())] as char)
        .collect()
}

/// Games one address may start: a burst of this many, then one per
/// [`ROOM_EVERY`]. A wrong teacher key counts as one.
pub const ROOM_BURST: f64 = 4.0;
/// See [`ROOM_BURST`].
pub const ROOM_EVERY: std::time::Duration = std::time::Duration::from_secs(60);

struct Shared {
    served: Option<Source>,
    limits: Limits,
    jobs: Arc<Semaphore>,
    /// CPU-heavy request work at once ([`CPU_TASKS`]).
    cpu: Arc<Semaphore>,
    /// Each client address's budget of work ([`Limits::client_cost_per_minute`]).
    budgets:
        std::sync::Mutex<std::collections::HashMap<std::net::IpAddr, (f64, std::time::Instant)>>,
    rooms: game::Rooms,
    join_base: Option<String>,
    teacher_key: String,
    /// Each address's allowance of new games ([`ROOM_BURST`]).
    new_rooms:
        std::sync::Mutex<std::collections::HashMap<std::net::IpAddr, (f64, std::time::Instant)>>,
}

// The refusals are the responses the handlers return as they are.
#[allow(clippy::result_large_err)]
impl Shared {
    /// Takes one new game from the allowance of `ip`.
    fn new_room_allowed(&self, ip: std::net::IpAddr) -> Result<(), Response> {
        let now = std::time::Instant::now();
        let Ok(mut m) = self.new_rooms.lock() else {
            return Ok(());
        };
        if m.len() > 10_000 {
            m.clear();
        }
        let (left, at) = m.entry(ip).or_insert((ROOM_BURST, now));
        let refill = now.duration_since(*at).as_secs_f64() / ROOM_EVERY.as_secs_f64();
        *left = (*left + refill).min(ROOM_BURST);
        *at = now;
        if *left < 1.0 {
            return Err(error(
                StatusCode::TOO_MANY_REQUESTS,
                "too many games started from this computer; wait a minute",
            ));
        }
        *left -= 1.0;
        Ok(())
    }

    /// Takes `cost` from the budget of `ip`; refused (with the wait) when
    /// the address has asked for too much in the last minute.
    fn spend(&self, ip: std::net::IpAddr, cost: u64) -> Result<(), Response> {
        let per_minute = self.limits.client_cost_per_minute as f64;
        let now = std::time::Instant::now();
        let Ok(mut budgets) = self.budgets.lock() else {
            return Ok(());
        };
        if budgets.len() > 10_000 {
            // Forget addresses whose budget is full again.
            budgets.retain(|_, (left, at)| {
                *left + per_minute * at.elapsed().as_secs_f64() / 60.0 < per_minute
            });
        }
        let (left, at) = budgets.entry(ip).or_insert((per_minute, now));
        *left = (*left + per_minute * now.duration_since(*at).as_secs_f64() / 60.0).min(per_minute);
        *at = now;
        if (cost as f64) > *left {
            let wait = ((cost as f64 - *left) / per_minute * 60.0).ceil();
            return Err(error(
                StatusCode::TOO_MANY_REQUESTS,
                format!(
                    "this computer has asked this server for a lot of work in the last minute; try again in {wait:.0} s"
                ),
            ));
        }
        *left -= cost as f64;
        Ok(())
    }

    /// Admits a many-run job of `cost` from `ip`: spends the client's
    /// budget ([`Self::spend`]), then takes one of the server's job slots.
    fn admit(
        &self,
        ip: std::net::IpAddr,
        cost: u64,
    ) -> Result<tokio::sync::OwnedSemaphorePermit, Response> {
        self.spend(ip, cost)?;
        self.jobs.clone().try_acquire_owned().map_err(|_| {
            error(
                StatusCode::TOO_MANY_REQUESTS,
                format!(
                    "the server is already running {} comparison(s), its limit; try again when one has finished",
                    self.limits.jobs
                ),
            )
        })
    }

    /// Runs CPU-heavy `work` off the server's event loop, at most
    /// [`CPU_TASKS`] at once; waits its turn at most [`QUEUE_WAIT`].
    async fn heavy<T: Send + 'static>(
        &self,
        work: impl FnOnce() -> T + Send + 'static,
    ) -> Result<T, Response> {
        let permit = match tokio::time::timeout(QUEUE_WAIT, self.cpu.clone().acquire_owned()).await
        {
            Ok(Ok(p)) => p,
            _ => {
                return Err(error(
                    StatusCode::SERVICE_UNAVAILABLE,
                    "the server is busy; try again in a moment",
                ));
            }
        };
        tokio::task::spawn_blocking(move || {
            let _permit = permit;
            work()
        })
        .await
        .map_err(|e| {
            error(
                StatusCode::INTERNAL_SERVER_ERROR,
                format!("the request failed: {e}"),
            )
        })
    }
}

/// The client address of a request (loopback when unknown).
fn client_ip(ext: &axum::http::Extensions) -> std::net::IpAddr {
    ext.get::<axum::extract::ConnectInfo<SocketAddr>>()
        .map_or(std::net::IpAddr::V4(std::net::Ipv4Addr::LOCALHOST), |c| {
            c.0.ip()
        })
}

type AppState = Arc<Shared>;

/// The server's state for `cfg`.
fn shared(cfg: &Config) -> AppState {
    Arc::new(Shared {
        served: cfg.served.clone(),
        limits: cfg.limits,
        jobs: Arc::new(Semaphore::new(cfg.limits.jobs)),
        cpu: Arc::new(Semaphore::new(CPU_TASKS)),
        budgets: std::sync::Mutex::new(std::collections::HashMap::new()),
        rooms: game::Rooms::new(
            cfg.limits.game_rate,
            std::time::Duration::from_secs(cfg.limits.game_free_after),
        ),
        join_base: cfg.join_base.clone(),
        teacher_key: cfg.teacher_key.clone().unwrap_or_else(teacher_key),
        new_rooms: std::sync::Mutex::new(std::collections::HashMap::new()),
    })
}

/// The application: pages and API.
pub fn router(cfg: Config) -> Router {
    let state = shared(&cfg);
    let game_routes = Router::new()
        .route(
            "/api/game/new",
            post(game::new_game).layer(axum::middleware::from_fn_with_state(
                state.clone(),
                guard_new_game,
            )),
        )
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
            "/picture.js",
            get(|| async { asset("text/javascript; charset=utf-8", PICTURE_JS) }),
        )
        .route(
            "/game.css",
            get(|| async { asset("text/css; charset=utf-8", GAME_CSS) }),
        )
        .route(
            "/guide",
            get(|| async { asset_owned("text/html; charset=utf-8", guide::guides()) }),
        )
        .route(
            "/worksheet",
            get(|| async { asset_owned("text/html; charset=utf-8", guide::worksheet()) }),
        )
        .route(
            "/describe",
            get(|| async { asset("text/html; charset=utf-8", DESCRIBE_HTML) }),
        )
        .route(
            "/describe.js",
            get(|| async { asset("text/javascript; charset=utf-8", DESCRIBE_JS) }),
        )
        .route("/api/describe/choices", get(describe::choices))
        .route("/api/describe", post(describe::describe))
        .route("/api/charter", post(describe::charter))
        .route("/api/catalog", get(catalog))
        .route("/api/status", get(status))
        .route("/api/scenario", post(scenario))
        .route("/api/run", post(run))
        .route("/api/compare", post(compare))
        .layer(DefaultBodyLimit::max(cfg.limits.body_bytes))
        .merge(game_routes)
        .layer(tower_http::timeout::RequestBodyTimeoutLayer::new(
            BODY_TIMEOUT,
        ))
        .with_state(state)
}

/// Only the teacher starts a game: from the server's own computer, or with
/// the teacher key (`x-teacher-key`); and a few per address and minute.
async fn guard_new_game(
    State(st): State<AppState>,
    req: axum::extract::Request,
    next: axum::middleware::Next,
) -> Response {
    let ip = client_ip(req.extensions());
    if let Err(e) = st.new_room_allowed(ip) {
        return e;
    }
    if !ip.is_loopback() {
        let given = req
            .headers()
            .get("x-teacher-key")
            .and_then(|v| v.to_str().ok())
            .unwrap_or("");
        if given.trim() != st.teacher_key {
            return error(
                StatusCode::FORBIDDEN,
                "only the teacher can start a game: open this page on the computer running `coalsim serve`, or add the teacher key it printed to this page's address (…/game?key=KEY)",
            );
        }
    }
    next.run(req).await
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

/// A page made at run time (the guides, rendered from Markdown).
fn asset_owned(kind: &'static str, body: String) -> Response {
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
    let class: Vec<serde_json::Value> = request::CLASS_SCENARIOS
        .iter()
        .map(|(name, text)| {
            let file = ScenarioFile::load(Source {
                name: format!("scenarios/{name}.toml"),
                text: text.to_string(),
            })
            .ok();
            serde_json::json!({
                "name": name,
                "title": file.as_ref().map(|f| f.base.name.clone()).unwrap_or_default(),
                "organisations": file.as_ref().map_or(0, |f| f.base.agent_count()),
            })
        })
        .collect();
    json(&serde_json::json!({
        "served": st.served.as_ref().map(|s| s.name.clone()),
        "class_scenarios": class,
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
    let served = st.served.clone();
    let resolved = st
        .heavy(move || request::resolve(&req, served.as_ref()))
        .await;
    let (file, s) = match resolved {
        Ok(Ok(x)) => x,
        Ok(Err(e)) => return error(StatusCode::BAD_REQUEST, e),
        Err(busy) => return busy,
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
    ext: axum::http::Extensions,
    body: Result<axum::Json<RunRequest>, JsonRejection>,
) -> Response {
    let req = match body {
        Ok(axum::Json(r)) => r,
        Err(r) => return rejected(r),
    };
    let served = st.served.clone();
    let scenario = req.scenario;
    let resolved = st
        .heavy(move || request::resolve(&scenario, served.as_ref()))
        .await;
    let (_, s) = match resolved {
        Ok(Ok(x)) => x,
        Ok(Err(e)) => return error(StatusCode::BAD_REQUEST, e),
        Err(busy) => return busy,
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
    if let Err(e) = st.spend(client_ip(&ext), jobs::run_cost(&s)) {
        return e;
    }
    let seed = req.seed.unwrap_or(s.seed);
    match st.heavy(move || view::run_view(&s, seed)).await {
        Ok(v) => json(&v),
        Err(e) => e,
    }
}

/// `POST /api/compare`: answers with JSON lines, `{"done":N,"total":M}`
/// while running, then `{"result":{...}}`.
async fn compare(
    State(st): State<AppState>,
    ext: axum::http::Extensions,
    body: Result<axum::Json<jobs::CompareRequest>, JsonRejection>,
) -> Response {
    let req = match body {
        Ok(axum::Json(r)) => r,
        Err(r) => return rejected(r),
    };
    let served = st.served.clone();
    let (runs, arms) = (st.limits.runs, st.limits.arms);
    let prepared = st
        .heavy(move || jobs::prepare(&req, served.as_ref(), runs, arms))
        .await;
    let job = match prepared {
        Ok(Ok(j)) => j,
        Ok(Err(e)) => return error(StatusCode::BAD_REQUEST, e),
        Err(busy) => return busy,
    };
    let (cost, series) = (job.cost(), job.series_rounds());
    if cost > st.limits.cost {
        return error(
            StatusCode::BAD_REQUEST,
            format!(
                "this comparison is too much work for this server ({cost} trust links × rounds × runs; allowed: at most {}); use fewer runs or organisations, or run it with `coalsim sweep`",
                st.limits.cost
            ),
        );
    }
    if series > st.limits.series_rounds {
        return error(
            StatusCode::BAD_REQUEST,
            format!(
                "the curves of these variants are too long to send here ({series} rounds in all; allowed: at most {}); use fewer rounds or variants, or run it with `coalsim sweep`",
                st.limits.series_rounds
            ),
        );
    }
    let permit = match st.admit(client_ip(&ext), cost) {
        Ok(p) => p,
        Err(e) => return e,
    };
    let (tx, rx) = tokio::sync::mpsc::channel::<Result<String, Infallible>>(16);
    let total = job.cfg.runs;
    // Set when the answer's stream is dropped: the tab closed (hyper sees
    // its connection end and drops the answer) or the answer was sent. The
    // job then stops within a round of each run in hand.
    let stop = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let guard = StopOnDrop(stop.clone());
    tokio::task::spawn_blocking(move || {
        let _permit = permit;
        let line = |v: serde_json::Value| Ok(format!("{v}\n"));
        if tx
            .blocking_send(line(serde_json::json!({"done": 0, "total": total})))
            .is_err()
        {
            return;
        }
        let result = jobs::run(
            &job,
            |done| {
                if tx.is_closed() {
                    return false;
                }
                // A slow reader misses progress lines, never the result.
                let _ = tx.try_send(line(serde_json::json!({"done": done, "total": total})));
                true
            },
            &stop,
        );
        if let Some(r) = result {
            let _ = tx.blocking_send(line(serde_json::json!({ "result": r })));
        }
    });
    let stream = tokio_stream::StreamExt::map(
        tokio_stream::wrappers::ReceiverStream::new(rx),
        move |line| {
            let _ = &guard;
            line
        },
    );
    let body = Body::from_stream(stream);
    (
        [
            (header::CONTENT_TYPE, "application/x-ndjson"),
            (header::CACHE_CONTROL, "no-store"),
        ],
        body,
    )
        .into_response()
}

/// Sets its flag when dropped (with the stream of a job's answer).
struct StopOnDrop(Arc<std::sync::atomic::AtomicBool>);

impl Drop for StopOnDrop {
    fn drop(&mut self) {
        self.0.store(true, std::sync::atomic::Ordering::Relaxed);
    }
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

/// Serves `app` on `listener` until `stop` completes: HTTP/1.1 through
/// hyper, with the limits a server on a class network needs. A client gets
/// [`HEADER_TIMEOUT`] to send each request's headers (so a slow or idle
/// connection is closed), [`BODY_TIMEOUT`] for its body, and at most
/// [`CONNECTIONS_PER_CLIENT`] connections at once ([`CONNECTIONS`] for all
/// clients): one student's tab cannot take the class offline.
pub async fn serve_until(
    listener: tokio::net::TcpListener,
    app: Router,
    stop: impl std::future::Future<Output = ()>,
) {
    use hyper_util::rt::{TokioIo, TokioTimer};
    use std::collections::HashMap;
    use std::net::IpAddr;
    use tower::ServiceExt as _;

    /// Counts a connection of its address while it is open.
    struct Open {
        counts: Arc<std::sync::Mutex<HashMap<IpAddr, usize>>>,
        ip: IpAddr,
    }
    impl Drop for Open {
        fn drop(&mut self) {
            if let Ok(mut c) = self.counts.lock()
                && let Some(n) = c.get_mut(&self.ip)
            {
                *n -= 1;
                if *n == 0 {
                    c.remove(&self.ip);
                }
            }
        }
    }

    let counts: Arc<std::sync::Mutex<HashMap<IpAddr, usize>>> = Arc::default();
    let mut stop = std::pin::pin!(stop);
    loop {
        let accepted = tokio::select! {
            a = listener.accept() => a,
            () = &mut stop => return,
        };
        let (stream, addr) = match accepted {
            Ok(x) => x,
            Err(_) => {
                // Out of file descriptors, or a connection reset before it
                // was accepted: wait a little rather than spin.
                tokio::time::sleep(std::time::Duration::from_millis(50)).await;
                continue;
            }
        };
        let open = {
            let Ok(mut c) = counts.lock() else {
                continue;
            };
            let total: usize = c.values().sum();
            let mine = c.entry(addr.ip()).or_insert(0);
            if *mine >= CONNECTIONS_PER_CLIENT || total >= CONNECTIONS {
                continue; // dropped: closed at once
            }
            *mine += 1;
            Open {
                counts: counts.clone(),
                ip: addr.ip(),
            }
        };
        let _ = stream.set_nodelay(true);
        let service =
            app.clone()
                .map_request(move |mut req: axum::http::Request<hyper::body::Incoming>| {
                    req.extensions_mut()
                        .insert(axum::extract::ConnectInfo(addr));
                    req
                });
        tokio::spawn(async move {
            let _open = open;
            // HTTP/1.1 only (what the pages speak): the header timer then
            // runs from the connection's first byte on, which hyper's
            // protocol detection would not.
            let mut builder = hyper::server::conn::http1::Builder::new();
            builder
                .timer(TokioTimer::new())
                .header_read_timeout(HEADER_TIMEOUT)
                .max_buf_size(64 * 1024);
            let service = hyper_util::service::TowerToHyperService::new(service);
            let _ = builder
                .serve_connection(TokioIo::new(stream), service)
                .with_upgrades()
                .await;
        });
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
            serve_until(l, router(cfg), async {
                let _ = stopped.await;
            })
            .await;
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
    serve_until(listener, router(cfg), std::future::pending()).await;
    Ok(())
}
