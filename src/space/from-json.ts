import { NascentError } from "../util/errors.js";
import { describe, type Json } from "../util/json.js";
import { BranchSpace } from "./branch.js";
import { LlmSpace } from "./builtin/llm.js";
import { ChoiceSpace, type Primitive } from "./choice.js";
import { DartsCellSpace } from "./darts-cell.js";
import { EdgeCellSpace } from "./edge-cell.js";
import { FloatSpace, IntSpace } from "./numeric.js";
import { ObjectSpace, type Shape } from "./object.js";
import { RepeatSpace } from "./repeat.js";
import { fieldPath, isPlainObject, type Space } from "./space.js";

/** Rebuilds a space from its JSON form (`space.toJson()`); errors name the JSON path of the problem. */
export function spaceFromJson(json: unknown, path = "space"): Space<unknown> {
  if (!isPlainObject(json)) throw new NascentError(`${path}: expected a space object with a "type", got ${describe(json)}`);
  const at = (field: string) => fieldPath(path, field);
  const fail = (field: string, problem: string): never => {
    throw new NascentError(`${at(field)}: ${problem}`);
  };
  const num = (field: string): number => (typeof json[field] === "number" ? (json[field] as number) : fail(field, `expected a number, got ${describe(json[field])}`));
  const optionalNum = (field: string): number | undefined => (json[field] === undefined ? undefined : num(field));
  const flag = (field: string): boolean | undefined => (json[field] === undefined ? undefined : json[field] === true);
  const record = (field: string): Record<string, unknown> => (isPlainObject(json[field]) ? (json[field] as Record<string, unknown>) : fail(field, `expected an object, got ${describe(json[field])}`));
  const stringList = (field: string): string[] => {
    const value = json[field];
    return Array.isArray(value) && value.every((v) => typeof v === "string") ? value : fail(field, `expected a list of strings, got ${describe(value)}`);
  };

  try {
    switch (json.type) {
      case "choice": {
        const values = json.values;
        const valid = Array.isArray(values) && values.every((v: Json) => ["string", "number", "boolean"].includes(typeof v));
        if (!valid) fail("values", `expected a list of strings, numbers or booleans, got ${describe(values)}`);
        return new ChoiceSpace(values as Primitive[], typeof json.noun === "string" ? json.noun : "value");
      }
      case "bool":
        return new ChoiceSpace<boolean>([false, true]);
      case "int":
        return new IntSpace(num("min"), num("max"), { step: optionalNum("step"), log: flag("log") });
      case "float":
        return new FloatSpace(num("min"), num("max"), { log: flag("log"), gridPoints: optionalNum("gridPoints") });
      case "object":
        return new ObjectSpace(objectFields(record("fields"), at("fields")));
      case "repeat":
        return new RepeatSpace(spaceFromJson(json.item, at("item")), num("min"), num("max"));
      case "branch": {
        if (typeof json.tag !== "string") fail("tag", `expected a string, got ${describe(json.tag)}`);
        const cases = Object.fromEntries(
          Object.entries(record("cases")).map(([name, c]) => {
            const space = spaceFromJson(c, fieldPath(at("cases"), name));
            if (!(space instanceof ObjectSpace)) fail(`cases.${name}`, "each case must be an object space");
            return [name, space as ObjectSpace<Shape>];
          }),
        );
        return new BranchSpace(json.tag as string, cases);
      }
      case "llm":
        return new LlmSpace(objectFields(record("fields"), at("fields")));
      case "cell":
        if (json.style === "darts") return new DartsCellSpace(num("nodes"), optionalNum("inputs") ?? 2, stringList("ops"));
        if (json.style === undefined || json.style === "nb201") return new EdgeCellSpace(num("nodes"), stringList("ops"));
        return fail("style", `unknown cell style ${describe(json.style)} (expected nb201 or darts)`);
      default:
        return fail("type", `unknown space type ${describe(json.type)} (expected choice, bool, int, float, object, repeat, branch, cell or llm)`);
    }
  } catch (error) {
    // Constructor checks (bad bounds, empty choices) say what is wrong but not where: add the path.
    if (error instanceof NascentError && !error.message.startsWith(path)) throw new NascentError(`${path}: ${error.message.replace(/^: /, "")}`);
    throw error;
  }
}

function objectFields(fields: Record<string, unknown>, path: string): Shape {
  return Object.fromEntries(Object.entries(fields).map(([name, f]) => [name, spaceFromJson(f, fieldPath(path, name))]));
}
