//! Exact expectations on small games, worked out by hand.
use super::*;

fn game(weights: &[u64], quota: u64, vetoes: &[usize]) -> WeightedGame {
    WeightedGame::new(weights.to_vec(), quota, vetoes).expect("valid game")
}

fn exact(num: u64, den: u64) -> Exact {
    Ratio::new(BigUint::from(num), BigUint::from(den))
}

fn exacts(pairs: &[(u64, u64)]) -> Vec<Exact> {
    pairs.iter().map(|&(n, d)| exact(n, d)).collect()
}

/// Shapley–Shubik straight from its definition: the share of voting orders
/// in which each player is pivotal. Independent of the coalition-size
/// formula used everywhere else; `n!` orders, so tiny games only.
fn pivots_by_permutation(game: &WeightedGame) -> Vec<Exact> {
    fn permute(order: &mut Vec<usize>, k: usize, game: &WeightedGame, pivots: &mut [u64]) {
        if k == order.len() {
            let pivot = (1..=order.len())
                .find(|&len| game.is_winning(&order[..len]))
                .expect("grand coalition wins");
            pivots[order[pivot - 1]] += 1;
            return;
        }
        for j in k..order.len() {
            order.swap(k, j);
            permute(order, k + 1, game, pivots);
            order.swap(k, j);
        }
    }
    let n = game.players();
    let mut pivots = vec![0u64; n];
    permute(&mut (0..n).collect(), 0, game, &mut pivots);
    let orders: u64 = (1..=n as u64).product();
    pivots.iter().map(|&p| exact(p, orders)).collect()
}

#[test]
fn eec_1958_council_exact_values() {
    let indices = game(&[4, 4, 4, 2, 2, 1], 12, &[]).indices();
    assert_eq!(indices.swings, vec![10, 10, 10, 6, 6, 0]);
    assert_eq!(
        indices.shapley_shubik_exact,
        exacts(&[(7, 30), (7, 30), (7, 30), (3, 20), (3, 20), (0, 1)])
    );
    assert_eq!(
        indices.banzhaf_exact,
        exacts(&[(5, 21), (5, 21), (5, 21), (1, 7), (1, 7), (0, 1)])
    );
    assert_eq!(indices.shapley_shubik[0], 7.0 / 30.0);
    assert_eq!(indices.banzhaf[3], 1.0 / 7.0);
    assert_eq!(indices.shapley_shubik[5], 0.0);
}

#[test]
fn simple_majority_of_three_is_symmetric() {
    let indices = game(&[1, 1, 1], 2, &[]).indices();
    assert_eq!(indices.swings, vec![2, 2, 2]);
    assert_eq!(indices.shapley_shubik_exact, exacts(&[(1, 3); 3]));
    assert_eq!(indices.banzhaf_exact, exacts(&[(1, 3); 3]));
}

#[test]
fn dictator_takes_everything() {
    let indices = game(&[5, 1, 1], 5, &[]).indices();
    assert_eq!(indices.swings, vec![4, 0, 0]);
    assert_eq!(indices.shapley_shubik, vec![1.0, 0.0, 0.0]);
    assert_eq!(indices.banzhaf, vec![1.0, 0.0, 0.0]);
}

#[test]
fn unanimity_by_quota_or_by_veto_agree() {
    let by_quota = game(&[3, 1, 2], 6, &[]).indices();
    let by_veto = game(&[3, 1, 2], 1, &[0, 1, 2]).indices();
    assert_eq!(by_quota, by_veto);
    assert_eq!(by_quota.swings, vec![1, 1, 1]);
    assert_eq!(by_quota.shapley_shubik_exact, exacts(&[(1, 3); 3]));
}

#[test]
fn zero_weight_player_is_null_unless_veto() {
    let plain = game(&[2, 2, 0], 3, &[]).indices();
    assert_eq!(plain.swings, vec![2, 2, 0]);
    // As a veto player the weightless member becomes essential: only the
    // grand coalition wins, so the game is unanimity.
    let veto = game(&[2, 2, 0], 3, &[2]).indices();
    assert_eq!(veto.swings, vec![1, 1, 1]);
    assert_eq!(veto.shapley_shubik_exact, exacts(&[(1, 3); 3]));
}

