import { InvalidArgumentError } from "commander";

/** A plain decimal number as people write it: `3`, `-0.5`, `1e-3`, `.25`; not `''`, `0x10`, `1_000`, `NaN` or `Infinity`. */
const DECIMAL = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

/** The finite number `text` spells in decimal, or null (where `Number()` would read `''` as 0 and `0x10` as 16). */
export function parseDecimal(text: string): number | null {
  const trimmed = text.trim();
  if (!DECIMAL.test(trimmed)) return null;
  const value = Number(trimmed);
  return Number.isFinite(value) ? value : null;
}

export function positiveInt(text: string): number {
  const value = parseDecimal(text);
  if (value === null || !Number.isSafeInteger(value) || value < 1) throw new InvalidArgumentError(`expected a positive integer, got '${text}'`);
  return value;
}

/** An image size `HxWxC` such as `32x32x3`, every dimension at least 1. */
export function imageShape(text: string): [number, number, number] {
  const match = /^([1-9]\d*)x([1-9]\d*)x([1-9]\d*)$/.exec(text.trim());
  if (!match) throw new InvalidArgumentError(`expected HxWxC with every size at least 1, such as 32x32x3, got '${text}'`);
  return [Number(match[1]), Number(match[2]), Number(match[3])];
}

export function integer(text: string): number {
  const value = parseDecimal(text);
  if (value === null || !Number.isSafeInteger(value)) throw new InvalidArgumentError(`expected an integer, got '${text}'`);
  return value;
}

export function positiveNumber(text: string): number {
  const value = parseDecimal(text);
  if (value === null || value <= 0) throw new InvalidArgumentError(`expected a positive number, got '${text}'`);
  return value;
}

export function nonNegativeNumber(text: string): number {
  const value = parseDecimal(text);
  if (value === null || value < 0) throw new InvalidArgumentError(`expected a number >= 0, got '${text}'`);
  return value;
}

/** Repeatable options collect into a list. */
export function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}
