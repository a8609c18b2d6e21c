//! `coalsim new`: the questionnaire played from an answers file writes the
//! scenario the answers describe.

use assert_cmd::Command;

fn coalsim() -> Command {
    let mut c = Command::cargo_bin("coalsim").unwrap();
    c.current_dir(env!("CARGO_MANIFEST_DIR"));
    c
}

#[test]
fn the_questionnaire_from_an_answers_file_writes_the_scenario() {
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join("eastside.toml");
    let out = coalsim()
        .args(["new", "--answers", "docs/eastside-answers.toml", "--out"])
        .arg(&path)
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}");
    let text = std::fs::read_to_string(&path).unwrap();
    let file = coalsim_core::scenario::ScenarioFile::load(coalsim_core::scenario::Source {
        name: "eastside.toml".into(),
        text: text.clone(),
    })
    .unwrap();
    let s = &file.base;
    assert_eq!(s.name, "Eastside Community Centre Coalition");
    assert_eq!(s.agent.len(), 8);
    assert_eq!(s.population.count, 0);
    assert_eq!(s.issues, 2);
    assert_eq!(s.max_rounds, 104);
    let funder = &s.agent[0];
    assert_eq!(funder.name, "Eastside Foundation");
    assert!(funder.founder);
    // "very large (a funder)", "for" / "neutral", "somewhat" / "a little".
    assert_eq!(funder.resources, 6.0);
    assert_eq!(funder.position, vec![0.5, 0.0]);
    assert_eq!(funder.salience, vec![0.5, 0.2]);
    assert_eq!(funder.reliability, 0.95);
    assert!(s.agent[1].member && !s.agent[3].member);
    assert_eq!(
        s.agent[1].knows,
        vec!["Eastside Foundation", "Riverbend Tenants"]
    );
    // Medium goal: 14 weeks of everyone's effort; the not-sure resources of
    // Harbor Youth Center count as medium (0.8).
    let total = 6.0 + 0.4 + 0.4 + 0.8 + 0.4 + 0.8 + 0.4 + 0.8;
    assert!((s.goal.size - 14.0 * total).abs() < 1e-6, "{}", s.goal.size);
    assert_eq!(s.goal.milestones, vec![0.1]);
    assert_eq!(s.governance.decision_rule.name(), "majority");
    assert_eq!(s.governance.checkin_every, 2);
    // "the members' own volunteers" carry out the work; a lost vote "minds".
    assert_eq!(s.dynamics.implementation_need, 0.95);
    // The work runs on "money and members' own time": each organisation's
    // share of the work follows its resources halfway.
    assert_eq!(s.population.work_follows_resources, 0.5);
    assert_eq!(s.dynamics.outvoted_cost, 0.05);
    // Each "not sure" is a range in [explore.uncertain]; the rules on the
    // table are the policies.
    assert!(
        text.contains("\"agent.5.resources\" = \"0.4..1.5\""),
        "{text}"
    );
    assert!(
        text.contains("\"agent.7.reliability\" = \"0.6..0.95\""),
        "{text}"
    );
    assert!(text.contains("\"shocks.rate\" = \"0.01..0.08\""), "{text}");
    assert!(
        text.contains("\"trust.strangers\" = \"0.25..0.6\""),
        "{text}"
    );
    // "every member is consulted": no decision meetings, no quorum.
    assert_eq!(s.governance.voting.name(), "everyone");
    assert_eq!(s.governance.quorum, 0.0);
    let (unc, pol) = coalsim_core::study::explore::from_file(&file).unwrap();
    assert_eq!(unc.len(), 4);
    assert_eq!(pol[0].values.len(), 7);
    // Every answer is beside its number.
    assert!(
        text.contains("resources = 6.0   # very large (a funder)"),
        "{text}"
    );
    // It refuses to overwrite, and a wrong word is named with the allowed ones.
    let again = coalsim()
        .args(["new", "--answers", "docs/eastside-answers.toml", "--out"])
        .arg(&path)
        .output()
        .unwrap();
    assert_eq!(again.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&again.stderr).contains("already exists"));
    let err = refused(
        tmp.path(),
        &std::fs::read_to_string("docs/eastside-answers.toml")
            .unwrap()
            .replacen("resources = \"small\"", "resources = \"tiny\"", 1),
    );
    assert!(
        err.contains("organisation 2 (Maple Street Block Club): resources: \"tiny\" is not an answer; allowed: \"small\", \"medium\", \"large\", \"very large (a funder)\", \"not sure\""),
        "{err}"
    );
}

/// A refused answer is named by where it is in the answers file (line and
/// column) and by the question it answers, in the terminal's words, with
/// the organisation and the issue filled in.
#[test]
fn a_refused_answer_names_its_line_and_its_question() {
    let tmp = tempfile::tempdir().unwrap();
    let answers = std::fs::read_to_string("docs/eastside-answers.toml").unwrap();
    let line_of = |text: &str, needle: &str| {
        1 + text
            .lines()
            .position(|l| l.contains(needle))
            .expect("the answer is in the file")
    };
    for (from, to, question) in [
        (
            "goal = \"medium\"",
            "goal = \"vast\"",
            "(the question: How big is \"Reopen the community centre\"?)",
        ),
        (
            "wants = [\"strongly for\", \"for\"]",
            "wants = [\"strongly for\", \"very for\"]",
            "(the question: Maple Street Block Club on \"Street safety\")",
        ),
        (
            "deadline_weeks = 104",
            "deadline_weeks = 2",
            "(the question: Weeks until the deadline (or \"not sure\"))",
        ),
    ] {
        let bad = answers.replacen(from, to, 1);
        assert_ne!(bad, answers, "{from}");
        let err = refused(tmp.path(), &bad);
        let at = format!("bad.toml:{}:", line_of(&bad, to));
        assert!(err.contains(&at), "{at} in {err}");
        assert!(err.contains(question), "{question} in {err}");
    }
}

/// `coalsim new --answers` on the answers `text` (written to `dir/NAME.toml`):
/// the scenario it writes (to `dir/NAME-out.toml`), as text and loaded.
fn written_from(
    dir: &std::path::Path,
    name: &str,
    text: &str,
) -> (String, coalsim_core::scenario::ScenarioFile) {
    let input = dir.join(format!("{name}.toml"));
    std::fs::write(&input, text).unwrap();
    let path = dir.join(format!("{name}-out.toml"));
    let out = coalsim()
        .args(["new", "--answers"])
        .arg(&input)
        .arg("--out")
        .arg(&path)
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}");
    let written = std::fs::read_to_string(&path).unwrap();
    let file = coalsim_core::scenario::ScenarioFile::load(coalsim_core::scenario::Source {
        name: "out.toml".into(),
        text: written.clone(),
    })
    .unwrap();
    (written, file)
}

