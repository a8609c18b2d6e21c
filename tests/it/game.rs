//! The class game's server with scripted clients: a class plays a whole
//! game (join, choose, reconnect, quit, a late joiner), the log replays to
//! the same outcome, and the server refuses what it should (wrong code,
//! another seat's business, oversized and malformed messages, a flood)
//! without the game suffering.

use assert_cmd::Command;
use coalsim_serve::server::{self as serve, Config};
use serde_json::{Value, json};

use super::helpers_http::{eventually, post_json_or_text as post, post_raw, start};

/// A server with the default limits, or with a generous request rate for a
/// scripted class that plays as fast as the server answers.
fn start_game(rate: Option<f64>) -> serve::Running {
    let mut cfg = Config::default();
    if let Some(r) = rate {
        cfg.limits.game_rate = r;
    }
    start(cfg)
}

struct Class {
    url: String,
    code: String,
    teacher: String,
}

impl Class {
    fn new(url: &str, scenario: Value) -> Class {
        let (s, v) = post(
            &format!("{url}/api/game/new"),
            &json!({"scenario": scenario, "weeks_per_turn": 4, "turn_seconds": 900, "seed": 11}),
        );
        assert_eq!(s, 200, "{v}");
        Class {
            url: url.to_string(),
            code: v["code"].as_str().unwrap().to_string(),
            teacher: v["token"].as_str().unwrap().to_string(),
        }
    }
    fn api(&self, path: &str, body: Value) -> (u16, Value) {
        post(&format!("{}/api/game/{path}", self.url), &body)
    }
    fn join(&self, name: &str) -> (String, String) {
        let (s, v) = self.api(
            "join",
            json!({"code": self.code.to_lowercase(), "name": name}),
        );
        assert_eq!(s, 200, "{v}");
        (
            v["token"].as_str().unwrap().to_string(),
            v["organisation"].as_str().unwrap().to_string(),
        )
    }
    fn teacher(&self) -> Value {
        let (s, v) = self.api("teacher", json!({"token": self.teacher}));
        assert_eq!(s, 200, "{v}");
        v
    }
    fn control(&self, action: &str) -> (u16, Value) {
        self.api("control", json!({"token": self.teacher, "action": action}))
    }
    fn me(&self, token: &str) -> Value {
        let (s, v) = self.api("me", json!({"token": token}));
        assert_eq!(s, 200, "{v}");
        v
    }
    fn choose(&self, token: &str, turn: u64, k: usize) -> (u16, Value) {
        let ballots = ["yes", "no", "silent", "aside"];
        let share = [1.0, 0.5, 0.0][k % 3];
        self.api(
            "choose",
            json!({"token": token, "turn": turn, "attend": !k.is_multiple_of(3), "contribute": share,
                   "ballot": ballots[k % 4], "object": k.is_multiple_of(2), "leave": false}),
        )
    }
    /// Waits for the debrief (computed in the background).
    fn debrief(&self) -> Value {
        eventually("the debrief", || {
            let v = self.teacher();
            (!v["debrief"].is_null()).then_some(v)
        })
    }
}

