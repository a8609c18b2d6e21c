//! Experimental designs on the unit hypercube `[0, 1)^k`: where in the
//! uncertainty space to run the model.
//!
//! - [`latin_hypercube`]: each of the `n` equal strata of every coordinate
//!   holds exactly one point (McKay, Beckman & Conover 1979).
//! - [`SobolSequence`] and [`scrambled_sobol`]: the Sobol low-discrepancy
//!   sequence with the direction numbers of Joe & Kuo (2008), in Gray-code
//!   order (Antonov & Saleev 1979), randomised by Owen's nested uniform
//!   scrambling so that estimates get honest random error while keeping the
//!   sequence's stratification.
//! - [`Saltelli`]: the two independent matrices A and B (one scrambled Sobol
//!   sequence of dimension 2k, A its first k columns and B the last k) and,
//!   for each input i, A with column i taken from B (Saltelli 2002, 2010).
//! - [`Morris`]: one-at-a-time trajectories on a p-level grid (Morris 1991).
//!
//! Everything is a pure function of its arguments and the seed given; the
//! mapping from `[0, 1)` to an input's values lives in the caller.

use rand::RngExt;
use rand_chacha::ChaCha8Rng;

/// Joe & Kuo's direction numbers for dimensions 2..=64 (see the file header).
const JOE_KUO: &str = include_str!("joe_kuo_64.txt");

/// Latin hypercube sample of `n` points in `k` dimensions: for every
/// coordinate, point `i` lies in stratum `perm[i]` of `[0, 1)` cut into `n`
/// equal strata, uniformly inside it, with an independent random permutation
/// per coordinate. Returns the points as rows.
pub fn latin_hypercube(n: usize, k: usize, rng: &mut ChaCha8Rng) -> Vec<Vec<f64>> {
    let mut rows = vec![vec![0.0; k]; n];
    let mut perm: Vec<usize> = (0..n).collect();
    for j in 0..k {
        for (i, p) in perm.iter_mut().enumerate() {
            *p = i;
        }
        // Fisher–Yates, from the end.
        for i in (1..n).rev() {
            let r = rng.random_range(0..=i);
            perm.swap(i, r);
        }
        for (i, row) in rows.iter_mut().enumerate() {
            let u: f64 = rng.random();
            row[j] = (perm[i] as f64 + u) / n as f64;
        }
    }
    rows
}

/// Why a design cannot be made.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum DesignError {
    #[error("a Sobol sequence here has at most {max} dimensions (asked for {asked})")]
    TooManyDimensions { asked: usize, max: usize },
    #[error("at most 2^32 points of a Sobol sequence (asked for {0})")]
    TooManyPoints(usize),
}

/// The (unscrambled) Sobol sequence in `dims` dimensions, 32-bit.
#[derive(Debug, Clone)]
pub struct SobolSequence {
    /// `v[d][b]`: direction number b (bit b + 1 from the top) of dimension d.
    v: Vec<[u32; 32]>,
}

impl SobolSequence {
    /// Dimensions available (Joe & Kuo's first 64).
    pub const MAX_DIMS: usize = 64;

    /// The sequence in `dims` dimensions (1..=[`Self::MAX_DIMS`]).
    pub fn new(dims: usize) -> Result<SobolSequence, DesignError> {
        if dims > Self::MAX_DIMS {
            return Err(DesignError::TooManyDimensions {
                asked: dims,
                max: Self::MAX_DIMS,
            });
        }
        let mut v = Vec::with_capacity(dims);
        if dims >= 1 {
            let mut first = [0u32; 32];
            for (b, x) in first.iter_mut().enumerate() {
                *x = 1u32 << (31 - b);
            }
            v.push(first);
        }
        let lines = JOE_KUO
            .lines()
            .filter(|l| !l.starts_with('#') && !l.trim().is_empty());
        for line in lines.take(dims.saturating_sub(1)) {
            let nums: Vec<u32> = line
                .split_whitespace()
                .map(|t| t.parse().expect("joe_kuo_64.txt holds integers"))
                .collect();
            let (s, a) = (nums[1] as usize, nums[2]);
            let m = &nums[3..3 + s];
            let mut dir = [0u32; 32];
            for i in 0..32 {
                dir[i] = if i < s {
                    m[i] << (31 - i)
                } else {
                    let mut x = dir[i - s] ^ (dir[i - s] >> s);
                    for k in 1..s {
                        if (a >> (s - 1 - k)) & 1 == 1 {
                            x ^= dir[i - k];
                        }
                    }
                    x
                };
            }
            v.push(dir);
        }
        Ok(SobolSequence { v })
    }

