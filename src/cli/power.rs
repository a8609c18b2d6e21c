//! `coalsim power`: command-line front end of the power indices.
//!
//! Arguments arrive as raw text and are checked here rather than by clap's
//! typed parsers, so that every bad value gets a message naming its flag
//! and what the flag accepts, through the binary's usual `error: ...` path.
//!
//! Players are numbered from 1 everywhere on the command line and in every
//! output (`--veto 1` is the first weight); the library API is 0-based.
//!
//! The writers are pure (they take any [`Write`]) so tests can check the
//! exact bytes. Number formats: the table rounds to 6 decimals for reading;
//! CSV and JSON print each `f64` with Rust's shortest round-trip form
//! (`{}`: never an exponent, as many digits as needed to read back the same
//! `f64`), and JSON adds the exact fractions as strings.
use std::io::Write;
use std::path::PathBuf;

use anyhow::{Context, anyhow, bail};
use clap::{Args, ValueEnum};
use num_bigint::BigUint;
use num_traits::{ToPrimitive, Zero};
use serde::Serialize;

use coalsim_core::power::{PowerIndices, Roles, WeightedGame, distance_from_equal};

/// Output format of `coalsim power`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// Aligned columns for reading, then the minimal winning coalitions.
    Table,
    /// One row per player: player,weight,shapley_shubik,banzhaf,banzhaf_swings.
    Csv,
    /// The game, every player's indices (also as exact fractions) and the
    /// minimal winning coalitions.
    Json,
}

/// Arguments of `coalsim power`.
#[derive(Debug, Args)]
#[command(after_help = "Examples:\n  \
    coalsim power --weights 4,4,4,2,2,1 --quota 12\n  \
    coalsim power --weights 7,7,7,7,7,1,1,1,1,1,1,1,1,1,1 --quota 39 --format csv\n  \
    coalsim power --weights 1,1,1,1,1,1,1,1,1,1,1,1,1,1,1 --quota 9 --veto 1,2,3,4,5\n  \
    coalsim power --weights 9,9,7,3,1,1 --quota-fraction 0.5\n  \
    coalsim power scenarios/power-too-unequal.toml --rule majority")]
pub struct PowerArgs {
    /// Scenario file: the power indices of its decision rule among every
    /// organisation it names or generates (see --founding).
    pub scenario: Option<PathBuf>,

    /// With a scenario: only the founding (initial) members vote, as on the
    /// coalition's first day.
    #[arg(long)]
    pub founding: bool,

    /// With a scenario: the indices under this decision rule instead of the
    /// file's own (consensus, majority, supermajority, weighted, committee,
    /// modified_consensus, consent), e.g. `--rule weighted` to see who would
    /// decide alone under a vote weighted by resources.
    #[arg(long, value_name = "RULE")]
    pub rule: Option<String>,

    /// Voting weights: comma-separated non-negative integers, one per player
    /// (players are numbered from 1 in this order).
    #[arg(long, value_name = "W1,W2,...", allow_hyphen_values = true)]
    pub weights: Option<String>,

    /// Votes a coalition needs to win: a whole number from 1 to the total weight.
    #[arg(
        long,
        value_name = "Q",
        allow_negative_numbers = true,
        conflicts_with = "quota_fraction"
    )]
    pub quota: Option<String>,

    /// Quota as a share F of the total weight, 0 <= F < 1, decimal (0.5) or
    /// fraction (2/3): the quota is the smallest integer above F × total, so
    /// 0.5 is a strict majority.
    #[arg(long, value_name = "F", allow_negative_numbers = true)]
    pub quota_fraction: Option<String>,

    /// Veto players, comma-separated player numbers (from 1): a coalition
    /// wins only if it contains all of them (and reaches the quota).
    #[arg(long, value_name = "P1,P2,...", allow_hyphen_values = true)]
    pub veto: Option<String>,

    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,

    /// List the minimal winning coalitions only if there are at most this many.
    #[arg(long, value_name = "N", default_value_t = 100)]
    pub max_coalitions: usize,
}

