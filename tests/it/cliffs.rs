//! The cliffs issue 21 measured: each mechanism responds smoothly and
//! plausibly, and these tests pin that response (docs/model.md says why).

use coalsim_core::engine::{EventKind, Simulation};
use coalsim_core::scenario::{ScenarioFile, parse_value};

/// The default scenario with `overrides`, run `runs` times on the
/// scenario's seed: (outcome, rounds, progress share) of each run.
fn runs(overrides: &[(&str, &str)], runs: u64) -> Vec<(&'static str, u32, f64)> {
    let file = ScenarioFile::open(None).unwrap();
    let set: Vec<(String, toml::Value)> = overrides
        .iter()
        .map(|(k, v)| (k.to_string(), parse_value(v)))
        .collect();
    let s = file.with_overrides("test", &set).unwrap();
    (0..runs)
        .map(|run| {
            let r = Simulation::new(&s, s.seed, run).run_to_end();
            (r.outcome, r.rounds, r.progress_share)
        })
        .collect()
}

/// A sunset review winds down a coalition that has stalled, not one that
/// is still gaining speed. Before issue 21 the default coalition with
/// `sunset = true` ended at its second quarterly review (week 26) in 54% of
/// runs with 19% of the goal done, judged on its start-up pace, and only
/// 24% reached the goal (70% without a sunset). Now a review calls the goal
/// out of reach only when the pace since the last review is not rising:
/// sunsets spread over the horizon, later ones with more of the goal done,
/// and a sunset costs few goals.
#[test]
fn sunset_reviews_end_stalled_coalitions_not_starting_ones() {
    let n = 400;
    let with = runs(&[("governance.sunset", "true")], n);
    let without = runs(&[], n);
    let goals = |v: &[(&str, u32, f64)]| v.iter().filter(|r| r.0 == "goal").count() as f64;
    let (g_with, g_without) = (goals(&with), goals(&without));
    assert!(
        g_with >= 0.85 * g_without,
        "goals with a sunset {g_with}, without {g_without}"
    );
    let sunsets: Vec<_> = with.iter().filter(|r| r.0 == "sunset").collect();
    assert!(sunsets.len() > 20, "{} sunsets", sunsets.len());
    // No single review takes a large share of the runs.
    let mut by_round = std::collections::BTreeMap::new();
    for r in &sunsets {
        *by_round.entry(r.1).or_insert(0u32) += 1;
    }
    let most = by_round.values().max().copied().unwrap_or(0);
    assert!(
        (most as u64) * 10 <= n * 2,
        "one review ends {most} of {n} runs: {by_round:?}"
    );
    // Later sunsets have more of the goal done.
    let mean = |v: Vec<f64>| v.iter().sum::<f64>() / v.len().max(1) as f64;
    let early = mean(sunsets.iter().filter(|r| r.1 <= 52).map(|r| r.2).collect());
    let late = mean(sunsets.iter().filter(|r| r.1 > 52).map(|r| r.2).collect());
    assert!(
        late > early,
        "progress at sunset: early {early}, late {late}"
    );
}

/// Success rate of the default scenario with `key` at each of `values`.
fn success_curve(key: &str, values: &[&str], n: u64) -> Vec<f64> {
    values
        .iter()
        .map(|v| {
            let r = runs(&[(key, v)], n);
            r.iter().filter(|r| r.0 == "goal").count() as f64 / n as f64
        })
        .collect()
}

/// A goal either fits the deadline or it does not: success is the share of
/// runs whose time to the goal is within `max_rounds`, so it falls to ~0
/// at a 52-week deadline or a doubled goal (issue 21 measured 0.7% and
/// 1.0%). That is the left tail of a smooth S-curve, not a cliff: success
/// rises steadily with the horizon and falls steadily with the goal's
/// size, with no step between neighbouring settings larger than 35 points
/// (docs/model.md, "Deadlines and goal size"). The horizon runs to three
/// years: since the review of issue 21 the default coalition reaches its
/// goal in about 73% of runs at 130 weeks, so the curve's top (above 80%)
/// is at 156.
#[test]
fn success_responds_smoothly_to_the_horizon_and_the_goal() {
    let n = 200;
    for (key, values, rising) in [
        (
            "max_rounds",
            &["52", "65", "78", "91", "104", "130", "156"][..],
            true,
        ),
        (
            "goal.size",
            &["40", "60", "80", "100", "120", "160"][..],
            false,
        ),
    ] {
        let curve = success_curve(key, values, n);
        for w in curve.windows(2) {
            let step = if rising { w[1] - w[0] } else { w[0] - w[1] };
            assert!(
                (-0.03..=0.35).contains(&step),
                "{key} {values:?}: success {curve:?}"
            );
        }
        let (lo, hi) = if rising {
            (curve[0], curve[curve.len() - 1])
        } else {
            (curve[curve.len() - 1], curve[0])
        };
        assert!(lo < 0.1 && hi > 0.8, "{key}: success {curve:?}");
    }
}

