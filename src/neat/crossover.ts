import type { Rng } from "../core/rng.js";
import type { ConnectionGene, Genome } from "./genome.js";

/**
 * Crossover (Sec. 3.2, Fig. 4). Genes line up by innovation number; the child takes the fitter parent's
 * genes, and for each matching gene the weight of a parent chosen at random. A gene disabled in either
 * parent is disabled in the child with probability `disableRate` (0.75 in the paper). Keeping the fitter
 * parent's structure means every child is a topology that was already valid (no new cycles).
 */
export function crossover(fitter: Genome, other: Genome, rng: Rng, disableRate: number): Genome {
  const otherGenes = new Map<number, ConnectionGene>(other.connections.map((c) => [c.innovation, c]));
  const connections = fitter.connections.map((gene) => {
    const match = otherGenes.get(gene.innovation);
    if (!match) return { ...gene };
    const weight = rng.float() < 0.5 ? gene.weight : match.weight;
    const eitherDisabled = !gene.enabled || !match.enabled;
    return { ...gene, weight, enabled: eitherDisabled ? rng.float() >= disableRate : true };
  });
  return { nodes: fitter.nodes.slice(), connections };
}
