import { dataPath } from "../core/data-path.js";
import { NascentError } from "../core/errors.js";
import { ArchTableEvaluator, type TableMetric } from "./arch-table.js";
import { CsvTable } from "./csv-table.js";

export const NB201_DATASETS = ["cifar10", "cifar100"] as const;
export type Nb201Dataset = (typeof NB201_DATASETS)[number];

const COLUMN_SUFFIX: Record<Nb201Dataset, string> = { cifar10: "c10", cifar100: "c100" };

let shippedTable: CsvTable | undefined;

/** The NAS-Bench-201 table shipped in data/nb201 (provenance and licence: data/README.md). */
export function nb201Table(): CsvTable {
  shippedTable ??= CsvTable.read(dataPath("nb201", "nb201.csv.gz"));
  return shippedTable;
}

/**
 * `nb201:<dataset>`: 200-epoch test accuracy (%) of all 15,625 cells, with parameters (M), FLOPs (M)
 * and every measured latency column (ms) as further metrics for objectives and constraints.
 */
export function nb201Benchmark(dataset: string): ArchTableEvaluator {
  if (!(NB201_DATASETS as readonly string[]).includes(dataset)) {
    throw new NascentError(`unknown NAS-Bench-201 dataset '${dataset}' (expected one of ${NB201_DATASETS.join(", ")})`);
  }
  const suffix = COLUMN_SUFFIX[dataset as Nb201Dataset];
  const table = nb201Table();
  const metrics: TableMetric[] = [
    { name: "accuracy", column: `${suffix}_test`, direction: "maximize", description: `${dataset} test accuracy (%) after 200 epochs` },
    { name: "params", column: `params_${suffix}_M`, direction: "minimize", description: "parameters (millions, BatchNorm included)" },
    { name: "flops", column: `flops_${suffix}_M`, direction: "minimize", description: "MFLOPs (one multiply-add = one FLOP; conv and linear)" },
    ...table.columns
      .filter((c) => c.endsWith("_lat_ms"))
      .map((c): TableMetric => ({ name: c, column: c, direction: "minimize", description: "latency (ms, CIFAR-10 input)" })),
  ];
  return new ArchTableEvaluator(`nb201:${dataset}`, table, "arch", metrics);
}

/** `table:<csv>:<arch column>:<metric column>[:min|max]`: any CSV keyed by NB201 strings. */
export function csvBenchmark(path: string, archColumn: string, metricColumn: string, direction: "maximize" | "minimize"): ArchTableEvaluator {
  const table = CsvTable.read(path);
  table.columnIndex(archColumn);
  table.columnIndex(metricColumn);
  const extras = table.columns.filter((c) => c !== archColumn && c !== metricColumn && table.isNumeric(c));
  const metrics: TableMetric[] = [
    { name: metricColumn, column: metricColumn, direction, description: `column '${metricColumn}' of ${path}` },
    ...extras.map((c): TableMetric => ({ name: c, column: c, direction: "minimize", description: `column '${c}' of ${path}` })),
  ];
  return new ArchTableEvaluator(`table:${path}:${archColumn}:${metricColumn}`, table, archColumn, metrics);
}