#[test]
fn a_scripted_class_plays_a_game_that_replays() {
    let server = start_game(Some(10_000.0));
    let class = Class::new(&server.url(), json!({"source": {"kind": "default"}}));
    let (ann, ann_org) = class.join("Ann");
    let (bo, bo_org) = class.join("  Bo <b>  ");
    let (cy, _) = class.join("Cy");
    assert_ne!(ann_org, bo_org);
    // Nicknames are cleaned.
    assert_eq!(class.me(&bo)["name"], "Bo b");
    let v = class.teacher();
    assert_eq!(v["phase"], "lobby");
    assert_eq!(
        v["seats"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|s| s["state"] == "playing")
            .count(),
        3
    );
    // Choices before the start are refused.
    assert_eq!(class.choose(&ann, 0, 0).0, 409);
    assert_eq!(class.control("start").0, 200);
    let mut players = vec![ann.clone(), bo.clone(), cy.clone()];
    let mut turn = 0u64;
    let mut quit_done = false;
    while class.teacher()["phase"] != "over" {
        let members: Vec<String> = players
            .iter()
            .filter(|t| class.me(t)["view"]["status"] == "member")
            .cloned()
            .collect();
        if members.is_empty() {
            // Nobody left to play: the teacher moves on.
            assert_eq!(class.control("advance").0, 200);
            turn += 1;
            continue;
        }
        for (k, t) in members.iter().enumerate() {
            let before = class.me(t)["turn"].as_u64().unwrap();
            assert_eq!(before, turn, "the turn waits for every student");
            let (s, v) = class.choose(t, turn, k + turn as usize);
            assert_eq!(s, 200, "{v}");
        }
        // The last choice played the turn.
        turn += 1;
        assert_eq!(class.me(&members[0])["turn"].as_u64().unwrap(), turn);
        // A reconnect: the same token resumes the same organisation.
        assert_eq!(class.me(&ann)["view"]["organisation"], ann_org);
        if turn == 3 && !quit_done {
            // Cy leaves the game; a late joiner takes over a simulated
            // organisation still in the coalition.
            let (s, _) = class.api("quit", json!({"token": cy}));
            assert_eq!(s, 200);
            let (s, _) = class.api("me", json!({"token": cy}));
            assert_eq!(s, 403, "a token that quit is no longer valid");
            let (dee, dee_org) = class.join("Dee");
            assert_eq!(class.me(&dee)["view"]["status"], "member", "{dee_org}");
            players.retain(|t| *t != cy);
            players.push(dee);
            quit_done = true;
        }
        assert!(turn < 40, "the game should end within its 104 weeks");
    }
    assert!(quit_done);
    let v = class.debrief();
    let d = &v["debrief"];
    assert_eq!(d["runs"], 1000);
    let p = d["progress_percentile"].as_f64().unwrap();
    assert!((0.0..=1.0).contains(&p));
    let hist: u64 = d["progress_histogram"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_u64().unwrap())
        .sum();
    assert_eq!(hist, 1000);
    // Students see the debrief too.
    assert!(!class.me(&ann)["debrief"].is_null());
    // The log replays to the class's outcome.
    let (s, log) = post_raw(
        &format!("{}/api/game/log", class.url),
        &json!({"token": class.teacher}).to_string(),
    );
    assert_eq!(s, 200);
    assert!(log.contains("Ann") && log.contains("Dee"), "{log}");
    let parsed = coalsim_serve::game::GameLog::parse("log.csv", &log).unwrap();
    assert!(parsed.plays.len() >= 3 * 4);
    let summary = coalsim_serve::game::replay(&parsed).unwrap();
    let (outcome, rounds) = parsed.outcome.clone().unwrap();
    assert_eq!(
        (summary.outcome.to_string(), summary.rounds),
        (outcome, rounds)
    );
    assert_eq!(d["class"]["rounds"].as_u64().unwrap(), rounds as u64);
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join("game-log.csv");
    std::fs::write(&path, &log).unwrap();
    let out = Command::cargo_bin("coalsim")
        .unwrap()
        .arg("replay")
        .arg(&path)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{stdout} {out:?}");
    assert!(stdout.contains("Same outcome as the game"), "{stdout}");
    // A log whose recorded outcome does not match: refused, exit 1.
    let (o, r) = parsed.outcome.clone().unwrap();
    let forged = log.replace(&format!("# rounds: {r}"), &format!("# rounds: {}", r + 1));
    std::fs::write(&path, forged).unwrap();
    let out = Command::cargo_bin("coalsim")
        .unwrap()
        .arg("replay")
        .arg(&path)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains(&format!("the game ended `{o}` in round {}", r + 1)),
        "{err}"
    );
    // A broken row: the file, line and column.
    let broken = log.replacen(",yes,", ",maybe,", 1);
    if broken != log {
        std::fs::write(&path, &broken).unwrap();
        let out = Command::cargo_bin("coalsim")
            .unwrap()
            .arg("replay")
            .arg(&path)
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{err}");
        assert!(
            err.contains("game-log.csv:")
                && err.contains("ballot: `maybe`; allowed: yes, no, aside, silent"),
            "{err}"
        );
    }
}

