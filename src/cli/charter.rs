//! `coalsim charter SCENARIO`: a one-page draft governance charter for the
//! coalition a scenario describes, each clause with the evidence of the
//! simulations behind it.
//!
//! Every clause is one of the scenario's governance settings. Its evidence
//! is a paired comparison (common random numbers, as `coalsim sweep`) of the
//! setting as written against one named alternative: the difference in
//! success (and in hours per member per month) with its 95% interval. Where
//! the scenario has an `[explore.uncertain]` table, the same comparison is
//! run at both ends of every uncertain range, and the clause says where the
//! effect stops holding. Every number on the page is a row of
//! `evidence.csv`; `coalsim sweep SCENARIO --vary KEY=ALTERNATIVE,CHOSEN`
//! (with `--vary UNCERTAIN=END` for an end) reproduces it.

use std::fmt::Write as _;
use std::io::Write;
use std::path::PathBuf;

use anyhow::Context;
use clap::Args;

use coalsim_core::scenario::{ScenarioFile, value_text};
use coalsim_core::stats::Diff;
use coalsim_core::study::compare::{Arm, CompareConfig, compare, measure};
use coalsim_core::study::explore::Spread;
use coalsim_report::files::{ensure_dir, write_atomic};

/// Arguments of `coalsim charter`.
#[derive(Debug, Args)]
#[command(after_help = "Example:\n  coalsim charter scenarios/eastside.toml --out charter")]
pub struct CharterArgs {
    /// Scenario file (TOML) describing the coalition and its draft rules;
    /// the embedded default when omitted.
    pub scenario: Option<PathBuf>,
    /// Runs of each side of every comparison.
    #[arg(long, default_value_t = 400, value_name = "N", allow_negative_numbers = true, value_parser = super::runs_arg::<1_000_000>)]
    pub runs: u64,
    /// Seed (default: the scenario's `seed`).
    #[arg(long, value_name = "S", allow_negative_numbers = true, value_parser = super::seed_arg)]
    pub seed: Option<u64>,
    /// Worker threads (default: all cores). The files do not depend on it.
    #[arg(long, value_name = "T", value_parser = clap::value_parser!(u64).range(1..=1024))]
    pub threads: Option<u64>,
    /// Output directory: charter.md, charter.html, evidence.csv.
    #[arg(long, default_value = "coalsim-out/charter", value_name = "DIR")]
    pub out: PathBuf,
}

/// One setting of the scenario against one alternative.
#[derive(Debug, Clone)]
struct Contrast {
    clause: usize,
    key: &'static str,
    chosen: toml::Value,
    alternative: toml::Value,
    /// "a vote of the members instead of open admission"-style words for
    /// the alternative.
    words: String,
}

/// A contrast measured at one place: as described, or at one end of an
/// uncertain range.
#[derive(Debug, Clone)]
struct Effect {
    /// `None` as described; `Some((key, value))` at an end of a range.
    at: Option<(String, toml::Value)>,
    /// Chosen − alternative, success share.
    success: Diff,
    /// Chosen − alternative, hours per member per month.
    hours: Diff,
    runs: u64,
}

struct Evidence {
    contrast: Contrast,
    base: Effect,
    ends: Vec<Effect>,
}

const CLAUSES: [&str; 8] = [
    "Purpose and first win",
    "Members: who joins, how members are added and removed",
    "How we decide",
    "Steering committee",
    "Check-ins",
    "Spokesperson and public communication",
    "How a member leaves",
    "Renewal and sunset review",
];

fn resolved(file: &ScenarioFile, key: &str) -> anyhow::Result<toml::Value> {
    let table = toml::Value::try_from(&*file.base).context("cannot read the scenario")?;
    let mut v = &table;
    for part in key.split('.') {
        v = v
            .get(part)
            .with_context(|| format!("the scenario has no `{key}`"))?;
    }
    Ok(v.clone())
}

