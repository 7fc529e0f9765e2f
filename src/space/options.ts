import { ConfigError, NascentError, type ConfigIssue } from "../core/errors.js";
import type { Json } from "../core/json.js";
import { suggestion, type OptionDoc, type OptionsSchema } from "../core/registry.js";
import { object } from "./dsl.js";
import type { Infer, Space } from "./space.js";

/** One option: the values it may take (a space), its default (undefined: computed, see the description), and what it does. */
export interface Option<S extends Space<unknown>> {
  readonly space: S;
  readonly default: Infer<S> | undefined;
  readonly description: string;
}

export function option<S extends Space<unknown>>(space: S, defaultValue: Infer<S> | undefined, description: string): Option<S> {
  return { space, default: defaultValue, description };
}

type OptionShape = Record<string, Option<Space<unknown>>>;
/** The options as parsed: each one given or absent. */
export type InferOptions<F extends OptionShape> = { [K in keyof F]?: Infer<F[K]["space"]> };

/**
 * A registry entry's options, declared with nascent's own spaces (`s.int`, `s.choice`, ...): one
 * declaration gives the validator, the static type, the documentation and the JSON stored with a study.
 *
 *   options({ population: option(s.int(2, 100_000), 50, "members kept alive") })
 */
export function options<F extends OptionShape>(fields: F): OptionsSchema<InferOptions<F>> {
  const names = Object.keys(fields);
  const docs: OptionDoc[] = names.map((name) => ({
    name,
    type: describeSpace(fields[name].space),
    default: fields[name].default as Json | undefined,
    description: fields[name].description,
  }));
  return {
    docs,
    parse(given, where) {
      const issues: ConfigIssue[] = [];
      for (const key of Object.keys(given)) {
        if (!(key in fields)) {
          const valid = names.length ? `valid options: ${names.join(", ")}` : "it takes no options";
          issues.push({ path: key, code: "unrecognized_key", message: `unknown option${suggestion(key, names)}; ${valid}` });
        }
      }
      const present = Object.fromEntries(names.filter((n) => given[n] !== undefined).map((n) => [n, fields[n].space]));
      const problem = object(present).check(Object.fromEntries(Object.keys(present).map((n) => [n, given[n]])), "");
      if (problem) issues.push(...problem.issues);
      if (issues.length) throw ConfigError.of(issues.map((issue) => ({ ...issue, path: `${where} option ${issue.path}` })));
      return Object.fromEntries(Object.keys(present).map((n) => [n, given[n]])) as InferOptions<F>;
    },
  };
}

/** `key=value` pairs as given on the command line, the value read as JSON when it is JSON (numbers, true) and as text otherwise. */
export function parseOptionPairs(pairs: readonly string[], flag: string): Record<string, Json> {
  const result: Record<string, Json> = {};
  for (const pair of pairs) {
    const match = /^([A-Za-z][A-Za-z0-9_-]*)=(.*)$/.exec(pair);
    if (!match) throw new NascentError(`${flag} '${pair}': expected key=value, e.g. population=50`);
    let value: Json;
    try {
      value = JSON.parse(match[2]) as Json;
    } catch {
      value = match[2];
    }
    result[match[1]] = value;
  }
  return result;
}

/** A space in words, for option docs: `int in [2, 100000]`, `one of "copula", "none"`. */
export function describeSpace(space: Space<unknown>): string {
  const json = space.toJson();
  switch (json.type) {
    case "int":
    case "float":
      return `${json.type}${json.log ? " (log)" : ""} in [${json.min}, ${json.max}]`;
    case "choice":
      return `one of ${(json.values as Json[]).map((v) => JSON.stringify(v)).join(", ")}`;
    case "bool":
      return "true or false";
    default:
      return json.type;
  }
}
