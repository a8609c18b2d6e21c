//! A one-page draft governance charter for the coalition a scenario
//! describes (`coalsim charter`, and the charter button of `coalsim
//! serve`), each clause with the evidence of the simulations behind it.
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
use std::sync::atomic::AtomicBool;

use anyhow::Context;

use coalsim_core::scenario::{ScenarioFile, value_text};
use coalsim_core::stats::Diff;
use coalsim_core::study::compare::{Arm, CompareConfig, compare_until, measure};
use coalsim_core::study::explore::Spread;

/// A drafted charter: the page in Markdown and as printable HTML, and
/// every number on it as CSV.
#[derive(Debug, Clone)]
pub struct Charter {
    pub markdown: String,
    pub html: String,
    pub evidence_csv: String,
}

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
            "consent (a proposal passes unless a member cannot live with it, or raises a reasoned objection that it harms the coalition's aim and the members, having heard it, agree)"
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
            "Consent is the decision rule of sociocracy (Gerard Endenburg's consent principle, as practised by Sociocracy For All and Sociocracy 3.0): an objection must be reasoned and concern the coalition's aim, not a preference, unless the decision lies outside the member's range of tolerance.",
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
        words: if alt == "vote" {
            "admitting new organisations only by a vote of the members".into()
        } else {
            "open admission (any organisation that shares the goal may join)".into()
        },
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
            "removing a member after 3 weeks in a row without delivering".into()
        },
    });
    let rule = g("decision_rule")?;
    // The rules on the table: the file's `[explore.policy]` list of decision
    // rules when it has one (the rules `coalsim new` was told of), else all.
    let (_, varies) = coalsim_core::study::explore::from_file(file)?;
    let on_table: Option<Vec<String>> = varies
        .iter()
        .find(|v| v.key == "governance.decision_rule")
        .map(|v| v.values.iter().map(value_text).collect());
    for other in coalsim_core::scenario::DecisionRule::ALL.map(|r| r.name()) {
        let offered = on_table
            .as_ref()
            .is_none_or(|rules| rules.iter().any(|r| r == other));
        if value_text(&rule) != other && offered {
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
    if matches!(
        value_text(&rule).as_str(),
        "consensus" | "modified_consensus"
    ) {
        let limit = g("stand_aside_limit")?;
        let half = limit.as_float().is_some_and(|x| x < 1.0);
        c.push(Contrast {
            clause: 2,
            key: "governance.stand_aside_limit",
            chosen: limit,
            alternative: V::Float(if half { 1.0 } else { 0.5 }),
            words: if half {
                "no limit on how many may stand aside".into()
            } else {
                "a limit of half standing aside (a proposal more than half only tolerate is not ready)".into()
            },
        });
    }
    if value_text(&g("voting")?) == "attendees" {
        let quorum = g("quorum")?;
        let none = quorum.as_float().is_none_or(|x| x <= 0.0);
        c.push(Contrast {
            clause: 2,
            key: "governance.quorum",
            chosen: quorum,
            alternative: V::Float(if none { 0.5 } else { 0.0 }),
            words: if none {
                "a quorum of half the members with a vote".into()
            } else {
                "no quorum (whoever comes decides)".into()
            },
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
            "a sunset review (the coalition may close when its work stalls; a closing is not counted as reaching the goal)".into()
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
    stop: &AtomicBool,
) -> anyhow::Result<Option<Effect>> {
    let mut base: Vec<(String, toml::Value)> = at.iter().cloned().collect();
    let arm = |v: &toml::Value| -> anyhow::Result<Arm> {
        let mut o = base.clone();
        o.push((c.key.to_string(), v.clone()));
        Ok(Arm {
            name: value_text(v),
            scenario: file.with_overrides("charter", &o)?,
            settings: o.iter().map(|(k, v)| (k.clone(), value_text(v))).collect(),
            baseline: 0,
        })
    };
    let arms = vec![arm(&c.alternative)?, arm(&c.chosen)?];
    base.clear();
    let Some(cmp) = compare_until(&arms, cfg, |_, _, _| {}, |_| true, stop) else {
        return Ok(None);
    };
    let m_success = measure("success").expect("success measure");
    let m_hours = measure("hours_per_member_month").expect("hours measure");
    let measures = &coalsim_core::study::compare::MEASURES;
    Ok(Some(Effect {
        at,
        success: cmp.paired[1][m_success].interval(&measures[m_success], 0.95),
        hours: cmp.paired[1][m_hours].interval(&measures[m_hours], 0.95),
        runs: cfg.runs,
    }))
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

/// "+0.77 hours a month per member" (the estimate; its interval is in
/// evidence.csv).
fn hours(d: &Diff) -> String {
    if d.estimate == 0.0 && d.lo == 0.0 && d.hi == 0.0 {
        return "the same hours".into();
    }
    format!("{:+.2} hours a month per member", d.estimate)
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
                "No member is removed for not delivering.".into()
            } else {
                format!("A member that has not delivered its share for {v} weeks in a row is asked to leave.")
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
        "governance.stand_aside_limit" => {
            let share = c.chosen.as_float().unwrap_or(1.0);
            if share >= 1.0 {
                "Any number of members may stand aside: a proposal passes when no one blocks it.".into()
            } else {
                format!(
                    "A proposal is not ready, and is taken back for work, when more than {:.0}% of the members stand aside from it.",
                    share * 100.0
                )
            }
        }
        "governance.quorum" => {
            let share = c.chosen.as_float().unwrap_or(0.0);
            if share <= 0.0 {
                "Decisions are taken at meetings by the members present, however few come.".into()
            } else {
                format!(
                    "Decisions are taken at meetings by the members present, when at least {:.0}% of the members with a vote are there; otherwise the matter waits for the next meeting.",
                    share * 100.0
                )
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
                if v == "1" {
                    "All members meet to check in every week.".into()
                } else {
                    format!("All members meet to check in every {v} weeks.")
                }
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

/// The evidence of one contrast, short: "against ALTERNATIVE: +3.1 points
/// (95% interval +1.2 to +5.0), +0.10 hours a month per member; holds at
/// every end of the uncertain ranges".
fn evidence_words(file: &ScenarioFile, e: &Evidence) -> String {
    let mut t = format!("against {}: {}", e.contrast.words, points(&e.base.success));
    let _ = write!(t, ", {}", hours(&e.base.hours));
    if e.ends.is_empty() {
        return t;
    }
    // The ends where the effect changes, grouped by input ("not at X = 2
    // or 12; Y = 0"); their effects are rows of evidence.csv.
    let base = sign(&e.base.success);
    let mut breaks: Vec<(String, Vec<String>)> = Vec::new();
    for x in e.ends.iter().filter(|x| sign(&x.success) != base) {
        let (k, v) = x.at.as_ref().expect("an end");
        let label = file.key_label(k);
        match breaks.iter_mut().find(|(l, _)| *l == label) {
            Some((_, vs)) => vs.push(value_text(v)),
            None => breaks.push((label, vec![value_text(v)])),
        }
    }
    let places = breaks
        .iter()
        .map(|(l, vs)| format!("{l} = {}", vs.join(" or ")))
        .collect::<Vec<_>>()
        .join("; ");
    if breaks.is_empty() && base == 0 {
        t.push_str("; no clear effect anywhere in the uncertain ranges");
    } else if breaks.is_empty() {
        t.push_str("; holds across the uncertain ranges");
    } else if base == 0 {
        let _ = write!(t, "; clear only at {places}");
    } else {
        let _ = write!(t, "; not at {places}");
    }
    t
}

/// Runs every comparison of the charter for `file` (`runs` paired runs a
/// side, `seed`, on the current rayon pool) and writes the page. `None`
/// when `stop` was set meanwhile.
pub fn draft(
    file: &ScenarioFile,
    runs: u64,
    seed: u64,
    stop: &AtomicBool,
) -> anyhow::Result<Option<Charter>> {
    let cfg = CompareConfig {
        runs,
        seed,
        chunk: 256,
    };
    let ends = ends(file)?;
    let mut evidence = Vec::new();
    for c in contrasts(file)? {
        let Some(base) = measure_effect(file, &c, None, &cfg, stop)? else {
            return Ok(None);
        };
        let mut at = Vec::new();
        for e in &ends {
            let Some(x) = measure_effect(file, &c, Some(e.clone()), &cfg, stop)? else {
                return Ok(None);
            };
            at.push(x);
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
        baseline: 0,
    }];
    let Some(base) = compare_until(&arms, &cfg, |_, _, _| {}, |_| true, stop) else {
        return Ok(None);
    };
    let markdown = markdown(file, &evidence, &base.arms[0], &cfg);
    let html = html(&markdown);
    let evidence_csv = csv(&evidence, &cfg)?;
    Ok(Some(Charter {
        markdown,
        html,
        evidence_csv,
    }))
}

/// Contrasts whose measured effect the model is known to exaggerate, and
/// why (the page's caveat; docs/model.md describes each mechanism).
fn caveat(key: &str) -> Option<&'static str> {
    match key {
        "governance.checkin_every" => Some(
            "with no check-in and no result to show, members assume the worst of one another (calls and shared documents are not in the model), so a coalition that never meets rarely reaches its goal",
        ),
        "governance.remove_after" => Some(
            "removal counts weeks without delivering (not missed meetings) and removes a large funder as readily as anyone",
        ),
        _ => None,
    }
}

/// A clause's evidence as a quoted block: one line, or a list.
fn evidence_block(t: &mut String, words: &[String]) {
    match words {
        [] => {}
        [one] => {
            let _ = writeln!(t, "> Evidence: {one}.\n");
        }
        many => {
            let _ = writeln!(t, "> Evidence:\n>");
            for w in many {
                let _ = writeln!(t, "> - {w}");
            }
            let _ = writeln!(t);
        }
    }
}

/// The page; `base` is the coalition as described, over `cfg.runs` runs.
fn markdown(
    file: &ScenarioFile,
    evidence: &[Evidence],
    base: &coalsim_core::study::compare::ArmStats,
    cfg: &CompareConfig,
) -> String {
    let success = base.success(0.95);
    let s = &file.base;
    let mut t = String::new();
    let _ = writeln!(t, "# {} — draft governance charter\n", s.name);
    let _ = writeln!(
        t,
        "*A draft to discuss with every member, not legal advice.* Each clause is followed by what {} paired simulated runs of this coalition say about it (coalsim, seed {}): the clause against one alternative, in percentage points of the chance of reaching the goal within {} weeks, with its 95% interval, and where it stops holding across what you were unsure of. Every number under a clause is a row of evidence.csv.\n",
        cfg.runs, cfg.seed, s.max_rounds
    );
    // 1. Purpose.
    let _ = writeln!(t, "## 1. {}\n", CLAUSES[0]);
    let first = s.goal.milestones.first().copied();
    let _ = writeln!(
        t,
        "{}{}Our goal must be reached within {} weeks.{}\n",
        s.description,
        if s.description.is_empty() { "" } else { " " },
        s.max_rounds,
        first.map_or(String::new(), |f| format!(
            " Our first visible win: {:.0}% of the way there, to show members and the public that the coalition delivers.",
            100.0 * f
        ))
    );
    let _ = writeln!(
        t,
        "> As described, the coalition reaches its goal in {:.1}% of runs (95% interval {:.1}% to {:.1}%).\n",
        100.0 * success.estimate,
        100.0 * success.lo,
        100.0 * success.hi
    );
    let split = base.split_shares();
    if split.reported() {
        let _ = writeln!(
            t,
            "> **Often reached by fewer than half of the members**: in {:.1}% of runs ({:.1}% of those that reach the goal) the goal is reached with fewer than half of the most members the coalition had: more than half had left by the end. Not counting them, the coalition reaches its goal in {:.1}% of runs. The comparisons below count them as reaching the goal; read the clause on how we decide, and those on members and on leaving, with that in mind.\n",
            100.0 * split.of_runs,
            100.0 * split.of_successes,
            100.0 * split.kept
        );
    }
    if success.estimate < 0.05 {
        let _ = writeln!(
            t,
            "> **The goal is out of reach as described**: so few runs reach it that no clause below can be judged on reaching it. Try a smaller goal or a later deadline (`goal.size`, `max_rounds`) before agreeing the clauses.\n"
        );
    }
    let mut caveats: Vec<&str> = Vec::new();
    let clause_section = |t: &mut String, clause: usize, caveats: &mut Vec<&str>| {
        let items: Vec<&Evidence> = evidence
            .iter()
            .filter(|e| e.contrast.clause == clause)
            .collect();
        let mut seen = Vec::new();
        for e in &items {
            let d = describe_setting(&e.contrast);
            if !seen.contains(&d) {
                seen.push(d);
            }
        }
        let _ = writeln!(t, "{}\n", seen.join(" "));
        let words: Vec<String> = items
            .iter()
            .map(|e| {
                let mut w = evidence_words(file, e);
                if let Some(c) = caveat(e.contrast.key) {
                    w.push_str(" (see the note below)");
                    caveats.push(c);
                }
                w
            })
            .collect();
        evidence_block(t, &words);
    };
    // 2. Members.
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
        let _ = write!(t, "Organisations: {}. ", names.join("; "));
    }
    clause_section(&mut t, 1, &mut caveats);
    // 3. Decisions: the rule against every other rule in one paragraph.
    let _ = writeln!(t, "## 3. {}\n", CLAUSES[2]);
    let rule_items: Vec<&Evidence> = evidence.iter().filter(|e| e.contrast.clause == 2).collect();
    let mut seen: Vec<String> = Vec::new();
    for e in &rule_items {
        let d = describe_setting(&e.contrast);
        if !seen.contains(&d) {
            seen.push(d);
        }
    }
    let chosen = s.governance.decision_rule.name();
    let _ = write!(t, "{}", seen.join(" "));
    // A quorum is simulated only when decisions are taken at meetings.
    let meetings = s.governance.voting == coalsim_core::scenario::Voting::Attendees;
    let open = match (chosen == "modified_consensus", meetings) {
        (true, true) => "",
        (true, false) => " Quorum: *to agree together* (not simulated: every member is consulted).",
        (false, true) => {
            " Fallback when a proposal is blocked again and again: *to agree together*."
        }
        (false, false) => {
            " Fallback when a proposal is blocked again and again, and quorum: *to agree together*."
        }
    };
    let _ = writeln!(t, "{open}\n");
    let (rules, others): (Vec<&Evidence>, Vec<&Evidence>) = rule_items
        .into_iter()
        .partition(|e| e.contrast.key == "governance.decision_rule");
    let mut words: Vec<String> = rules
        .iter()
        .map(|e| {
            let alt = value_text(&e.contrast.alternative).replace('_', " ");
            evidence_words(file, e).replacen(
                &format!("against {}", e.contrast.words),
                &format!("against {alt}"),
                1,
            )
        })
        .collect();
    words.extend(others.iter().map(|e| evidence_words(file, e)));
    evidence_block(&mut t, &words);
    if let Some(c) = coalsim_core::power::capture(s) {
        let _ = writeln!(
            t,
            "> **Capture warning:** under this rule {}. The other members' votes never change an outcome.\n",
            c.words()
        );
    }
    if let Some(src) = rule_source(chosen) {
        let _ = writeln!(t, "{src}\n");
    }
    // The rules the simulations clearly favour over the one written, most
    // favoured first, with whether one member would decide alone under it;
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
            "**To discuss:** the simulations favour {} ({alt} above)",
            rule_words(&alt),
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
    for (n, clause) in [(3usize, 4usize), (4, 5), (5, 6), (6, 7), (7, 8)] {
        let _ = writeln!(t, "## {clause}. {}\n", CLAUSES[n]);
        clause_section(&mut t, n, &mut caveats);
    }
    let _ = writeln!(t, "---\n");
    let _ = write!(
        t,
        "*How to read the evidence:* the same random numbers drive both sides of each comparison; an interval that spans zero means the simulations cannot tell the two apart. \"Not at\" and \"clear only at\" name the ends of the ranges you were unsure of (the scenario's [explore] table) where the effect changes; its size there is in evidence.csv."
    );
    if !caveats.is_empty() {
        let _ = write!(
            t,
            " *Limits of the model, which these numbers exaggerate:* {}.",
            caveats.join("; ")
        );
    }
    let _ = writeln!(t);
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

/// The Markdown as a printable one-page HTML document (A4 or Letter): no
/// script, print styles that fit the page.
fn html(md: &str) -> String {
    let title = md
        .lines()
        .next()
        .and_then(|l| l.strip_prefix("# "))
        .unwrap_or("Draft governance charter");
    let esc = |s: &str| {
        s.replace('&', "&amp;")
            .replace('<', "&lt;")
            .replace('>', "&gt;")
    };
    let mut body = String::new();
    pulldown_cmark::html::push_html(&mut body, pulldown_cmark::Parser::new(md));
    format!(
        r#"<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>{title}</title>
<style>
  body {{ font-family: Georgia, "DejaVu Serif", serif; max-width: 48em; margin: 1.5em auto; padding: 0 1em; line-height: 1.35; color: #111; }}
  h1 {{ font-size: 1.45em; margin: 0 0 0.3em; }}
  h2 {{ font-size: 1.05em; margin: 0.8em 0 0.2em; border-bottom: 1px solid #999; }}
  p {{ margin: 0.25em 0; }}
  blockquote {{ font-family: "DejaVu Sans", Arial, sans-serif; font-size: 0.82em; color: #333; border-left: 3px solid #0072B2; padding-left: 0.5em; margin: 0.25em 0 0.25em 0.5em; }}
  blockquote p {{ margin: 0.1em 0; }}
  blockquote ul {{ margin: 0.1em 0; padding-left: 1.1em; }}
  hr {{ border: 0; border-top: 1px solid #999; margin: 0.8em 0 0.4em; }}
  hr ~ p {{ font-size: 0.78em; color: #444; }}
  @page {{ size: auto; margin: 11mm; }}
  @media print {{ body {{ margin: 0; max-width: none; padding: 0; font-size: 8.6pt; line-height: 1.2; }} h1 {{ font-size: 13pt; }} h2 {{ font-size: 9.6pt; margin-top: 0.5em; break-after: avoid; }} blockquote {{ break-inside: avoid; }} }}
</style>
</head>
<body>
{body}</body>
</html>
"#,
        title = esc(title)
    )
}

/// Simulated runs one side of a comparison stands for: the charter runs
/// this many arms of `runs` runs each (every contrast as described and at
/// each end of every uncertain range, two arms each, and the coalition as
/// described), for a server to weigh the work before it starts.
pub fn arms(file: &ScenarioFile) -> anyhow::Result<u64> {
    let contrasts = contrasts(file)?.len() as u64;
    let ends = ends(file)?.len() as u64;
    Ok(contrasts * (1 + ends) * 2 + 1)
}
