//! Exact a-priori voting power of weighted voting games.
//!
//! A weighted voting rule ("each member has so many votes, a motion needs
//! so many") hides how much say each member really has: in the 1958 EEC
//! Council Luxembourg held one vote of seventeen and could never change an
//! outcome. The simulator uses these indices to report the real power
//! behind a governance rule, and this module computes them *exactly*, so
//! that published textbook values can be reproduced digit for digit
//! (see `docs/validation.md`).
//!
//! Two classic indices are computed:
//!
//! * **Shapley–Shubik**: the share of the `n!` voting orders in which a
//!   player is pivotal;
//! * **Banzhaf** (Penrose–Banzhaf): the number of coalitions in which a
//!   player is a swing (its defection turns winning into losing), both as
//!   the raw count and normalised to sum to one.
//!
//! Enumerating the `2^n` coalitions is hopeless for a 51-member electoral
//! college, so the indices come from a dynamic programme that counts
//! coalitions by (size, weight) — the generating-function method — in
//! `O(n² · quota)` integer operations; see [`WeightedGame::indices`].
//! Counts are exact `u128` (hence at most [`MAX_PLAYERS`] players) and the
//! Shapley–Shubik weights `s!(n−1−s)!/n!`, which overflow every fixed-width
//! integer near `n = 35`, are handled as big rationals and only rounded to
//! `f64` at the very end.
//!
//! [`brute_force_indices`] and [`brute_force_minimal_winning`] enumerate
//! every coalition instead; they are deliberately naive and serve as the
//! reference the fast code is tested against.

mod dp;
mod minimal;

use num_bigint::BigUint;
use num_rational::Ratio;
use num_traits::{One, ToPrimitive, Zero};

/// An exact non-negative rational number, the type of the exact indices.
pub type Exact = Ratio<BigUint>;

/// Largest number of players: a player's swing count is at most `2^(n-1)`
/// and must fit in a `u128`.
pub const MAX_PLAYERS: usize = 127;

/// Largest number of players [`brute_force_indices`] accepts (it visits all
/// `2^n` coalitions, and keeps one flag per coalition).
pub const MAX_BRUTE_FORCE_PLAYERS: usize = 20;

/// Largest counting table the dynamic programme may allocate, in cells of
/// 16 bytes (two tables are live at once: 128 MiB in all). Games beyond it
/// have weights far larger than their structure needs; [`WeightedGame::new`]
/// first divides the weights by their greatest common divisor, and for at
/// most [`MAX_BRUTE_FORCE_PLAYERS`] players falls back to enumeration.
pub const MAX_TABLE_CELLS: usize = 1 << 22;

/// Why a weighted voting game was rejected.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PowerError {
    /// No players at all.
    #[error("the game has no players: give at least one weight")]
    NoPlayers,
    /// A quota of zero: the empty coalition would win.
    #[error("the quota must be at least 1 (with quota 0 the empty coalition wins)")]
    ZeroQuota,
    /// Every weight is 0: no coalition can win whatever the quota.
    #[error("every weight is 0, so no coalition could win; allowed: at least one positive weight")]
    NoWeight,
    /// The quota is above the total weight: no coalition can win.
    #[error(
        "the quota {quota} is above the total weight {total}: no coalition could win; allowed: a quota from 1 to {total}"
    )]
    QuotaAboveTotal {
        /// The quota asked for.
        quota: u64,
        /// The sum of all weights.
        total: u64,
    },
    /// A veto player index that names no player (indices are 0-based here).
    #[error("veto player index {index} does not exist: the game has {players} players (indices 0 to {})", players - 1)]
    VetoOutOfRange {
        /// The offending 0-based index.
        index: usize,
        /// The number of players.
        players: usize,
    },
    /// More players than exact `u128` swing counts allow.
    #[error("{players} players: at most {max} are supported (swing counts are exact u128)", max = MAX_PLAYERS)]
    TooManyPlayers {
        /// The number of players given.
        players: usize,
    },
    /// The weights do not fit in a `u64` when summed.
    #[error("the total weight overflows a 64-bit integer")]
    WeightOverflow,
    /// The counting table would be too large and the game too big to enumerate.
    #[error(
        "weights too large for the exact computation: {players} players with quota {quota} (after dividing by the weights' common divisor) need a table of more than {max} cells; use smaller weights",
        max = MAX_TABLE_CELLS
    )]
    TooLarge {
        /// The number of players.
        players: usize,
        /// The quota after common-divisor reduction.
        quota: u64,
    },
    /// [`brute_force_indices`] was asked to enumerate too many players.
    #[error("brute-force enumeration supports at most {max} players, got {players}", max = MAX_BRUTE_FORCE_PLAYERS)]
    TooManyToEnumerate {
        /// The number of players.
        players: usize,
    },
}

