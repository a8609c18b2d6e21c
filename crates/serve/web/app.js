// coalsim serve: the page. Plain JavaScript and SVG, no build step.
// The server does every simulation; this file draws what it answers and
// renders whatever events and narrative lines come, whatever their kind.
"use strict";

const $ = (id) => document.getElementById(id);
const SVGNS = "http://www.w3.org/2000/svg";
// Okabe–Ito: distinguishable with the common colour-vision deficiencies.
const C = {
  blue: "#0072B2", orange: "#E69F00", green: "#009E73", vermillion: "#D55E00",
  purple: "#CC79A7", sky: "#56B4E9", yellow: "#F0E442", grey: "#8a8a8a", ink: "#1a1a1a",
};
// Eight, one per variant a comparison may hold (all seven rules fit).
const ARM_COLOURS = [C.blue, C.vermillion, C.green, C.orange, C.purple, C.sky, C.ink, C.yellow];
const STATUS = {
  member: { colour: C.blue, label: "member" },
  outsider: { colour: C.grey, label: "outsider" },
  former: { colour: C.vermillion, label: "former member" },
};
const BALLOT = {
  yes: { mark: "✓", colour: C.green, words: "yes" },
  no: { mark: "✗", colour: C.vermillion, words: "objected" },
  aside: { mark: "–", colour: C.orange, words: "stood aside" },
  silent: { mark: "…", colour: C.purple, words: "kept an objection quiet" },
};

const state = {
  catalog: null,
  source: { kind: "default" },
  scenario: null, // the /api/scenario answer
  set: {},        // control key -> value the teacher changed
  run: null,      // the current RunView
  ghost: null,    // the previous run, drawn faintly in the charts
  frame: 0,
  timer: null,
  job: null,      // AbortController of a running comparison
  result: null,
  focus: null,    // the organisation with the focus in the picture
};

// ---------- server calls ----------

