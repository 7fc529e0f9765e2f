import { NascentError } from "../core/errors.js";
import type { Json } from "../core/json.js";
import { Registry } from "../core/registry.js";
import * as s from "../space/dsl.js";
import { option, options } from "../space/options.js";
import type { Evaluator } from "./evaluator.js";
import { NB201_DATASETS, csvBenchmark, nb201Benchmark } from "./nb201.js";
import { NB301_MAX_EPOCH, Nb301Evaluator } from "./nb301.js";
import { sleepEvaluator } from "./sleep.js";
import { ZERO_COST_DATASETS, ZERO_COST_PROXIES, zeroCostEvaluator } from "./zero-cost.js";

/**
 * Benchmarks by name, as `--benchmark NAME[:ARG...][:key=value...]` gives them: parts with `=` are options,
 * the others are the entry's arguments (a dataset, a CSV path and its columns).
 */
export const BENCHMARKS = new Registry<Promise<Evaluator>, string[]>("benchmark")
  .register({
    name: "nb201",
    summary: "NAS-Bench-201 (Dong & Yang 2020): 200-epoch test accuracy (%) of all 15,625 cells, params, FLOPs, latencies; nb201:cifar10",
    options: options({ dataset: option(s.choice(NB201_DATASETS), undefined, "the dataset (also given as nb201:<dataset>)") }),
    create: async (o, args) => {
      const dataset = o.dataset ?? args[0];
      if (dataset === undefined || args.length > (o.dataset ? 0 : 1)) throw new NascentError(`expected nb201:cifar10 or nb201:cifar100`);
      return nb201Benchmark(dataset);
    },
  })
  .register({
    name: "nb301",
    summary: "NAS-Bench-301's YAHPO surrogate (Siems et al. 2020; Pfisterer et al. 2022): CIFAR-10 validation accuracy (0..1) of DARTS cells",
    options: options({
      epoch: option(s.int(1, NB301_MAX_EPOCH), NB301_MAX_EPOCH, "the epoch (fidelity) predicted"),
      curve: option(s.bool(), false, "report every epoch up to `epoch`, for pruners (also given as nb301:curve)"),
    }),
    create: async (o, args) => {
      if (args.length > 1 || (args.length === 1 && args[0] !== "curve")) throw new NascentError(`expected nb301, nb301:epoch=<1..98> or nb301:curve`);
      return Nb301Evaluator.load(o.epoch, o.curve ?? args[0] === "curve");
    },
  })
  .register({
    name: "table",
    summary: "any CSV of NB201 cells: table:<csv path>:<arch column>:<metric column>[:min|max]",
    options: options({}),
    create: async (_o, args) => {
      const direction = args.at(-1) === "min" ? "minimize" : args.at(-1) === "max" ? "maximize" : undefined;
      const fields = direction ? args.slice(0, -1) : args;
      if (fields.length < 3) throw new NascentError(`expected table:<csv path>:<arch column>:<metric column>[:min|max]`);
      // The CSV path may itself contain ':', so the column names are read from the right.
      return csvBenchmark(fields.slice(0, -2).join(":"), fields.at(-2) as string, fields.at(-1) as string, direction ?? "maximize");
    },
  })
  .register({
    name: "sleep",
    summary: "sleep:MS waits MS milliseconds and scores a config by a hash of it: measures workers and storage, not models",
    options: options({}),
    create: async (_o, args) => {
      if (args.length !== 1 || !/^\d+$/.test(args[0])) throw new NascentError(`expected sleep:MS, e.g. sleep:200`);
      return sleepEvaluator(Number(args[0]));
    },
  })
  .register({
    name: "zc",
    summary: `zero-cost proxies at initialization, no training: zc:<${ZERO_COST_PROXIES.join("|")}>[:<dataset>], on the dataset's training images or else N(0, 1) noise (docs/zero-cost.md)`,
    options: options({ dataset: option(s.choice(ZERO_COST_DATASETS), undefined, "score on this dataset's training images and labels (also given as zc:<proxy>:<dataset>); default N(0, 1) noise at CIFAR shape") }),
    create: async (o, args) => {
      if (args.length < 1 || args.length > (o.dataset ? 1 : 2)) throw new NascentError(`expected zc:<proxy>[:<dataset>], e.g. zc:synflow or zc:snip:fashion-mnist`);
      return zeroCostEvaluator(args[0], { dataset: o.dataset ?? args[1] });
    },
  });

export const BENCHMARK_FORMS = ["nb201:cifar10", "nb201:cifar100", "nb301", "nb301:epoch=<1..98>", "nb301:curve", "table:<csv>:<arch column>:<metric column>[:min|max]", "sleep:<ms>", "zc:<synflow|snip|grad_norm|grasp|fisher|jacob_cov|naswot|zen|vote>[:fashion-mnist]"];

/** Resolves a benchmark name as given on the command line to an evaluator; errors name the form expected. */
export async function resolveBenchmark(name: string): Promise<Evaluator> {
  const [kind, ...parts] = name.split(":");
  if (!BENCHMARKS.has(kind)) throw new NascentError(`unknown benchmark '${name}' (expected one of ${BENCHMARK_FORMS.join(", ")})`);
  const given: Record<string, Json> = {};
  const args: string[] = [];
  for (const part of parts) {
    const match = kind !== "table" ? /^([A-Za-z]\w*)=(.*)$/.exec(part) : null;
    if (!match) args.push(part);
    else given[match[1]] = /^-?\d+(\.\d+)?$/.test(match[2]) ? Number(match[2]) : match[2] === "true" ? true : match[2] === "false" ? false : match[2];
  }
  try {
    return await BENCHMARKS.create(kind, given, args);
  } catch (error) {
    if (error instanceof NascentError && !(error.message.startsWith("benchmark"))) throw new NascentError(`'${name}': ${error.message}`);
    throw error;
  }
}