#[test]
fn veto_players_heavy_enough_to_win_alone() {
    // Vetoes 0 and 1 weigh 5 >= quota 4: every other player is a dummy and
    // the two share the power; each is a swing for all 4 sets of others
    // that contain the other veto player (2 free players: 2^2 sets).
    let indices = game(&[3, 2, 1, 1], 4, &[0, 1]).indices();
    assert_eq!(indices.swings, vec![4, 4, 0, 0]);
    assert_eq!(
        indices.shapley_shubik_exact,
        exacts(&[(1, 2), (1, 2), (0, 1), (0, 1)])
    );
}

#[test]
fn security_council_veto_equals_weighted_representation() {
    let mut weighted = vec![7u64; 5];
    weighted.extend([1; 10]);
    let by_weight = game(&weighted, 39, &[]).indices();
    let by_veto = game(&[1; 15], 9, &[0, 1, 2, 3, 4]).indices();
    assert_eq!(by_weight, by_veto);
    assert_eq!(by_weight.swings[0], 848);
    assert_eq!(by_weight.swings[5], 84);
    assert_eq!(by_weight.shapley_shubik_exact[0], exact(421, 2145));
    assert_eq!(by_weight.shapley_shubik_exact[14], exact(4, 2145));
    assert_eq!(by_weight.banzhaf_exact[0], exact(106, 635));
    assert_eq!(by_weight.banzhaf_exact[14], exact(21, 1270));
}

#[test]
fn shapley_shubik_matches_voting_orders() {
    let cases: &[(&[u64], u64, &[usize])] = &[
        (&[4, 4, 4, 2, 2, 1], 12, &[]),
        (&[3, 2, 1, 1], 4, &[]),
        (&[3, 2, 1, 1], 4, &[3]),
        (&[1, 1, 1, 1, 1], 3, &[0, 2]),
        (&[0, 5, 2, 2, 1], 5, &[0]),
        (&[10, 1, 1, 1], 3, &[]),
    ];
    for &(weights, quota, vetoes) in cases {
        let g = game(weights, quota, vetoes);
        assert_eq!(
            g.indices().shapley_shubik_exact,
            pivots_by_permutation(&g),
            "{weights:?} q={quota} vetoes={vetoes:?}"
        );
    }
}

#[test]
fn dp_agrees_with_brute_force_on_fixed_games() {
    let cases: &[(&[u64], u64, &[usize])] = &[
        (&[9, 9, 7, 3, 1, 1], 16, &[]),
        (&[1], 1, &[]),
        (&[1], 1, &[0]),
        (&[0, 0, 1], 1, &[0]),
        (&[6, 5, 4, 3, 2, 1, 0], 11, &[1, 4]),
    ];
    for &(weights, quota, vetoes) in cases {
        let g = game(weights, quota, vetoes);
        assert_eq!(g.indices(), brute_force_indices(&g).unwrap());
    }
}

#[test]
fn common_divisor_is_factored_out() {
    let small = game(&[4, 4, 4, 2, 2, 1], 12, &[]).indices();
    let scaled = game(&[4000, 4000, 4000, 2000, 2000, 1000], 11_001, &[]).indices();
    assert_eq!(small, scaled);
}

#[test]
fn huge_coprime_weights_fall_back_to_enumeration_for_small_games() {
    let weights = [
        4_000_000_001,
        4_000_000_000,
        4_000_000_000,
        2_000_000_000,
        2_000_000_000,
        1_000_000_000,
    ];
    let g = game(&weights, 12_000_000_000, &[]);
    assert_eq!(g.indices().swings, vec![10, 10, 10, 6, 6, 0]);
}

#[test]
fn huge_weights_with_many_players_are_rejected() {
    let mut weights = vec![1_000_000_007u64; 30];
    weights[0] = 1_000_000_008;
    let err = WeightedGame::new(weights, 15_000_000_000, &[]).unwrap_err();
    assert!(
        matches!(err, PowerError::TooLarge { players: 30, .. }),
        "{err}"
    );
}

#[test]
fn largest_supported_game_stays_exact() {
    let indices = game(&[1; MAX_PLAYERS], 64, &[]).indices();
    // Every player is a swing for the sets of exactly 63 of the other 126.
    let c_126_63 = (1..=63u32)
        .fold(BigUint::one(), |c, k| c * (63 + k) / k)
        .to_u128()
        .unwrap();
    assert!(indices.swings.iter().all(|&s| s == c_126_63));
    assert!(
        indices
            .shapley_shubik_exact
            .iter()
            .all(|x| *x == exact(1, 127))
    );
    assert_eq!(indices.shapley_shubik[0], 1.0 / 127.0);
}

