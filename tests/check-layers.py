#!/usr/bin/env python3
"""The layering of models/ (README.md, "Layout"), checked from the includes.

Each folder of models/ may include its own headers, those of the folders
listed before it in LAYERS, sim/ and libraries; models/cmd/ may include
everything; sim/ includes nothing of models/. An include that points up a
layer is printed as FILE:LINE: the include line, with the rule it breaks,
and the check fails, unless it is one of the KNOWN exceptions below, each
with the reason it is still there and what removes it. An exception that
no longer occurs fails the check too, so the list only shrinks.

Run by the test suite (suite 'layers'); also by hand:
  python3 tests/check-layers.py [SOURCE_ROOT]
"""
import os
import re
import sys

LAYERS = ["input", "traffic", "config", "core", "capacity", "requests",
          "control", "world", "output", "experiments", "cmd"]

# (file, included header): why it is allowed for now. Empty: every include
# points down. A change that needs an upward include wants a hook
# (models/core/hooks.h) or an event instead; if one must be let through,
# it is listed here with what will remove it.
KNOWN = {}


def folder_of(path):
    parts = path.split("/")
    if parts[0] == "sim":
        return "sim"
    if parts[0] == "models" and len(parts) > 2:
        return parts[1]
    return None


def main():
    root = sys.argv[1] if len(sys.argv) > 1 else "."
    include = re.compile(r'^\s*#\s*include\s+"((?:models|sim)/[^"]+)"')
    problems, seen, edges = [], set(), {}
    for top in ("sim", "models"):
        for dirpath, _, names in os.walk(os.path.join(root, top)):
            for name in sorted(names):
                if not name.endswith((".c", ".h")):
                    continue
                path = os.path.relpath(os.path.join(dirpath, name), root)
                me = folder_of(path)
                if top == "models" and me is None:
                    problems.append(f"{path}: in no layer folder of models/")
                    continue
                with open(os.path.join(root, path), encoding="utf-8") as f:
                    for n, line in enumerate(f, 1):
                        m = include.match(line)
                        if not m:
                            continue
                        target = m.group(1)
                        them = folder_of(target)
                        if them is None or them == me or them == "sim":
                            continue
                        if (path, target) not in KNOWN:
                            edges.setdefault(me, set()).add(them)
                        if me == "sim":
                            problems.append(f"{path}:{n}: {line.strip()}: "
                                            "sim/ must not include models/")
                            continue
                        if me not in LAYERS or them not in LAYERS:
                            problems.append(f"{path}:{n}: {line.strip()}: "
                                            "unknown layer folder")
                            continue
                        if LAYERS.index(them) <= LAYERS.index(me):
                            continue
                        if (path, target) in KNOWN:
                            seen.add((path, target))
                            continue
                        problems.append(
                            f"{path}:{n}: {line.strip()}: {me}/ may not "
                            f"include {them}/ (listed after it); announce "
                            "through a hook or an event instead")
    for (path, target) in sorted(set(KNOWN) - seen):
        problems.append(f"tests/check-layers.py: the known exception "
                        f"{path} -> {target} no longer occurs: remove it")
    # Cycles through the known exceptions are those exceptions; any other
    # is a problem (none can arise while every include points down).
    cycles = [f"{a}/ <-> {b}/" for a in sorted(edges) for b in
              sorted(edges[a]) if a < b and a in edges.get(b, set())]
    for c in cycles:
        problems.append(f"include cycle between folders: {c}")
    for p in problems:
        print(p)
    print(f"check-layers: {len(problems)} problem(s), "
          f"{len(seen)} known exception(s) still to remove")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
