import { join } from "node:path";
import { MemoryStorage, SqliteStorage } from "../src/index.js";
import { storageConformance } from "./storage-conformance.js";
import { tempDir } from "./support.js";

storageConformance("memory", () => new MemoryStorage());
storageConformance("sqlite", () => new SqliteStorage(join(tempDir(), "study.db")));
