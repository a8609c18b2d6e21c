//! Initialisation: a [`World`] from a validated scenario and the run's RNG.

use rand::RngExt;

use super::{Coalition, GovernanceState, Status, World};
use crate::scenario::{Scenario, Setup};
use crate::stats::special::{normal_cdf, normal_quantile};

fn draw<R: rand::Rng>(rng: &mut R, range: [f64; 2]) -> f64 {
    if range[1] > range[0] {
        range[0] + (range[1] - range[0]) * rng.random::<f64>()
    } else {
        range[0]
    }
}

/// Whether generated agent k is in the second camp (shifted by −divide):
/// a share `share` of the agents, spread evenly through the order, the
/// k-th joining it when ⌊(k + 1) · share⌋ passes ⌊k · share⌋ (at 0.5,
/// every odd k; at 0.25, k = 3, 7, 11, …). The first agent (the first
/// founder) is in the first camp unless every agent is in the second.
pub fn second_camp(k: usize, share: f64) -> bool {
    ((k + 1) as f64 * share + 1e-9).floor() > (k as f64 * share + 1e-9).floor()
}

/// Builds the initial world. Named agents come first, in file order, then the
/// generated population; random draws are made in that order, so a run is a
/// pure function of (scenario, RNG stream).
pub fn build_world<R: rand::Rng>(s: &Scenario, rng: &mut R) -> World {
    let n = s.agent_count();
    let d = s.issues as usize;
    let pop = &s.population;
    let mut w = World {
        n,
        d,
        names: Vec::with_capacity(n),
        resources: Vec::with_capacity(n),
        credibility: Vec::with_capacity(n),
        reliability: Vec::with_capacity(n),
        judgment: Vec::with_capacity(n),
        founder: Vec::with_capacity(n),
        power: Vec::with_capacity(n),
        work: Vec::with_capacity(n),
        rivalry: s.goal.rivalry,
        solo_pace: Vec::with_capacity(n),
        lone_trust: s.dynamics.lone_trust,
        position: Vec::with_capacity(n * d),
        salience: Vec::with_capacity(n * d),
        urgency: Vec::with_capacity(n),
        engagement: Vec::with_capacity(n),
        clarity: vec![s.dynamics.clarity_start; n],
        efficacy: vec![s.dynamics.efficacy_start; n],
        hidden: vec![0.0; n],
        resentment: vec![0.0; n],
        buy_in: vec![1.0; n],
        leadership: vec![0.0; n],
        status: Vec::with_capacity(n),
        joined_round: vec![0; n],
        left_round: vec![0; n],
        committee: vec![false; n],
        group: vec![super::structure::NO_GROUP; n],
        council: vec![false; n],
        group_size: vec![0; n],
        follow_through: if s.sparse() { vec![0.0; n] } else { Vec::new() },
        missed: vec![0; n],
        committed: vec![0; n],
        delivered: vec![0; n],
        delivered_now: vec![false; n],
        attended_now: vec![false; n],
        contributed: vec![0.0; n],
        hours: vec![0.0; n],
        hours_now: vec![0.0; n],
        pivotal: vec![0; n],
        won: vec![0; n],
        lost: vec![0; n],
        exit_reason: vec![None; n],
        counted_yes: vec![None; n],
        exit_scratch: super::ExitScratch::new(n),
        vote_u: vec![0.0; n],
        vote_merit: vec![0.0; n],
        scratch: vec![0.0; n],
        stood_aside: vec![false; n],
        present: vec![false; n],
        waiting: vec![0.0; n * d],
        commitment: vec![s.dynamics.full_commitment; n],
        trust: if s.sparse() {
            Vec::new()
        } else {
            vec![0.0; n * n]
        },
        sparse: s.sparse(),
        ties: if s.sparse() {
            vec![Vec::new(); n]
        } else {
            Vec::new()
        },
        strangers: s.trust.strangers,
        groups: super::ties::GroupIndex {
            heap: std::collections::BinaryHeap::with_capacity(n),
            ..Default::default()
        },
        coalition: Coalition {
            agenda: vec![0.0; d],
            focus: vec![0.0; d],
            goal: s.goal.size,
            milestones: s.goal.milestones.iter().map(|m| m * s.goal.size).collect(),
            next_milestone: 0,
            progress: 0.0,
            direction: s.dynamics.direction_start,
            delay_now: 0.0,
            legitimacy: 0.0,
            governance: GovernanceState::Informal,
            coordination: crate::scenario::Coordination::Everyone,
            council_size: 0,
            last_checkin: 0,
            first_win_round: None,
            planning_until: 0,
            shown: 0.0,
            members: 0,
            peak_members: 0,
            decisions_passed: 0,
            decisions_blocked: 0,
            negotiation_rounds: 0,
            objection_rounds: 0,
            fallback_votes: 0,
            exits: [0; 10],
            abrupt_exits: 0,
            joins: 0,
            crises: 0,
            leaks: 0,
            total_contribution: 0.0,
            total_hours: 0.0,
            sunset_declared: false,
            expansions: 0,
            realigned_at: 0,
            review_round: 0,
            review_progress: 0.0,
            member_rounds: 0,
            open_since: vec![0; d],
            blocks: vec![0; d],
            backlog: 0,
            busy_until: 0,
            welfare_served: 0.0,
            welfare_stake: 0.0,
        },
        round: 0,
    };

    let named = s.agent.len();
    let mut explicit_leadership = false;
    for a in &s.agent {
        w.names.push(a.name.clone());
        w.resources.push(a.resources);
        w.credibility.push(a.credibility);
        w.reliability.push(a.reliability);
        w.judgment.push(a.judgment);
        w.founder.push(a.founder);
        w.urgency.push(a.urgency);
        w.engagement.push(a.engagement);
        w.status.push(if a.founder || a.member {
            Status::Member
        } else {
            Status::Outsider
        });
        for k in 0..d {
            w.position.push(a.position.get(k).copied().unwrap_or(0.0));
            let sal = if a.salience.is_empty() {
                1.0
            } else {
                a.salience.get(k).copied().unwrap_or(0.0)
            };
            w.salience.push(sal);
        }
        if a.leadership.is_some() {
            explicit_leadership = true;
        }
    }
    let first_scope = s.goal.scope[0] as usize;
    let skew = ResourceSkew::of(pop);
    for k in 0..pop.count as usize {
        w.names.push(format!("Agent {}", k + 1));
        w.resources.push(draw(rng, pop.resources));
        w.credibility.push(draw(rng, pop.credibility));
        w.reliability.push(draw(rng, pop.reliability));
        w.judgment.push(draw(rng, pop.judgment));
        w.founder.push(k < pop.founders as usize);
        w.urgency.push(draw(rng, pop.urgency));
        w.engagement.push(draw(rng, pop.engagement));
        w.status.push(if k < pop.initial_members as usize {
            Status::Member
        } else {
            Status::Outsider
        });
        let camp = if second_camp(k, pop.camp_share) {
            -pop.divide
        } else {
            pop.divide
        };
        let mut cause = 0.0;
        for issue in 0..d {
            let x = draw(rng, pop.position) + camp;
            if issue == first_scope {
                cause = x;
            }
            w.position.push(x.clamp(-1.0, 1.0));
            let u: f64 = rng.random::<f64>();
            // x^1 is x exactly (IEEE 754 pow), so the common focus of 1
            // skips the call.
            let x = u.max(1e-6);
            w.salience.push(if pop.focus == 1.0 {
                x
            } else {
                x.powf(pop.focus)
            });
        }
        if let Some(skew) = &skew {
            let r = w.resources.last_mut().expect("pushed above");
            *r = skew.resources(cause, rng.random::<f64>());
        }
    }
    // Generated founding members came together over the coalition's issue:
    // their most salient issue is the first in scope (swap it in).
    let founding = if pop.founding_cause {
        pop.initial_members as usize
    } else {
        0
    };
    for k in 0..founding {
        let i = named + k;
        let row = &mut w.salience[i * d..(i + 1) * d];
        let top = (0..d)
            .max_by(|&a, &b| row[a].total_cmp(&row[b]))
            .unwrap_or(0);
        row.swap(top, first_scope);
    }
    // Relative salience: each agent's top issue counts 1.
    for i in 0..n {
        let row = &mut w.salience[i * d..(i + 1) * d];
        let max = row.iter().cloned().fold(0.0, f64::max);
        if max > 0.0 {
            row.iter_mut().for_each(|x| *x /= max);
        }
    }
    let cp = pop.credibility_power;
    let lw = s.dynamics.legitimacy_weight;
    let lambda = pop.work_follows_resources;
    let mean_resources = w.resources.iter().sum::<f64>() / n.max(1) as f64;
    for i in 0..n {
        w.power
            .push(w.resources[i] * ((1.0 - cp) + cp * w.credibility[i]));
        // At λ = 1 exactly r_i: (1 − 1) r̄ is 0.
        let work = (1.0 - lambda) * mean_resources + lambda * w.resources[i];
        w.work.push(work);
        w.solo_pace.push(
            work * w.reliability[i]
                * s.dynamics.solo_efficiency
                * ((1.0 - lw) + lw * w.credibility[i]),
        );
    }

    if w.sparse {
        super::ties::initial_ties(&mut w, s, rng);
    } else {
        dense_initial_trust(&mut w, s, rng, named);
    }
    finish(w, s, explicit_leadership)
}

