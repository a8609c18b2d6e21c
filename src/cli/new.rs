//! `coalsim new`: describe a coalition in the words its members use and get
//! a commented scenario file with an `[explore]` table of what is not known.
//!
//! The questions ask what a coordinator knows (the organisations by name,
//! what each wants on each issue, how much each issue matters to it, its
//! resources, whether it does what it promises, who already knows whom, the
//! deadline and urgency, how often to meet, how much of a member's week
//! goes on keeping in touch with each partner, how much of the joint work
//! is lost to coordinating and how much of a meeting reaches a member
//! second-hand, who carries out what is decided, how a member takes losing
//! a vote and how long it stays sore about it, how readily members walk
//! away when things go badly for a while, whether members bargain with
//! their vote, how long a blocked proposal is negotiated, how far one
//! proposal goes toward its proposer, what members weigh when they vote,
//! how many proposals would help the coalition, how well members judge
//! whether a proposal would help the coalition, how often discussion puts
//! right a member who misread a proposal, how differently members weigh the
//! same proposal, what a round of negotiating a blocked proposal costs
//! (each member's time, how far it concedes to the objectors, how much it
//! holds up the work), what is enough for one member to block a proposal
//! and how many may stand aside under consensus, which of the seven rules
//! are on the table): the settings that decide which rule does best
//! (docs/model.md, "How a user estimates the settings that decide the
//! answer") — size, camps and intense minorities (what each wants and how
//! much it cares), how concentrated resources are and on which side, who
//! carries out the work, the deadline and urgency. Every answer is a word from a short list; "not sure" is allowed
//! for every quantity and becomes a range in `[explore.uncertain]` (a stance
//! or an issue's weight, one entry of a list `explore` cannot vary, becomes
//! the middle value, and the file says so). Interactive prompts
//! (dialoguer) and `--answers FILE` (the same answers as TOML) fill the same
//! [`Answers`], checked and written by
//! [`coalsim_core::scenario::describe`] — the code the "Describe your
//! coalition" page of `coalsim serve` calls too.

use std::io::IsTerminal;
use std::path::PathBuf;

use anyhow::{Context, bail};
use clap::Args;

use coalsim_core::scenario::describe::{
    AnswerError, Answers, BARGAINING, BLOCKING, BLOCKING_DEFAULT, CARES, COMMON_GOOD, CONCESSIONS,
    COORDINATION, COORDINATION_DEFAULT, DELIVERS, DISCUSSION, FIRST_WIN, GOAL, GRUDGE,
    GRUDGE_DEFAULT, HOLDUP, JUDGMENT, JUDGMENT_DEFAULT, LEAVING, LEAVING_DEFAULT, LOST_VOTE,
    MEETINGS, NEGOTIATION, NEGOTIATION_HOURS, NOT_SURE, Organisation, PROPOSAL_RECORD,
    PROPOSAL_RECORD_DEFAULT, PROPOSAL_SIZE, RESOURCES, ROLES, RULE_WORDS, RULES, SECOND_HAND,
    SECOND_HAND_DEFAULT, SHOCKS, STAND_ASIDE, STAND_ASIDE_DEFAULT, TRUST, URGENCY, VOTING, WANTS,
    WEIGHING, WEIGHING_DEFAULT, WORK, WORK_LOST, WORK_LOST_DEFAULT, WORK_RUNS_ON, question,
};
use coalsim_report::files::write_atomic;

/// Arguments of `coalsim new`.
#[derive(Debug, Args)]
#[command(after_help = "Examples:\n  \
    coalsim new                       (asks the questions in the terminal)\n  \
    coalsim new --answers docs/eastside-answers.toml --out eastside.toml")]
pub struct NewArgs {
    /// Read the answers from this TOML file instead of asking (its keys are
    /// the "answers-file key" column of docs/rule-chooser.md; an example is
    /// docs/eastside-answers.toml).
    #[arg(long, value_name = "FILE")]
    pub answers: Option<PathBuf>,
    /// The scenario file to write.
    #[arg(long, default_value = "coalition.toml", value_name = "FILE")]
    pub out: PathBuf,
    /// Replace the file if it exists.
    #[arg(long)]
    pub force: bool,
    /// Also save the answers typed in the terminal to this file (to edit
    /// and replay with --answers).
    #[arg(long, value_name = "FILE")]
    pub save_answers: Option<PathBuf>,
}

