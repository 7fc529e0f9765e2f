import { NascentError } from "../../core/errors.js";
import type { NeatTask } from "../task.js";
import { poleBalancingTask } from "./pole-balancing.js";
import { xorTask } from "./xor.js";

/** The tasks shipped with NEAT, by CLI name. */
export const NEAT_TASKS: Record<string, () => NeatTask> = {
  xor: xorTask,
  "single-pole": () => poleBalancingTask({ poles: 1, velocities: true }),
  "single-pole-nv": () => poleBalancingTask({ poles: 1, velocities: false }),
  "double-pole": () => poleBalancingTask({ poles: 2, velocities: true }),
  "double-pole-nv": () => poleBalancingTask({ poles: 2, velocities: false }),
};

export function neatTask(name: string): NeatTask {
  const make = NEAT_TASKS[name];
  if (!make) throw new NascentError(`unknown NEAT task '${name}' (expected one of ${Object.keys(NEAT_TASKS).join(", ")})`);
  return make();
}