    /// Dimensions of the sequence.
    pub fn dims(&self) -> usize {
        self.v.len()
    }

    /// Point `index` as 32-bit integers (the coordinate is `x / 2^32`), in
    /// Gray-code order: point i is the XOR of the direction numbers of the
    /// bits set in `i ^ (i >> 1)`.
    pub fn point_bits(&self, index: u32) -> Vec<u32> {
        let gray = index ^ (index >> 1);
        self.v
            .iter()
            .map(|dir| {
                let mut x = 0u32;
                for (b, d) in dir.iter().enumerate() {
                    if (gray >> b) & 1 == 1 {
                        x ^= d;
                    }
                }
                x
            })
            .collect()
    }

    /// Point `index` in `[0, 1)^dims`.
    pub fn point(&self, index: u32) -> Vec<f64> {
        self.point_bits(index)
            .into_iter()
            .map(|x| x as f64 / 4_294_967_296.0)
            .collect()
    }
}

fn splitmix64(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// Owen's nested uniform scrambling of a 32-bit coordinate: bit j (from
/// the top) is flipped by a random bit that depends on `seed`, on j and on
/// the j bits above it, so points that share their leading digits are
/// permuted alike and the net structure of the sequence survives. The random
/// bits come from a hash of (seed, j, prefix) (the approach of Burley 2020,
/// with the full prefix as the key instead of a hash of the whole value).
pub fn owen_scramble(x: u32, seed: u64) -> u32 {
    let mut out = 0u32;
    for j in 0..32u32 {
        let prefix = if j == 0 { 0 } else { (x >> (32 - j)) as u64 };
        let key = ((j as u64) << 32) | prefix;
        let flip = (splitmix64(seed ^ splitmix64(key)) & 1) as u32;
        let bit = (x >> (31 - j)) & 1;
        out |= (bit ^ flip) << (31 - j);
    }
    out
}

/// The first `n` points of a scrambled Sobol sequence in `k` dimensions,
/// coordinate d scrambled with its own seed drawn from `seed`. Use `n` a
/// power of two for the sequence's balance (each of the n strata of each
/// coordinate then holds exactly one point).
pub fn scrambled_sobol(n: usize, k: usize, seed: u64) -> Result<Vec<Vec<f64>>, DesignError> {
    if n as u64 > u32::MAX as u64 + 1 {
        return Err(DesignError::TooManyPoints(n));
    }
    let seq = SobolSequence::new(k)?;
    let seeds: Vec<u64> = (0..k)
        .map(|d| splitmix64(seed ^ splitmix64(0x5EED_0000 + d as u64)))
        .collect();
    Ok((0..n)
        .map(|i| {
            seq.point_bits(i as u32)
                .into_iter()
                .zip(&seeds)
                .map(|(x, &s)| owen_scramble(x, s) as f64 / 4_294_967_296.0)
                .collect()
        })
        .collect())
}

/// Which matrix of Saltelli's scheme a point belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SaltelliPart {
    A,
    B,
    /// A with column i taken from B.
    AB(usize),
}

/// Saltelli's scheme: `n` rows of A and B, and the k matrices AB_i.
#[derive(Debug, Clone)]
pub struct Saltelli {
    pub a: Vec<Vec<f64>>,
    pub b: Vec<Vec<f64>>,
}

impl Saltelli {
    /// A and B from one scrambled Sobol sequence of dimension 2k.
    pub fn new(n: usize, k: usize, seed: u64) -> Result<Saltelli, DesignError> {
        let both = scrambled_sobol(n, 2 * k, seed)?;
        let a = both.iter().map(|r| r[..k].to_vec()).collect();
        let b = both.iter().map(|r| r[k..].to_vec()).collect();
        Ok(Saltelli { a, b })
    }

    /// Inputs.
    pub fn k(&self) -> usize {
        self.a.first().map_or(0, Vec::len)
    }

    /// Base rows.
    pub fn n(&self) -> usize {
        self.a.len()
    }

