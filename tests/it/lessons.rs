//! Lesson tests: every lesson of the source texts, run with common random
//! numbers, must show the direction the texts claim with a paired 99%
//! interval that excludes zero. The effects come from the mechanisms; these
//! tests only measure them. Run alone with `cargo test --release lesson`.

use coalsim_core::scenario::{ScenarioFile, Source};
use coalsim_core::study::compare::{Arm, CompareConfig, Comparison, compare};
use coalsim_core::study::lessons::{self, Claim};
use coalsim_core::study::sweep::arms;
use coalsim_report::comparison::claim_row;

const RUNS: u64 = 2000;

fn check_lesson(name: &str) {
    check_lesson_runs(name, RUNS);
}

/// The movement lesson (3,000 organisations, about 0.3 s of CPU a run) on
/// 100 runs per variant: its effects (23 and 32 points at 100 runs, 99%
/// intervals ending 6.0 and 15.0 points from zero) are resolved there
/// (docs/lessons.md, "At movement scale"); 2,000 runs would take about
/// half an hour of CPU.
const MOVEMENT_RUNS: u64 = 100;

#[test]
fn lesson_movement() {
    check_lesson_runs("movement", MOVEMENT_RUNS);
}

/// A lesson and its scenario file, as `coalsim lesson` loads it.
fn lesson_file(name: &str) -> (&'static lessons::Lesson, ScenarioFile) {
    let lesson = lessons::find(name).unwrap_or_else(|| panic!("no lesson {name}"));
    let file = ScenarioFile::load(Source {
        name: format!("scenarios/{name}.toml"),
        text: lesson.toml.to_string(),
    })
    .expect("lesson scenario loads");
    (lesson, file)
}

/// `runs` runs of each arm, run i of every arm on the same random numbers.
fn run_arms(arms: &[Arm], runs: u64, seed: u64) -> Comparison {
    let cfg = CompareConfig {
        runs,
        seed,
        chunk: 256,
    };
    compare(arms, &cfg, |_, _, _| {}, |_| {})
}

fn check_lesson_runs(name: &str, runs: u64) {
    let (lesson, file) = lesson_file(name);
    let arms = arms(&file, &[]).expect("lesson has variants");
    let c = run_arms(&arms, runs, file.base.seed);
    for (k, claim) in lesson.claims.iter().enumerate() {
        let (text, effect, holds) = claim_row(&c, claim);
        if UNRESOLVED.contains(&(name, k)) {
            // Pinned: the effect is smaller than 2,000 runs resolve; it must
            // still point the claimed way and must not be resolved (update
            // UNRESOLVED and docs/lessons.md if it is).
            let (claimed_side, reversed) = sides(&c, claim);
            assert!(
                !holds && !reversed && claimed_side,
                "lesson {name}: {text}; measured {effect}: pinned as unresolved (UNRESOLVED)"
            );
            continue;
        }
        assert!(
            holds,
            "lesson {name}: the texts claim {text}; measured {effect} (99% interval must exclude 0)"
        );
    }
}

/// Claims whose effect, measured with the lesson's own seed, is on the
/// claimed side but within the 99% interval at 2,000 runs (docs/lessons.md,
/// "Claims within the noise"): (lesson, claim index).
/// (non-contributors' first claim was pinned here from the first win's
/// change until the review of issue 21, when it was resolved again at
/// −5.5 points.)
const UNRESOLVED: &[(&str, usize)] = &[];

/// Whether a paired claim's estimate lies on the claimed side, and whether
/// its 99% interval lies entirely on the opposite side.
fn sides(c: &Comparison, claim: &Claim) -> (bool, bool) {
    let Claim::Paired {
        measure,
        variant,
        higher,
    } = *claim
    else {
        return (false, false);
    };
    let m = coalsim_core::study::compare::measure(measure).unwrap();
    let meas = &coalsim_core::study::compare::MEASURES[m];
    let i = c.paired[variant][m].interval(meas, 0.99);
    if higher {
        (i.estimate > 0.0, i.hi < 0.0)
    } else {
        (i.estimate < 0.0, i.lo > 0.0)
    }
}

