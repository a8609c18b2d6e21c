//! Properties that hold for every valid scenario, checked after every round
//! of randomly generated scenarios covering every switch of the model.

use coalsim_core::engine::{EventKind, RoundRecord, Simulation};
use coalsim_core::model::{Status, World};
use coalsim_core::scenario::{
    Admission, Coordination, DecisionRule, ExitProtocol, RawScenario, Scenario, Setup, Voting,
};
use proptest::prelude::*;

/// A range [lo, hi] inside [min, max].
fn range(min: f64, max: f64) -> impl Strategy<Value = [f64; 2]> {
    (min..=max, min..=max).prop_map(|(a, b)| if a <= b { [a, b] } else { [b, a] })
}

fn unit() -> impl Strategy<Value = f64> {
    0.0..=1.0f64
}

prop_compose! {
    /// Sizes and schedules; dependent values are derived so the scenario is
    /// valid by construction.
    fn shape()(
        count in 1u32..=30,
        issues in 1u32..=5,
        max_rounds in 1u32..=120,
        min_pick in any::<u32>(),
        initial_pick in any::<u32>(),
        founders_pick in any::<u32>(),
        scope_mask in any::<u32>(),
        expansions in prop::collection::vec(any::<u32>(), 0..=3),
        founder_leaves in prop::option::of(any::<u32>()),
        milestones in prop::collection::vec(0.01..0.99f64, 0..=3),
        goal_size in 1.0..=200.0f64,
        rivalry in unit(),
        seed in any::<u64>(),
    ) -> RawScenario {
        let mut s = RawScenario { seed, max_rounds, issues, ..RawScenario::default() };
        let p = &mut s.population;
        p.count = count;
        p.initial_members = 1 + initial_pick % count;
        p.founders = founders_pick % (p.initial_members + 1);
        // Mostly 1 or 2, at most the starting size: runs that dissolve at
        // once check little.
        s.min_members = 1 + min_pick % 2.min(p.initial_members);
        let all = (1u32 << issues) - 1;
        let mask = 1 + scope_mask % all;
        s.goal.scope = (0..issues).filter(|k| mask & (1 << k) != 0).collect();
        s.goal.expansion_rounds = expansions.iter().map(|r| 1 + r % max_rounds).collect();
        s.shocks.founder_leaves_at = founder_leaves.map_or(0, |r| r % (max_rounds + 1));
        let mut m = milestones;
        m.sort_by(f64::total_cmp);
        m.dedup();
        s.goal.milestones = m;
        s.goal.size = goal_size;
        s.goal.rivalry = rivalry;
        s
    }
}

prop_compose! {
    fn governance()(
        rule in prop::sample::select(DecisionRule::ALL.to_vec()),
        supermajority in 0.51..=1.0f64,
        weighted_quota in 0.5..0.99f64,
        committee_size in 1u32..=8,
        coordination in prop::option::of(prop::sample::select(Coordination::ALL.to_vec())),
        subgroup_size in 2u32..=8,
        early in any::<bool>(),
        setup_rounds in 0u32..=6,
        admission in prop::sample::select(vec![Admission::Open, Admission::Vote, Admission::Closed]),
        max_members in 0u32..=20,
        remove_after in 0u32..=5,
        graceful in any::<bool>(),
        checkin_every in 0u32..=4,
        checkin_hours in 0.0..=5.0f64,
        renewal_every in 0u32..=12,
        flags in prop::array::uniform7(any::<bool>()),
        decision_every in 1u32..=3,
        voting in prop::sample::select(Voting::ALL.to_vec()),
        quorum in 0.0..=1.0f64,
    ) -> coalsim_core::scenario::RawGovernance {
        coalsim_core::scenario::RawGovernance {
            decision_rule: rule,
            supermajority,
            weighted_quota,
            committee_size,
            coordination,
            subgroup_size,
            voting,
            // A quorum only where decisions are taken at meetings.
            quorum: if voting == Voting::Attendees { quorum } else { 0.0 },
            setup: if early { Setup::Early } else { Setup::OnConflict },
            setup_rounds,
            admission,
            max_members,
            remove_after,
            private_checkin: flags[0],
            exit_protocol: if graceful { ExitProtocol::Graceful } else { ExitProtocol::None },
            checkin_every,
            checkin_hours,
            renewal_every,
            renewal_hours: 3.0,
            sunset: flags[1],
            spokesperson: flags[2],
            silence_as_consent: flags[3],
            realign_on_expansion: flags[4],
            rotate_agenda: flags[5],
            documented_processes: flags[6],
            decision_every,
            // 0 to 2 blocks before a modified consensus falls back to a vote.
            fallback_after: decision_every - 1,
            // A stand-aside limit from about half the voters to none.
            stand_aside_limit: supermajority,
            // Sunset reviews every 4 to 10 rounds.
            review_every: 1 + 3 * decision_every,
        }
    }
}

