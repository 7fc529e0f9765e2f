import type { OfaConfig } from "./network.js";

/**
 * Eight sub-networks from the smallest to the largest, each a step up in one or two elastic dimensions
 * (the same choice in every stage): the configs the supernet is compared on against training from scratch.
 */
export function subnetLadder(): OfaConfig[] {
  const rungs: [number, number, number, number][] = [
    [0.75, 3, 3, 2],
    [0.75, 3, 4, 2],
    [0.875, 5, 4, 2],
    [0.875, 5, 4, 3],
    [1, 5, 6, 3],
    [1, 7, 4, 3],
    [1, 7, 6, 3],
    [1, 7, 6, 4],
  ];
  return rungs.map(([resolution, kernel, expand, depth]) => ({ resolution, stages: [0, 1, 2, 3].map(() => ({ kernel, expand, depth })) }));
}