macro_rules! lesson_tests {
    ($($test:ident => $name:literal),+ $(,)?) => {
        $(
            #[test]
            fn $test() {
                check_lesson($name);
            }
        )+

        #[test]
        fn lesson_every_lesson_has_a_test() {
            let tested = [$($name),+, "movement"];
            for l in lessons::LESSONS {
                assert!(tested.contains(&l.name), "lesson {} has no test", l.name);
            }
            assert!(lessons::LESSONS.len() >= 18);
        }
    };
}

lesson_tests! {
    lesson_narrow_first_win => "narrow-first-win",
    lesson_urgency_trap => "urgency-trap",
    lesson_communication_routines => "communication-routines",
    lesson_exit_planning => "exit-planning",
    lesson_consensus_illusion => "consensus-illusion",
    lesson_mission_creep => "mission-creep",
    lesson_founders_syndrome => "founders-syndrome",
    lesson_drift_and_renewal => "drift-and-renewal",
    lesson_too_many_members => "too-many-members",
    lesson_overlapping_interests => "overlapping-interests",
    lesson_alignment_vs_trust => "alignment-vs-trust",
    lesson_power_too_unequal => "power-too-unequal",
    lesson_zero_sum_goal => "zero-sum-goal",
    lesson_speed_critical => "speed-critical",
    lesson_broken_trust => "broken-trust",
    lesson_first_members => "first-members",
    lesson_consensus_vs_majority => "consensus-vs-majority",
    lesson_when_agreement_pays => "when-agreement-pays",
    lesson_when_majority_pays => "when-majority-pays",
    lesson_non_contributors => "non-contributors",
    lesson_public_disagreement => "public-disagreement",
    lesson_housing_ordinance => "housing-ordinance",
    lesson_choosing_a_rule => "choosing-a-rule",
}

/// Where the texts say a coalition is the wrong tool, acting alone wins
/// there — and not in the default scenario, where the coalition is worth
/// more than each member acting alone.
#[test]
fn lesson_default_scenario_beats_acting_alone() {
    let file = ScenarioFile::open(None).unwrap();
    let arm = Arm {
        name: "default".into(),
        scenario: file.base.clone(),
        settings: Vec::new(),
        baseline: 0,
    };
    let c = run_arms(&[arm], RUNS, file.base.seed);
    let m = coalsim_core::study::compare::measure("value_over_alone").unwrap();
    let d = coalsim_core::stats::mean_interval(&c.arms[0].measures[m], 0.99);
    assert!(
        d.lo > 0.0,
        "default scenario: value over acting alone {:+.3} ({:+.3} to {:+.3})",
        d.estimate,
        d.lo,
        d.hi
    );
    // The "wrong tool" claims are one-sided tests on the first variant.
    let alone: Vec<&str> = lessons::LESSONS
        .iter()
        .filter(|l| {
            l.claims
                .iter()
                .any(|c| matches!(c, Claim::AloneBetter { .. }))
        })
        .map(|l| l.name)
        .collect();
    assert_eq!(
        alone,
        // zero-sum-goal's "competing alone wins" is not reproduced (the
        // model has no rival outside the coalition; docs/lessons.md): its
        // claims compare it with a goal redefined so all benefit.
        ["power-too-unequal", "speed-critical", "broken-trust"]
    );
}

