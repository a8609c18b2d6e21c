//! Swing counting by dynamic programming over (coalition size, weight).
//!
//! Both indices only need, for each player `i` and each size `s`, the
//! number of coalitions of `s` other players for which `i` is a swing. That
//! number depends on the other players only through how many subsets of
//! them have each (size, weight) — the coefficients of the generating
//! function `∏ (1 + y·x^{w_j})` — so we tabulate those instead of visiting
//! `2^n` coalitions.
//!
//! Two observations keep the table small:
//!
//! * Veto players are in every winning coalition, so a swing coalition of a
//!   non-veto player always contains all of them: they are forced in and
//!   only the *free* (non-veto) players are counted, against the quota left
//!   once the veto weight is in (`rest_quota`).
//! * Only weights below `rest_quota` ever need to be told apart ("at least
//!   the quota" is the complement of "below it", and the number of subsets
//!   of each size is a binomial), so the table has `rest_quota` columns
//!   whatever the total weight.
//!
//! The table for "all free players but `i`" is recovered from the full one
//! by dividing out `(1 + y·x^{w_i})`, an exact subtraction recurrence, so
//! the full table is built once rather than once per player.

use std::collections::BTreeMap;

/// `result[i][s]`: number of coalitions `S` of `s` players, not containing
/// `i`, such that `S` loses and `S ∪ {i}` wins. Preconditions (guaranteed by
/// `WeightedGame::new`): `1 <= quota <= sum(weights)`, at most 127 players,
/// vetoes sorted, distinct and in range, and a table that fits in memory.
pub(super) fn swings_by_size(weights: &[u64], quota: u64, vetoes: &[usize]) -> Vec<Vec<u128>> {
    let n = weights.len();
    let free: Vec<usize> = (0..n)
        .filter(|i| vetoes.binary_search(i).is_err())
        .collect();
    let m = free.len();
    let v = vetoes.len();
    let veto_weight: u64 = vetoes.iter().map(|&i| weights[i]).sum();
    let cols = usize::try_from(quota.saturating_sub(veto_weight))
        .expect("table size was checked by WeightedGame::new");

    // table[k * cols + w]: subsets of the free players with k members and
    // weight w, for w < cols; heavier subsets are dropped as they arise.
    let mut table = vec![0u128; (m + 1) * cols];
    if cols > 0 {
        table[0] = 1;
    }
    for (added, &j) in free.iter().enumerate() {
        let Some(wj) = column(weights[j], cols) else {
            continue;
        };
        // Descending k so that row k still holds the counts without j.
        for k in (0..=added).rev() {
            let (lower, upper) = table.split_at_mut((k + 1) * cols);
            let src = &lower[k * cols..];
            let dst = &mut upper[..cols];
            for w in wj..cols {
                dst[w] += src[w - wj];
            }
        }
    }

    let binomial = binomials(m);
    let mut result = vec![vec![0u128; n]; n];

    // A veto player i is a swing for S = (V \ {i}) ∪ T exactly when the
    // veto weight plus w(T) reaches the quota: S itself always loses since
    // it lacks i. Count those T as all T of size k minus the light ones.
    for &i in vetoes {
        for k in 0..=m {
            let light: u128 = table[k * cols..(k + 1) * cols].iter().sum();
            result[i][v - 1 + k] = binomial[k] - light;
        }
    }

    // A free player i is a swing for S = V ∪ T (T free, without i) exactly
    // when w(T) lies in [rest_quota - w_i, rest_quota). Players of equal
    // weight get equal counts, so compute once per distinct weight.
    let mut by_weight: BTreeMap<u64, Vec<u128>> = BTreeMap::new();
    let mut rest = vec![0u128; m * cols];
    for &i in &free {
        let counts = by_weight.entry(weights[i]).or_insert_with(|| {
            let wi = column(weights[i], cols);
            remove_player(&table, &mut rest, cols, wi);
            let low = cols - wi.unwrap_or(cols);
            (0..m)
                .map(|k| rest[k * cols + low..(k + 1) * cols].iter().sum())
                .collect()
        });
        for (k, &count) in counts.iter().enumerate() {
            result[i][v + k] = count;
        }
    }
    result
}

/// The weight as a column offset, or `None` if it is at least `cols` (such a
/// player alone lifts any coalition past the table).
fn column(weight: u64, cols: usize) -> Option<usize> {
    usize::try_from(weight).ok().filter(|&w| w < cols)
}

/// Fills `rest` (rows `0..m`) with the table of the free players without
/// one player of weight column `wi`, by inverting the update that added it:
/// `table[k][w] = rest[k][w] + rest[k-1][w-wi]`.
fn remove_player(table: &[u128], rest: &mut [u128], cols: usize, wi: Option<usize>) {
    let m = rest.len().checked_div(cols).unwrap_or(0);
    rest.copy_from_slice(&table[..m * cols]);
    let Some(wi) = wi else {
        // Too heavy to have contributed any cell.
        return;
    };
    for k in 1..m {
        let (lower, upper) = rest.split_at_mut(k * cols);
        let prev = &lower[(k - 1) * cols..];
        let row = &mut upper[..cols];
        for w in wi..cols {
            row[w] -= prev[w - wi];
        }
    }
}

/// `C(m, k)` for `k = 0..=m`; fits in `u128` for `m <= 127`.
fn binomials(m: usize) -> Vec<u128> {
    let mut row = vec![1u128];
    for _ in 0..m {
        let mut next = vec![1u128; row.len() + 1];
        for k in 1..row.len() {
            next[k] = row[k - 1] + row[k];
        }
        row = next;
    }
    row
}
