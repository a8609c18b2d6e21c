//! The game log: the scenario, the seed and every choice a student made, as
//! CSV with a commented header (`# key: value` lines and the resolved
//! scenario as `#| ` lines), so that `coalsim replay LOG` can run the game
//! again.

use std::fmt::Write as _;

use super::{Play, Shock};
use coalsim_core::engine::{Ballot, Choices, RunSummary, ShockKind};
use coalsim_core::scenario::{Scenario, ScenarioFile, Source};

/// The columns of the log, in order.
pub const COLUMNS: [&str; 9] = [
    "round",
    "agent",
    "organisation",
    "player",
    "attend",
    "contribute",
    "ballot",
    "object",
    "leave",
];

/// The largest game log read: capped like scenario files (a class game's
/// log is a few hundred kilobytes).
pub const MAX_LOG_BYTES: u64 = 16 << 20;

/// Reads the game log at `path`, at most [`MAX_LOG_BYTES`] (so an endless
/// input such as `/dev/zero` is refused, not read into memory).
pub fn read(path: &std::path::Path) -> Result<String, String> {
    use std::io::Read as _;
    let name = path.display();
    let mut bytes = Vec::new();
    std::fs::File::open(path)
        .and_then(|f| f.take(MAX_LOG_BYTES + 1).read_to_end(&mut bytes))
        .map_err(|e| format!("{name}: cannot read: {e}"))?;
    if bytes.len() as u64 > MAX_LOG_BYTES {
        return Err(format!(
            "{name}: larger than {} MiB; allowed: a game log up to {} MiB (as the class game writes it)",
            MAX_LOG_BYTES >> 20,
            MAX_LOG_BYTES >> 20
        ));
    }
    String::from_utf8(bytes).map_err(|e| {
        format!(
            "{name}: not UTF-8 text (byte {}); allowed: a game log as the class game writes it",
            e.utf8_error().valid_up_to()
        )
    })
}

/// A CSV cell a spreadsheet would not run as a formula: one that starts
/// with `=`, `+`, `-`, `@`, a tab or a carriage return gets a leading `'`
/// (the usual defence; [`GameLog::parse`] takes it off again).
pub fn csv_cell(text: &str) -> String {
    if text.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{text}")
    } else {
        text.to_string()
    }
}

fn from_csv_cell(text: &str) -> &str {
    match text.strip_prefix('\'') {
        Some(rest) if rest.starts_with(['=', '+', '-', '@', '\t', '\r']) => rest,
        _ => text,
    }
}

/// A game, as written and read back.
#[derive(Debug, Clone, PartialEq)]
pub struct GameLog {
    pub title: String,
    /// The resolved scenario (`Scenario::to_toml`).
    pub scenario_toml: String,
    pub seed: u64,
    /// Organisation names, by agent index (for the CSV only).
    pub names: Vec<String>,
    pub plays: Vec<Play>,
    /// The shocks the teacher called (`# shock: ROUND KIND` lines), by
    /// round.
    pub shocks: Vec<Shock>,
    /// The outcome the game reached (`goal`, `dissolved`, ...) and in how
    /// many rounds; checked by the replay.
    pub outcome: Option<(String, u32)>,
    /// The week the teacher ended the game before its end (`# stopped: W`):
    /// the replay plays to that week only.
    pub stopped_at: Option<u32>,
}

impl GameLog {
    /// The scenario, loaded back from its text.
    pub fn scenario(&self) -> Result<Scenario, String> {
        ScenarioFile::load(Source {
            name: "the game log's scenario".into(),
            text: self.scenario_toml.clone(),
        })
        .map(|f| f.base)
        .map_err(|e| e.to_string())
    }

    /// Records the outcome of `summary`.
    pub fn finish(&mut self, summary: &RunSummary) {
        self.outcome = Some((summary.outcome.to_string(), summary.rounds));
        self.stopped_at = (summary.outcome == "stopped").then_some(summary.rounds);
    }