async function post(path, body) {
  const r = await fetch(path, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  const text = await r.text();
  let data;
  try { data = JSON.parse(text); } catch (_) { data = { error: text || r.statusText }; }
  if (!r.ok) throw new Error(data.error || r.statusText);
  return data;
}

function scenarioRequest(extra) {
  const set = Object.entries(Object.assign({}, state.set, extra || {}))
    .map(([key, value]) => ({ key, value: String(value) }));
  const req = { source: state.source, set };
  const v = $("variant").value;
  if (v) req.variant = v;
  return req;
}

function showError(msg) {
  const box = $("error");
  if (msg) { box.textContent = msg; box.hidden = false; } else { box.hidden = true; box.textContent = ""; }
}

// ---------- scenario and controls ----------

async function init() {
  state.catalog = await (await fetch("/api/catalog")).json();
  const src = $("source");
  const add = (value, text) => { const o = document.createElement("option"); o.value = value; o.textContent = text; src.appendChild(o); };
  add("default", "Default: city coalition");
  if (state.catalog.served) add("served", "File: " + state.catalog.served);
  for (const l of state.catalog.lessons) add("lesson:" + l.name, "Lesson: " + (l.title || l.name));
  if (state.catalog.served) { src.value = "served"; state.source = { kind: "served" }; }
  $("runs").max = state.catalog.limits.runs;
  buildControls();
  // A shared address: ?scenario=lesson:NAME&variant=V&rule=R&seed=N.
  const q = new URLSearchParams(location.search);
  const wanted = q.get("scenario");
  if (wanted && [...src.options].some((o) => o.value === wanted)) {
    src.value = wanted;
    state.source = wanted.startsWith("lesson:") ? { kind: "lesson", name: wanted.slice(7) } : { kind: wanted };
  }
  if (q.get("rule")) state.set["governance.decision_rule"] = q.get("rule");
  state.wantVariant = q.get("variant");
  state.wantSeed = q.get("seed");
  const described = sessionStorage.getItem("coalsim-described");
  if (q.get("described") !== null && described) {
    const d = JSON.parse(described);
    if (await useUpload(d.name, d.text)) return;
  }
  await loadScenario(true);
}

// The page address holds the scenario, variant, rule and seed, so that a
// teacher can send the link and the class sees the same run.
function remember() {
  const q = new URLSearchParams();
  const src = $("source").value;
  if (src && src !== "upload") q.set("scenario", src);
  if ($("variant").value) q.set("variant", $("variant").value);
  const rule = state.set["governance.decision_rule"];
  if (rule) q.set("rule", rule);
  if ($("seed").value !== "") q.set("seed", $("seed").value);
  const url = location.pathname + (q.toString() ? "?" + q.toString() : "");
  if (url !== location.pathname + location.search) history.replaceState(null, "", url);
}

function buildControls() {
  const box = $("controls");
  box.innerHTML = "";
  for (const c of state.catalog.controls) {
    const label = document.createElement("label");
    const title = document.createElement("span");
    title.textContent = c.label + " ";
    const value = document.createElement("span");
    value.className = "value";
    title.appendChild(value);
    label.appendChild(title);
    let input;
    if (c.kind === "select") {
      input = document.createElement("select");
      for (const o of c.options) { const op = document.createElement("option"); op.value = o; op.textContent = o.replace(/_/g, " "); input.appendChild(op); }
    } else if (c.kind === "bool") {
      input = document.createElement("input"); input.type = "checkbox";
    } else {
      input = document.createElement("input"); input.type = "range";
      input.min = c.min; input.max = c.max; input.step = c.step;
    }
    input.id = "ctl-" + c.key;
    input.dataset.key = c.key;
    input.addEventListener("input", () => { value.textContent = controlValue(input); });
    input.addEventListener("change", async () => {
      state.set[c.key] = controlValue(input);
      await loadScenario(false);
    });
    label.appendChild(input);
    box.appendChild(label);
  }
  const rules = state.catalog.controls.find((c) => c.key === "governance.decision_rule");
  const other = $("other-rule");
  other.innerHTML = "";
  for (const r of rules ? rules.options : []) { const o = document.createElement("option"); o.value = r; o.textContent = r; other.appendChild(o); }
}

function controlValue(input) {
  return input.type === "checkbox" ? String(input.checked) : input.value;
}

function showControlValues(values) {
  for (const c of state.catalog.controls) {
    const input = $("ctl-" + c.key);
    const v = values[c.key];
    if (!input || v === undefined) continue;
    if (input.type === "range") {
      // A file may hold a value beyond the slider's usual range: widen it.
      const x = parseFloat(v);
      if (x > parseFloat(input.max)) input.max = String(x * 2);
      if (x < parseFloat(input.min)) input.min = String(x);
    }
    if (input.type === "checkbox") input.checked = v === "true"; else input.value = v;
    input.parentElement.querySelector(".value").textContent = v;
  }
}

// Loads (validates) the scenario with the current settings, then runs it.
async function loadScenario(fresh) {
  let s;
  try {
    s = await post("/api/scenario", scenarioRequest());
  } catch (e) {
    showError(e.message);
    return false;
  }
  showError("");
  state.scenario = s;
  $("title").textContent = s.name;
  $("description").textContent = s.description;
  $("lesson-text").textContent = s.lesson ? "Lesson: " + s.lesson : "";
  if (fresh) {
    const vsel = $("variant");
    const keep = vsel.value;
    vsel.innerHTML = "";
    const base = document.createElement("option"); base.value = ""; base.textContent = "(the scenario itself)"; vsel.appendChild(base);
    for (const v of s.variants) { const o = document.createElement("option"); o.value = v.name; o.textContent = v.name; o.title = v.description; vsel.appendChild(o); }
    const want = state.wantVariant;
    state.wantVariant = null;
    vsel.value = want && s.variants.some((v) => v.name === want) ? want : s.variants.some((v) => v.name === keep) ? keep : "";
    $("seed").value = state.wantSeed != null && /^[0-9]+$/.test(state.wantSeed) ? state.wantSeed : s.seed;
    state.wantSeed = null;
    fillCompareChoices();
    if (vsel.value && vsel.value !== keep) {
      // The variant asked for in the address: load the scenario with it.
      return loadScenario(false);
    }
  }
  showControlValues(s.values);
  const other = $("other-rule");
  if (other.value === s.rule || !other.value) other.value = s.rule === "majority" ? "consensus" : "majority";
  await runOnce(false);
  return true;
}

// ---------- one run ----------

async function runOnce(keepGhost, extraSet) {
  stop();
  let v;
  const seed = parseInt($("seed").value, 10);
  const req = { scenario: scenarioRequest(extraSet) };
  if (Number.isFinite(seed) && seed >= 0) req.seed = seed;
  try {
    v = await post("/api/run", req);
  } catch (e) {
    showError(e.message);
    return;
  }
  showError("");
  state.ghost = keepGhost ? state.run : null;
  state.run = v;
  state.focus = null;
  remember();
  $("scrub").max = v.frames.length - 1;
  $("verdict").textContent = "";
  $("versus").textContent = "";
  buildStory();
  show(0);
  document.body.dataset.rounds = String(v.frames.length - 1);
}

function frameAt(i) { return state.run.frames[i]; }

function show(i) {
  const run = state.run;
  if (!run) return;
  i = Math.max(0, Math.min(run.frames.length - 1, i));
  state.frame = i;
  const f = frameAt(i);
  $("scrub").value = i;
  $("round-label").textContent = "round " + f.round + " of " + (run.frames.length - 1);
  document.body.dataset.round = String(f.round);
  drawWorld(f);
  drawVote(f);
  markStory(i);
  drawCharts();
  if (i === run.frames.length - 1) {
    $("verdict").textContent = run.verdict;
    if (state.ghost) renderVersus();
    stop();
  } else {
    $("verdict").textContent = "";
  }
}

// Same story, other rule: the two runs' endings side by side.
function renderVersus() {
  const a = state.ghost, b = state.run;
  const box = $("versus");
  box.innerHTML = "";
  const t = document.createElement("table");
  const cap = t.createCaption();
  cap.textContent = "Same story (seed " + b.seed + "), two rules";
  const row = (r, how) => {
    const tr = t.insertRow();
    const th = document.createElement("th");
    th.scope = "row";
    th.textContent = "Under " + r.rule + " (" + how + ")";
    tr.appendChild(th);
    const s = r.summary;
    tr.insertCell().textContent = s.outcome.replace(/_/g, " ") + " in round " + s.rounds;
    tr.insertCell().textContent = Math.round(100 * s.progress_share) + "% of the goal";
    tr.insertCell().textContent = s.final_members + " members";
  };
  row(a, "dashed");
  row(b, "solid");
  box.appendChild(t);
}

function play() {
  if (!state.run) return;
  if (state.timer) { stop(); return; }
  if (state.frame >= state.run.frames.length - 1) show(0);
  $("play").textContent = "⏸ Pause";
  const tick = () => {
    if (state.frame >= state.run.frames.length - 1) { stop(); return; }
    show(state.frame + 1);
    state.timer = setTimeout(tick, parseInt($("speed").value, 10));
  };
  state.timer = setTimeout(tick, 50);
}

function stop() {
  if (state.timer) clearTimeout(state.timer);
  state.timer = null;
  $("play").textContent = "▶ Play";
}

// ---------- the coalition picture ----------

function el(name, attrs, parent) {
  const e = document.createElementNS(SVGNS, name);
  for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, v);
  if (parent) parent.appendChild(e);
  return e;
}