prop_compose! {
    fn population_ranges()(
        resources in range(0.0, 3.0),
        credibility in range(0.0, 1.0),
        urgency in range(0.0, 1.0),
        reliability in range(0.0, 1.0),
        engagement in range(0.0, 1.0),
        judgment in range(0.0, 1.0),
        position in range(-1.0, 1.0),
        divide in unit(),
        focus in 0.0..=5.0f64,
        density in unit(),
        founder_leadership in unit(),
    ) -> coalsim_core::scenario::RawPopulation {
        coalsim_core::scenario::RawPopulation {
            resources, credibility, urgency, reliability, engagement, judgment, position,
            divide, focus, relationship_density: density, founder_leadership,
            ..Default::default()
        }
    }
}

prop_compose! {
    fn scenario()(
        base in shape(),
        governance in governance(),
        population in population_ranges(),
        rate in unit(),
        size in unit(),
        related in unit(),
        strangers in unit(),
        spread in 0.0..=0.5f64,
        calm in any::<bool>(),
        sparse in any::<bool>(),
        sample in 0u32..=4,
        acquaintances in 0u32..=12,
    ) -> RawScenario {
        let mut s = base;
        s.governance = governance;
        s.population = coalsim_core::scenario::RawPopulation {
            count: s.population.count,
            founders: s.population.founders,
            initial_members: s.population.initial_members,
            ..population
        };
        s.shocks.rate = rate;
        s.shocks.size = size;
        s.trust.related = related;
        s.trust.strangers = strangers;
        s.trust.spread = spread;
        if sparse {
            s.trust.relationships = coalsim_core::scenario::Relationships::Sparse;
            s.trust.sample = sample;
            s.trust.acquaintances = acquaintances;
        }
        if calm {
            // Half the cases are squeezed into a region where coalitions
            // tend to last, so that long runs are checked too.
            let squeeze = |r: [f64; 2], lo: f64, hi: f64| {
                let f = |x: f64| lo + (hi - lo) * x;
                [f(r[0]), f(r[1])]
            };
            let p = &mut s.population;
            p.reliability = squeeze(p.reliability, 0.6, 1.0);
            p.engagement = squeeze(p.engagement, 0.5, 1.0);
            p.credibility = squeeze(p.credibility, 0.4, 1.0);
            p.position = squeeze([(p.position[0] + 1.0) / 2.0, (p.position[1] + 1.0) / 2.0], 0.4, 1.0);
            p.divide *= 0.1;
            p.initial_members = p.initial_members.max(3.min(p.count));
            s.min_members = 1;
            s.shocks.rate *= 0.1;
            s.trust.related = 0.5 + 0.5 * s.trust.related;
            s.trust.strangers = 0.4 + 0.5 * s.trust.strangers;
        }
        s
    }
}

fn in_unit(x: f64) -> bool {
    (0.0..=1.0).contains(&x)
}

fn check_world(w: &World) -> Result<(), TestCaseError> {
    let round = w.round;
    for i in 0..w.n {
        for (what, v) in [
            ("engagement", w.engagement[i]),
            ("clarity", w.clarity[i]),
            ("efficacy", w.efficacy[i]),
            ("hidden", w.hidden[i]),
        ] {
            prop_assert!(in_unit(v), "round {round}: {what}[{i}] = {v}");
        }
        for j in 0..w.n {
            let t = w.trust(i, j);
            prop_assert!(in_unit(t), "round {round}: trust[{i}][{j}] = {t}");
        }
        if w.sparse {
            // Sparse relationships: mutual, sorted, never with oneself,
            // never with a former member.
            let row = &w.ties[i];
            prop_assert!(
                row.windows(2).all(|p| p[0].j < p[1].j),
                "round {round}: ties of {i} unsorted"
            );
            for t in row {
                let j = t.j as usize;
                prop_assert!(
                    j != i && w.knows(j, i),
                    "round {round}: tie {i}–{j} not mutual"
                );
                prop_assert!(
                    w.status[j] != Status::Former,
                    "round {round}: {i} keeps a tie to former {j}"
                );
            }
        }
    }
    let members = w.status.iter().filter(|&&s| s == Status::Member).count();
    prop_assert_eq!(w.coalition.members, members, "round {}", round);
    prop_assert!(members <= w.n);
    prop_assert!(
        w.coalition.progress >= 0.0,
        "progress {}",
        w.coalition.progress
    );
    Ok(())
}

