//! After the game: the class's coalition next to many simulated runs of the
//! same scenario, and which lessons of the texts played out in it.
//!
//! A game the teacher ended early is judged on the weeks it was played:
//! the simulated coalitions are compared at the same week (how far they
//! had got, whether they had reached the goal by then), and nothing is
//! credited for the weeks never played.

use rayon::prelude::*;
use serde::Serialize;

use super::views::History;
use coalsim_core::engine::{EventKind, RunSummary, Simulation};
use coalsim_core::model::ExitReason;
use coalsim_core::scenario::{Scenario, ScenarioFile};

/// Simulated runs the class is compared with, at most ...
pub const RUNS: u64 = 1000;
/// ... and at least (for the largest class games).
pub const MIN_RUNS: u64 = 100;
/// Work of a debrief's runs together, at most, in trust links × rounds
/// ([`super::run_cost`]): a game of the default
/// scenario gets its 1,000 runs, the largest game a class may start
/// (`server::game::MAX_GAME_WORK`) about 100, a few seconds of one core.
pub const WORK: u64 = 250_000_000;

/// Runs a debrief of `scenario` simulates: [`RUNS`], fewer when they would
/// be more than [`WORK`], never fewer than [`MIN_RUNS`].
pub fn runs(scenario: &Scenario) -> u64 {
    (WORK / super::run_cost(scenario).max(1)).clamp(MIN_RUNS, RUNS)
}

/// One coalition's ending.
#[derive(Debug, Clone, Serialize)]
pub struct Ending {
    pub outcome: &'static str,
    pub success: bool,
    pub rounds: u32,
    pub progress_share: f64,
    pub final_members: u32,
}

impl Ending {
    pub fn of(s: &RunSummary) -> Ending {
        Ending {
            outcome: s.outcome,
            success: s.success,
            rounds: s.rounds,
            progress_share: s.progress_share,
            final_members: s.final_members,
        }
    }
}

/// Run `run` of `scenario` with `seed`, to its end or, with `weeks`, to
/// that week at most (then `stopped` unless it had ended before).
fn simulated(scenario: &Scenario, seed: u64, run: u64, weeks: Option<u32>) -> Ending {
    let mut sim = Simulation::new(scenario, seed, run);
    match weeks {
        None => Ending::of(&sim.run_to_end()),
        Some(w) => {
            while sim.outcome.is_none() && sim.world.round < w {
                sim.step();
            }
            Ending::of(&crate::game::summary_now(&sim))
        }
    }
}

/// A lesson of the texts seen in the class's run.
#[derive(Debug, Clone, Serialize)]
pub struct LessonSeen {
    /// The lesson's name (`coalsim lesson NAME`).
    pub name: &'static str,
    pub title: String,
    /// What happened in the class's run that shows it.
    pub evidence: String,
    /// The lesson's text.
    pub lesson: String,
}

/// The debrief.
#[derive(Debug, Clone, Serialize)]
pub struct Debrief {
    pub runs: u64,
    pub class: Ending,
    /// The same coalition (same seed, run 0) with every organisation left to
    /// the model.
    pub without_players: Ending,
    /// Share of simulated runs that reached the goal, with a 95% Wilson
    /// interval.
    pub success_rate: f64,
    pub success_lo: f64,
    pub success_hi: f64,
    /// Share of simulated runs that got less far than the class (ties count
    /// half): where the class landed, 0 to 1.
    pub progress_percentile: f64,
    /// Share of simulated runs that lasted fewer rounds than the class (ties
    /// half). A coalition that reached its goal early counts as lasting its
    /// whole time: it did not fall apart. None for a game ended early
    /// (its lifetime is not known).
    pub lifetime_percentile: Option<f64>,
    /// The week the teacher ended the game, when before its end: every
    /// share here is then "by that week".
    pub weeks: Option<u32>,
    /// Simulated runs by tenth of the goal done: `[0-10%, ..., 90-100%]`.
    pub progress_histogram: [u64; 10],
    /// Mean rounds lasted over the simulated runs.
    pub mean_rounds: f64,
    pub lessons: Vec<LessonSeen>,
    /// One paragraph, in plain words.
    pub reading: String,
}

