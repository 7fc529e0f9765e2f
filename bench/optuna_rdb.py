"""Optuna 3.1's RDBStorage on PostgreSQL: time per ask+tell, and the part of it spent in the storage, at a
given number of trials already in the study. The same operations as bench/distributed.ts times for nascent:
RandomSampler, the NAS-Bench-201 cell as six categorical parameters (five operations each), one objective.

The study is filled with N complete trials by SQL (as if earlier workers had run them), then a fresh process
view (load_study) asks and tells K trials; the first few are warm-up (Optuna's cache reads the study).

    /usr/bin/python3 bench/optuna_rdb.py URL N K    -> one JSON line
"""
import json
import statistics
import sys
import time

import optuna
import psycopg2
from optuna.distributions import CategoricalDistribution, distribution_to_json

OPS = ["none", "skip_connect", "nor_conv_1x1", "nor_conv_3x3", "avg_pool_3x3"]
EDGES = [f"edge{i}" for i in range(6)]
WARMUP = 5


class Timed:
    """Wraps the study's storage so every call into it is timed (the storage part of ask+tell)."""

    def __init__(self, inner):
        self._inner = inner
        self.seconds = 0.0

    def __getattr__(self, name):
        attr = getattr(self._inner, name)
        if not callable(attr):
            return attr

        def timed(*args, **kwargs):
            start = time.perf_counter()
            try:
                return attr(*args, **kwargs)
            finally:
                self.seconds += time.perf_counter() - start

        return timed


def prefill(url, study_id, n):
    dist = distribution_to_json(CategoricalDistribution(OPS))
    conn = psycopg2.connect(url.replace("postgresql+psycopg2", "postgresql"))
    with conn, conn.cursor() as cur:
        cur.execute(
            "INSERT INTO trials (number, study_id, state, datetime_start, datetime_complete) "
            "SELECT g, %s, 'COMPLETE', now(), now() FROM generate_series(0, %s - 1) g",
            (study_id, n),
        )
        cur.execute("SELECT trial_id, number FROM trials WHERE study_id = %s", (study_id,))
        ids = cur.fetchall()
        cur.execute(
            "INSERT INTO trial_params (trial_id, param_name, param_value, distribution_json) "
            "SELECT t.trial_id, 'edge' || e, ((t.number * 7 + e * 3) %% 5)::float, %s "
            "FROM trials t CROSS JOIN generate_series(0, 5) e WHERE t.study_id = %s",
            (dist, study_id),
        )
        cur.execute(
            "INSERT INTO trial_values (trial_id, objective, value, value_type) "
            "SELECT trial_id, 0, random(), 'FINITE' FROM trials WHERE study_id = %s",
            (study_id,),
        )
    conn.close()
    return len(ids)


def main():
    url, n, k = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    name = f"bench-{n}-{time.time_ns()}"
    storage = optuna.storages.RDBStorage(url)
    study = optuna.create_study(storage=storage, study_name=name, direction="maximize")
    prefill(url, study._study_id, n)
    study = optuna.load_study(study_name=name, storage=url, sampler=optuna.samplers.RandomSampler(seed=0))
    timed = Timed(study._storage)
    study._storage = timed
    totals, in_storage = [], []
    for i in range(WARMUP + k):
        timed.seconds = 0.0
        start = time.perf_counter()
        trial = study.ask()
        value = sum(OPS.index(trial.suggest_categorical(e, OPS)) for e in EDGES) / 24
        study.tell(trial, value)
        if i >= WARMUP:
            totals.append(time.perf_counter() - start)
            in_storage.append(timed.seconds)
    print(json.dumps({
        "trials": n, "ops": k,
        "ask_tell_ms": statistics.median(totals) * 1000, "storage_ms": statistics.median(in_storage) * 1000,
        "ask_tell_mean_ms": statistics.mean(totals) * 1000, "storage_mean_ms": statistics.mean(in_storage) * 1000,
    }))


if __name__ == "__main__":
    main()