/// The teacher calls a shock: it strikes in the first week of the next
/// turn as the model's shock of that kind, every screen tells it, the
/// teacher can call one off, and the log replays it exactly.
#[test]
fn a_teacher_calls_a_shock_and_the_log_replays_it() {
    let server = start_game(Some(10_000.0));
    let class = Class::new(&server.url(), json!({"source": {"kind": "default"}}));
    let (ann, _) = class.join("Ann");
    let shock = |kind: &str| {
        class.api(
            "control",
            json!({"token": class.teacher, "action": "shock", "kind": kind}),
        )
    };
    // A kind that does not exist: refused, naming the kinds.
    let (s, v) = shock("earthquake");
    assert_eq!(s, 400, "{v}");
    assert!(
        v["error"]
            .as_str()
            .unwrap()
            .contains("allowed: competitor, policy_shift, leadership_change, or none"),
        "{v}"
    );
    assert_eq!(class.control("start").0, 200);
    assert_eq!(shock("policy_shift").0, 200);
    assert_eq!(class.teacher()["next_shock"], "policy_shift");
    // Ann plays turn 0 (weeks 1 to 4): the shock strikes in week 1.
    assert_eq!(class.choose(&ann, 0, 0).0, 200);
    let v = class.teacher();
    assert_eq!(v["turn"], 1);
    assert!(v["next_shock"].is_null());
    assert_eq!(v["shocks"], json!([{"week": 1, "kind": "policy_shift"}]));
    let lines = v["picture"]["lines"].as_array().unwrap();
    assert!(
        lines.iter().any(|l| {
            let l = l.as_str().unwrap();
            l.starts_with("round 1:") && l.contains("policy shift")
        }),
        "the story tells the shock: {lines:?}"
    );
    let seen = class.me(&ann)["view"]["observed"].to_string();
    assert!(
        seen.contains("week 1: a policy shift changed the ground"),
        "{seen}"
    );
    // One called, then called off: none strikes in turn 1.
    assert_eq!(shock("competitor").0, 200);
    assert_eq!(shock("none").0, 200);
    assert_eq!(class.control("advance").0, 200);
    assert_eq!(class.teacher()["shocks"].as_array().unwrap().len(), 1);
    // Another in turn 2 (week 9), then the teacher ends the game.
    assert_eq!(shock("leadership_change").0, 200);
    assert_eq!(class.control("advance").0, 200);
    assert_eq!(class.control("end").0, 200);
    let (s, v) = shock("competitor");
    assert_eq!(s, 409, "no shock once the game is over: {v}");
    let (s, log) = post_raw(
        &format!("{}/api/game/log", class.url),
        &json!({"token": class.teacher}).to_string(),
    );
    assert_eq!(s, 200);
    assert!(
        log.contains("# shock: 1 policy_shift\n# shock: 9 leadership_change\n"),
        "{log}"
    );
    let parsed = coalsim_serve::game::GameLog::parse("log.csv", &log).unwrap();
    let summary = coalsim_serve::game::replay(&parsed).unwrap();
    assert_eq!(
        (summary.outcome.to_string(), summary.rounds),
        parsed.outcome.clone().unwrap()
    );
    assert_eq!(summary.rounds, 12);
    // The shocks are part of the game: without them the replay is another run.
    let mut without = parsed.clone();
    without.shocks.clear();
    assert_ne!(
        format!("{:?}", coalsim_serve::game::replay(&without).unwrap()),
        format!("{summary:?}")
    );
    // A broken shock line: the file, line and what is allowed.
    let broken = log.replace("# shock: 9 leadership_change", "# shock: 9 coup");
    let e = coalsim_serve::game::GameLog::parse("game-log.csv", &broken).unwrap_err();
    assert!(
        e.starts_with("game-log.csv:") && e.contains("shock: `9 coup`; allowed:"),
        "{e}"
    );
}

