import { NascentError } from "../core/errors.js";
import { MemoryStorage } from "./memory.js";
import { PostgresStorage } from "./postgres.js";
import { SqliteStorage } from "./sqlite.js";
import type { Storage } from "./storage.js";

export const DEFAULT_STORAGE = "sqlite:./nascent.db";

/** Opens storage from a URL: `sqlite:PATH` (default `sqlite:./nascent.db`), `postgres://user@host/db` or `memory:`. */
export function openStorage(url: string = DEFAULT_STORAGE, options: { readonly?: boolean } = {}): Storage {
  if (url === "memory:" || url === "memory") return new MemoryStorage();
  if (url.startsWith("sqlite:")) {
    const path = url.slice("sqlite:".length).replace(/^\/\/(?=\/)/, "");
    if (!path) throw new NascentError(`storage '${url}' names no file: use sqlite:PATH`);
    return new SqliteStorage(path, options);
  }
  if (url.startsWith("postgres:") || url.startsWith("postgresql:")) {
    return new PostgresStorage(url, options);
  }
  throw new NascentError(`unknown storage '${url}' (expected sqlite:PATH, postgres://user@host/db or memory:)`);
}