fn rule_words(rule: &str) -> &'static str {
    match rule {
        "consensus" => "consensus (every member agrees, or stands aside)",
        "majority" => "simple majority of the members",
        "supermajority" => "a supermajority of the members",
        "weighted" => "a vote weighted by each member's resources",
        "committee" => "a steering committee's majority",
        "modified_consensus" => {
            "modified consensus (consensus, with a supermajority vote once a proposal on the same issue has been blocked repeatedly)"
        }
        "consent" => {
            "consent (a proposal passes unless a member raises a reasoned objection that it harms the coalition's aim, and the members, having heard it, agree)"
        }
        _ => "the rule named in the scenario",
    }
}

/// Where a rule comes from, for the rules a coordinator may not know.
fn rule_source(rule: &str) -> Option<&'static str> {
    match rule {
        "modified_consensus" => Some(
            "Modified consensus is consensus with a fallback vote, as in Tim Hartnett's *Consensus-Oriented Decision-Making* (2011) and the general assemblies that fall back to a 90% vote.",
        ),
        "consent" => Some(
            "Consent is the decision rule of sociocracy (Gerard Endenburg's consent principle, as practised by Sociocracy For All and Sociocracy 3.0): an objection must be reasoned and concern the coalition's aim, not a preference.",
        ),
        _ => None,
    }
}

fn contrasts(file: &ScenarioFile) -> anyhow::Result<Vec<Contrast>> {
    use toml::Value as V;
    let g = |k: &str| resolved(file, &format!("governance.{k}"));
    let s = |x: &str| V::String(x.into());
    let mut c = Vec::new();
    let admission = g("admission")?;
    let alt = if value_text(&admission) == "open" {
        "vote"
    } else {
        "open"
    };
    c.push(Contrast {
        clause: 1,
        key: "governance.admission",
        chosen: admission,
        alternative: s(alt),
        words: format!("admission `{alt}`"),
    });
    let remove = g("remove_after")?;
    let alt = if remove.as_integer() == Some(0) { 3 } else { 0 };
    c.push(Contrast {
        clause: 1,
        key: "governance.remove_after",
        chosen: remove,
        alternative: V::Integer(alt),
        words: if alt == 0 {
            "never removing a member who stops coming".into()
        } else {
            "removing a member after 3 missed check-ins in a row".into()
        },
    });
    let rule = g("decision_rule")?;
    for other in coalsim_core::scenario::DecisionRule::ALL.map(|r| r.name()) {
        if value_text(&rule) != other {
            c.push(Contrast {
                clause: 2,
                key: "governance.decision_rule",
                chosen: rule.clone(),
                alternative: s(other),
                words: rule_words(other).to_string(),
            });
        }
    }
    if value_text(&rule) == "modified_consensus" {
        let after = g("fallback_after")?;
        let alt = if after.as_integer().unwrap_or(2) >= 4 {
            2
        } else {
            4
        };
        c.push(Contrast {
            clause: 2,
            key: "governance.fallback_after",
            chosen: after,
            alternative: V::Integer(alt),
            words: format!("the fallback vote after {alt} blocks"),
        });
    }
    let setup = g("setup")?;
    let alt = if value_text(&setup) == "early" {
        "on_conflict"
    } else {
        "early"
    };
    c.push(Contrast {
        clause: 2,
        key: "governance.setup",
        chosen: setup,
        alternative: s(alt),
        words: if alt == "early" {
            "agreeing the rules before the work starts".into()
        } else {
            "agreeing the rules only when the first conflict comes".into()
        },
    });
    let coordination = file.base.coordination().name();
    let alt = if coordination == "everyone" {
        "committee"
    } else {
        "everyone"
    };
    c.push(Contrast {
        clause: 3,
        key: "governance.coordination",
        chosen: s(coordination),
        alternative: s(alt),
        words: if alt == "everyone" {
            "every member coordinating with every other".into()
        } else {
            "a steering committee that coordinates the work".into()
        },
    });
    if value_text(&rule) == "committee" {
        let size = g("committee_size")?;
        let alt = if size.as_integer().unwrap_or(5) > 3 {
            3
        } else {
            5
        };
        c.push(Contrast {
            clause: 3,
            key: "governance.committee_size",
            chosen: size,
            alternative: V::Integer(alt),
            words: format!("a committee of {alt}"),
        });
    }
    let checkin = g("checkin_every")?;
    let alt = if checkin.as_integer() == Some(0) {
        2
    } else {
        0
    };
    c.push(Contrast {
        clause: 4,
        key: "governance.checkin_every",
        chosen: checkin,
        alternative: V::Integer(alt),
        words: if alt == 0 {
            "no check-ins".into()
        } else {
            "a check-in every 2 weeks".into()
        },
    });
    let spokes = g("spokesperson")?;
    let alt = !spokes.as_bool().unwrap_or(true);
    c.push(Contrast {
        clause: 5,
        key: "governance.spokesperson",
        chosen: spokes,
        alternative: V::Boolean(alt),
        words: if alt {
            "one agreed spokesperson".into()
        } else {
            "no agreed spokesperson (members speak for themselves)".into()
        },
    });
    let exit = g("exit_protocol")?;
    let alt = if value_text(&exit) == "graceful" {
        "none"
    } else {
        "graceful"
    };
    c.push(Contrast {
        clause: 6,
        key: "governance.exit_protocol",
        chosen: exit,
        alternative: s(alt),
        words: if alt == "none" {
            "no agreed way to leave".into()
        } else {
            "a graceful, announced exit".into()
        },
    });
    let renewal = g("renewal_every")?;
    let alt = if renewal.as_integer() == Some(0) {
        13
    } else {
        0
    };
    c.push(Contrast {
        clause: 7,
        key: "governance.renewal_every",
        chosen: renewal,
        alternative: V::Integer(alt),
        words: if alt == 0 {
            "no renewal meetings".into()
        } else {
            "a renewal meeting every 13 weeks".into()
        },
    });
    let sunset = g("sunset")?;
    let alt = !sunset.as_bool().unwrap_or(false);
    c.push(Contrast {
        clause: 7,
        key: "governance.sunset",
        chosen: sunset,
        alternative: V::Boolean(alt),
        words: if alt {
            "a sunset review (the coalition may close with its work done)".into()
        } else {
            "no sunset review".into()
        },
    });
    Ok(c)
}