#[test]
fn the_server_refuses_what_it_should_and_the_game_goes_on() {
    let server = start_game(None);
    let url = server.url();
    let class = Class::new(
        &url,
        json!({"source": {"kind": "lesson", "name": "consensus-illusion"}}),
    );
    // A wrong code.
    let (s, v) = class.api("join", json!({"code": "ZZZZZ", "name": "Eve"}));
    assert_eq!(s, 404, "{v}");
    assert!(
        v["error"]
            .as_str()
            .unwrap()
            .contains("no game with this code")
    );
    // An empty nickname.
    let (s, _) = class.api("join", json!({"code": class.code, "name": " \u{7} "}));
    assert_eq!(s, 400);
    let (ann, ann_org) = class.join("Ann");
    let (bo, bo_org) = class.join("Bo");
    assert_eq!(class.control("start").0, 200);
    // Acting for another seat: no message names a seat, so naming one is
    // refused, and a token only ever shows its own organisation.
    let (s, _) = class.api(
        "choose",
        json!({"token": ann, "agent": 1, "turn": 0, "attend": true, "contribute": 1.0, "ballot": "yes", "object": false, "leave": false}),
    );
    assert_eq!(s, 422);
    assert_eq!(class.me(&ann)["view"]["organisation"], ann_org);
    assert_eq!(class.me(&bo)["view"]["organisation"], bo_org);
    // A student is not the teacher, the teacher not a student, a guessed
    // token nobody.
    assert_eq!(
        class
            .api("control", json!({"token": ann, "action": "end"}))
            .0,
        403
    );
    assert_eq!(class.api("log", json!({"token": bo})).0, 403);
    assert_eq!(class.api("me", json!({"token": class.teacher})).0, 403);
    assert_eq!(
        class
            .api("me", json!({"token": "0123456789abcdef0123456789abcdef"}))
            .0,
        403
    );
    // Values outside what the page offers.
    let bad = |field: &str, value: Value| {
        let mut m = json!({"token": ann, "turn": 0, "attend": true, "contribute": 1.0, "ballot": "yes", "object": false, "leave": false});
        m[field] = value;
        class.api("choose", m)
    };
    let (s, v) = bad("contribute", json!(0.7));
    assert_eq!(s, 400, "{v}");
    let (s, v) = bad("ballot", json!("maybe"));
    assert_eq!(s, 400, "{v}");
    assert!(
        v["error"]
            .as_str()
            .unwrap()
            .contains("allowed: yes, no, aside, silent")
    );
    let (s, _) = bad("attend", json!("sure"));
    assert_eq!(s, 422);
    let (s, v) = bad("turn", json!(5));
    assert_eq!(s, 409, "{v}");
    // Malformed and oversized messages.
    let (s, _) = post_raw(&format!("{url}/api/game/me"), "{\"token\": ");
    assert_eq!(s, 400);
    let (s, _) = post_raw(&format!("{url}/api/game/me"), "[1, 2, 3]");
    assert_eq!(s, 422);
    let big = json!({"token": ann, "pad": "x".repeat(8000)}).to_string();
    let (s, text) = post_raw(&format!("{url}/api/game/choose"), &big);
    assert_eq!(s, 413, "{text}");
    let long = "n".repeat(500);
    let (s, _) = class.api("join", json!({"code": class.code, "name": long}));
    assert_eq!(s, 400);
    // Nothing of that changed the game: still turn 0, both seated.
    let v = class.teacher();
    assert_eq!(v["turn"], 0);
    assert_eq!(
        v["seats"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|s| s["state"] == "playing")
            .count(),
        2
    );
    // A flood from Bo: refused, then Bo is dropped and the organisation
    // goes back to the simulation.
    let mut statuses = Vec::new();
    for _ in 0..5000 {
        let (s, _) = class.api("me", json!({"token": bo}));
        statuses.push(s);
        if s == 403 {
            break;
        }
    }
    assert!(statuses.contains(&429), "the flood was never slowed");
    assert_eq!(
        *statuses.last().unwrap(),
        403,
        "the flooder was never dropped"
    );
    let v = class.teacher();
    assert_eq!(v["dropped"], json!(["Bo (too many messages)"]));
    let bo_seat = v["seats"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["organisation"] == bo_org)
        .unwrap();
    assert_eq!(bo_seat["state"], "simulated");
    // Ann plays on: her choice alone now completes the turn.
    let (s, v) = class.choose(&ann, 0, 1);
    assert_eq!(s, 200, "{v}");
    assert_eq!(class.me(&ann)["turn"], 1);
    // The teacher's controls.
    assert_eq!(class.control("pause").0, 200);
    assert_eq!(class.teacher()["phase"], "paused");
    assert_eq!(class.control("pause").0, 409);
    assert_eq!(class.control("extend").0, 200);
    assert_eq!(class.control("resume").0, 200);
    assert_eq!(class.control("advance").0, 200);
    assert_eq!(class.teacher()["turn"], 2);
    let (s, v) = class.control("dance");
    assert_eq!(s, 409);
    assert!(
        v["error"]
            .as_str()
            .unwrap()
            .contains("allowed: start, pause")
    );
    assert_eq!(class.control("end").0, 200);
    let v = class.teacher();
    assert_eq!(v["phase"], "over");
    assert!(!v["picture"]["verdict"].is_null());
    // Over: no more joining or choosing.
    assert_eq!(
        class
            .api("join", json!({"code": class.code, "name": "Late"}))
            .0,
        409
    );
    assert_eq!(class.choose(&ann, 2, 0).0, 409);
}