/// Runs `coalsim new`.
pub fn run(args: &NewArgs) -> anyhow::Result<()> {
    if args.out.exists() && !args.force {
        bail!(
            "{}: already exists; give another --out, or --force to replace it",
            args.out.display()
        );
    }
    let mut answers_text = None;
    let answers = match &args.answers {
        Some(path) => {
            let text = std::fs::read_to_string(path)
                .with_context(|| format!("{}: cannot read", path.display()))?;
            let a = toml::from_str::<Answers>(&text)
                .map_err(|e| anyhow::anyhow!("{}: {}", path.display(), e.to_string().trim_end()))?;
            answers_text = Some(text);
            a
        }
        None => {
            if !std::io::stdin().is_terminal() {
                bail!(
                    "no terminal to ask the questions in; give --answers FILE (see docs/rule-chooser.md)"
                );
            }
            let a = ask()?;
            if let Some(p) = &args.save_answers {
                write_atomic(p, toml::to_string_pretty(&a)?.as_bytes())?;
            }
            a
        }
    };
    let text =
        coalsim_core::scenario::describe::scenario(&answers, &args.out.display().to_string())
            .map_err(|e| match (&args.answers, answers_text.as_deref()) {
                (Some(p), Some(file_text)) => match e.downcast_ref::<AnswerError>() {
                    // Where the answer is in the file, and the question it
                    // answers.
                    Some(refused) => anyhow::anyhow!(
                        "{}: {e}\n  (the question: {})",
                        coalsim_core::scenario::locate_field(
                            &p.display().to_string(),
                            file_text,
                            &refused.path
                        ),
                        refused.question(&answers)
                    ),
                    None => anyhow::anyhow!("{}: {e}", p.display()),
                },
                _ => e,
            })?;
    write_atomic(&args.out, text.as_bytes())?;
    println!(
        "Wrote {} ({} organisations, {} issue(s)).\nNext: coalsim explore {0}\n      coalsim charter {0}",
        args.out.display(),
        answers.organisation.len(),
        answers.issues.len()
    );
    Ok(())
}