/// Runs `coalsim power`.
pub fn run(args: &PowerArgs) -> anyhow::Result<()> {
    let (game, legend, names) = match &args.scenario {
        Some(path) => {
            if args.weights.is_some() || args.quota.is_some() || args.quota_fraction.is_some() {
                bail!("give either a scenario file or --weights/--quota, not both");
            }
            scenario_game(path, args.founding, args.rule.as_deref())?
        }
        None => {
            if args.founding {
                bail!("--founding needs a scenario file");
            }
            if args.rule.is_some() {
                bail!("--rule needs a scenario file (with --weights, give the quota instead)");
            }
            let game = game_from_args(args)?;
            let names = (1..=game.players())
                .map(|p| format!("player {p}"))
                .collect();
            (game, String::new(), names)
        }
    };
    let mut report = PowerReport::new(game, args.max_coalitions);
    report.names = names;
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    if args.format == Format::Table && !legend.is_empty() {
        write!(out, "{legend}").context("cannot write to standard output")?;
    }
    match args.format {
        Format::Table => write_table(&mut out, &report),
        Format::Csv => write_csv(&mut out, &report),
        Format::Json => write_json(&mut out, &report),
    }
    .and_then(|()| out.flush())
    .context("cannot write to standard output")
}

/// The voting game of a scenario's rule (see
/// [`coalsim_core::power::scenario_game`]): among every organisation, or the
/// founding (initial) members with `founding_only`. Returns the game, a
/// legend naming the players, and their names.
pub fn scenario_game(
    path: &std::path::Path,
    founding_only: bool,
    rule: Option<&str>,
) -> anyhow::Result<(WeightedGame, String, Vec<String>)> {
    let file = coalsim_core::scenario::ScenarioFile::open(Some(path))?;
    let with_rule;
    let s = match rule {
        Some(r) => {
            with_rule = file.with_overrides(
                "--rule",
                &[(
                    "governance.decision_rule".to_string(),
                    toml::Value::String(r.trim().to_lowercase()),
                )],
            )?;
            &with_rule
        }
        None => &file.base,
    };
    let g = match coalsim_core::power::scenario_game(s, founding_only) {
        Ok(g) => g,
        Err(coalsim_core::power::PowerError::NoWeight) => anyhow::bail!(
            "{}: population.resources: every {} has power 0 (weights = power × 100, rounded), so under the `weighted` rule no coalition could win; allowed: at least one with resources > 0",
            file.location("population.resources"),
            if founding_only {
                "initial member"
            } else {
                "organisation"
            }
        ),
        Err(err) => anyhow::bail!("{}: {err}", file.source.name),
    };
    let who = if founding_only {
        format!("the {} founding members", g.names.len())
    } else {
        format!("all {} organisations", g.names.len())
    };
    let mut legend = format!(
        "{}: rule `{}` among {who}; {}\n",
        s.name,
        s.governance.decision_rule.name(),
        g.how
    );
    for (k, name) in g.names.iter().enumerate() {
        legend.push_str(&format!(
            "  player {}: {name} (power {:.2})\n",
            k + 1,
            g.power[k]
        ));
    }
    legend.push('\n');
    Ok((g.game, legend, g.names))
}

/// Builds the game from the raw flags, with a message per flag on error.
pub fn game_from_args(args: &PowerArgs) -> anyhow::Result<WeightedGame> {
    let Some(weights) = &args.weights else {
        bail!(
            "give --weights W1,W2,... with --quota Q (or --quota-fraction F), or a scenario file"
        );
    };
    let weights = parse_weights(weights)?;
    let total = weights
        .iter()
        .try_fold(0u64, |acc, &w| acc.checked_add(w))
        .ok_or_else(|| anyhow!("--weights: the weights add up to more than {}", u64::MAX))?;
    if total == 0 {
        bail!(
            "--weights: all weights are zero, so no coalition could win; give at least one positive weight"
        );
    }
    let quota = match (&args.quota, &args.quota_fraction) {
        (Some(text), None) => parse_quota(text, total)?,
        (None, Some(text)) => quota_from_fraction(text, total)?,
        (None, None) => bail!(
            "a quota is required: give --quota Q (votes needed, 1 to {total}) or --quota-fraction F (share of the total weight, e.g. 0.5)"
        ),
        (Some(_), Some(_)) => bail!("give only one of --quota and --quota-fraction"),
    };
    let vetoes = match &args.veto {
        Some(text) => parse_vetoes(text, weights.len())?,
        None => Vec::new(),
    };
    WeightedGame::new(weights, quota, &vetoes).map_err(|err| anyhow!("--weights: {err}"))
}

