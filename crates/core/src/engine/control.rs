//! Human players: an outside [`Controller`] may make some agents' choices in
//! a round while every other agent decides by the model's rules.
//!
//! Each hook is called with the choice the model made for the agent, after
//! the model has drawn every random number that choice needs, and returns
//! the choice that stands. So a controller never changes how many numbers
//! are drawn, or when: a controller that hands back the model's choice
//! gives the very run [`Simulation::step`](super::Simulation::step) gives,
//! and a run with human choices is a function of (scenario, seed, run,
//! choices) — replayable from a log of the choices.

use super::ShockKind;
use crate::model::ExitReason;

/// How a voter's ballot is counted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Ballot {
    /// For the proposal.
    Yes,
    /// An objection voiced in the vote.
    No,
    /// Stands aside under consensus: heard, does not block.
    StandAside,
    /// Says nothing: counted as yes; an objection kept quiet.
    Silent,
}

impl Ballot {
    pub const ALL: [Ballot; 4] = [Ballot::Yes, Ballot::No, Ballot::StandAside, Ballot::Silent];

    /// The name in game logs: `yes`, `no`, `aside`, `silent`.
    pub fn name(self) -> &'static str {
        match self {
            Ballot::Yes => "yes",
            Ballot::No => "no",
            Ballot::StandAside => "aside",
            Ballot::Silent => "silent",
        }
    }

    pub fn from_name(s: &str) -> Option<Ballot> {
        Ballot::ALL.into_iter().find(|b| b.name() == s)
    }
}

/// A member's contribution in one round.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Contribution {
    /// It follows through this round.
    pub delivers: bool,
    /// The share of its capacity (its work capacity × engagement) it puts in when it
    /// delivers, in [0, 1]. The model's is 1 − its hedge.
    pub share: f64,
}

/// Makes choices for some agents. Every method receives the model's choice
/// for `agent` and returns the one that stands; the defaults keep the
/// model's. Called only for current members, in agent order within a phase.
pub trait Controller {
    /// Attends this round's check-in.
    fn attend(&mut self, agent: usize, model: bool) -> bool {
        let _ = agent;
        model
    }

    /// Airs its hidden objection at a check-in it attends (the model airs it
    /// when dissent is solicited under an established rule).
    fn air_objection(&mut self, agent: usize, model: bool) -> bool {
        let _ = agent;
        model
    }

    /// Follows through, and with what share of its capacity.
    fn contribute(&mut self, agent: usize, model: Contribution) -> Contribution {
        let _ = agent;
        model
    }

    /// Its ballot in a vote (called again for each amended version).
    fn ballot(&mut self, agent: usize, model: Ballot) -> Ballot {
        let _ = agent;
        model
    }

    /// Leaves the coalition this round (`model`: the model's exit decision).
    fn leave(&mut self, agent: usize, model: Option<ExitReason>) -> bool {
        let _ = agent;
        model.is_some()
    }

    /// An external shock to strike this round on top of any the model
    /// draws (a class game's teacher calls one): the model's own shock of
    /// this kind and of size `shocks.size`. Its random numbers come from a
    /// side stream of the run's generator, so it changes no other draw.
    /// Asked once a round, in the shock phase; the default calls none.
    fn call_shock(&mut self) -> Option<ShockKind> {
        None
    }
}

/// Every agent decides by the model's rules.
#[derive(Debug, Clone, Copy, Default)]
pub struct ModelRules;

impl Controller for ModelRules {}

/// Plays some agents with fixed choices (a seat in a game): `choices[i]` for
/// agent i, `None` leaves it to the model. A ballot of [`Ballot::StandAside`]
/// outside consensus is counted as [`Ballot::Silent`] by the engine.
/// `shock`: a shock called this round ([`Controller::call_shock`]).
#[derive(Debug, Clone, Default)]
pub struct Seats {
    pub choices: Vec<Option<Choices>>,
    pub shock: Option<ShockKind>,
}

/// A player's choices for a round.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Choices {
    pub attend: bool,
    /// Share of capacity contributed; 0 = does not deliver.
    pub contribute: f64,
    pub ballot: Ballot,
    pub object: bool,
    pub leave: bool,
}

impl Seats {
    fn get(&self, i: usize) -> Option<&Choices> {
        self.choices.get(i).and_then(|c| c.as_ref())
    }
}