// The coalition picture (picture.js): every organisation keeps its place
// on the circle; the focused one (pointer or Tab) shows its full name and
// its trust lines.
function drawWorld(f) {
  const svg = $("world");
  const run = state.run;
  const names = run.agents.map((a) => a.name);
  const keep = svg.contains(document.activeElement);
  const heading = f.record
    ? "Round " + f.round + ": " + f.record.members + " members · progress " + Math.round(100 * f.record.progress_share) + "%"
    : "The start";
  Picture.draw(svg, {
    nodes: f.nodes, names, links: f.links, founders: run.agents.map((a) => a.founder),
    ballots: new Map((f.vote ? f.vote.ballots : []).map(([i, b]) => [i, b])),
    heading, focus: state.focus,
    onFocus: (i) => {
      if (state.focus === i) return;
      state.focus = i;
      const inside = svg.contains(document.activeElement);
      drawWorld(frameAt(state.frame));
      if (inside && i != null) svg.querySelectorAll("g.agent")[i].focus();
    },
  });
  if (keep && state.focus != null) svg.querySelectorAll("g.agent")[state.focus].focus();
  $("world-desc").textContent = heading + ". " + Picture.describe({ nodes: f.nodes, names });
}

function drawLegend() {
  const items = [
    ["●", C.blue, "member (fill = engagement)"], ["●", C.grey, "outsider"], ["◌", C.vermillion, "former member"],
    ["★", C.ink, "founder"], ["◯", C.orange, "leader"], ["━", C.green, "high trust"], ["┅", C.vermillion, "low trust"],
  ];
  const ballots = Object.values(BALLOT).map((b) => [b.mark, b.colour, b.words]);
  $("legend").innerHTML = "";
  for (const [mark, colour, words] of items.concat(ballots)) {
    const s = document.createElement("span");
    const m = document.createElement("b"); m.style.color = colour; m.textContent = mark + " ";
    s.appendChild(m); s.appendChild(document.createTextNode(words));
    $("legend").appendChild(s);
  }
  const note = document.createElement("div");
  note.textContent = "Closer to the centre = interests closer to the agenda. Size = power.";
  $("legend").appendChild(note);
}

function drawVote(f) {
  const box = $("vote");
  box.innerHTML = "";
  const v = f.vote;
  if (!v) {
    box.textContent = f.round === 0 ? "Votes appear here as they happen." : "No vote on a proposal this round.";
    return;
  }
  const names = state.run.agents.map((a) => a.name);
  const head = document.createElement("div");
  head.className = "tally";
  const others = v.voters - v.voiced_objections - v.silent_objections;
  head.textContent = "Round " + f.round + ": " + names[v.proposer] + "'s proposal " + (v.passed ? "PASSED" : "was BLOCKED")
    + " — " + v.yes + " of " + v.voters + " counted yes (" + others + " agreed or stood aside, "
    + v.voiced_objections + " objected, " + v.silent_objections + " stayed silent)";
  box.appendChild(head);
  const own = v.ballots.find(([i]) => i === v.proposer);
  if (own && (own[1] === "no" || own[1] === "silent")) {
    // The model's proposer only sets the direction of the proposal (toward
    // its own position); like every voter it judges whether the proposal is
    // good for the coalition, and may judge it bad (docs/model.md, decision
    // phase).
    const why = document.createElement("p");
    why.className = "small";
    why.textContent = "Why does " + names[v.proposer] + " object to its own proposal? A proposal moves the agenda toward its proposer's position, but every member, the proposer included, also judges whether it is good for the coalition — and may judge it bad.";
    box.appendChild(why);
  }
  if (v.ballots.length) {
    const ul = document.createElement("ul");
    for (const [i, b] of v.ballots) {
      const li = document.createElement("li");
      const m = document.createElement("b");
      m.style.color = (BALLOT[b] || {}).colour || C.ink;
      m.textContent = ((BALLOT[b] || {}).mark || "?") + " ";
      li.appendChild(m);
      li.appendChild(document.createTextNode(names[i] + ": " + ((BALLOT[b] || {}).words || b)));
      ul.appendChild(li);
    }
    box.appendChild(ul);
  }
}

// ---------- the story ----------

