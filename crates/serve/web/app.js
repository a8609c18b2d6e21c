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
const ARM_COLOURS = [C.blue, C.vermillion, C.green, C.orange, C.purple, C.sky];
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
  await loadScenario(true);
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
    vsel.value = s.variants.some((v) => v.name === keep) ? keep : "";
    $("seed").value = s.seed;
    fillCompareChoices();
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
    if (state.ghost) $("versus").textContent = versusText();
    stop();
  } else {
    $("verdict").textContent = "";
  }
}

function versusText() {
  const a = state.ghost, b = state.run;
  const line = (r) => r.verdict.split("\n")[0].replace(/^Verdict: /, "");
  return "Same story (seed " + b.seed + "): under " + a.rule + " — " + line(a) + "  Under " + b.rule + " — " + line(b);
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

// Members spread evenly around the agenda, in a fixed order (by index), at
// their distance from it; everyone else evenly on the outer ring.
function layout(run, f) {
  const maxPower = Math.max(1e-9, ...f.nodes.map((x) => x.power));
  const members = f.nodes.filter((x) => x.status === "member").length;
  const others = f.nodes.length - members;
  let m = 0, o = 0;
  return f.nodes.map((node) => {
    const inside = node.status === "member";
    const k = inside ? m++ : o++;
    const angle = -Math.PI / 2 + (2 * Math.PI * (k + (inside ? 0 : 0.5))) / Math.max(1, inside ? members : others);
    const far = 1 - Math.max(0, Math.min(1, node.support));
    // Members sit at their distance from the agenda; the others outside.
    const r = node.status === "member" ? 72 + far * 178 : 282;
    return {
      x: 320 + r * Math.cos(angle), y: 320 + r * Math.sin(angle), angle,
      size: 9 + 17 * Math.sqrt(Math.max(0, node.power) / maxPower),
    };
  });
}

function drawWorld(f) {
  const svg = $("world");
  svg.innerHTML = "";
  const run = state.run;
  const pos = layout(run, f);
  // The agenda at the centre; rings of interest match.
  for (const [r, label] of [[250, "far from the agenda"], [161, "half-way"], [72, ""]]) {
    el("circle", { cx: 320, cy: 320, r, fill: "none", stroke: "#ddd", "stroke-dasharray": "4 4" }, svg);
    if (label) el("text", { x: 320, y: 320 - r - 4, "text-anchor": "middle", class: "ring", fill: "#999", "font-size": 12 }, svg).textContent = label;
  }
  // Trust between members: thicker = more trust; low trust dashed and red.
  for (const [i, j, t] of f.links) {
    const a = pos[i], b = pos[j];
    const low = t < 40, high = t >= 60;
    el("line", {
      x1: a.x, y1: a.y, x2: b.x, y2: b.y,
      stroke: low ? C.vermillion : high ? C.green : C.grey,
      "stroke-width": (0.6 + 6 * t / 100).toFixed(2),
      "stroke-opacity": 0.55,
      "stroke-dasharray": low ? "5 4" : "none",
      class: "link",
    }, svg);
  }
  // The agenda above the links, below the organisations.
  el("circle", { cx: 320, cy: 320, r: 26, fill: "#f3e3b5", stroke: C.orange, "stroke-width": 2 }, svg);
  el("text", { x: 320, y: 325, "text-anchor": "middle", "font-size": 13, "font-weight": "bold" }, svg).textContent = "agenda";
  const ballots = new Map((f.vote ? f.vote.ballots : []).map(([i, b]) => [i, b]));
  f.nodes.forEach((node, i) => {
    const p = pos[i];
    const st = STATUS[node.status] || { colour: C.grey, label: node.status };
    const g = el("g", { class: "agent " + node.status, "data-name": run.agents[i].name }, svg);
    const title = el("title", {}, g);
    title.textContent = run.agents[i].name + " — " + st.label + "; engagement " + node.engagement.toFixed(2)
      + "; interest match " + node.support.toFixed(2) + "; power " + node.power.toFixed(2);
    if (node.leadership >= 0.3) el("circle", { cx: p.x, cy: p.y, r: p.size + 5, fill: "none", stroke: C.orange, "stroke-width": 3 }, g);
    el("circle", { cx: p.x, cy: p.y, r: p.size, fill: "#fff", stroke: st.colour, "stroke-width": 3, "stroke-dasharray": node.status === "former" ? "3 3" : "none" }, g);
    // Fill = engagement (the inner disc's area).
    const inner = p.size * Math.sqrt(Math.max(0, Math.min(1, node.engagement)));
    el("circle", { cx: p.x, cy: p.y, r: inner.toFixed(2), fill: st.colour, "fill-opacity": node.status === "member" ? 0.85 : 0.35 }, g);
    if (run.agents[i].founder) el("text", { x: p.x, y: p.y + 5, "text-anchor": "middle", "font-size": 15, fill: "#fff", stroke: C.ink, "stroke-width": 0.6 }, g).textContent = "★";
    const lx = p.x + Math.cos(p.angle) * (p.size + 8), ly = p.y + Math.sin(p.angle) * (p.size + 8) + 4;
    const anchor = Math.abs(Math.cos(p.angle)) < 0.3 ? "middle" : Math.cos(p.angle) > 0 ? "start" : "end";
    el("text", { x: lx, y: ly + (Math.sin(p.angle) > 0.7 ? 8 : 0), "text-anchor": anchor, "font-size": 13, fill: node.status === "member" ? C.ink : "#777", class: "name" }, g).textContent = run.agents[i].name;
    const b = ballots.get(i);
    if (b && BALLOT[b]) {
      const bx = p.x + p.size * 0.8, by = p.y - p.size * 0.8;
      el("circle", { cx: bx, cy: by, r: 9, fill: "#fff", stroke: BALLOT[b].colour, "stroke-width": 2 }, g);
      el("text", { x: bx, y: by + 5, "text-anchor": "middle", "font-size": 13, "font-weight": "bold", fill: BALLOT[b].colour, class: "ballot" }, g).textContent = BALLOT[b].mark;
    }
  });
  if (f.record) {
    el("text", { x: -70, y: 22, "font-size": 15, "font-weight": "bold" }, svg).textContent =
      "Round " + f.round + ": " + f.record.members + " members · progress " + Math.round(100 * f.record.progress_share) + "%";
  } else {
    el("text", { x: -70, y: 22, "font-size": 15, "font-weight": "bold" }, svg).textContent = "The start";
  }
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
    s.style.marginRight = "1em";
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

function drawCharts() {
  const box = $("charts");
  if (box.children.length !== CHARTS.length) {
    box.innerHTML = "";
    for (const c of CHARTS) {
      const d = document.createElement("div"); d.className = "chart";
      const h = document.createElement("h4"); h.textContent = c.title; d.appendChild(h);
      d.appendChild(el("svg", { viewBox: "0 0 300 150" }));
      box.appendChild(d);
    }
  }
  const run = state.run, ghost = state.ghost;
  const rounds = Math.max(run.frames.length - 1, ghost ? ghost.frames.length - 1 : 0, 1);
  CHARTS.forEach((c, k) => {
    const svg = box.children[k].querySelector("svg");
    svg.innerHTML = "";
    const now = series(run, c.get);
    const old = ghost ? series(ghost, c.get) : [];
    let max = c.max ? c.max(run) : Math.max(1e-9, ...now.map((p) => p[1]), ...old.map((p) => p[1]));
    if (!(max > 0)) max = 1;
    const x = (r) => 34 + (256 * r) / rounds, y = (v) => 130 - (120 * v) / max;
    el("line", { x1: 34, y1: 130, x2: 290, y2: 130, stroke: "#999" }, svg);
    el("line", { x1: 34, y1: 10, x2: 34, y2: 130, stroke: "#999" }, svg);
    el("text", { x: 30, y: 14, "text-anchor": "end", "font-size": 11 }, svg).textContent = fmt(max);
    el("text", { x: 30, y: 132, "text-anchor": "end", "font-size": 11 }, svg).textContent = "0";
    el("text", { x: 290, y: 146, "text-anchor": "end", "font-size": 11 }, svg).textContent = "round " + rounds;
    const path = (pts, attrs) => {
      if (!pts.length) return;
      el("polyline", Object.assign({ fill: "none", points: pts.map(([r, v]) => x(r).toFixed(1) + "," + y(v).toFixed(1)).join(" ") }, attrs), svg);
    };
    if (old.length) path(old, { stroke: C.grey, "stroke-width": 2, "stroke-dasharray": "5 3", class: "ghost" });
    const shown = now.filter(([r]) => r <= frameAt(state.frame).round);
    path(shown, { stroke: C.blue, "stroke-width": 2.5 });
    if (shown.length) {
      const [r, v] = shown[shown.length - 1];
      el("circle", { cx: x(r), cy: y(v), r: 3.5, fill: C.blue }, svg);
      el("text", { x: 290, y: 24, "text-anchor": "end", "font-size": 12, "font-weight": "bold", fill: C.blue }, svg).textContent = fmt(v);
    }
    if (ghost) el("text", { x: 40, y: 24, "font-size": 10, fill: "#666" }, svg).textContent = "dashed: " + ghost.rule;
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
  const h = document.createElement("h3");
  h.textContent = res.title + " — " + res.runs + " runs per variant, seed " + res.seed;
  box.appendChild(h);
  // Success with intervals, as a table and a dot-and-whisker chart.
  const table = document.createElement("table");
  table.id = "success-table";
  table.innerHTML = "<tr><th>variant</th><th>success</th><th>95% interval</th><th>lifetime (rounds)</th><th>hours / member / month</th></tr>";
  for (const a of res.arms) {
    const tr = document.createElement("tr");
    const m = (name) => a.measures.find((x) => x.name === name);
    const cells = [a.name, pct(a.success.estimate), a.success.lo === null ? "no interval from one run" : pct(a.success.lo) + " – " + pct(a.success.hi),
      m("rounds") ? m("rounds").mean.toFixed(1) : "", m("hours_per_member_month") ? m("hours_per_member_month").mean.toFixed(1) : ""];
    for (const c of cells) { const td = document.createElement("td"); td.textContent = c; tr.appendChild(td); }
    table.appendChild(tr);
  }
  box.appendChild(table);
  for (const r of res.readings) { const p = document.createElement("p"); p.className = "reading"; p.textContent = r; box.appendChild(p); }
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
    box.appendChild(d);
  }
  const grid = document.createElement("div"); grid.className = "grid"; box.appendChild(grid);
  grid.appendChild(chartBox("Success probability (95% interval)", successChart(res)));
  grid.appendChild(chartBox("Members over time (mean, 95% band)", bandChart(res, "members", null)));
  grid.appendChild(chartBox("Goal reached by round (cumulative incidence, 95% band)", bandChart(res, "goal", 1)));
  grid.appendChild(chartBox("Dissolved by round (cumulative incidence, 95% band)", bandChart(res, "dissolved", 1)));
  grid.appendChild(chartBox("Still going (Kaplan–Meier, 95% band)", bandChart(res, "survival", 1)));
  grid.appendChild(chartBox("How the runs ended", endedChart(res)));
  const dl = document.createElement("button");
  dl.id = "download-csv";
  dl.textContent = "Download results (CSV)";
  dl.onclick = () => download("coalsim-comparison.csv", resultsCsv(res), "text/csv");
  box.appendChild(dl);
}

function chartBox(title, svg) {
  const d = document.createElement("div"); d.className = "chart";
  const h = document.createElement("h4"); h.textContent = title; d.appendChild(h); d.appendChild(svg);
  return d;
}

function legendRow(svg, res, y) {
  let x = 40;
  res.arms.forEach((a, k) => {
    const name = a.name.slice(0, 24);
    el("rect", { x, y: y - 9, width: 14, height: 10, fill: ARM_COLOURS[k % 6] }, svg);
    el("text", { x: x + 18, y, "font-size": 11 }, svg).textContent = name;
    x += 30 + name.length * 6.5;
  });
}

function successChart(res) {
  const rowH = 30, hgt = 40 + rowH * res.arms.length;
  const svg = el("svg", { viewBox: "0 0 400 " + hgt });
  const x = (p) => 120 + 260 * p;
  for (const t of [0, 0.25, 0.5, 0.75, 1]) {
    el("line", { x1: x(t), y1: 10, x2: x(t), y2: hgt - 22, stroke: "#e3e3e3" }, svg);
    el("text", { x: x(t), y: hgt - 8, "text-anchor": "middle", "font-size": 11 }, svg).textContent = (100 * t) + "%";
  }
  res.arms.forEach((a, k) => {
    const y = 24 + k * rowH, col = ARM_COLOURS[k % 6];
    el("text", { x: 114, y: y + 4, "text-anchor": "end", "font-size": 12 }, svg).textContent = a.name.slice(0, 18);
    if (a.success.lo !== null) el("line", { x1: x(a.success.lo), y1: y, x2: x(a.success.hi), y2: y, stroke: col, "stroke-width": 3 }, svg);
    el("circle", { cx: x(a.success.estimate), cy: y, r: 6, fill: col }, svg);
  });
  return svg;
}

function bandChart(res, key, fixedMax) {
  const svg = el("svg", { viewBox: "0 0 400 230" });
  const all = res.arms.flatMap((a) => a[key]);
  const rounds = Math.max(1, ...all.map((p) => p.round));
  const max = fixedMax || Math.max(1e-9, ...all.map((p) => p.hi));
  const x = (r) => 40 + (350 * r) / rounds, y = (v) => 190 - (175 * v) / max;
  el("line", { x1: 40, y1: 190, x2: 390, y2: 190, stroke: "#999" }, svg);
  el("line", { x1: 40, y1: 15, x2: 40, y2: 190, stroke: "#999" }, svg);
  el("text", { x: 36, y: 19, "text-anchor": "end", "font-size": 11 }, svg).textContent = fmt(max);
  el("text", { x: 36, y: 193, "text-anchor": "end", "font-size": 11 }, svg).textContent = "0";
  el("text", { x: 390, y: 204, "text-anchor": "end", "font-size": 11 }, svg).textContent = "round " + rounds;
  res.arms.forEach((a, k) => {
    const pts = a[key];
    if (!pts.length) return;
    const col = ARM_COLOURS[k % 6];
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
    el("polyline", { points: line.map(([r, v]) => x(r).toFixed(1) + "," + y(v).toFixed(1)).join(" "), fill: "none", stroke: col, "stroke-width": 2.5, "stroke-dasharray": k % 2 ? "7 3" : "none" }, svg);
  });
  legendRow(svg, res, 222);
  return svg;
}

function endedChart(res) {
  const names = { goal: "goal reached", sunset: "sunset", dissolved: "dissolved", round_limit: "round limit" };
  const cols = { goal: C.green, sunset: C.sky, dissolved: C.vermillion, round_limit: C.grey };
  const rowH = 30, hgt = 50 + rowH * res.arms.length;
  const svg = el("svg", { viewBox: "0 0 400 " + hgt });
  res.arms.forEach((a, k) => {
    const y = 12 + k * rowH;
    el("text", { x: 114, y: y + 14, "text-anchor": "end", "font-size": 12 }, svg).textContent = a.name.slice(0, 18);
    let x0 = 120;
    const total = a.ended.reduce((s, [, n]) => s + n, 0) || 1;
    for (const [o, n] of a.ended) {
      const w = (260 * n) / total;
      if (w <= 0) continue;
      el("rect", { x: x0, y, width: w, height: 20, fill: cols[o] || C.purple }, svg);
      if (w > 28) el("text", { x: x0 + w / 2, y: y + 14, "text-anchor": "middle", "font-size": 11, fill: "#fff", "font-weight": "bold" }, svg).textContent = Math.round((100 * n) / total) + "%";
      x0 += w;
    }
  });
  let lx = 10;
  const ly = hgt - 12;
  for (const o of Object.keys(names)) {
    el("rect", { x: lx, y: ly - 9, width: 12, height: 10, fill: cols[o] }, svg);
    el("text", { x: lx + 15, y: ly, "font-size": 11 }, svg).textContent = names[o];
    lx += 25 + names[o].length * 6;
  }
  return svg;
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
$("upload").addEventListener("change", async (e) => {
  const file = e.target.files[0];
  if (!file) return;
  const text = await file.text();
  const previous = state.source;
  state.source = { kind: "upload", name: file.name, text };
  state.set = {};
  $("variant").value = "";
  const ok = await loadScenario(true);
  if (ok) {
    const src = $("source");
    let opt = [...src.options].find((o) => o.value === "upload");
    if (!opt) { opt = document.createElement("option"); opt.value = "upload"; src.appendChild(opt); }
    opt.textContent = "Uploaded: " + file.name;
    src.value = "upload";
  } else {
    state.source = previous;
  }
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
$("projector").addEventListener("click", () => document.body.classList.toggle("projector"));
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
  // A focused button would also take the space as a click: play once.
  if (e.key === " ") { e.preventDefault(); if (t && t.blur) t.blur(); play(); }
  else if (e.key === "ArrowRight") { e.preventDefault(); stop(); show(state.frame + 1); }
  else if (e.key === "ArrowLeft") { e.preventDefault(); stop(); show(state.frame - 1); }
  else if (e.key === "Home") { stop(); show(0); }
  else if (e.key === "End") { stop(); show(state.run ? state.run.frames.length - 1 : 0); }
  else if (e.key === "p" || e.key === "P") document.body.classList.toggle("projector");
});

drawLegend();
init().then(() => { document.body.dataset.ready = "true"; }).catch((e) => showError("cannot start: " + e.message));