/// The ends of every uncertain range of the scenario's `[explore]` table.
fn ends(file: &ScenarioFile) -> anyhow::Result<Vec<(String, toml::Value)>> {
    let (unc, _) = coalsim_core::study::explore::from_file(file)?;
    let mut out = Vec::new();
    let mut unc = unc;
    unc.sort_by(|a, b| a.key.cmp(&b.key));
    for u in unc {
        match &u.spread {
            Spread::Choice(values) => {
                for v in values {
                    out.push((u.key.clone(), v.clone()));
                }
            }
            _ => {
                out.push((u.key.clone(), u.value(0.0)));
                out.push((u.key.clone(), u.value(1.0)));
            }
        }
    }
    Ok(out)
}

fn measure_effect(
    file: &ScenarioFile,
    c: &Contrast,
    at: Option<(String, toml::Value)>,
    cfg: &CompareConfig,
) -> anyhow::Result<Effect> {
    let mut base: Vec<(String, toml::Value)> = at.iter().cloned().collect();
    let arm = |v: &toml::Value| -> anyhow::Result<Arm> {
        let mut o = base.clone();
        o.push((c.key.to_string(), v.clone()));
        Ok(Arm {
            name: value_text(v),
            scenario: file.with_overrides("charter", &o)?,
            settings: o.iter().map(|(k, v)| (k.clone(), value_text(v))).collect(),
        })
    };
    let arms = vec![arm(&c.alternative)?, arm(&c.chosen)?];
    base.clear();
    let cmp = compare(&arms, cfg, |_, _, _| {}, |_| {});
    let m_success = measure("success").expect("success measure");
    let m_hours = measure("hours_per_member_month").expect("hours measure");
    let measures = &coalsim_core::study::compare::MEASURES;
    Ok(Effect {
        at,
        success: cmp.paired[1][m_success].interval(&measures[m_success], 0.95),
        hours: cmp.paired[1][m_hours].interval(&measures[m_hours], 0.95),
        runs: cfg.runs,
    })
}

/// "+3.1 points (95% interval +1.2 to +5.0)".
fn points(d: &Diff) -> String {
    if d.estimate == 0.0 && d.lo == 0.0 && d.hi == 0.0 {
        return "+0.0 points (no run differed)".into();
    }
    format!(
        "{:+.1} points (95% interval {:+.1} to {:+.1})",
        100.0 * d.estimate,
        100.0 * d.lo,
        100.0 * d.hi
    )
}

