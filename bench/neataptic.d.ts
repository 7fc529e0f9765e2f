// The part of neataptic 1.4 (MIT, no bundled types) that bench/neat.ts uses.
declare module "neataptic" {
  export interface NeatapticNetwork {
    noTraceActivate(input: number[]): number[];
    clear(): void;
    nodes: unknown[];
    score?: number;
  }
  export class Neat {
    constructor(input: number, output: number, fitness: (network: NeatapticNetwork) => number, options: Record<string, unknown>);
    evolve(): Promise<NeatapticNetwork>;
    generation: number;
  }
  export const methods: { mutation: Record<string, unknown> };
  const neataptic: { Neat: typeof Neat; methods: typeof methods };
  export default neataptic;
}