/// The dense initial trust matrix.
fn dense_initial_trust<R: rand::Rng>(w: &mut World, s: &Scenario, rng: &mut R, named: usize) {
    let n = w.n;
    let pop = &s.population;
    // Prior relationships, then initial trust. Who is related is marked in
    // the trust matrix itself (1.0 = related, 0.0 = not) before each entry
    // is drawn in its place, so no second n × n matrix is needed.
    const RELATED: f64 = 1.0;
    for (i, a) in s.agent.iter().enumerate() {
        for other in &a.knows {
            if let Some(j) = s.agent.iter().position(|b| &b.name == other) {
                w.trust[i * n + j] = RELATED;
                w.trust[j * n + i] = RELATED;
            }
        }
    }
    for i in named..n {
        for j in (i + 1)..n {
            if rng.random::<f64>() < pop.relationship_density {
                w.trust[i * n + j] = RELATED;
                w.trust[j * n + i] = RELATED;
            }
        }
    }
    // Founders started the coalition with its first members: they know them.
    for i in 0..n {
        if w.founder[i] {
            for j in 0..n {
                if w.status[j] == Status::Member && j != i {
                    w.trust[i * n + j] = RELATED;
                    w.trust[j * n + i] = RELATED;
                }
            }
        }
    }
    let t = &s.trust;
    for i in 0..n {
        for j in 0..n {
            let cell = &mut w.trust[i * n + j];
            *cell = if i == j {
                1.0
            } else {
                let base = if *cell == RELATED {
                    t.related
                } else {
                    t.strangers
                };
                (base + t.spread * (2.0 * rng.random::<f64>() - 1.0)).clamp(0.0, 1.0)
            };
        }
    }
}

