import { NascentError } from "../util/errors.js";
import type { Evaluator } from "./evaluator.js";
import { csvBenchmark, nb201Benchmark } from "./nb201.js";
import { Nb301Evaluator } from "./nb301.js";
import { zeroCostEvaluator } from "./zero-cost.js";

export const BENCHMARK_FORMS = ["nb201:cifar10", "nb201:cifar100", "nb301", "nb301:epoch=<1..98>", "nb301:curve", "table:<csv>:<arch column>:<metric column>[:min|max]", "zc:<synflow|snip|grad_norm|jacob_cov|zen>"];

/** Resolves a benchmark name as given on the command line to an evaluator. */
export async function resolveBenchmark(name: string): Promise<Evaluator> {
  const [kind, ...rest] = name.split(":");
  switch (kind) {
    case "nb201":
      if (rest.length !== 1) throw new NascentError(`'${name}': expected nb201:cifar10 or nb201:cifar100`);
      return nb201Benchmark(rest[0]);
    case "nb301":
      if (rest.length === 1 && rest[0] === "curve") return Nb301Evaluator.load(undefined, true);
      if (rest.length > 1 || (rest.length === 1 && !/^epoch=\d+$/.test(rest[0]))) throw new NascentError(`'${name}': expected nb301, nb301:epoch=<1..98> or nb301:curve`);
      return Nb301Evaluator.load(rest.length ? Number(rest[0].slice("epoch=".length)) : undefined);
    case "table":
      return tableBenchmark(name, rest);
    case "zc":
      if (rest.length !== 1) throw new NascentError(`'${name}': expected zc:<proxy>, e.g. zc:synflow`);
      return zeroCostEvaluator(rest[0]);
    default:
      throw new NascentError(`unknown benchmark '${name}' (expected one of ${BENCHMARK_FORMS.join(", ")})`);
  }
}

/** The CSV path may itself contain ':', so the column names are read from the right. */
function tableBenchmark(name: string, parts: string[]): Evaluator {
  const direction = parts.at(-1) === "min" ? "minimize" : parts.at(-1) === "max" ? "maximize" : undefined;
  const fields = direction ? parts.slice(0, -1) : parts;
  if (fields.length < 3) throw new NascentError(`'${name}': expected table:<csv path>:<arch column>:<metric column>[:min|max]`);
  const metricColumn = fields.at(-1) as string;
  const archColumn = fields.at(-2) as string;
  return csvBenchmark(fields.slice(0, -2).join(":"), archColumn, metricColumn, direction ?? "maximize");
}