/// The questions in the terminal.
fn ask() -> anyhow::Result<Answers> {
    use dialoguer::{Confirm, Input, Select};
    let choose = |prompt: &str, items: &[&str], default: usize| -> anyhow::Result<String> {
        let i = Select::new()
            .with_prompt(prompt)
            .items(items)
            .default(default)
            .interact()?;
        Ok(items[i].to_string())
    };
    let with_not_sure = |table: Vec<&'static str>| {
        let mut v = table;
        v.push(NOT_SURE);
        v
    };
    let words = |t: &[(&'static str, f64)]| t.iter().map(|(w, _)| *w).collect::<Vec<_>>();
    // A question answered by a word of its table, or "not sure".
    let pick = |id: &str, table: &[(&'static str, f64)], default: usize| {
        choose(question(id), &with_not_sure(words(table)), default)
    };
    let name: String = Input::new().with_prompt(question("name")).interact_text()?;
    let purpose: String = Input::new()
        .with_prompt(question("purpose"))
        .interact_text()?;
    let issues: String = Input::new()
        .with_prompt(question("issues"))
        .interact_text()?;
    let issues: Vec<String> = issues
        .split(',')
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
        .collect();
    let goal = choose(
        &question("goal").replace("ISSUE", issues.first().map_or("the goal", |s| s)),
        &with_not_sure(words(&GOAL)),
        1,
    )?;
    let first_win = choose(question("first_win"), &FIRST_WIN.map(|(w, _)| w), 0)?;
    let deadline: String = Input::new()
        .with_prompt(question("deadline_weeks"))
        .default("104".into())
        // Asked again at once, not refused after every other question.
        .validate_with(|text: &String| -> Result<(), String> {
            let t = text.trim();
            match t.parse::<i64>() {
                Ok(w) if (4..=520).contains(&w) => Ok(()),
                _ if t == NOT_SURE => Ok(()),
                _ => Err(format!(
                    "\"{t}\" is not an answer; allowed: a whole number of weeks from 4 to 520, or \"{NOT_SURE}\""
                )),
            }
        })
        .interact_text()?;
    let deadline_weeks = match deadline.trim().parse::<i64>() {
        Ok(w) => toml::Value::Integer(w),
        Err(_) => toml::Value::String(deadline.trim().to_string()),
    };
    let urgency = pick("urgency", &URGENCY, 1)?;
    let meetings = choose(
        question("meetings"),
        &with_not_sure(MEETINGS.map(|(w, _)| w).to_vec()),
        1,
    )?;
    let coordination = pick("coordination", &COORDINATION, COORDINATION_DEFAULT)?;
    let work_lost = pick("work_lost", &WORK_LOST, WORK_LOST_DEFAULT)?;
    let second_hand = pick("second_hand", &SECOND_HAND, SECOND_HAND_DEFAULT)?;
    let outside_shocks = pick("outside_shocks", &SHOCKS, 1)?;
    let trust_strangers = pick("trust_strangers", &TRUST, 1)?;
    let work = pick("work", &WORK, 1)?;
    let work_runs_on = pick("work_runs_on", &WORK_RUNS_ON, 1)?;
    let lost_vote = pick("lost_vote", &LOST_VOTE, 1)?;
    let grudge = pick("grudge", &GRUDGE, GRUDGE_DEFAULT)?;
    let leaving = pick("leaving", &LEAVING, LEAVING_DEFAULT)?;
    let bargaining = pick("bargaining", &BARGAINING, 0)?;
    let negotiation = choose(
        question("negotiation"),
        &with_not_sure(NEGOTIATION.map(|(w, _)| w).to_vec()),
        1,
    )?;
    let proposal_size = pick("proposal_size", &PROPOSAL_SIZE, 1)?;
    let common_good = pick("common_good", &COMMON_GOOD, 1)?;
    let proposal_record = pick("proposal_record", &PROPOSAL_RECORD, PROPOSAL_RECORD_DEFAULT)?;
    let judgment = pick("judgment", &JUDGMENT, JUDGMENT_DEFAULT)?;
    let discussion = pick("discussion", &DISCUSSION, 1)?;
    let weighing = pick("weighing", &WEIGHING, WEIGHING_DEFAULT)?;
    let negotiation_hours = pick("negotiation_hours", &NEGOTIATION_HOURS, 1)?;
    let concessions = pick("concessions", &CONCESSIONS, 1)?;
    let holdup = pick("holdup", &HOLDUP, 1)?;
    let blocking = pick("blocking", &BLOCKING, BLOCKING_DEFAULT)?;
    let stand_aside = pick("stand_aside", &STAND_ASIDE, STAND_ASIDE_DEFAULT)?;
    let voting = choose(
        question("voting"),
        &with_not_sure(VOTING.map(|(w, _)| w).to_vec()),
        0,
    )?;
    let mut organisation: Vec<Organisation> = Vec::new();
    loop {
        let n = organisation.len() + 1;
        let oname: String = Input::new()
            .with_prompt(question("organisation.name").replace("ORG", &n.to_string()))
            .allow_empty(true)
            .interact_text()?;
        if oname.trim().is_empty() {
            if organisation.len() >= 2 {
                break;
            }
            continue;
        }
        let role = choose(
            &question("organisation.role").replace("ORG", &oname),
            &ROLES,
            if n == 1 { 0 } else { 2 },
        )?;
        let resources = choose(
            &question("organisation.resources").replace("ORG", &oname),
            &with_not_sure(words(&RESOURCES)),
            1,
        )?;
        let delivers = choose(
            &question("organisation.delivers").replace("ORG", &oname),
            &with_not_sure(words(&DELIVERS)),
            1,
        )?;
        let mut wants = Vec::new();
        let mut cares = Vec::new();
        for issue in &issues {
            wants.push(choose(
                &question("organisation.wants")
                    .replace("ORG", &oname)
                    .replace("ISSUE", issue),
                &with_not_sure(words(&WANTS)),
                0,
            )?);
            cares.push(choose(
                &question("organisation.cares")
                    .replace("ORG", &oname)
                    .replace("ISSUE", issue),
                &with_not_sure(words(&CARES)),
                0,
            )?);
        }
        let mut knows = Vec::new();
        for other in &organisation {
            if Confirm::new()
                .with_prompt(format!("Does {oname} already work with {}?", other.name))
                .default(false)
                .interact()?
            {
                knows.push(other.name.clone());
            }
        }
        organisation.push(Organisation {
            name: oname,
            role,
            resources,
            delivers,
            wants,
            cares,
            knows,
        });
    }
    let mut rules = Vec::new();
    for (r, words) in RULES.iter().zip(RULE_WORDS) {
        if Confirm::new()
            .with_prompt(format!("Compare the rule {words}?"))
            .default(true)
            .interact()?
        {
            rules.push(r.to_string());
        }
    }
    let i = Select::new()
        .with_prompt(question("draft_rule"))
        .items(RULE_WORDS)
        .default(1)
        .interact()?;
    let draft_rule = RULES[i].to_string();
    Ok(Answers {
        name,
        purpose,
        issues,
        goal,
        first_win,
        deadline_weeks,
        urgency,
        meetings,
        coordination: Some(coordination),
        work_lost: Some(work_lost),
        second_hand: Some(second_hand),
        outside_shocks,
        trust_strangers,
        work,
        work_runs_on: Some(work_runs_on),
        lost_vote,
        grudge: Some(grudge),
        leaving: Some(leaving),
        bargaining: Some(bargaining),
        negotiation: Some(negotiation),
        proposal_size: Some(proposal_size),
        common_good: Some(common_good),
        proposal_record: Some(proposal_record),
        judgment: Some(judgment),
        discussion: Some(discussion),
        weighing: Some(weighing),
        negotiation_hours: Some(negotiation_hours),
        concessions: Some(concessions),
        holdup: Some(holdup),
        blocking: Some(blocking),
        stand_aside: Some(stand_aside),
        voting,
        rules,
        draft_rule,
        organisation,
    })
}
