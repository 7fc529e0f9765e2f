import type { Rng } from "../core/rng.js";
import type { ConnectionGene, Genome } from "./genome.js";
import type { InnovationTracker } from "./innovation.js";

export interface WeightMutation {
  /** Chance that a weight, once the genome is chosen for weight mutation, is perturbed rather than reset. */
  perturbRate: number;
  /** Perturbation: weight += uniform(-power, power), or N(0, power²) when `gaussian`. */
  power: number;
  gaussian?: boolean;
  /** A reset weight is drawn uniformly from [-resetRange, resetRange]. */
  resetRange: number;
  /** Weights are kept within [-cap, cap]. */
  cap: number;
}

/** Weight mutation (Sec. 4.1): each weight perturbed with `perturbRate`, otherwise given a new random value. */
export function mutateWeights(genome: Genome, m: WeightMutation, rng: Rng): void {
  for (const c of genome.connections) {
    c.weight = rng.float() < m.perturbRate ? c.weight + (m.gaussian ? rng.normal() : rng.float() * 2 - 1) * m.power : (rng.float() * 2 - 1) * m.resetRange;
    c.weight = Math.max(-m.cap, Math.min(m.cap, c.weight));
  }
}

function insertSorted(connections: ConnectionGene[], gene: ConnectionGene): void {
  let at = connections.length;
  while (at > 0 && connections[at - 1].innovation > gene.innovation) at--;
  connections.splice(at, 0, gene);
}

/** Whether `to` already reaches `from` through enabled or disabled forward connections (a cycle if linked). */
function reaches(genome: Genome, start: number, target: number): boolean {
  const stack = [start];
  const seen = new Set<number>();
  while (stack.length) {
    const node = stack.pop() as number;
    if (node === target) return true;
    if (seen.has(node)) continue;
    seen.add(node);
    for (const c of genome.connections) if (!c.recurrent && c.from === node) stack.push(c.to);
  }
  return false;
}

/**
 * Add-connection mutation (Fig. 3, top): a new gene with a random weight between two unconnected nodes.
 * A link that would close a cycle is added as a recurrent connection when `allowRecurrent`, otherwise not.
 * Returns false when no new link was found in `attempts` draws.
 */
export function addConnection(genome: Genome, tracker: InnovationTracker, rng: Rng, options: { allowRecurrent: boolean; weightRange: number }, attempts = 20): boolean {
  const sources = genome.nodes;
  const targets = genome.nodes.filter((n) => n.kind === "hidden" || n.kind === "output");
  for (let attempt = 0; attempt < attempts; attempt++) {
    const from = rng.pick(sources).id;
    const to = rng.pick(targets).id;
    if (genome.connections.some((c) => c.from === from && c.to === to)) continue;
    const recurrent = from === to || reaches(genome, to, from);
    if (recurrent && !options.allowRecurrent) continue;
    const weight = (rng.float() * 2 - 1) * options.weightRange;
    insertSorted(genome.connections, { innovation: tracker.connection(from, to), from, to, weight, enabled: true, recurrent });
    return true;
  }
  return false;
}

/**
 * Add-node mutation (Fig. 3, bottom): an enabled connection is disabled and replaced by two; the one into
 * the new node gets weight 1 and the one out of it the old weight, so the network's function barely changes.
 * As in the NEAT C++ release, a link from the bias is never split (its new node would be a constant). In a
 * genome of fewer than `olderBelow` connection genes the split favours old links: the oldest candidate is
 * taken, each next one with probability 0.3 ("this encourages splitting to distribute evenly": the C++
 * release until July 2001, kept as addNodeMaxGenomeLength = 15 in ECJ's NEAT); above it the link is uniform.
 */
export function addNode(genome: Genome, tracker: InnovationTracker, rng: Rng, olderBelow = 0): boolean {
  const bias = new Set(genome.nodes.filter((n) => n.kind === "bias").map((n) => n.id));
  const candidates = genome.connections.filter((c) => c.enabled && !c.recurrent && !bias.has(c.from));
  if (candidates.length === 0) return false;
  let pick = 0;
  if (genome.connections.length < olderBelow) while (pick < candidates.length - 1 && rng.float() < 0.3) pick++;
  else pick = rng.int(0, candidates.length - 1);
  const old = candidates[pick];
  const split = tracker.split(old.innovation);
  if (genome.nodes.some((n) => n.id === split.node)) return false;
  old.enabled = false;
  genome.nodes.push({ id: split.node, kind: "hidden" });
  insertSorted(genome.connections, { innovation: split.into, from: old.from, to: split.node, weight: 1, enabled: true, recurrent: false });
  insertSorted(genome.connections, { innovation: split.out, from: split.node, to: old.to, weight: old.weight, enabled: true, recurrent: false });
  return true;
}