/// A weighted voting game: a coalition wins iff its total weight reaches
/// the quota *and* it contains every veto player.
///
/// Invariants (checked by [`WeightedGame::new`]): at least one and at most
/// [`MAX_PLAYERS`] players, `1 <= quota <= total weight`, veto indices in
/// range, sorted and without duplicates. Hence the grand coalition wins and
/// the empty one loses, so the indices are always well defined.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WeightedGame {
    weights: Vec<u64>,
    quota: u64,
    vetoes: Vec<usize>,
    total: u64,
    /// Weights and quota divided by the weights' gcd: the same game with a
    /// smaller counting table.
    reduced_weights: Vec<u64>,
    reduced_quota: u64,
}

/// The power indices of every player, in input order.
#[derive(Debug, Clone, PartialEq)]
pub struct PowerIndices {
    /// Shapley–Shubik index, rounded from [`Self::shapley_shubik_exact`].
    pub shapley_shubik: Vec<f64>,
    /// Normalised Banzhaf index (swings over total swings), rounded from
    /// [`Self::banzhaf_exact`].
    pub banzhaf: Vec<f64>,
    /// Absolute Banzhaf measure: the number of coalitions (not containing
    /// the player) that lose without it and win with it.
    pub swings: Vec<u128>,
    /// Exact Shapley–Shubik index (reduced fraction).
    pub shapley_shubik_exact: Vec<Exact>,
    /// Exact normalised Banzhaf index (reduced fraction).
    pub banzhaf_exact: Vec<Exact>,
}

impl WeightedGame {
    /// Builds a game from non-negative integer weights, an integer quota and
    /// the 0-based indices of the veto players (duplicates are ignored).
    pub fn new(weights: Vec<u64>, quota: u64, vetoes: &[usize]) -> Result<Self, PowerError> {
        let n = weights.len();
        if n == 0 {
            return Err(PowerError::NoPlayers);
        }
        if n > MAX_PLAYERS {
            return Err(PowerError::TooManyPlayers { players: n });
        }
        if quota == 0 {
            return Err(PowerError::ZeroQuota);
        }
        let total = weights
            .iter()
            .try_fold(0u64, |acc, &w| acc.checked_add(w))
            .ok_or(PowerError::WeightOverflow)?;
        if total == 0 {
            return Err(PowerError::NoWeight);
        }
        if quota > total {
            return Err(PowerError::QuotaAboveTotal { quota, total });
        }
        let mut vetoes = vetoes.to_vec();
        vetoes.sort_unstable();
        vetoes.dedup();
        if let Some(&index) = vetoes.iter().find(|&&i| i >= n) {
            return Err(PowerError::VetoOutOfRange { index, players: n });
        }
        // total >= quota >= 1, so some weight is positive and g >= 1.
        let g = weights.iter().fold(0u64, |g, &w| gcd(g, w));
        let reduced_weights: Vec<u64> = weights.iter().map(|w| w / g).collect();
        let reduced_quota = quota.div_ceil(g);
        let game = Self {
            weights,
            quota,
            vetoes,
            total,
            reduced_weights,
            reduced_quota,
        };
        if !game.dp_fits() && n > MAX_BRUTE_FORCE_PLAYERS {
            return Err(PowerError::TooLarge {
                players: n,
                quota: game.reduced_quota,
            });
        }
        Ok(game)
    }

