//! The class game on the server: rooms, seats, teams, tokens, the turn
//! clock, and the limits that keep one misbehaving client from spoiling the
//! game.
//!
//! A teacher creates a room (`POST /api/game/new`) and gets a short join
//! code and a teacher token. A student joins with the code and a nickname
//! and gets a place and a token: a place in the team of one organisation
//! (1 to [`MAX_TEAM`] students share one; the teacher fixes the team size
//! or the class fills the teams evenly), or, when every team is full, a
//! place on the waiting list, watching until a place frees. Every later
//! message carries the token, and a token acts only for its own place (no
//! message names a seat). A team agrees by vote: each member sends
//! choices, and the team plays the majority of each (ties go to the
//! member whose turn it is to speak, which rotates). Pages poll: the game
//! advances when every student present has chosen or the turn's time is
//! up, checked whenever a page asks (students and teacher ask every
//! second). A student whose page stops asking is away after [`AWAY`] (the
//! turn no longer waits) and loses the place after the server's
//! `game_free_after` (a closed browser), which goes to the first student
//! waiting. The teacher sees the roster and may move or remove a student,
//! send a message to every phone, and, once a game is over, replay the
//! same class, seats and seed under another rule (a rematch). Nothing is
//! written to disk: a room lives in memory until the server stops or it
//! has been idle for [`IDLE`]; the logs are what the teacher downloads.
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
use crate::game::{GameLog, Play, Shock, default_choices};
use coalsim_core::engine::{Ballot, Choices, ShockKind};
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
/// Most students sharing one organisation.
pub const MAX_TEAM: usize = 4;
/// Most students on a room's waiting list.
pub const MAX_WAITING: usize = 200;
/// Longest message the teacher sends to the phones.
pub const MAX_MESSAGE: usize = 200;
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
    /// Names the student in the teacher's roster (not a credential).
    id: String,
    token: String,
    name: String,
    last_seen: Instant,
    bucket: Bucket,
    /// Refused requests, decaying at one per second.
    strikes: f64,
    strike_at: Instant,
    /// Chosen for the current turn.
    chosen: Option<Choices>,
}

impl Player {
    fn new(name: String, now: Instant, burst: f64) -> Player {
        Player {
            id: token()[..8].to_string(),
            token: token(),
            name,
            last_seen: now,
            bucket: Bucket::new(now, burst),
            strikes: 0.0,
            strike_at: now,
            chosen: None,
        }
    }
    fn present(&self, now: Instant) -> bool {
        now.saturating_duration_since(self.last_seen) < AWAY
    }
}

/// One organisation and the students who play it.
struct Seat {
    team: Vec<Player>,
    /// The team's last choices (the form starts from them).
    last: Choices,
}

impl Seat {
    fn new() -> Seat {
        Seat {
            team: Vec::new(),
            last: default_choices(),
        }
    }
    fn chosen(&self) -> bool {
        self.team.iter().any(|p| p.chosen.is_some())
    }
}

/// Where a student is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Place {
    /// In the team of organisation `seat`, at `index`.
    Seat { seat: usize, index: usize },
    /// On the waiting list, at `index`.
    Waiting(usize),
}

/// The member of a team whose turn it is to speak: the tie-breaker.
fn speaker(team_len: usize, turn: u32) -> usize {
    turn as usize % team_len.max(1)
}

/// The team's choices for the turn: each choice by majority of the members
/// who sent one; a tie goes to the speaker's choice when the speaker sent
/// one, else to the first member (in joining order) who did. `None` when
/// nobody chose.
fn team_choice(team: &[Player], turn: u32) -> Option<Choices> {
    let sent: Vec<(usize, Choices)> = team
        .iter()
        .enumerate()
        .filter_map(|(k, p)| p.chosen.map(|c| (k, c)))
        .collect();
    let first = sent.first()?.1;
    let tie = sent
        .iter()
        .find(|(k, _)| *k == speaker(team.len(), turn))
        .map_or(first, |(_, c)| *c);
    fn pick<T: PartialEq + Copy>(values: &[T], tie: T) -> T {
        let count = |v: &T| values.iter().filter(|x| *x == v).count();
        let best = values.iter().map(count).max().unwrap_or(0);
        if count(&tie) == best {
            tie
        } else {
            *values.iter().find(|v| count(v) == best).unwrap_or(&tie)
        }
    }
    let all = |f: &dyn Fn(&Choices) -> u8| sent.iter().map(|(_, c)| f(c)).collect::<Vec<u8>>();
    let contribute_code = |c: &Choices| (c.contribute * 2.0).round() as u8;
    let ballot_code =
        |c: &Choices| Ballot::ALL.iter().position(|b| *b == c.ballot).unwrap_or(0) as u8;
    let contribute = pick(&all(&contribute_code), contribute_code(&tie));
    let ballot = pick(&all(&ballot_code), ballot_code(&tie));
    Some(Choices {
        attend: pick(&all(&|c| c.attend as u8), tie.attend as u8) == 1,
        contribute: f64::from(contribute) / 2.0,
        ballot: Ballot::ALL[ballot as usize],
        object: pick(&all(&|c| c.object as u8), tie.object as u8) == 1,
        leave: pick(&all(&|c| c.leave as u8), tie.leave as u8) == 1,
    })
}