/// `coalsim new --answers` on answers it must refuse (written to
/// `dir/bad.toml`): exit 1, no scenario written, and its error.
fn refused(dir: &std::path::Path, text: &str) -> String {
    let bad = dir.join("bad.toml");
    std::fs::write(&bad, text).unwrap();
    let out = coalsim()
        .args(["new", "--answers"])
        .arg(&bad)
        .arg("--out")
        .arg(dir.join("x.toml"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(!dir.join("x.toml").exists());
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// The answer to "Who votes on a proposal?" becomes `governance.voting` and
/// `governance.quorum`; "not sure" explores the quorum; an answers file
/// written before the question existed means every member is consulted.
#[test]
fn who_votes_becomes_voting_and_a_quorum() {
    let tmp = tempfile::tempdir().unwrap();
    let answers = std::fs::read_to_string("docs/eastside-answers.toml").unwrap();
    for (i, (answer, voting, quorum, explored)) in [
        (
            Some("those at the meeting, if half are there"),
            "attendees",
            0.5,
            false,
        ),
        (Some("not sure"), "attendees", 0.0, true),
        (None, "everyone", 0.0, false),
    ]
    .into_iter()
    .enumerate()
    {
        let text = match answer {
            Some(a) => answers.replacen(
                "voting = \"every member is consulted\"",
                &format!("voting = \"{a}\""),
                1,
            ),
            None => answers.replacen("voting = \"every member is consulted\"\n", "", 1),
        };
        assert_ne!(text, answers);
        let (written, file) = written_from(tmp.path(), &format!("answers{i}"), &text);
        assert_eq!(file.base.governance.voting.name(), voting, "{written}");
        assert_eq!(file.base.governance.quorum, quorum, "{written}");
        assert_eq!(
            written.contains("\"governance.quorum\" = \"0.0..0.67\""),
            explored,
            "{written}"
        );
    }
}

/// The answer to "What does the coalition's work run on?" becomes
/// `population.work_follows_resources`; "not sure" explores it from 0 to 1;
/// an answers file written before the question existed means the money
/// members bring (each member's share of the work is its share of the
/// resources, as the model had it then).
#[test]
fn what_the_work_runs_on_becomes_how_far_the_work_follows_resources() {
    let tmp = tempfile::tempdir().unwrap();
    let answers = std::fs::read_to_string("docs/eastside-answers.toml").unwrap();
    let asked = "work_runs_on = \"money and members' own time\"";
    assert!(answers.contains(asked));
    for (i, (answer, follows, explored)) in [
        (Some("members' own time"), 0.0, false),
        // As a word processor types the apostrophe.
        (Some("members’ own time"), 0.0, false),
        (Some("the money members bring"), 1.0, false),
        (Some("not sure"), 0.5, true),
        (None, 1.0, false),
    ]
    .into_iter()
    .enumerate()
    {
        let text = match answer {
            Some(a) => answers.replacen(asked, &format!("work_runs_on = \"{a}\""), 1),
            None => answers.replacen(&format!("{asked}\n"), "", 1),
        };
        assert_ne!(text, answers);
        let (written, file) = written_from(tmp.path(), &format!("answers{i}"), &text);
        assert_eq!(
            file.base.population.work_follows_resources, follows,
            "{written}"
        );
        // An answers file from before the question says it was not answered.
        assert_eq!(
            written.contains("# the work runs on: the money members bring (not answered"),
            answer.is_none(),
            "{written}"
        );
        assert_eq!(
            written.contains("\"population.work_follows_resources\" = \"0.0..1.0\""),
            explored,
            "{written}"
        );
    }
    // Staff carry out the decisions yet the work runs on members' own time:
    // written as answered, with a note on the two answers.
    let odd = answers
        .replacen(asked, "work_runs_on = \"members' own time\"", 1)
        .replacen(
            "work = \"the members' own volunteers\"",
            "work = \"staff or contractors\"",
            1,
        );
    let (written, _) = written_from(tmp.path(), "odd", &odd);
    assert!(
        written.contains("# Note: staff or contractors carry out the decisions, yet the work runs on members' own time"),
        "{written}"
    );
    // A word not on the list is refused, naming the question and the words.
    let err = refused(
        tmp.path(),
        &answers.replacen(asked, "work_runs_on = \"grants\"", 1),
    );
    assert!(
        err.contains("work_runs_on: \"grants\" is not an answer; allowed: \"the money members bring\", \"money and members' own time\", \"members' own time\", \"not sure\""),
        "{err}"
    );
}

/// The Eastside answers with `key = "answer"` added after the question
/// before it (`lost_vote`), or as they are for `None` (an answers file
/// written before the question existed).
fn answered(answers: &str, key: &str, answer: Option<&str>) -> String {
    let after = "lost_vote = \"minds\"\n";
    assert!(answers.contains(after));
    match answer {
        Some(a) => answers.replacen(after, &format!("{after}{key} = \"{a}\"\n"), 1),
        None => answers.to_string(),
    }
}

/// The answer to "When a decision needs a member's support, does it hold it
/// back to win a change?" becomes `dynamics.holdout`; "not sure" explores
/// it from never to often; an answers file written before the question
/// existed means members vote as they see it, and nothing is written.
#[test]
fn whether_members_bargain_becomes_how_often_they_hold_out() {
    let tmp = tempfile::tempdir().unwrap();
    let answers = std::fs::read_to_string("docs/eastside-answers.toml").unwrap();
    assert!(!answers.contains("bargaining"));
    for (i, (answer, holdout, explored)) in [
        (Some("often"), 0.5, false),
        (Some("now and then"), 0.2, false),
        (Some("members vote as they see it"), 0.0, false),
        (Some("not sure"), 0.2, true),
        (None, 0.0, false),
    ]
    .into_iter()
    .enumerate()
    {
        let text = answered(&answers, "bargaining", answer);
        let (written, file) = written_from(tmp.path(), &format!("answers{i}"), &text);
        assert_eq!(file.base.dynamics.holdout, holdout, "{written}");
        assert_eq!(
            written.contains("holdout = "),
            answer.is_some(),
            "{written}"
        );
        assert_eq!(
            written.contains("\"dynamics.holdout\" = \"0.0..0.5\""),
            explored,
            "{written}"
        );
    }
    let err = refused(
        tmp.path(),
        &answered(&answers, "bargaining", Some("always")),
    );
    assert!(
        err.contains("bargaining: \"always\" is not an answer; allowed: \"members vote as they see it\", \"now and then\", \"often\", \"not sure\""),
        "{err}"
    );
    assert!(
        err.contains("does it hold it back to win a change"),
        "{err}"
    );
}

/// The answer to "When members block a proposal, how long does the
/// coalition keep working on it before dropping it?" becomes
/// `dynamics.amendments`, a whole number of rounds; "not sure" explores
/// it over the whole numbers from one to three (an integer range
/// `explore` samples as integers); an answers file written before the
/// question existed means one more meeting, the model's default, and
/// nothing is written.
#[test]
fn how_long_a_blocked_proposal_is_negotiated_becomes_its_rounds_of_amendment() {
    use coalsim_core::study::explore::{Spread, from_file};
    let tmp = tempfile::tempdir().unwrap();
    let answers = std::fs::read_to_string("docs/eastside-answers.toml").unwrap();
    assert!(!answers.contains("negotiation"));
    for (i, (answer, rounds, explored)) in [
        (Some("drops it at once"), 0, false),
        (Some("one more meeting"), 1, false),
        (Some("two more meetings"), 2, false),
        (Some("three meetings or more"), 3, false),
        (Some("not sure"), 1, true),
        (None, 1, false),
    ]
    .into_iter()
    .enumerate()
    {
        let text = answered(&answers, "negotiation", answer);
        let (written, file) = written_from(tmp.path(), &format!("answers{i}"), &text);
        assert_eq!(file.base.dynamics.amendments, rounds, "{written}");
        assert_eq!(
            written.contains(&format!(
                "amendments = {rounds}   # a blocked proposal is negotiated before it is dropped: {}",
                answer.unwrap_or("")
            )),
            answer.is_some(),
            "{written}"
        );
        assert_eq!(
            written.contains("\"dynamics.amendments\" = \"1..3\""),
            explored,
            "{written}"
        );
        let (uncertain, _) = from_file(&file).unwrap();
        let spread = uncertain
            .iter()
            .find(|u| u.key == "dynamics.amendments")
            .map(|u| u.spread.clone());
        assert_eq!(
            spread,
            explored.then_some(Spread::Integer { lo: 1, hi: 3 }),
            "{written}"
        );
    }
    let err = refused(
        tmp.path(),
        &answered(&answers, "negotiation", Some("forever")),
    );
    assert!(
        err.contains("negotiation: \"forever\" is not an answer; allowed: \"drops it at once\", \"one more meeting\", \"two more meetings\", \"three meetings or more\", \"not sure\""),
        "{err}"
    );
    assert!(
        err.contains("(the question: When members block a proposal, how long does the coalition keep working on it before dropping it?)"),
        "{err}"
    );
}

/// The answer to "How far does one proposal usually go toward what its
/// proposer wants?" becomes `dynamics.proposal_step`; "not sure" explores
/// it from a small step to most of the way (a range `explore` samples); an
/// answers file written before the question existed means half-way, the
/// model's default, and nothing is written.
#[test]
fn how_far_a_proposal_goes_becomes_its_step() {
    a_question_becomes_its_setting(SettingQuestion {
        key: "proposal_size",
        setting: "dynamics.proposal_step",
        default: 1,
        comment: "one proposal goes toward what its proposer wants",
        table: [
            ("a small step", 0.25),
            ("half-way", 0.5),
            ("most of the way", 0.75),
        ],
        range: ("0.25..0.75", 0.25, 0.75),
        refused_word: "all the way",
        allowed: "\"a small step\", \"half-way\", \"most of the way\", \"not sure\"",
        question: "How far does one proposal usually go toward what its proposer wants?",
    });
}

/// The answer to "When members vote, what do they weigh: their own
/// organisation's stake, or what the coalition needs?" becomes
/// `dynamics.merit_weight` (against `interest_weight` 1); "not sure"
/// explores it from half the default to twice it; an answers file written
/// before the question existed means the model's default, and nothing is
/// written.
#[test]
fn what_members_weigh_in_a_vote_becomes_the_weight_of_merit() {
    a_question_becomes_its_setting(SettingQuestion {
        key: "common_good",
        setting: "dynamics.merit_weight",
        default: 1,
        comment: "what members weigh when they vote",
        table: [
            ("their own stake", 0.075),
            (
                "their own stake, the coalition's needs tip close calls",
                0.15,
            ),
            ("the coalition's needs as much as their own stake", 0.3),
        ],
        range: ("0.075..0.3", 0.075, 0.3),
        refused_word: "the common good",
        allowed: "\"their own stake\", \"their own stake, the coalition's needs tip close calls\", \"the coalition's needs as much as their own stake\", \"not sure\"",
        question: "When members vote, what do they weigh: their own organisation's stake, or what the coalition needs?",
    });
}

/// The answer to "When a member has misread whether a proposal would help
/// the coalition, how often does the discussion put them right?" becomes
/// `dynamics.pooling`; "not sure" explores it from half the default to
/// twice it; an answers file written before the question existed means
/// sometimes, the model's default, and nothing is written.
#[test]
fn how_often_discussion_puts_a_member_right_becomes_the_pooling() {
    a_question_becomes_its_setting(SettingQuestion {
        key: "discussion",
        setting: "dynamics.pooling",
        default: 1,
        comment: "discussion puts right a member who misjudged a proposal",
        table: [
            ("rarely (members mostly keep the view they came with)", 0.15),
            ("sometimes", 0.3),
            ("often (members listen and change their minds)", 0.6),
        ],
        range: ("0.15..0.6", 0.15, 0.6),
        refused_word: "always",
        allowed: "\"rarely (members mostly keep the view they came with)\", \"sometimes\", \"often (members listen and change their minds)\", \"not sure\"",
        question: "When a member has misread whether a proposal would help the coalition, how often does the discussion put them right?",
    });
}

/// The answer to "How well do members judge whether a proposal would help
/// the coalition?" becomes each organisation's `judgment`, the chance it
/// judges a proposal rightly (a file `coalsim new` writes names every
/// organisation and generates none, so `population.judgment`, the range
/// generated members draw from, would reach no one); "not sure" writes the
/// middle answer, a named organisation's default, and explores each
/// organisation's judgment from 0.5 to 0.95, the span the rule map
/// samples; an answers file written before the question existed writes
/// nothing, byte for byte as before. Every file written passes `coalsim
/// check`.
#[test]
fn how_well_members_judge_a_proposal_becomes_each_organisations_judgment() {
    use coalsim_core::study::explore::{Spread, from_file};
    let tmp = tempfile::tempdir().unwrap();
    let answers = std::fs::read_to_string("docs/eastside-answers.toml").unwrap();
    assert!(!answers.contains("judgment"));
    let (before, _) = written_from(tmp.path(), "old", &answers);
    assert!(!before.contains("judgment"), "{before}");
    let comment = "the chance it judges rightly whether a proposal would help the coalition";
    for (i, (answer, judgment, explored)) in [
        (Some("members new to the field (often wrong)"), 0.6, false),
        (Some("members who follow the issues part-time"), 0.75, false),
        (Some("specialists who share information"), 0.9, false),
        (Some("not sure"), 0.75, true),
        (None, 0.75, false),
    ]
    .into_iter()
    .enumerate()
    {
        let text = answered(&answers, "judgment", answer);
        let (written, file) = written_from(tmp.path(), &format!("answers{i}"), &text);
        let n = file.base.agent.len();
        assert_eq!(file.base.population.count, 0, "{written}");
        for a in &file.base.agent {
            assert_eq!(a.judgment, judgment, "{written}");
        }
        match answer {
            Some(a) => {
                // One line in each organisation's table, after how reliably
                // it delivers; nothing else changes but the ranges explored.
                let line = format!("judgment = {judgment:?}   # {comment}: {a}");
                let lines: Vec<&str> = written.lines().collect();
                let at: Vec<usize> = (0..lines.len()).filter(|&k| lines[k] == line).collect();
                assert_eq!(at.len(), n, "{written}");
                for k in at {
                    assert!(lines[k - 1].starts_with("reliability = "), "{written}");
                }
                assert_eq!(
                    lines.len(),
                    before.lines().count() + n * (1 + usize::from(explored)),
                    "{written}"
                );
            }
            None => assert_eq!(written, before),
        }
        assert_eq!(
            written.contains("\"agent.0.judgment\" = \"0.5..0.95\"   # how well Eastside Foundation judges whether a proposal would help the coalition (not sure: members new to the field to specialists)"),
            explored,
            "{written}"
        );
        let (uncertain, _) = from_file(&file).unwrap();
        let judged: Vec<_> = uncertain
            .iter()
            .filter(|u| u.key.ends_with(".judgment"))
            .map(|u| (u.key.clone(), u.spread.clone()))
            .collect();
        let want: Vec<_> = if explored {
            (0..n)
                .map(|k| {
                    (
                        format!("agent.{k}.judgment"),
                        Spread::Float { lo: 0.5, hi: 0.95 },
                    )
                })
                .collect()
        } else {
            Vec::new()
        };
        assert_eq!(judged, want, "{written}");
        // explore names the key in words.
        assert_eq!(
            file.key_label("agent.0.judgment"),
            "how well Eastside Foundation judges a proposal"
        );
        coalsim()
            .arg("check")
            .arg(tmp.path().join(format!("answers{i}-out.toml")))
            .assert()
            .success();
    }
    let err = refused(tmp.path(), &answered(&answers, "judgment", Some("experts")));
    assert!(
        err.contains("judgment: \"experts\" is not an answer; allowed: \"members new to the field (often wrong)\", \"members who follow the issues part-time\", \"specialists who share information\", \"not sure\""),
        "{err}"
    );
    assert!(
        err.contains(
            "(the question: How well do members judge whether a proposal would help the coalition?)"
        ),
        "{err}"
    );
}

/// The answer to "When members see a proposal the same way, do they feel
/// as strongly about it?" becomes `dynamics.merit_perception`; "not sure"
/// writes the model's default (about as strongly as each other, the first
/// answer) and explores it from 0 to 1, the rule map's range, wider than
/// the answers; an answers file written before the question existed means
/// all weigh a proposal alike, and nothing is written.
#[test]
fn how_differently_members_weigh_a_proposal_becomes_the_merit_perception() {
    a_question_becomes_its_setting(SettingQuestion {
        key: "weighing",
        setting: "dynamics.merit_perception",
        default: 0,
        comment: "how differently members weigh the same proposal (a member who misreads one and feels it strongly is the one who blocks under consensus)",
        table: [
            ("about as strongly as each other", 0.0),
            ("some feel it twice as strongly as others", 0.33),
            ("some feel it several times as strongly as others", 0.67),
        ],
        range: ("0.0..1.0", 0.0, 1.0),
        refused_word: "not at all",
        allowed: "\"about as strongly as each other\", \"some feel it twice as strongly as others\", \"some feel it several times as strongly as others\", \"not sure\"",
        question: "When members see a proposal the same way, do they feel as strongly about it?",
    });
}

/// The answer to "Besides the coalition's meetings, how much of a
/// member's week goes on keeping in touch with each partner
/// organisation?" becomes `dynamics.coordination_hours`, the hours a week
/// each member spends per member it coordinates with directly; "not sure"
/// writes the model's default (emails, calls and reading each other's
/// updates, six minutes a week per partner) and explores it from half the
/// default to twice it; an answers file written before the question
/// existed means the default, and nothing is written: byte for byte what
/// it wrote before. Every file written passes `coalsim check`.
#[test]
fn how_long_keeping_in_touch_takes_becomes_the_coordination_hours() {
    let comment = "hours a week each member spends keeping in touch with each member it coordinates with directly (all the others when everyone meets)";
    a_question_becomes_its_setting(SettingQuestion {
        key: "coordination",
        setting: "dynamics.coordination_hours",
        default: 1,
        comment,
        table: [
            ("a secretariat or shared staff relays most of it", 0.05),
            ("emails, calls and reading each other's updates", 0.1),
            ("each partner expects calls or meetings of its own", 0.2),
        ],
        range: ("0.05..0.2", 0.05, 0.2),
        refused_word: "an hour",
        allowed: "\"a secretariat or shared staff relays most of it\", \"emails, calls and reading each other's updates\", \"each partner expects calls or meetings of its own\", \"not sure\"",
        question: "Besides the coalition's meetings, how much of a member's week goes on keeping in touch with each partner organisation?",
    });
    // Written in `[dynamics]` after how a lost vote is taken (the first of
    // the optional settings there), and explore names the key in words.
    placed_and_named(Placed {
        key: "coordination",
        also: &[],
        setting: "dynamics.coordination_hours",
        line: format!("coordination_hours = 0.1   # {comment}: not sure"),
        before: "outvoted_cost = ",
        after: None,
        explore: "\"dynamics.coordination_hours\" = \"0.05..0.2\"   # hours a week each member spends per partner it coordinates with (not sure: a secretariat relays most of it to each partner expects calls or meetings of its own)",
        label: "hours a week each member spends per partner it coordinates with",
    });
}

/// The answer to "Where about twenty members all coordinate with each
/// other, how much of their joint work is lost to coordinating (waiting on
/// others, duplicated or misaligned effort)?" becomes
/// `dynamics.coordination_loss`, the process loss of the joint work per
/// partner a member coordinates with directly (the work done at
/// 1 / (1 + value × the mean number of them): 16%, 28% or 43% of it lost
/// where twenty all coordinate); "not sure" writes the model's default
/// (about a quarter) and explores it from half the default to twice it,
/// the range the rule map samples; an answers file written before the
/// question existed means the default, and nothing is written: byte for
/// byte what it wrote before. Every file written passes `coalsim check`.
#[test]
fn how_much_work_is_lost_to_coordinating_becomes_the_coordination_loss() {
    let comment = "the joint work lost to coordinating, per partner a member coordinates with directly (where twenty all coordinate with each other, 16% of it is lost at 0.01, 28% at 0.02, 43% at 0.04)";
    a_question_becomes_its_setting(SettingQuestion {
        key: "work_lost",
        setting: "dynamics.coordination_loss",
        default: 1,
        comment,
        table: [
            ("about a sixth", 0.01),
            ("about a quarter", 0.02),
            ("about two fifths", 0.04),
        ],
        range: ("0.01..0.04", 0.01, 0.04),
        refused_word: "none of it",
        allowed: "\"about a sixth\", \"about a quarter\", \"about two fifths\", \"not sure\"",
        question: "Where about twenty members all coordinate with each other, how much of their joint work is lost to coordinating (waiting on others, duplicated or misaligned effort)?",
    });
    // Written in `[dynamics]` right after how much of a member's week
    // keeping in touch takes and before how long a lost vote is remembered
    // (the order asked), and explore names the key in words.
    placed_and_named(Placed {
        key: "work_lost",
        also: &[
            (
                "coordination",
                "emails, calls and reading each other's updates",
            ),
            ("grudge", "about a year"),
        ],
        setting: "dynamics.coordination_loss",
        line: format!("coordination_loss = 0.02   # {comment}: not sure"),
        before: "coordination_hours = ",
        after: Some("resentment_decay = "),
        explore: "\"dynamics.coordination_loss\" = \"0.01..0.04\"   # the share of joint work lost per partner a member coordinates with (not sure: about a sixth to about two fifths where twenty all coordinate)",
        label: "the share of joint work lost per partner a member coordinates with",
    });
}

/// The answer to "When a member hears what a meeting discussed and decided
/// second-hand (from a representative, a briefing or the minutes) rather
/// than by being there, how much of it reaches them?" becomes
/// `dynamics.relay`, the share of a meeting's clarity, concerns aired and
/// follow-through records that reaches a member who was not in it (0.3,
/// 0.5 or 0.7); "not sure" writes the model's default (about half, from a
/// briefing) and explores it from a little, by word of mouth, to most of
/// it, from good written minutes; an answers file written before the
/// question existed means the default, and nothing is written: byte for
/// byte what it wrote before. Every file written passes `coalsim check`.
#[test]
fn how_much_of_a_meeting_reaches_a_member_second_hand_becomes_the_relay() {
    let comment = "the share of a meeting's clarity, concerns aired and follow-through records that reaches a member who was not in it (outside the steering committee or in another sub-group, absent from a decision, or through a junior representative)";
    a_question_becomes_its_setting(SettingQuestion {
        key: "second_hand",
        setting: "dynamics.relay",
        default: 1,
        comment,
        table: [
            ("a little, by word of mouth", 0.3),
            ("about half, from a briefing", 0.5),
            ("most of it, from good written minutes", 0.7),
        ],
        range: ("0.3..0.7", 0.3, 0.7),
        refused_word: "all of it",
        allowed: "\"a little, by word of mouth\", \"about half, from a briefing\", \"most of it, from good written minutes\", \"not sure\"",
        question: "When a member hears what a meeting discussed and decided second-hand (from a representative, a briefing or the minutes) rather than by being there, how much of it reaches them?",
    });
    // Written in `[dynamics]` right after the work lost to coordinating and
    // before how long a lost vote is remembered (the order asked), and
    // explore names the key in words.
    placed_and_named(Placed {
        key: "second_hand",
        also: &[("work_lost", "about a sixth"), ("grudge", "about a year")],
        setting: "dynamics.relay",
        line: format!("relay = 0.5   # {comment}: not sure"),
        before: "coordination_loss = ",
        after: Some("resentment_decay = "),
        explore: "\"dynamics.relay\" = \"0.3..0.7\"   # how much of a meeting reaches a member second-hand (not sure: a little, by word of mouth, to most of it, from good written minutes)",
        label: "how much of a meeting reaches a member second-hand",
    });
}

/// The answer to "After a member loses a vote, or sees a change it wants
/// blocked, how long does it stay sore about it?" becomes
/// `dynamics.resentment_decay`, the share of a member's resentment that
/// fades each week (half of it gone in about 11, 23 or 46 weeks); "not
/// sure" writes the model's default (about half a year) and explores it
/// from half the default to twice it, the range the rule map samples; an
/// answers file written before the question existed means the default,
/// and nothing is written: byte for byte what it wrote before. Every file
/// written passes `coalsim check`.
#[test]
fn how_long_a_member_stays_sore_becomes_the_resentment_decay() {
    let comment = "the share of a member's resentment at a lost vote or a blocked change that fades each week (half of it gone in about 11 weeks at 0.06, 23 at 0.03, 46 at 0.015)";
    a_question_becomes_its_setting(SettingQuestion {
        key: "grudge",
        setting: "dynamics.resentment_decay",
        default: 1,
        comment,
        table: [
            ("a few months", 0.06),
            ("about half a year", 0.03),
            ("about a year", 0.015),
        ],
        range: ("0.015..0.06", 0.015, 0.06),
        refused_word: "forever",
        allowed: "\"a few months\", \"about half a year\", \"about a year\", \"not sure\"",
        question: "After a member loses a vote, or sees a change it wants blocked, how long does it stay sore about it?",
    });
    // Written in `[dynamics]` after how a lost vote is taken (and how much
    // of a member's week keeping in touch takes, when answered), and
    // explore names the key in words.
    placed_and_named(Placed {
        key: "grudge",
        also: &[],
        setting: "dynamics.resentment_decay",
        line: format!("resentment_decay = 0.03   # {comment}: not sure"),
        before: "outvoted_cost = ",
        after: None,
        explore: "\"dynamics.resentment_decay\" = \"0.015..0.06\"   # how fast a lost vote is forgotten, the share of resentment that fades each week (not sure: about a year to a few months)",
        label: "how fast a lost vote is forgotten (weekly share)",
    });
}

/// The answer to "When things go badly for a while, how readily do members
/// walk away from a coalition like yours?" becomes
/// `dynamics.exit_threshold`, the commitment (0 to 1) below which a member
/// may leave (0.15, 0.25 or 0.35); "not sure" writes the model's default
/// (they leave if it stays bad for a while) and explores it from 0.15 to
/// 0.35, the range the rule map samples; an answers file written before
/// the question existed means the default, and nothing is written: byte
/// for byte what it wrote before. Every file written passes `coalsim
/// check`.
#[test]
fn how_readily_members_walk_away_becomes_the_exit_threshold() {
    let comment = "the commitment (0 to 1) below which a member may walk away when things go badly";
    a_question_becomes_its_setting(SettingQuestion {
        key: "leaving",
        setting: "dynamics.exit_threshold",
        default: 1,
        comment,
        table: [
            (
                "they stay through a lot (the coalition is their only route, or a funder expects them in it)",
                0.15,
            ),
            ("they leave if it stays bad for a while", 0.25),
            ("they leave at the first serious disappointment", 0.35),
        ],
        range: ("0.15..0.35", 0.15, 0.35),
        refused_word: "never",
        allowed: "\"they stay through a lot (the coalition is their only route, or a funder expects them in it)\", \"they leave if it stays bad for a while\", \"they leave at the first serious disappointment\", \"not sure\"",
        question: "When things go badly for a while, how readily do members walk away from a coalition like yours?",
    });
    // Written in `[dynamics]` right after how long a lost vote is
    // remembered and before whether members bargain with their vote (the
    // order asked), and explore names the key in words.
    placed_and_named(Placed {
        key: "leaving",
        also: &[("grudge", "about a year"), ("bargaining", "now and then")],
        setting: "dynamics.exit_threshold",
        line: format!("exit_threshold = 0.25   # {comment}: not sure"),
        before: "resentment_decay = ",
        after: Some("holdout = "),
        explore: "\"dynamics.exit_threshold\" = \"0.15..0.35\"   # how readily members walk away, the commitment below which a member may leave (not sure: they stay through a lot to they leave at the first serious disappointment)",
        label: "the commitment below which a member may leave (how readily members leave)",
    });
}

/// The answer to "Of the proposals that come to a vote in coalitions like
/// yours, how many turn out, looking back, to have been worth adopting?"
/// becomes `dynamics.proposal_quality`, the chance that a proposal put to
/// a vote would help the coalition if adopted; "not sure" writes the
/// model's default (seven in ten) and explores it from 0.55 to 0.85, the
/// range the rule map samples; an answers file written before the question
/// existed means the default, and nothing is written: byte for byte what
/// it wrote before. Every file written passes `coalsim check`.
#[test]
fn how_many_proposals_are_worth_adopting_becomes_the_proposal_quality() {
    let comment =
        "the share of the proposals put to a vote that would help the coalition if adopted";
    a_question_becomes_its_setting(SettingQuestion {
        key: "proposal_record",
        setting: "dynamics.proposal_quality",
        default: 1,
        comment,
        table: [
            ("about half", 0.55),
            ("seven in ten", 0.7),
            ("eight or nine in ten", 0.85),
        ],
        range: ("0.55..0.85", 0.55, 0.85),
        refused_word: "all of them",
        allowed: "\"about half\", \"seven in ten\", \"eight or nine in ten\", \"not sure\"",
        question: "Of the proposals that come to a vote in coalitions like yours, how many turn out, looking back, to have been worth adopting?",
    });
    // Written in `[dynamics]` after what members weigh when they vote and
    // before how often discussion puts a member right (the order asked),
    // and explore names the key in words.
    placed_and_named(Placed {
        key: "proposal_record",
        also: &[
            ("common_good", "their own stake"),
            ("discussion", "sometimes"),
        ],
        setting: "dynamics.proposal_quality",
        line: format!("proposal_quality = 0.7   # {comment}: not sure"),
        before: "merit_weight = ",
        after: Some("pooling = "),
        explore: "\"dynamics.proposal_quality\" = \"0.55..0.85\"   # the share of the proposals put to a vote that would help the coalition (not sure: about half to eight or nine in ten)",
        label: "the share of proposals that would help the coalition",
    });
}

/// An answers file written before the questions on how much of a member's
/// week keeping in touch with each partner takes, how much of the joint
/// work is lost to coordinating, how much of a meeting reaches a member
/// second-hand, how long a member stays sore about a lost vote, how
/// readily members walk away, how proposals are made and discussed (and
/// how many would help the coalition), what a round of negotiation costs
/// and what blocks under consensus (the Eastside example) writes none of
/// their fifteen settings; answering all fifteen (not "not sure") adds the
/// fifteen lines, the one in `[governance]` (how many may stand aside)
/// after who votes and the fourteen `[dynamics]` ones in the order asked,
/// and changes nothing else.
#[test]
fn answers_without_the_proposal_and_negotiation_questions_write_none_of_the_settings() {
    let tmp = tempfile::tempdir().unwrap();
    let answers = std::fs::read_to_string("docs/eastside-answers.toml").unwrap();
    let (before, _) = written_from(tmp.path(), "old", &answers);
    let settings = [
        "stand_aside_limit",
        "coordination_hours",
        "coordination_loss",
        "relay",
        "resentment_decay",
        "exit_threshold",
        "proposal_step",
        "merit_weight",
        "proposal_quality",
        "pooling",
        "merit_perception",
        "amendment_hours",
        "amendment_move",
        "amendment_delay",
        "block_threshold",
    ];
    for setting in settings {
        assert!(!before.contains(setting), "{before}");
    }
    let all = [
        (
            "coordination",
            "emails, calls and reading each other's updates",
        ),
        ("work_lost", "about two fifths"),
        ("second_hand", "most of it, from good written minutes"),
        ("grudge", "a few months"),
        ("leaving", "they leave at the first serious disappointment"),
        ("proposal_size", "half-way"),
        (
            "common_good",
            "their own stake, the coalition's needs tip close calls",
        ),
        ("proposal_record", "eight or nine in ten"),
        ("discussion", "sometimes"),
        ("weighing", "some feel it twice as strongly as others"),
        ("negotiation_hours", "half an hour"),
        ("concessions", "half-way"),
        ("holdup", "somewhat"),
        ("blocking", "only a serious loss of their own"),
        ("stand_aside", "half"),
    ]
    .into_iter()
    .fold(answers, |text, (key, answer)| {
        answered(&text, key, Some(answer))
    });
    let (after, _) = written_from(tmp.path(), "all", &all);
    let added: Vec<&str> = after
        .lines()
        .filter(|l| !before.lines().any(|b| b == *l))
        .collect();
    assert_eq!(
        added,
        [
            "stand_aside_limit = 0.5   # the largest share of the voters who may stand aside before a proposal counts as not ready (consensus, modified consensus): half",
            "coordination_hours = 0.1   # hours a week each member spends keeping in touch with each member it coordinates with directly (all the others when everyone meets): emails, calls and reading each other's updates",
            "coordination_loss = 0.04   # the joint work lost to coordinating, per partner a member coordinates with directly (where twenty all coordinate with each other, 16% of it is lost at 0.01, 28% at 0.02, 43% at 0.04): about two fifths",
            "relay = 0.7   # the share of a meeting's clarity, concerns aired and follow-through records that reaches a member who was not in it (outside the steering committee or in another sub-group, absent from a decision, or through a junior representative): most of it, from good written minutes",
            "resentment_decay = 0.06   # the share of a member's resentment at a lost vote or a blocked change that fades each week (half of it gone in about 11 weeks at 0.06, 23 at 0.03, 46 at 0.015): a few months",
            "exit_threshold = 0.35   # the commitment (0 to 1) below which a member may walk away when things go badly: they leave at the first serious disappointment",
            "proposal_step = 0.5   # one proposal goes toward what its proposer wants: half-way",
            "merit_weight = 0.15   # what members weigh when they vote: their own stake, the coalition's needs tip close calls",
            "proposal_quality = 0.85   # the share of the proposals put to a vote that would help the coalition if adopted: eight or nine in ten",
            "pooling = 0.3   # discussion puts right a member who misjudged a proposal: sometimes",
            "merit_perception = 0.33   # how differently members weigh the same proposal (a member who misreads one and feels it strongly is the one who blocks under consensus): some feel it twice as strongly as others",
            "amendment_hours = 0.5   # each member's time on one round of reworking a blocked proposal: half an hour",
            "amendment_move = 0.5   # a reworked proposal moves toward the objectors it needs: half-way",
            "amendment_delay = 0.03   # reworking a disputed proposal holds up the coalition's work: somewhat",
            "block_threshold = 0.3   # the weakest objection that blocks under consensus, weaker ones stand aside (a member who misreads a proposal objects with about merit_weight; under consent, the loss of its own a member cannot live with): only a serious loss of their own",
        ],
        "{after}"
    );
    assert_eq!(
        after.lines().count(),
        before.lines().count() + settings.len()
    );
}

/// One question on how much of a member's week keeping in touch takes,
/// how much of the joint work is lost to coordinating, how much of a
/// meeting reaches a member second-hand, how long a member stays sore
/// about a lost vote, how readily members walk away, how proposals are
/// made and discussed (and how many would help the coalition), what a round of negotiating a blocked
/// proposal costs, or what blocks under consensus: each answer of
/// `table` (word, the value it writes for `setting`, a full key such as
/// `dynamics.pooling`), "not sure" (`table[default]`, the model's
/// default, written; `lo..hi` explored), no answer (nothing written: the
/// old answers' file byte for byte), and a refused word; `comment` is the
/// words beside the written value, `explore` names the key in words, and
/// every file written passes `coalsim check`.
struct SettingQuestion<'a> {
    key: &'a str,
    setting: &'a str,
    default: usize,
    comment: &'a str,
    table: [(&'a str, f64); 3],
    range: (&'a str, f64, f64),
    refused_word: &'a str,
    allowed: &'a str,
    question: &'a str,
}

fn a_question_becomes_its_setting(q: SettingQuestion) {
    use coalsim_core::study::explore::{Spread, from_file};
    let tmp = tempfile::tempdir().unwrap();
    let answers = std::fs::read_to_string("docs/eastside-answers.toml").unwrap();
    let key = q.setting;
    let (section, setting) = key.split_once('.').unwrap();
    assert!(!answers.contains(q.key));
    assert!(!answers.contains(setting));
    let (before, _) = written_from(tmp.path(), "old", &answers);
    let default = q.table[q.default].1;
    let mut cases: Vec<(Option<&str>, f64, bool)> =
        q.table.iter().map(|(w, v)| (Some(*w), *v, false)).collect();
    cases.push((Some("not sure"), default, true));
    cases.push((None, default, false));
    for (i, (answer, value, explored)) in cases.into_iter().enumerate() {
        let text = answered(&answers, q.key, answer);
        let (written, file) = written_from(tmp.path(), &format!("answers{i}"), &text);
        // Merit weighs against a member's own stake, whose weight stays 1.
        assert_eq!(file.base.dynamics.interest_weight, 1.0, "{written}");
        let got = match key {
            "dynamics.proposal_step" => file.base.dynamics.proposal_step,
            "dynamics.merit_weight" => file.base.dynamics.merit_weight,
            "dynamics.pooling" => file.base.dynamics.pooling,
            "dynamics.merit_perception" => file.base.dynamics.merit_perception,
            "dynamics.amendment_hours" => file.base.dynamics.amendment_hours,
            "dynamics.amendment_move" => file.base.dynamics.amendment_move,
            "dynamics.amendment_delay" => file.base.dynamics.amendment_delay,
            "dynamics.block_threshold" => file.base.dynamics.block_threshold,
            "dynamics.coordination_hours" => file.base.dynamics.coordination_hours,
            "dynamics.coordination_loss" => file.base.dynamics.coordination_loss,
            "dynamics.relay" => file.base.dynamics.relay,
            "dynamics.resentment_decay" => file.base.dynamics.resentment_decay,
            "dynamics.exit_threshold" => file.base.dynamics.exit_threshold,
            "dynamics.proposal_quality" => file.base.dynamics.proposal_quality,
            "governance.stand_aside_limit" => file.base.governance.stand_aside_limit,
            other => panic!("{other}"),
        };
        assert_eq!(got, value, "{written}");
        match answer {
            Some(a) => {
                let line = format!("{setting} = {value:?}   # {}: {a}\n", q.comment);
                assert!(written.contains(&line), "{written}");
                // In its own section: the last section header before the
                // line is `[section]`.
                let at = written.find(&line).unwrap();
                let header = written[..at].lines().rfind(|l| l.starts_with('[')).unwrap();
                assert!(header.starts_with(&format!("[{section}]")), "{written}");
            }
            None => {
                // An answers file from before the question: byte for byte
                // what it wrote before.
                assert!(!written.contains(setting), "{written}");
                assert_eq!(written, before);
            }
        }
        assert_eq!(
            written.contains(&format!("\"{key}\" = \"{}\"", q.range.0)),
            explored,
            "{written}"
        );
        let (uncertain, _) = from_file(&file).unwrap();
        let spread = uncertain
            .iter()
            .find(|u| u.key == key)
            .map(|u| u.spread.clone());
        assert_eq!(
            spread,
            explored.then_some(Spread::Float {
                lo: q.range.1,
                hi: q.range.2
            }),
            "{written}"
        );
        // explore names the key in words, not as the dotted key.
        let label = file.key_label(key);
        assert!(label != key && !label.contains('_'), "{label}");
        coalsim()
            .arg("check")
            .arg(tmp.path().join(format!("answers{i}-out.toml")))
            .assert()
            .success();
    }
    let err = refused(tmp.path(), &answered(&answers, q.key, Some(q.refused_word)));
    assert!(
        err.contains(&format!(
            "{}: \"{}\" is not an answer; allowed: {}",
            q.key, q.refused_word, q.allowed
        )),
        "{err}"
    );
    assert!(
        err.contains(&format!("(the question: {})", q.question)),
        "{err}"
    );
}

/// The answer to "When a blocked proposal is reworked, how long does each
/// member spend on one round of it?" becomes `dynamics.amendment_hours`;
/// "not sure" explores it from a quarter of an hour to an hour; an answers
/// file written before the question existed means half an hour, the
/// model's default, and nothing is written.
#[test]
fn how_long_a_member_spends_on_a_round_becomes_its_hours() {
    a_question_becomes_its_setting(SettingQuestion {
        key: "negotiation_hours",
        setting: "dynamics.amendment_hours",
        default: 1,
        comment: "each member's time on one round of reworking a blocked proposal",
        table: [
            ("a quarter of an hour (a note or a call)", 0.25),
            ("half an hour", 0.5),
            ("an hour or more (a meeting of its own)", 1.0),
        ],
        range: ("0.25..1.0", 0.25, 1.0),
        refused_word: "a day",
        allowed: "\"a quarter of an hour (a note or a call)\", \"half an hour\", \"an hour or more (a meeting of its own)\", \"not sure\"",
        question: "When a blocked proposal is reworked, how long does each member spend on one round of it?",
    });
}

/// The answer to "When a proposal is reworked to win objectors over, how
/// far does it move toward them?" becomes `dynamics.amendment_move`; "not
/// sure" explores it from a little (0.35) to most of the way (0.75); an
/// answers file written before the question existed means half-way, the
/// model's default, and nothing is written.
#[test]
fn how_far_a_reworked_proposal_moves_becomes_its_concession() {
    a_question_becomes_its_setting(SettingQuestion {
        key: "concessions",
        setting: "dynamics.amendment_move",
        default: 1,
        comment: "a reworked proposal moves toward the objectors it needs",
        table: [
            ("a little", 0.35),
            ("half-way", 0.5),
            ("most of the way", 0.75),
        ],
        range: ("0.35..0.75", 0.35, 0.75),
        refused_word: "all the way",
        allowed: "\"a little\", \"half-way\", \"most of the way\", \"not sure\"",
        question: "When a proposal is reworked to win objectors over, how far does it move toward them?",
    });
}

/// The answer to "While a disputed proposal is being reworked, how much
/// does it hold up the coalition's work?" becomes `dynamics.amendment_delay`;
/// "not sure" explores it from half the default to twice it; an answers
/// file written before the question existed means somewhat, the model's
/// default, and nothing is written.
#[test]
fn how_much_a_dispute_holds_up_the_work_becomes_its_delay() {
    a_question_becomes_its_setting(SettingQuestion {
        key: "holdup",
        setting: "dynamics.amendment_delay",
        default: 1,
        comment: "reworking a disputed proposal holds up the coalition's work",
        table: [
            ("hardly at all", 0.015),
            ("somewhat", 0.03),
            ("a lot", 0.06),
        ],
        range: ("0.015..0.06", 0.015, 0.06),
        refused_word: "not at all",
        allowed: "\"hardly at all\", \"somewhat\", \"a lot\", \"not sure\"",
        question: "While a disputed proposal is being reworked, how much does it hold up the coalition's work?",
    });
}

/// The answer to "Under consensus (or consent), when members object to a
/// proposal, what is enough for one of them to block it?" becomes
/// `dynamics.block_threshold`; "not sure" writes the model's default (any
/// objection, the first answer) and explores it over the rule map's range;
/// an answers file written before the question existed means any
/// objection, and nothing is written.
#[test]
fn what_is_enough_to_block_becomes_the_block_threshold() {
    a_question_becomes_its_setting(SettingQuestion {
        key: "blocking",
        setting: "dynamics.block_threshold",
        default: 0,
        comment: "the weakest objection that blocks under consensus, weaker ones stand aside (a member who misreads a proposal objects with about merit_weight; under consent, the loss of its own a member cannot live with)",
        table: [
            (
                "any objection they feel, even over a proposal they have misread",
                0.15,
            ),
            ("only a serious loss of their own", 0.3),
            ("only what they could not live with", 0.45),
        ],
        range: ("0.15..0.45", 0.15, 0.45),
        refused_word: "a vote",
        allowed: "\"any objection they feel, even over a proposal they have misread\", \"only a serious loss of their own\", \"only what they could not live with\", \"not sure\"",
        question: "Under consensus (or consent), when members object to a proposal, what is enough for one of them to block it?",
    });
}

/// The answer to "Under consensus, how many members may stand aside (let a
/// proposal pass without backing it) before it counts as not ready?"
/// becomes `governance.stand_aside_limit`, written in `[governance]`;
/// "not sure" writes the model's default (no limit, the last answer) and
/// explores it from a quarter to no limit; an answers file written before
/// the question existed means no limit, and nothing is written.
#[test]
fn how_many_may_stand_aside_becomes_the_stand_aside_limit() {
    a_question_becomes_its_setting(SettingQuestion {
        key: "stand_aside",
        setting: "governance.stand_aside_limit",
        default: 2,
        comment: "the largest share of the voters who may stand aside before a proposal counts as not ready (consensus, modified consensus)",
        table: [("a quarter", 0.25), ("half", 0.5), ("no limit", 1.0)],
        range: ("0.25..1.0", 0.25, 1.0),
        refused_word: "a third",
        allowed: "\"a quarter\", \"half\", \"no limit\", \"not sure\"",
        question: "Under consensus, how many members may stand aside (let a proposal pass without backing it) before it counts as not ready?",
    });
}

/// A member who misreads a proposal objects with about `merit_weight`, so
/// the file notes where the answers on blocking and on what members weigh
/// disagree: "only a serious loss of their own" (0.3) with members who
/// weigh the coalition's needs as much as their own stake (0.3) lets a
/// misreading block; "any objection …" (0.15) with members who weigh
/// their own stake (0.075) does not, unless some members feel a proposal
/// several times as strongly as others (the answer on weighing). Where
/// they agree, or one is not sure, no note.
#[test]
fn answers_on_blocking_and_on_what_members_weigh_that_disagree_are_noted() {
    let tmp = tempfile::tempdir().unwrap();
    let answers = std::fs::read_to_string("docs/eastside-answers.toml").unwrap();
    let any = "any objection they feel, even over a proposal they have misread";
    let serious = "only a serious loss of their own";
    let stake = "their own stake";
    let needs = "the coalition's needs as much as their own stake";
    for (i, (blocking, common_good, note)) in [
        (serious, Some(needs), Some("a misreading alone can block")),
        (any, Some(stake), Some("a misreading alone stands aside")),
        (serious, None, None),
        (serious, Some(stake), None),
        (any, None, None),
        (any, Some(needs), None),
        ("only what they could not live with", Some(needs), None),
        ("not sure", Some(needs), None),
        (serious, Some("not sure"), None),
        // The member who feels a misreading most strongly decides whether
        // it blocks: twice as strongly (0.33) still stands aside at 0.15,
        // several times (0.67) or "not sure" (up to 1) may not.
        (any, Some(stake), Some("a misreading alone stands aside")),
        (any, Some(stake), None),
        (any, Some(stake), None),
    ]
    .into_iter()
    .enumerate()
    {
        let mut text = answered(&answers, "blocking", Some(blocking));
        if let Some(w) = common_good {
            text = answered(&text, "common_good", Some(w));
        }
        let weighing = [
            "some feel it twice as strongly as others",
            "some feel it several times as strongly as others",
            "not sure",
        ];
        if i >= 9 {
            text = answered(&text, "weighing", Some(weighing[i - 9]));
        }
        let (written, file) = written_from(tmp.path(), &format!("answers{i}"), &text);
        let notes: Vec<&str> = written
            .lines()
            .filter(|l| l.contains("misreads a proposal objects about as strongly"))
            .collect();
        match note {
            Some(n) => {
                assert_eq!(notes.len(), 1, "{written}");
                assert!(notes[0].starts_with("# Note: under consensus"), "{written}");
                assert!(notes[0].contains(n), "{written}");
                assert!(notes[0].contains(&format!("\"{blocking}\"")), "{written}");
                // The numbers it names are the ones written.
                let d = &file.base.dynamics;
                assert!(
                    notes[0].contains(&format!("({:?})", d.merit_weight))
                        && notes[0].contains(&format!("{:?}", d.block_threshold)),
                    "{written}"
                );
            }
            None => assert!(notes.is_empty(), "{written}"),
        }
    }
}

/// Where a "not sure" answer to `key` (with `also` answered too) is
/// written: the line `line` (`{setting} = {default}   # {comment}: not
/// sure`) in `[dynamics]` right after a line starting `before` (and right
/// before one starting `after`, when given); the explore line `explore`;
/// and explore's words for `setting`, `label`.
struct Placed<'a> {
    key: &'a str,
    also: &'a [(&'a str, &'a str)],
    setting: &'a str,
    line: String,
    before: &'a str,
    after: Option<&'a str>,
    explore: &'a str,
    label: &'a str,
}

fn placed_and_named(p: Placed) {
    let tmp = tempfile::tempdir().unwrap();
    let answers = std::fs::read_to_string("docs/eastside-answers.toml").unwrap();
    let mut text = answered(&answers, p.key, Some("not sure"));
    for (k, a) in p.also {
        text = answered(&text, k, Some(a));
    }
    let (written, file) = written_from(tmp.path(), "unsure", &text);
    let name = p.setting.trim_start_matches("dynamics.");
    let lines: Vec<&str> = written.lines().collect();
    let at = lines
        .iter()
        .position(|l| l.starts_with(&format!("{name} = ")))
        .unwrap();
    assert_eq!(lines[at], p.line);
    assert!(lines[at - 1].starts_with(p.before), "{written}");
    if let Some(after) = p.after {
        assert!(lines[at + 1].starts_with(after), "{written}");
    }
    assert!(written.contains(p.explore), "{written}");
    assert_eq!(file.key_label(p.setting), p.label);
}