    /// The weights, in input order.
    pub fn weights(&self) -> &[u64] {
        &self.weights
    }

    /// The quota.
    pub fn quota(&self) -> u64 {
        self.quota
    }

    /// The 0-based veto player indices, sorted, without duplicates.
    pub fn vetoes(&self) -> &[usize] {
        &self.vetoes
    }

    /// The sum of all weights.
    pub fn total_weight(&self) -> u64 {
        self.total
    }

    /// The number of players.
    pub fn players(&self) -> usize {
        self.weights.len()
    }

    /// Whether a coalition (0-based player indices) wins.
    pub fn is_winning(&self, coalition: &[usize]) -> bool {
        let weight: u64 = coalition.iter().map(|&i| self.weights[i]).sum();
        weight >= self.quota && self.vetoes.iter().all(|v| coalition.contains(v))
    }

    /// The counting table only spans the weights below the quota left once
    /// the veto players are in, so that is what bounds its size.
    fn dp_fits(&self) -> bool {
        let veto_weight: u64 = self.vetoes.iter().map(|&v| self.reduced_weights[v]).sum();
        let columns = self.reduced_quota.saturating_sub(veto_weight);
        let rows = (self.players() - self.vetoes.len() + 1) as u64;
        rows.checked_mul(columns)
            .is_some_and(|cells| cells <= MAX_TABLE_CELLS as u64)
    }

    /// Computes all indices exactly.
    ///
    /// Cost: `O(n² · q)` operations on `u128` for `n` players and quota `q`
    /// (after dividing the weights by their gcd), plus `O(n²)` big-integer
    /// products for the Shapley–Shubik weights. Games whose table would be
    /// too large were either rejected by [`WeightedGame::new`] or have at
    /// most [`MAX_BRUTE_FORCE_PLAYERS`] players and are enumerated instead.
    pub fn indices(&self) -> PowerIndices {
        let by_size = if self.dp_fits() {
            dp::swings_by_size(&self.reduced_weights, self.reduced_quota, &self.vetoes)
        } else {
            brute_force_swings_by_size(self)
        };
        indices_from_swings_by_size(&by_size)
    }

    /// The minimal winning coalitions (each a sorted list of 0-based player
    /// indices; the list sorted lexicographically), or `None` if there are
    /// more than `limit` of them.
    ///
    /// The search is output-sensitive (every branch it explores ends in at
    /// least one minimal winning coalition), so it is fast for any number of
    /// players as long as `limit` is modest: the count, not `n`, bounds it.
    pub fn minimal_winning(&self, limit: usize) -> Option<Vec<Vec<usize>>> {
        minimal::minimal_winning(&self.weights, self.quota, &self.vetoes, limit)
    }
}

/// Turns per-player swing counts by coalition size (`by_size[i][s]` = number
/// of swing coalitions of `s` other players for player `i`) into indices.
fn indices_from_swings_by_size(by_size: &[Vec<u128>]) -> PowerIndices {
    let n = by_size.len();
    let mut factorial = vec![BigUint::one(); n + 1];
    for k in 1..=n {
        factorial[k] = &factorial[k - 1] * BigUint::from(k);
    }
    let swings: Vec<u128> = by_size.iter().map(|s| s.iter().sum()).collect();
    let total_swings: BigUint = swings.iter().map(|&s| BigUint::from(s)).sum();

    let shapley_shubik_exact: Vec<Exact> = by_size
        .iter()
        .map(|sizes| {
            // A swing coalition of size s is followed by the pivot in
            // s!(n-1-s)! of the n! voting orders.
            let pivotal_orders: BigUint = sizes
                .iter()
                .enumerate()
                .filter(|&(_, &count)| count != 0)
                .map(|(s, &count)| BigUint::from(count) * &factorial[s] * &factorial[n - 1 - s])
                .sum();
            Ratio::new(pivotal_orders, factorial[n].clone())
        })
        .collect();
    let banzhaf_exact: Vec<Exact> = swings
        .iter()
        .map(|&s| Ratio::new(BigUint::from(s), total_swings.clone()))
        .collect();
    PowerIndices {
        shapley_shubik: shapley_shubik_exact.iter().map(exact_to_f64).collect(),
        banzhaf: banzhaf_exact.iter().map(exact_to_f64).collect(),
        swings,
        shapley_shubik_exact,
        banzhaf_exact,
    }
}

