#!/usr/bin/env python3
"""Rewrites named imports of symbols that moved from one module to another (paths relative to the repo root).
Usage: move-symbols.py OLD_MODULE.ts NEW_MODULE.ts Name1,Name2,...  Run from the repo root."""
import os, re, sys

old_mod, new_mod, names = sys.argv[1], sys.argv[2], set(sys.argv[3].split(","))
STMT = re.compile(r'import\s+(type\s+)?\{([^}]*)\}\s+from\s+"(\.{1,2}/[^"]+)";\n')

def rel(from_file, target):
    r = os.path.relpath(target, os.path.dirname(from_file))
    r = r if r.startswith(".") else "./" + r
    return r[:-3] + ".js"

for root in ("src", "tests", "bench", "examples"):
    for dirpath, _, files in os.walk(root):
        for name in files:
            if not name.endswith((".ts", ".tsx")):
                continue
            path = os.path.join(dirpath, name)
            if os.path.normpath(path) in (os.path.normpath(old_mod), os.path.normpath(new_mod)):
                continue
            text = open(path).read()

            def fix(m):
                whole_type, body, spec = m.group(1), m.group(2), m.group(3)
                target = os.path.normpath(os.path.join(os.path.dirname(path), spec))
                if target[:-3] + ".ts" != os.path.normpath(old_mod):
                    return m.group(0)
                items = [i.strip() for i in body.split(",") if i.strip()]
                def bare(i):
                    return i.replace("type ", "").split(" as ")[0].strip()
                moved = [i for i in items if bare(i) in names]
                kept = [i for i in items if bare(i) not in names]
                if not moved:
                    return m.group(0)
                out = ""
                if kept:
                    out += f'import {whole_type or ""}{{ {", ".join(kept)} }} from "{spec}";\n'
                all_types = whole_type or all(i.startswith("type ") for i in moved)
                moved_clean = [i.replace("type ", "") for i in moved] if all_types else moved
                out += f'import {"type " if all_types else ""}{{ {", ".join(moved_clean)} }} from "{rel(path, new_mod)}";\n'
                return out

            updated = STMT.sub(fix, text)
            if updated != text:
                open(path, "w").write(updated)
