import { InvalidArgumentError } from "commander";

export function positiveInt(text: string): number {
  const value = Number(text);
  if (!Number.isSafeInteger(value) || value < 1) throw new InvalidArgumentError(`expected a positive integer, got '${text}'`);
  return value;
}

export function integer(text: string): number {
  const value = Number(text);
  if (!Number.isSafeInteger(value)) throw new InvalidArgumentError(`expected an integer, got '${text}'`);
  return value;
}

export function positiveNumber(text: string): number {
  const value = Number(text);
  if (!Number.isFinite(value) || value <= 0) throw new InvalidArgumentError(`expected a positive number, got '${text}'`);
  return value;
}

/** Repeatable options collect into a list. */
export function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

/** `key=number` pairs, e.g. strategy options `--option population=50`. */
export function numericOptions(pairs: string[]): Record<string, number> {
  return Object.fromEntries(
    pairs.map((pair) => {
      const match = /^([A-Za-z][A-Za-z0-9_]*)=(.+)$/.exec(pair);
      if (!match || !Number.isFinite(Number(match[2]))) throw new InvalidArgumentError(`expected key=number, got '${pair}'`);
      return [match[1], Number(match[2])];
    }),
  );
}
