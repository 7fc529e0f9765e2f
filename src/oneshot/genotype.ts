import { NB201_OPS, nb201Space, type Nb201Config } from "../space/builtin/nb201.js";

/** NB201's genotype: the argmax op per edge of alpha [6][5] (Dong & Yang 2020, sec. 5). */
export function nb201Genotype(alpha: readonly (readonly number[])[]): Nb201Config {
  return { edges: alpha.map((row) => NB201_OPS[row.indexOf(Math.max(...row))]) };
}

/** The NB201 string key of a config, e.g. |nor_conv_3x3~0|+|...|, as the NB201 table is keyed. */
export const nb201Key = (config: Nb201Config): string => nb201Space.key(config);

export const configOfPaths = (paths: readonly (readonly number[])[]): Nb201Config => ({ edges: paths.map((p) => NB201_OPS[p[0]]) });