/// Rounds an exact rational to the nearest `f64`.
///
/// `num-rational`'s own conversion is tied to `num-bigint` 0.4, so this is
/// done by hand: take a 63–64 bit integer quotient, fold the remainder into
/// a sticky low bit (so the final rounding to 53 bits is still correct),
/// then scale by a power of two, which is exact.
pub fn exact_to_f64(x: &Exact) -> f64 {
    let (num, den) = (x.numer(), x.denom());
    if num.is_zero() {
        return 0.0;
    }
    let shift = 63 + den.bits() as i64 - num.bits() as i64;
    let (scaled_num, scaled_den) = if shift >= 0 {
        (num << shift as u64, den.clone())
    } else {
        (num.clone(), den << shift.unsigned_abs())
    };
    let quotient = &scaled_num / &scaled_den;
    let remainder = &scaled_num % &scaled_den;
    let mut mantissa = quotient
        .to_u64()
        .expect("quotient has at most 64 bits by construction");
    if !remainder.is_zero() {
        mantissa |= 1;
    }
    scale_by_power_of_two(mantissa as f64, -shift)
}

fn gcd(mut a: u64, mut b: u64) -> u64 {
    while b != 0 {
        (a, b) = (b, a % b);
    }
    a
}

/// `x · 2^exp`, in steps that keep every factor a normal power of two.
fn scale_by_power_of_two(mut x: f64, mut exp: i64) -> f64 {
    let power = |e: i64| f64::from_bits(((1023 + e) as u64) << 52);
    while exp > 1000 {
        x *= power(1000);
        exp -= 1000;
    }
    while exp < -1000 {
        x *= power(-1000);
        exp += 1000;
    }
    x * power(exp)
}

/// Reference implementation: counts every player's swings by visiting all
/// `2^n` coalitions, straight from the definition, sharing nothing with the
/// dynamic programme but the final step from counts to indices (which the
/// unit tests check against an enumeration of voting orders). Used by the
/// tests to check [`WeightedGame::indices`]; fails beyond
/// [`MAX_BRUTE_FORCE_PLAYERS`] players.
pub fn brute_force_indices(game: &WeightedGame) -> Result<PowerIndices, PowerError> {
    if game.players() > MAX_BRUTE_FORCE_PLAYERS {
        return Err(PowerError::TooManyToEnumerate {
            players: game.players(),
        });
    }
    Ok(indices_from_swings_by_size(&brute_force_swings_by_size(
        game,
    )))
}

/// Reference implementation: the minimal winning coalitions found by
/// testing every coalition against the definition (winning, and losing
/// once any single member leaves). Same output order as
/// [`WeightedGame::minimal_winning`], and no limit.
pub fn brute_force_minimal_winning(game: &WeightedGame) -> Result<Vec<Vec<usize>>, PowerError> {
    let n = game.players();
    if n > MAX_BRUTE_FORCE_PLAYERS {
        return Err(PowerError::TooManyToEnumerate { players: n });
    }
    let wins = winning_table(game);
    let mut found: Vec<Vec<usize>> = (0..1usize << n)
        .filter(|&mask| {
            wins[mask] && (0..n).all(|i| mask & (1 << i) == 0 || !wins[mask & !(1 << i)])
        })
        .map(|mask| (0..n).filter(|i| mask & (1 << i) != 0).collect())
        .collect();
    found.sort();
    Ok(found)
}

