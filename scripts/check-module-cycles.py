#!/usr/bin/env python3
"""No cycle between the files of a crate; no command file imports another.

Reads every crate of the workspace (src/ and crates/*/src), turns each file
into its module path (crates/report/src/plots/frame.rs is plots::frame),
and collects the modules each file names: `use` statements (braces
expanded) and paths in code (`crate::a::b`, `super::x`, `self::y`). A
path resolves to the longest module it names. A file using its own
ancestor (a phase file using `super::Round` from engine/mod.rs) is not an
edge: a parent sharing definitions with its children is the normal shape of
a Rust folder. Every other edge counts, and a strongly connected set of two
or more files is a cycle. Re-exports are not followed: a name is charged to
the module the path names. Inline `mod NAME { ... }` blocks (unit tests) are
skipped. In src/cli/, a command file may use cli/mod.rs and the crates, no
other command file.

Run by .ci/run; exits 1 and names the files on a violation.
Usage: scripts/check-module-cycles.py [ROOT]
"""

import os
import re
import sys

ROOT = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "..")


def crate_dirs(root):
    yield os.path.join(root, "src")
    crates = os.path.join(root, "crates")
    if os.path.isdir(crates):
        for c in sorted(os.listdir(crates)):
            d = os.path.join(crates, c, "src")
            if os.path.isdir(d):
                yield d


def module_of(src, path):
    rel = os.path.relpath(path, src)[:-3].split(os.sep)
    if rel in (["lib"], ["main"]):
        return ()
    if rel[-1] == "mod":
        rel = rel[:-1]
    return tuple(rel)


def strip(text):
    """Comments, string literals and inline `mod x { ... }` blocks removed."""
    text = re.sub(r"//[^\n]*", "", text)
    text = re.sub(r"/\*.*?\*/", "", text, flags=re.S)
    text = re.sub(r'r#*"(?:.|\n)*?"#*', '""', text)
    text = re.sub(r'"(?:\\.|[^"\\])*"', '""', text)
    text = re.sub(r"'(?:\\.|[^'\\])'", "' '", text)
    out, i = [], 0
    for m in re.finditer(r"\bmod\s+\w+\s*\{", text):
        if m.start() < i:
            continue
        out.append(text[i : m.start()])
        depth, j = 1, m.end()
        while j < len(text) and depth:
            depth += {"{": 1, "}": -1}.get(text[j], 0)
            j += 1
        i = j
    out.append(text[i:])
    return "".join(out)


def expand(tree):
    """`a::{b, c::{d, e}}` -> ['a::b', 'a::c::d', 'a::c::e']."""
    tree = tree.strip()
    k = tree.find("{")
    if k < 0:
        return [tree]
    head, body = tree[:k], tree[k + 1 : tree.rfind("}")]
    parts, depth, cur = [], 0, ""
    for ch in body:
        if ch == "," and depth == 0:
            parts.append(cur)
            cur = ""
            continue
        depth += {"{": 1, "}": -1}.get(ch, 0)
        cur += ch
    parts.append(cur)
    return [p for part in parts if part.strip() for p in expand(head + part.strip())]


def paths(text):
    for m in re.finditer(r"\buse\s+([^;]+);", text):
        for p in expand(re.sub(r"\s+", "", m.group(1))):
            yield re.sub(r"(::\*|as\w+)$", "", p)
    for m in re.finditer(r"\b(?:crate|super|self)(?:::[A-Za-z_]\w*)+", text):
        yield m.group(0)


def resolve(module, path, modules):
    segs = [s for s in path.split("::") if s]
    if not segs or segs[0] not in ("crate", "super", "self"):
        return None
    base = list(module)
    while segs and segs[0] in ("crate", "super", "self"):
        s = segs.pop(0)
        if s == "crate":
            base = []
        elif s == "super":
            base = base[:-1]
    full = base + segs
    for n in range(len(full), -1, -1):
        if tuple(full[:n]) in modules:
            return tuple(full[:n])
    return None


def sccs(nodes, edges):
    index, low, stack, on, out = {}, {}, [], set(), []

    def visit(v):
        index[v] = low[v] = len(index)
        stack.append(v)
        on.add(v)
        for w in edges.get(v, ()):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            out.append(comp)

    sys.setrecursionlimit(10000)
    for v in nodes:
        if v not in index:
            visit(v)
    return out


def main():
    problems, files_seen = [], 0
    for src in crate_dirs(ROOT):
        files = {}
        for d, _, names in os.walk(src):
            for n in names:
                if n.endswith(".rs"):
                    p = os.path.join(d, n)
                    files[module_of(src, p)] = p
        files_seen += len(files)
        modules = set(files)
        edges = {}
        for m, p in files.items():
            with open(p, encoding="utf-8") as f:
                text = strip(f.read())
            for path in paths(text):
                t = resolve(m, path, modules)
                if t is None or t == m or m[: len(t)] == t:
                    continue  # outside the crate, itself, or an ancestor
                edges.setdefault(m, set()).add(t)
        name = lambda m: os.path.relpath(files[m], ROOT)
        for comp in sccs(sorted(modules), edges):
            if len(comp) > 1:
                problems.append("cycle: " + " -> ".join(sorted(name(m) for m in comp)))
        for m, ts in edges.items():
            if len(m) == 2 and m[0] == "cli" and src.endswith(os.path.join("", "src")) and files[m].startswith(os.path.join(ROOT, "src")):
                for t in ts:
                    if len(t) == 2 and t[0] == "cli":
                        problems.append(f"command file {name(m)} imports command file {name(t)}")
    if problems:
        print("\n".join(problems), file=sys.stderr)
        return 1
    print(f"module graph: {files_seen} files, no cycle between files; no command file imports another")
    return 0


if __name__ == "__main__":
    sys.exit(main())
