// coalsim class game: the teacher's page. Plain JavaScript, no build step.
// The server runs the game; this page creates it, shows the join code and
// the live coalition, and sends the teacher's controls.
"use strict";

const $ = (id) => document.getElementById(id);
const SVGNS = "http://www.w3.org/2000/svg";
const C = { blue: "#0072B2", orange: "#E69F00", green: "#009E73", vermillion: "#D55E00", grey: "#767676", ink: "#1a1a1a", purple: "#CC79A7" };
const state = { token: null, last: null, timer: null, qr: false, focus: null, view: null, showJoin: false };

function el(name, attrs, parent) {
  const e = document.createElementNS(SVGNS, name);
  for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, v);
  if (parent) parent.appendChild(e);
  return e;
}

function showError(msg) {
  $("error").hidden = !msg;
  $("error").textContent = msg || "";
}

// The teacher key `coalsim serve` prints: needed to start a game from
// another computer than the server's (open /game?key=KEY there).
const TEACHER_KEY = new URLSearchParams(location.search).get("key") || "";

async function post(path, body) {
  const headers = { "content-type": "application/json" };
  if (TEACHER_KEY) headers["x-teacher-key"] = TEACHER_KEY;
  const r = await fetch(path, { method: "POST", headers, body: JSON.stringify(body) });
  const text = await r.text();
  if (!r.ok) {
    let msg = text;
    try { msg = JSON.parse(text).error; } catch (e) { /* plain text */ }
    throw new Error(msg);
  }
  return text;
}

async function catalog() {
  try {
    const c = JSON.parse(await (await fetch("/api/catalog")).text());
    const sel = $("source");
    if (c.served) sel.add(new Option(c.served + " (this server's file)", "served"));
    for (const s of c.class_scenarios || []) sel.add(new Option("Class: " + (s.title || s.name) + " (" + s.organisations + " organisations)", "class:" + s.name));
    if (!c.served && (c.class_scenarios || []).length) sel.value = "class:" + c.class_scenarios[0].name;
    for (const l of c.lessons) sel.add(new Option("Lesson: " + (l.title || l.name), "lesson:" + l.name));
    const rules = (c.controls || []).find((x) => x.key === "governance.decision_rule");
    for (const r of rules ? rules.options : []) $("rematch-rule").add(new Option(r, r));
  } catch (e) { showError("cannot read the catalogue: " + e.message); }
}

function source() {
  const v = $("source").value;
  if (v === "served") return { kind: "served" };
  if (v.startsWith("lesson:")) return { kind: "lesson", name: v.slice(7) };
  if (v.startsWith("class:")) return { kind: "class", name: v.slice(6) };
  return { kind: "default" };
}

async function create() {
  showError("");
  const body = { scenario: { source: source() }, weeks_per_turn: Number($("weeks").value), turn_seconds: Number($("secs").value) };
  if ($("seed").value !== "") body.seed = Number($("seed").value);
  if ($("team").value !== "0") body.team_size = Number($("team").value);
  try {
    const g = JSON.parse(await post("/api/game/new", body));
    state.token = g.token;
    sessionStorage.setItem("coalsim-teacher", g.token);
    begin();
  } catch (e) { showError(e.message); }
}

function begin() {
  $("setup").hidden = true;
  $("game").hidden = false;
  state.qr = false;
  poll();
}

async function poll() {
  clearTimeout(state.timer);
  try {
    const v = JSON.parse(await post("/api/game/teacher", { token: state.token, join: !state.qr }));
    showError("");
    render(v);
  } catch (e) {
    showError(e.message);
    if (/does not know you/.test(e.message)) { sessionStorage.removeItem("coalsim-teacher"); return; }
  }
  state.timer = setTimeout(poll, 1000);
}

async function control(action, extra) {
  try {
    await post("/api/game/control", Object.assign({ token: state.token, action }, extra || {}));
    poll();
    return true;
  } catch (e) { showError(e.message); return false; }
}

const PHASE = { lobby: "Waiting for players", playing: "Playing", paused: "Paused for discussion", over: "Game over" };

const SHOCK = { competitor: "a competing group appears", policy_shift: "the policy ground shifts", leadership_change: "a member changes its leaders" };

function clock(s) { return s == null ? "" : Math.floor(s / 60) + ":" + String(s % 60).padStart(2, "0"); }