/// `wins[mask]` for every coalition given as a bit mask.
fn winning_table(game: &WeightedGame) -> Vec<bool> {
    let n = game.players();
    let veto_mask: usize = game.vetoes.iter().map(|&v| 1usize << v).sum();
    (0..1usize << n)
        .map(|mask| {
            let weight: u64 = (0..n)
                .filter(|i| mask & (1 << i) != 0)
                .map(|i| game.weights[i])
                .sum();
            weight >= game.quota && mask & veto_mask == veto_mask
        })
        .collect()
}

/// Swing counts by coalition size, by enumeration (`n` at most
/// [`MAX_BRUTE_FORCE_PLAYERS`]).
fn brute_force_swings_by_size(game: &WeightedGame) -> Vec<Vec<u128>> {
    let n = game.players();
    let wins = winning_table(game);
    let mut by_size = vec![vec![0u128; n]; n];
    for (mask, &win) in wins.iter().enumerate() {
        if win {
            continue;
        }
        let size = mask.count_ones() as usize;
        for (i, counts) in by_size.iter_mut().enumerate() {
            if mask & (1 << i) == 0 && wins[mask | (1 << i)] {
                counts[size] += 1;
            }
        }
    }
    by_size
}

/// What the indices say about who holds power: a dictator, veto players,
/// dummies (players 0-based).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Roles {
    /// The player whose Shapley–Shubik index is exactly 1: it wins alone
    /// and every winning coalition contains it (it decides alone).
    pub dictator: Option<usize>,
    /// Players every winning coalition must contain (declared vetoes, and
    /// players without whom even everyone else together falls short of the
    /// quota). Under unanimity every player is one.
    pub vetoes: Vec<usize>,
    /// Players who are never a swing (Banzhaf swings 0): their vote never
    /// changes an outcome.
    pub dummies: Vec<usize>,
}

impl Roles {
    /// Whether some but not all players hold a veto, or one decides alone:
    /// power concentrated in a few hands (the warning `sweep` and `explore`
    /// print). Unanimity, where everyone holds a veto, is not capture.
    pub fn captured(&self, players: usize) -> bool {
        self.dictator.is_some() || (!self.vetoes.is_empty() && self.vetoes.len() < players)
    }
}

impl WeightedGame {
    /// The dictator, veto players and dummies of the game, read from its
    /// exact indices (a dictator has Shapley–Shubik index exactly 1; a
    /// dummy has no swing) and from its definition (a veto player is
    /// declared, or the others together fall short of the quota; every
    /// veto player's absolute Banzhaf count equals the number of winning
    /// coalitions, which the tests check).
    pub fn roles(&self, indices: &PowerIndices) -> Roles {
        let n = self.players();
        let dictator = (0..n).find(|&i| indices.shapley_shubik_exact[i].is_one());
        let vetoes = (0..n)
            .filter(|&i| self.vetoes.contains(&i) || self.total - self.weights[i] < self.quota)
            .collect();
        let dummies = (0..n).filter(|&i| indices.swings[i] == 0).collect();
        Roles {
            dictator,
            vetoes,
            dummies,
        }
    }
}

/// Distance of a distribution of influence from "one member, one voice":
/// ½ Σ_i |s_i − 1/n| for shares `s` that sum to one (total variation
/// distance from equal shares). 0 when every member has the same say;
/// 1 − 1/n when one member has all of it. Used for the equity of
/// influence (a priori on the Shapley–Shubik indices in `coalsim power`,
/// a posteriori on the shares of decisive votes in a run).
pub fn distance_from_equal(shares: &[f64]) -> f64 {
    let n = shares.len();
    if n == 0 {
        return 0.0;
    }
    let equal = 1.0 / n as f64;
    0.5 * shares.iter().map(|s| (s - equal).abs()).sum::<f64>()
}