impl Controller for Seats {
    fn attend(&mut self, agent: usize, model: bool) -> bool {
        self.get(agent).map_or(model, |c| c.attend)
    }
    fn air_objection(&mut self, agent: usize, model: bool) -> bool {
        self.get(agent).map_or(model, |c| c.object)
    }
    fn contribute(&mut self, agent: usize, model: Contribution) -> Contribution {
        self.get(agent).map_or(model, |c| Contribution {
            delivers: c.contribute > 0.0,
            share: c.contribute.clamp(0.0, 1.0),
        })
    }
    fn ballot(&mut self, agent: usize, model: Ballot) -> Ballot {
        self.get(agent).map_or(model, |c| c.ballot)
    }
    fn leave(&mut self, agent: usize, model: Option<ExitReason>) -> bool {
        self.get(agent).map_or(model.is_some(), |c| c.leave)
    }
    fn call_shock(&mut self) -> Option<ShockKind> {
        self.shock
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::Simulation;
    use crate::model::Status;
    use crate::scenario::{Scenario, ScenarioFile, Source};

    /// The default scenario and lessons covering consensus, silence as
    /// consent, no exit protocol and the urgency trap.
    fn scenarios() -> Vec<Scenario> {
        let mut out = vec![ScenarioFile::open(None).unwrap().base];
        for name in [
            "consensus-illusion",
            "urgency-trap",
            "exit-planning",
            "consensus-vs-majority",
        ] {
            let l = crate::study::lessons::find(name).unwrap();
            let file = ScenarioFile::load(Source {
                name: name.into(),
                text: l.toml.into(),
            })
            .unwrap();
            out.push(file.base.clone());
            out.extend(file.variants().unwrap().into_iter().map(|v| v.scenario));
        }
        out
    }

    /// Hands back the model's choice and counts the calls.
    #[derive(Default)]
    struct Echo {
        calls: [u64; 5],
    }

    impl Controller for Echo {
        fn attend(&mut self, _: usize, model: bool) -> bool {
            self.calls[0] += 1;
            model
        }
        fn air_objection(&mut self, _: usize, model: bool) -> bool {
            self.calls[1] += 1;
            model
        }
        fn contribute(&mut self, _: usize, model: Contribution) -> Contribution {
            self.calls[2] += 1;
            Contribution {
                delivers: model.delivers,
                share: model.share,
            }
        }
        fn ballot(&mut self, _: usize, model: Ballot) -> Ballot {
            self.calls[3] += 1;
            model
        }
        fn leave(&mut self, _: usize, model: Option<ExitReason>) -> bool {
            self.calls[4] += 1;
            model.is_some()
        }
    }

    /// Everything a run writes, as text: each round's record and events,
    /// then the summary.
    fn trace(s: &Scenario, seed: u64, ctl: &mut impl Controller) -> String {
        let mut sim = Simulation::new(s, seed, 0);
        let mut out = String::new();
        while sim.outcome.is_none() {
            sim.step_with(ctl);
            out += &format!("{:?}\n{:?}\n", sim.record(), sim.events);
        }
        out + &format!("{:?}", sim.summary())
    }

    #[test]
    fn a_controller_echoing_the_model_gives_the_same_run() {
        let mut echo = Echo::default();
        for s in scenarios() {
            for seed in 0..6 {
                let plain = {
                    let mut sim = Simulation::new(&s, seed, 0);
                    let mut out = String::new();
                    while sim.outcome.is_none() {
                        sim.step();
                        out += &format!("{:?}\n{:?}\n", sim.record(), sim.events);
                    }
                    out + &format!("{:?}", sim.summary())
                };
                assert_eq!(trace(&s, seed, &mut echo), plain, "{} seed {seed}", s.name);
            }
        }
        // Every hook was asked, many times.
        assert!(echo.calls.iter().all(|&c| c > 100), "{:?}", echo.calls);
    }

    /// A seat that leaves at once: its organisation exits in round 1 (the
    /// founders joined before it).
    #[test]
    fn a_player_who_leaves_exits_in_round_one() {
        struct Leaver(usize);
        impl Controller for Leaver {
            fn leave(&mut self, agent: usize, model: Option<ExitReason>) -> bool {
                agent == self.0 || model.is_some()
            }
        }
        for s in scenarios() {
            let mut sim = Simulation::new(&s, 3, 0);
            let seat = (0..sim.world.n).find(|&i| sim.world.is_member(i)).unwrap();
            sim.step_with(&mut Leaver(seat));
            assert_eq!(sim.world.status[seat], Status::Former, "{}", s.name);
            assert_eq!(sim.world.left_round[seat], 1);
            assert!(sim.events.iter().any(|e| e.agent == Some(seat)
                && matches!(e.kind, crate::engine::EventKind::Left { .. })));
        }
    }

    /// A seat that stays through everything the model would leave for (but
    /// a removal): never leaves for its own reasons.
    #[test]
    fn a_player_who_stays_never_quits() {
        let s = scenarios().remove(0);
        for seed in 0..20 {
            let mut sim = Simulation::new(&s, seed, 0);
            let seat = (0..sim.world.n).find(|&i| sim.world.is_member(i)).unwrap();
            let mut c = Seats {
                choices: vec![None; sim.world.n],
                shock: None,
            };
            c.choices[seat] = Some(Choices {
                attend: true,
                contribute: 1.0,
                ballot: Ballot::Yes,
                object: false,
                leave: false,
            });
            while sim.outcome.is_none() {
                sim.step_with(&mut c);
            }
            if sim.world.status[seat] == Status::Former {
                assert!(
                    sim.world.coalition.exits[ExitReason::Removed.index()]
                        + sim.world.coalition.exits[ExitReason::Misfit.index()]
                        > 0,
                    "seed {seed}: the seat left"
                );
            }
        }
    }

    /// Each choice does what it says, and a player's choice does not move
    /// the random stream: the others' draws in the round are the model's.
    #[test]
    fn choices_are_applied_and_leave_the_random_stream_alone() {
        for s in scenarios() {
            for seed in 0..4 {
                let mut sim = Simulation::new(&s, seed, 0);
                let n = sim.world.n;
                let seats: Vec<usize> =
                    (0..n).filter(|&i| sim.world.is_member(i)).take(2).collect();
                let mut c = Seats {
                    choices: vec![None; n],
                    shock: None,
                };
                c.choices[seats[0]] = Some(Choices {
                    attend: false,
                    contribute: 0.0,
                    ballot: Ballot::No,
                    object: false,
                    leave: false,
                });
                c.choices[seats[1]] = Some(Choices {
                    attend: true,
                    contribute: 1.0,
                    ballot: Ballot::Yes,
                    object: true,
                    leave: false,
                });
                let established_rule = s.governance.decision_rule;
                for _ in 0..30 {
                    if sim.outcome.is_some() {
                        break;
                    }
                    sim.step_with(&mut c);
                    let w = &sim.world;
                    let voted = sim
                        .events
                        .iter()
                        .any(|e| matches!(e.kind, crate::engine::EventKind::Decision { .. }));
                    if w.is_member(seats[0]) {
                        assert!(!w.attended_now[seats[0]]);
                        assert!(!w.delivered_now[seats[0]]);
                        if w.coalition.governance == crate::model::GovernanceState::Established
                            && voted
                            && w.counted_yes[seats[0]].is_some()
                        {
                            assert_eq!(
                                w.counted_yes[seats[0]],
                                Some(false),
                                "{established_rule:?}"
                            );
                        }
                    }
                    if w.is_member(seats[1]) {
                        if sim.now.checkin {
                            assert!(w.attended_now[seats[1]]);
                        }
                        assert!(w.delivered_now[seats[1]]);
                        if voted && w.counted_yes[seats[1]].is_some() {
                            assert_eq!(w.counted_yes[seats[1]], Some(true));
                            assert!(w.vote_u[seats[1]] >= 0.0);
                        }
                    }
                }
                // The same choices again: the same run (replay).
                let again = {
                    let mut sim2 = Simulation::new(&s, seed, 0);
                    for _ in 0..30 {
                        sim2.step_with(&mut c);
                    }
                    format!("{:?}", sim2.summary())
                };
                assert_eq!(format!("{:?}", sim.summary()), again);
            }
        }
    }

    /// Overriding attendance and follow-through draws the same random
    /// numbers as the model does: the phases leave the stream at the same
    /// place.
    #[test]
    fn an_override_draws_the_same_numbers() {
        struct Contrary;
        impl Controller for Contrary {
            fn attend(&mut self, _: usize, model: bool) -> bool {
                !model
            }
            fn air_objection(&mut self, _: usize, model: bool) -> bool {
                !model
            }
            fn contribute(&mut self, _: usize, model: Contribution) -> Contribution {
                Contribution {
                    delivers: !model.delivers,
                    share: 0.5,
                }
            }
        }
        use crate::engine::{RoundTally, checkin, contribution};
        use rand::Rng as _;
        let mut flipped = 0;
        for s in scenarios() {
            for seed in 0..5 {
                let mut sim = Simulation::new(&s, seed, 0);
                // Into a check-in round.
                while sim.outcome.is_none()
                    && (s.governance.checkin_every == 0
                        || (sim.world.round + 1) % s.governance.checkin_every != 0)
                {
                    sim.step();
                }
                if sim.outcome.is_some() {
                    continue;
                }
                sim.world.round += 1;
                let (mut wa, mut ra) = (sim.world.clone(), sim.rng.clone());
                let (mut wb, mut rb) = (sim.world.clone(), sim.rng.clone());
                let (mut ev, mut now) = (Vec::new(), RoundTally::default());
                crate::engine::phase(
                    &mut wa,
                    &s,
                    &mut ra,
                    &mut ev,
                    &mut now,
                    &[],
                    &mut ModelRules,
                    checkin::checkins_in,
                );
                crate::engine::phase(
                    &mut wb,
                    &s,
                    &mut rb,
                    &mut ev,
                    &mut now,
                    &[],
                    &mut Contrary,
                    checkin::checkins_in,
                );
                let cache = vec![0.5; wa.n];
                crate::engine::phase(
                    &mut wa,
                    &s,
                    &mut ra,
                    &mut Vec::new(),
                    &mut now,
                    &cache,
                    &mut ModelRules,
                    contribution::contributions,
                );
                crate::engine::phase(
                    &mut wb,
                    &s,
                    &mut rb,
                    &mut Vec::new(),
                    &mut now,
                    &cache,
                    &mut Contrary,
                    contribution::contributions,
                );
                for i in 0..wa.n {
                    if wa.is_member(i) {
                        assert_ne!(wa.attended_now[i], wb.attended_now[i]);
                        assert_ne!(wa.delivered_now[i], wb.delivered_now[i]);
                        flipped += 1;
                    }
                }
                assert_eq!(ra.next_u64(), rb.next_u64(), "{} seed {seed}", s.name);
            }
        }
        assert!(flipped > 100);
    }
}
