import { ConfigError } from "../core/errors.js";
import { describe } from "../core/json.js";
import type { Rng } from "../core/rng.js";
import { checkFields, type InferShape, type ObjectSpace, type Shape, ObjectSpace as ObjectSpaceClass } from "./object.js";
import { Space, fieldPath, isPlainObject, type SpaceJson, type Suggest } from "./space.js";
import { registerSpaceKind } from "./kinds.js";

/** Each case is an object space; typed structurally so that any ObjectSpace<S> fits. */
type CaseSpace = Space<Record<string, unknown>> & { readonly fields: Shape };
type Cases = Record<string, CaseSpace>;
type CaseShape<C> = C extends ObjectSpace<infer S> ? InferShape<S> : never;

/** `{ [tag]: "sgd", momentum: number } | { [tag]: "adam", beta1: number }`: a tagged union of cases. */
export type InferBranch<Tag extends string, C extends Cases> = {
  [K in keyof C & string]: { [P in Tag]: K } & CaseShape<C[K]>;
}[keyof C & string];

type Tagged = Record<string, unknown>;

/**
 * A conditional sub-space: the `tag` field picks a case, and only that case's fields exist.
 * This is how a parameter is made active only for some values of its parent.
 */
export class BranchSpace<Tag extends string, C extends Cases> extends Space<InferBranch<Tag, C>> {
  readonly caseNames: (keyof C & string)[];

  constructor(
    readonly tag: Tag,
    readonly cases: C,
  ) {
    super();
    this.caseNames = Object.keys(cases);
    if (this.caseNames.length === 0) throw new ConfigError("", "a branch needs at least one case");
    for (const name of this.caseNames) {
      if (tag in cases[name].fields) throw new ConfigError(fieldPath(name, tag), `case '${name}' must not define the tag field '${tag}'`);
    }
  }

  private withTag(name: string, rest: unknown): InferBranch<Tag, C> {
    return { [this.tag]: name, ...(rest as object) } as InferBranch<Tag, C>;
  }

  private split(value: InferBranch<Tag, C>): [string, Tagged] {
    const { [this.tag]: name, ...rest } = value as Tagged;
    return [name as string, rest];
  }

  sample(rng: Rng): InferBranch<Tag, C> {
    const name = rng.pick(this.caseNames);
    return this.withTag(name, this.cases[name].sample(rng));
  }

  check(value: unknown, path: string): ConfigError | null {
    if (!isPlainObject(value)) return new ConfigError(path, `expected an object, got ${describe(value)}`, "invalid_type");
    const name = value[this.tag];
    if (typeof name !== "string" || !this.caseNames.includes(name)) {
      return new ConfigError(fieldPath(path, this.tag), `unknown case ${describe(name)} (expected one of ${this.caseNames.join(", ")})`, "invalid_value");
    }
    return checkFields(this.cases[name].fields, value, path, [this.tag]);
  }

  size(): number {
    return this.caseNames.reduce((n, name) => n + this.cases[name].size(), 0);
  }

  *enumerate(): Iterable<InferBranch<Tag, C>> {
    for (const name of this.caseNames) for (const rest of this.cases[name].enumerate()) yield this.withTag(name, rest);
  }

  defaultValue(): InferBranch<Tag, C> {
    const name = this.caseNames[0];
    return this.withTag(name, this.cases[name].defaultValue());
  }

  decisionCount(value: InferBranch<Tag, C>): number {
    const [name, rest] = this.split(value);
    return (this.caseNames.length > 1 ? 1 : 0) + this.cases[name].decisionCount(rest);
  }

  mutate(value: InferBranch<Tag, C>, rng: Rng): InferBranch<Tag, C> {
    const [name, rest] = this.split(value);
    const inner = this.cases[name].decisionCount(rest);
    const switchWeight = this.caseNames.length > 1 ? 1 : 0;
    if (inner + switchWeight === 0) return value;
    if (rng.weightedIndex([switchWeight, inner]) === 0) {
      const other = rng.pick(this.caseNames.filter((n) => n !== name));
      return this.withTag(other, this.cases[other].sample(rng));
    }
    return this.withTag(name, this.cases[name].mutate(rest, rng));
  }

  /** Parents of the same case are crossed inside it; otherwise the child is one parent whole. */
  crossover(a: InferBranch<Tag, C>, b: InferBranch<Tag, C>, rng: Rng): InferBranch<Tag, C> {
    const [nameA, restA] = this.split(a);
    const [nameB, restB] = this.split(b);
    if (nameA !== nameB) return rng.float() < 0.5 ? a : b;
    return this.withTag(nameA, this.cases[nameA].crossover(restA, restB, rng));
  }

  suggest(suggest: Suggest, path: string): InferBranch<Tag, C> {
    const name = suggest(fieldPath(path, this.tag), { kind: "categorical", choices: this.caseNames }) as string;
    return this.withTag(name, this.cases[name].suggest(suggest, path));
  }

  decisions(value: InferBranch<Tag, C>, path: string, out: Map<string, string | number | boolean>): void {
    const [name, rest] = this.split(value);
    out.set(fieldPath(path, this.tag), name);
    this.cases[name].decisions(rest, path, out);
  }

  neighbors(value: InferBranch<Tag, C>): InferBranch<Tag, C>[] {
    const [name, rest] = this.split(value);
    const switched = this.caseNames.filter((n) => n !== name).map((n) => this.withTag(n, this.cases[n].defaultValue()));
    const inner = this.cases[name].neighbors(rest).map((r) => this.withTag(name, r));
    return [...switched, ...inner];
  }

  encodingLength(): number {
    return this.caseNames.length + this.caseNames.reduce((n, name) => n + this.cases[name].encodingLength(), 0);
  }

  encodeInto(value: InferBranch<Tag, C> | undefined, out: number[]): void {
    const [active, rest] = value === undefined ? [undefined, undefined] : this.split(value);
    for (const name of this.caseNames) out.push(name === active ? 1 : 0);
    for (const name of this.caseNames) this.cases[name].encodeInto(name === active ? (rest) : undefined, out);
  }

  toJson(): SpaceJson {
    return { type: "branch", tag: this.tag, cases: Object.fromEntries(this.caseNames.map((n) => [n, this.cases[n].toJson()])) };
  }
}

registerSpaceKind({
  type: "branch",
  read(r) {
    const tag = r.text("tag");
    const cases = Object.fromEntries(
      Object.entries(r.record("cases")).map(([name, c]) => {
        const space = r.space(c, fieldPath(fieldPath(r.path, "cases"), name));
        if (!(space instanceof ObjectSpaceClass)) r.fail(`cases.${name}`, "each case must be an object space");
        return [name, space as ObjectSpace<Shape>];
      }),
    );
    return new BranchSpace(tag, cases);
  },
});