/// `when-agreement-pays` is won by consent against every other rule, and
/// the supermajority beats the remaining five (simple majority, weighted
/// voting, consensus, modified consensus and the committee): where
/// overruling members costs more than deciding slowly, the rule that lets
/// no member be pushed beyond what it can live with wins, and the one that
/// needs more members than a majority comes next; `when-majority-pays` is
/// won by simple majority against every rule
/// that needs more agreement, while weighted voting (a simple majority of
/// resources that are alike here) is not clearly behind it and the
/// steering committee (a simple majority of five) not clearly ahead:
/// fewer who must agree cost less here (paired 99% intervals, 2,000 runs
/// per rule).
#[test]
fn lesson_each_rule_lesson_is_won_against_every_other_rule() {
    let run_with = |name: &str, vary: &[&str]| -> Vec<(String, f64, f64)> {
        let tmp = tempfile::tempdir().unwrap();
        let out = assert_cmd::Command::cargo_bin("coalsim")
            .unwrap()
            .args(["sweep", &format!("scenarios/{name}.toml"), "--runs", "2000"])
            .args(vary)
            .args(["--no-plots", "--out"])
            .arg(tmp.path())
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .output()
            .unwrap();
        assert!(out.status.success(), "{out:?}");
        let mut r = csv::Reader::from_path(tmp.path().join("comparison.csv")).unwrap();
        r.records()
            .map(|x| x.unwrap())
            .filter(|x| &x[2] == "success")
            .map(|x| {
                (
                    x[0].to_string(),
                    x[8].parse().unwrap(),
                    x[9].parse().unwrap(),
                )
            })
            .collect()
    };
    let run = |name: &str| run_with(name, &[]);
    let agreement = run("when-agreement-pays");
    assert_eq!(agreement.len(), 6, "{agreement:?}");
    for (rule, _, hi99) in &agreement {
        assert!(
            *hi99 < 0.0,
            "when-agreement-pays: {rule} not clearly behind consent: {agreement:?}"
        );
    }
    let supermajority = run_with(
        "when-agreement-pays",
        &[
            "--vary",
            "governance.decision_rule=supermajority,majority,weighted,consensus,modified_consensus,committee",
        ],
    );
    assert_eq!(supermajority.len(), 5, "{supermajority:?}");
    for (rule, _, hi99) in &supermajority {
        assert!(
            *hi99 < 0.0,
            "when-agreement-pays: {rule} not clearly behind the supermajority: {supermajority:?}"
        );
    }
    let majority = run("when-majority-pays");
    assert_eq!(majority.len(), 6, "{majority:?}");
    for (rule, lo99, hi99) in &majority {
        if rule == "weighted" {
            assert!(
                *hi99 > 0.0,
                "when-majority-pays: {rule} clearly behind majority: {majority:?}"
            );
        } else if rule == "committee" {
            // The committee decides by a simple majority of five: it must
            // not beat majority (what it saves in negotiation it loses in
            // judgment, docs/lessons.md).
            assert!(
                *lo99 < 0.0,
                "when-majority-pays: {rule} clearly ahead of majority: {majority:?}"
            );
        } else {
            assert!(
                *hi99 < 0.0,
                "when-majority-pays: {rule} not clearly behind majority: {majority:?}"
            );
        }
    }
}

/// `communication-routines` measures what regular check-ins add to the
/// other channels members learn through (decisions taken, milestones,
/// work seen outside meetings): without check-ins the
/// coalition's clarity rests on those channels, so it neither always fails
/// nor always succeeds, and weekly check-ins are not at the ceiling (issue
/// 21: check-ins were the only renewable source of clarity, and the arm
/// without them failed in every run).
#[test]
fn lesson_communication_routines_is_measured_where_informative() {
    let (_, file) = lesson_file("communication-routines");
    let arms = arms(&file, &[]).unwrap();
    let c = run_arms(&arms, RUNS, file.base.seed);
    let m = coalsim_core::study::compare::measure("success").unwrap();
    let rate = |k: usize| coalsim_core::stats::mean_interval(&c.arms[k].measures[m], 0.99);
    let (weekly, none) = (rate(0), rate(1));
    assert_eq!(arms[1].name, "no check-ins");
    assert!(
        none.lo > 0.2 && none.hi < 0.8,
        "no check-ins: success {:.3} ({:.3} to {:.3})",
        none.estimate,
        none.lo,
        none.hi
    );
    assert!(
        weekly.hi < 0.99,
        "weekly check-ins: success {:.3} ({:.3} to {:.3})",
        weekly.estimate,
        weekly.lo,
        weekly.hi
    );
}
