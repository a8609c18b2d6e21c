// The "Describe your coalition" page: the questions of `coalsim new` as a
// form. The server checks the answers and writes the scenario with the
// same code as the command (POST /api/describe), and drafts the charter of
// `coalsim charter` (POST /api/charter).
"use strict";
const $ = (id) => document.getElementById(id);
const state = { choices: null, written: null, charter: null };

function showError(msg) {
  const box = $("error");
  if (msg) { box.textContent = msg; box.hidden = false; } else { box.hidden = true; box.textContent = ""; }
}

function fill(select, words, def) {
  select.innerHTML = "";
  for (const w of words) { const o = document.createElement("option"); o.value = w; o.textContent = w; select.appendChild(o); }
  if (def !== undefined) select.selectedIndex = def;
}

function issues() {
  return $("issues").value.split(",").map((s) => s.trim()).filter((s) => s);
}

let orgCount = 0;
function addOrg() {
  const k = orgCount++;
  const box = document.createElement("div");
  box.className = "org";
  box.dataset.org = String(k);
  const c = state.choices;
  box.innerHTML = `<h3>Organisation ${k + 1}</h3>
    <div class="q"><label for="org-${k}-name">Name</label><input id="org-${k}-name" class="org-name"></div>
    <div class="q"><label for="org-${k}-role">Founder, already a member, or invited?</label><select id="org-${k}-role" class="org-role"></select></div>
    <div class="q"><label for="org-${k}-resources">Its resources (money, staff time) compared with the others</label><select id="org-${k}-resources" class="org-resources"></select></div>
    <div class="q"><label for="org-${k}-delivers">Does it do what it promised?</label><select id="org-${k}-delivers" class="org-delivers"></select></div>
    <div class="issues"></div>
    <div class="q"><label for="org-${k}-knows">Organisations it already works with (comma-separated names)</label><input id="org-${k}-knows" class="org-knows"></div>
    <button type="button" class="remove-org">Remove this organisation</button>`;
  fill(box.querySelector(".org-role"), c.role, k === 0 ? 0 : 2);
  fill(box.querySelector(".org-resources"), c.resources, 1);
  fill(box.querySelector(".org-delivers"), c.delivers, 1);
  box.querySelector(".remove-org").addEventListener("click", () => { box.remove(); });
  $("orgs").appendChild(box);
  drawIssues(box);
  return box;
}

// One row per issue in each organisation: where it stands and how much it cares.
function drawIssues(box) {
  const k = box.dataset.org;
  const holder = box.querySelector(".issues");
  const before = {};
  for (const s of holder.querySelectorAll("select")) before[s.id] = s.value;
  holder.innerHTML = "";
  issues().forEach((issue, j) => {
    const row = document.createElement("div");
    row.className = "issue";
    const name = document.createElement("span");
    name.textContent = "On “" + issue + "”";
    const wants = document.createElement("select");
    wants.id = `org-${k}-wants-${j}`; wants.className = "org-wants";
    wants.setAttribute("aria-label", "Where it stands on " + issue);
    fill(wants, state.choices.wants, 0);
    const cares = document.createElement("select");
    cares.id = `org-${k}-cares-${j}`; cares.className = "org-cares";
    cares.setAttribute("aria-label", "How much " + issue + " matters to it");
    fill(cares, state.choices.cares, 0);
    if (before[wants.id]) wants.value = before[wants.id];
    if (before[cares.id]) cares.value = before[cares.id];
    row.append(name, wants, cares);
    holder.appendChild(row);
  });
}

function answers() {
  const value = (id) => $(id).value;
  const deadline = value("deadline_weeks").trim();
  const weeks = /^[0-9]+$/.test(deadline) ? parseInt(deadline, 10) : deadline;
  const split = (s) => s.split(",").map((x) => x.trim()).filter((x) => x);
  return {
    name: value("name"),
    purpose: value("purpose"),
    issues: issues(),
    goal: value("goal"),
    first_win: value("first_win"),
    deadline_weeks: weeks,
    urgency: value("urgency"),
    meetings: value("meetings"),
    coordination: value("coordination"),
    work_lost: value("work_lost"),
    second_hand: value("second_hand"),
    outside_shocks: value("outside_shocks"),
    trust_strangers: value("trust_strangers"),
    work: value("work"),
    work_runs_on: value("work_runs_on"),
    lost_vote: value("lost_vote"),
    grudge: value("grudge"),
    leaving: value("leaving"),
    bargaining: value("bargaining"),
    negotiation: value("negotiation"),
    proposal_size: value("proposal_size"),
    common_good: value("common_good"),
    proposal_record: value("proposal_record"),
    judgment: value("judgment"),
    discussion: value("discussion"),
    weighing: value("weighing"),
    negotiation_hours: value("negotiation_hours"),
    concessions: value("concessions"),
    holdup: value("holdup"),
    blocking: value("blocking"),
    stand_aside: value("stand_aside"),
    voting: value("voting"),
    rules: [...document.querySelectorAll(".rule:checked")].map((c) => c.value),
    draft_rule: value("draft_rule"),
    organisation: [...document.querySelectorAll(".org")].map((b) => ({
      name: b.querySelector(".org-name").value,
      role: b.querySelector(".org-role").value,
      resources: b.querySelector(".org-resources").value,
      delivers: b.querySelector(".org-delivers").value,
      wants: [...b.querySelectorAll(".org-wants")].map((s) => s.value),
      cares: [...b.querySelectorAll(".org-cares")].map((s) => s.value),
      knows: split(b.querySelector(".org-knows").value),
    })),
  };
}

