//! The class game: students play organisations of a coalition while the
//! rest follow the model ([`coalsim_core::engine::control`]).
//!
//! Pure: a game is a scenario, a seed and the players' choices round by
//! round ([`Play`]); the run is `Simulation::new(scenario, seed, 0)` stepped
//! with those choices, so the log ([`GameLog`]) replays to the same outcome
//! ([`replay`]). The server (`serve::game`) adds the clock, seats and
//! tokens; the views here say what a student and the teacher see.

pub mod debrief;
pub mod log;
pub mod views;

use coalsim_core::engine::{Ballot, Choices, RunSummary, Seats, ShockKind, Simulation};
use coalsim_core::scenario::Scenario;

pub use log::GameLog;

/// The work of one run of `s`, what the server's budgets count: its trust
/// links (pairs of organisations, at least one per organisation) × its
/// rounds.
pub fn run_cost(s: &Scenario) -> u64 {
    let n = s.agent_count() as u64;
    (n * n.saturating_sub(1) / 2)
        .max(n)
        .saturating_mul(u64::from(s.max_rounds) + 1)
}

/// Longest nickname, in characters.
pub const MAX_NICKNAME: usize = 24;

/// Characters that print as nothing or reorder the text around them:
/// Unicode's format characters (zero-width spaces and joiners, the
/// bidirectional controls, the byte-order mark, invisible operators, tags)
/// and the Hangul fillers and other blanks that render as empty. A nickname
/// holding one could look exactly like another student's.
fn invisible(c: char) -> bool {
    matches!(c as u32,
        0x00AD | 0x034F | 0x061C | 0x115F | 0x1160 | 0x17B4 | 0x17B5 | 0x180E
        | 0x2000..=0x200F | 0x2028..=0x202F | 0x205F..=0x206F | 0x3164
        | 0xFE00..=0xFE0F | 0xFEFF | 0xFFA0 | 0xFFF9..=0xFFFB
        | 0x0600..=0x0605 | 0x06DD | 0x070F | 0x08E2 | 0x110BD | 0x110CD
        | 0x1BCA0..=0x1BCA3 | 0x1D173..=0x1D17A | 0xE0000..=0xE0FFF)
}

/// A nickname as the class game keeps it: Unicode NFC (so one name typed
/// two ways is one name), without control, format, bidirectional or
/// invisible characters, runs of spaces made one, trimmed, at most
/// [`MAX_NICKNAME`] characters; an error when nothing printable is left or
/// the name is far too long.
pub fn nickname(name: &str) -> Result<String, String> {
    use unicode_normalization::UnicodeNormalization;
    if name.chars().count() > 4 * MAX_NICKNAME {
        return Err(format!("a nickname has at most {MAX_NICKNAME} characters"));
    }
    let mut clean = String::new();
    for c in name.nfc() {
        if c.is_control() || invisible(c) || matches!(c, '<' | '>' | '"' | '`') {
            continue;
        }
        if c.is_whitespace() {
            if !clean.is_empty() && !clean.ends_with(' ') {
                clean.push(' ');
            }
            continue;
        }
        clean.push(c);
    }
    let clean: String = clean.trim().chars().take(MAX_NICKNAME).collect();
    let clean = clean.trim_end().to_string();
    if clean.is_empty() {
        Err("type a nickname (letters, digits, spaces)".into())
    } else {
        Ok(clean)
    }
}

/// The form two nicknames are compared in: one name in a room, whatever
/// the letter case.
pub fn nickname_key(name: &str) -> String {
    name.to_lowercase()
}

/// One player's choices applied in one round.
#[derive(Debug, Clone, PartialEq)]
pub struct Play {
    pub round: u32,
    pub agent: usize,
    /// The nickname the student typed.
    pub player: String,
    pub choices: Choices,
}

/// A shock the teacher called: it strikes in `round`, on top of any the
/// model draws ([`coalsim_core::engine::Controller::call_shock`]).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Shock {
    pub round: u32,
    pub kind: ShockKind,
}

/// The shock called in `round`, if any.
pub fn shock_in(shocks: &[Shock], round: u32) -> Option<ShockKind> {
    shocks.iter().find(|s| s.round == round).map(|s| s.kind)
}

/// Runs `scenario` with `seed` (run index 0) through `rounds` rounds, the
/// players' `plays` applied in their rounds (sorted by round) and the
/// teacher's `shocks` in theirs. `None` rounds: to the end.
pub fn simulate<'a>(
    scenario: &'a Scenario,
    seed: u64,
    plays: &[Play],
    shocks: &[Shock],
    rounds: Option<u32>,
) -> Simulation<'a> {
    let mut sim = Simulation::new(scenario, seed, 0);
    let mut seats = Seats {
        choices: vec![None; sim.world.n],
        shock: None,
    };
    let mut next = 0;
    while sim.outcome.is_none() && rounds.is_none_or(|r| sim.world.round < r) {
        let round = sim.world.round + 1;
        seats.choices.iter_mut().for_each(|c| *c = None);
        seats.shock = shock_in(shocks, round);
        while next < plays.len() && plays[next].round < round {
            next += 1;
        }
        while next < plays.len() && plays[next].round == round {
            let p = &plays[next];
            if p.agent < seats.choices.len() {
                seats.choices[p.agent] = Some(p.choices);
            }
            next += 1;
        }
        sim.step_with(&mut seats);
    }
    sim
}