fn hours(d: &Diff) -> String {
    if d.estimate == 0.0 && d.lo == 0.0 && d.hi == 0.0 {
        return "the same hours".into();
    }
    format!(
        "{:+.2} hours per member per month ({:+.2} to {:+.2})",
        d.estimate, d.lo, d.hi
    )
}

/// Helps (+1), hurts (−1) or no clear effect (0) on success.
fn sign(d: &Diff) -> i8 {
    if d.lo > 0.0 {
        1
    } else if d.hi < 0.0 {
        -1
    } else {
        0
    }
}

fn describe_setting(c: &Contrast) -> String {
    let v = value_text(&c.chosen);
    match c.key {
        "governance.admission" => match v.as_str() {
            "open" => {
                "New organisations may join when they share the goal (open admission).".into()
            }
            "vote" => "New organisations join when the members vote to admit them.".into(),
            _ => "The membership is closed: no new organisations join.".into(),
        },
        "governance.remove_after" => {
            if v == "0" {
                "No member is removed for missing meetings.".into()
            } else {
                format!("A member who misses {v} check-ins in a row is asked to leave.")
            }
        }
        "governance.decision_rule" => format!("Decisions are made by {}.", rule_words(&v)),
        "governance.setup" => {
            if v == "early" {
                "These rules are agreed before the work starts.".into()
            } else {
                "Rules are agreed when the first conflict comes.".into()
            }
        }
        "governance.fallback_after" => {
            if v == "0" {
                "There is no consensus round: the supermajority vote decides at once.".into()
            } else {
                format!(
                    "Fallback: when a proposal on the same issue has been blocked {v} time(s) since the last one passed, a supermajority vote decides."
                )
            }
        }
        "governance.committee_size" => {
            format!("A steering committee of {v} members decides between meetings.")
        }
        "governance.coordination" => match v.as_str() {
            "everyone" => "No steering committee: all members coordinate the work together.".into(),
            "committee" => "A steering committee coordinates the work; every other member works through one committee member (its liaison).".into(),
            _ => "Members work in sub-groups; one delegate per sub-group meets the other delegates.".into(),
        },
        "governance.checkin_every" => {
            if v == "0" {
                "No regular check-ins.".into()
            } else {
                format!("All members meet to check in every {v} week(s).")
            }
        }
        "governance.spokesperson" => {
            if v == "true" {
                "One agreed spokesperson speaks for the coalition; disagreements are settled inside.".into()
            } else {
                "Each member speaks for itself in public.".into()
            }
        }
        "governance.exit_protocol" => {
            if v == "graceful" {
                "A member who leaves announces it and hands over its work (a graceful exit).".into()
            } else {
                "No agreed way to leave.".into()
            }
        }
        "governance.renewal_every" => {
            if v == "0" {
                "No scheduled renewal meeting.".into()
            } else {
                format!("Every {v} weeks the members renew their commitment (a renewal meeting).")
            }
        }
        "governance.sunset" => {
            if v == "true" {
                "At each renewal a sunset review asks whether the coalition's work is done.".into()
            } else {
                "No sunset review.".into()
            }
        }
        _ => format!("{} = {v}.", c.key),
    }
}

fn evidence_words(file: &ScenarioFile, e: &Evidence) -> String {
    let verb = match sign(&e.base.success) {
        1 => "raises",
        -1 => "lowers",
        _ => "makes no clear difference to",
    };
    let mut t = format!(
        "Compared with {}, this clause {verb} the chance of reaching the goal: {}; {}.",
        e.contrast.words,
        points(&e.base.success),
        hours(&e.base.hours)
    );
    if e.contrast.key == "governance.sunset" {
        t.push_str(
            " (A coalition that closes at a sunset review counts as not having reached the goal.)",
        );
    }
    if e.ends.is_empty() {
        t.push_str(" Tested only for the coalition as described (add an [explore.uncertain] table to test where it stops holding).");
        return t;
    }
    let base = sign(&e.base.success);
    let breaks: Vec<String> = e
        .ends
        .iter()
        .filter(|x| sign(&x.success) != base)
        .map(|x| {
            let (k, v) = x.at.as_ref().expect("an end");
            format!(
                "at {} = {} ({})",
                file.key_label(k),
                value_text(v),
                points(&x.success)
            )
        })
        .collect();
    if breaks.is_empty() {
        t.push_str(" It holds at both ends of every uncertain range.");
    } else if base == 0 {
        let _ = write!(t, " A clear difference appears only {}.", breaks.join("; "));
    } else {
        let _ = write!(t, " It stops holding {}.", breaks.join("; "));
    }
    t
}

