/**
 * A typed custom space, searched with ask/tell: the config type is inferred from the space, and the
 * study (in SQLite) can be resumed or inspected with the CLI afterwards.
 *
 *   npm run build && node dist/examples/custom-space.js
 */
import { Study, openStorage, regularizedEvolution, s } from "../src/index.js";

const space = s.object({
  stages: s.repeat(s.object({ kernel: s.choice([3, 5, 7]), expand: s.choice([3, 4, 6]), depth: s.int(2, 4) }), { min: 3, max: 5 }),
  width: s.float(0.5, 1.5),
  resolution: s.choice([160, 192, 224]),
});
type Config = s.Infer<typeof space>; // { stages: { kernel: 3 | 5 | 7; expand: 3 | 4 | 6; depth: number }[]; width: number; resolution: 160 | 192 | 224 }

/** Multiply-adds (millions) of the inverted-bottleneck network the config describes: the user's own cost model. */
function macs(config: Config): number {
  let channels = 16 * config.width;
  let pixels = (config.resolution / 2) ** 2;
  let total = 0;
  for (const stage of config.stages) {
    const out = channels * 2;
    for (let block = 0; block < stage.depth; block++) {
      const hidden = channels * stage.expand;
      total += pixels * (channels * hidden + hidden * stage.kernel ** 2 + hidden * out);
      channels = out;
    }
    pixels /= 4;
  }
  return total / 1e6;
}

const storage = openStorage("sqlite:./examples.db");
const study = await Study.open({
  storage,
  name: `custom-space-${Date.now()}`,
  space,
  strategy: regularizedEvolution({ population: 20, tournament: 5 }),
  objectives: [{ metric: "macs_gap", direction: "minimize" }],
  seed: 1,
});
// Find the network whose cost is closest to a 300M-MAC budget.
for (let i = 0; i < 200; i++) {
  const trial = (await study.ask())!;
  await study.tell(trial.number, { macs_gap: Math.abs(macs(trial.config) - 300) });
}
const best = (await study.bestTrial())!;
console.log(`best of ${(await study.trials()).length} trials: ${macs(best.config as Config).toFixed(1)}M MACs`, JSON.stringify(best.config));
console.log(`inspect it: npx nascent trials --storage sqlite:./examples.db --study ${study.name}`);
await storage.close();