/// The organisations each student of a class plays, by agent index.
fn teams(v: &Value) -> Vec<Vec<String>> {
    v["seats"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            s["players"]
                .as_array()
                .unwrap()
                .iter()
                .map(|p| p["name"].as_str().unwrap().to_string())
                .collect()
        })
        .collect()
}

#[test]
fn a_class_of_30_plays_in_teams_with_a_rematch() {
    let mut cfg = Config::default();
    cfg.limits.game_rate = 10_000.0;
    cfg.limits.game_free_after = 6;
    let server = start(cfg);
    let class = Class::new(&server.url(), json!({"source": {"kind": "default"}}));
    // 30 students on 10 organisations: three each, the teams filled evenly.
    let students: Vec<(String, String)> = (0..30).map(|k| class.join(&format!("S{k}"))).collect();
    let v = class.teacher();
    assert!(teams(&v).iter().all(|t| t.len() == 3), "{:?}", teams(&v));
    assert_eq!(v["waiting"], json!([]));
    // Pages poll every second; here, every wait polls for each student
    // still in the game, so that only the closed browser goes quiet.
    let mut alive: Vec<String> = students.iter().map(|(t, _)| t.clone()).collect();
    let poll_all = |alive: &[String]| {
        for t in alive {
            class.me(t);
        }
    };
    assert_eq!(class.control("start").0, 200);
    // The teacher's message reaches every phone.
    let (s, _) = class.api(
        "control",
        json!({"token": class.teacher, "action": "say", "text": "Talk with your team first"}),
    );
    assert_eq!(s, 200);
    assert_eq!(
        class.me(&students[7].0)["message"],
        "Talk with your team first"
    );
    // A team votes: in the team of S0, two of three put in half.
    let team0: Vec<usize> = (0..30)
        .filter(|&k| students[k].1 == students[0].1)
        .collect();
    assert_eq!(team0.len(), 3);
    let me0 = class.me(&students[0].0);
    assert_eq!(me0["team"]["members"].as_array().unwrap().len(), 3);
    assert!(
        me0["view"]["story"][0]
            .as_str()
            .unwrap()
            .starts_with("You are ")
    );
    for turn in 0..2u64 {
        // The students whose organisation is in the coalition this turn
        // (one that joins during the turn plays from the next).
        let members: Vec<bool> = students
            .iter()
            .map(|(t, _)| class.me(t)["view"]["status"] == "member")
            .collect();
        for (k, (t, _)) in students.iter().enumerate() {
            if !members[k] {
                continue;
            }
            let share = if team0.contains(&k) && k != team0[2] {
                0.5
            } else {
                1.0
            };
            let (s, v) = class.api(
                "choose",
                json!({"token": t, "turn": turn, "attend": true, "contribute": share,
                       "ballot": "yes", "object": false, "leave": false}),
            );
            assert_eq!(s, 200, "{v}");
        }
        assert_eq!(
            class.teacher()["turn"],
            turn + 1,
            "the turn waits for every student"
        );
    }
    // A student closes the browser: away, then the place is freed.
    let gone = alive.pop().unwrap();
    eventually("the closed browser's place freed", || {
        poll_all(&alive);
        let v = class.teacher();
        v["dropped"]
            .as_array()
            .unwrap()
            .iter()
            .any(|d| d.as_str().unwrap().starts_with("S29 (away too long"))
            .then_some(())
    });
    assert_eq!(class.api("me", json!({"token": gone})).0, 403);
    assert_eq!(
        teams(&class.teacher()).iter().map(Vec::len).sum::<usize>(),
        29
    );
    // The teacher moves S1 to another organisation, then removes S2.
    let v = class.teacher();
    let id_of = |v: &Value, name: &str| -> String {
        v["seats"]
            .as_array()
            .unwrap()
            .iter()
            .flat_map(|s| s["players"].as_array().unwrap().iter())
            .find(|p| p["name"] == name)
            .unwrap()["id"]
            .as_str()
            .unwrap()
            .to_string()
    };
    let to = teams(&v)
        .iter()
        .position(|t| t.len() < 4 && !t.contains(&"S1".to_string()))
        .unwrap();
    let (s, r) = class.api(
        "control",
        json!({"token": class.teacher, "action": "move", "player": id_of(&v, "S1"), "agent": to}),
    );
    assert_eq!(s, 200, "{r}");
    assert_eq!(
        class.me(&students[1].0)["view"]["organisation"],
        v["seats"][to]["organisation"]
    );
    let (s, _) = class.api(
        "control",
        json!({"token": class.teacher, "action": "remove", "player": id_of(&v, "S2")}),
    );
    assert_eq!(s, 200);
    assert_eq!(class.api("me", json!({"token": students[2].0})).0, 403);
    alive.retain(|t| *t != students[2].0);
    let debrief = || {
        eventually("the debrief", || {
            poll_all(&alive);
            let v = class.teacher();
            (!v["debrief"].is_null()).then_some(v)
        })
    };
    // The teacher ends the game at week 8: judged on the weeks played.
    assert_eq!(class.control("end").0, 200);
    let v = debrief();
    let d = &v["debrief"];
    assert_eq!(d["weeks"], 8);
    assert_eq!(d["class"]["outcome"], "stopped");
    assert_eq!(d["class"]["rounds"], 8);
    assert!(d["lifetime_percentile"].is_null());
    assert!(
        d["reading"]
            .as_str()
            .unwrap()
            .starts_with("The game was ended in week 8"),
        "{d}"
    );
    // Its log says so and replays to week 8.
    let (s, log1) = post_raw(
        &format!("{}/api/game/log", class.url),
        &json!({"token": class.teacher}).to_string(),
    );
    assert_eq!(s, 200);
    assert!(log1.contains("# stopped: 8"), "{log1}");
    let parsed = coalsim_serve::game::GameLog::parse("log.csv", &log1).unwrap();
    let replayed = coalsim_serve::game::replay(&parsed).unwrap();
    assert_eq!((replayed.outcome, replayed.rounds), ("stopped", 8));
    // S0's team put in half: the majority of the team, logged with the three names.
    let agent0 = v["seats"]
        .as_array()
        .unwrap()
        .iter()
        .position(|s| s["organisation"] == students[0].1.as_str())
        .unwrap();
    let team_rows: Vec<_> = parsed.plays.iter().filter(|p| p.agent == agent0).collect();
    assert!(!team_rows.is_empty());
    assert!(team_rows.iter().all(|p| p.choices.contribute == 0.5));
    assert_eq!(
        team_rows[0].player.matches(" + ").count(),
        2,
        "{}",
        team_rows[0].player
    );
    // A rematch: the same class, seats and seed under consensus.
    let before = teams(&class.teacher());
    assert_eq!(before.iter().map(Vec::len).sum::<usize>(), 28);
    let (s, r) = class.api(
        "control",
        json!({"token": class.teacher, "action": "rematch", "rule": "consensus"}),
    );
    assert_eq!(s, 200, "{r}");
    let v = class.teacher();
    assert_eq!(
        (v["phase"].as_str(), v["game"].as_u64()),
        (Some("lobby"), Some(2))
    );
    assert_eq!(v["picture"]["coalition"]["rule"], "consensus");
    assert_eq!(teams(&v), before);
    assert_eq!(v["seed"], 11);
    let (s, r) = class.api(
        "control",
        json!({"token": class.teacher, "action": "rematch", "rule": "dictator"}),
    );
    assert_eq!(s, 409, "{r}");
    assert_eq!(class.control("start").0, 200);
    assert_eq!(class.control("advance").0, 200);
    assert_eq!(class.control("end").0, 200);
    let v = debrief();
    let games = v["games"].as_array().unwrap();
    assert_eq!(games.len(), 2);
    assert_eq!(
        (games[0]["rule"].as_str(), games[1]["rule"].as_str()),
        (Some("majority"), Some("consensus"))
    );
    assert_eq!(games[1]["class"]["rounds"], 4);
    // The first game's log is still there.
    let (s, again) = post_raw(
        &format!("{}/api/game/log", class.url),
        &json!({"token": class.teacher, "game": 1}).to_string(),
    );
    assert_eq!((s, again), (200, log1));
}