/// Runs `coalsim charter`.
pub fn run(args: &CharterArgs) -> anyhow::Result<()> {
    let file = super::open(args.scenario.as_deref())?;
    let cfg = CompareConfig {
        runs: args.runs,
        seed: args.seed.unwrap_or(file.base.seed),
        chunk: 256,
    };
    let ends = ends(&file)?;
    let contrasts = contrasts(&file)?;
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(args.threads.map_or(0, |t| t as usize))
        .build()
        .context("cannot start the thread pool")?;
    let (evidence, base) = pool.install(|| -> anyhow::Result<_> {
        let mut evidence = Vec::new();
        for c in contrasts {
            let base = measure_effect(&file, &c, None, &cfg)?;
            let mut at = Vec::new();
            for e in &ends {
                at.push(measure_effect(&file, &c, Some(e.clone()), &cfg)?);
            }
            evidence.push(Evidence {
                contrast: c,
                base,
                ends: at,
            });
        }
        let arms = vec![Arm {
            name: "as described".into(),
            scenario: file.base.clone(),
            settings: Vec::new(),
        }];
        let base = compare(&arms, &cfg, |_, _, _| {}, |_| {});
        Ok((evidence, base))
    })?;
    let success = base.arms[0].success(0.95);
    ensure_dir(&args.out)?;
    let md = markdown(&file, &evidence, &success, &cfg);
    write_atomic(&args.out.join("charter.md"), md.as_bytes())?;
    write_atomic(&args.out.join("charter.html"), html(&md).as_bytes())?;
    write_atomic(
        &args.out.join("evidence.csv"),
        csv(&evidence, &cfg)?.as_bytes(),
    )?;
    let mut out = std::io::stdout().lock();
    write!(out, "{md}")?;
    writeln!(
        out,
        "\nFiles written in {}:\n  charter.md\n  charter.html\n  evidence.csv",
        args.out.display()
    )?;
    Ok(())
}

