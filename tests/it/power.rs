//! Power indices: published values, DP against brute force, and the CLI.
//!
//! Sources of the published values are in `docs/validation.md`.
use assert_cmd::Command;
use coalsim_core::power::{
    Exact, WeightedGame, brute_force_indices, brute_force_minimal_winning, exact_to_f64,
};
use num_bigint::BigUint;
use num_rational::Ratio;
use num_traits::{One, Zero};
use proptest::prelude::*;

fn exact(num: u64, den: u64) -> Exact {
    Ratio::new(BigUint::from(num), BigUint::from(den))
}

fn repeat(pattern: &[(u64, usize)]) -> Vec<u64> {
    pattern
        .iter()
        .flat_map(|&(w, count)| std::iter::repeat_n(w, count))
        .collect()
}

/// US Electoral College 1992–2000 (1990 census apportionment), alphabetical
/// by state, DC included: 51 players, 538 votes.
const ELECTORAL_COLLEGE_1990S: [u64; 51] = [
    9, 3, 8, 6, 54, 8, 8, 3, 3, 25, 13, 4, 4, 22, 12, 7, 6, 8, 9, 4, 10, 12, 18, 10, 7, 11, 3, 5,
    4, 4, 15, 5, 33, 14, 3, 21, 8, 7, 23, 4, 8, 3, 11, 32, 5, 3, 13, 11, 5, 11, 3,
];

fn coalsim() -> Command {
    Command::cargo_bin("coalsim").expect("binary built")
}