/// A game of this class before a rematch, kept for the side-by-side
/// debrief and its log.
struct PastGame {
    game: u32,
    rule: &'static str,
    class: debrief::Ending,
    points: Vec<views::Point>,
    log: GameLog,
}

/// One game of the class in the debrief's side-by-side table.
#[derive(Serialize)]
struct GameView {
    game: u32,
    rule: &'static str,
    class: debrief::Ending,
    points: Vec<views::Point>,
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
    /// Students beyond the full teams, watching, first in line first.
    waiting: Vec<Player>,
    /// Students per organisation the teacher fixed; `None`: the class
    /// fills the teams evenly, up to [`MAX_TEAM`].
    team_size: Option<usize>,
    /// A student away this long loses the place.
    free_after: Duration,
    /// The teacher's message on every phone.
    message: Option<String>,
    /// This game's number: 1, then one more for each rematch.
    game: u32,
    /// The class's earlier games (rematches), oldest first.
    games: Vec<PastGame>,
    plays: Vec<Play>,
    /// The shocks the teacher called, by the week they struck.
    shocks: Vec<Shock>,
    /// A shock the teacher called that strikes in the first week of the
    /// next turn played.
    next_shock: Option<ShockKind>,
    history: History,
    debrief: DebriefState,
    last_active: Instant,
    /// Students dropped for misbehaving or gone for good (nicknames and
    /// why), for the teacher.
    dropped: Vec<String>,
}

/// One room, behind its own lock (an asynchronous one: a request waiting
/// for a busy room holds no worker thread).
type RoomRef = Arc<tokio::sync::Mutex<Room>>;

/// Who a token belongs to: a room's code, and whether it is the teacher's
/// (a student's place, which moves as teams fill and free, is the room's
/// to say: [`Room::place_of`]).
type Holder = (String, bool);

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
    /// A student away this long loses the place.
    free_after: Duration,
}

