import { NascentError } from "../core/errors.js";
import { describe } from "../core/json.js";
import { fieldPath, isPlainObject, type Space } from "./space.js";

/** Typed access to the fields of one space's JSON, with errors that name the JSON path. */
export interface SpaceJsonReader {
  readonly path: string;
  readonly json: Record<string, unknown>;
  num(field: string): number;
  optionalNum(field: string): number | undefined;
  flag(field: string): boolean | undefined;
  text(field: string): string;
  record(field: string): Record<string, unknown>;
  stringList(field: string): string[];
  /** The nested space at `field` (or at `path` inside it). */
  space(value: unknown, path: string): Space<unknown>;
  fail(field: string, problem: string): never;
}

/**
 * A kind of space as its JSON names it (`"type": "int"`), and how to read it back. Each kind registers
 * itself in the file that defines it, so a new kind is one new file: `spaceFromJson` has no list of kinds.
 */
export interface SpaceKind {
  readonly type: string;
  /** For kinds sharing a type and told apart by `style` (cells: nb201, darts). */
  readonly style?: string;
  /** When several kinds share a type, the one read when the JSON gives no `style`. */
  readonly defaultStyle?: boolean;
  read(reader: SpaceJsonReader): Space<unknown>;
}

const KINDS = new Map<string, SpaceKind>();

export function registerSpaceKind(kind: SpaceKind): void {
  const key = kind.style ? `${kind.type}.${kind.style}` : kind.type;
  if (KINDS.has(key)) throw new NascentError(`space kind '${key}' is registered twice`);
  KINDS.set(key, kind);
  if (kind.defaultStyle) KINDS.set(kind.type, kind);
}

/** The registered kinds, as `type` or `type.style`. */
export function spaceKinds(): string[] {
  return [...new Set([...KINDS.keys()])].sort();
}

/** Rebuilds a space from its JSON form (`space.toJson()`); errors name the JSON path of the problem. */
export function readSpace(json: unknown, path: string): Space<unknown> {
  if (!isPlainObject(json)) throw new NascentError(`${path}: expected a space object with a "type", got ${describe(json)}`);
  const at = (field: string) => fieldPath(path, field);
  const fail = (field: string, problem: string): never => {
    throw new NascentError(`${at(field)}: ${problem}`);
  };
  const reader: SpaceJsonReader = {
    path,
    json,
    fail,
    num: (field) => (typeof json[field] === "number" ? (json[field] as number) : fail(field, `expected a number, got ${describe(json[field])}`)),
    optionalNum: (field) => (json[field] === undefined ? undefined : reader.num(field)),
    flag: (field) => (json[field] === undefined ? undefined : json[field] === true),
    text: (field) => (typeof json[field] === "string" ? (json[field] as string) : fail(field, `expected a string, got ${describe(json[field])}`)),
    record: (field) => (isPlainObject(json[field]) ? (json[field] as Record<string, unknown>) : fail(field, `expected an object, got ${describe(json[field])}`)),
    stringList: (field) => {
      const value = json[field];
      return Array.isArray(value) && value.every((v) => typeof v === "string") ? value : fail(field, `expected a list of strings, got ${describe(value)}`);
    },
    space: (value, nestedPath) => readSpace(value, nestedPath),
  };
  const types = [...new Set([...KINDS.values()].map((k) => k.type))];
  const family = [...KINDS.values()].filter((k) => k.type === json.type);
  if (family.length === 0) return fail("type", `unknown space type ${describe(json.type)} (expected ${types.join(", ")})`);
  const kind = json.style === undefined ? KINDS.get(String(json.type)) : KINDS.get(`${json.type}.${json.style}`);
  if (!kind) {
    const styles = family.map((k) => k.style).filter(Boolean);
    return fail("style", `unknown ${json.type} style ${describe(json.style)} (expected ${styles.join(" or ")})`);
  }
  try {
    return kind.read(reader);
  } catch (error) {
    // Constructor checks (bad bounds, empty choices) say what is wrong but not where: add the path.
    if (error instanceof NascentError && !error.message.startsWith(path)) throw new NascentError(`${path}: ${error.message.replace(/^: /, "")}`);
    throw error;
  }
}
