import { NascentError } from "./errors.js";
import type { Json } from "./json.js";

/** One documented option of a registry entry, as `nascent list` prints it. */
export interface OptionDoc {
  name: string;
  /** The option's type in words, e.g. `int in [2, 100000]`, `one of "copula", "none"`. */
  type: string;
  /** The value used when the option is not given; undefined when it is computed (the description says how). */
  default: Json | undefined;
  description: string;
}

/** Options declared once: checked, typed and documented (see `options` in space/options.ts). */
export interface OptionsSchema<O> {
  readonly docs: readonly OptionDoc[];
  /**
   * The options given, checked: an unknown key is an error listing the valid ones, and every value that
   * is out of its range is reported at once. Options not given stay absent (the entry's defaults apply).
   */
  parse(given: Readonly<Record<string, Json>>, where: string): O;
}

/** A thing nascent can build by name: a strategy, a pruner, an evaluator, a space. */
export interface RegistryEntry<T, O = unknown, Context = void> {
  readonly name: string;
  /** One line: what it is, and its source (paper) when it has one. */
  readonly summary: string;
  readonly options: OptionsSchema<O>;
  create(options: O, context: Context): T;
}

/**
 * A kind's entries by name. Every kind (strategies, pruners, evaluators, spaces) has this one shape, so
 * `nascent list` prints any of them and an unknown name or option is reported the same way everywhere.
 */
export class Registry<T, Context = void> {
  private readonly entries = new Map<string, RegistryEntry<T, unknown, Context>>();

  /** `kind` in the singular, as errors name it: "strategy", "pruner". */
  constructor(readonly kind: string) {}

  /** Adds an entry; a name may be registered once. */
  register<O>(entry: RegistryEntry<T, O, Context>): this {
    if (this.entries.has(entry.name)) throw new NascentError(`${this.kind} '${entry.name}' is registered twice`);
    this.entries.set(entry.name, entry as RegistryEntry<T, unknown, Context>);
    return this;
  }

  get names(): string[] {
    return [...this.entries.keys()];
  }

  has(name: string): boolean {
    return this.entries.has(name);
  }

  list(): RegistryEntry<T, unknown, Context>[] {
    return [...this.entries.values()];
  }

  entry(name: string): RegistryEntry<T, unknown, Context> {
    const entry = this.entries.get(name);
    if (!entry) throw new NascentError(`unknown ${this.kind} '${name}'${suggestion(name, this.names)} (expected one of ${this.names.join(", ")})`);
    return entry;
  }

  /** Builds `name` with `options` (checked against the entry's schema first). */
  create(name: string, options: Readonly<Record<string, Json>>, context: Context): T {
    const entry = this.entry(name);
    return entry.create(entry.options.parse(options, `${this.kind} '${name}'`), context);
  }
}

/** " (did you mean 'x'?)" for a name one or two edits from a valid one, or the start of one. */
export function suggestion(name: string, valid: readonly string[]): string {
  const prefixed = name.length >= 3 ? valid.filter((v) => v.toLowerCase().startsWith(name.toLowerCase())) : [];
  if (prefixed.length === 1) return ` (did you mean '${prefixed[0]}'?)`;
  let best: string | null = null;
  let bestDistance = 3;
  for (const candidate of valid) {
    const d = editDistance(name.toLowerCase(), candidate.toLowerCase());
    if (d < bestDistance) [best, bestDistance] = [candidate, d];
  }
  return best ? ` (did you mean '${best}'?)` : "";
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) row[j] = Math.min(previous[j] + 1, row[j - 1] + 1, previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    previous = row;
  }
  return previous[b.length];
}