/// Leadership, the agenda and the coalition's starting state.
fn finish(mut w: World, s: &Scenario, explicit_leadership: bool) -> World {
    let n = w.n;
    let d = w.d;
    let pop = &s.population;
    // Leadership shares.
    if explicit_leadership {
        for (i, a) in s.agent.iter().enumerate() {
            w.leadership[i] = a.leadership.unwrap_or(0.0);
        }
    } else {
        let founders = (0..n).filter(|&i| w.founder[i]).count();
        let others = (0..n)
            .filter(|&i| !w.founder[i] && w.status[i] == Status::Member)
            .count();
        let (f_share, o_share) = match (founders, others) {
            (0, 0) => (0.0, 0.0),
            (0, o) => (0.0, 1.0 / o as f64),
            (f, 0) => (1.0 / f as f64, 0.0),
            (f, o) => (
                pop.founder_leadership / f as f64,
                (1.0 - pop.founder_leadership) / o as f64,
            ),
        };
        for i in 0..n {
            if w.founder[i] {
                w.leadership[i] = f_share;
            } else if w.status[i] == Status::Member {
                w.leadership[i] = o_share;
            }
        }
    }

    // The agenda starts where the founders (or, without founders, the first
    // members) stand; effort is split equally over the scope.
    let framers: Vec<usize> = {
        let f: Vec<usize> = (0..n).filter(|&i| w.founder[i]).collect();
        if f.is_empty() {
            (0..n).filter(|&i| w.status[i] == Status::Member).collect()
        } else {
            f
        }
    };
    for k in 0..d {
        let sum: f64 = framers.iter().map(|&i| w.position[i * d + k]).sum();
        w.coalition.agenda[k] = sum / framers.len() as f64;
    }
    let share = 1.0 / s.goal.scope.len() as f64;
    for &k in &s.goal.scope {
        w.coalition.focus[k as usize] = share;
    }

    w.coalition.members = w.status.iter().filter(|&&x| x == Status::Member).count();
    w.coalition.peak_members = w.coalition.members;
    w.coalition.legitimacy = w.member_mean(|i| w.credibility[i]);
    w.coalition.governance = match s.governance.setup {
        Setup::Early => GovernanceState::SettingUp {
            until: setup_duration(s, w.mean_trust()),
            crisis: false,
        },
        Setup::OnConflict => GovernanceState::Informal,
    };
    w
}