function buildStory() {
  const ol = $("story");
  ol.innerHTML = "";
  const every = $("all-events").checked;
  state.run.frames.forEach((f, i) => {
    const add = (text, cls) => {
      const li = document.createElement("li");
      li.textContent = text;
      li.dataset.frame = i;
      if (cls) li.classList.add(cls);
      li.addEventListener("click", () => { stop(); show(i); });
      ol.appendChild(li);
    };
    for (const line of f.lines) add(line);
    if (every) {
      for (const e of f.events) {
        add("round " + e.round + ": " + e.kind.replace(/_/g, " ") + (e.agent ? " — " + e.agent : "") + (e.details ? ": " + e.details : ""), "event");
      }
    }
  });
}

function markStory(i) {
  let current = null;
  for (const li of $("story").children) {
    const fi = parseInt(li.dataset.frame, 10);
    li.classList.toggle("future", fi > i);
    li.classList.toggle("now", fi === i);
    if (fi <= i) current = li;
  }
  if (current) current.scrollIntoView({ block: "nearest" });
}

// ---------- small live charts ----------

const CHARTS = [
  { title: "Members", get: (r) => r.members, max: (run) => run.agents.length },
  { title: "Mean trust", get: (r) => r.mean_trust, max: () => 1 },
  { title: "Mean alignment", get: (r) => r.mean_alignment, max: () => 1 },
  { title: "Progress (share of the goal)", get: (r) => r.progress_share, max: () => 1 },
  { title: "Maintenance hours this round", get: (r) => r.hours, max: null },
];

function series(run, get) {
  return run.frames.filter((f) => f.record).map((f) => [f.round, get(f.record)]);
}

// Text size in the charts, in CSS pixels: as large as the page's own text.
function chartFont() {
  return parseFloat(getComputedStyle(document.body).fontSize) || 15;
}

function drawCharts() {
  const box = $("charts");
  if (box.children.length !== CHARTS.length) {
    box.innerHTML = "";
    for (const c of CHARTS) {
      const d = document.createElement("div"); d.className = "chart";
      const h = document.createElement("h3"); h.textContent = c.title; d.appendChild(h);
      d.appendChild(el("svg", { role: "img", "aria-label": c.title + ", round by round" }));
      box.appendChild(d);
    }
  }
  const run = state.run, ghost = state.ghost;
  const rounds = Math.max(run.frames.length - 1, ghost ? ghost.frames.length - 1 : 0, 1);
  const F = Math.max(13, Math.min(20, chartFont() * 0.85));
  CHARTS.forEach((c, k) => {
    const svg = box.children[k].querySelector("svg");
    svg.innerHTML = "";
    const W = Math.max(120, svg.clientWidth), H = Math.max(60, svg.clientHeight);
    svg.setAttribute("viewBox", "0 0 " + W + " " + H);
    const now = series(run, c.get);
    const old = ghost ? series(ghost, c.get) : [];
    let max = c.max ? c.max(run) : Math.max(1e-9, ...now.map((p) => p[1]), ...old.map((p) => p[1]));
    if (!(max > 0)) max = 1;
    const L = F * 2.6, R = 6, T = F * 0.6, B = F * 1.3;
    const x = (r) => L + ((W - L - R) * r) / rounds, y = (v) => H - B - ((H - T - B) * v) / max;
    el("line", { x1: L, y1: H - B, x2: W - R, y2: H - B, stroke: "#888" }, svg);
    el("line", { x1: L, y1: T, x2: L, y2: H - B, stroke: "#888" }, svg);
    el("text", { x: L - 3, y: T + F * 0.8, "text-anchor": "end", "font-size": F, fill: C.ink }, svg).textContent = fmt(max);
    el("text", { x: L - 3, y: H - B, "text-anchor": "end", "font-size": F, fill: C.ink }, svg).textContent = "0";
    el("text", { x: W - R, y: H - 2, "text-anchor": "end", "font-size": F, fill: C.ink }, svg).textContent = "round " + rounds;
    const path = (pts, attrs) => {
      if (!pts.length) return;
      el("polyline", Object.assign({ fill: "none", points: pts.map(([r, v]) => x(r).toFixed(1) + "," + y(v).toFixed(1)).join(" ") }, attrs), svg);
    };
    if (old.length) path(old, { stroke: C.grey, "stroke-width": 2.5, "stroke-dasharray": "6 4", class: "ghost" });
    const shown = now.filter(([r]) => r <= frameAt(state.frame).round);
    path(shown, { stroke: C.blue, "stroke-width": 3 });
    if (shown.length) {
      const [r, v] = shown[shown.length - 1];
      el("circle", { cx: x(r), cy: y(v), r: 4, fill: C.blue }, svg);
      el("text", { x: W - R, y: T + F * 0.8, "text-anchor": "end", "font-size": F, "font-weight": "bold", fill: C.blue }, svg).textContent = fmt(v);
    }
    if (ghost) el("text", { x: L + 4, y: T + F * 0.8, "font-size": F * 0.9, fill: "#444" }, svg).textContent = "dashed: " + ghost.rule;
  });
}

function fmt(v) {
  if (Math.abs(v) >= 100) return v.toFixed(0);
  if (Math.abs(v) >= 10) return v.toFixed(1);
  return v.toFixed(2);
}

// ---------- many runs ----------