function render(v) {
  state.last = v;
  const b = document.body;
  b.dataset.phase = v.phase;
  b.dataset.turn = v.turn;
  b.dataset.round = v.picture.round;
  b.dataset.game = v.game || 1;
  if (v.qr_svg) { $("qr").innerHTML = v.qr_svg; state.qr = true; }
  const url = v.join_url.replace(/\?code=.*/, "");
  $("join-url").textContent = url;
  $("join-url-small").textContent = url;
  $("code").textContent = v.code;
  $("code-small").textContent = v.code;
  $("scenario-name").textContent = "— " + v.picture.coalition.title + (v.game > 1 ? " · game " + v.game + " (" + v.picture.coalition.rule + ")" : "");
  const lobby = v.phase === "lobby";
  $("join").hidden = !(lobby || state.showJoin);
  $("joinline").hidden = lobby;
  $("toggle-join").textContent = state.showJoin ? "Hide the join code" : "Show the join code";
  $("toggle-join").setAttribute("aria-expanded", String(state.showJoin));
  $("phase").textContent = PHASE[v.phase] || v.phase;
  $("clock").textContent = clock(v.seconds_left);
  const p = v.picture;
  $("round").textContent = "Week " + p.round + " of " + p.max_rounds + " · turn " + v.turn + " (" + v.weeks_per_turn + " weeks each) · "
    + p.coalition.members + " members · goal " + Math.round(100 * p.coalition.progress_share) + "% done · " + p.coalition.rule;
  $("start").hidden = !lobby;
  $("pause").hidden = v.phase !== "playing";
  $("resume").hidden = v.phase !== "paused";
  for (const id of ["extend", "advance"]) $(id).hidden = v.phase !== "playing" && v.phase !== "paused";
  $("end").hidden = v.phase === "over";
  $("rematch").hidden = v.phase !== "over";
  $("rematch-rule").parentElement.hidden = v.phase !== "over";
  if (!$("rematch").hidden && !state.rulePicked) {
    const other = [...$("rematch-rule").options].map((o) => o.value).find((r) => r !== p.coalition.rule);
    if (other) $("rematch-rule").value = other;
    state.rulePicked = true;
  }
  $("shock-form").hidden = v.phase === "over";
  const called = (v.shocks || []).map((s) => SHOCK[s.kind] + " (week " + s.week + ")");
  $("shock-note").hidden = !v.next_shock && !called.length;
  $("shock-off").hidden = !v.next_shock;
  $("shock-text").textContent = (v.next_shock ? "Next turn, first week: " + SHOCK[v.next_shock] + " (the model's shock of that kind). " : "")
    + (called.length ? "Shocks called: " + called.join("; ") + "." : "");
  document.body.dataset.shocks = (v.shocks || []).length;
  $("said").hidden = !v.message;
  $("said").textContent = v.message ? "On every phone: " + v.message : "";
  renderSeats(v);
  if (!state.view) state.view = "live";
  if (!v.debrief && state.view === "debrief") state.view = "live";
  b.dataset.view = state.view;
  $("show-debrief").hidden = !(v.debrief && state.view === "live");
  drawWorld();
  drawChart($("chart"), p.points, p.max_rounds, null);
  const story = $("story");
  const atEnd = story.scrollTop + story.clientHeight >= story.scrollHeight - 4;
  story.innerHTML = "";
  for (const line of p.lines) {
    const li = document.createElement("li");
    li.textContent = line;
    story.appendChild(li);
  }
  if (atEnd || state.lines !== p.lines.length) story.scrollTop = story.scrollHeight;
  state.lines = p.lines.length;
  $("debrief-wait").hidden = !v.debrief_running;
  if (v.debrief) drawDebrief(v);
  if (v.debrief && state.debriefShown !== (v.game || 1)) { state.debriefShown = v.game || 1; state.view = "debrief"; b.dataset.view = "debrief"; drawDebrief(v); }
  b.dataset.debrief = v.debrief ? "done" : "";
}