/// Under a rival prize each member weighs its share of it against its
/// chance of winning it alone (docs/model.md, "Support and alignment").
/// Before issue 21 a member weighed its share against the whole prize, so
/// support was its interest match times a share of about 1/members:
/// success in the zero-sum lesson fell from 41% at rivalry 0.5 to 0.4% at
/// 0.75 and exactly 0 at 1. Now success and the value over acting alone
/// fall steadily with rivalry, with no step between neighbouring settings
/// larger than 10 points, and a single grant still reaches the goal most
/// of the time: what rivalry takes away is the coalition's value over
/// acting alone.
#[test]
fn rivalry_lowers_success_and_value_smoothly() {
    let lesson = coalsim_core::study::lessons::find("zero-sum-goal").unwrap();
    let file = ScenarioFile::load(coalsim_core::scenario::Source {
        name: "scenarios/zero-sum-goal.toml".into(),
        text: lesson.toml.into(),
    })
    .unwrap();
    let n = 300;
    let (mut success, mut value) = (Vec::new(), Vec::new());
    for r in ["0", "0.25", "0.5", "0.75", "1"] {
        let s = file
            .with_overrides("test", &[("goal.rivalry".into(), parse_value(r))])
            .unwrap();
        let runs: Vec<_> = (0..n)
            .map(|run| Simulation::new(&s, s.seed, run).run_to_end())
            .collect();
        success.push(runs.iter().filter(|r| r.success).count() as f64 / n as f64);
        value.push(runs.iter().map(|r| r.value_over_alone).sum::<f64>() / n as f64);
    }
    for w in success.windows(2) {
        assert!(
            (-0.10..=0.03).contains(&(w[1] - w[0])),
            "success by rivalry {success:?}"
        );
    }
    for w in value.windows(2) {
        assert!(w[1] < w[0], "value over acting alone by rivalry {value:?}");
    }
    assert!(success[4] > 0.5, "success by rivalry {success:?}");
    assert!(value[4] < 0.25 * value[0], "value by rivalry {value:?}");
}

/// The hours members can give (`dynamics.hours_budget`) and how much an
/// hour weighs (`dynamics.w_cost`) enter commitment only as the ratio of
/// this week's hours to the budget, and the hours are those the
/// coalition's routines ask (setup, check-ins, coordination), much the
/// same for every member. So success rises steeply but steadily with the
/// budget and falls with `w_cost`, and at a budget of 1 hour (or `w_cost` =
/// 0.6) every coalition falls apart in its setup weeks, when the routines
/// ask 3 hours or more (docs/model.md, "Cliffs and dead zones").
#[test]
fn the_hour_budget_acts_through_the_routines_hours_over_the_budget() {
    let n = 200;
    for (key, values, rising) in [
        (
            "dynamics.hours_budget",
            &["1", "1.5", "2", "3", "4", "6"][..],
            true,
        ),
        (
            "dynamics.w_cost",
            &["0.05", "0.15", "0.25", "0.35", "0.45", "0.6"][..],
            false,
        ),
    ] {
        let curve = success_curve(key, values, n);
        for w in curve.windows(2) {
            let step = if rising { w[1] - w[0] } else { w[0] - w[1] };
            assert!(
                (-0.05..=0.45).contains(&step),
                "{key} {values:?}: success {curve:?}"
            );
        }
        let (lo, hi) = if rising {
            (curve[0], curve[curve.len() - 1])
        } else {
            (curve[curve.len() - 1], curve[0])
        };
        assert!(lo < 0.03 && hi > 0.6, "{key}: success {curve:?}");
    }
    // At a budget of 1 hour the coalition dissolves in its setup weeks.
    let short = runs(&[("dynamics.hours_budget", "1")], n);
    let dissolved = short.iter().filter(|r| r.0 == "dissolved").count();
    let weeks = short.iter().map(|r| r.1 as f64).sum::<f64>() / n as f64;
    assert!(dissolved as u64 * 100 >= n * 95, "{dissolved} of {n}");
    assert!(weeks < 6.0, "mean lifetime {weeks} weeks");
    // Only the ratio matters: every routine's hours and the budget halved
    // (exactly, in binary) give the same runs, run by run.
    let halved = runs(
        &[
            ("dynamics.hours_budget", "2"),
            ("governance.checkin_hours", "0.75"),
            ("governance.renewal_hours", "1.5"),
            ("dynamics.setup_hours", "1.5"),
            ("dynamics.coordination_hours", "0.05"),
            ("dynamics.leader_hours", "0.15"),
            ("dynamics.amendment_hours", "0.25"),
        ],
        n,
    );
    let default = runs(&[], n);
    assert_eq!(halved, default);
}