function fillCompareChoices() {
  const sel = $("compare-what");
  sel.innerHTML = "";
  const add = (value, text) => { const o = document.createElement("option"); o.value = value; o.textContent = text; sel.appendChild(o); };
  if (state.scenario.variants.length >= 2) add("variants", "the scenario's variants (" + state.scenario.variants.map((v) => v.name).join(" / ") + ")");
  add("rules", "decision rules");
  const picks = $("rule-picks");
  picks.innerHTML = "";
  const rules = state.catalog.controls.find((c) => c.key === "governance.decision_rule").options;
  for (const r of rules) {
    const l = document.createElement("label");
    const cb = document.createElement("input");
    cb.type = "checkbox"; cb.value = r; cb.checked = r === "consensus" || r === "majority";
    l.appendChild(cb); l.appendChild(document.createTextNode(" " + r + " "));
    picks.appendChild(l);
  }
  const sync = () => { picks.hidden = sel.value !== "rules"; };
  sel.onchange = sync;
  sync();
}

function compareRequest() {
  const what = $("compare-what").value;
  let arms;
  const scenario = scenarioRequest();
  if (what === "variants") {
    delete scenario.variant;
    arms = state.scenario.variants.map((v) => ({ name: v.name, variant: v.name }));
  } else {
    arms = [...$("rule-picks").querySelectorAll("input:checked")].map((cb) => ({ name: cb.value, set: [{ key: "governance.decision_rule", value: cb.value }] }));
  }
  const req = { scenario, arms, runs: parseInt($("runs").value, 10) || 0 };
  const seed = parseInt($("seed").value, 10);
  if (Number.isFinite(seed) && seed >= 0) req.seed = seed;
  return req;
}

async function startCompare() {
  if (state.job) return;
  const req = compareRequest();
  const ctl = new AbortController();
  state.job = ctl;
  $("compare").disabled = true;
  $("cancel").hidden = false;
  $("progress").hidden = false;
  $("progress").value = 0;
  $("progress-label").textContent = "starting…";
  $("results").innerHTML = "";
  document.body.dataset.compare = "running";
  const t0 = performance.now();
  try {
    const r = await fetch("/api/compare", {
      method: "POST", headers: { "content-type": "application/json" },
      body: JSON.stringify(req), signal: ctl.signal,
    });
    if (!r.ok) {
      const data = await r.json().catch(() => ({ error: r.statusText }));
      throw new Error(data.error || r.statusText);
    }
    const reader = r.body.getReader();
    const dec = new TextDecoder();
    let buf = "";
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      buf += dec.decode(value, { stream: true });
      let nl;
      while ((nl = buf.indexOf("\n")) >= 0) {
        const line = buf.slice(0, nl); buf = buf.slice(nl + 1);
        if (!line.trim()) continue;
        const msg = JSON.parse(line);
        if (msg.result) {
          state.result = msg.result;
          const secs = (performance.now() - t0) / 1000;
          $("progress-label").textContent = "done: " + msg.result.runs + " runs per variant in " + secs.toFixed(1) + " s";
          $("progress").value = 1;
          drawResults(msg.result);
          document.body.dataset.compare = "done";
        } else if (msg.total) {
          $("progress").value = msg.done / msg.total;
          $("progress-label").textContent = msg.done + " of " + msg.total + " runs per variant";
        }
      }
    }
    if (document.body.dataset.compare !== "done") throw new Error("the comparison stopped before its end");
  } catch (e) {
    if (e.name === "AbortError") {
      $("progress-label").textContent = "cancelled";
      document.body.dataset.compare = "cancelled";
    } else {
      showError(e.message);
      $("progress-label").textContent = "";
      document.body.dataset.compare = "error";
    }
  } finally {
    state.job = null;
    $("compare").disabled = false;
    $("cancel").hidden = true;
  }
}

function pct(x) { return (100 * x).toFixed(1) + "%"; }