fn markdown(
    file: &ScenarioFile,
    evidence: &[Evidence],
    success: &Diff,
    cfg: &CompareConfig,
) -> String {
    let s = &file.base;
    let mut t = String::new();
    let _ = writeln!(t, "# {} — draft governance charter\n", s.name);
    let _ = writeln!(
        t,
        "*A draft to discuss with every member, not legal advice. Each clause shows what {} simulated runs of this coalition (coalsim, seed {}) say about it: the effect of the clause against one alternative, on the chance of reaching the goal within {} weeks, with its 95% interval.*\n",
        cfg.runs, cfg.seed, s.max_rounds
    );
    // 1. Purpose.
    let _ = writeln!(t, "## 1. {}\n", CLAUSES[0]);
    if !s.description.is_empty() {
        let _ = writeln!(t, "{}\n", s.description);
    }
    let first = s.goal.milestones.first().copied();
    let _ = writeln!(
        t,
        "Our goal must be reached within {} weeks.{}",
        s.max_rounds,
        first.map_or(String::new(), |f| format!(
            " Our first visible win: {:.0}% of the way there, to show members and the public that the coalition delivers.",
            100.0 * f
        ))
    );
    let _ = writeln!(
        t,
        "\n> Evidence: as described, the coalition reaches its goal in {:.1}% of runs (95% interval {:.1}% to {:.1}%).\n",
        100.0 * success.estimate,
        100.0 * success.lo,
        100.0 * success.hi
    );
    // Members list.
    let _ = writeln!(t, "## 2. {}\n", CLAUSES[1]);
    if !s.agent.is_empty() {
        let names: Vec<String> = s
            .agent
            .iter()
            .map(|a| {
                let tag = if a.founder {
                    " (founder)"
                } else if a.member {
                    " (founding member)"
                } else {
                    ""
                };
                format!("{}{tag}", a.name)
            })
            .collect();
        let _ = writeln!(t, "Organisations: {}.\n", names.join("; "));
    }
    let clause_section = |t: &mut String, clause: usize| {
        let items: Vec<&Evidence> = evidence
            .iter()
            .filter(|e| e.contrast.clause == clause)
            .collect();
        let mut seen = Vec::new();
        for e in &items {
            let d = describe_setting(&e.contrast);
            if !seen.contains(&d) {
                let _ = writeln!(t, "{d}");
                seen.push(d);
            }
        }
        let _ = writeln!(t);
        for e in items {
            let _ = writeln!(t, "> Evidence: {}\n", evidence_words(file, e));
        }
    };
    clause_section(&mut t, 1);
    let _ = writeln!(t, "## 3. {}\n", CLAUSES[2]);
    clause_section(&mut t, 2);
    if let Some(c) = coalsim_core::power::capture(s) {
        let _ = writeln!(
            t,
            "> **Capture warning:** under this rule {}. The other members' votes never change an outcome.\n",
            c.words()
        );
    }
    let chosen = s.governance.decision_rule.name();
    if let Some(src) = rule_source(chosen) {
        let _ = writeln!(t, "{src}\n");
    }
    // The rules the simulations clearly favour over the one written, most
    // favoured first, each with its evidence (the same row as above), where
    // it comes from, and whether one member would decide alone under it;
    // down to the first under which none would.
    let mut better: Vec<&Evidence> = evidence
        .iter()
        .filter(|e| e.contrast.key == "governance.decision_rule" && sign(&e.base.success) < 0)
        .collect();
    better.sort_by(|a, b| a.base.success.estimate.total_cmp(&b.base.success.estimate));
    for e in better {
        let alt = value_text(&e.contrast.alternative);
        let captured = file
            .with_overrides(
                "charter",
                &[(
                    "governance.decision_rule".into(),
                    e.contrast.alternative.clone(),
                )],
            )
            .ok()
            .and_then(|sc| coalsim_core::power::capture(&sc));
        let _ = write!(
            t,
            "**To discuss:** the simulations favour {} over the rule written here (the evidence above: the rule written here against it, {})",
            rule_words(&alt),
            points(&e.base.success),
        );
        match captured {
            Some(c) => {
                let _ = writeln!(
                    t,
                    ", but under it {}: the other members' votes would never change an outcome.\n",
                    c.words()
                );
            }
            None => {
                let _ = writeln!(
                    t,
                    ".{}\n",
                    rule_source(&alt).map_or(String::new(), |s| format!(" {s}"))
                );
                break;
            }
        }
    }
    if chosen == "modified_consensus" {
        let _ = writeln!(
            t,
            "Quorum: *to agree together* (how many members must take part for a decision to count; not simulated here).\n"
        );
    } else {
        let _ = writeln!(
            t,
            "Fallback and quorum: *to agree together* (what happens when a proposal is blocked again and again, and how many members must take part for a vote to count; modified consensus, a supermajority vote after repeated blocks, is the fallback the simulations compare above).\n"
        );
    }
    let _ = writeln!(t, "## 4. {}\n", CLAUSES[3]);
    clause_section(&mut t, 3);
    for (n, clause) in [(4usize, 5usize), (5, 6), (6, 7), (7, 8)] {
        let _ = writeln!(t, "## {clause}. {}\n", CLAUSES[n]);
        clause_section(&mut t, n);
    }
    let _ = writeln!(
        t,
        "---\n\nHow to read the evidence: \"points\" are percentage points of the chance of reaching the goal, the clause as written minus the alternative, over {} paired runs (the same random numbers on both sides). An interval that spans zero means the simulations cannot tell the two apart. \"Stops holding\" names an end of a range you were unsure of (the scenario's [explore] table) where the effect changes direction or is no longer clear. Every number is in evidence.csv.",
        cfg.runs
    );
    t
}

