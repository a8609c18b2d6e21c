// coalsim class game: a student's page (a phone is enough). The server
// knows this student only by the token it issued at joining, kept in this
// tab (sessionStorage) so that a reload or a lost connection resumes the
// same place, and two tabs of one browser are two students. The page
// tells the organisation's story first; the numbers are one tap away.
"use strict";

const $ = (id) => document.getElementById(id);
const state = { token: null, code: null, timer: null, turn: null, editing: false, view: null };

function showError(msg) {
  $("error").hidden = !msg;
  $("error").textContent = msg || "";
}

async function post(path, body) {
  const r = await fetch(path, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
  const text = await r.text();
  let v = {};
  try { v = JSON.parse(text); } catch (e) { v = { error: text }; }
  if (!r.ok) { const err = new Error(v.error || text); err.status = r.status; throw err; }
  return v;
}

function key() { return "coalsim-player-" + state.code; }

async function join() {
  showError("");
  state.code = $("code").value.trim().toUpperCase();
  try {
    const v = await post("/api/game/join", { code: state.code, name: $("name").value });
    state.token = v.token;
    sessionStorage.setItem(key(), v.token);
    sessionStorage.setItem("coalsim-last-code", state.code);
    seated();
  } catch (e) { showError(e.message); }
}

function seated() {
  $("join-form").hidden = true;
  $("seat").hidden = false;
  poll();
}

async function poll() {
  clearTimeout(state.timer);
  try {
    const v = await post("/api/game/me", { token: state.token });
    showError("");
    render(v);
  } catch (e) {
    showError(e.message);
    if (e.status === 403) {
      sessionStorage.removeItem(key());
      $("join-form").hidden = false;
      $("seat").hidden = true;
      return;
    }
  }
  state.timer = setTimeout(poll, 1000);
}

function gauge(parent, label, value, max, text) {
  const row = document.createElement("div");
  row.className = "gauge";
  const l = document.createElement("span");
  l.textContent = label;
  const track = document.createElement("div");
  track.className = "track";
  const fill = document.createElement("div");
  fill.className = "fill";
  fill.style.width = Math.max(0, Math.min(100, 100 * value / max)) + "%";
  track.appendChild(fill);
  const num = document.createElement("span");
  num.className = "num";
  num.textContent = text;
  row.append(l, track, num);
  parent.appendChild(row);
}

function setForm(c) {
  const f = $("choices");
  f.attend.value = String(c.attend);
  f.contribute.value = String(c.contribute);
  f.ballot.value = c.ballot;
  f.object.checked = c.object;
  f.leave.value = String(c.leave);
}

function lines(ol, items, empty) {
  ol.innerHTML = "";
  for (const line of items) {
    const li = document.createElement("li");
    li.textContent = line;
    ol.appendChild(li);
  }
  if (!items.length) ol.innerHTML = "<li>" + empty + "</li>";
}

function render(v) {
  state.view = v;
  const w = v.view;
  const c = v.coalition;
  const watching = v.role === "watching";
  const b = document.body;
  b.dataset.phase = v.phase;
  b.dataset.turn = v.turn;
  b.dataset.round = v.round;
  b.dataset.game = v.game;
  b.dataset.chosen = v.chosen;
  b.dataset.role = v.role;
  b.dataset.status = w ? w.status : "watching";
  $("title").textContent = watching ? v.name + " is watching" : v.name + " plays " + w.organisation;
  $("message").hidden = !v.message;
  $("message").textContent = v.message ? "From the teacher: " + v.message : "";
  let banner = "";
  const banner_el = $("banner");
  banner_el.className = "banner";
  if (watching) { banner = "You are watching: every organisation has a full team. You get the next free place" + (v.place ? " (you are number " + v.place + " in line)" : "") + "."; banner_el.className += " wait"; }
  else if (v.phase === "lobby") { banner = "You are in. Waiting for the teacher to start…"; banner_el.className += " wait"; }
  else if (v.phase === "over") { banner = "Game over — look at the teacher's screen for the debrief."; banner_el.className += " over"; }
  else if (w.status === "outsider") { banner = "Your organisation is not in the coalition (yet): it may be asked to join. Week " + v.round + "."; banner_el.className += " wait"; }
  else if (w.status !== "member") { banner = "Your organisation is out of the coalition. Watch how it goes on without you."; banner_el.className += " wait"; }
  else {
    const secs = v.seconds_left == null ? "" : " · " + v.seconds_left + " s left";
    banner = "Week " + v.round + " of " + v.max_rounds + " · goal " + Math.round(100 * c.progress_share) + "% · " + c.members + " members" + secs
      + (v.phase === "paused" ? " · paused for discussion" : "");
  }
  banner_el.textContent = banner;
  $("story-card").hidden = watching;
  $("numbers").hidden = watching;
  if (v.debrief) {
    $("student-debrief").hidden = false;
    $("student-reading").textContent = v.debrief.reading;
  } else {
    $("student-debrief").hidden = true;
  }
  $("choices").hidden = watching || !((v.phase === "playing" || v.phase === "paused") && w.status === "member");
  if (watching) {
    $("seen-title").textContent = "The story so far";
    lines($("observed"), v.public_lines.slice().reverse(), "Nothing yet.");
    return;
  }
  $("seen-title").textContent = "What you saw";
  $("org").textContent = w.organisation;
  const story = $("my-story");
  story.innerHTML = "";
  (w.story && w.story.length ? w.story : ["You are " + w.organisation + "."]).forEach((line, k) => {
    const p = document.createElement("p");
    if (k === 0) p.className = "you";
    p.textContent = line;
    story.appendChild(p);
  });
  const team = $("team");
  team.hidden = !v.team;
  if (v.team) {
    const names = v.team.members.map((m) => (m.me ? "you" : m.name) + (m.chosen ? " ✓" : ""));
    team.textContent = "Your team: " + names.join(", ") + ". " + v.team.how;
  }
  $("org-status").textContent = (w.status === "member" ? "In the coalition" : w.status === "former" ? "Left the coalition" : "Not in the coalition")
    + " · " + c.title + " · decisions by " + c.rule + (c.rule_in_force ? "" : " (not agreed yet)");
  const g = $("gauges");
  g.innerHTML = "";
  gauge(g, "Commitment", w.commitment, 1, w.commitment.toFixed(2));
  gauge(g, "Engagement", w.engagement, 1, w.engagement.toFixed(2));
  gauge(g, "Trust in others", w.trust_in_members, 1, w.trust_in_members.toFixed(2));
  gauge(g, "Agenda fits you", Math.max(0, w.support), 1, w.support.toFixed(2));
  gauge(g, "Hours last week", w.hours_last_week, Math.max(w.hours_budget * 1.5, w.hours_last_week), w.hours_last_week.toFixed(1) + " / " + w.hours_budget);
  gauge(g, "Resources", w.resources, Math.max(1, w.resources), w.resources.toFixed(2));
  if (w.hidden_objection > 0.01) gauge(g, "Unspoken objection", w.hidden_objection, 1, w.hidden_objection.toFixed(2));
  if (w.resentment > 0.01) gauge(g, "Resentment", w.resentment, 1, w.resentment.toFixed(2));
  $("for-weeks").textContent = "(for the next " + v.weeks_per_turn + " weeks)";
  $("aside-choice").hidden = !c.stand_aside;
  $("rule-says").textContent = c.rule_says + (c.rule_in_force ? "" : " (Once the coalition has agreed how it decides; until then objections stay unspoken.)");
  $("exit-cost").textContent = c.exit_protocol === "graceful"
    ? "The coalition has an exit plan: leaving is orderly and does little damage."
    : "There is no exit plan: leaving breaks trust and takes your share of the work with you.";
  if (state.turn !== v.turn) {
    // A new turn: the form starts from the last choices sent.
    state.turn = v.turn;
    setForm(v.last);
    $("sent").hidden = true;
  }
  $("sent").hidden = !v.chosen;
  $("sent").textContent = v.team
    ? "Your vote is in for this turn. You can still change it until the turn ends."
    : "Choices sent for this turn. You can still change them until the turn ends.";
  lines($("observed"), w.observed.slice().reverse(), "Nothing yet.");
  const it = $("interests");
  it.innerHTML = "<tr><th>Issue</th><th>You stand</th><th>Agenda</th><th>Matters to you</th></tr>";
  for (const i of w.interests) {
    const tr = it.insertRow();
    tr.insertCell().textContent = (i.name || "Issue " + i.issue) + (i.in_scope ? "" : " (not on the agenda)");
    tr.insertCell().textContent = i.position.toFixed(2);
    tr.insertCell().textContent = i.agenda.toFixed(2);
    tr.insertCell().textContent = i.importance >= 0.66 ? "a lot" : i.importance >= 0.33 ? "some" : "little";
  }
  const tt = $("trust");
  tt.innerHTML = "<tr><th>Organisation</th><th>Your trust</th></tr>";
  for (const t of w.trust) {
    const tr = tt.insertRow();
    tr.insertCell().textContent = t.name;
    tr.insertCell().textContent = t.trust.toFixed(2);
  }
}

async function send(ev) {
  ev.preventDefault();
  const f = $("choices");
  try {
    await post("/api/game/choose", {
      token: state.token, turn: state.view.turn,
      attend: f.attend.value === "true", contribute: Number(f.contribute.value),
      ballot: f.ballot.value, object: f.object.checked, leave: f.leave.value === "true",
    });
    poll();
  } catch (e) { showError(e.message); }
}

async function quit() {
  try { await post("/api/game/quit", { token: state.token }); } catch (e) { /* gone already */ }
  sessionStorage.removeItem(key());
  clearTimeout(state.timer);
  $("seat").hidden = true;
  $("join-form").hidden = false;
  showError("You left the game; your organisation went back to the simulation.");
}

$("join").addEventListener("click", join);
$("choices").addEventListener("submit", send);
$("quit").addEventListener("click", quit);
const params = new URLSearchParams(location.search);
state.code = (params.get("code") || sessionStorage.getItem("coalsim-last-code") || "").toUpperCase();
$("code").value = state.code;
const saved = state.code && sessionStorage.getItem(key());
if (saved) { state.token = saved; seated(); }
document.body.dataset.ready = "true";
