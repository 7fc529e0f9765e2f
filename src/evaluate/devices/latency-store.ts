import { createHash } from "node:crypto";
import Database from "better-sqlite3";
import type { Layer, Shape } from "../../nn/layers.js";
import type { DeviceDescription } from "./device.js";
import type { LatencyMeasurement } from "./protocol.js";

/** The key of a network's architecture and input shape (weights do not change latency). */
export function networkKey(network: Layer, input: Shape): string {
  return createHash("sha256").update(JSON.stringify({ network, input })).digest("hex").slice(0, 16);
}

export interface StoredLatency extends LatencyMeasurement {
  device: string;
  description: DeviceDescription;
  networkKey: string;
  network: Layer;
  input: number[];
  batch: number;
  measuredAt: string;
}

function clocksOf(r: Record<string, string | number | null>): { clocks?: LatencyMeasurement["clocks"] } {
  const clocks: NonNullable<LatencyMeasurement["clocks"]> = {};
  if (r.wall_median_ms !== null && r.wall_median_ms !== undefined) clocks.wall = { medianMs: Number(r.wall_median_ms), p90Ms: Number(r.wall_p90_ms), p10Ms: Number(r.wall_p10_ms ?? r.wall_median_ms) };
  if (r.cpu_median_ms !== null && r.cpu_median_ms !== undefined) clocks["process-cpu"] = { medianMs: Number(r.cpu_median_ms), p90Ms: Number(r.cpu_p90_ms), p10Ms: Number(r.cpu_p10_ms ?? r.cpu_median_ms) };
  return Object.keys(clocks).length ? { clocks } : {};
}

/**
 * Latency measurements kept in the study database (table `latency_measurements`, created on first use):
 * a dataset that grows with every measurement, one row per (device, network, input, batch) measurement.
 */
export class LatencyStore {
  private readonly db: Database.Database;

  constructor(path: string) {
    this.db = new Database(path);
    this.db.pragma("journal_mode = WAL");
    this.db.pragma("busy_timeout = 10000");
    this.db.exec(`CREATE TABLE IF NOT EXISTS latency_measurements (
      id INTEGER PRIMARY KEY AUTOINCREMENT,
      device TEXT NOT NULL, description TEXT NOT NULL, network_key TEXT NOT NULL, network TEXT NOT NULL,
      input_shape TEXT NOT NULL, batch INTEGER NOT NULL, median_ms REAL NOT NULL, p90_ms REAL NOT NULL,
      repeats INTEGER NOT NULL, relative_error REAL NOT NULL, converged INTEGER NOT NULL, measured_at TEXT NOT NULL)`);
    // Added later: the run's median and p90 on each clock (wall and process CPU) for in-process devices.
    const columns = new Set((this.db.prepare("PRAGMA table_info(latency_measurements)").all() as { name: string }[]).map((c) => c.name));
    for (const column of ["p10_ms", "wall_median_ms", "wall_p90_ms", "wall_p10_ms", "cpu_median_ms", "cpu_p90_ms", "cpu_p10_ms"]) if (!columns.has(column)) this.db.exec(`ALTER TABLE latency_measurements ADD COLUMN ${column} REAL`);
    this.db.exec("CREATE INDEX IF NOT EXISTS latency_by_device ON latency_measurements (device, network_key)");
  }

  add(description: DeviceDescription, network: Layer, input: Shape, m: LatencyMeasurement, batch = 1): StoredLatency {
    const row: StoredLatency = { ...m, device: description.device, description, networkKey: networkKey(network, input), network, input: [...input], batch, measuredAt: new Date().toISOString() };
    const wall = m.clocks?.wall;
    const cpu = m.clocks?.["process-cpu"];
    this.db
      .prepare(`INSERT INTO latency_measurements (device, description, network_key, network, input_shape, batch, median_ms, p90_ms, repeats, relative_error, converged, measured_at, p10_ms, wall_median_ms, wall_p90_ms, wall_p10_ms, cpu_median_ms, cpu_p90_ms, cpu_p10_ms)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`)
      .run(row.device, JSON.stringify(description), row.networkKey, JSON.stringify(network), JSON.stringify(row.input), batch, m.medianMs, m.p90Ms, m.repeats, m.relativeError, m.converged ? 1 : 0, row.measuredAt, m.p10Ms, wall?.medianMs ?? null, wall?.p90Ms ?? null, wall?.p10Ms ?? null, cpu?.medianMs ?? null, cpu?.p90Ms ?? null, cpu?.p10Ms ?? null);
    return row;
  }

  /** Every measurement on a device, oldest first. */
  list(device: string): StoredLatency[] {
    const rows = this.db.prepare("SELECT * FROM latency_measurements WHERE device = ? ORDER BY id").all(device) as Record<string, string | number | null>[];
    return rows.map((r) => ({
      device: String(r.device),
      description: JSON.parse(String(r.description)) as DeviceDescription,
      networkKey: String(r.network_key),
      network: JSON.parse(String(r.network)) as Layer,
      input: JSON.parse(String(r.input_shape)) as number[],
      batch: Number(r.batch),
      medianMs: Number(r.median_ms),
      p90Ms: Number(r.p90_ms),
      p10Ms: Number(r.p10_ms ?? r.median_ms),
      repeats: Number(r.repeats),
      relativeError: Number(r.relative_error),
      converged: r.converged === 1,
      measuredAt: String(r.measured_at),
      ...clocksOf(r),
    }));
  }

  close(): void {
    this.db.close();
  }
}