function drawResults(res) {
  const box = $("results");
  box.innerHTML = "";
  const text = document.createElement("div");
  text.className = "results-text";
  box.appendChild(text);
  const h = document.createElement("h2");
  h.textContent = res.title + " — " + res.runs + " runs per variant, seed " + res.seed;
  text.appendChild(h);
  // Success with intervals, as a table and a dot-and-whisker chart.
  const table = document.createElement("table");
  table.id = "success-table";
  table.innerHTML = "<tr><th scope=col>variant</th><th scope=col>success</th><th scope=col>95% interval</th><th scope=col>lifetime (rounds)</th><th scope=col>hours / member / month</th></tr>";
  for (const a of res.arms) {
    const tr = document.createElement("tr");
    const m = (name) => a.measures.find((x) => x.name === name);
    const cells = [a.name, pct(a.success.estimate), a.success.lo === null ? "no interval from one run" : pct(a.success.lo) + " – " + pct(a.success.hi),
      m("rounds") ? m("rounds").mean.toFixed(1) : "", m("hours_per_member_month") ? m("hours_per_member_month").mean.toFixed(1) : ""];
    for (const c of cells) { const td = document.createElement("td"); td.textContent = c; tr.appendChild(td); }
    table.appendChild(tr);
  }
  text.appendChild(table);
  for (const r of res.readings) { const p = document.createElement("p"); p.className = "reading"; p.textContent = r; text.appendChild(p); }
  for (const r of res.capture || []) { const p = document.createElement("p"); p.className = "capture"; p.setAttribute("role", "note"); p.textContent = r; text.appendChild(p); }
  if (res.lesson) {
    const l = res.lesson;
    const d = document.createElement("div");
    d.className = "lesson-result";
    const t = document.createElement("h3"); t.textContent = "Lesson: " + l.lesson; d.appendChild(t);
    const w = document.createElement("p"); w.textContent = "Where the texts say it: “" + l.section + "”. How the model gets there: " + l.path; d.appendChild(w);
    l.claims.forEach(([claim, effect, holds], k) => {
      const p = document.createElement("p");
      const b = document.createElement("span"); b.className = holds ? "holds" : "fails"; b.textContent = holds ? "✓ holds: " : "✗ not shown: ";
      p.appendChild(b);
      p.appendChild(document.createTextNode(claim + " — measured " + effect + ". " + (l.readings[k] || "")));
      d.appendChild(p);
    });
    text.appendChild(d);
  }
  const dl = document.createElement("button");
  dl.id = "download-csv";
  dl.textContent = "Download results (CSV)";
  dl.onclick = () => download("coalsim-comparison.csv", resultsCsv(res), "text/csv");
  text.appendChild(dl);
  const grid = document.createElement("div"); grid.className = "grid"; box.appendChild(grid);
  const charts = [
    ["Success probability (95% interval)", (svg, W, H, F) => successChart(svg, res, W, H, F)],
    ["Members over time (mean, 95% band)", (svg, W, H, F) => bandChart(svg, res, "members", null, W, H, F)],
    ["Goal reached by round (cumulative incidence)", (svg, W, H, F) => bandChart(svg, res, "goal", 1, W, H, F)],
    ["Dissolved by round (cumulative incidence)", (svg, W, H, F) => bandChart(svg, res, "dissolved", 1, W, H, F)],
    ["Still going (Kaplan–Meier, 95% band)", (svg, W, H, F) => bandChart(svg, res, "survival", 1, W, H, F)],
    ["How the runs ended", (svg, W, H, F) => endedChart(svg, res, W, H, F)],
  ];
  const boxes = charts.map(([title]) => chartBox(grid, title));
  // One legend for every chart, in the page's text: it wraps, so names
  // never overlap whatever their number or length.
  const legend = document.createElement("div");
  legend.className = "arm-legend";
  res.arms.forEach((a, k) => {
    const span = document.createElement("span");
    const sw = document.createElement("span");
    sw.className = "swatch";
    sw.style.background = ARM_COLOURS[k % ARM_COLOURS.length];
    span.append(sw, a.name);
    legend.appendChild(span);
  });
  const ends = document.createElement("span");
  ends.textContent = "Endings: green = goal, blue = sunset, red = dissolved, grey = round limit";
  legend.appendChild(ends);
  grid.appendChild(legend);
  const F = Math.max(13, Math.min(20, chartFont() * 0.85));
  boxes.forEach((svg, k) => {
    const W = Math.max(160, svg.clientWidth), H = Math.max(100, svg.clientHeight);
    svg.setAttribute("viewBox", "0 0 " + W + " " + H);
    charts[k][1](svg, W, H, F);
  });
}

function chartBox(grid, title) {
  const d = document.createElement("div"); d.className = "chart";
  const h = document.createElement("h3"); h.textContent = title; d.appendChild(h);
  const svg = el("svg", { role: "img", "aria-label": title });
  d.appendChild(svg);
  grid.appendChild(d);
  return svg;
}

function successChart(svg, res, W, H, F) {
  const name = Math.min(W * 0.35, 9 * F);
  const x = (p) => name + 8 + (W - name - 16) * p;
  const rowH = (H - 2 * F) / Math.max(1, res.arms.length);
  for (const t of [0, 0.5, 1]) {
    el("line", { x1: x(t), y1: 4, x2: x(t), y2: H - 1.6 * F, stroke: "#e0e0e0" }, svg);
    el("text", { x: x(t), y: H - 4, "text-anchor": t === 0 ? "start" : t === 1 ? "end" : "middle", "font-size": F, fill: C.ink }, svg).textContent = (100 * t) + "%";
  }
  res.arms.forEach((a, k) => {
    const y = 4 + rowH * (k + 0.5), col = ARM_COLOURS[k % ARM_COLOURS.length];
    const maxChars = Math.max(4, Math.floor(name / (F * 0.58)));
    el("text", { x: name, y: y + F * 0.35, "text-anchor": "end", "font-size": F, fill: C.ink }, svg).textContent = a.name.length > maxChars ? a.name.slice(0, maxChars - 1) + "…" : a.name;
    if (a.success.lo !== null) el("line", { x1: x(a.success.lo), y1: y, x2: x(a.success.hi), y2: y, stroke: col, "stroke-width": 4 }, svg);
    el("circle", { cx: x(a.success.estimate), cy: y, r: 6, fill: col }, svg);
  });
}