/// Rounds a coalition "lasted": a reached goal or a declared sunset counts
/// as the whole time (it did not fall apart).
fn lifetime(s: &Ending, max_rounds: u32) -> u32 {
    if s.outcome == "goal" || s.outcome == "sunset" {
        max_rounds
    } else {
        s.rounds
    }
}

/// Compares the class's run with [`runs`] runs of `scenario` with `seed`
/// (runs 0.., the batch's streams), on the current rayon pool.
pub fn debrief(
    scenario: &Scenario,
    seed: u64,
    class: &RunSummary,
    lessons: Vec<LessonSeen>,
) -> Debrief {
    let runs = runs(scenario);
    let weeks = (class.outcome == "stopped").then_some(class.rounds);
    let sims: Vec<Ending> = (0..runs)
        .into_par_iter()
        .map(|run| simulated(scenario, seed, run, weeks))
        .collect();
    let class = Ending::of(class);
    let n = sims.len() as f64;
    let successes = sims.iter().filter(|e| e.success).count() as u64;
    let (lo, hi) =
        coalsim_core::stats::intervals::wilson_interval(successes, runs, 1.959_963_984_540_054);
    let rank = |below: usize, ties: usize| (below as f64 + 0.5 * ties as f64) / n;
    let p_below = sims
        .iter()
        .filter(|e| e.progress_share < class.progress_share)
        .count();
    let p_ties = sims
        .iter()
        .filter(|e| e.progress_share == class.progress_share)
        .count();
    let m = scenario.max_rounds;
    let life = lifetime(&class, m);
    let l_below = sims.iter().filter(|e| lifetime(e, m) < life).count();
    let l_ties = sims.iter().filter(|e| lifetime(e, m) == life).count();
    let mut hist = [0u64; 10];
    for e in &sims {
        hist[((e.progress_share * 10.0) as usize).min(9)] += 1;
    }
    let success_rate = successes as f64 / n;
    let progress_percentile = rank(p_below, p_ties);
    let warnings = if lessons.is_empty() {
        String::new()
    } else {
        format!(
            "; what the texts warn about showed up: {}",
            lessons
                .iter()
                .map(|l| l.title.to_lowercase())
                .collect::<Vec<_>>()
                .join(", ")
        )
    };
    let reading = if let Some(w) = weeks {
        format!(
            "The game was ended in week {w} with {:.0}% of the goal done. By week {w}, {:.0}% of {runs} simulated coalitions of the same scenario had reached the goal; the class had got further than {:.0}% of them by then{warnings}.",
            class.progress_share * 100.0,
            successes as f64 / n * 100.0,
            rank(p_below, p_ties) * 100.0,
        )
    } else {
        format!(
            "{} {:.0}% of {runs} simulated coalitions of the same scenario reached the goal. The class got further than {:.0}% of them{}.",
            match class.outcome {
                "goal" => format!("Your coalition reached its goal in week {}.", class.rounds),
                "sunset" => format!(
                    "Your coalition closed in week {} declaring success ({:.0}% of the goal).",
                    class.rounds,
                    class.progress_share * 100.0
                ),
                "dissolved" => format!(
                    "Your coalition dissolved in week {} with {:.0}% of the goal done.",
                    class.rounds,
                    class.progress_share * 100.0
                ),
                _ => format!(
                    "Your coalition was still going at the end (week {}) with {:.0}% of the goal done.",
                    class.rounds,
                    class.progress_share * 100.0
                ),
            },
            success_rate * 100.0,
            progress_percentile * 100.0,
            warnings
        )
    };
    Debrief {
        runs,
        without_players: sims[0].clone(),
        class,
        success_rate,
        success_lo: lo,
        success_hi: hi,
        progress_percentile,
        lifetime_percentile: weeks.is_none().then(|| rank(l_below, l_ties)),
        weeks,
        progress_histogram: hist,
        mean_rounds: sims.iter().map(|e| e.rounds as f64).sum::<f64>() / n,
        lessons,
        reading,
    }
}