/// The voting game a scenario's decision rule sets up, its players named.
#[derive(Debug, Clone)]
pub struct ScenarioGame {
    pub game: WeightedGame,
    /// Each player's organisation name.
    pub names: Vec<String>,
    /// Each player's power (resources × credibility) in the run drawn.
    pub power: Vec<f64>,
    /// How the weights and the quota were set, in words.
    pub how: String,
    /// Whether only the founding (initial) members are players.
    pub founding_only: bool,
}

/// The voting game of a scenario's rule in the world of run 0 of its seed
/// (for generated populations, the organisations drawn in that run):
/// among every organisation (`founding_only` false: the coalition as it
/// could become) or among the initial members only. Power-weighted for
/// `weighted` (weights = power × 100, rounded; quota just above
/// `weighted_quota` of the total), one vote each for the others (quota:
/// all for consensus and consent, more than half for majority,
/// `supermajority` of the players for supermajority and for modified
/// consensus, whose fallback vote decides what consensus blocks), and only the steering committee's votes for
/// `committee` (the committee chosen among the players as the engine
/// chooses it).
pub fn scenario_game(
    s: &crate::scenario::Scenario,
    founding_only: bool,
) -> Result<ScenarioGame, PowerError> {
    use crate::model::Status;
    use crate::scenario::DecisionRule;
    let mut rng = crate::engine::run_rng(s.seed, 0);
    let mut w = crate::model::build_world(s, &mut rng);
    if !founding_only {
        for st in w.status.iter_mut() {
            *st = Status::Member;
        }
    }
    let players: Vec<usize> = (0..w.n).filter(|&i| w.is_member(i)).collect();
    let rule = s.governance.decision_rule;
    if rule == DecisionRule::Committee {
        w.coalition.governance = crate::model::GovernanceState::Established;
        crate::engine::select_committee(&mut w, s);
    }
    let n = players.len() as u64;
    let (weights, quota, how): (Vec<u64>, u64, String) = match rule {
        DecisionRule::Weighted => {
            let weights: Vec<u64> = players
                .iter()
                .map(|&i| (w.power[i] * 100.0).round() as u64)
                .collect();
            let total: u64 = weights.iter().sum();
            if total == 0 {
                return Err(PowerError::NoWeight);
            }
            let quota =
                ((s.governance.weighted_quota * total as f64).floor() as u64 + 1).min(total);
            (
                weights,
                quota,
                format!(
                    "weights = power × 100; quota {quota} of {total} (more than {})",
                    s.governance.weighted_quota
                ),
            )
        }
        DecisionRule::Committee => {
            let weights: Vec<u64> = players.iter().map(|&i| w.committee[i] as u64).collect();
            let k: u64 = weights.iter().sum();
            (
                weights,
                k / 2 + 1,
                format!(
                    "one vote per steering-committee member ({k}); quota {}",
                    k / 2 + 1
                ),
            )
        }
        DecisionRule::Consensus => (
            vec![1; n as usize],
            n,
            format!("one vote each; quota {n} (all)"),
        ),
        DecisionRule::Consent => (
            vec![1; n as usize],
            n,
            format!("one vote each; quota {n} (all: an objection that stands blocks)"),
        ),
        DecisionRule::Majority => (
            vec![1; n as usize],
            n / 2 + 1,
            format!("one vote each; quota {}", n / 2 + 1),
        ),
        DecisionRule::Supermajority | DecisionRule::ModifiedConsensus => {
            let q = ((s.governance.supermajority * n as f64) - 1e-9)
                .ceil()
                .max(1.0) as u64;
            let fallback = if rule == DecisionRule::ModifiedConsensus {
                format!(
                    "; the fallback vote after {} blocks on an issue (until then all)",
                    s.governance.fallback_after
                )
            } else {
                String::new()
            };
            (
                vec![1; n as usize],
                q,
                format!(
                    "one vote each; quota {q} ({} of {n}){fallback}",
                    s.governance.supermajority
                ),
            )
        }
    };
    let game = WeightedGame::new(weights, quota, &[])?;
    Ok(ScenarioGame {
        game,
        names: players.iter().map(|&i| w.names[i].clone()).collect(),
        power: players.iter().map(|&i| w.power[i]).collect(),
        how,
        founding_only,
    })
}