fn stdout_of(args: &[&str]) -> String {
    let output = coalsim().arg("power").args(args).output().unwrap();
    assert!(
        output.status.success(),
        "coalsim power {args:?} failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).unwrap()
}

/// Runs a bad command line; returns stderr after checking exit code 1.
fn error_of(args: &[&str]) -> String {
    let output = coalsim().arg("power").args(args).output().unwrap();
    assert_eq!(output.status.code(), Some(1), "coalsim power {args:?}");
    assert!(output.stdout.is_empty());
    String::from_utf8(output.stderr).unwrap()
}

// ---------------------------------------------------------------------
// Published values.

/// EEC Council of Ministers 1958–1972: France, Germany, Italy 4 votes;
/// Belgium, Netherlands 2; Luxembourg 1; qualified majority 12 of 17.
#[test]
fn eec_council_1958_published_values() {
    let game = WeightedGame::new(vec![4, 4, 4, 2, 2, 1], 12, &[]).unwrap();
    let indices = game.indices();
    assert_eq!(indices.swings, vec![10, 10, 10, 6, 6, 0]);
    let ss = [
        exact(7, 30),
        exact(7, 30),
        exact(7, 30),
        exact(3, 20),
        exact(3, 20),
        exact(0, 1),
    ];
    assert_eq!(indices.shapley_shubik_exact, ss);
    let bz = [
        exact(5, 21),
        exact(5, 21),
        exact(5, 21),
        exact(3, 21),
        exact(3, 21),
        exact(0, 1),
    ];
    assert_eq!(indices.banzhaf_exact, bz);
    // As printed in the literature, to 4 decimals.
    let published_ss = [0.2333, 0.2333, 0.2333, 0.15, 0.15, 0.0];
    let published_bz = [0.2381, 0.2381, 0.2381, 0.1429, 0.1429, 0.0];
    for i in 0..6 {
        assert!((indices.shapley_shubik[i] - published_ss[i]).abs() < 5e-5);
        assert!((indices.banzhaf[i] - published_bz[i]).abs() < 5e-5);
    }
}

/// UN Security Council since 1965: 5 permanent members with a veto and 10
/// elected members; 9 votes including all 5 permanent ones. Written both as
/// the weighted game 7×5 + 1×10 with quota 39 and with explicit vetoes.
#[test]
fn un_security_council_1965_published_values() {
    let weighted = WeightedGame::new(repeat(&[(7, 5), (1, 10)]), 39, &[]).unwrap();
    let vetoed = WeightedGame::new(vec![1; 15], 9, &[0, 1, 2, 3, 4]).unwrap();
    let indices = weighted.indices();
    assert_eq!(indices, vetoed.indices());
    for p in 0..5 {
        assert_eq!(indices.shapley_shubik_exact[p], exact(421, 2145));
        assert_eq!(indices.swings[p], 848);
        assert_eq!(indices.banzhaf_exact[p], exact(848, 5080));
        assert!((indices.shapley_shubik[p] - 0.19627).abs() < 5e-6);
        assert!((indices.banzhaf[p] - 0.1669).abs() < 5e-5);
    }
    for e in 5..15 {
        assert_eq!(indices.shapley_shubik_exact[e], exact(4, 2145));
        assert_eq!(indices.swings[e], 84);
        assert_eq!(indices.banzhaf_exact[e], exact(84, 5080));
        assert!((indices.shapley_shubik[e] - 0.001865).abs() < 5e-7);
        assert!((indices.banzhaf[e] - 0.0165).abs() < 5e-5);
    }
}

/// UN Security Council as analysed by Shapley and Shubik (1954): 11
/// members, 7 votes needed including the 5 permanent members. They report
/// 76/77 of the power for the permanent five together (98.7%).
#[test]
fn un_security_council_1954_shapley_shubik() {
    let game = WeightedGame::new(vec![1; 11], 7, &[0, 1, 2, 3, 4]).unwrap();
    let indices = game.indices();
    let permanent: Exact = indices.shapley_shubik_exact[..5].iter().sum();
    assert_eq!(permanent, exact(76, 77));
    assert_eq!(indices.shapley_shubik_exact[0], exact(76, 385));
    assert_eq!(indices.shapley_shubik_exact[10], exact(1, 462));
    assert_eq!(indices.swings[0], 57);
    assert_eq!(indices.swings[10], 5);
    assert_eq!(indices.banzhaf_exact[0], exact(19, 105));
    assert_eq!(indices.banzhaf_exact[10], exact(1, 63));
}

/// Nassau County Board of Supervisors 1958 (Banzhaf 1965): Hempstead #1
/// and #2 9 votes each, North Hempstead 7, Oyster Bay 3, Glen Cove 1, Long
/// Beach 1; 16 of 30 to pass. The last three can never change an outcome.
#[test]
fn nassau_county_1958_published_values() {
    let game = WeightedGame::new(vec![9, 9, 7, 3, 1, 1], 16, &[]).unwrap();
    let indices = game.indices();
    assert_eq!(indices.swings, vec![16, 16, 16, 0, 0, 0]);
    let third = exact(1, 3);
    let zero = exact(0, 1);
    let expected = [
        third.clone(),
        third.clone(),
        third,
        zero.clone(),
        zero.clone(),
        zero,
    ];
    assert_eq!(indices.banzhaf_exact, expected);
    assert_eq!(indices.shapley_shubik_exact, expected);
    assert_eq!(
        game.minimal_winning(10),
        Some(vec![vec![0, 1], vec![0, 2], vec![1, 2]])
    );
}

/// A 51-player game with 538 votes: must run (fast in release; never
/// timed here) and stay exact: each index sums to exactly 1.
#[test]
fn electoral_college_indices_sum_to_one() {
    let game = WeightedGame::new(ELECTORAL_COLLEGE_1990S.to_vec(), 270, &[]).unwrap();
    assert_eq!(game.total_weight(), 538);
    let indices = game.indices();
    let ss_sum: Exact = indices.shapley_shubik_exact.iter().sum();
    let bz_sum: Exact = indices.banzhaf_exact.iter().sum();
    assert!(ss_sum.is_one());
    assert!(bz_sum.is_one());
    assert!((indices.shapley_shubik.iter().sum::<f64>() - 1.0).abs() < 1e-12);
    assert!((indices.banzhaf.iter().sum::<f64>() - 1.0).abs() < 1e-12);
    // Equal weights, equal power; more weight, at least as much power.
    let players: Vec<(u64, u128, &Exact)> = ELECTORAL_COLLEGE_1990S
        .iter()
        .zip(&indices.swings)
        .zip(&indices.shapley_shubik_exact)
        .map(|((&w, &s), ss)| (w, s, ss))
        .collect();
    for &(wi, si, ssi) in &players {
        for &(wj, sj, ssj) in &players {
            if wi == wj {
                assert_eq!((si, ssi), (sj, ssj));
            }
            if wi > wj {
                assert!(si >= sj && ssi >= ssj);
            }
        }
    }
    // California (54 of 538) holds more than its vote share. The exact
    // values were cross-checked once with an independent Python script
    // (per-player subset-sum counts with big integers and `Fraction`).
    assert!(indices.shapley_shubik[4] > 54.0 / 538.0);
    assert_eq!(indices.swings[4], 525_180_666_785_903);
    assert_eq!(indices.shapley_shubik[4], 0.10812540951779512);
    assert_eq!(indices.swings[1], 25_731_095_182_547);
    assert_eq!(indices.shapley_shubik[1], 0.005405549637386588);
    // Far too many minimal winning coalitions to list.
    assert_eq!(game.minimal_winning(1000), None);
}

// ---------------------------------------------------------------------
// Fast DP against brute-force enumeration.

/// Random games of up to 10 players: weights 0–12, any valid quota, and
/// (in about half the cases) random veto players.
fn small_game() -> impl Strategy<Value = (Vec<u64>, u64, Vec<usize>)> {
    (
        prop::collection::vec(0u64..=12, 1..=10),
        any::<u64>(),
        prop::collection::vec(prop::bool::weighted(0.25), 10),
        any::<bool>(),
    )
        .prop_filter_map(
            "some positive weight",
            |(weights, seed, flags, with_vetoes)| {
                let total: u64 = weights.iter().sum();
                (total > 0).then(|| {
                    let quota = 1 + seed % total;
                    let vetoes = (0..weights.len())
                        .filter(|&i| with_vetoes && flags[i])
                        .collect();
                    (weights, quota, vetoes)
                })
            },
        )
}

proptest! {
    #[test]
    fn dp_matches_brute_force((weights, quota, vetoes) in small_game()) {
        let game = WeightedGame::new(weights, quota, &vetoes).unwrap();
        let fast = game.indices();
        prop_assert_eq!(&fast, &brute_force_indices(&game).unwrap());
        let ss_sum: Exact = fast.shapley_shubik_exact.iter().sum();
        prop_assert!(ss_sum.is_one());
        prop_assert!(fast.swings.iter().any(|&s| s > 0));

        let all = brute_force_minimal_winning(&game).unwrap();
        prop_assert!(!all.is_empty());
        prop_assert_eq!(game.minimal_winning(all.len()), Some(all.clone()));
        prop_assert_eq!(game.minimal_winning(all.len() - 1), None);
    }

    #[test]
    fn f64_values_are_the_rounded_exact_values((weights, quota, vetoes) in small_game()) {
        let indices = WeightedGame::new(weights, quota, &vetoes).unwrap().indices();
        for (x, exact) in indices.banzhaf.iter().zip(&indices.banzhaf_exact) {
            prop_assert_eq!(*x, exact_to_f64(exact));
            if exact.is_zero() {
                prop_assert_eq!(*x, 0.0);
            }
        }
    }
}

// ---------------------------------------------------------------------
// Command line.

#[test]
fn cli_csv_of_the_eec() {
    let expected = "\
player,weight,shapley_shubik,banzhaf,banzhaf_swings
1,4,0.23333333333333334,0.23809523809523808,10
2,4,0.23333333333333334,0.23809523809523808,10
3,4,0.23333333333333334,0.23809523809523808,10
4,2,0.15,0.14285714285714285,6
5,2,0.15,0.14285714285714285,6
6,1,0,0,0
";
    let args = [
        "--weights",
        "4,4,4,2,2,1",
        "--quota",
        "12",
        "--format",
        "csv",
    ];
    assert_eq!(stdout_of(&args), expected);
}

#[test]
fn cli_table_lists_minimal_winning_coalitions() {
    let text = stdout_of(&["--weights", "9,9,7,3,1,1", "--quota", "16"]);
    assert!(text.starts_with("Weighted voting game: 6 players, quota 16 of total weight 30"));
    assert!(
        text.contains("     4       3        0.000000  0.000000       0\n"),
        "{text}"
    );
    assert!(text.contains("Minimal winning coalitions (3):\n  {1, 2}\n  {1, 3}\n  {2, 3}\n\n"));
}

#[test]
fn cli_veto_players_are_numbered_from_one() {
    let weighted = stdout_of(&[
        "--weights",
        "7,7,7,7,7,1,1,1,1,1,1,1,1,1,1",
        "--quota",
        "39",
        "--format",
        "csv",
    ]);
    let vetoed = stdout_of(&[
        "--weights",
        "7,7,7,7,7,1,1,1,1,1,1,1,1,1,1",
        "--quota",
        "1",
        "--veto",
        "1,2,3,4,5",
        "--format",
        "csv",
    ]);
    // The UN Security Council both ways: 7×5 + 1×10 with quota 39 is the
    // same game as 9 of 15 votes with the five permanent members' veto.
    let vetoed_39 = stdout_of(&[
        "--weights",
        "1,1,1,1,1,1,1,1,1,1,1,1,1,1,1",
        "--quota",
        "9",
        "--veto",
        "1,2,3,4,5",
        "--format",
        "csv",
    ]);
    let rows = |csv: &str| -> Vec<String> {
        csv.lines()
            .skip(1)
            .map(|line| {
                line.split_once(',')
                    .unwrap()
                    .1
                    .split_once(',')
                    .unwrap()
                    .1
                    .to_string()
            })
            .collect()
    };
    assert_eq!(rows(&weighted), rows(&vetoed_39));
    // Quota 1 with vetoes: the five permanent members alone decide, as
    // equals, each a swing for all 2^10 sets of elected members.
    assert!(vetoed.contains("\n1,7,0.2,0.2,1024\n"), "{vetoed}");
    assert!(vetoed.ends_with("\n15,1,0,0,0\n"), "{vetoed}");
}

#[test]
fn cli_json_describes_game_and_indices() {
    let text = stdout_of(&[
        "--weights",
        "4,4,4,2,2,1",
        "--quota",
        "12",
        "--veto",
        "6",
        "--format",
        "json",
    ]);
    let value: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(value["game"]["veto"], serde_json::json!([6]));
    assert_eq!(value["game"]["total_weight"], 17);
    assert_eq!(value["players"].as_array().unwrap().len(), 6);
    assert_eq!(value["players"][5]["player"], 6);
    // Luxembourg as a veto player: every winning coalition needs it.
    assert!(value["players"][5]["banzhaf_swings"].as_u64().unwrap() > 0);
    assert!(value["minimal_winning_coalitions"].is_array());
}

#[test]
fn cli_quota_fraction_is_a_strict_majority() {
    let weights = ELECTORAL_COLLEGE_1990S.map(|w| w.to_string()).join(",");
    let text = stdout_of(&[
        "--weights",
        &weights,
        "--quota-fraction",
        "0.5",
        "--format",
        "json",
    ]);
    let value: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(value["game"]["quota"], 270);
    assert!(value["minimal_winning_coalitions"].is_null());
    let ss: f64 = value["players"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["shapley_shubik"].as_f64().unwrap())
        .sum();
    assert!((ss - 1.0).abs() < 1e-12);
    let by_fraction = stdout_of(&[
        "--weights",
        "9,9,7,3,1,1",
        "--quota-fraction",
        "1/2",
        "--format",
        "csv",
    ]);
    let by_quota = stdout_of(&[
        "--weights",
        "9,9,7,3,1,1",
        "--quota",
        "16",
        "--format",
        "csv",
    ]);
    assert_eq!(by_fraction, by_quota);
}

#[test]
fn cli_rejects_bad_input_with_flag_named() {
    let cases: &[(&[&str], &str)] = &[
        (
            &["--weights", "4,4,4", "--quota", "13"],
            "error: --quota: 13 is above the total weight 12",
        ),
        (
            &["--weights", "4,-1,4", "--quota", "3"],
            "error: --weights: '-1' (player 2) is negative",
        ),
        (
            &["--weights", "4,four", "--quota", "3"],
            "error: --weights: 'four' (player 2) is not a non-negative integer",
        ),
        (
            &["--weights", "", "--quota", "3"],
            "error: --weights: the list is empty",
        ),
        (
            &["--weights", "4,4", "--quota", "0"],
            "error: --quota: 0 would let the empty coalition win",
        ),
        (
            &["--weights", "4,4", "--quota", "x"],
            "error: --quota: 'x' is not allowed",
        ),
        (
            &["--weights", "4,4", "--quota-fraction", "1"],
            "error: --quota-fraction: '1' is not allowed",
        ),
        (&["--weights", "4,4"], "error: a quota is required"),
        (&["--quota", "3"], "error: give --weights"),
        (
            &["--weights", "0,0", "--quota", "1"],
            "error: --weights: all weights are zero",
        ),
        (
            &["--weights", "4,4", "--quota", "5", "--veto", "3"],
            "error: --veto: '3' is not a player; players are numbered 1 to 2",
        ),
        (
            &["scenario.toml"],
            "error: scenario.toml: cannot read the scenario file",
        ),
    ];
    for (args, expected) in cases {
        let stderr = error_of(args);
        assert!(stderr.starts_with(expected), "{args:?}: {stderr}");
    }
    let many = vec!["1"; 128].join(",");
    assert!(error_of(&["--weights", &many, "--quota", "2"]).contains("at most 127"));
}

/// `coalsim power SCENARIO`: the weighted rule of the unequal-power lesson
/// makes the funder a dictator (all Shapley–Shubik power).
#[test]
fn power_of_a_scenario_rule_uses_the_agents_power() {
    let out = assert_cmd::Command::cargo_bin("coalsim")
        .unwrap()
        .args([
            "power",
            "scenarios/power-too-unequal.toml",
            "--format",
            "csv",
        ])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).unwrap();
    let first = text.lines().nth(1).unwrap();
    assert!(first.starts_with("1,1140,1,1,"), "{text}");
    // One vote each under majority: equal power.
    let maj = assert_cmd::Command::cargo_bin("coalsim")
        .unwrap()
        .args([
            "power",
            "scenarios/consensus-illusion.toml",
            "--format",
            "csv",
        ])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .unwrap();
    let text = String::from_utf8(maj.stdout).unwrap();
    let values: Vec<&str> = text
        .lines()
        .skip(1)
        .map(|l| l.split(',').nth(2).unwrap())
        .collect();
    assert!(values.windows(2).all(|w| w[0] == w[1]), "{text}");
}

