#!/usr/bin/env python3
"""Optuna reference runs on the NAS-Bench-201 table, for nascent's benchmarks.

  samples:  best-so-far curve per seed of Optuna's multivariate TPE or NSGA-II (JSON on stdout)
  overhead: seconds per ask() once a study holds N complete trials

Run with Debian's interpreter, which python3-optuna installs for: /usr/bin/python3 bench/optuna_reference.py ...
"""
import argparse
import csv
import gzip
import json
import random
import time

import warnings

import optuna

warnings.filterwarnings("ignore", category=optuna.exceptions.ExperimentalWarning)

OPS = ["none", "skip_connect", "nor_conv_1x1", "nor_conv_3x3", "avg_pool_3x3"]
COLUMN = {"cifar10": "c10_test", "cifar100": "c100_test"}
WARMUP_ASKS = 5  # as nascent's overhead benchmark: asks not timed first


def load_table(path, dataset):
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rt", newline="") as handle:
        return {row["arch"]: float(row[COLUMN[dataset]]) for row in csv.DictReader(handle)}


def arch_string(edges):
    return "|{}~0|+|{}~0|{}~1|+|{}~0|{}~1|{}~2|".format(*edges)


def make_sampler(name, seed):
    if name == "tpe":
        return optuna.samplers.TPESampler(multivariate=True, seed=seed)
    if name == "nsga2":
        return optuna.samplers.NSGAIISampler(seed=seed)
    raise SystemExit(f"unknown sampler {name}")


def ask_edges(study):
    trial = study.ask()
    return trial, [trial.suggest_categorical(f"edge{k}", OPS) for k in range(6)]


def sample_efficiency(table, sampler, seed, budget, optimum):
    study = optuna.create_study(direction="maximize", sampler=make_sampler(sampler, seed))
    best, curve, started = float("-inf"), [], time.perf_counter()
    while len(curve) < budget:
        trial, edges = ask_edges(study)
        value = table[arch_string(edges)]
        study.tell(trial, value)
        best = max(best, value)
        curve.append(best)
        if best >= optimum:
            break
    curve += [curve[-1]] * (budget - len(curve))
    return {"strategy": f"optuna-{sampler}", "seed": seed, "bestSoFar": curve, "seconds": time.perf_counter() - started}


def overhead(table, sampler, completed, asks, seed):
    rng = random.Random(seed)
    study = optuna.create_study(direction="maximize", sampler=make_sampler(sampler, seed))
    distributions = {f"edge{k}": optuna.distributions.CategoricalDistribution(OPS) for k in range(6)}
    trials = []
    for _ in range(completed):
        edges = [rng.choice(OPS) for _ in range(6)]
        params = {f"edge{k}": op for k, op in enumerate(edges)}
        trials.append(optuna.trial.create_trial(params=params, distributions=distributions, value=table[arch_string(edges)]))
    study.add_trials(trials)
    seconds = []
    for i in range(WARMUP_ASKS + asks):
        started = time.perf_counter()
        trial, edges = ask_edges(study)
        if i >= WARMUP_ASKS:
            seconds.append(time.perf_counter() - started)
        study.tell(trial, table[arch_string(edges)])
    seconds.sort()
    return {"sampler": f"optuna-{sampler}", "completed": completed, "medianAskSeconds": seconds[len(seconds) // 2]}


def main():
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    parser = argparse.ArgumentParser()
    parser.add_argument("mode", choices=["samples", "overhead"])
    parser.add_argument("--csv", required=True)
    parser.add_argument("--dataset", default="cifar10", choices=list(COLUMN))
    parser.add_argument("--sampler", default="tpe")
    parser.add_argument("--budget", type=int, default=400)
    parser.add_argument("--seeds", type=int, default=15)
    parser.add_argument("--completed", type=int, default=100)
    parser.add_argument("--asks", type=int, default=20)
    args = parser.parse_args()
    table = load_table(args.csv, args.dataset)
    if args.mode == "samples":
        optimum = max(table.values())
        runs = [sample_efficiency(table, args.sampler, seed, args.budget, optimum) for seed in range(1, args.seeds + 1)]
        print(json.dumps({"optunaVersion": optuna.__version__, "runs": runs}))
    else:
        print(json.dumps({"optunaVersion": optuna.__version__, **overhead(table, args.sampler, args.completed, args.asks, 1)}))


if __name__ == "__main__":
    main()
