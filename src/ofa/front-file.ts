import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";

/** A front member as saved: predicted values, and measured ones when the search measured it. */
export interface SavedFrontMember {
  config: string;
  predictedAccuracy: number;
  predictedCost: number;
  testAccuracy?: number;
  measuredCost?: number;
  file?: string;
}

/**
 * (Self-contained, so that the read-only dashboard reads fronts without importing any strategy.)
 * What `ofa search --strategy nsga2` leaves next to the supernet (fronts/BUDGET.json), for the dashboard and
 * for reading later: the budget, the search's settings, every predicted sub-network and the Pareto front.
 */
export interface FrontRecord {
  constraint: string;
  metric: "latency" | "flops";
  device: string | null;
  /** Unit of the cost objective: ms (latency) or MMACs (flops). */
  unit: "ms" | "MMACs";
  limit: number;
  strategy: "nsga2";
  search: { population: number; generations: number; crossover: number; seed: number; proposals: number };
  evaluated: { config: string; accuracy: number; cost: number; feasible: boolean }[];
  front: SavedFrontMember[];
}

export const FRONTS_DIR = "fronts";

export const frontSlug = (constraint: string): string => constraint.replace(/[^\w.]+/g, "_");

/** Writes fronts/SLUG.json in the supernet directory (write then rename); returns its path. */
export function saveFront(supernetDir: string, record: FrontRecord): string {
  const dir = join(supernetDir, FRONTS_DIR);
  mkdirSync(dir, { recursive: true });
  const path = join(dir, `${frontSlug(record.constraint)}.json`);
  writeFileSync(`${path}.tmp`, JSON.stringify(record));
  renameSync(`${path}.tmp`, path);
  return path;
}

/** Every front saved in a supernet directory, by file name. */
export function loadFronts(supernetDir: string): FrontRecord[] {
  const dir = join(supernetDir, FRONTS_DIR);
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => f.endsWith(".json"))
    .sort()
    .map((f) => JSON.parse(readFileSync(join(dir, f), "utf8")) as FrontRecord);
}
