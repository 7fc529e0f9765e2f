#!/bin/sh
# Rewrites the imports of a branch written before issue 12's restructuring (run from the repo root, after
# merging): modules that moved, then symbols that moved between modules (the old modules still re-export
# the moved types, so this second step is for the layering test, not for compiling).
set -e
python3 scripts/move-modules.py --imports-only \
  src/util/rng.ts=src/core/rng.ts src/util/errors.ts=src/core/errors.ts src/util/json.ts=src/core/json.ts \
  src/util/data-path.ts=src/core/data-path.ts src/study/objectives.ts=src/core/objectives.ts \
  src/study/pareto.ts=src/core/pareto.ts src/study/pruner.ts=src/pruner/pruner.ts \
  src/study/successive-halving.ts=src/pruner/successive-halving.ts src/study/pruner-registry.ts=src/pruner/registry.ts
python3 scripts/move-symbols.py src/evaluate/evaluator.ts src/core/objectives.ts Direction
python3 scripts/move-symbols.py src/strategy/strategy.ts src/core/trial.ts TrialState
python3 scripts/move-symbols.py src/storage/storage.ts src/core/trial.ts TrialRecord,IntermediateValue,TrialOutcome
python3 scripts/move-symbols.py src/storage/storage.ts src/core/objectives.ts ObjectiveSpec,ConstraintSpec