// Teams: each organisation with the students who play it; the waiting
// list; each player can be moved or removed.
function renderSeats(v) {
  const ul = $("seats");
  // Rebuilt only when the roster changed, and never under the teacher's
  // hand (a "move" list open, a button with the focus).
  const sig = JSON.stringify([v.seats.map((s) => [s.member, s.chosen, (s.players || []).map((p) => [p.id, p.name, p.state, p.chosen, p.speaker])]), v.waiting, v.dropped]);
  if (sig === state.rosterSig || ul.contains(document.activeElement)) return;
  state.rosterSig = sig;
  ul.innerHTML = "";
  let players = 0;
  for (const s of v.seats) {
    const team = s.players || (s.player ? [{ name: s.player, state: s.state, chosen: s.chosen }] : []);
    if (!team.length) continue;
    players += team.length;
    const li = document.createElement("li");
    const away = team.every((x) => x.state === "away");
    li.className = (away ? "away" : "playing") + (s.member ? "" : " former");
    if (s.chosen) li.classList.add("chosen");
    const b = document.createElement("b");
    b.textContent = s.organisation;
    li.appendChild(b);
    li.appendChild(document.createTextNode(s.member ? "" : " (out)"));
    li.appendChild(document.createElement("br"));
    team.forEach((x) => {
      const row = document.createElement("span");
      row.className = "who";
      const span = document.createElement("span");
      span.textContent = x.name + (x.speaker ? " (breaks ties)" : "") + (x.state === "away" ? " (away)" : "") + (x.chosen ? " ✓" : "");
      if (x.chosen) span.className = "chosen";
      row.appendChild(span);
      if (x.id) rosterButtons(row, x, v);
      li.appendChild(row);
    });
    ul.appendChild(li);
  }
  for (const w of v.waiting || []) {
    const li = document.createElement("li");
    li.className = "waiting";
    const row = document.createElement("span");
    row.className = "who";
    row.textContent = w.name + " — watching, next free place";
    if (w.id) rosterButtons(row, w, v);
    li.appendChild(row);
    ul.appendChild(li);
  }
  if (!ul.children.length) ul.innerHTML = "<li>No one yet: students open the address and type the code.</li>";
  for (const d of v.dropped) {
    const li = document.createElement("li");
    li.className = "simulated";
    li.textContent = d + " — removed";
    ul.appendChild(li);
  }
  const waiting = (v.waiting || []).length;
  const teams = v.seats.filter((s) => (s.players || (s.player ? [1] : [])).length).length;
  $("roster-sum").textContent = players + " playing " + teams + " organisation" + (teams === 1 ? "" : "s") + (waiting ? " · " + waiting + " watching" : "");
  const per = v.team_size ? "up to " + v.team_size + " students per organisation" : "1 to 4 students per organisation, as the class fills them";
  $("class-size").textContent = (players + waiting) + " joined · " + v.seats.length + " organisations · " + per + (waiting ? " · " + waiting + " watching" : "");
}

// A small "move" select and a "remove" button for one player.
function rosterButtons(li, x, v) {
  const sel = document.createElement("select");
  sel.setAttribute("aria-label", "Move " + x.name + " to");
  sel.className = "move";
  sel.add(new Option("move", ""));
  v.seats.forEach((s) => sel.add(new Option(s.organisation, String(s.agent))));
  sel.addEventListener("change", () => { if (sel.value !== "") control("move", { player: x.id, agent: Number(sel.value) }); });
  const rm = document.createElement("button");
  rm.textContent = "✕";
  rm.title = "Remove " + x.name;
  rm.setAttribute("aria-label", "Remove " + x.name);
  rm.addEventListener("click", () => control("remove", { player: x.id }));
  li.append(" ", sel, rm);
}

function drawWorld() {
  const v = state.last;
  if (!v) return;
  const p = v.picture;
  const players = new Map();
  for (const s of v.seats) {
    const team = s.players || (s.player ? [{ name: s.player }] : []);
    if (team.length) players.set(s.agent, team.map((x) => x.name).join(", "));
  }
  const svg = $("world");
  const focused = svg.contains(document.activeElement);
  Picture.draw(svg, {
    nodes: p.nodes, names: p.names, links: p.links, players, founders: p.founders,
    heading: "Week " + p.round + ": " + p.coalition.members + " members · goal " + Math.round(100 * p.coalition.progress_share) + "% done",
    focus: state.focus,
    onFocus: (i) => {
      if (state.focus === i) return;
      state.focus = i;
      const keep = svg.contains(document.activeElement);
      drawWorld();
      if (keep && i != null) svg.querySelectorAll("g.agent")[i].focus();
    },
  });
  if (focused && state.focus != null) svg.querySelectorAll("g.agent")[state.focus].focus();
  $("world-desc").textContent = Picture.describe({ nodes: p.nodes, names: p.names });
}