/// Replays a game log to its end (or to the week the teacher ended it):
/// the outcome of the class's coalition.
pub fn replay(log: &GameLog) -> Result<RunSummary, String> {
    let scenario = log.scenario()?;
    if let Some(week) = log.stopped_at {
        return Ok(summary_now(&simulate(
            &scenario,
            log.seed,
            &log.plays,
            &log.shocks,
            Some(week),
        )));
    }
    let mut sim = simulate(&scenario, log.seed, &log.plays, &log.shocks, None);
    Ok(sim.run_to_end())
}

/// The run as it stands: its summary, with the outcome `stopped` when it
/// has not ended (a game the teacher ended before its end).
pub fn summary_now(sim: &Simulation) -> RunSummary {
    let mut s = sim.summary();
    if sim.outcome.is_none() {
        s.outcome = "stopped";
    }
    s
}

/// What a student may choose, as the page offers it.
pub const CONTRIBUTIONS: [(f64, &str); 3] = [
    (1.0, "all we can"),
    (0.5, "half"),
    (0.0, "nothing this time"),
];

/// The choices a new seat starts from: show up, give fully, vote by
/// conscience (yes), no objection, stay.
pub fn default_choices() -> Choices {
    Choices {
        attend: true,
        contribute: 1.0,
        ballot: Ballot::Yes,
        object: false,
        leave: false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use coalsim_core::scenario::ScenarioFile;
    use rand::{RngExt, SeedableRng};

    /// Random choices for a few seats over the first rounds.
    fn plays(n: usize, seed: u64) -> Vec<Play> {
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(seed);
        let mut out = Vec::new();
        for round in 1..=40 {
            for agent in [0, 2, n - 1] {
                if rng.random::<f64>() < 0.8 {
                    out.push(Play {
                        round,
                        agent,
                        // A comma, which the CSV log quotes (a nickname
                        // never holds `"`: [`nickname`] drops it).
                        player: format!("player, O'Neil {agent}"),
                        choices: Choices {
                            attend: rng.random(),
                            contribute: [0.0, 0.5, 1.0][rng.random_range(0..3)],
                            ballot: Ballot::ALL[rng.random_range(0..4)],
                            object: rng.random(),
                            leave: rng.random::<f64>() < 0.02,
                        },
                    });
                }
            }
        }
        out
    }

    #[test]
    fn a_log_replays_to_the_game_it_records() {
        let scenarios = [
            ScenarioFile::open(None).unwrap().base,
            ScenarioFile::load(crate::server::request::lesson_source(
                coalsim_core::study::lessons::find("consensus-illusion").unwrap(),
            ))
            .unwrap()
            .base,
        ];
        for s in &scenarios {
            for seed in 0..5 {
                let p = plays(s.agent_count(), seed);
                // A shock the teacher called, of every kind across seeds.
                let shocks = vec![Shock {
                    round: 3 + seed as u32,
                    kind: ShockKind::ALL[seed as usize % 3],
                }];
                let h = views::history(s, seed, &p, &shocks, None);
                let outcome = h.outcome.clone().unwrap();
                let mut log = GameLog {
                    title: s.name.clone(),
                    scenario_toml: s.to_toml(),
                    seed,
                    names: h.names.clone(),
                    plays: p.clone(),
                    shocks: shocks.clone(),
                    outcome: None,
                    stopped_at: None,
                };
                log.finish(&outcome);
                let text = log.to_csv();
                let back = GameLog::parse("log.csv", &text).unwrap();
                assert_eq!(back.plays, p);
                assert_eq!(back.shocks, shocks);
                assert_eq!(back.seed, seed);
                assert_eq!(back.scenario().unwrap().to_toml(), s.to_toml());
                assert_eq!(replay(&back).unwrap(), outcome);
            }
        }
    }

    #[test]
    fn players_change_the_story() {
        let s = ScenarioFile::open(None).unwrap().base;
        let differs = (0..10).any(|seed| {
            let p = plays(s.agent_count(), seed);
            format!("{:?}", views::summary(&s, seed, &p, &[]))
                != format!("{:?}", Simulation::new(&s, seed, 0).run_to_end())
        });
        assert!(differs);
    }

    #[test]
    fn a_broken_log_is_refused_with_its_line_and_column() {
        let s = ScenarioFile::open(None).unwrap().base;
        let log = GameLog {
            title: "t".into(),
            scenario_toml: s.to_toml(),
            seed: 3,
            names: vec!["A".into(); 10],
            plays: plays(10, 1),
            shocks: Vec::new(),
            outcome: None,
            stopped_at: None,
        };
        let text = log.to_csv();
        let header = text.lines().position(|l| l.starts_with("round,")).unwrap() + 1;
        let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
        let row = lines[header].clone();
        lines[header] = row.replacen(",true,", ",maybe,", 1);
        let e = GameLog::parse("g.csv", &lines.join("\n")).unwrap_err();
        assert!(e.starts_with(&format!("g.csv:{}: ", header + 1)), "{e}");
        assert!(e.contains("allowed: true or false"), "{e}");
        let e = GameLog::parse("g.csv", "round,agent\n1,2\n").unwrap_err();
        assert!(e.contains("no `# seed: N` line"), "{e}");
        let e = GameLog::parse("g.csv", &text.replace("# seed: 3", "# seed: x")).unwrap_err();
        assert!(e.contains("seed: `x`"), "{e}");
        let bad_agent = text.replacen("\n1,0,", "\n1,99,", 1);
        let e = GameLog::parse("g.csv", &bad_agent).unwrap_err();
        assert!(e.contains("agent 99 does not exist"), "{e}");
    }
}
