import { readFileSync } from "node:fs";
import { NascentError } from "../../util/errors.js";
import { spaceFromJson } from "../from-json.js";
import type { Space } from "../space.js";
import { llmSpace, llmTinySpace } from "./llm.js";
import { mobilenetSpace, vitSpace } from "./macro.js";
import { nb201Space } from "./nb201.js";
import { nb301Space } from "./nb301.js";

export const BUILTIN_SPACES: Record<string, Space<unknown>> = {
  nb201: nb201Space as Space<unknown>,
  nb301: nb301Space as Space<unknown>,
  mobilenet: mobilenetSpace as Space<unknown>,
  vit: vitSpace as Space<unknown>,
  llm: llmSpace as Space<unknown>,
  "llm-tiny": llmTinySpace as Space<unknown>,
};

/** A built-in space by name, or a space read from a JSON file (the form `space.toJson()` writes). */
export function resolveSpace(nameOrPath: string): Space<unknown> {
  const builtin = BUILTIN_SPACES[nameOrPath];
  if (builtin) return builtin;
  if (!nameOrPath.endsWith(".json")) {
    throw new NascentError(`unknown space '${nameOrPath}' (built-in: ${Object.keys(BUILTIN_SPACES).join(", ")}; or a path to a .json space file)`);
  }
  let text: string;
  try {
    text = readFileSync(nameOrPath, "utf8");
  } catch (error) {
    throw new NascentError(`cannot read space file '${nameOrPath}': ${(error as Error).message}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new NascentError(`space file '${nameOrPath}' is not valid JSON: ${(error as Error).message}`);
  }
  return spaceFromJson(json);
}