fn parse_weights(text: &str) -> anyhow::Result<Vec<u64>> {
    if text.trim().is_empty() {
        bail!(
            "--weights: the list is empty; give comma-separated non-negative integers, e.g. --weights 4,4,4,2,2,1"
        );
    }
    text.split(',')
        .enumerate()
        .map(|(k, item)| {
            let item = item.trim();
            let player = k + 1;
            if item.is_empty() {
                bail!("--weights: the weight of player {player} is missing (empty item in '{text}'); weights must be non-negative integers");
            }
            if item.starts_with('-') {
                bail!("--weights: '{item}' (player {player}) is negative; weights must be non-negative integers");
            }
            match item.parse::<u64>() {
                Ok(w) => Ok(w),
                Err(err) if *err.kind() == std::num::IntErrorKind::PosOverflow => bail!(
                    "--weights: '{item}' (player {player}) is too large; weights must be integers from 0 to {}",
                    u64::MAX
                ),
                Err(_) => bail!(
                    "--weights: '{item}' (player {player}) is not a non-negative integer; weights must be whole numbers like 0, 1, 12"
                ),
            }
        })
        .collect()
}

fn parse_quota(text: &str, total: u64) -> anyhow::Result<u64> {
    let allowed = || format!("the quota must be a whole number from 1 to the total weight {total}");
    let quota: u64 = text
        .trim()
        .parse()
        .map_err(|_| anyhow!("--quota: '{text}' is not allowed; {}", allowed()))?;
    if quota == 0 {
        bail!(
            "--quota: 0 would let the empty coalition win; {}",
            allowed()
        );
    }
    if quota > total {
        bail!(
            "--quota: {quota} is above the total weight {total}, so no coalition could win; {}",
            allowed()
        );
    }
    Ok(quota)
}

/// Quota = smallest integer strictly above `F × total`, computed exactly
/// from the decimal or fraction as written (no floating-point rounding).
fn quota_from_fraction(text: &str, total: u64) -> anyhow::Result<u64> {
    let invalid = || {
        anyhow!(
            "--quota-fraction: '{text}' is not allowed; give a share of the total weight at least 0 and below 1, as a decimal (0.5) or a fraction (2/3)"
        )
    };
    let (num, den) = parse_fraction(text.trim()).ok_or_else(invalid)?;
    if num >= den {
        return Err(invalid());
    }
    // num < den, so the floor is below total and the quota at most total.
    let quota = num * BigUint::from(total) / den + 1u32;
    Ok(quota.to_u64().expect("quota <= total weight"))
}

/// `"0.5"`, `".5"`, `"1"`, `"2/3"` as an exact `(numerator, denominator)`.
fn parse_fraction(text: &str) -> Option<(BigUint, BigUint)> {
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    if let Some((num, den)) = text.split_once('/') {
        let (num, den) = (num.trim(), den.trim());
        if !digits(num) || !digits(den) {
            return None;
        }
        let den: BigUint = den.parse().ok()?;
        if den.is_zero() {
            return None;
        }
        return Some((num.parse().ok()?, den));
    }
    let (int, frac) = text.split_once('.').unwrap_or((text, ""));
    if !(int.is_empty() || digits(int))
        || !(frac.is_empty() || digits(frac))
        || int.len() + frac.len() == 0
    {
        return None;
    }
    let num: BigUint = format!("0{int}{frac}").parse().ok()?;
    let den = BigUint::from(10u32).pow(frac.len() as u32);
    Some((num, den))
}