    /// The log as CSV text.
    pub fn to_csv(&self) -> String {
        let mut out = String::new();
        let one_line = |s: &str| s.replace(['\n', '\r'], " ");
        let _ = writeln!(out, "# coalsim game log: replay with `coalsim replay FILE`");
        let _ = writeln!(out, "# title: {}", one_line(&self.title));
        let _ = writeln!(out, "# seed: {}", self.seed);
        if let Some((outcome, rounds)) = &self.outcome {
            let _ = writeln!(out, "# outcome: {outcome}");
            let _ = writeln!(out, "# rounds: {rounds}");
        }
        if let Some(week) = self.stopped_at {
            let _ = writeln!(out, "# stopped: {week}");
        }
        for s in &self.shocks {
            let _ = writeln!(out, "# shock: {} {}", s.round, s.kind.name());
        }
        for line in self.scenario_toml.lines() {
            let _ = writeln!(out, "#| {line}");
        }
        let mut w = csv::Writer::from_writer(Vec::new());
        let _ = w.write_record(COLUMNS);
        for p in &self.plays {
            let c = &p.choices;
            let name = self.names.get(p.agent).map_or("", String::as_str);
            let _ = w.write_record([
                p.round.to_string(),
                p.agent.to_string(),
                csv_cell(name),
                csv_cell(&p.player),
                c.attend.to_string(),
                c.contribute.to_string(),
                c.ballot.name().to_string(),
                c.object.to_string(),
                c.leave.to_string(),
            ]);
        }
        out + &String::from_utf8(w.into_inner().unwrap_or_default()).unwrap_or_default()
    }