/// The lessons whose mechanism shows in the run's events.
pub fn lessons_seen(h: &History) -> Vec<LessonSeen> {
    let count = |f: &dyn Fn(&EventKind) -> bool| h.events.iter().filter(|e| f(&e.kind)).count();
    let crises = count(&|k| matches!(k, EventKind::Crisis { .. }));
    let (mut silent, mut votes) = (0u32, 0u32);
    for e in &h.events {
        if let EventKind::Decision {
            silent_objections,
            voters,
            ..
        } = e.kind
        {
            silent += silent_objections;
            votes += voters;
        }
    }
    let hidden_exits = count(&|k| {
        matches!(
            k,
            EventKind::Left {
                reason: ExitReason::HiddenObjection,
                ..
            }
        )
    });
    let thin_checkins = h
        .events
        .iter()
        .filter(|e| matches!(e.kind, EventKind::CheckIn { attended, members, .. } if members > 0 && 2 * attended < members))
        .count();
    let juniors = count(&|k| matches!(k, EventKind::JuniorRepresentative));
    // Founder's syndrome is the founder leaving and taking the know-how:
    // a leadership loss whose agent is a founder who left that round (not
    // any leader, and not a change of hands after a shock).
    let mut founders_left: Vec<usize> = h
        .events
        .iter()
        .filter(|e| matches!(e.kind, EventKind::LeadershipLoss { .. }))
        .filter_map(|e| e.agent.map(|a| (a, e.round)))
        .filter(|&(a, r)| {
            h.world.founder.get(a) == Some(&true)
                && h.events.iter().any(|x| {
                    x.round == r && x.agent == Some(a) && matches!(x.kind, EventKind::Left { .. })
                })
        })
        .map(|(a, _)| a)
        .collect();
    founders_left.dedup();
    let leaks = count(&|k| matches!(k, EventKind::Leak));
    let abrupt = count(&|k| {
        matches!(
            k,
            EventKind::Left {
                graceful: false,
                ..
            }
        )
    });
    let expansions = count(&|k| matches!(k, EventKind::Expansion { .. }));
    let mut out = Vec::new();
    let mut add = |name: &'static str, evidence: String| {
        let (title, lesson) = coalsim_core::study::lessons::find(name)
            .and_then(|l| {
                ScenarioFile::load(crate::server::request::lesson_source(l))
                    .ok()
                    .map(|f| (f.base.name.clone(), f.base.lesson.clone()))
            })
            .unwrap_or_else(|| (name.to_string(), String::new()));
        out.push(LessonSeen {
            name,
            title,
            evidence,
            lesson,
        });
    };
    if crises > 0 {
        add(
            "urgency-trap",
            format!(
                "a conflict kept quiet erupted {crises} time{} before the coalition had agreed how to decide",
                plural(crises)
            ),
        );
    }
    if silent > 0 && (hidden_exits > 0 || 5 * silent as usize >= votes.max(1) as usize) {
        add(
            "consensus-illusion",
            format!(
                "{silent} objection{} stayed silent in the votes{}",
                plural(silent as usize),
                if hidden_exits > 0 {
                    format!(
                        "; {hidden_exits} organisation{} left over objections they had kept to themselves",
                        plural(hidden_exits)
                    )
                } else {
                    String::new()
                }
            ),
        );
    }
    if thin_checkins >= 3 || juniors >= 3 {
        let mut signs = Vec::new();
        if thin_checkins > 0 {
            signs.push(format!(
                "fewer than half the members came to {thin_checkins} check-in{}",
                plural(thin_checkins)
            ));
        }
        if juniors > 0 {
            signs.push(format!(
                "{juniors} organisation{} started sending junior staff",
                plural(juniors)
            ));
        }
        add("drift-and-renewal", signs.join(", and "));
    }
    if !founders_left.is_empty() {
        let names: Vec<&str> = founders_left
            .iter()
            .map(|&a| h.names.get(a).map_or("a founder", String::as_str))
            .collect();
        add(
            "founders-syndrome",
            format!(
                "{} founded the coalition, held much of its leadership, and left, taking that know-how along",
                names.join(" and ")
            ),
        );
    }
    if leaks > 0 {
        add(
            "public-disagreement",
            format!("{leaks} disagreement{} went public", plural(leaks)),
        );
    }
    if abrupt > 0 {
        add(
            "exit-planning",
            format!(
                "{abrupt} organisation{} broke off abruptly, with no agreed way out",
                plural(abrupt)
            ),
        );
    }
    if expansions > 0 {
        add(
            "mission-creep",
            format!(
                "the coalition took on {expansions} more issue{}",
                plural(expansions)
            ),
        );
    }
    out
}