// A chart drawn at its real size in pixels, so its text is as large on
// the projector as the page says (18 px, at least 15 on a small screen).
function drawChart(svg, points, maxRounds, title) {
  svg.innerHTML = "";
  const W = Math.max(200, svg.clientWidth), H = Math.max(120, svg.clientHeight);
  svg.setAttribute("viewBox", "0 0 " + W + " " + H);
  const F = H < 200 ? 14 : 17;
  const L = 2.6 * F, R = 2.8 * F, T = (title ? 2.9 : 1.8) * F, B = 1.6 * F;
  if (title) el("text", { x: 8, y: F + 2, "font-size": F, "font-weight": "bold", fill: C.ink }, svg).textContent = title;
  const maxM = Math.max(1, ...points.map((q) => q.members));
  const x = (r) => L + (W - L - R) * r / Math.max(1, maxRounds);
  const yM = (v) => H - B - (H - T - B) * v / maxM;
  const yP = (v) => H - B - (H - T - B) * v;
  el("line", { x1: L, y1: H - B, x2: W - R, y2: H - B, stroke: "#888" }, svg);
  el("line", { x1: L, y1: T, x2: L, y2: H - B, stroke: "#888" }, svg);
  el("line", { x1: W - R, y1: T, x2: W - R, y2: H - B, stroke: "#888" }, svg);
  el("text", { x: L, y: H - 4, "font-size": F, fill: C.ink }, svg).textContent = "week 0";
  el("text", { x: W - R, y: H - 4, "font-size": F, "text-anchor": "end", fill: C.ink }, svg).textContent = "week " + maxRounds;
  el("text", { x: L - 4, y: T + F * 0.4, "font-size": F, "text-anchor": "end", fill: C.blue }, svg).textContent = maxM;
  el("text", { x: L - 4, y: H - B, "font-size": F, "text-anchor": "end", fill: C.blue }, svg).textContent = "0";
  el("text", { x: W - R + 4, y: T + F * 0.4, "font-size": F, fill: C.ink }, svg).textContent = "100%";
  el("text", { x: W - R + 4, y: H - B, "font-size": F, fill: C.ink }, svg).textContent = "0%";
  const series = [
    { key: "members", y: yM, colour: C.blue, dash: "none", label: "members" },
    { key: "trust", y: yP, colour: "#007a5a", dash: "7 4", label: "trust" },
    { key: "progress", y: yP, colour: "#b36b00", dash: "2 3", label: "goal done" },
  ];
  // The legend: one row, each entry placed after the one before it.
  let lx = L;
  const ly = T - 0.7 * F;
  series.forEach((s) => {
    if (points.length) el("polyline", { points: points.map((q) => x(q.round).toFixed(1) + "," + s.y(q[s.key]).toFixed(1)).join(" "),
      fill: "none", stroke: s.colour, "stroke-width": 3.5, "stroke-dasharray": s.dash }, svg);
    el("line", { x1: lx, y1: ly - F * 0.3, x2: lx + 1.6 * F, y2: ly - F * 0.3, stroke: s.colour, "stroke-width": 3.5, "stroke-dasharray": s.dash }, svg);
    const t = el("text", { x: lx + 1.9 * F, y: ly, "font-size": F, fill: C.ink }, svg);
    t.textContent = s.label;
    lx += 1.9 * F + s.label.length * F * 0.62 + F;
  });
}

function pct(x) { return Math.round(100 * x) + "%"; }

function ending(e) {
  const words = { goal: "reached the goal", sunset: "closed declaring success", dissolved: "dissolved", round_limit: "still going at the end", stopped: "stopped by the teacher" };
  return (words[e.outcome] || e.outcome) + " in week " + e.rounds + " · " + pct(e.progress_share) + " of the goal · " + e.final_members + (e.final_members === 1 ? " member" : " members");
}

function drawDebrief(v) {
  const d = v.debrief;
  $("debrief").hidden = false;
  $("verdict").textContent = v.picture.verdict || "";
  $("reading").textContent = d.reading;
  const t = $("compare");
  t.innerHTML = "";
  const by = d.weeks && d.weeks < v.picture.max_rounds ? " by week " + d.weeks : "";
  const rows = [
    ["Your class", ending(d.class)],
    ["Same coalition, no players", ending(d.without_players)],
    ["Simulated coalitions that reached the goal" + by, pct(d.success_rate) + " (95% interval " + pct(d.success_lo) + "–" + pct(d.success_hi) + ") of " + d.runs],
    ["The class got further than", pct(d.progress_percentile) + " of them" + by],
  ];
  if (d.lifetime_percentile != null) rows.push(["The class held together longer than", pct(d.lifetime_percentile) + " of them"]);
  for (const g of v.games || []) rows.push(["Game " + g.game + " (" + g.rule + ")", ending(g.class)]);
  for (const [a, b] of rows) {
    const tr = t.insertRow();
    const th = document.createElement("th");
    th.scope = "row";
    th.textContent = a;
    tr.appendChild(th);
    tr.insertCell().textContent = b;
  }
  drawHistogram(d);
  const games = $("games");
  games.innerHTML = "";
  for (const g of v.games || []) {
    const svg = el("svg", { role: "img", "aria-label": "Game " + g.game + " under " + g.rule + ": members, trust and goal done by week" }, games);
    svg.dataset.game = g.game;
  }
  (v.games || []).forEach((g, k) => drawChart(games.children[k], g.points, v.picture.max_rounds, "Game " + g.game + ": " + g.rule + " — " + ending(g.class).split(" · ")[0]));
  const ul = $("lessons");
  ul.innerHTML = "";
  if (!d.lessons.length) ul.innerHTML = "<li>None of the warning signs the texts describe showed up clearly.</li>";
  for (const l of d.lessons) {
    const li = document.createElement("li");
    const b = document.createElement("b");
    b.textContent = l.title + ": ";
    li.appendChild(b);
    li.appendChild(document.createTextNode(l.evidence + ". "));
    const why = document.createElement("span");
    why.className = "why";
    why.textContent = l.lesson;
    li.appendChild(why);
    ul.appendChild(li);
  }
}

