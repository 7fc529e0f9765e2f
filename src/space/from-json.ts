// The built-in kinds register themselves when their files load (see kinds.ts).
import "./branch.js";
import "./choice.js";
import "./darts-cell.js";
import "./edge-cell.js";
import "./numeric.js";
import "./object.js";
import "./repeat.js";
import "./builtin/llm.js";
import { readSpace } from "./kinds.js";
import type { Space } from "./space.js";

/** Rebuilds a space from its JSON form (`space.toJson()`); errors name the JSON path of the problem. */
export function spaceFromJson(json: unknown, path = "space"): Space<unknown> {
  return readSpace(json, path);
}