impl Rooms {
    pub fn new(rate: f64, free_after: Duration) -> Rooms {
        Rooms {
            rooms: Mutex::new(HashMap::new()),
            tokens: Mutex::new(HashMap::new()),
            ips: Mutex::new(HashMap::new()),
            rate,
            free_after,
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
    #[allow(clippy::too_many_arguments)]
    fn new(
        s: Scenario,
        seed: u64,
        weeks: u32,
        secs: u64,
        team_size: Option<usize>,
        free_after: Duration,
        join_url: String,
        now: Instant,
        burst: f64,
    ) -> Room {
        let history = views::history(&s, seed, &[], &[], Some(0));
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
            seats: (0..n).map(|_| Seat::new()).collect(),
            waiting: Vec::new(),
            team_size,
            free_after,
            message: None,
            game: 1,
            games: Vec::new(),
            plays: Vec::new(),
            shocks: Vec::new(),
            next_shock: None,
            history,
            debrief: DebriefState::None,
            last_active: now,
            dropped: Vec::new(),
        }
    }

    fn round(&self) -> u32 {
        self.history.world.round
    }

    /// Students per organisation at most.
    fn cap(&self) -> usize {
        self.team_size.unwrap_or(MAX_TEAM)
    }

    /// The organisation a newcomer joins: one still in the game (a member,
    /// or an outsider who may join) with the fewest students, members
    /// first, then by order; `None` when every team is full.
    fn open_seat(&self) -> Option<usize> {
        let w = &self.history.world;
        (0..self.seats.len())
            .filter(|&i| w.status[i] != Status::Former && self.seats[i].team.len() < self.cap())
            .min_by_key(|&i| (self.seats[i].team.len(), !w.is_member(i), i))
    }

    /// Gives free places to the students waiting, first in line first.
    fn seat_waiting(&mut self) {
        while !self.waiting.is_empty() {
            let Some(seat) = self.open_seat() else { break };
            let p = self.waiting.remove(0);
            self.seats[seat].team.push(p);
        }
    }

    /// Where the student with `token` is.
    fn place_of(&self, token: &str) -> Option<Place> {
        self.seats
            .iter()
            .enumerate()
            .find_map(|(seat, s)| {
                s.team
                    .iter()
                    .position(|p| p.token == token)
                    .map(|index| Place::Seat { seat, index })
            })
            .or_else(|| {
                self.waiting
                    .iter()
                    .position(|p| p.token == token)
                    .map(Place::Waiting)
            })
    }

    fn place_of_id(&self, id: &str) -> Option<Place> {
        let token = self
            .seats
            .iter()
            .flat_map(|s| &s.team)
            .chain(&self.waiting)
            .find(|p| p.id == id)?
            .token
            .clone();
        self.place_of(&token)
    }

    fn player_mut(&mut self, at: Place) -> &mut Player {
        match at {
            Place::Seat { seat, index } => &mut self.seats[seat].team[index],
            Place::Waiting(k) => &mut self.waiting[k],
        }
    }

    /// Takes a student out of the game (their token stops working); a
    /// student waiting takes the place.
    fn remove(&mut self, at: Place) -> Player {
        let p = match at {
            Place::Seat { seat, index } => self.seats[seat].team.remove(index),
            Place::Waiting(k) => self.waiting.remove(k),
        };
        self.seat_waiting();
        p
    }

    /// Frees the places of students away longer than `free_after` (a
    /// closed browser): the teacher is told, and a student waiting takes
    /// the place.
    fn free_closed(&mut self, now: Instant) {
        let gone = |p: &Player| now.saturating_duration_since(p.last_seen) >= self.free_after;
        let mut freed = Vec::new();
        for s in &mut self.seats {
            s.team.retain(|p| {
                let g = gone(p);
                if g {
                    freed.push(p.name.clone());
                }
                !g
            });
        }
        self.waiting.retain(|p| !gone(p));
        if !freed.is_empty() {
            self.dropped.extend(
                freed
                    .into_iter()
                    .map(|n| format!("{n} (away too long: place freed)")),
            );
            self.seat_waiting();
        }
    }

    /// Present students on organisations still in the coalition who have
    /// not chosen yet.
    fn waiting_for(&self, now: Instant) -> impl Iterator<Item = usize> + '_ {
        (0..self.seats.len()).filter(move |&i| {
            self.history.world.is_member(i)
                && self.seats[i]
                    .team
                    .iter()
                    .any(|p| p.chosen.is_none() && p.present(now))
        })
    }

    /// Advances when the turn is due: every present student has chosen
    /// (and at least one has), or the time is up.
    fn tick(&mut self, now: Instant) {
        self.free_closed(now);
        if self.phase != Phase::Playing {
            return;
        }
        let all_chosen = self
            .seats
            .iter()
            .enumerate()
            .any(|(i, s)| s.chosen() && self.history.world.is_member(i))
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
            let choice = team_choice(&seat.team, self.turn);
            let names: Vec<&str> = seat
                .team
                .iter()
                .filter(|p| p.chosen.is_some())
                .map(|p| p.name.as_str())
                .collect();
            let player = names.join(" + ");
            for p in &mut seat.team {
                p.chosen = None;
            }
            let Some(c) = choice else { continue };
            seat.last = c;
            if !self.history.world.is_member(i) {
                continue;
            }
            for round in start + 1..=end {
                self.plays.push(Play {
                    round,
                    agent: i,
                    player: player.clone(),
                    choices: c,
                });
            }
        }
        self.plays.sort_by_key(|p| (p.round, p.agent));
        if let Some(kind) = self.next_shock.take() {
            self.shocks.push(Shock {
                round: start + 1,
                kind,
            });
        }
        self.history = views::history(
            &self.scenario,
            self.seed,
            &self.plays,
            &self.shocks,
            Some(end),
        );
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

    /// Ends the game where it stands (the teacher's "end"): the class is
    /// judged on the weeks it played, and nothing more is simulated.
    fn stop(&mut self) {
        if self.history.outcome.is_none() {
            let sim = crate::game::simulate(
                &self.scenario,
                self.seed,
                &self.plays,
                &self.shocks,
                Some(self.round()),
            );
            self.history.outcome = Some(crate::game::summary_now(&sim));
        }
        self.phase = Phase::Over;
        self.deadline = None;
        self.next_shock = None;
    }