#[test]
fn invalid_games_are_rejected() {
    assert_eq!(
        WeightedGame::new(vec![], 1, &[]),
        Err(PowerError::NoPlayers)
    );
    assert_eq!(
        WeightedGame::new(vec![1, 2], 0, &[]),
        Err(PowerError::ZeroQuota)
    );
    assert_eq!(
        WeightedGame::new(vec![1, 2], 4, &[]),
        Err(PowerError::QuotaAboveTotal { quota: 4, total: 3 })
    );
    assert_eq!(
        WeightedGame::new(vec![1, 2], 2, &[2]),
        Err(PowerError::VetoOutOfRange {
            index: 2,
            players: 2
        })
    );
    assert_eq!(
        WeightedGame::new(vec![1; 128], 2, &[]),
        Err(PowerError::TooManyPlayers { players: 128 })
    );
    assert_eq!(
        WeightedGame::new(vec![u64::MAX, 1], 2, &[]),
        Err(PowerError::WeightOverflow)
    );
    let big = game(&[1; 21], 11, &[]);
    assert_eq!(
        brute_force_indices(&big),
        Err(PowerError::TooManyToEnumerate { players: 21 })
    );
}

#[test]
fn duplicate_vetoes_are_merged() {
    assert_eq!(game(&[1, 1, 1], 2, &[2, 0, 2]).vetoes(), &[0, 2]);
}

#[test]
fn minimal_winning_coalitions_of_the_eec() {
    let g = game(&[4, 4, 4, 2, 2, 1], 12, &[]);
    let expected = vec![
        vec![0, 1, 2],
        vec![0, 1, 3, 4],
        vec![0, 2, 3, 4],
        vec![1, 2, 3, 4],
    ];
    assert_eq!(g.minimal_winning(4), Some(expected.clone()));
    assert_eq!(g.minimal_winning(100), Some(expected));
    assert_eq!(g.minimal_winning(3), None);
}

#[test]
fn minimal_winning_with_vetoes() {
    // Vetoes alone win: they are the only minimal winning coalition.
    assert_eq!(
        game(&[3, 2, 1, 1], 4, &[0, 1]).minimal_winning(1),
        Some(vec![vec![0, 1]])
    );
    assert_eq!(game(&[3, 2, 1, 1], 4, &[0, 1]).minimal_winning(0), None);
    // Zero-weight veto player in every minimal coalition.
    assert_eq!(
        game(&[2, 2, 0], 3, &[2]).minimal_winning(10),
        Some(vec![vec![0, 1, 2]])
    );
    let g = game(&[6, 5, 4, 3, 2, 1, 0], 11, &[1, 4]);
    assert_eq!(
        g.minimal_winning(1000).unwrap(),
        brute_force_minimal_winning(&g).unwrap()
    );
}

#[test]
fn minimal_winning_is_cheap_for_many_players() {
    // C(100, 51) minimal winning coalitions: the limit must stop the search.
    let g = game(&[1; 100], 51, &[]);
    assert_eq!(g.minimal_winning(1000), None);
    let g = game(&[1; 100], 100, &[]);
    assert_eq!(g.minimal_winning(1), Some(vec![(0..100).collect()]));
}

#[test]
fn rounding_to_f64_is_correct() {
    for den in 1..=60u64 {
        for num in 0..=den {
            assert_eq!(
                exact_to_f64(&exact(num, den)),
                num as f64 / den as f64,
                "{num}/{den}"
            );
        }
    }
    // Numbers far outside u64 on both sides of the fraction bar.
    let two_200 = BigUint::one() << 200u32;
    let third = Ratio::new(&two_200 + 1u32, &two_200 * 3u32);
    assert_eq!(exact_to_f64(&third), 1.0 / 3.0);
    let small = Ratio::new(BigUint::one(), BigUint::one() << 1000u32);
    assert_eq!(exact_to_f64(&small), f64::from_bits(23 << 52));
    let subnormal = Ratio::new(BigUint::one(), BigUint::one() << 1030u32);
    assert_eq!(exact_to_f64(&subnormal), f64::from_bits(1 << 44));
}