#[test]
fn students_beyond_full_teams_watch_and_take_the_next_place() {
    let server = start_game(Some(10_000.0));
    let (s, v) = post(
        &format!("{}/api/game/new", server.url()),
        &json!({"scenario": {"source": {"kind": "default"}}, "team_size": 2, "turn_seconds": 900}),
    );
    assert_eq!(s, 200, "{v}");
    let class = Class {
        url: server.url(),
        code: v["code"].as_str().unwrap().to_string(),
        teacher: v["token"].as_str().unwrap().to_string(),
    };
    let seated: Vec<String> = (0..20).map(|k| class.join(&format!("P{k}")).0).collect();
    let (s, w) = class.api("join", json!({"code": class.code, "name": "Late"}));
    assert_eq!(s, 200);
    assert_eq!(w["watching"], true);
    let late = w["token"].as_str().unwrap().to_string();
    let me = class.me(&late);
    assert_eq!(
        (me["role"].as_str(), me["place"].as_u64()),
        (Some("watching"), Some(1))
    );
    assert!(me["view"].is_null());
    assert_eq!(class.teacher()["waiting"].as_array().unwrap().len(), 1);
    assert_eq!(class.control("start").0, 200);
    let (s, v) = class.choose(&late, 0, 0);
    assert_eq!(s, 409, "{v}");
    // A seated student leaves the game: the one watching takes the place.
    let (s, _) = class.api("quit", json!({"token": seated[3]}));
    assert_eq!(s, 200);
    let me = class.me(&late);
    assert_eq!(me["role"], "playing");
    assert!(me["view"]["organisation"].is_string());
    // Team sizes outside 1..=4 are refused.
    let (s, v) = post(
        &format!("{}/api/game/new", server.url()),
        &json!({"scenario": {"source": {"kind": "default"}}, "team_size": 5}),
    );
    assert_eq!(s, 400);
    assert!(
        v["error"].as_str().unwrap().contains("allowed: 1 to 4"),
        "{v}"
    );
}