function bandChart(svg, res, key, fixedMax, W, H, F) {
  const all = res.arms.flatMap((a) => a[key]);
  const rounds = Math.max(1, ...all.map((p) => p.round));
  const max = fixedMax || Math.max(1e-9, ...all.map((p) => p.hi));
  const L = F * 2.6, B = F * 1.4, T = F * 0.7, R = 6;
  const x = (r) => L + ((W - L - R) * r) / rounds, y = (v) => H - B - ((H - T - B) * v) / max;
  el("line", { x1: L, y1: H - B, x2: W - R, y2: H - B, stroke: "#888" }, svg);
  el("line", { x1: L, y1: T, x2: L, y2: H - B, stroke: "#888" }, svg);
  el("text", { x: L - 3, y: T + F * 0.7, "text-anchor": "end", "font-size": F, fill: C.ink }, svg).textContent = fmt(max);
  el("text", { x: L - 3, y: H - B, "text-anchor": "end", "font-size": F, fill: C.ink }, svg).textContent = "0";
  el("text", { x: W - R, y: H - 3, "text-anchor": "end", "font-size": F, fill: C.ink }, svg).textContent = "round " + rounds;
  res.arms.forEach((a, k) => {
    const pts = a[key];
    if (!pts.length) return;
    const col = ARM_COLOURS[k % ARM_COLOURS.length];
    const step = key === "survival";
    const line = [], upper = [], lower = [];
    let prev = step ? { round: 0, value: 1, lo: 1, hi: 1 } : null;
    if (step) { line.push([0, 1]); upper.push([0, 1]); lower.push([0, 1]); }
    // Cumulative incidence starts at 0 before the first round.
    if (key === "goal" || key === "dissolved") { line.push([0, 0]); upper.push([0, 0]); lower.push([0, 0]); }
    for (const p of pts) {
      if (step && prev) { line.push([p.round, prev.value]); upper.push([p.round, prev.hi]); lower.push([p.round, prev.lo]); }
      line.push([p.round, p.value]); upper.push([p.round, p.hi]); lower.push([p.round, p.lo]);
      prev = p;
    }
    if (step && prev) { line.push([rounds, prev.value]); upper.push([rounds, prev.hi]); lower.push([rounds, prev.lo]); }
    const poly = upper.concat(lower.reverse()).map(([r, v]) => x(r).toFixed(1) + "," + y(v).toFixed(1)).join(" ");
    el("polygon", { points: poly, fill: col, "fill-opacity": 0.18, stroke: "none" }, svg);
    el("polyline", { points: line.map(([r, v]) => x(r).toFixed(1) + "," + y(v).toFixed(1)).join(" "), fill: "none", stroke: col, "stroke-width": 3, "stroke-dasharray": k % 2 ? "8 4" : "none" }, svg);
  });
}

function endedChart(svg, res, W, H, F) {
  const cols = { goal: "#009E73", sunset: C.sky, dissolved: C.vermillion, round_limit: C.grey };
  const name = Math.min(W * 0.35, 9 * F);
  const rowH = H / Math.max(1, res.arms.length);
  res.arms.forEach((a, k) => {
    const y = k * rowH + rowH * 0.15, bh = rowH * 0.7;
    const maxChars = Math.max(4, Math.floor(name / (F * 0.58)));
    el("text", { x: name, y: y + bh / 2 + F * 0.35, "text-anchor": "end", "font-size": F, fill: C.ink }, svg).textContent = a.name.length > maxChars ? a.name.slice(0, maxChars - 1) + "…" : a.name;
    let x0 = name + 8;
    const total = a.ended.reduce((sum, [, n]) => sum + n, 0) || 1;
    for (const [o, n] of a.ended) {
      const w = ((W - name - 12) * n) / total;
      if (w <= 0) continue;
      el("rect", { x: x0, y, width: w, height: bh, fill: cols[o] || C.purple }, svg);
      if (w > 2.6 * F) el("text", { x: x0 + w / 2, y: y + bh / 2 + F * 0.35, "text-anchor": "middle", "font-size": F, fill: o === "round_limit" || o === "sunset" ? "#000" : "#fff", "font-weight": "bold" }, svg).textContent = Math.round((100 * n) / total) + "%";
      x0 += w;
    }
  });
}

