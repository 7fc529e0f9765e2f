import type { NeatNetwork } from "./network.js";

export interface NeatEvaluation {
  /** Non-negative, higher is better (fitness sharing divides it). */
  fitness: number;
  /** Whether this network meets the task's success criterion. */
  solved: boolean;
}

/** A problem a NEAT network is run on directly; `evaluate` resets the network before use. */
export interface NeatTask {
  readonly name: string;
  readonly inputs: number;
  readonly outputs: number;
  /** Whether the task needs memory (recurrent connections), e.g. pole balancing without velocities. */
  readonly recurrent: boolean;
  evaluate(network: NeatNetwork): NeatEvaluation;
}
