import { NascentError } from "../../core/errors.js";
import type { NeatNetwork } from "../network.js";
import type { NeatEvaluation, NeatTask } from "../task.js";
import { CartPole, DOUBLE_POLE, SINGLE_POLE } from "./cart-pole.js";

export interface PoleBalancingOptions {
  poles: 1 | 2;
  /** With velocities the task is Markovian; without, the network needs recurrent memory. */
  velocities: boolean;
  /** Steps to balance for success: 100,000 (30 simulated minutes) in the literature. */
  steps?: number;
}

const SINGLE_POLE_FAILURE = (12 * Math.PI) / 180;
/** The long pole starts at 0.07 rad (about 4°), everything else at rest (Gomez & Miikkulainen 1999). */
const START = [0, 0, 0.07, 0, 0, 0];

function sense(cart: CartPole, velocities: boolean): number[] {
  const s = cart.state;
  const inputs = [s[0] / 4.8];
  if (velocities) inputs.push(s[1] / 2);
  for (let p = 0; p < cart.system.poles.length; p++) {
    inputs.push(s[2 + 2 * p] / 0.52);
    if (velocities) inputs.push(s[3 + 2 * p] / 2);
  }
  return inputs;
}

function balance(network: NeatNetwork, cart: CartPole, velocities: boolean, steps: number, failureAngle: number, onStep?: (cart: CartPole) => void): number {
  network.reset();
  let t = 0;
  while (t < steps) {
    cart.step(network.activate(sense(cart, velocities))[0]);
    if (cart.failed(failureAngle)) break;
    t++;
    onStep?.(cart);
  }
  return t;
}

/**
 * Gruau et al. 1996 fitness for double pole without velocities (used by NEAT, Sec. 4.3): over 1,000 steps,
 * 0.1·t/1000 + 0.9·0.75/Σ(|x| + |ẋ| + |θ1| + |θ̇1|) over the last 100 steps, the second term only when t > 100;
 * it rewards balancing without the "jiggling" that a network without velocities could use to cheat.
 */
function gruauFitness(network: NeatNetwork): number {
  const jiggle: number[] = [];
  const cart = new CartPole(DOUBLE_POLE, START);
  const t = balance(network, cart, false, 1000, Math.PI / 5, (c) => jiggle.push(Math.abs(c.state[0]) + Math.abs(c.state[1]) + Math.abs(c.state[2]) + Math.abs(c.state[3])));
  const f1 = t / 1000;
  const f2 = t > 100 ? 0.75 / jiggle.slice(-100).reduce((a, b) => a + b, 0) : 0;
  return 0.1 * f1 + 0.9 * f2;
}

/** Gruau's generalization test: of 625 start states, the network must balance at least 200 for 1,000 steps. */
export function generalizationScore(network: NeatNetwork, velocities: boolean): number {
  const levels = [0.05, 0.25, 0.5, 0.75, 0.95];
  let balanced = 0;
  for (const a of levels) for (const b of levels) for (const c of levels) for (const d of levels) {
    const cart = new CartPole(DOUBLE_POLE, [a * 4.32 - 2.16, b * 2.7 - 1.35, c * 0.12566304 - 0.06283152, d * 0.30019504 - 0.15009752, 0, 0]);
    if (balance(network, cart, velocities, 1000, Math.PI / 5) === 1000) balanced++;
  }
  return balanced;
}

/**
 * Pole balancing tasks of the NEAT paper (Sec. 4.3). Double pole: fail beyond ±2.4 m or ±36°, fitness
 * the steps balanced, solved at 100,000 steps; without velocities the fitness is Gruau's and a champion
 * must also balance 100,000 steps and pass the generalization test (>= 200 of 625 starts). Single pole:
 * fail beyond ±12°, same step criterion. The network's one output in [0, 1] is the force (0.5 = none).
 */
export function poleBalancingTask(options: PoleBalancingOptions): NeatTask {
  const steps = options.steps ?? 100_000;
  if (!(Number.isInteger(steps) && steps >= 1)) throw new NascentError(`pole balancing steps must be a positive integer, got ${steps}`);
  const system = options.poles === 2 ? DOUBLE_POLE : SINGLE_POLE;
  const failure = options.poles === 2 ? Math.PI / 5 : SINGLE_POLE_FAILURE;
  const inputs = (1 + system.poles.length) * (options.velocities ? 2 : 1);
  const name = `${options.poles === 2 ? "double" : "single"}-pole${options.velocities ? "" : "-nv"}`;
  const gruau = options.poles === 2 && !options.velocities;
  return {
    name,
    inputs,
    outputs: 1,
    recurrent: !options.velocities,
    evaluate(network: NeatNetwork): NeatEvaluation {
      if (gruau) {
        const fitness = gruauFitness(network);
        const solved = fitness > 0.1 && balance(network, new CartPole(system, START), false, steps, failure) === steps && generalizationScore(network, false) >= 200;
        return { fitness, solved };
      }
      const t = balance(network, new CartPole(system, START), options.velocities, steps, failure);
      return { fitness: t, solved: t === steps };
    },
  };
}