fn csv(evidence: &[Evidence], cfg: &CompareConfig) -> anyhow::Result<String> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record([
        "clause",
        "key",
        "chosen",
        "alternative",
        "at_key",
        "at_value",
        "measure",
        "difference",
        "lo95",
        "hi95",
        "runs",
        "seed",
    ])?;
    for e in evidence {
        for eff in std::iter::once(&e.base).chain(&e.ends) {
            let (ak, av) = eff
                .at
                .as_ref()
                .map_or((String::new(), String::new()), |(k, v)| {
                    (k.clone(), value_text(v))
                });
            for (m, d) in [
                ("success", &eff.success),
                ("hours_per_member_month", &eff.hours),
            ] {
                w.write_record([
                    CLAUSES[e.contrast.clause].to_string(),
                    e.contrast.key.to_string(),
                    value_text(&e.contrast.chosen),
                    value_text(&e.contrast.alternative),
                    ak.clone(),
                    av.clone(),
                    m.to_string(),
                    d.estimate.to_string(),
                    d.lo.to_string(),
                    d.hi.to_string(),
                    eff.runs.to_string(),
                    cfg.seed.to_string(),
                ])?;
            }
        }
    }
    Ok(String::from_utf8(w.into_inner()?)?)
}

/// The Markdown as a printable page: headings, paragraphs and quoted
/// evidence, A4 print styles, no script.
fn html(md: &str) -> String {
    let esc = |s: &str| {
        s.replace('&', "&amp;")
            .replace('<', "&lt;")
            .replace('>', "&gt;")
    };
    let inline = |s: &str| {
        let mut out = String::new();
        let e = esc(s);
        let mut bold = false;
        let mut ital = false;
        let mut chars = e.chars().peekable();
        while let Some(c) = chars.next() {
            if c == '*' && chars.peek() == Some(&'*') {
                chars.next();
                out.push_str(if bold { "</strong>" } else { "<strong>" });
                bold = !bold;
            } else if c == '*' {
                out.push_str(if ital { "</em>" } else { "<em>" });
                ital = !ital;
            } else {
                out.push(c);
            }
        }
        out
    };
    let mut body = String::new();
    let mut title = String::new();
    for block in md.split("\n\n") {
        let b = block.trim();
        if b.is_empty() {
            continue;
        }
        if let Some(h) = b.strip_prefix("# ") {
            title = esc(h);
            let _ = writeln!(body, "<h1>{}</h1>", inline(h));
        } else if let Some(h) = b.strip_prefix("## ") {
            let _ = writeln!(body, "<h2>{}</h2>", inline(h));
        } else if let Some(q) = b.strip_prefix("> ") {
            let _ = writeln!(body, "<p class=\"evidence\">{}</p>", inline(q));
        } else if b == "---" || b.starts_with("---\n") {
            let rest = b.trim_start_matches('-').trim();
            let _ = writeln!(body, "<hr><p class=\"note\">{}</p>", inline(rest));
        } else {
            let _ = writeln!(body, "<p>{}</p>", inline(b).replace('\n', "<br>"));
        }
    }
    format!(
        r#"<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>{title}</title>
<style>
  body {{ font-family: Georgia, "DejaVu Serif", serif; max-width: 46em; margin: 2em auto; padding: 0 1em; line-height: 1.45; color: #111; }}
  h1 {{ font-size: 1.6em; margin-bottom: 0.2em; }}
  h2 {{ font-size: 1.15em; margin: 1.2em 0 0.3em; border-bottom: 1px solid #999; }}
  p {{ margin: 0.3em 0; }}
  .evidence {{ font-family: "DejaVu Sans", Arial, sans-serif; font-size: 0.85em; color: #333; border-left: 3px solid #0072B2; padding-left: 0.6em; margin: 0.4em 0 0.4em 0.6em; }}
  .note {{ font-size: 0.8em; color: #444; }}
  @page {{ size: A4; margin: 15mm; }}
  @media print {{ body {{ margin: 0; max-width: none; font-size: 10pt; }} h2 {{ break-after: avoid; }} .evidence {{ break-inside: avoid; }} }}
</style>
</head>
<body>
{body}</body>
</html>
"#
    )
}