/// Each run of the default scenario with `overrides`: (success, mean
/// engagement of the members over weeks 1–20, over weeks 61 on, the
/// number of junior representatives sent).
fn drift(overrides: &[(&str, &str)], runs: u64) -> Vec<(bool, f64, f64, u32)> {
    let file = ScenarioFile::open(None).unwrap();
    let set: Vec<(String, toml::Value)> = overrides
        .iter()
        .map(|(k, v)| (k.to_string(), parse_value(v)))
        .collect();
    let s = file.with_overrides("test", &set).unwrap();
    (0..runs)
        .map(|run| {
            let mut sim = Simulation::new(&s, s.seed, run);
            let (mut early, mut late, mut juniors) = ((0.0, 0), (0.0, 0), 0);
            while sim.outcome.is_none() {
                juniors += sim
                    .step()
                    .iter()
                    .filter(|e| e.kind == EventKind::JuniorRepresentative)
                    .count() as u32;
                let r = sim.record();
                if r.members > 0 && r.round <= 20 {
                    early = (early.0 + r.engagement, early.1 + 1);
                } else if r.members > 0 && r.round > 60 {
                    late = (late.0 + r.engagement, late.1 + 1);
                }
            }
            let mean = |(sum, k): (f64, u32)| if k == 0 { f64::NAN } else { sum / k as f64 };
            (sim.summary().success, mean(early), mean(late), juniors)
        })
        .collect()
}

/// How fast engagement drifts (`dynamics.engagement_rate`) barely moves
/// success in the default coalition, because its members start near the
/// engagement their commitment calls for: a faster drift raises
/// engagement early (members start a little below it) and lowers it late
/// (as confidence wears), and the two cancel. Where members start above
/// what their commitment calls for (`full_commitment` = 0.8), the speed of
/// drift decides a great deal (docs/model.md, "Cliffs and dead zones").
#[test]
fn the_speed_of_drift_matters_where_there_is_a_gap_to_drift_across() {
    let n = 200;
    let summary = |v: &[(bool, f64, f64, u32)]| {
        let k = v.len() as f64;
        let finite = |x: Vec<f64>| {
            let x: Vec<f64> = x.into_iter().filter(|x| x.is_finite()).collect();
            x.iter().sum::<f64>() / x.len() as f64
        };
        (
            v.iter().filter(|r| r.0).count() as f64 / k,
            finite(v.iter().map(|r| r.1).collect()),
            finite(v.iter().map(|r| r.2).collect()),
        )
    };
    let slow = summary(&drift(&[("dynamics.engagement_rate", "0.05")], n));
    let fast = summary(&drift(&[("dynamics.engagement_rate", "0.6")], n));
    assert!((slow.0 - fast.0).abs() < 0.08, "success {slow:?} {fast:?}");
    assert!(fast.1 > slow.1 + 0.03, "early engagement {slow:?} {fast:?}");
    assert!(fast.2 < slow.2 - 0.03, "late engagement {slow:?} {fast:?}");
    let above = [("dynamics.full_commitment", "0.8")];
    let slow = summary(&drift(&[above[0], ("dynamics.engagement_rate", "0.05")], n));
    let fast = summary(&drift(&[above[0], ("dynamics.engagement_rate", "0.6")], n));
    assert!(slow.0 > fast.0 + 0.1, "success {slow:?} {fast:?}");
}

/// A member sends a junior representative once its engagement falls below
/// `junior_threshold`, i.e. once its commitment has stayed below
/// `junior_threshold` · `full_commitment` (0.35 · 0.55 = 0.19 by default).
/// That is below `exit_threshold` (0.25), where it already leaves with
/// probability `leave_gain` · (0.25 − C) a week: by default members leave
/// before they fade, and junior representatives are rare. Once fading
/// begins above the exit threshold, they are common (docs/model.md,
/// "Cliffs and dead zones").
#[test]
fn members_fade_before_they_leave_only_when_fading_starts_above_the_exit_threshold() {
    let n = 200;
    let share =
        |sets: &[(&str, &str)]| drift(sets, n).iter().filter(|r| r.3 > 0).count() as f64 / n as f64;
    let default = share(&[]);
    let earlier = share(&[("dynamics.junior_threshold", "0.5")]);
    let fuller = share(&[("dynamics.full_commitment", "1.0")]);
    assert!(default < 0.1, "{default}");
    assert!(earlier > default + 0.2, "{default} {earlier}");
    assert!(fuller > 0.5, "{default} {fuller}");
}