function csvField(v) {
  const s = String(v);
  return /[",\n]/.test(s) ? '"' + s.replace(/"/g, '""') + '"' : s;
}

function resultsCsv(res) {
  const rows = [["variant", "measure", "round", "value", "lo", "hi"]];
  for (const a of res.arms) {
    rows.push([a.name, "success", "", a.success.estimate, a.success.lo, a.success.hi]);
    for (const m of a.measures) rows.push([a.name, m.name, "", m.mean, m.lo, m.hi]);
    for (const p of a.members) rows.push([a.name, "members", p.round, p.value, p.lo, p.hi]);
    for (const p of a.survival) rows.push([a.name, "survival", p.round, p.value, p.lo, p.hi]);
    for (const p of a.goal) rows.push([a.name, "incidence_goal", p.round, p.value, p.lo, p.hi]);
    for (const p of a.dissolved) rows.push([a.name, "incidence_dissolved", p.round, p.value, p.lo, p.hi]);
    for (const [o, n] of a.ended) rows.push([a.name, "ended_" + o, "", n, "", ""]);
  }
  return rows.map((r) => r.map(csvField).join(",")).join("\n") + "\n";
}

function download(name, text, type) {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const a = document.createElement("a");
  a.href = url; a.download = name;
  document.body.appendChild(a); a.click(); a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

// ---------- wiring ----------

$("source").addEventListener("change", async (e) => {
  const v = e.target.value;
  state.source = v.startsWith("lesson:") ? { kind: "lesson", name: v.slice(7) } : { kind: v };
  state.set = {};
  $("variant").value = "";
  await loadScenario(true);
});
// A scenario from text: a file uploaded here, or one written on the
// "Describe your coalition" page (handed over in this tab's storage).
async function useUpload(name, text) {
  const previous = state.source;
  state.source = { kind: "upload", name, text };
  state.set = {};
  $("variant").value = "";
  const ok = await loadScenario(true);
  if (ok) {
    const src = $("source");
    let opt = [...src.options].find((o) => o.value === "upload");
    if (!opt) { opt = document.createElement("option"); opt.value = "upload"; src.appendChild(opt); }
    opt.textContent = "Uploaded: " + name;
    src.value = "upload";
  } else {
    state.source = previous;
  }
  return ok;
}
$("upload").addEventListener("change", async (e) => {
  const file = e.target.files[0];
  if (!file) return;
  await useUpload(file.name, await file.text());
  e.target.value = "";
});
$("variant").addEventListener("change", () => loadScenario(false));
$("run").addEventListener("click", () => runOnce(false));
$("new-seed").addEventListener("click", () => { $("seed").value = Math.floor(Math.random() * 1e9); runOnce(false); });
$("seed").addEventListener("change", () => runOnce(false));
$("same-story").addEventListener("click", async () => {
  const rule = $("other-rule").value;
  if (!state.run) return;
  const before = state.run.rule;
  state.set["governance.decision_rule"] = rule;
  const ok = await loadScenarioKeepingGhost();
  if (ok) $("other-rule").value = before;
});
async function loadScenarioKeepingGhost() {
  try {
    const s = await post("/api/scenario", scenarioRequest());
    state.scenario = s;
    showControlValues(s.values);
  } catch (e) { showError(e.message); return false; }
  await runOnce(true);
  return true;
}
$("reset-controls").addEventListener("click", () => { state.set = {}; loadScenario(false); });
$("download-toml").addEventListener("click", () => {
  if (state.scenario) download((state.scenario.name || "scenario").replace(/[^A-Za-z0-9_-]+/g, "-").toLowerCase() + ".toml", state.scenario.toml, "application/toml");
});
function projector() {
  const on = document.body.classList.toggle("projector");
  $("projector").setAttribute("aria-pressed", String(on));
  redraw();
}
$("projector").addEventListener("click", projector);
// The views as tabs (arrow keys move between them, as the ARIA pattern says).
const TABS = [["tab-live", "live"], ["tab-controls", "controls-box"], ["tab-many", "many"]];
function showTab(id) {
  for (const [tab, panel] of TABS) {
    const on = tab === id;
    $(tab).setAttribute("aria-selected", String(on));
    $(tab).tabIndex = on ? 0 : -1;
    $(panel).hidden = !on;
  }
  document.body.dataset.tab = id;
  redraw();
}
for (const [tab] of TABS) {
  $(tab).addEventListener("click", () => showTab(tab));
  $(tab).addEventListener("keydown", (e) => {
    const k = TABS.findIndex(([t]) => t === tab);
    const next = e.key === "ArrowRight" ? (k + 1) % TABS.length : e.key === "ArrowLeft" ? (k + TABS.length - 1) % TABS.length : -1;
    if (next >= 0) { e.preventDefault(); e.stopPropagation(); showTab(TABS[next][0]); $(TABS[next][0]).focus(); }
  });
}
// Charts are drawn at their size in pixels: again when it changes.
function redraw() {
  if (state.run && !$("live").hidden) { drawWorld(frameAt(state.frame)); drawCharts(); }
  if (state.result && !$("many").hidden) drawResults(state.result);
}
window.addEventListener("resize", redraw);
$("upload-label").addEventListener("keydown", (e) => { if (e.key === "Enter" || e.key === " ") { e.preventDefault(); $("upload").click(); } });
$("play").addEventListener("click", play);
$("step").addEventListener("click", () => { stop(); show(state.frame + 1); });
$("back").addEventListener("click", () => { stop(); show(state.frame - 1); });
$("scrub").addEventListener("input", (e) => { stop(); show(parseInt(e.target.value, 10)); });
$("all-events").addEventListener("change", () => { buildStory(); markStory(state.frame); });
$("compare").addEventListener("click", startCompare);
$("cancel").addEventListener("click", () => { if (state.job) state.job.abort(); });
document.addEventListener("keydown", (e) => {
  const t = e.target;
  if (t && (t.tagName === "INPUT" && t.type !== "range" && t.type !== "checkbox" || t.tagName === "SELECT" || t.tagName === "TEXTAREA")) return;
  if (t && t.getAttribute && t.getAttribute("role") === "tab" && (e.key === "ArrowLeft" || e.key === "ArrowRight")) return;
  // A focused button would also take the space as a click: play once.
  if (e.key === " ") { e.preventDefault(); if (t && t.blur) t.blur(); play(); }
  else if (e.key === "ArrowRight") { e.preventDefault(); stop(); show(state.frame + 1); }
  else if (e.key === "ArrowLeft") { e.preventDefault(); stop(); show(state.frame - 1); }
  else if (e.key === "Home") { stop(); show(0); }
  else if (e.key === "End") { stop(); show(state.run ? state.run.frames.length - 1 : 0); }
  else if (e.key === "p" || e.key === "P") projector();
});

drawLegend();
init().then(() => { document.body.dataset.ready = "true"; }).catch((e) => showError("cannot start: " + e.message));
