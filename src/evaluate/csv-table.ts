import { readFileSync } from "node:fs";
import { gunzipSync } from "node:zlib";
import { parse } from "csv-parse/sync";
import { NascentError } from "../core/errors.js";

/** A CSV file read into columns, with errors that name the file, row and column. */
export class CsvTable {
  private constructor(
    readonly source: string,
    readonly columns: string[],
    readonly rows: string[][],
  ) {}

  static read(path: string): CsvTable {
    let bytes: Buffer;
    try {
      bytes = readFileSync(path);
    } catch (error) {
      throw new NascentError(`cannot read CSV '${path}': ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
    }
    const text = path.endsWith(".gz") ? gunzipSync(bytes).toString("utf8") : bytes.toString("utf8");
    let records: string[][];
    try {
      records = parse(text, { skip_empty_lines: true, trim: true });
    } catch (error) {
      throw new NascentError(`CSV '${path}' cannot be parsed: ${(error as Error).message}`);
    }
    if (records.length === 0) throw new NascentError(`CSV '${path}' is empty: expected a header row`);
    const [columns, ...rows] = records;
    return new CsvTable(path, columns, rows);
  }

  columnIndex(name: string): number {
    const index = this.columns.indexOf(name);
    if (index < 0) throw new NascentError(`CSV '${this.source}' has no column '${name}' (columns: ${this.columns.join(", ")})`);
    return index;
  }

  /** A column as numbers; a cell that is not a finite number is an error naming its row (1 = header). */
  numbers(name: string): Float64Array {
    const index = this.columnIndex(name);
    return Float64Array.from(this.rows, (row, r) => {
      const value = Number(row[index]);
      if (row[index] === "" || !Number.isFinite(value)) {
        throw new NascentError(`CSV '${this.source}' row ${r + 2}, column '${name}': '${row[index] ?? ""}' is not a finite number`);
      }
      return value;
    });
  }

  /** True when every cell of the column is a finite number (used to offer extra metrics). */
  isNumeric(name: string): boolean {
    const index = this.columnIndex(name);
    return this.rows.every((row) => row[index] !== "" && Number.isFinite(Number(row[index])));
  }

  strings(name: string): string[] {
    const index = this.columnIndex(name);
    return this.rows.map((row) => row[index]);
  }
}