fn parse_vetoes(text: &str, players: usize) -> anyhow::Result<Vec<usize>> {
    let allowed = format!("players are numbered 1 to {players} in --weights order");
    if text.trim().is_empty() {
        bail!(
            "--veto: the list is empty; give comma-separated player numbers ({allowed}), or leave out --veto"
        );
    }
    text.split(',')
        .map(|item| {
            let item = item.trim();
            match item.parse::<usize>() {
                Ok(p) if (1..=players).contains(&p) => Ok(p - 1),
                _ => bail!("--veto: '{item}' is not a player; {allowed}"),
            }
        })
        .collect()
}

/// Everything `coalsim power` prints: the game, its indices and, when there
/// are at most `max_coalitions` of them, its minimal winning coalitions.
#[derive(Debug, Clone)]
pub struct PowerReport {
    /// The game analysed.
    pub game: WeightedGame,
    /// Its power indices.
    pub indices: PowerIndices,
    /// Minimal winning coalitions (0-based, sorted), `None` if too many.
    pub minimal_winning: Option<Vec<Vec<usize>>>,
    /// The listing limit that was applied.
    pub max_coalitions: usize,
    /// Dictator, veto players and dummies.
    pub roles: Roles,
    /// The players' names for the reading ("player 1", ... without a
    /// scenario).
    pub names: Vec<String>,
}

impl PowerReport {
    /// Computes the report of a game.
    pub fn new(game: WeightedGame, max_coalitions: usize) -> Self {
        let indices = game.indices();
        let minimal_winning = game.minimal_winning(max_coalitions);
        let roles = game.roles(&indices);
        let names = (1..=game.players())
            .map(|p| format!("player {p}"))
            .collect();
        Self {
            game,
            indices,
            minimal_winning,
            max_coalitions,
            roles,
            names,
        }
    }
}

/// Human-readable one-line description of the game (players from 1): the
/// veto players are those every winning coalition needs (declared, or
/// without whom the others fall short of the quota).
fn describe_game(game: &WeightedGame, roles: &Roles) -> String {
    let vetoes = if roles.vetoes.is_empty() {
        "no veto players".to_string()
    } else if roles.vetoes.len() == game.players() && game.players() > 1 {
        "every player holds a veto".to_string()
    } else {
        format!("veto players: {}", one_based(&roles.vetoes).join(", "))
    };
    format!(
        "Weighted voting game: {} players, quota {} of total weight {}, {vetoes}",
        game.players(),
        game.quota(),
        game.total_weight()
    )
}

/// The reading in words: who decides alone, who holds a veto, whose vote
/// never counts, and how far the indices are from one member, one voice.
pub fn roles_words(report: &PowerReport) -> Vec<String> {
    let game = &report.game;
    let n = game.players();
    let roles = &report.roles;
    let ss = &report.indices.shapley_shubik;
    let name = |i: usize| report.names[i].clone();
    let list = |players: &[usize]| -> String {
        let names: Vec<String> = players.iter().map(|&i| name(i)).collect();
        match names.as_slice() {
            [] => String::new(),
            [one] => one.clone(),
            [init @ .., last] => format!("{} and {last}", init.join(", ")),
        }
    };
    let mut v = Vec::new();
    if let Some(d) = roles.dictator {
        v.push(format!(
            "Dictator: {} decides alone (Shapley–Shubik index {:.3}): it wins without anyone else, and nothing passes without it.",
            name(d),
            ss[d]
        ));
    }
    if roles.vetoes.len() == n && n > 1 {
        v.push(format!(
            "Every player holds a veto (unanimity): nothing passes unless all {n} agree."
        ));
    } else if !roles.vetoes.is_empty() && roles.dictator.is_none_or(|d| roles.vetoes != [d]) {
        let with_index: Vec<String> = roles
            .vetoes
            .iter()
            .map(|&i| format!("{} {:.3}", name(i), ss[i]))
            .collect();
        v.push(if roles.vetoes.len() == 1 {
            let i = roles.vetoes[0];
            format!(
                "Veto players: {} — nothing passes without it (its Shapley–Shubik index: {:.3}).",
                name(i),
                ss[i]
            )
        } else {
            format!(
                "Veto players: {} — nothing passes without each of them (Shapley–Shubik indices: {}).",
                list(&roles.vetoes),
                with_index.join(", ")
            )
        });
    } else if roles.dictator.is_none() {
        v.push("No player decides alone and none holds a veto.".to_string());
    }
    if !roles.dummies.is_empty() && roles.dummies.len() < n {
        v.push(format!(
            "{} of the {n} players never change an outcome (no swing: their vote is never decisive){}.",
            roles.dummies.len(),
            if roles.dummies.len() <= 8 {
                format!(": {}", list(&roles.dummies))
            } else {
                String::new()
            }
        ));
    }
    v.push(format!(
        "Distance from one member, one voice: {:.3} (½ Σ |Shapley–Shubik − 1/{n}|; 0 = every player has the same say, {:.3} = one player has it all).",
        distance_from_equal(ss),
        1.0 - 1.0 / n as f64
    ));
    v
}

