import { join } from "node:path";
import { MemoryStorage, SqliteStorage } from "../src/index.js";
import { describeStorageConformance } from "../src/storage/conformance.js";
import { studyOnStorage } from "./study-on-storage.js";
import { tempDir } from "./support.js";

describeStorageConformance("memory", () => new MemoryStorage());
describeStorageConformance("sqlite", () => new SqliteStorage(join(tempDir(), "study.db")));
studyOnStorage("memory", () => new MemoryStorage());
studyOnStorage("sqlite", () => new SqliteStorage(join(tempDir(), "study.db")));