    /// The same class, seats and seed again under `rule` (after a game is
    /// over): the game just played is kept for the debrief.
    fn rematch(&mut self, rule: &str) -> std::result::Result<(), String> {
        let file = coalsim_core::scenario::ScenarioFile::load(coalsim_core::scenario::Source {
            name: "the game's scenario".into(),
            text: self.scenario.to_toml(),
        })
        .map_err(|e| request::message(&e))?;
        let next = file
            .with_overrides(
                request::ORIGIN,
                &[(
                    "governance.decision_rule".to_string(),
                    toml::Value::String(rule.to_string()),
                )],
            )
            .map_err(|e| format!("rule: {}", request::message(&e)))?;
        let Some(outcome) = &self.history.outcome else {
            return Err("the game is not over".into());
        };
        let picture = views::teacher(&self.scenario, &self.history);
        self.games.push(PastGame {
            game: self.game,
            rule: self.scenario.governance.decision_rule.name(),
            class: debrief::Ending::of(outcome),
            points: picture.points,
            log: self.log(),
        });
        self.history = views::history(&next, self.seed, &[], &[], Some(0));
        self.scenario = Arc::new(next);
        self.plays.clear();
        self.shocks.clear();
        self.next_shock = None;
        self.turn = 0;
        self.phase = Phase::Lobby;
        self.deadline = None;
        self.debrief = DebriefState::None;
        self.game += 1;
        for seat in &mut self.seats {
            seat.last = default_choices();
            for p in &mut seat.team {
                p.chosen = None;
            }
        }
        Ok(())
    }

    /// Every game of the class so far, this one included once it is over.
    fn game_views(&self) -> Vec<GameView> {
        let mut out: Vec<GameView> = self
            .games
            .iter()
            .map(|g| GameView {
                game: g.game,
                rule: g.rule,
                class: g.class.clone(),
                points: g.points.clone(),
            })
            .collect();
        if let Some(o) = &self.history.outcome
            && self.phase == Phase::Over
            && !self.games.is_empty()
        {
            out.push(GameView {
                game: self.game,
                rule: self.scenario.governance.decision_rule.name(),
                class: debrief::Ending::of(o),
                points: views::teacher(&self.scenario, &self.history).points,
            });
        }
        out
    }

    /// Ends the game at its last turn: the run's own end.
    fn finish(&mut self) {
        self.history = views::history(&self.scenario, self.seed, &self.plays, &self.shocks, None);
        self.phase = Phase::Over;
        self.deadline = None;
        self.next_shock = None;
    }