    /// Every point to evaluate, in the order (row 0: A, B, AB_1..AB_k),
    /// (row 1: ...), ...: n (k + 2) points, each with its part and row.
    pub fn points(&self) -> Vec<(SaltelliPart, usize, Vec<f64>)> {
        let k = self.k();
        let mut out = Vec::with_capacity(self.n() * (k + 2));
        for (j, (a, b)) in self.a.iter().zip(&self.b).enumerate() {
            out.push((SaltelliPart::A, j, a.clone()));
            out.push((SaltelliPart::B, j, b.clone()));
            for i in 0..k {
                let mut ab = a.clone();
                ab[i] = b[i];
                out.push((SaltelliPart::AB(i), j, ab));
            }
        }
        out
    }
}

/// Morris' elementary-effects design: `r` trajectories of k + 1 points on a
/// `levels`-level grid, each moving one input at a time by ±Δ with
/// Δ = levels / (2 (levels − 1)).
#[derive(Debug, Clone)]
pub struct Morris {
    pub levels: u32,
    pub delta: f64,
    /// `points[t][s]`: step s (0..=k) of trajectory t.
    pub points: Vec<Vec<Vec<f64>>>,
    /// `moved[t][s]`: the input moved between step s and s + 1, and the
    /// sign of the move (+1 or −1).
    pub moved: Vec<Vec<(usize, f64)>>,
}

impl Morris {
    /// `r` random trajectories in `k` dimensions (`levels` even, >= 2).
    pub fn new(r: usize, k: usize, levels: u32, rng: &mut ChaCha8Rng) -> Morris {
        let p = levels.max(2);
        let delta = p as f64 / (2.0 * (p - 1) as f64);
        let step = 1.0 / (p - 1) as f64;
        // Grid levels from which a move of +Δ stays inside [0, 1].
        let low_levels = (0..p)
            .map(|l| l as f64 * step)
            .filter(|x| x + delta <= 1.0 + 1e-12)
            .count() as u32;
        let mut points = Vec::with_capacity(r);
        let mut moved = Vec::with_capacity(r);
        for _ in 0..r {
            let mut x = vec![0.0; k];
            let mut sign = vec![1.0; k];
            for i in 0..k {
                let base = rng.random_range(0..low_levels) as f64 * step;
                if rng.random::<bool>() {
                    x[i] = base;
                    sign[i] = 1.0;
                } else {
                    x[i] = base + delta;
                    sign[i] = -1.0;
                }
            }
            let mut order: Vec<usize> = (0..k).collect();
            for i in (1..k).rev() {
                let j = rng.random_range(0..=i);
                order.swap(i, j);
            }
            let mut traj = Vec::with_capacity(k + 1);
            let mut mv = Vec::with_capacity(k);
            traj.push(x.clone());
            for &i in &order {
                x[i] = (x[i] + sign[i] * delta).clamp(0.0, 1.0);
                traj.push(x.clone());
                mv.push((i, sign[i]));
            }
            points.push(traj);
            moved.push(mv);
        }
        Morris {
            levels: p,
            delta,
            points,
            moved,
        }
    }

    /// Elementary effects from the outputs `y[t][s]` at every point:
    /// `ee[i]` lists input i's effect (y(x + Δ e_i) − y(x)) / Δ, one per
    /// trajectory.
    pub fn elementary_effects(&self, y: &[Vec<f64>]) -> Vec<Vec<f64>> {
        let k = self.moved.first().map_or(0, Vec::len);
        let mut ee = vec![Vec::with_capacity(self.moved.len()); k];
        for (t, mv) in self.moved.iter().enumerate() {
            for (s, &(i, sign)) in mv.iter().enumerate() {
                ee[i].push((y[t][s + 1] - y[t][s]) / (sign * self.delta));
            }
        }
        ee
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn direction_numbers_of_dimension_two_are_the_classic_ones() {
        // Dimension 2 (s = 1, a = 0, m = 1): v_b = 2^-(b+1) ... the
        // recurrence gives v_i = v_{i-1} ^ (v_{i-1} >> 1).
        let s = SobolSequence::new(2).unwrap();
        let v = &s.v[1];
        assert_eq!(v[0], 1 << 31);
        assert_eq!(v[1], (1 << 31) | (1 << 30));
        assert_eq!(v[2], (1 << 31) | (1 << 29));
    }

    #[test]
    fn owen_scrambling_is_a_bijection_on_the_leading_bits() {
        // Nested scrambling permutes the 2^m intervals of length 2^-m.
        let m = 8;
        let mut seen = vec![false; 1 << m];
        for i in 0..(1u32 << m) {
            let x = i << (32 - m);
            let y = owen_scramble(x, 77) >> (32 - m);
            assert!(!seen[y as usize]);
            seen[y as usize] = true;
        }
    }
}