async function post(url, body) {
  const r = await fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
  const j = await r.json().catch(() => ({ error: "the server answered " + r.status }));
  if (!r.ok) throw new Error(j.error || ("the server answered " + r.status));
  return j;
}

function download(name, text, type) {
  const a = document.createElement("a");
  a.href = URL.createObjectURL(new Blob([text], { type }));
  a.download = name;
  document.body.appendChild(a);
  a.click();
  a.remove();
}

function slug() {
  return (state.written ? state.written.name : "coalition").replace(/[^A-Za-z0-9_-]+/g, "-").toLowerCase() || "coalition";
}

async function write(e) {
  e.preventDefault();
  showError("");
  try {
    state.written = await post("/api/describe", { answers: answers() });
  } catch (err) {
    $("written").hidden = true;
    showError(err.message);
    return;
  }
  $("scenario-text").textContent = state.written.toml;
  $("written").hidden = false;
  $("charter-box").hidden = true;
  $("written").scrollIntoView();
}

async function charter() {
  if (!state.written) return;
  showError("");
  $("charter").disabled = true;
  $("charter-status").textContent = "simulating every clause against its alternative…";
  try {
    state.charter = await post("/api/charter", {
      source: { kind: "upload", name: slug() + ".toml", text: state.written.toml },
      runs: parseInt($("charter-runs").value, 10) || 100,
    });
    $("charter-frame").srcdoc = state.charter.html;
    $("charter-box").hidden = false;
    $("charter-status").textContent = "done: " + state.charter.runs + " runs a side";
  } catch (err) {
    $("charter-status").textContent = "";
    showError(err.message);
  } finally {
    $("charter").disabled = false;
  }
}

async function init() {
  state.choices = await (await fetch("/api/describe/choices")).json();
  for (const s of document.querySelectorAll("select[data-choices]")) {
    fill(s, state.choices[s.dataset.choices], s.dataset.default ? parseInt(s.dataset.default, 10) : 0);
  }
  const rules = $("rules");
  state.choices.rules.forEach((r, i) => {
    const l = document.createElement("label");
    l.style.display = "block";
    const c = document.createElement("input");
    c.type = "checkbox"; c.className = "rule"; c.value = r; c.checked = true; c.id = "rule-" + r;
    l.append(c, document.createTextNode(" " + state.choices.rule_words[i]));
    rules.appendChild(l);
  });
  const draft = $("draft_rule");
  state.choices.rules.forEach((r, i) => {
    const o = document.createElement("option"); o.value = r; o.textContent = state.choices.rule_words[i]; draft.appendChild(o);
  });
  draft.value = "majority";
  addOrg();
  addOrg();
  $("issues").addEventListener("input", () => { for (const b of document.querySelectorAll(".org")) drawIssues(b); });
  $("add-org").addEventListener("click", () => addOrg().querySelector(".org-name").focus());
  $("describe").addEventListener("submit", write);
  $("download").addEventListener("click", () => download(slug() + ".toml", state.written.toml, "application/toml"));
  $("open-classroom").addEventListener("click", () => {
    sessionStorage.setItem("coalsim-described", JSON.stringify({ name: slug() + ".toml", text: state.written.toml }));
    location.href = "/?described";
  });
  $("charter").addEventListener("click", charter);
  $("print-charter").addEventListener("click", () => $("charter-frame").contentWindow.print());
  $("download-charter").addEventListener("click", () => download(slug() + "-charter.md", state.charter.markdown, "text/markdown"));
  $("download-evidence").addEventListener("click", () => download(slug() + "-evidence.csv", state.charter.evidence_csv, "text/csv"));
}

init().catch((e) => showError("cannot load the questions: " + e.message));
