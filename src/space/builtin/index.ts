import { readFileSync } from "node:fs";
import { NascentError } from "../../core/errors.js";
import { Registry } from "../../core/registry.js";
import { options } from "../options.js";
import { spaceFromJson } from "../from-json.js";
import type { Space } from "../space.js";
import { llmSpace, llmTinySpace } from "./llm.js";
import { mobilenetSpace, vitSpace } from "./macro.js";
import { nb201Space } from "./nb201.js";
import { nb301Space } from "./nb301.js";

const builtin = (name: string, summary: string, space: Space<unknown>) => ({ name, summary, options: options({}), create: () => space });

/** The built-in spaces (`--space NAME`); any other space comes from a JSON file. */
export const SPACES = new Registry<Space<unknown>>("space")
  .register(builtin("nb201", "NAS-Bench-201 cells: 4 nodes, 6 edges, 5 ops (15,625 cells; Dong & Yang 2020)", nb201Space as Space<unknown>))
  .register(builtin("nb301", "DARTS cells, normal and reduction (NAS-Bench-301; Liu et al. 2019, Siems et al. 2020)", nb301Space as Space<unknown>))
  .register(builtin("mobilenet", "OFA-style elastic MobileNetV3 macro space: 4 stages of MBConv blocks, kernel, expand, depth, width, resolution (Cai et al. 2020)", mobilenetSpace as Space<unknown>))
  .register(builtin("vit", "small Vision Transformers: depth, embedding dim, heads, MLP ratio, patch size (Dosovitskiy et al. 2021)", vitSpace as Space<unknown>))
  .register(builtin("llm", "decoder-only transformers from about 10M to 70B parameters: layers, width, heads, KV heads, FFN, vocabulary, context (docs/llm.md)", llmSpace as Space<unknown>))
  .register(builtin("llm-tiny", "tiny byte-level decoder-only LMs that train here in minutes (train:text)", llmTinySpace as Space<unknown>));

export const BUILTIN_SPACES: Record<string, Space<unknown>> = Object.fromEntries(SPACES.list().map((e) => [e.name, e.create(undefined)]));

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