fn one_based(players: &[usize]) -> Vec<String> {
    players.iter().map(|p| (p + 1).to_string()).collect()
}

/// Writes the aligned table: one row per player, then the minimal winning
/// coalitions (or why they are not listed). Indices rounded to 6 decimals.
pub fn write_table(out: &mut impl Write, report: &PowerReport) -> std::io::Result<()> {
    let game = &report.game;
    let indices = &report.indices;
    let header = ["player", "weight", "shapley_shubik", "banzhaf", "swings"];
    let rows: Vec<[String; 5]> = (0..game.players())
        .map(|i| {
            [
                (i + 1).to_string(),
                game.weights()[i].to_string(),
                format!("{:.6}", indices.shapley_shubik[i]),
                format!("{:.6}", indices.banzhaf[i]),
                indices.swings[i].to_string(),
            ]
        })
        .collect();
    let mut widths = header.map(str::len);
    for row in &rows {
        for (width, cell) in widths.iter_mut().zip(row) {
            *width = (*width).max(cell.len());
        }
    }
    writeln!(out, "{}", describe_game(game, &report.roles))?;
    let line = |cells: Vec<&str>| {
        cells
            .iter()
            .zip(widths)
            .map(|(cell, width)| format!("{cell:>width$}"))
            .collect::<Vec<_>>()
            .join("  ")
    };
    writeln!(out, "{}", line(header.to_vec()))?;
    for row in &rows {
        writeln!(out, "{}", line(row.iter().map(String::as_str).collect()))?;
    }
    writeln!(out)?;
    match &report.minimal_winning {
        Some(coalitions) => {
            writeln!(out, "Minimal winning coalitions ({}):", coalitions.len())?;
            for coalition in coalitions {
                writeln!(out, "  {{{}}}", one_based(coalition).join(", "))?;
            }
        }
        None => writeln!(
            out,
            "Minimal winning coalitions: more than {}, not listed (raise --max-coalitions to list them)",
            report.max_coalitions
        )?,
    }
    writeln!(out)?;
    for line in roles_words(report) {
        writeln!(out, "{line}")?;
    }
    Ok(())
}

/// Writes the CSV: header `player,weight,shapley_shubik,banzhaf,banzhaf_swings`
/// and one row per player in input order, players from 1, `banzhaf`
/// normalised, floats in shortest round-trip form.
pub fn write_csv(out: &mut impl Write, report: &PowerReport) -> std::io::Result<()> {
    let indices = &report.indices;
    writeln!(out, "player,weight,shapley_shubik,banzhaf,banzhaf_swings")?;
    for (i, weight) in report.game.weights().iter().enumerate() {
        writeln!(
            out,
            "{},{weight},{},{},{}",
            i + 1,
            indices.shapley_shubik[i],
            indices.banzhaf[i],
            indices.swings[i]
        )?;
    }
    Ok(())
}

