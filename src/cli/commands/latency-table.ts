import { CsvTable } from "../../evaluate/csv-table.js";
import { nb201LatencyFeatures, nb201PrunedLatencyFeatures } from "../../predict/latency/nb201-features.js";
import type { LatencyTable } from "../../predict/latency/transfer.js";
import { NascentError } from "../../core/errors.js";

/** A column holds latencies when its name says so (`lat`, `latency`, a `_ms` suffix). */
export const isLatencyColumn = (name: string) => /(^|_)lat(ency)?(_|$)|_ms$/i.test(name);

/**
 * Reads a latency table: the architecture column (NAS-Bench-201 cell strings) becomes features, and every
 * numeric latency column a device. Errors name the file, row and column.
 */
export function readLatencyTable(path: string, archColumn: string): LatencyTable & { columns: string[] } {
  const table = CsvTable.read(path);
  const archs = table.strings(archColumn);
  const features = archs.map((arch, r) => {
    try {
      return nb201LatencyFeatures(arch);
    } catch (error) {
      throw new NascentError(`CSV '${path}' row ${r + 2}, column '${archColumn}': ${(error as Error).message} (latency features are defined for NB201 cells)`);
    }
  });
  const columns = table.columns.filter((name) => name !== archColumn && isLatencyColumn(name) && table.isNumeric(name));
  const devices = Object.fromEntries(columns.map((name) => [name, table.numbers(name)]));
  return { features, prunedFeatures: archs.map(nb201PrunedLatencyFeatures), devices, columns };
}

/** The source devices for a target: `--sources` when given (each checked), else every other latency column. */
export function chooseSources(table: { columns: string[] }, target: string, sources: string | undefined, path: string): string[] {
  if (!table.columns.includes(target)) throw new NascentError(`--target '${target}' is not a numeric latency column of '${path}' (latency columns: ${table.columns.join(", ")})`);
  const chosen = sources ? sources.split(",").map((s) => s.trim()).filter(Boolean) : table.columns.filter((c) => c !== target);
  for (const name of chosen) {
    if (!table.columns.includes(name)) throw new NascentError(`--sources: '${name}' is not a numeric latency column of '${path}'`);
    if (name === target) throw new NascentError(`--sources: the target '${target}' cannot also be a source`);
  }
  if (chosen.length < 2) throw new NascentError(`few-shot transfer needs at least 2 source devices, '${path}' gives ${chosen.length}`);
  return chosen;
}