// Simulated runs by tenth of the goal done, the class marked.
function drawHistogram(d) {
  const svg = $("hist");
  svg.innerHTML = "";
  const W = Math.max(200, svg.clientWidth), H = Math.max(140, svg.clientHeight);
  svg.setAttribute("viewBox", "0 0 " + W + " " + H);
  const F = H < 220 ? 14 : 17;
  const L = 1.5 * F, B = 3 * F, T = 2.2 * F;
  const max = Math.max(1, ...d.progress_histogram);
  const bw = (W - 2 * L) / 10;
  d.progress_histogram.forEach((k, i) => {
    const h = (H - B - T) * k / max;
    el("rect", { x: L + i * bw + 2, y: H - B - h, width: bw - 4, height: h, fill: "#9cc7e4" }, svg);
    el("text", { x: L + i * bw + bw / 2, y: H - B + F * 1.1, "text-anchor": "middle", "font-size": F, fill: C.ink }, svg).textContent = (i * 10) + "%";
  });
  const cx = L + (W - 2 * L) * Math.min(0.999, d.class.progress_share);
  el("line", { x1: cx, y1: T - 6, x2: cx, y2: H - B, stroke: C.vermillion, "stroke-width": 4 }, svg);
  el("text", { x: Math.min(cx + 6, W - 6 * F), y: T - 0.6 * F, "font-size": F, "font-weight": "bold", fill: "#a33a00" }, svg).textContent = "your class";
  el("text", { x: W / 2, y: H - 6, "text-anchor": "middle", "font-size": F, fill: C.ink }, svg).textContent =
    "share of the goal done" + (d.weeks ? " by week " + d.weeks : "") + ", " + d.runs + " simulated runs";
}

async function download() {
  try {
    const text = await post("/api/game/log", { token: state.token });
    const a = document.createElement("a");
    a.href = URL.createObjectURL(new Blob([text], { type: "text/csv" }));
    a.download = "game-log.csv";
    document.body.appendChild(a);
    a.click();
    a.remove();
    window.gameLog = text;
  } catch (e) { showError(e.message); }
}

$("create").addEventListener("click", create);
for (const a of ["start", "pause", "resume", "extend", "advance", "end"]) $(a).addEventListener("click", () => control(a));
$("say-form").addEventListener("submit", async (e) => {
  e.preventDefault();
  if (await control("say", { text: $("say").value })) $("say").value = "";
});
$("shock-form").addEventListener("submit", (e) => {
  e.preventDefault();
  control("shock", { kind: $("shock-kind").value });
});
$("shock-off").addEventListener("click", () => control("shock", { kind: "none" }));
$("rematch").addEventListener("click", async () => {
  if (await control("rematch", { rule: $("rematch-rule").value })) { state.view = "live"; state.rulePicked = false; }
});
$("toggle-join").addEventListener("click", () => { state.showJoin = !state.showJoin; if (state.last) render(state.last); });
$("show-live").addEventListener("click", () => { state.view = "live"; document.body.dataset.view = "live"; drawWorld(); if (state.last) drawChart($("chart"), state.last.picture.points, state.last.picture.max_rounds, null); });
$("show-debrief").addEventListener("click", () => { state.view = "debrief"; if (state.last) render(state.last); });
$("download").addEventListener("click", download);
window.addEventListener("resize", () => { if (state.last) render(state.last); });
catalog().then(() => {
  const t = sessionStorage.getItem("coalsim-teacher");
  if (t) { state.token = t; begin(); }
  document.body.dataset.ready = "true";
});