#[derive(Serialize)]
struct JsonReport<'a> {
    game: JsonGame<'a>,
    players: Vec<JsonPlayer>,
    /// Players numbered from 1; `null` when there are more than `max_coalitions`.
    minimal_winning_coalitions: Option<Vec<Vec<usize>>>,
    max_coalitions: usize,
}

#[derive(Serialize)]
struct JsonGame<'a> {
    players: usize,
    weights: &'a [u64],
    quota: u64,
    total_weight: u64,
    veto: Vec<usize>,
    /// The player who decides alone (from 1), if any.
    dictator: Option<usize>,
    /// Every player every winning coalition needs (from 1): declared
    /// vetoes and those without whom the others fall short.
    veto_players: Vec<usize>,
    /// Players never decisive (from 1).
    dummies: Vec<usize>,
    /// ½ Σ |Shapley–Shubik − 1/n|.
    distance_from_equal: f64,
}

#[derive(Serialize)]
struct JsonPlayer {
    player: usize,
    weight: u64,
    shapley_shubik: f64,
    shapley_shubik_exact: String,
    banzhaf: f64,
    banzhaf_exact: String,
    banzhaf_swings: u128,
}

/// Writes the JSON object `{game, players, minimal_winning_coalitions,
/// max_coalitions}`; players numbered from 1, exact fractions as strings
/// such as `"7/30"`.
pub fn write_json(out: &mut impl Write, report: &PowerReport) -> std::io::Result<()> {
    let game = &report.game;
    let indices = &report.indices;
    let to_one_based = |c: &Vec<usize>| c.iter().map(|p| p + 1).collect();
    let json = JsonReport {
        game: JsonGame {
            players: game.players(),
            weights: game.weights(),
            quota: game.quota(),
            total_weight: game.total_weight(),
            veto: game.vetoes().iter().map(|p| p + 1).collect(),
            dictator: report.roles.dictator.map(|p| p + 1),
            veto_players: report.roles.vetoes.iter().map(|p| p + 1).collect(),
            dummies: report.roles.dummies.iter().map(|p| p + 1).collect(),
            distance_from_equal: distance_from_equal(&indices.shapley_shubik),
        },
        players: (0..game.players())
            .map(|i| JsonPlayer {
                player: i + 1,
                weight: game.weights()[i],
                shapley_shubik: indices.shapley_shubik[i],
                shapley_shubik_exact: indices.shapley_shubik_exact[i].to_string(),
                banzhaf: indices.banzhaf[i],
                banzhaf_exact: indices.banzhaf_exact[i].to_string(),
                banzhaf_swings: indices.swings[i],
            })
            .collect(),
        minimal_winning_coalitions: report
            .minimal_winning
            .as_ref()
            .map(|all| all.iter().map(to_one_based).collect()),
        max_coalitions: report.max_coalitions,
    };
    serde_json::to_writer_pretty(&mut *out, &json)?;
    writeln!(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn eec() -> PowerReport {
        PowerReport::new(
            WeightedGame::new(vec![4, 4, 4, 2, 2, 1], 12, &[]).unwrap(),
            100,
        )
    }

    fn render(
        write: fn(&mut Vec<u8>, &PowerReport) -> std::io::Result<()>,
        report: &PowerReport,
    ) -> String {
        let mut buffer = Vec::new();
        write(&mut buffer, report).unwrap();
        String::from_utf8(buffer).unwrap()
    }

    #[test]
    fn table_is_aligned() {
        let expected = "\
Weighted voting game: 6 players, quota 12 of total weight 17, no veto players
player  weight  shapley_shubik   banzhaf  swings
     1       4        0.233333  0.238095      10
     2       4        0.233333  0.238095      10
     3       4        0.233333  0.238095      10
     4       2        0.150000  0.142857       6
     5       2        0.150000  0.142857       6
     6       1        0.000000  0.000000       0

Minimal winning coalitions (4):
  {1, 2, 3}
  {1, 2, 4, 5}
  {1, 3, 4, 5}
  {2, 3, 4, 5}

No player decides alone and none holds a veto.
1 of the 6 players never change an outcome (no swing: their vote is never decisive): player 6.
Distance from one member, one voice: 0.200 (½ Σ |Shapley–Shubik − 1/6|; 0 = every player has the same say, 0.833 = one player has it all).
";
        assert_eq!(render(write_table, &eec()), expected);
    }

    #[test]
    fn table_says_when_coalitions_are_not_listed() {
        let report = PowerReport::new(
            WeightedGame::new(vec![4, 4, 4, 2, 2, 1], 12, &[0]).unwrap(),
            2,
        );
        let text = render(write_table, &report);
        assert!(text.starts_with(
            "Weighted voting game: 6 players, quota 12 of total weight 17, veto players: 1\n"
        ));
        assert!(text.contains("Minimal winning coalitions: more than 2, not listed (raise --max-coalitions to list them)\n"));
        assert!(
            text.contains(
                "Veto players: player 1 — nothing passes without it (its Shapley–Shubik index: "
            ),
            "{text}"
        );
    }

    #[test]
    fn csv_rows_round_trip() {
        let text = render(write_csv, &eec());
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(
            lines[0],
            "player,weight,shapley_shubik,banzhaf,banzhaf_swings"
        );
        assert_eq!(lines.len(), 7);
        let first: Vec<&str> = lines[1].split(',').collect();
        assert_eq!(first[0], "1");
        assert_eq!(first[2].parse::<f64>().unwrap(), 7.0 / 30.0);
        assert_eq!(first[3].parse::<f64>().unwrap(), 5.0 / 21.0);
        assert_eq!(lines[6], "6,1,0,0,0");
    }

    #[test]
    fn json_has_game_and_exact_values() {
        let value: serde_json::Value = serde_json::from_str(&render(write_json, &eec())).unwrap();
        assert_eq!(value["game"]["quota"], 12);
        assert_eq!(
            value["game"]["weights"],
            serde_json::json!([4, 4, 4, 2, 2, 1])
        );
        assert_eq!(value["players"][0]["shapley_shubik_exact"], "7/30");
        assert_eq!(value["players"][3]["banzhaf_exact"], "1/7");
        assert_eq!(value["players"][5]["banzhaf_swings"], 0);
        assert_eq!(
            value["minimal_winning_coalitions"][0],
            serde_json::json!([1, 2, 3])
        );
    }

    #[test]
    fn quota_fraction_is_exact() {
        assert_eq!(quota_from_fraction("0.5", 538).unwrap(), 270);
        assert_eq!(quota_from_fraction("0.5", 17).unwrap(), 9);
        assert_eq!(quota_from_fraction(".5", 17).unwrap(), 9);
        assert_eq!(quota_from_fraction("2/3", 30).unwrap(), 21);
        assert_eq!(quota_from_fraction("0.7", 10).unwrap(), 8);
        assert_eq!(quota_from_fraction("0", 10).unwrap(), 1);
        assert_eq!(quota_from_fraction("0.99999", 10).unwrap(), 10);
        for bad in [
            "1", "1.0", "3/2", "1/0", "-0.5", "abc", ".", "", "0.5.1", "1e-1", " /2",
        ] {
            assert!(quota_from_fraction(bad, 10).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn weight_errors_name_the_flag() {
        let message = |text: &str| parse_weights(text).unwrap_err().to_string();
        assert!(message("").contains("--weights: the list is empty"));
        assert!(message("4,-1").contains("'-1' (player 2) is negative"));
        assert!(message("4,x").contains("'x' (player 2) is not a non-negative integer"));
        assert!(message("4,,1").contains("player 2 is missing"));
        assert!(message("99999999999999999999").contains("too large"));
        assert_eq!(parse_weights(" 4, 4 ,1").unwrap(), vec![4, 4, 1]);
    }

    #[test]
    fn veto_players_are_numbered_from_one() {
        assert_eq!(parse_vetoes("1,3", 3).unwrap(), vec![0, 2]);
        let message = parse_vetoes("0", 3).unwrap_err().to_string();
        assert!(
            message.contains("'0' is not a player; players are numbered 1 to 3"),
            "{message}"
        );
        assert!(parse_vetoes("4", 3).is_err());
    }
}
