//! The class game on the server: rooms, seats, tokens, the turn clock, and
//! the limits that keep one misbehaving client from spoiling the game.
//!
//! A teacher creates a room (`POST /api/game/new`) and gets a short join
//! code and a teacher token. A student joins with the code and a nickname
//! and gets a seat (one organisation) and a token; every later message
//! carries the token, and a token acts only for its own seat (no message
//! names a seat). Pages poll: the game advances when every student present
//! has chosen or the turn's time is up, checked whenever a page asks
//! (students and teacher ask every second). Nothing is written to disk:
//! a room lives in memory until the server stops or it has been idle for
//! [`IDLE`]; the log is what the teacher downloads.
//!
//! Each room has its own lock, and a request's work on its room (a turn
//! replays the game so far, ending a game plays it to its end) runs off the
//! server's event loop: a heavy room slows only its own requests, which
//! wait for it without holding a worker thread.

// An error here is the response to send: its size does not matter.
#![allow(clippy::result_large_err)]

use std::collections::HashMap;
use std::net::{IpAddr, SocketAddr};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::extract::rejection::JsonRejection;
use axum::extract::{ConnectInfo, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use rand::RngExt;
use serde::{Deserialize, Serialize};

use super::request::{self, ScenarioRequest};
use super::{AppState, error, json};
use crate::game::debrief::{self, Debrief};
use crate::game::views::{self, History};
use crate::game::{GameLog, Play, default_choices};
use coalsim_core::engine::{Ballot, Choices};
use coalsim_core::model::Status;
use coalsim_core::scenario::Scenario;

/// Most work of a class game's run, in trust links × weeks
/// ([`crate::game::run_cost`]): every turn replays the game so far, ending
/// it plays it to its end, and its debrief runs it again many times. 200
/// organisations over two years is 2.1 million.
pub const MAX_GAME_WORK: u64 = 2_500_000;
/// Rooms at once.
pub const MAX_ROOMS: usize = 16;
/// A room nobody has asked about for this long is dropped.
pub const IDLE: Duration = Duration::from_secs(4 * 3600);
/// A student whose page has not asked for this long is away: the model
/// decides for their organisation and the turn does not wait for them.
pub const AWAY: Duration = Duration::from_secs(15);
/// Largest message a game page sends.
pub const MAX_BODY: usize = 4 * 1024;
/// Longest nickname.
pub const MAX_NAME: usize = crate::game::MAX_NICKNAME;
/// A page may send `rate` requests per second on average (the server's
/// [`Limits::game_rate`](super::Limits)) and bursts of this many seconds'
/// worth.
const BURST_SECONDS: f64 = 5.0;
/// Refused requests (forgotten at one per second) before a student is
/// dropped from the game.
const STRIKES: f64 = 40.0;
/// Failed joins and unknown tokens per address: burst and per second.
const IP_BURST: f64 = 30.0;
const IP_RATE: f64 = 1.0;

/// A token bucket.
#[derive(Debug, Clone, Copy)]
struct Bucket {
    tokens: f64,
    last: Instant,
}

impl Bucket {
    fn new(now: Instant, burst: f64) -> Bucket {
        Bucket {
            tokens: burst,
            last: now,
        }
    }
    fn take(&mut self, now: Instant, rate: f64, burst: f64) -> bool {
        let dt = now.saturating_duration_since(self.last).as_secs_f64();
        self.last = now;
        self.tokens = (self.tokens + dt * rate).min(burst);
        if self.tokens >= 1.0 {
            self.tokens -= 1.0;
            true
        } else {
            false
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Phase {
    /// Students join; the teacher starts.
    Lobby,
    Playing,
    Paused,
    Over,
}

struct Player {
    token: String,
    name: String,
    last_seen: Instant,
    bucket: Bucket,
    /// Refused requests, decaying at one per second.
    strikes: f64,
    strike_at: Instant,
}

struct Seat {
    player: Option<Player>,
    /// Chosen for the current turn.
    chosen: Option<Choices>,
    /// The last choices sent (the form starts from them).
    last: Choices,
}

enum DebriefState {
    None,
    Running,
    Done(Box<Debrief>),
}

struct Room {
    teacher: String,
    teacher_bucket: Bucket,
    scenario: Arc<Scenario>,
    seed: u64,
    weeks_per_turn: u32,
    turn_seconds: u64,
    join_url: String,
    phase: Phase,
    turn: u32,
    deadline: Option<Instant>,
    paused_left: Duration,
    seats: Vec<Seat>,
    plays: Vec<Play>,
    history: History,
    debrief: DebriefState,
    last_active: Instant,
    /// Students dropped for misbehaving (nicknames), for the teacher.
    dropped: Vec<String>,
}

/// One room, behind its own lock (an asynchronous one: a request waiting
/// for a busy room holds no worker thread).
type RoomRef = Arc<tokio::sync::Mutex<Room>>;

/// Who a token belongs to: a room's code and a seat (`None`: the teacher).
type Holder = (String, Option<usize>);

/// Every room of this server.
pub struct Rooms {
    /// Rooms by join code. Locked only to find, add or drop a room, never
    /// while waiting for a room's own lock.
    rooms: Mutex<HashMap<String, RoomRef>>,
    /// Every token handed out, and whose it is (checked again against the
    /// room, which has the last word, once its lock is held).
    tokens: Mutex<HashMap<String, Holder>>,
    ips: Mutex<HashMap<IpAddr, Bucket>>,
    /// Requests per second one page may send on average.
    rate: f64,
}

impl Rooms {
    pub fn new(rate: f64) -> Rooms {
        Rooms {
            rooms: Mutex::new(HashMap::new()),
            tokens: Mutex::new(HashMap::new()),
            ips: Mutex::new(HashMap::new()),
            rate,
        }
    }
    fn burst(&self) -> f64 {
        self.rate * BURST_SECONDS
    }
}

type Result<T> = std::result::Result<T, Response>;

/// A token nobody can guess: from the operating system's entropy (through
/// the thread generator), not a simulation stream.
#[allow(clippy::disallowed_methods)]
fn token() -> String {
    let mut rng = rand::rng();
    format!("{:032x}", rng.random::<u128>())
}

/// Letters and digits that cannot be mistaken for each other.
const CODE_CHARS: &[u8] = b"ABCDEFGHJKMNPQRSTUVWXYZ23456789";
const CODE_LEN: usize = 5;

#[allow(clippy::disallowed_methods)]
fn join_code() -> String {
    let mut rng = rand::rng();
    (0..CODE_LEN)
        .map(|_| CODE_CHARS[rng.random_range(0..CODE_CHARS.len())] as char)
        .collect()
}

/// A nickname as kept ([`crate::game::nickname`]: NFC, printable,
/// trimmed, at most [`MAX_NAME`] characters); an error when nothing is left.
pub fn clean_name(name: &str) -> std::result::Result<String, String> {
    crate::game::nickname(name)
}

impl Room {
    fn new(
        s: Scenario,
        seed: u64,
        weeks: u32,
        secs: u64,
        join_url: String,
        now: Instant,
        burst: f64,
    ) -> Room {
        let history = views::history(&s, seed, &[], Some(0));
        let n = history.world.n;
        Room {
            teacher: token(),
            teacher_bucket: Bucket::new(now, burst),
            scenario: Arc::new(s),
            seed,
            weeks_per_turn: weeks,
            turn_seconds: secs,
            join_url,
            phase: Phase::Lobby,
            turn: 0,
            deadline: None,
            paused_left: Duration::ZERO,
            seats: (0..n)
                .map(|_| Seat {
                    player: None,
                    chosen: None,
                    last: default_choices(),
                })
                .collect(),
            plays: Vec::new(),
            history,
            debrief: DebriefState::None,
            last_active: now,
            dropped: Vec::new(),
        }
    }

    fn round(&self) -> u32 {
        self.history.world.round
    }

    /// Seated students whose organisation is still a member, present.
    fn waiting_for(&self, now: Instant) -> impl Iterator<Item = usize> + '_ {
        (0..self.seats.len()).filter(move |&i| {
            self.history.world.is_member(i)
                && self.seats[i].chosen.is_none()
                && self.seats[i]
                    .player
                    .as_ref()
                    .is_some_and(|p| now.saturating_duration_since(p.last_seen) < AWAY)
        })
    }

    fn seated(&self) -> usize {
        self.seats.iter().filter(|s| s.player.is_some()).count()
    }

    /// Advances when the turn is due: every present student has chosen
    /// (and at least one is seated), or the time is up.
    fn tick(&mut self, now: Instant) {
        if self.phase != Phase::Playing {
            return;
        }
        let all_chosen = self.seated() > 0
            && self.seats.iter().enumerate().any(|(i, s)| {
                s.chosen.is_some() && s.player.is_some() && self.history.world.is_member(i)
            })
            && self.waiting_for(now).next().is_none();
        let late = self.deadline.is_some_and(|d| now >= d);
        if all_chosen || late {
            self.advance(now);
        }
    }

    /// Plays the turn: the chosen seats' choices for each of its weeks.
    fn advance(&mut self, now: Instant) {
        let start = self.round();
        let end = (start + self.weeks_per_turn).min(self.scenario.max_rounds);
        for (i, seat) in self.seats.iter_mut().enumerate() {
            let Some(c) = seat.chosen.take() else {
                continue;
            };
            let Some(p) = &seat.player else { continue };
            if !self.history.world.is_member(i) {
                continue;
            }
            for round in start + 1..=end {
                self.plays.push(Play {
                    round,
                    agent: i,
                    player: p.name.clone(),
                    choices: c,
                });
            }
        }
        self.plays.sort_by_key(|p| (p.round, p.agent));
        self.history = views::history(&self.scenario, self.seed, &self.plays, Some(end));
        // Rows after an organisation left change nothing: not logged.
        let w = &self.history.world;
        self.plays
            .retain(|p| w.is_member(p.agent) || p.round <= w.left_round[p.agent]);
        self.turn += 1;
        if self.history.outcome.is_some() || self.round() >= self.scenario.max_rounds {
            self.finish();
        } else {
            self.deadline = Some(now + Duration::from_secs(self.turn_seconds));
        }
    }

    /// Ends the game: the rest of the run follows the model.
    fn finish(&mut self) {
        self.history = views::history(&self.scenario, self.seed, &self.plays, None);
        self.phase = Phase::Over;
        self.deadline = None;
    }

    fn log(&self) -> GameLog {
        let mut log = GameLog {
            title: self.scenario.name.clone(),
            scenario_toml: self.scenario.to_toml(),
            seed: self.seed,
            names: self.history.names.clone(),
            plays: self.plays.clone(),
            outcome: None,
        };
        if let Some(s) = &self.history.outcome {
            log.finish(s);
        }
        log
    }

    fn seconds_left(&self, now: Instant) -> Option<u64> {
        match self.phase {
            Phase::Playing => self
                .deadline
                .map(|d| d.saturating_duration_since(now).as_secs()),
            Phase::Paused => Some(self.paused_left.as_secs()),
            _ => None,
        }
    }
}

// ---- messages

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewGame {
    pub scenario: ScenarioRequest,
    #[serde(default)]
    pub seed: Option<u64>,
    #[serde(default)]
    pub weeks_per_turn: Option<u32>,
    #[serde(default)]
    pub turn_seconds: Option<u64>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Join {
    pub code: String,
    pub name: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TokenOnly {
    pub token: String,
    #[serde(default)]
    pub join: bool,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Choose {
    pub token: String,
    /// The turn these choices are for (a late message for a past turn is
    /// refused).
    pub turn: u32,
    pub attend: bool,
    pub contribute: f64,
    pub ballot: String,
    pub object: bool,
    pub leave: bool,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Control {
    pub token: String,
    /// `start`, `pause`, `resume`, `extend`, `advance` or `end`.
    pub action: String,
}

// ---- handlers

fn parse<T>(body: std::result::Result<axum::Json<T>, JsonRejection>) -> Result<T> {
    match body {
        Ok(axum::Json(v)) => Ok(v),
        Err(r) => {
            let code = r.status();
            let msg = if code == StatusCode::PAYLOAD_TOO_LARGE {
                format!("message too large (at most {MAX_BODY} bytes)")
            } else {
                format!("bad message: {}", r.body_text())
            };
            Err(error(code, msg))
        }
    }
}

impl Rooms {
    /// An address's allowance for joins and unknown tokens.
    fn ip_ok(&self, ip: IpAddr, now: Instant) -> Result<()> {
        let mut ips = self.ips.lock().unwrap_or_else(|e| e.into_inner());
        if ips.len() > 10_000 {
            ips.clear();
        }
        let b = ips.entry(ip).or_insert_with(|| Bucket::new(now, IP_BURST));
        if b.take(now, IP_RATE, IP_BURST) {
            Ok(())
        } else {
            Err(error(
                StatusCode::TOO_MANY_REQUESTS,
                "too many attempts from this address; wait a minute",
            ))
        }
    }

    fn map(&self) -> std::sync::MutexGuard<'_, HashMap<String, RoomRef>> {
        self.rooms.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn token_map(&self) -> std::sync::MutexGuard<'_, HashMap<String, Holder>> {
        self.tokens.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn room(&self, code: &str) -> Option<RoomRef> {
        self.map().get(code).cloned()
    }

    /// The room of a token, and the seat (`None`: the teacher's token).
    fn holder(&self, token: &str) -> Option<(String, Option<usize>, RoomRef)> {
        let (code, seat) = self.token_map().get(token).cloned()?;
        let room = self.room(&code)?;
        Some((code, seat, room))
    }

    fn remember(&self, token: &str, code: &str, seat: Option<usize>) {
        self.token_map()
            .insert(token.to_string(), (code.to_string(), seat));
    }

    fn forget(&self, token: &str) {
        self.token_map().remove(token);
    }
}

/// Runs `work` on `room` once its lock is free, off the event loop (on
/// tokio's blocking threads: a turn replays the game so far).
async fn in_room(
    room: RoomRef,
    work: impl FnOnce(&mut Room) -> Response + Send + 'static,
) -> Response {
    let mut guard = room.lock_owned().await;
    tokio::task::spawn_blocking(move || work(&mut guard))
        .await
        .unwrap_or_else(|e| {
            error(
                StatusCode::INTERNAL_SERVER_ERROR,
                format!("the request failed: {e}"),
            )
        })
}

/// The room and seat of a student's token; `Err` is the answer to an
/// unknown token.
fn student_of(
    st: &AppState,
    token: &str,
    ip: IpAddr,
    now: Instant,
) -> Result<(String, usize, RoomRef)> {
    match st.rooms.holder(token) {
        Some((code, Some(seat), room)) => Ok((code, seat, room)),
        _ => Err(refuse_unknown(st, ip, now)),
    }
}

/// The room of a teacher's token; `Err` is the answer to an unknown token.
fn teacher_of(st: &AppState, token: &str, ip: IpAddr, now: Instant) -> Result<(String, RoomRef)> {
    match st.rooms.holder(token) {
        Some((code, None, room)) => Ok((code, room)),
        _ => Err(refuse_unknown(st, ip, now)),
    }
}

impl Room {
    /// Whether `token` is the one of the student at `seat` now.
    fn seats_token(&self, seat: usize, token: &str) -> bool {
        self.seats
            .get(seat)
            .and_then(|s| s.player.as_ref())
            .is_some_and(|p| p.token == token)
    }
}

/// The client's address (loopback when the server runs without connection
/// info, as in tests of the router alone).
fn ip_of(ext: &axum::http::Extensions) -> IpAddr {
    ext.get::<ConnectInfo<SocketAddr>>()
        .map_or(IpAddr::from([127, 0, 0, 1]), |c| c.0.ip())
}

/// The answer to a token no game knows: counted against the caller's
/// address (so guessing tokens is rate-limited), then refused.
fn refuse_unknown(st: &AppState, ip: IpAddr, now: Instant) -> Response {
    st.rooms.ip_ok(ip, now).err().unwrap_or_else(unknown)
}

/// Counts a teacher's request against the room's rate limit: `Some` refusal
/// when it is over, else marks the room active.
fn teacher_request(st: &AppState, room: &mut Room, now: Instant) -> Option<Response> {
    if !room
        .teacher_bucket
        .take(now, st.rooms.rate, st.rooms.burst())
    {
        return Some(error(
            StatusCode::TOO_MANY_REQUESTS,
            "too many requests; slow down",
        ));
    }
    room.last_active = now;
    None
}

fn unknown() -> Response {
    error(
        StatusCode::FORBIDDEN,
        "this game does not know you (the game ended, or you were removed); join again with the code",
    )
}

/// Rate check for a student; a student refused too often is dropped and
/// their organisation handed back to the simulation.
fn student_rate(st: &AppState, room: &mut Room, seat: usize, now: Instant) -> Result<()> {
    let rate = st.rooms.rate;
    let Some(p) = room.seats[seat].player.as_mut() else {
        return Err(unknown());
    };
    p.last_seen = now;
    if p.bucket.take(now, rate, rate * BURST_SECONDS) {
        return Ok(());
    }
    let dt = now.saturating_duration_since(p.strike_at).as_secs_f64();
    p.strikes = (p.strikes - dt).max(0.0) + 1.0;
    p.strike_at = now;
    if p.strikes >= STRIKES {
        let name = p.name.clone();
        st.rooms.forget(&p.token);
        room.seats[seat].player = None;
        room.seats[seat].chosen = None;
        room.dropped.push(name);
        return Err(error(
            StatusCode::FORBIDDEN,
            "removed from the game: too many messages; your organisation is back with the simulation",
        ));
    }
    Err(error(
        StatusCode::TOO_MANY_REQUESTS,
        "too many messages; slow down",
    ))
}

pub(super) async fn new_game(
    State(st): State<AppState>,
    headers: HeaderMap,
    body: std::result::Result<axum::Json<NewGame>, JsonRejection>,
) -> Response {
    let req = match parse(body) {
        Ok(r) => r,
        Err(e) => return e,
    };
    let served = st.served.clone();
    let scenario = req.scenario.clone();
    let (_, s) = match st
        .heavy(move || request::resolve(&scenario, served.as_ref()))
        .await
    {
        Ok(Ok(x)) => x,
        Ok(Err(e)) => return error(StatusCode::BAD_REQUEST, e),
        Err(busy) => return busy,
    };
    let weeks = req.weeks_per_turn.unwrap_or(4);
    if !(1..=13).contains(&weeks) {
        return error(
            StatusCode::BAD_REQUEST,
            format!("weeks_per_turn: {weeks}; allowed: 1 to 13"),
        );
    }
    let secs = req.turn_seconds.unwrap_or(60);
    if !(10..=900).contains(&secs) {
        return error(
            StatusCode::BAD_REQUEST,
            format!("turn_seconds: {secs}; allowed: 10 to 900"),
        );
    }
    let n = s.agent_count() as u64;
    if n * n > 40_000 {
        return error(
            StatusCode::BAD_REQUEST,
            format!("{n} organisations is too many for a class game here (at most 200)"),
        );
    }
    let work = crate::game::run_cost(&s);
    if work > MAX_GAME_WORK {
        return error(
            StatusCode::BAD_REQUEST,
            format!(
                "{n} organisations over {} weeks is too long a game for a class here ({work} trust links × weeks; allowed: at most {MAX_GAME_WORK}, e.g. 200 organisations over two years); use fewer weeks (max_rounds) or organisations",
                s.max_rounds
            ),
        );
    }
    let seed = req.seed.unwrap_or(s.seed);
    let now = Instant::now();
    let host = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .filter(|h| {
            h.len() < 100
                && h.chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | ':' | '-' | '[' | ']'))
        })
        .unwrap_or("127.0.0.1");
    let base = st
        .join_base
        .clone()
        .unwrap_or_else(|| format!("http://{host}"));
    // Building the first view runs nothing (round 0); cheap.
    let mut rooms = st.rooms.map();
    // Idle rooms go (a room whose lock is held is in use).
    rooms.retain(|_, r| {
        r.try_lock().map_or(true, |r| {
            now.saturating_duration_since(r.last_active) < IDLE
        })
    });
    if rooms.len() >= MAX_ROOMS {
        return error(
            StatusCode::TOO_MANY_REQUESTS,
            format!("this server already runs {MAX_ROOMS} games; end one first"),
        );
    }
    st.rooms
        .token_map()
        .retain(|_, (code, _)| rooms.contains_key(code));
    let code = loop {
        let c = join_code();
        if !rooms.contains_key(&c) {
            break c;
        }
    };
    let url = format!("{base}/play?code={code}");
    let room = Room::new(s, seed, weeks, secs, url, now, st.rooms.burst());
    let teacher = room.teacher.clone();
    rooms.insert(code.clone(), Arc::new(tokio::sync::Mutex::new(room)));
    drop(rooms);
    st.rooms.remember(&teacher, &code, None);
    json(&serde_json::json!({ "code": code, "token": teacher }))
}

pub(super) async fn join(
    State(st): State<AppState>,
    ext: axum::http::Extensions,
    body: std::result::Result<axum::Json<Join>, JsonRejection>,
) -> Response {
    let now = Instant::now();
    let req = match parse(body) {
        Ok(r) => r,
        Err(e) => return e,
    };
    if let Err(e) = st.rooms.ip_ok(ip_of(&ext), now) {
        return e;
    }
    let name = match clean_name(&req.name) {
        Ok(n) => n,
        Err(e) => return error(StatusCode::BAD_REQUEST, e),
    };
    let code: String = req
        .code
        .trim()
        .to_ascii_uppercase()
        .chars()
        .take(16)
        .collect();
    let Some(room) = st.rooms.room(&code) else {
        return error(
            StatusCode::NOT_FOUND,
            "no game with this code; check the code on the teacher's screen",
        );
    };
    let st = st.clone();
    in_room(room, move |room| join_room(&st, room, &code, name, now)).await
}

/// Seats a student with nickname `name` in `room`.
fn join_room(st: &AppState, room: &mut Room, code: &str, name: String, now: Instant) -> Response {
    if room.phase == Phase::Over {
        return error(StatusCode::CONFLICT, "this game is over");
    }
    room.last_active = now;
    // One nickname per student: nobody can take another's name.
    let key = crate::game::nickname_key(&name);
    let taken = room.seats.iter().any(|s| {
        s.player
            .as_ref()
            .is_some_and(|p| crate::game::nickname_key(&p.name) == key)
    });
    if taken {
        return error(
            StatusCode::CONFLICT,
            "another student in this game already has this nickname; choose another",
        );
    }
    // The first organisation in the coalition that no student plays; when
    // every member has a player, one that may still join (an outsider).
    let w = &room.history.world;
    let free = |i: usize| room.seats[i].player.is_none();
    let Some(seat) = (0..room.seats.len())
        .find(|&i| w.is_member(i) && free(i))
        .or_else(|| (0..room.seats.len()).find(|&i| w.status[i] == Status::Outsider && free(i)))
    else {
        return error(
            StatusCode::CONFLICT,
            "every organisation already has a player",
        );
    };
    let t = token();
    st.rooms.remember(&t, code, Some(seat));
    room.seats[seat] = Seat {
        player: Some(Player {
            token: t.clone(),
            name: name.clone(),
            last_seen: now,
            bucket: Bucket::new(now, st.rooms.burst()),
            strikes: 0.0,
            strike_at: now,
        }),
        chosen: None,
        last: default_choices(),
    };
    json(&serde_json::json!({
        "token": t,
        "organisation": room.history.names[seat],
        "name": name,
    }))
}

/// A student's screen.
#[derive(Serialize)]
struct Me<'a> {
    name: &'a str,
    phase: Phase,
    turn: u32,
    weeks_per_turn: u32,
    seconds_left: Option<u64>,
    chosen: bool,
    last: ChoicesView,
    view: views::StudentView,
    debrief: Option<&'a Debrief>,
}

#[derive(Serialize)]
struct ChoicesView {
    attend: bool,
    contribute: f64,
    ballot: &'static str,
    object: bool,
    leave: bool,
}

impl From<Choices> for ChoicesView {
    fn from(c: Choices) -> ChoicesView {
        ChoicesView {
            attend: c.attend,
            contribute: c.contribute,
            ballot: c.ballot.name(),
            object: c.object,
            leave: c.leave,
        }
    }
}

fn start_debrief(st: &AppState, code: &str, room: &mut Room) {
    if room.phase != Phase::Over || !matches!(room.debrief, DebriefState::None) {
        return;
    }
    let Some(summary) = room.history.outcome.clone() else {
        return;
    };
    room.debrief = DebriefState::Running;
    let s = room.scenario.clone();
    let seed = room.seed;
    let lessons = debrief::lessons_seen(&room.history);
    let st = st.clone();
    let code = code.to_string();
    // Debriefs wait their turn with the server's other CPU-heavy work
    // (`Shared::heavy`): ending many games at once queues them.
    tokio::spawn(async move {
        let Ok(permit) = st.cpu.clone().acquire_owned().await else {
            return;
        };
        let _ = tokio::task::spawn_blocking(move || {
            let _permit = permit;
            let d = debrief::debrief(&s, seed, &summary, lessons);
            if let Some(r) = st.rooms.room(&code) {
                r.blocking_lock().debrief = DebriefState::Done(Box::new(d));
            }
        })
        .await;
    });
}

pub(super) async fn me(
    State(st): State<AppState>,
    ext: axum::http::Extensions,
    body: std::result::Result<axum::Json<TokenOnly>, JsonRejection>,
) -> Response {
    let now = Instant::now();
    let req = match parse(body) {
        Ok(r) => r,
        Err(e) => return e,
    };
    let (code, seat, room) = match student_of(&st, &req.token, ip_of(&ext), now) {
        Ok(x) => x,
        Err(e) => return e,
    };
    in_room(room, move |room| {
        if !room.seats_token(seat, &req.token) {
            st.rooms.forget(&req.token);
            return unknown();
        }
        me_in(&st, room, &code, seat, now)
    })
    .await
}

fn me_in(st: &AppState, room: &mut Room, code: &str, seat: usize, now: Instant) -> Response {
    if let Err(e) = student_rate(st, room, seat, now) {
        return e;
    }
    room.last_active = now;
    room.tick(now);
    start_debrief(st, code, room);
    let s = &room.seats[seat];
    let me = Me {
        name: &s.player.as_ref().expect("seated").name,
        phase: room.phase,
        turn: room.turn,
        weeks_per_turn: room.weeks_per_turn,
        seconds_left: room.seconds_left(now),
        chosen: s.chosen.is_some(),
        last: s.chosen.unwrap_or(s.last).into(),
        view: views::student(&room.scenario, &room.history, seat),
        debrief: match &room.debrief {
            DebriefState::Done(d) => Some(d),
            _ => None,
        },
    };
    json(&me)
}

pub(super) async fn choose(
    State(st): State<AppState>,
    ext: axum::http::Extensions,
    body: std::result::Result<axum::Json<Choose>, JsonRejection>,
) -> Response {
    let now = Instant::now();
    let req = match parse(body) {
        Ok(r) => r,
        Err(e) => return e,
    };
    let (_, seat, room) = match student_of(&st, &req.token, ip_of(&ext), now) {
        Ok(x) => x,
        Err(e) => return e,
    };
    in_room(room, move |room| {
        if !room.seats_token(seat, &req.token) {
            st.rooms.forget(&req.token);
            return unknown();
        }
        choose_in(&st, room, seat, &req, now)
    })
    .await
}

fn choose_in(st: &AppState, room: &mut Room, seat: usize, req: &Choose, now: Instant) -> Response {
    if let Err(e) = student_rate(st, room, seat, now) {
        return e;
    }
    room.last_active = now;
    let Some(ballot) = Ballot::from_name(&req.ballot) else {
        return error(
            StatusCode::BAD_REQUEST,
            format!(
                "ballot: `{}`; allowed: yes, no, aside, silent",
                req.ballot.chars().take(20).collect::<String>()
            ),
        );
    };
    if !crate::game::CONTRIBUTIONS
        .iter()
        .any(|(x, _)| *x == req.contribute)
    {
        return error(StatusCode::BAD_REQUEST, "contribute: allowed: 0, 0.5 or 1");
    }
    if room.phase != Phase::Playing && room.phase != Phase::Paused {
        return error(
            StatusCode::CONFLICT,
            match room.phase {
                Phase::Lobby => "the game has not started yet",
                _ => "the game is over",
            },
        );
    }
    if req.turn != room.turn {
        return error(
            StatusCode::CONFLICT,
            format!(
                "these choices were for turn {}; it is now turn {}",
                req.turn, room.turn
            ),
        );
    }
    if !room.history.world.is_member(seat) {
        return error(
            StatusCode::CONFLICT,
            "your organisation is no longer in the coalition",
        );
    }
    let c = Choices {
        attend: req.attend,
        contribute: req.contribute,
        ballot,
        object: req.object,
        leave: req.leave,
    };
    room.seats[seat].chosen = Some(c);
    room.seats[seat].last = c;
    room.tick(now);
    json(&serde_json::json!({ "ok": true, "turn": room.turn }))
}

pub(super) async fn quit(
    State(st): State<AppState>,
    ext: axum::http::Extensions,
    body: std::result::Result<axum::Json<TokenOnly>, JsonRejection>,
) -> Response {
    let now = Instant::now();
    let req = match parse(body) {
        Ok(r) => r,
        Err(e) => return e,
    };
    let (_, seat, room) = match student_of(&st, &req.token, ip_of(&ext), now) {
        Ok(x) => x,
        Err(e) => return e,
    };
    in_room(room, move |room| {
        st.rooms.forget(&req.token);
        if !room.seats_token(seat, &req.token) {
            return unknown();
        }
        room.seats[seat].player = None;
        room.seats[seat].chosen = None;
        room.tick(now);
        json(&serde_json::json!({ "ok": true }))
    })
    .await
}

/// One seat as the teacher sees it.
#[derive(Serialize)]
struct SeatView<'a> {
    agent: usize,
    organisation: &'a str,
    player: Option<&'a str>,
    /// `playing`, `away` (the model decides meanwhile) or `simulated`.
    state: &'static str,
    chosen: bool,
    member: bool,
}

pub(super) async fn teacher(
    State(st): State<AppState>,
    ext: axum::http::Extensions,
    body: std::result::Result<axum::Json<TokenOnly>, JsonRejection>,
) -> Response {
    let now = Instant::now();
    let req = match parse(body) {
        Ok(r) => r,
        Err(e) => return e,
    };
    let (code, room) = match teacher_of(&st, &req.token, ip_of(&ext), now) {
        Ok(x) => x,
        Err(e) => return e,
    };
    in_room(room, move |room| {
        teacher_in(&st, room, &code, req.join, now)
    })
    .await
}

fn teacher_in(st: &AppState, room: &mut Room, code: &str, join: bool, now: Instant) -> Response {
    if let Some(slow_down) = teacher_request(st, room, now) {
        return slow_down;
    }
    room.tick(now);
    start_debrief(st, code, room);
    let w = &room.history.world;
    let seats: Vec<SeatView> = room
        .seats
        .iter()
        .enumerate()
        .filter(|(i, s)| s.player.is_some() || w.is_member(*i))
        .map(|(i, s)| SeatView {
            agent: i,
            organisation: &room.history.names[i],
            player: s.player.as_ref().map(|p| p.name.as_str()),
            state: match &s.player {
                None => "simulated",
                Some(p) if now.saturating_duration_since(p.last_seen) >= AWAY => "away",
                Some(_) => "playing",
            },
            chosen: s.chosen.is_some(),
            member: w.is_member(i),
        })
        .collect();
    let qr = if join { qr_svg(&room.join_url) } else { None };
    json(&serde_json::json!({
        "code": code,
        "join_url": room.join_url,
        "qr_svg": qr,
        "phase": room.phase,
        "turn": room.turn,
        "weeks_per_turn": room.weeks_per_turn,
        "turn_seconds": room.turn_seconds,
        "seconds_left": room.seconds_left(now),
        "seed": room.seed,
        "seats": seats,
        "dropped": room.dropped,
        "picture": views::teacher(&room.scenario, &room.history),
        "debrief": match &room.debrief {
            DebriefState::Done(d) => Some(d),
            _ => None,
        },
        "debrief_running": matches!(room.debrief, DebriefState::Running),
    }))
}

pub(super) async fn control(
    State(st): State<AppState>,
    ext: axum::http::Extensions,
    body: std::result::Result<axum::Json<Control>, JsonRejection>,
) -> Response {
    let now = Instant::now();
    let req = match parse(body) {
        Ok(r) => r,
        Err(e) => return e,
    };
    let (code, room) = match teacher_of(&st, &req.token, ip_of(&ext), now) {
        Ok(x) => x,
        Err(e) => return e,
    };
    in_room(room, move |room| {
        control_in(&st, room, &code, &req.action, now)
    })
    .await
}

fn control_in(st: &AppState, room: &mut Room, code: &str, action: &str, now: Instant) -> Response {
    if let Some(slow_down) = teacher_request(st, room, now) {
        return slow_down;
    }
    let turn_time = Duration::from_secs(room.turn_seconds);
    match (action, room.phase) {
        ("start", Phase::Lobby) => {
            room.phase = Phase::Playing;
            room.deadline = Some(now + turn_time);
        }
        ("pause", Phase::Playing) => {
            room.paused_left = room
                .deadline
                .map_or(turn_time, |d| d.saturating_duration_since(now));
            room.deadline = None;
            room.phase = Phase::Paused;
        }
        ("resume", Phase::Paused) => {
            room.deadline = Some(now + room.paused_left.max(Duration::from_secs(5)));
            room.phase = Phase::Playing;
        }
        ("extend", Phase::Playing) => {
            room.deadline = room.deadline.map(|d| d + Duration::from_secs(30));
        }
        ("extend", Phase::Paused) => room.paused_left += Duration::from_secs(30),
        ("advance", Phase::Playing | Phase::Paused) => {
            room.phase = Phase::Playing;
            room.advance(now);
        }
        ("end", Phase::Lobby | Phase::Playing | Phase::Paused) => room.finish(),
        (a, p) => {
            return error(
                StatusCode::CONFLICT,
                format!(
                    "cannot {} now (the game is {p:?}); allowed: start, pause, resume, extend, advance, end",
                    a.chars().take(20).collect::<String>()
                ),
            );
        }
    }
    start_debrief(st, code, room);
    json(&serde_json::json!({ "ok": true, "phase": room.phase, "turn": room.turn }))
}

pub(super) async fn log_csv(
    State(st): State<AppState>,
    ext: axum::http::Extensions,
    body: std::result::Result<axum::Json<TokenOnly>, JsonRejection>,
) -> Response {
    let now = Instant::now();
    let req = match parse(body) {
        Ok(r) => r,
        Err(e) => return e,
    };
    let (_, room) = match teacher_of(&st, &req.token, ip_of(&ext), now) {
        Ok(x) => x,
        Err(e) => return e,
    };
    in_room(room, |room| {
        (
            [
                (header::CONTENT_TYPE, "text/csv; charset=utf-8"),
                (header::CACHE_CONTROL, "no-store"),
            ],
            room.log().to_csv(),
        )
            .into_response()
    })
    .await
}

/// The join address as a QR code (SVG), for phones.
pub fn qr_svg(url: &str) -> Option<String> {
    let code = qrcode::QrCode::new(url.as_bytes()).ok()?;
    Some(
        code.render::<qrcode::render::svg::Color>()
            .min_dimensions(240, 240)
            .quiet_zone(true)
            .build(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::body::to_bytes;

    async fn answer(r: Response) -> (StatusCode, serde_json::Value) {
        let status = r.status();
        let bytes = to_bytes(r.into_body(), usize::MAX).await.unwrap();
        (status, serde_json::from_slice(&bytes).unwrap())
    }

    /// A new room of the default scenario: its code and teacher token.
    async fn new_room(st: &AppState) -> (String, String) {
        let req: NewGame = serde_json::from_value(
            serde_json::json!({"scenario": {"source": {"kind": "default"}}}),
        )
        .unwrap();
        let (status, v) =
            answer(new_game(State(st.clone()), HeaderMap::new(), Ok(axum::Json(req))).await).await;
        assert_eq!(status, StatusCode::OK, "{v}");
        (
            v["code"].as_str().unwrap().into(),
            v["token"].as_str().unwrap().into(),
        )
    }

    fn teacher_poll(
        st: &AppState,
        token: &str,
    ) -> impl std::future::Future<Output = Response> + use<> {
        let body: TokenOnly =
            serde_json::from_value(serde_json::json!({ "token": token })).unwrap();
        teacher(
            State(st.clone()),
            axum::http::Extensions::new(),
            Ok(axum::Json(body)),
        )
    }

    /// Issue 26, defect 5: all rooms shared one lock, so ending a heavy
    /// room froze every game. Each room has its own lock now: while one
    /// room is busy (its lock held, as while a long turn is played), another
    /// room answers, and the busy room's own requests wait for it without
    /// holding a worker thread. (The wait for room B is bounded only
    /// against a hung test.)
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_busy_room_does_not_hold_up_another() {
        let st = super::super::shared(&super::super::Config::default());
        let (a, teacher_a) = new_room(&st).await;
        let (_, teacher_b) = new_room(&st).await;
        let busy = st.rooms.room(&a).unwrap().lock_owned().await;
        // Requests to room A, which must wait for it.
        let waiting: Vec<_> = (0..8)
            .map(|_| tokio::spawn(teacher_poll(&st, &teacher_a)))
            .collect();
        let b = tokio::time::timeout(Duration::from_secs(600), teacher_poll(&st, &teacher_b))
            .await
            .expect("room B answers while room A is busy");
        let (status, v) = answer(b).await;
        assert_eq!(status, StatusCode::OK, "{v}");
        assert!(waiting.iter().all(|w| !w.is_finished()));
        drop(busy);
        for w in waiting {
            let (status, v) = answer(w.await.unwrap()).await;
            assert_eq!(status, StatusCode::OK, "{v}");
        }
    }
}
