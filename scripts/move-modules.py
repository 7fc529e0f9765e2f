#!/usr/bin/env python3
"""Moves TypeScript modules (git mv) and rewrites every relative import of them, in src/, tests/, bench/, examples/.
Usage: move-modules.py [--imports-only] old.ts=new.ts ...  (paths relative to the repo root). Run from the repo root.
--imports-only: the files were moved already (e.g. by a merge); only rewrite the imports that still name old paths."""
import os, re, subprocess, sys

imports_only = "--imports-only" in sys.argv
moves = dict(arg.split("=") for arg in sys.argv[1:] if arg != "--imports-only")
if not imports_only:
    for old, new in moves.items():
        os.makedirs(os.path.dirname(new), exist_ok=True)
        subprocess.run(["git", "mv", old, new], check=True)
inverse = {} if imports_only else {new: old for old, new in moves.items()}

IMPORT = re.compile(r'''((?:from|import)\s*\(?\s*["'])(\.{1,2}/[^"']+)(["'])''')

def resolve(base_dir, spec):
    path = os.path.normpath(os.path.join(base_dir, spec))
    for ext in (".js", ".jsx"):
        if path.endswith(ext):
            return path[: -len(ext)] + (".ts" if ext == ".js" else ".tsx"), ext
    return None, None

for root in ("src", "tests", "bench", "examples"):
    for dirpath, _, files in os.walk(root):
        for name in files:
            if not name.endswith((".ts", ".tsx")):
                continue
            path = os.path.join(dirpath, name)
            old_self = inverse.get(path, path)
            text = open(path).read()

            def fix(m):
                target, ext = resolve(os.path.dirname(old_self), m.group(2))
                if target is None:
                    return m.group(0)
                target = moves.get(target, target)
                rel = os.path.relpath(target, os.path.dirname(path))
                if not rel.startswith("."):
                    rel = "./" + rel
                rel = rel[: -len(".ts")] + ".js" if rel.endswith(".ts") else rel[: -len(".tsx")] + ".jsx"
                return m.group(1) + rel + m.group(3)

            updated = IMPORT.sub(fix, text)
            if updated != text:
                open(path, "w").write(updated)
