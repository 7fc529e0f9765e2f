import type { EvaluationContext, Evaluator, Metrics, MetricInfo } from "../evaluate/evaluator.js";
import { shuffledIndices, subset, type DataSplits } from "../nn/data/dataset.js";
import { loadFashionMnist } from "../nn/data/fashion-mnist.js";
import type { Engine, Weights } from "../nn/engine/engine.js";
import { loadEngine } from "../nn/engine/index.js";
import { EdgeCellSpace } from "../space/edge-cell.js";
import { nb201Space } from "../space/builtin/nb201.js";
import type { Space } from "../space/space.js";
import { NascentError } from "../core/errors.js";
import { canonicalJson } from "../core/json.js";
import { searchLayout } from "./search.js";
import { supernetAccuracy } from "./supernet-accuracy.js";
import { loadSearchState } from "./state.js";
import { SupernetRunner } from "./supernet.js";

/**
 * `--evaluator supernet:DIR`: a trained supernet (a `nascent oneshot` checkpoint directory) as an
 * evaluator, so any strategy can search it. Each config is scored with the weights it inherits: BatchNorm
 * statistics recomputed on `calibrationBatches` training batches for that subnet (SPOS, Guo et al. 2020),
 * then top-1 accuracy on the first `images` validation images. The supernet, the data and the compiled
 * graphs stay in this process across trials: no process and no weight loading per trial.
 */
export class SupernetEvaluator implements Evaluator {
  readonly metrics: readonly MetricInfo[] = [{ name: "supernetAccuracy", direction: "maximize", description: "validation accuracy of the subnet with inherited weights, BatchNorm recalibrated" }];

  private constructor(
    readonly name: string,
    private readonly runner: SupernetRunner,
    private readonly weights: Weights,
    private readonly data: DataSplits,
    private readonly images: number,
    private readonly calibrationBatches: number,
    private readonly batchSize: number,
  ) {}

  static async open(dir: string, options: { engine?: Engine; images?: number; calibrationBatches?: number; batchSize?: number } = {}): Promise<SupernetEvaluator> {
    const saved = loadSearchState(dir);
    if (!saved) throw new NascentError(`--evaluator supernet:${dir}: no saved supernet there (run 'nascent oneshot --checkpoint-dir ${dir}' first)`);
    if (!saved.supernet.dataset.startsWith("fashion-mnist")) throw new NascentError(`--evaluator supernet:${dir}: trained on '${saved.supernet.dataset}'; only Fashion-MNIST supernets can be evaluated`);
    const data = loadFashionMnist({ trainLimit: saved.supernet.trainImages });
    const layout = searchLayout({ space: saved.supernet.space ?? "nb201", channels: saved.supernet.channels, cellsPerStage: saved.supernet.cellsPerStage }, data.train);
    const runner = new SupernetRunner(options.engine ?? (await loadEngine()), layout);
    return new SupernetEvaluator(`supernet:${dir}`, runner, saved.weights, data, options.images ?? 1000, options.calibrationBatches ?? 4, options.batchSize ?? 64);
  }

  checkSpace(space: Space<unknown>): void {
    const { layout } = this.runner;
    const fits = layout.space === "nb201" ? space instanceof EdgeCellSpace && space.nodes === 4 && nb201Space.ops.every((op, i) => space.ops[i] === op) : canonicalJson(space.toJson()) === canonicalJson(layout.configSpace.toJson());
    if (!fits) throw new NascentError(`evaluator '${this.name}' holds a ${layout.space} supernet; use --space ${layout.space}`);
  }

  async evaluate(config: unknown, context: EvaluationContext): Promise<Metrics> {
    const paths = this.runner.layout.pathsOf(config);
    const train = this.data.train;
    const order = shuffledIndices(train.count, context.rng.fork("calibration"));
    // A small training set gives fewer (or smaller) calibration batches rather than empty ones.
    const size = Math.min(this.batchSize, train.count);
    const count = Math.max(1, Math.min(this.calibrationBatches, Math.floor(train.count / size)));
    const batches = Array.from({ length: count }, (_, b) => subset(train, order.subarray(b * size, (b + 1) * size)).images);
    const calibrated = await this.runner.recalibrate(this.weights, paths, batches, size);
    const held = subset(this.data.validation, Array.from({ length: Math.min(this.images, this.data.validation.count) }, (_, i) => i));
    return { supernetAccuracy: await supernetAccuracy(this.runner, calibrated, { paths, w: paths.map(() => [1]), probe: false }, held, false) };
  }

  async close(): Promise<void> {
    this.runner.dispose();
  }
}
