import { fileURLToPath } from "node:url";

/** Absolute path of a file shipped in the package's `data/` folder (compiled code lives in dist/src/core). */
export function dataPath(...parts: string[]): string {
  return fileURLToPath(new URL(["../../../data", ...parts].join("/"), import.meta.url));
}