/// A dominant funder under the power-weighted rule: `coalsim power` names it
/// as the dictator among every organisation (and among the founding members
/// with --founding), and a sweep over the rules warns about it.
#[test]
fn a_dominant_funder_is_named_as_dictator_and_flagged() {
    let text = stdout_of(&["tests/data/eastside-tie.toml"]);
    assert!(
        text.starts_with("Eastside neighbourhoods: rule `weighted` among all 8 organisations;"),
        "{text}"
    );
    assert!(
        text.contains("\nDictator: Eastside Foundation decides alone (Shapley–Shubik index 1.000)"),
        "{text}"
    );
    assert!(!text.contains("no veto players"), "{text}");
    assert!(
        text.contains("7 of the 8 players never change an outcome"),
        "{text}"
    );
    assert!(
        text.contains("Distance from one member, one voice: 0.875"),
        "{text}"
    );
    // `--rule` asks the same of another rule: under majority nobody decides
    // alone; back under `weighted` the funder does again.
    let majority = stdout_of(&["tests/data/eastside-tie.toml", "--rule", "majority"]);
    assert!(
        majority.starts_with("Eastside neighbourhoods: rule `majority` among all 8 organisations;"),
        "{majority}"
    );
    assert!(!majority.contains("Dictator"), "{majority}");
    assert_eq!(
        stdout_of(&["tests/data/eastside-tie.toml", "--rule", "weighted"]),
        text
    );
    // As a coordinator might type it.
    assert_eq!(
        stdout_of(&["tests/data/eastside-tie.toml", "--rule", "Weighted"]),
        text
    );
    let err = error_of(&["tests/data/eastside-tie.toml", "--rule", "weighed"]);
    assert!(
        err.contains("--rule: governance.decision_rule: unknown value `weighed`, expected one of `consensus`, `majority`"),
        "{err}"
    );
    let founding = stdout_of(&["tests/data/eastside-tie.toml", "--founding"]);
    assert!(
        founding.contains("among the 3 founding members"),
        "{founding}"
    );
    assert!(
        founding.contains("Dictator: Eastside Foundation"),
        "{founding}"
    );
    // Majority: one vote each, nobody decides alone or holds a veto.
    let tmp = tempfile::tempdir().unwrap();
    let sweep = coalsim()
        .args([
            "sweep",
            "tests/data/eastside-tie.toml",
            "--vary",
            "governance.decision_rule=majority,weighted,consensus",
            "--runs",
            "20",
            "--no-plots",
            "--out",
        ])
        .arg(tmp.path())
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .unwrap();
    assert!(sweep.status.success(), "{sweep:?}");
    let text = String::from_utf8(sweep.stdout).unwrap();
    let warnings: Vec<&str> = text
        .lines()
        .filter(|l| l.starts_with("Capture warning"))
        .collect();
    assert_eq!(
        warnings,
        [
            "Capture warning: under `decision_rule=weighted`, Eastside Foundation decides alone (Shapley–Shubik index 1.00) among all 8 organisations (`coalsim power` shows every index)."
        ],
        "{text}"
    );
}

/// Unanimity gives every player a veto, and the table says so instead of
/// "no veto players"; a declared veto is named.
#[test]
fn veto_players_come_from_the_game() {
    let text = stdout_of(&["--weights", "1,1,1", "--quota", "3"]);
    assert!(text.starts_with("Weighted voting game: 3 players, quota 3 of total weight 3, every player holds a veto\n"), "{text}");
    assert!(
        text.contains("Every player holds a veto (unanimity)"),
        "{text}"
    );
    let text = stdout_of(&["--weights", "5,2,2,1", "--quota", "7"]);
    // Without player 1 the others have 5 < 7: a veto without a dictator.
    assert!(text.contains("veto players: 1\n"), "{text}");
    assert!(
        text.contains("Veto players: player 1 — nothing passes without it"),
        "{text}"
    );
    assert!(!text.contains("Dictator"), "{text}");
}