    /// Reads a log written by [`to_csv`](Self::to_csv); `file` names it in
    /// errors, which give the line and the column.
    pub fn parse(file: &str, text: &str) -> Result<GameLog, String> {
        // As a spreadsheet or an editor on Windows may save it: a byte
        // order mark, and lines ending in CR LF.
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        let text = &text.replace("\r\n", "\n");
        let mut log = GameLog {
            title: String::new(),
            scenario_toml: String::new(),
            seed: 0,
            names: Vec::new(),
            plays: Vec::new(),
            shocks: Vec::new(),
            outcome: None,
            stopped_at: None,
        };
        let (mut seed, mut outcome, mut rounds) = (None, None, None);
        let mut body_start = None;
        let mut offset = 0;
        for (i, line) in text.lines().enumerate() {
            let at = offset;
            offset += line.len() + 1;
            let no = i + 1;
            if let Some(toml) = line.strip_prefix("#| ") {
                log.scenario_toml.push_str(toml);
                log.scenario_toml.push('\n');
            } else if line == "#|" {
                log.scenario_toml.push('\n');
            } else if let Some(rest) = line.strip_prefix("# ") {
                let Some((key, value)) = rest.split_once(": ") else {
                    continue;
                };
                match key {
                    "title" => log.title = value.to_string(),
                    "seed" => {
                        seed = Some(value.parse::<u64>().map_err(|_| {
                            format!("{file}:{no}: seed: `{value}` is not a whole number ≥ 0")
                        })?)
                    }
                    "outcome" => outcome = Some(value.to_string()),
                    "rounds" => {
                        rounds = Some(value.parse::<u32>().map_err(|_| {
                            format!("{file}:{no}: rounds: `{value}` is not a whole number ≥ 0")
                        })?)
                    }
                    "shock" => {
                        let bad = || {
                            format!(
                                "{file}:{no}: shock: `{value}`; allowed: a round ≥ 1 and a kind ({}), e.g. `# shock: 9 competitor`, in increasing rounds",
                                ShockKind::ALL.map(ShockKind::name).join(", ")
                            )
                        };
                        let (round, kind) = value.split_once(' ').ok_or_else(bad)?;
                        let round = round.parse::<u32>().ok().filter(|&r| r >= 1);
                        let kind = ShockKind::from_name(kind.trim());
                        let (Some(round), Some(kind)) = (round, kind) else {
                            return Err(bad());
                        };
                        if log.shocks.last().is_some_and(|s| s.round >= round) {
                            return Err(bad());
                        }
                        log.shocks.push(Shock { round, kind });
                    }
                    "stopped" => {
                        log.stopped_at = Some(value.parse::<u32>().map_err(|_| {
                            format!("{file}:{no}: stopped: `{value}` is not a week ≥ 0")
                        })?)
                    }
                    _ => {}
                }
            } else if line.starts_with('#') || line.trim().is_empty() {
                continue;
            } else {
                body_start = Some((at, no));
                break;
            }
        }
        log.seed = seed.ok_or_else(|| {
            format!("{file}: no `# seed: N` line; is this a game log written by `coalsim serve`?")
        })?;
        if log.scenario_toml.is_empty() {
            return Err(format!(
                "{file}: no scenario (`#| ` lines); is this a game log written by `coalsim serve`?"
            ));
        }
        if let (Some(o), Some(r)) = (outcome, rounds) {
            log.outcome = Some((o, r));
        }
        let Some((at, first_line)) = body_start else {
            return Err(format!("{file}: no header line `{}`", COLUMNS.join(",")));
        };
        let mut r = csv::ReaderBuilder::new()
            .has_headers(true)
            .from_reader(&text.as_bytes()[at..]);
        let header: Vec<String> = r
            .headers()
            .map_err(|e| format!("{file}:{first_line}: {e}"))?
            .iter()
            .map(str::to_string)
            .collect();
        if header != COLUMNS {
            return Err(format!(
                "{file}:{first_line}: the columns are `{}`; expected `{}`",
                header.join(","),
                COLUMNS.join(",")
            ));
        }
        for rec in r.records() {
            let rec = rec.map_err(|e| format!("{file}: {e}"))?;
            let no = first_line - 1 + rec.position().map_or(0, |p| p.line() as usize);
            let field = |k: usize| rec.get(k).unwrap_or("");
            let bad = |k: usize, allowed: &str| {
                format!(
                    "{file}:{no}: {}: `{}`; allowed: {allowed}",
                    COLUMNS[k],
                    field(k)
                )
            };
            let boolean = |k: usize| match field(k) {
                "true" => Ok(true),
                "false" => Ok(false),
                _ => Err(bad(k, "true or false")),
            };
            let round = field(0)
                .parse::<u32>()
                .ok()
                .filter(|&r| r >= 1)
                .ok_or_else(|| bad(0, "a round ≥ 1"))?;
            if log.plays.last().is_some_and(|p: &Play| p.round > round) {
                return Err(bad(0, "rounds in increasing order"));
            }
            let agent = field(1)
                .parse::<usize>()
                .map_err(|_| bad(1, "an agent index ≥ 0"))?;
            let contribute = field(5)
                .parse::<f64>()
                .ok()
                .filter(|x| (0.0..=1.0).contains(x))
                .ok_or_else(|| bad(5, "a share from 0 to 1"))?;
            let ballot =
                Ballot::from_name(field(6)).ok_or_else(|| bad(6, "yes, no, aside, silent"))?;
            if log.names.len() <= agent {
                log.names.resize(agent + 1, String::new());
            }
            log.names[agent] = from_csv_cell(field(2)).to_string();
            let player = from_csv_cell(field(3));
            // A team's row names the members who chose, joined by ` + `.
            if player
                .split(" + ")
                .any(|one| super::nickname(one).as_deref() != Ok(one))
            {
                return Err(format!(
                    "{file}:{no}: player: `{}`; allowed: a nickname as the class game keeps it (at most {} printable characters, no control or invisible ones), or a team's joined by ` + `",
                    player.chars().take(40).collect::<String>(),
                    super::MAX_NICKNAME
                ));
            }
            log.plays.push(Play {
                round,
                agent,
                player: player.to_string(),
                choices: Choices {
                    attend: boolean(4)?,
                    contribute,
                    ballot,
                    object: boolean(7)?,
                    leave: boolean(8)?,
                },
            });
        }
        let scenario = log.scenario().map_err(|e| format!("{file}: {e}"))?;
        let n = scenario.agent_count();
        if let Some(p) = log.plays.iter().find(|p| p.agent >= n) {
            return Err(format!(
                "{file}: round {}: agent {} does not exist (the scenario has {n} organisations)",
                p.round, p.agent
            ));
        }
        Ok(log)
    }
}