/// Rounds needed to agree on governance: `setup_rounds` at a mean trust of
/// `setup_trust`, more when trust is lower (agreement is harder), fewer
/// when higher (trust floored at 0.05: even strangers agree eventually).
pub fn setup_duration(s: &Scenario, mean_trust: f64) -> u32 {
    let base = s.governance.setup_rounds as f64;
    (base * s.dynamics.setup_trust / mean_trust.max(0.05)).ceil() as u32
}

/// Unequal resources that may go with a position
/// (`population.resource_concentration`, `population.resource_position`).
///
/// Agent k's resources come from a latent ε_k = ρ z_k + √(1 − ρ²) η_k, with
/// z_k its position on the coalition's cause (the first issue in scope,
/// camp shift included, before clamping) standardised by the generating
/// distribution's mean and standard deviation, η_k standard normal and ρ =
/// `resource_position`: r_k = (lo + (hi − lo) Φ(ε_k)) · exp(σ ε_k − σ²/2),
/// [lo, hi] the `resources` range and σ = √2 Φ⁻¹((1 + G) / 2) the spread of
/// a lognormal whose Gini coefficient is G = `resource_concentration`
/// (its factor averages 1). With both keys 0 no such draw is made and
/// resources are uniform on the range, as before these keys existed.
#[derive(Debug, Clone, Copy)]
struct ResourceSkew {
    range: [f64; 2],
    sigma: f64,
    rho: f64,
    mid: f64,
    sd: f64,
}

impl ResourceSkew {
    fn of(pop: &crate::scenario::RawPopulation) -> Option<ResourceSkew> {
        if pop.resource_concentration == 0.0 && pop.resource_position == 0.0 {
            return None;
        }
        let [lo, hi] = pop.position;
        let var = (hi - lo).powi(2) / 12.0 + pop.divide * pop.divide;
        Some(ResourceSkew {
            range: pop.resources,
            sigma: std::f64::consts::SQRT_2
                * normal_quantile((1.0 + pop.resource_concentration) / 2.0),
            rho: pop.resource_position,
            mid: (lo + hi) / 2.0,
            sd: var.sqrt(),
        })
    }

    /// Resources of an agent whose raw position on the cause is `cause`,
    /// from one uniform draw `u`.
    fn resources(&self, cause: f64, u: f64) -> f64 {
        let z = if self.sd > 0.0 {
            (cause - self.mid) / self.sd
        } else {
            0.0
        };
        let eta = normal_quantile(u.clamp(1e-12, 1.0 - 1e-12));
        let eps = self.rho * z + (1.0 - self.rho * self.rho).sqrt() * eta;
        let [lo, hi] = self.range;
        (lo + (hi - lo) * normal_cdf(eps))
            * (self.sigma * eps - self.sigma * self.sigma / 2.0).exp()
    }
}
