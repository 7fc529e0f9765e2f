import { EdgeCellSpace } from "../space/edge-cell.js";
import type { Space } from "../space/space.js";
import { NascentError } from "../core/errors.js";

/** A config given on the command line: JSON, or an NB201 string for NB201-style cell spaces. */
export function parseConfigArgument(space: Space<unknown>, text: string): unknown {
  const trimmed = text.trim();
  if (space instanceof EdgeCellSpace && trimmed.startsWith("|")) return space.parse(trimmed);
  let value: unknown;
  try {
    value = JSON.parse(trimmed);
  } catch (error) {
    throw new NascentError(`--config is not valid JSON${space instanceof EdgeCellSpace ? " or an NB201 string" : ""}: ${(error as Error).message}`);
  }
  return space.validate(value);
}
