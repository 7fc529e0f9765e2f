import type { NeatNetwork } from "../network.js";
import type { NeatEvaluation, NeatTask } from "../task.js";

const CASES: readonly (readonly [number, number, number])[] = [
  [0, 0, 0],
  [0, 1, 1],
  [1, 0, 1],
  [1, 1, 0],
];

/**
 * XOR (Stanley & Miikkulainen 2002, Sec. 4.2): fitness (4 - Σ|output - target|)², so 16 is perfect;
 * solved when every output is on the right side of 0.5.
 */
export function xorTask(): NeatTask {
  return {
    name: "xor",
    inputs: 2,
    outputs: 1,
    recurrent: false,
    evaluate(network: NeatNetwork): NeatEvaluation {
      let error = 0;
      let solved = true;
      for (const [a, b, target] of CASES) {
        network.reset();
        const [out] = network.activate([a, b]);
        error += Math.abs(out - target);
        if (out >= 0.5 !== (target === 1)) solved = false;
      }
      return { fitness: (4 - error) ** 2, solved };
    },
  };
}