    fn log(&self) -> GameLog {
        let mut log = GameLog {
            title: self.scenario.name.clone(),
            scenario_toml: self.scenario.to_toml(),
            seed: self.seed,
            names: self.history.names.clone(),
            plays: self.plays.clone(),
            shocks: self.shocks.clone(),
            outcome: None,
            stopped_at: None,
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
    /// Students per organisation (1 to [`MAX_TEAM`]); none: the class
    /// fills the teams evenly.
    #[serde(default)]
    pub team_size: Option<usize>,
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
    /// The log of an earlier game of this class (a rematch's first game).
    #[serde(default)]
    pub game: Option<u32>,
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
    /// `start`, `pause`, `resume`, `extend`, `advance`, `end`, `say`,
    /// `shock`, `move`, `remove` or `rematch`.
    pub action: String,
    /// `say`: the message for every phone (empty: take it down).
    #[serde(default)]
    pub text: Option<String>,
    /// `move`, `remove`: the student, by the id the roster shows.
    #[serde(default)]
    pub player: Option<String>,
    /// `move`: to this organisation (its index in the roster).
    #[serde(default)]
    pub agent: Option<usize>,
    /// `rematch`: the decision rule of the next game.
    #[serde(default)]
    pub rule: Option<String>,
    /// `shock`: its kind (`competitor`, `policy_shift`,
    /// `leadership_change`), or `none` to call it off.
    #[serde(default)]
    pub kind: Option<String>,
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

    /// The room of a token, and whether it is the teacher's.
    fn holder(&self, token: &str) -> Option<(String, bool, RoomRef)> {
        let (code, teacher) = self.token_map().get(token).cloned()?;
        let room = self.room(&code)?;
        Some((code, teacher, room))
    }

    fn remember(&self, token: &str, code: &str, teacher: bool) {
        self.token_map()
            .insert(token.to_string(), (code.to_string(), teacher));
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

/// The room of a student's token (the student's place in it is looked up
/// once its lock is held); `Err` is the answer to an unknown token.
fn student_of(st: &AppState, token: &str, ip: IpAddr, now: Instant) -> Result<(String, RoomRef)> {
    match st.rooms.holder(token) {
        Some((code, false, room)) => Ok((code, room)),
        _ => Err(refuse_unknown(st, ip, now)),
    }
}

/// The room of a teacher's token; `Err` is the answer to an unknown token.
fn teacher_of(st: &AppState, token: &str, ip: IpAddr, now: Instant) -> Result<(String, RoomRef)> {
    match st.rooms.holder(token) {
        Some((code, true, room)) => Ok((code, room)),
        _ => Err(refuse_unknown(st, ip, now)),
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
fn student_rate(st: &AppState, room: &mut Room, at: Place, now: Instant) -> Result<()> {
    let rate = st.rooms.rate;
    let p = room.player_mut(at);
    p.last_seen = now;
    if p.bucket.take(now, rate, rate * BURST_SECONDS) {
        return Ok(());
    }
    let dt = now.saturating_duration_since(p.strike_at).as_secs_f64();
    p.strikes = (p.strikes - dt).max(0.0) + 1.0;
    p.strike_at = now;
    if p.strikes >= STRIKES {
        let p = room.remove(at);
        st.rooms.forget(&p.token);
        room.dropped.push(format!("{} (too many messages)", p.name));
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
    if let Some(k) = req.team_size
        && !(1..=MAX_TEAM).contains(&k)
    {
        return error(
            StatusCode::BAD_REQUEST,
            format!("team_size: {k}; allowed: 1 to {MAX_TEAM} students per organisation"),
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
    let room = Room::new(
        s,
        seed,
        weeks,
        secs,
        req.team_size,
        st.rooms.free_after,
        url,
        now,
        st.rooms.burst(),
    );
    let teacher = room.teacher.clone();
    rooms.insert(code.clone(), Arc::new(tokio::sync::Mutex::new(room)));
    drop(rooms);
    st.rooms.remember(&teacher, &code, true);
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
    // A closed browser's place (and nickname) is free again.
    room.free_closed(now);
    // One nickname per student: nobody can take another's name (a team
    // member's, or a student's waiting).
    let key = crate::game::nickname_key(&name);
    let taken = room
        .seats
        .iter()
        .flat_map(|s| &s.team)
        .chain(&room.waiting)
        .any(|p| crate::game::nickname_key(&p.name) == key);
    if taken {
        return error(
            StatusCode::CONFLICT,
            "another student in this game already has this nickname; choose another",
        );
    }
    // The organisation still in the game with the fewest students (members
    // first); when every team is full, the waiting list.
    let p = Player::new(name.clone(), now, st.rooms.burst());
    let t = p.token.clone();
    st.rooms.remember(&t, code, false);
    let organisation = match room.open_seat() {
        Some(seat) if room.waiting.is_empty() => {
            room.seats[seat].team.push(p);
            Some(room.history.names[seat].clone())
        }
        _ => {
            if room.waiting.len() >= MAX_WAITING {
                return error(
                    StatusCode::CONFLICT,
                    format!("the game is full ({MAX_WAITING} students already watching)"),
                );
            }
            room.waiting.push(p);
            None
        }
    };
    json(&serde_json::json!({
        "token": t,
        "organisation": organisation,
        "watching": organisation.is_none(),
        "name": name,
    }))
}

/// A student's screen.
#[derive(Serialize)]
struct Me<'a> {
    name: &'a str,
    /// `playing` (in a team) or `watching` (on the waiting list).
    role: &'static str,
    /// Watching: the place in line (1 = the next free place is yours).
    place: Option<usize>,
    phase: Phase,
    turn: u32,
    /// The class's game: 1, then one more for each rematch.
    game: u32,
    weeks_per_turn: u32,
    seconds_left: Option<u64>,
    /// This student has sent choices for the turn.
    chosen: bool,
    last: ChoicesView,
    team: Option<TeamView<'a>>,
    /// The teacher's message.
    message: Option<&'a str>,
    /// The organisation from the inside; none while watching.
    view: Option<views::StudentView>,
    /// What anyone in the room can see.
    coalition: views::PublicView,
    round: u32,
    max_rounds: u32,
    /// The story so far as the teacher's screen tells it: for a student
    /// watching.
    public_lines: Vec<String>,
    debrief: Option<&'a Debrief>,
}

/// A student's team, as the team sees it.
#[derive(Serialize)]
struct TeamView<'a> {
    members: Vec<TeamMember<'a>>,
    /// How the team decides, in words.
    how: String,
}

#[derive(Serialize)]
struct TeamMember<'a> {
    name: &'a str,
    chosen: bool,
    me: bool,
    speaker: bool,
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
    let (code, room) = match student_of(&st, &req.token, ip_of(&ext), now) {
        Ok(x) => x,
        Err(e) => return e,
    };
    in_room(room, move |room| {
        let Some(at) = room.place_of(&req.token) else {
            st.rooms.forget(&req.token);
            return unknown();
        };
        me_in(&st, room, &code, &req.token, at, now)
    })
    .await
}

fn me_in(
    st: &AppState,
    room: &mut Room,
    code: &str,
    token: &str,
    at: Place,
    now: Instant,
) -> Response {
    if let Err(e) = student_rate(st, room, at, now) {
        return e;
    }
    room.last_active = now;
    room.tick(now);
    start_debrief(st, code, room);
    // The tick may have given a student waiting a place: look again.
    let Some(at) = room.place_of(token) else {
        return unknown();
    };
    let w = &room.history.world;
    let lines = &room.history.lines;
    let (name, chosen, last, team, view, place) = match at {
        Place::Seat { seat, index } => {
            let s = &room.seats[seat];
            let me = &s.team[index];
            let talk = speaker(s.team.len(), room.turn);
            let team = (s.team.len() > 1).then(|| TeamView {
                members: s
                    .team
                    .iter()
                    .enumerate()
                    .map(|(k, p)| TeamMember {
                        name: &p.name,
                        chosen: p.chosen.is_some(),
                        me: k == index,
                        speaker: k == talk,
                    })
                    .collect(),
                how: format!(
                    "Each of you sends choices; the team plays the majority of each, and a tie goes to {} this turn (the tie-breaker changes every turn).",
                    if talk == index {
                        "you".to_string()
                    } else {
                        s.team[talk].name.clone()
                    }
                ),
            });
            (
                me.name.as_str(),
                me.chosen.is_some(),
                me.chosen.unwrap_or(s.last),
                team,
                Some(views::student(
                    &room.scenario,
                    &room.history,
                    seat,
                    room.round().saturating_sub(room.weeks_per_turn),
                )),
                None,
            )
        }
        Place::Waiting(k) => (
            room.waiting[k].name.as_str(),
            false,
            default_choices(),
            None,
            None,
            Some(k + 1),
        ),
    };
    let me = Me {
        name,
        role: if view.is_some() {
            "playing"
        } else {
            "watching"
        },
        place,
        phase: room.phase,
        turn: room.turn,
        game: room.game,
        weeks_per_turn: room.weeks_per_turn,
        seconds_left: room.seconds_left(now),
        chosen,
        last: last.into(),
        team,
        message: room.message.as_deref(),
        view,
        coalition: views::public(&room.scenario, w),
        round: w.round,
        max_rounds: room.scenario.max_rounds,
        public_lines: if place.is_some() {
            lines[lines.len().saturating_sub(12)..].to_vec()
        } else {
            Vec::new()
        },
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
    let (_, room) = match student_of(&st, &req.token, ip_of(&ext), now) {
        Ok(x) => x,
        Err(e) => return e,
    };
    in_room(room, move |room| {
        let Some(at) = room.place_of(&req.token) else {
            st.rooms.forget(&req.token);
            return unknown();
        };
        choose_in(&st, room, at, &req, now)
    })
    .await
}

fn choose_in(st: &AppState, room: &mut Room, at: Place, req: &Choose, now: Instant) -> Response {
    if let Err(e) = student_rate(st, room, at, now) {
        return e;
    }
    room.last_active = now;
    let Place::Seat { seat, index } = at else {
        return error(
            StatusCode::CONFLICT,
            "you are watching: every organisation has a full team; you get the next free place",
        );
    };
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
    room.seats[seat].team[index].chosen = Some(c);
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
    let (_, room) = match student_of(&st, &req.token, ip_of(&ext), now) {
        Ok(x) => x,
        Err(e) => return e,
    };
    in_room(room, move |room| {
        st.rooms.forget(&req.token);
        let Some(at) = room.place_of(&req.token) else {
            return unknown();
        };
        room.remove(at);
        room.tick(now);
        json(&serde_json::json!({ "ok": true }))
    })
    .await
}

/// One organisation as the teacher sees it.
#[derive(Serialize)]
struct SeatView<'a> {
    agent: usize,
    organisation: &'a str,
    /// The team's nicknames, joined; none when the model plays it.
    player: Option<String>,
    players: Vec<PlayerView<'a>>,
    /// `playing`, `away` (every student of the team away: the model
    /// decides meanwhile) or `simulated`.
    state: &'static str,
    /// Someone in the team has chosen for this turn.
    chosen: bool,
    member: bool,
    /// `member`, `outsider` or `former`.
    status: &'static str,
}

/// One student as the teacher sees them.
#[derive(Serialize)]
struct PlayerView<'a> {
    /// For `move` and `remove`.
    id: &'a str,
    name: &'a str,
    /// `playing` or `away`.
    state: &'static str,
    chosen: bool,
    /// Breaks the team's ties this turn.
    speaker: bool,
}

fn player_view(p: &Player, now: Instant, speaker: bool) -> PlayerView<'_> {
    PlayerView {
        id: &p.id,
        name: &p.name,
        state: if p.present(now) { "playing" } else { "away" },
        chosen: p.chosen.is_some(),
        speaker,
    }
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
    let turn = room.turn;
    let seats: Vec<SeatView> = room
        .seats
        .iter()
        .enumerate()
        .map(|(i, s)| SeatView {
            agent: i,
            organisation: &room.history.names[i],
            player: (!s.team.is_empty()).then(|| {
                s.team
                    .iter()
                    .map(|p| p.name.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            }),
            players: s
                .team
                .iter()
                .enumerate()
                .map(|(k, p)| {
                    player_view(p, now, s.team.len() > 1 && k == speaker(s.team.len(), turn))
                })
                .collect(),
            state: if s.team.is_empty() {
                "simulated"
            } else if s.team.iter().any(|p| p.present(now)) {
                "playing"
            } else {
                "away"
            },
            chosen: s.chosen(),
            member: w.is_member(i),
            status: match w.status[i] {
                Status::Member => "member",
                Status::Outsider => "outsider",
                Status::Former => "former",
            },
        })
        .collect();
    let waiting: Vec<PlayerView> = room
        .waiting
        .iter()
        .map(|p| player_view(p, now, false))
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
        "waiting": waiting,
        "team_size": room.team_size,
        "message": room.message,
        "next_shock": room.next_shock.map(ShockKind::name),
        "shocks": room.shocks.iter().map(|s| serde_json::json!({"week": s.round, "kind": s.kind.name()})).collect::<Vec<_>>(),
        "game": room.game,
        "games": room.game_views(),
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
    in_room(room, move |room| control_in(&st, room, &code, &req, now)).await
}

fn control_in(st: &AppState, room: &mut Room, code: &str, req: &Control, now: Instant) -> Response {
    if let Some(slow_down) = teacher_request(st, room, now) {
        return slow_down;
    }
    let turn_time = Duration::from_secs(room.turn_seconds);
    match (req.action.as_str(), room.phase) {
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
        ("end", Phase::Lobby | Phase::Playing | Phase::Paused) => room.stop(),
        ("rematch", Phase::Over) => {
            let rule = req.rule.as_deref().unwrap_or("");
            if let Err(e) = room.rematch(rule) {
                return error(StatusCode::BAD_REQUEST, e);
            }
        }
        ("shock", Phase::Lobby | Phase::Playing | Phase::Paused) => {
            // Strikes in the first week of the next turn played (the
            // teacher may call it off, or change its kind, until then).
            let kind = req.kind.as_deref().unwrap_or("");
            if kind == "none" {
                room.next_shock = None;
            } else if let Some(k) = ShockKind::from_name(kind) {
                room.next_shock = Some(k);
            } else {
                return error(
                    StatusCode::BAD_REQUEST,
                    format!(
                        "kind: `{}`; allowed: {}, or none",
                        kind.chars().take(20).collect::<String>(),
                        ShockKind::ALL.map(ShockKind::name).join(", ")
                    ),
                );
            }
        }
        ("say", _) => {
            let text = req.text.as_deref().unwrap_or("");
            if text.chars().count() > MAX_MESSAGE {
                return error(
                    StatusCode::BAD_REQUEST,
                    format!("text: a message has at most {MAX_MESSAGE} characters"),
                );
            }
            let clean: String = text
                .chars()
                .map(|c| if c.is_control() { ' ' } else { c })
                .collect();
            let clean = clean.trim();
            room.message = (!clean.is_empty()).then(|| clean.to_string());
        }
        ("move" | "remove", _) => {
            let Some(at) = req.player.as_deref().and_then(|id| room.place_of_id(id)) else {
                return error(
                    StatusCode::NOT_FOUND,
                    "player: no such student in this game (the roster shows each one's id)",
                );
            };
            if req.action == "remove" {
                let p = room.remove(at);
                room.dropped
                    .push(format!("{} (removed by the teacher)", p.name));
            } else {
                let n = room.seats.len();
                let Some(to) = req.agent.filter(|&a| a < n) else {
                    return error(
                        StatusCode::BAD_REQUEST,
                        format!("agent: allowed: an organisation from 0 to {}", n - 1),
                    );
                };
                if room.history.world.status[to] == Status::Former {
                    return error(
                        StatusCode::CONFLICT,
                        format!("{} has left the coalition", room.history.names[to]),
                    );
                }
                if matches!(at, Place::Seat { seat, .. } if seat == to) {
                    // Already there.
                } else if room.seats[to].team.len() >= MAX_TEAM {
                    return error(
                        StatusCode::CONFLICT,
                        format!("{} already has {MAX_TEAM} students", room.history.names[to]),
                    );
                } else {
                    let mut p = match at {
                        Place::Seat { seat, index } => room.seats[seat].team.remove(index),
                        Place::Waiting(k) => room.waiting.remove(k),
                    };
                    p.chosen = None;
                    room.seats[to].team.push(p);
                    room.seat_waiting();
                }
            }
        }
        (a, p) => {
            return error(
                StatusCode::CONFLICT,
                format!(
                    "cannot {} now (the game is {p:?}); allowed: start, pause, resume, extend, advance, end, shock (before the end), say, move, remove, rematch (once over)",
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
    let game = req.game;
    in_room(room, move |room| {
        let text = match game {
            Some(g) if g != room.game => match room.games.iter().find(|p| p.game == g) {
                Some(p) => p.log.to_csv(),
                None => {
                    return error(
                        StatusCode::NOT_FOUND,
                        format!("game: no game {g}; allowed: 1 to {}", room.game),
                    );
                }
            },
            _ => room.log().to_csv(),
        };
        (
            [
                (header::CONTENT_TYPE, "text/csv; charset=utf-8"),
                (header::CACHE_CONTROL, "no-store"),
            ],
            text,
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

    fn player(name: &str, c: Option<Choices>) -> Player {
        let mut p = Player::new(name.into(), Instant::now(), 5.0);
        p.chosen = c;
        p
    }

    fn choices(contribute: f64, ballot: Ballot, leave: bool) -> Choices {
        Choices {
            attend: true,
            contribute,
            ballot,
            object: false,
            leave,
        }
    }

    #[test]
    fn a_team_plays_the_majority_of_each_choice() {
        let team = [
            player("A", Some(choices(0.5, Ballot::No, false))),
            player("B", Some(choices(0.5, Ballot::Yes, true))),
            player("C", Some(choices(1.0, Ballot::No, false))),
        ];
        let c = team_choice(&team, 0).unwrap();
        assert_eq!(c.contribute, 0.5);
        assert_eq!(c.ballot, Ballot::No);
        assert!(!c.leave);
        // Nobody chose: the model decides.
        assert!(team_choice(&[player("A", None)], 0).is_none());
    }

    #[test]
    fn a_tie_goes_to_the_speaker_who_rotates() {
        let team = [
            player("A", Some(choices(1.0, Ballot::Yes, false))),
            player("B", Some(choices(0.0, Ballot::Silent, true))),
        ];
        // Turn 0: A breaks ties; turn 1: B.
        let a = team_choice(&team, 0).unwrap();
        assert_eq!((a.contribute, a.ballot, a.leave), (1.0, Ballot::Yes, false));
        let b = team_choice(&team, 1).unwrap();
        assert_eq!(
            (b.contribute, b.ballot, b.leave),
            (0.0, Ballot::Silent, true)
        );
        // A speaker who did not choose: the first who did breaks the tie.
        let team = [
            player("A", None),
            player("B", Some(choices(0.5, Ballot::No, false))),
            player("C", Some(choices(1.0, Ballot::Yes, false))),
        ];
        assert_eq!(team_choice(&team, 0).unwrap().contribute, 0.5);
    }
}