fn check_record(r: &RoundRecord, w: &World) -> Result<(), TestCaseError> {
    let fields = [
        ("mean_trust", r.mean_trust),
        ("mean_alignment", r.mean_alignment),
        ("mean_support", r.mean_support),
        ("progress", r.progress),
        ("progress_share", r.progress_share),
        ("engagement", r.engagement),
        ("attendance", r.attendance.unwrap_or(0.0)),
        ("contributions", r.contributions),
        ("hours", r.hours),
        ("hours_per_member", r.hours_per_member),
        ("direction", r.direction),
        ("legitimacy", r.legitimacy),
        ("hidden_objection", r.hidden_objection),
    ];
    for (name, v) in fields {
        prop_assert!(!v.is_nan(), "round {}: {name} is NaN", r.round);
        prop_assert!(v.is_finite(), "round {}: {name} = {v}", r.round);
    }
    prop_assert_eq!(r.round, w.round);
    prop_assert_eq!(r.members as usize, w.coalition.members);
    prop_assert!(r.members as usize <= w.n);
    prop_assert!(r.progress >= 0.0);
    prop_assert!(r.contributions >= 0.0 && r.hours >= 0.0);
    for (name, v) in [
        ("mean_trust", r.mean_trust),
        ("engagement", r.engagement),
        ("hidden_objection", r.hidden_objection),
        ("progress_share", r.progress_share),
        ("mean_alignment", r.mean_alignment),
        ("direction", r.direction),
        ("legitimacy", r.legitimacy),
    ] {
        prop_assert!(in_unit(v), "round {}: {name} = {v}", r.round);
    }
    if let Some(a) = r.attendance {
        prop_assert!(in_unit(a), "round {}: attendance {a}", r.round);
    }
    Ok(())
}

/// Runs `s` to its end, checking the invariants after every round.
fn run_checked(s: &Scenario) -> Result<(), TestCaseError> {
    let mut sim = Simulation::new(s, s.seed, 0);
    check_world(&sim.world)?;
    let max = s.max_rounds;
    let mut steps = 0u32;
    while sim.outcome.is_none() {
        prop_assert!(steps < max, "still running after max_rounds = {max}");
        let before = sim.world.coalition.members as i64;
        sim.step();
        steps += 1;
        let rec = sim.record();
        check_world(&sim.world)?;
        check_record(&rec, &sim.world)?;
        let count =
            |f: fn(&EventKind) -> bool| sim.events.iter().filter(|e| f(&e.kind)).count() as i64;
        let joins = count(|k| matches!(k, EventKind::Joined { .. }));
        let exits = count(|k| matches!(k, EventKind::Left { .. }));
        let after = sim.world.coalition.members as i64;
        prop_assert_eq!(
            after - before,
            joins - exits,
            "round {}: members {} -> {}",
            rec.round,
            before,
            after
        );
        prop_assert_eq!(rec.joined as i64, joins);
        prop_assert_eq!(rec.left as i64, exits);
    }
    prop_assert!(sim.world.round <= max);
    prop_assert_eq!(sim.world.round, steps);
    let summary = sim.summary();
    prop_assert_eq!(summary.rounds, steps);
    prop_assert_eq!(summary.final_members as usize, sim.world.coalition.members);
    prop_assert!(!summary.value_coalition.is_nan() && !summary.value_alone.is_nan());
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn every_round_of_every_valid_scenario_keeps_the_invariants(raw in scenario()) {
        // On failure, the scenario as a file `coalsim run` can replay.
        let text = toml::to_string(&raw).unwrap_or_default();
        let s = Scenario::validate(raw).map_err(|e| {
            TestCaseError::fail(format!("generated an invalid scenario: {e}\n{text}"))
        })?;
        run_checked(&s).map_err(|e| TestCaseError::fail(format!("{e}\n--- scenario ---\n{text}")))?;
    }
}
