// coalsim: the coalition picture, shared by the live view and the class
// game's teacher page. Plain JavaScript and SVG, no build step.
//
// Every organisation keeps one place on the circle for the whole run (its
// angle follows its index), so a class can follow it as it joins, drifts
// and leaves: members sit inside, as far from the central agenda as their
// interests are from it; outsiders and former members on the outer ring.
// With more than 14 organisations the names stand along the radius, each
// in its own slice of the circle, so 30 or 40 names never overlap; a long
// name is shortened and shown in full when its organisation has the focus
// (pointer or keyboard). Trust lines: all of them for a small coalition,
// only the focused organisation's for a large one.
"use strict";

const Picture = (() => {
  const NS = "http://www.w3.org/2000/svg";
  const COL = {
    blue: "#0072B2", orange: "#E69F00", green: "#009E73", vermillion: "#D55E00",
    purple: "#CC79A7", grey: "#767676", ink: "#1a1a1a",
  };
  const STATUS = {
    member: { colour: COL.blue, words: "member" },
    outsider: { colour: COL.grey, words: "not in the coalition" },
    former: { colour: COL.vermillion, words: "former member" },
  };
  const BALLOT = {
    yes: { mark: "✓", colour: COL.green, words: "voted yes" },
    no: { mark: "✗", colour: COL.vermillion, words: "objected" },
    aside: { mark: "–", colour: "#9a6700", words: "stood aside" },
    silent: { mark: "…", colour: "#a2457e", words: "kept an objection quiet" },
  };
  const MANY = 14;
  const SHORT = 22;
  // Radii: the agenda's inner ring, the far ring, the outer ring (outsiders
  // and former members) and where names start; smaller for a large
  // coalition, whose names need the room outside the circle.
  const RADII = { few: [70, 250, 292, 0], many: [48, 190, 214, 232] };

  function el(name, attrs, parent) {
    const e = document.createElementNS(NS, name);
    for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, v);
    if (parent) parent.appendChild(e);
    return e;
  }

  function shorten(name, n) {
    return n > MANY && name.length > SHORT ? name.slice(0, SHORT - 1).trimEnd() + "…" : name;
  }

  // Positions in a frame centred on (0, 0).
  function layout(nodes) {
    const n = nodes.length;
    const maxPower = Math.max(1e-9, ...nodes.map((x) => x.power));
    const scale = n > MANY ? 0.62 : 1;
    const [r0, r1, out] = n > MANY ? RADII.many : RADII.few;
    return nodes.map((node, i) => {
      const angle = -Math.PI / 2 + (2 * Math.PI * i) / Math.max(1, n);
      const far = 1 - Math.max(0, Math.min(1, node.support));
      const r = node.status === "member" ? r0 + far * (r1 - r0) : out;
      return {
        x: r * Math.cos(angle), y: r * Math.sin(angle), angle,
        size: scale * (9 + 16 * Math.sqrt(Math.max(0, node.power) / maxPower)),
      };
    });
  }

  // One organisation in words (its focus caption and its text alternative).
  function words(d, i) {
    const node = d.nodes[i];
    const st = STATUS[node.status] || { words: node.status };
    let s = d.names[i];
    if (d.players && d.players.get(i)) s += " (" + d.players.get(i) + ")";
    s += ": " + st.words;
    if (node.status === "member") {
      const fit = node.support >= 0.66 ? "close to the agenda" : node.support >= 0.33 ? "half-way from the agenda" : "far from the agenda";
      s += ", " + fit + ", " + (node.engagement >= 0.66 ? "engaged" : node.engagement >= 0.33 ? "half engaged" : "barely engaged");
    }
    if (d.founders && d.founders[i]) s += ", founder";
    if (node.leadership >= 0.3) s += ", a leader";
    const b = d.ballots && d.ballots.get(i);
    if (b && BALLOT[b]) s += ", " + BALLOT[b].words;
    return s;
  }

  // The picture in words, for a screen reader and for anyone who cannot
  // see the circles: who is in, who is closest and furthest, who is out.
  function describe(d) {
    const idx = d.nodes.map((_, i) => i);
    const members = idx.filter((i) => d.nodes[i].status === "member");
    const former = idx.filter((i) => d.nodes[i].status === "former");
    const outside = idx.filter((i) => d.nodes[i].status === "outsider");
    const by = members.slice().sort((a, b) => d.nodes[b].support - d.nodes[a].support);
    const list = (xs) => xs.map((i) => d.names[i]).join(", ");
    const parts = [members.length + " of " + d.nodes.length + " organisations are in the coalition."];
    if (by.length) parts.push("Closest to the agenda: " + list(by.slice(0, 3)) + ".");
    if (by.length > 3) parts.push("Furthest from it: " + list(by.slice(-3).reverse()) + ".");
    if (former.length) parts.push("Left: " + list(former) + ".");
    if (outside.length) parts.push("Not in it: " + list(outside) + ".");
    return parts.join(" ");
  }

  // Draws `d` into `svg`:
  //   d.nodes (status, power, engagement, support, leadership), d.names,
  //   d.links ([i, j, trust %] between members), optional d.founders
  //   (booleans), d.ballots (Map agent -> ballot), d.players (Map agent ->
  //   who plays it), d.heading (a line at the top), d.focus (agent or null),
  //   d.onFocus(agent or null) to redraw with another focus.
  function draw(svg, d) {
    svg.innerHTML = "";
    svg.setAttribute("aria-label", (d.heading ? d.heading + ". " : "") + "The coalition: " + describe(d));
    const n = d.nodes.length;
    const many = n > MANY;
    const pos = layout(d.nodes);
    const font = many ? 21 : 16;
    const [r0, r1, , rl] = many ? RADII.many : RADII.few;
    const longest = Math.max(4, ...d.names.map((x) => shorten(x, n).length));
    const reach = many ? rl + Math.min(SHORT, longest) * font * 0.55 + 6 : 330 + longest * font * 0.56;
    const top = d.heading ? 46 : 8;
    svg.setAttribute("viewBox", [-reach, -reach - top, 2 * reach, 2 * reach + top + 8].map((v) => v.toFixed(0)).join(" "));
    svg.setAttribute("preserveAspectRatio", "xMidYMid meet");
    if (d.heading) el("text", { x: -reach + 4, y: -reach - top + 26, "font-size": 22, "font-weight": "bold", fill: COL.ink }, svg).textContent = d.heading;
    for (const [r, label] of [[r1, "far from the agenda"], [(r0 + r1) / 2, "half-way"], [r0, ""]]) {
      el("circle", { cx: 0, cy: 0, r, fill: "none", stroke: "#d6d6d6", "stroke-dasharray": "4 4" }, svg);
      if (label) el("text", { x: 0, y: -r - 5, "text-anchor": "middle", "font-size": 14, fill: "#666" }, svg).textContent = label;
    }
    const focus = d.focus == null ? null : d.focus;
    const showAll = d.links.length <= 66 && !many;
    for (const [i, j, t] of d.links) {
      if (!showAll && focus !== i && focus !== j) continue;
      const a = pos[i], b = pos[j];
      const low = t < 40, high = t >= 60;
      el("line", {
        x1: a.x, y1: a.y, x2: b.x, y2: b.y, class: "link",
        stroke: low ? COL.vermillion : high ? COL.green : COL.grey,
        "stroke-width": (0.6 + 6 * t / 100).toFixed(2), "stroke-opacity": 0.6,
        "stroke-dasharray": low ? "5 4" : "none",
      }, svg);
    }
    el("circle", { cx: 0, cy: 0, r: many ? 24 : 28, fill: "#f3e3b5", stroke: COL.orange, "stroke-width": 2 }, svg);
    el("text", { x: 0, y: 5, "text-anchor": "middle", "font-size": many ? 12 : 14, "font-weight": "bold", fill: COL.ink }, svg).textContent = "agenda";
    d.nodes.forEach((node, i) => {
      const p = pos[i];
      const st = STATUS[node.status] || { colour: COL.grey };
      const played = d.players && d.players.has(i);
      const focused = focus === i;
      const g = el("g", {
        class: "agent " + node.status + (played ? " played" : "") + (focused ? " focused" : ""),
        "data-name": d.names[i], tabindex: 0, role: "img", "aria-label": words(d, i),
      }, svg);
      el("title", {}, g).textContent = words(d, i);
      if (node.leadership >= 0.3) el("circle", { cx: p.x, cy: p.y, r: p.size + 5, fill: "none", stroke: COL.orange, "stroke-width": 3 }, g);
      if (played) el("circle", { cx: p.x, cy: p.y, r: p.size + (node.leadership >= 0.3 ? 9 : 5), fill: "none", stroke: COL.ink, "stroke-width": 2.5 }, g);
      el("circle", { cx: p.x, cy: p.y, r: p.size, fill: "#fff", stroke: st.colour, "stroke-width": focused ? 5 : 3, "stroke-dasharray": node.status === "former" ? "3 3" : "none" }, g);
      const inner = p.size * Math.sqrt(Math.max(0, Math.min(1, node.engagement)));
      el("circle", { cx: p.x, cy: p.y, r: inner.toFixed(2), fill: st.colour, "fill-opacity": node.status === "member" ? 0.85 : 0.35 }, g);
      if (d.founders && d.founders[i]) el("text", { x: p.x, y: p.y + 5, "text-anchor": "middle", "font-size": 15, fill: "#fff", stroke: COL.ink, "stroke-width": 0.6 }, g).textContent = "★";
      const name = focused ? d.names[i] : shorten(d.names[i], n);
      const weight = played || focused ? "bold" : "normal";
      const fill = node.status === "member" || focused ? COL.ink : "#555";
      if (many) {
        // Along the radius, outside the outer ring; never upside down.
        const deg = (p.angle * 180) / Math.PI;
        const left = Math.cos(p.angle) < -1e-9;
        const x = rl * Math.cos(p.angle), y = rl * Math.sin(p.angle);
        el("line", { x1: p.x + (p.size + 2) * Math.cos(p.angle), y1: p.y + (p.size + 2) * Math.sin(p.angle), x2: x * 0.985, y2: y * 0.985, stroke: "#c8c8c8", "stroke-width": 1 }, g);
        el("text", {
          x, y, "text-anchor": left ? "end" : "start", "dominant-baseline": "central",
          transform: "rotate(" + (left ? deg + 180 : deg).toFixed(2) + " " + x.toFixed(1) + " " + y.toFixed(1) + ")",
          "font-size": font, "font-weight": weight, fill, class: "name",
        }, g).textContent = name;
      } else {
        const lx = p.x + Math.cos(p.angle) * (p.size + 9), ly = p.y + Math.sin(p.angle) * (p.size + 9) + 5;
        const anchor = Math.abs(Math.cos(p.angle)) < 0.3 ? "middle" : Math.cos(p.angle) > 0 ? "start" : "end";
        el("text", { x: lx, y: ly + (Math.sin(p.angle) > 0.7 ? 8 : 0), "text-anchor": anchor, "font-size": font, "font-weight": weight, fill, class: "name" }, g).textContent = name;
      }
      const b = d.ballots && d.ballots.get(i);
      if (b && BALLOT[b]) {
        const bx = p.x + p.size * 0.8, by = p.y - p.size * 0.8;
        el("circle", { cx: bx, cy: by, r: 9, fill: "#fff", stroke: BALLOT[b].colour, "stroke-width": 2 }, g);
        el("text", { x: bx, y: by + 5, "text-anchor": "middle", "font-size": 13, "font-weight": "bold", fill: BALLOT[b].colour, class: "ballot" }, g).textContent = BALLOT[b].mark;
      }
      if (d.onFocus) {
        g.addEventListener("focus", () => d.onFocus(i));
        g.addEventListener("mouseenter", () => d.onFocus(i));
        g.addEventListener("keydown", (e) => { if (e.key === "Escape") { d.onFocus(null); g.blur(); } });
      }
    });
    if (focus != null && d.nodes[focus]) {
      el("text", { x: 0, y: reach - 4, "text-anchor": "middle", "font-size": 17, fill: COL.ink, class: "caption" }, svg).textContent = words(d, focus);
    }
    if (many && focus == null && d.links.length) {
      el("text", { x: 0, y: reach - 4, "text-anchor": "middle", "font-size": 15, fill: "#555", class: "caption" }, svg).textContent = "Point at an organisation (or Tab to it) to see its name in full and its trust lines";
    }
  }

  return { draw, describe, words, BALLOT, STATUS, COL };
})();