/// Power concentrated in a few hands under a scenario's rule, among every
/// organisation: who decides alone or holds a veto, with their
/// Shapley–Shubik index. `None` when the rule spreads power (no dictator,
/// and either no veto or a veto for everyone) or the game cannot be built.
#[derive(Debug, Clone, PartialEq)]
pub struct Capture {
    /// The organisation that decides alone, and its index (1).
    pub dictator: Option<(String, f64)>,
    /// Organisations holding a veto (when not everyone does), with indices.
    pub vetoes: Vec<(String, f64)>,
    /// Number of players.
    pub players: usize,
}

impl Capture {
    /// One sentence: "Eastside Foundation decides alone (Shapley–Shubik
    /// index 1.00)" or "X and Y each hold a veto (indices 0.45, 0.30)".
    pub fn words(&self) -> String {
        if let Some((name, ss)) = &self.dictator {
            return format!("{name} decides alone (Shapley–Shubik index {ss:.2})");
        }
        let names: Vec<&str> = self.vetoes.iter().map(|(n, _)| n.as_str()).collect();
        let idx: Vec<String> = self.vetoes.iter().map(|(_, s)| format!("{s:.2}")).collect();
        if names.len() == 1 {
            format!(
                "{} holds a veto (Shapley–Shubik index {})",
                names[0], idx[0]
            )
        } else {
            format!(
                "{} each hold a veto (Shapley–Shubik indices {})",
                join_and(&names),
                idx.join(", ")
            )
        }
    }
}

fn join_and(items: &[&str]) -> String {
    match items {
        [] => String::new(),
        [one] => one.to_string(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

/// The [`Capture`] of a scenario's rule among every organisation.
pub fn capture(s: &crate::scenario::Scenario) -> Option<Capture> {
    let g = scenario_game(s, false).ok()?;
    let indices = g.game.indices();
    let roles = g.game.roles(&indices);
    if !roles.captured(g.game.players()) {
        return None;
    }
    let named = |i: usize| (g.names[i].clone(), indices.shapley_shubik[i]);
    Some(Capture {
        dictator: roles.dictator.map(named),
        vetoes: roles.vetoes.iter().map(|&i| named(i)).collect(),
        players: g.game.players(),
    })
}

/// Capture warnings for named candidates (variants or policies): one line
/// per distinct warning, naming the candidates it applies to (at most six
/// by name). Empty when no candidate concentrates power.
pub fn capture_lines(candidates: &[(String, &crate::scenario::Scenario)]) -> Vec<String> {
    let mut groups: Vec<(String, usize, Vec<String>)> = Vec::new();
    for (name, s) in candidates {
        if let Some(c) = capture(s) {
            let words = c.words();
            match groups
                .iter_mut()
                .find(|(w, n, _)| *w == words && *n == c.players)
            {
                Some((_, _, names)) => names.push(name.clone()),
                None => groups.push((words, c.players, vec![name.clone()])),
            }
        }
    }
    groups
        .into_iter()
        .map(|(words, players, names)| {
            let which = if names.len() <= 6 {
                let quoted: Vec<String> = names.iter().map(|n| format!("`{n}`")).collect();
                let refs: Vec<&str> = quoted.iter().map(String::as_str).collect();
                join_and(&refs)
            } else {
                format!("{} of the candidates (`{}`, ...)", names.len(), names[0])
            };
            format!(
                "Capture warning: under {which}, {words} among all {players} organisations (`coalsim power` shows every index)."
            )
        })
        .collect()
}

#[cfg(test)]
mod tests;
