// coalsim class game: the teacher's page. Plain JavaScript, no build step.
// The server runs the game; this page creates it, shows the join code and
// the live coalition, and sends the teacher's controls.
"use strict";

const $ = (id) => document.getElementById(id);
const SVGNS = "http://www.w3.org/2000/svg";
const C = { blue: "#0072B2", orange: "#E69F00", green: "#009E73", vermillion: "#D55E00", grey: "#8a8a8a", ink: "#1a1a1a", purple: "#CC79A7" };
const state = { token: null, last: null, timer: null, qr: false };

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
    for (const l of c.lessons) sel.add(new Option("Lesson: " + (l.title || l.name), "lesson:" + l.name));
  } catch (e) { showError("cannot read the catalogue: " + e.message); }
}

function source() {
  const v = $("source").value;
  if (v === "served") return { kind: "served" };
  if (v.startsWith("lesson:")) return { kind: "lesson", name: v.slice(7) };
  return { kind: "default" };
}

async function create() {
  showError("");
  const body = { scenario: { source: source() }, weeks_per_turn: Number($("weeks").value), turn_seconds: Number($("secs").value) };
  if ($("seed").value !== "") body.seed = Number($("seed").value);
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

async function control(action) {
  try {
    await post("/api/game/control", { token: state.token, action });
    poll();
  } catch (e) { showError(e.message); }
}

const PHASE = { lobby: "Waiting for players", playing: "Playing", paused: "Paused", over: "Game over" };

function render(v) {
  state.last = v;
  document.body.dataset.phase = v.phase;
  document.body.dataset.turn = v.turn;
  document.body.dataset.round = v.picture.round;
  if (v.qr_svg) { $("qr").innerHTML = v.qr_svg; state.qr = true; }
  $("join-url").textContent = v.join_url.replace(/\?code=.*/, "");
  $("code").textContent = v.code;
  $("phase").textContent = PHASE[v.phase] || v.phase;
  $("clock").textContent = v.seconds_left == null ? "" : Math.floor(v.seconds_left / 60) + ":" + String(v.seconds_left % 60).padStart(2, "0");
  const p = v.picture;
  $("round").textContent = "Week " + p.round + " of " + p.max_rounds + " · turn " + v.turn + " (" + v.weeks_per_turn + " weeks each) · "
    + p.coalition.members + " members · goal " + Math.round(100 * p.coalition.progress_share) + "% done";
  $("start").hidden = v.phase !== "lobby";
  $("pause").hidden = v.phase !== "playing";
  $("resume").hidden = v.phase !== "paused";
  for (const id of ["extend", "advance"]) $(id).hidden = v.phase !== "playing" && v.phase !== "paused";
  $("end").hidden = v.phase === "over";
  const seats = $("seats");
  seats.innerHTML = "";
  for (const s of v.seats) {
    if (!s.player) continue;
    const li = document.createElement("li");
    li.className = s.state + (s.chosen ? " chosen" : "") + (s.member ? "" : " former");
    li.textContent = s.player + " — " + s.organisation + (s.state === "away" ? " (away: the model decides)" : "");
    seats.appendChild(li);
  }
  if (!seats.children.length) seats.innerHTML = "<li>No one yet: students open the address and type the code.</li>";
  for (const d of v.dropped) {
    const li = document.createElement("li");
    li.className = "simulated";
    li.textContent = d + " — removed for flooding the server";
    seats.appendChild(li);
  }
  drawWorld(v);
  drawChart(p.points, p.max_rounds, p.coalition.members);
  const story = $("story");
  story.innerHTML = "";
  for (const line of p.lines) {
    const li = document.createElement("li");
    li.textContent = line;
    story.appendChild(li);
  }
  story.scrollTop = story.scrollHeight;
  $("debrief-wait").hidden = !v.debrief_running;
  if (v.debrief) drawDebrief(v);
  document.body.dataset.debrief = v.debrief ? "done" : "";
}

// Members around the agenda, at their distance from it; players labelled.
function drawWorld(v) {
  const svg = $("world");
  svg.innerHTML = "";
  const p = v.picture;
  const players = new Map(v.seats.filter((s) => s.player).map((s) => [s.agent, s.player]));
  const maxPower = Math.max(1e-9, ...p.nodes.map((x) => x.power));
  const members = p.nodes.filter((x) => x.status === "member").length;
  const others = p.nodes.length - members;
  let m = 0, o = 0;
  const pos = p.nodes.map((node) => {
    const inside = node.status === "member";
    const k = inside ? m++ : o++;
    const angle = -Math.PI / 2 + (2 * Math.PI * (k + (inside ? 0 : 0.5))) / Math.max(1, inside ? members : others);
    const r = inside ? 72 + (1 - Math.max(0, Math.min(1, node.support))) * 178 : 285;
    return { x: 320 + r * Math.cos(angle), y: 320 + r * Math.sin(angle), angle, size: 10 + 16 * Math.sqrt(Math.max(0, node.power) / maxPower) };
  });
  for (const r of [250, 161, 72]) el("circle", { cx: 320, cy: 320, r, fill: "none", stroke: "#ddd", "stroke-dasharray": "4 4" }, svg);
  for (const [i, j, t] of p.links) {
    const a = pos[i], b = pos[j];
    el("line", { x1: a.x, y1: a.y, x2: b.x, y2: b.y, stroke: t < 40 ? C.vermillion : t >= 60 ? C.green : C.grey,
      "stroke-width": (0.6 + 6 * t / 100).toFixed(2), "stroke-opacity": 0.5, "stroke-dasharray": t < 40 ? "5 4" : "none" }, svg);
  }
  el("circle", { cx: 320, cy: 320, r: 26, fill: "#f3e3b5", stroke: C.orange, "stroke-width": 2 }, svg);
  el("text", { x: 320, y: 325, "text-anchor": "middle", "font-size": 13, "font-weight": "bold" }, svg).textContent = "agenda";
  p.nodes.forEach((node, i) => {
    const q = pos[i];
    const colour = node.status === "member" ? C.blue : node.status === "former" ? C.vermillion : C.grey;
    const g = el("g", { class: "agent " + node.status + (players.has(i) ? " played" : "") }, svg);
    el("circle", { cx: q.x, cy: q.y, r: q.size, fill: "#fff", stroke: colour, "stroke-width": 3, "stroke-dasharray": node.status === "former" ? "3 3" : "none" }, g);
    el("circle", { cx: q.x, cy: q.y, r: (q.size * Math.sqrt(Math.max(0, Math.min(1, node.engagement)))).toFixed(2), fill: colour, "fill-opacity": node.status === "member" ? 0.85 : 0.3 }, g);
    if (players.has(i)) el("circle", { cx: q.x, cy: q.y, r: q.size + 5, fill: "none", stroke: C.ink, "stroke-width": 2.5 }, g);
    const lx = q.x + Math.cos(q.angle) * (q.size + 9), ly = q.y + Math.sin(q.angle) * (q.size + 9) + 5;
    const anchor = Math.abs(Math.cos(q.angle)) < 0.3 ? "middle" : Math.cos(q.angle) > 0 ? "start" : "end";
    const label = p.names[i] + (players.has(i) ? " — " + players.get(i) : "");
    el("text", { x: lx, y: ly + (Math.sin(q.angle) > 0.7 ? 8 : 0), "text-anchor": anchor, "font-size": players.has(i) ? 16 : 14,
      "font-weight": players.has(i) ? "bold" : "normal", fill: node.status === "member" ? C.ink : "#777" }, g).textContent = label;
  });
  el("text", { x: -60, y: 24, "font-size": 16, "font-weight": "bold" }, svg).textContent =
    "Week " + p.round + ": " + p.coalition.members + " members · goal " + Math.round(100 * p.coalition.progress_share) + "% done";
  el("text", { x: -60, y: 630, "font-size": 13, fill: C.ink }, svg).textContent =
    "ring = played by a student · filled = engaged · closer to the centre = agenda fits it · green line = trust, red dashed = distrust";
}

// Members (left axis), trust and progress (right axis, 0–100%).
function drawChart(points, maxRounds, now) {
  const svg = $("chart");
  svg.innerHTML = "";
  const W = 520, H = 260, L = 40, R = 40, T = 40, B = 30;
  const maxM = Math.max(1, now, ...points.map((q) => q.members));
  const x = (r) => L + (W - L - R) * r / Math.max(1, maxRounds);
  const yM = (v) => H - B - (H - T - B) * v / maxM;
  const yP = (v) => H - B - (H - T - B) * v;
  el("line", { x1: L, y1: H - B, x2: W - R, y2: H - B, stroke: "#999" }, svg);
  el("text", { x: L, y: H - 8, "font-size": 12, fill: C.ink }, svg).textContent = "week 0";
  el("text", { x: W - R, y: H - 8, "font-size": 12, "text-anchor": "end", fill: C.ink }, svg).textContent = "week " + maxRounds;
  const series = [
    { key: "members", y: yM, colour: C.blue, dash: "none", label: "members (max " + maxM + ")" },
    { key: "trust", y: yP, colour: C.green, dash: "6 4", label: "trust" },
    { key: "progress", y: yP, colour: C.orange, dash: "2 3", label: "goal done" },
  ];
  series.forEach((s, k) => {
    if (points.length) el("polyline", { points: points.map((q) => x(q.round).toFixed(1) + "," + s.y(q[s.key]).toFixed(1)).join(" "),
      fill: "none", stroke: s.colour, "stroke-width": 3, "stroke-dasharray": s.dash }, svg);
    el("line", { x1: L + k * 160, y1: 12, x2: L + k * 160 + 26, y2: 12, stroke: s.colour, "stroke-width": 3, "stroke-dasharray": s.dash }, svg);
    el("text", { x: L + k * 160 + 32, y: 17, "font-size": 13, fill: C.ink }, svg).textContent = s.label;
  });
}

function pct(x) { return Math.round(100 * x) + "%"; }

function ending(e) {
  const words = { goal: "reached the goal", sunset: "closed declaring success", dissolved: "dissolved", round_limit: "still going at the end" };
  return (words[e.outcome] || e.outcome) + " in week " + e.rounds + " · " + pct(e.progress_share) + " of the goal · " + e.final_members + (e.final_members === 1 ? " member" : " members") + " left";
}

function drawDebrief(v) {
  const d = v.debrief;
  $("debrief").hidden = false;
  $("verdict").textContent = v.picture.verdict || "";
  $("reading").textContent = d.reading;
  const t = $("compare");
  t.innerHTML = "";
  const rows = [
    ["Your class", ending(d.class)],
    ["Same coalition, no players", ending(d.without_players)],
    ["Simulated coalitions reaching the goal", pct(d.success_rate) + " (95% interval " + pct(d.success_lo) + "–" + pct(d.success_hi) + ") of " + d.runs],
    ["The class got further than", pct(d.progress_percentile) + " of them"],
    ["The class held together longer than", pct(d.lifetime_percentile) + " of them"],
  ];
  for (const [a, b] of rows) {
    const tr = t.insertRow();
    const th = document.createElement("th");
    th.textContent = a;
    tr.appendChild(th);
    tr.insertCell().textContent = b;
  }
  // Histogram of the goal share done, the class marked.
  const svg = $("hist");
  svg.innerHTML = "";
  const W = 520, H = 240, L = 30, B = 40, T = 24;
  const max = Math.max(1, ...d.progress_histogram);
  const bw = (W - 2 * L) / 10;
  d.progress_histogram.forEach((k, i) => {
    const h = (H - B - T) * k / max;
    el("rect", { x: L + i * bw + 2, y: H - B - h, width: bw - 4, height: h, fill: "#9cc7e4" }, svg);
    el("text", { x: L + i * bw + bw / 2, y: H - B + 16, "text-anchor": "middle", "font-size": 12, fill: C.ink }, svg).textContent = (i * 10) + "%";
  });
  const cx = L + (W - 2 * L) * Math.min(0.999, d.class.progress_share);
  el("line", { x1: cx, y1: T - 6, x2: cx, y2: H - B, stroke: C.vermillion, "stroke-width": 4 }, svg);
  el("text", { x: Math.min(cx + 6, W - 110), y: T + 6, "font-size": 14, "font-weight": "bold", fill: C.vermillion }, svg).textContent = "your class";
  el("text", { x: W / 2, y: H - 6, "text-anchor": "middle", "font-size": 13, fill: C.ink }, svg).textContent = "share of the goal done, " + d.runs + " simulated runs";
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
$("download").addEventListener("click", download);
catalog().then(() => {
  const t = sessionStorage.getItem("coalsim-teacher");
  if (t) { state.token = t; begin(); }
  document.body.dataset.ready = "true";
});