fn plural(k: usize) -> &'static str {
    if k == 1 { "" } else { "s" }
}

#[cfg(test)]
mod tests {
    use super::*;
    use coalsim_core::engine::Event;
    use coalsim_core::scenario::ScenarioFile;

    fn left(round: u32, agent: usize) -> [Event; 2] {
        [
            Event {
                round,
                agent: Some(agent),
                kind: EventKind::Left {
                    reason: ExitReason::Burnout,
                    graceful: true,
                    trust: 0.5,
                    alignment: 0.5,
                    commitment: 0.1,
                },
            },
            Event {
                round,
                agent: Some(agent),
                kind: EventKind::LeadershipLoss { share: 0.3 },
            },
        ]
    }

    #[test]
    fn founders_syndrome_is_named_only_when_the_founder_left() {
        let s = ScenarioFile::open(None).unwrap().base;
        let mut h = crate::game::views::history(&s, s.seed, &[], &[], Some(0));
        let founder = (0..h.world.n).find(|&i| h.world.founder[i]).unwrap();
        let other = (0..h.world.n).find(|&i| !h.world.founder[i]).unwrap();
        let named = |h: &History| {
            lessons_seen(h)
                .iter()
                .any(|l| l.name == "founders-syndrome")
        };
        // Another leader leaving, or the leadership changing hands after a
        // shock: not founder's syndrome.
        h.events.extend(left(5, other));
        h.events.push(Event {
            round: 7,
            agent: Some(founder),
            kind: EventKind::LeadershipLoss { share: 0.2 },
        });
        assert!(!named(&h));
        // The founder leaving is.
        h.events.extend(left(9, founder));
        assert!(named(&h));
        let l = lessons_seen(&h);
        let f = l.iter().find(|l| l.name == "founders-syndrome").unwrap();
        assert!(f.evidence.starts_with(&h.names[founder]), "{}", f.evidence);
    }

    #[test]
    fn a_game_ended_early_is_judged_on_the_weeks_played() {
        let s = ScenarioFile::open(None).unwrap().base;
        let sim = crate::game::simulate(&s, 4, &[], &[], Some(12));
        let class = crate::game::summary_now(&sim);
        assert_eq!((class.outcome, class.rounds), ("stopped", 12));
        let d = debrief(&s, 4, &class, Vec::new());
        assert_eq!(d.weeks, Some(12));
        assert!(d.lifetime_percentile.is_none());
        // No simulated coalition is judged beyond week 12 either.
        assert!(
            d.reading.starts_with("The game was ended in week 12"),
            "{}",
            d.reading
        );
        assert!(d.without_players.rounds <= 12);
        // The same coalition without players, stopped at the same week, is
        // the class's own run here (nobody played).
        assert_eq!(d.without_players.progress_share, class.progress_share);
        assert!(
            d.success_rate <= 0.2,
            "by week 12 few have reached the goal"
        );
    }
}
