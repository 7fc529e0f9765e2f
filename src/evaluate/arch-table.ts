import { NascentError } from "../core/errors.js";
import { EdgeCellSpace } from "../space/edge-cell.js";
import { nb201Space, type Nb201Config } from "../space/builtin/nb201.js";
import type { Space } from "../space/space.js";
import type { CsvTable } from "./csv-table.js";
import type { EvaluationContext, Evaluator, MetricInfo, Metrics } from "./evaluator.js";

export interface TableMetric extends MetricInfo {
  column: string;
}

/**
 * A tabular benchmark over NAS-Bench-201 cells: each row is one architecture, keyed by its NB201 string,
 * and evaluating a config is a lookup. NB201 is such a table; so is any CSV a user brings.
 */
export class ArchTableEvaluator implements Evaluator<Nb201Config> {
  private readonly rowOf = new Map<string, number>();
  private readonly values: Float64Array[];

  constructor(
    readonly name: string,
    table: CsvTable,
    archColumn: string,
    readonly metrics: readonly TableMetric[],
  ) {
    if (metrics.length === 0) throw new NascentError(`benchmark '${name}' has no metric columns`);
    table.strings(archColumn).forEach((arch, r) => {
      let key: string;
      try {
        key = nb201Space.key(nb201Space.parse(arch));
      } catch (error) {
        throw new NascentError(`CSV '${table.source}' row ${r + 2}, column '${archColumn}': ${(error as Error).message}`);
      }
      if (this.rowOf.has(key)) throw new NascentError(`CSV '${table.source}' row ${r + 2}: architecture ${arch} appears twice`);
      this.rowOf.set(key, r);
    });
    this.values = metrics.map((m) => table.numbers(m.column));
  }

  get size(): number {
    return this.rowOf.size;
  }

  checkSpace(space: Space<unknown>): void {
    const isNb201 = space instanceof EdgeCellSpace && space.nodes === 4 && nb201Space.ops.every((op, i) => space.ops[i] === op);
    if (!isNb201) throw new NascentError(`benchmark '${this.name}' evaluates NAS-Bench-201 cells only; use --space nb201`);
  }

  lookup(config: Nb201Config): Metrics {
    const key = nb201Space.key(config);
    const row = this.rowOf.get(key);
    if (row === undefined) throw new NascentError(`architecture ${key} is not in benchmark '${this.name}'`);
    return Object.fromEntries(this.metrics.map((m, i) => [m.name, this.values[i][row]]));
  }

  async evaluate(config: Nb201Config, _context: EvaluationContext): Promise<Metrics> {
    return this.lookup(config);
  }
}
