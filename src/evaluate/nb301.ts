import { readFileSync } from "node:fs";
import type { InferenceSession } from "onnxruntime-common";
import { dataPath } from "../core/data-path.js";
import { NascentError } from "../core/errors.js";
import { canonicalJson } from "../core/json.js";
import { onnxRuntime, type OnnxRuntime } from "./onnx-runtime.js";
import { nb301Space, toConfigSpace, type Nb301Config } from "../space/builtin/nb301.js";
import type { Space } from "../space/space.js";
import type { EvaluationContext, Evaluator, MetricInfo, Metrics } from "./evaluator.js";

export const NB301_MAX_EPOCH = 98;

/** ConfigSpace value codes per hyperparameter, in the model's input column order; `#na#` = inactive. */
type Encoding = Record<string, Record<string, number>>;

/**
 * `nb301`: the YAHPO Gym surrogate of NAS-Bench-301 (ONNX), predicting a DARTS architecture's validation
 * accuracy after a given number of epochs (the fidelity, 1..98).
 */
export class Nb301Evaluator implements Evaluator<Nb301Config> {
  readonly metrics: readonly MetricInfo[] = [
    { name: "accuracy", direction: "maximize", description: "predicted CIFAR-10 validation accuracy (0..1)" },
    { name: "val_cross_entropy", direction: "minimize", description: "predicted validation cross-entropy" },
    { name: "runtime_s", direction: "minimize", description: "predicted training time (s)" },
    { name: "epochs", direction: "minimize", description: "epochs trained (the fidelity spent)" },
  ];
  private readonly columns: string[];

  readonly maxStep: number | undefined;
  readonly name: string;

  private constructor(
    private readonly ort: OnnxRuntime,
    private readonly session: InferenceSession,
    private readonly encoding: Encoding,
    readonly epoch: number,
    /** Report the predicted accuracy after every epoch 1..epoch, so pruners can stop a trial early. */
    readonly curve: boolean,
  ) {
    this.columns = Object.keys(encoding);
    this.maxStep = curve ? epoch : undefined;
    this.name = curve ? "nb301:curve" : epoch === NB301_MAX_EPOCH ? "nb301" : `nb301:epoch=${epoch}`;
  }

  /** `runtime`: which ONNX Runtime build runs the surrogate (default: native when installed, else wasm). */
  static async load(epoch = NB301_MAX_EPOCH, curve = false, runtime?: OnnxRuntime): Promise<Nb301Evaluator> {
    if (!Number.isInteger(epoch) || epoch < 1 || epoch > NB301_MAX_EPOCH) {
      throw new NascentError(`nb301 epoch must be an integer from 1 to ${NB301_MAX_EPOCH}, got ${epoch}`);
    }
    const encoding = JSON.parse(readFileSync(dataPath("nb301", "encoding_v2.json"), "utf8")) as Encoding;
    const ort = runtime ?? (await onnxRuntime());
    const session = await ort.InferenceSession.create(dataPath("nb301", "model_v2.onnx"));
    return new Nb301Evaluator(ort, session, encoding, epoch, curve);
  }

  checkSpace(space: Space<unknown>): void {
    if (canonicalJson(space.toJson()) !== canonicalJson(nb301Space.toJson())) throw new NascentError("benchmark 'nb301' evaluates the DARTS space only; use --space nb301");
  }

  /** The surrogate's predictions for a batch of configs at one epoch. */
  async predict(configs: Nb301Config[], epoch = this.epoch): Promise<Metrics[]> {
    return this.predictAt(configs.map((config) => ({ config, epoch })));
  }

  /** One batched surrogate call for any (config, epoch) pairs. */
  private async predictAt(queries: { config: Nb301Config; epoch: number }[]): Promise<Metrics[]> {
    const codes = new Int32Array(queries.length * this.columns.length);
    queries.forEach(({ config }, row) => {
      const values = toConfigSpace(config);
      this.columns.forEach((column, c) => {
        codes[row * this.columns.length + c] = this.encoding[column][values[column] ?? "#na#"];
      });
    });
    const output = await this.session.run({
      x_cat: new this.ort.Tensor("int32", codes, [queries.length, this.columns.length]),
      x_cont: new this.ort.Tensor("float32", Float32Array.from(queries, (q) => q.epoch), [queries.length, 1]),
    });
    const data = output[this.session.outputNames[0]].data as Float32Array;
    const width = data.length / queries.length;
    return queries.map((q, row) => ({
      accuracy: data[row * width],
      val_cross_entropy: data[row * width + 1],
      runtime_s: data[row * width + 2],
      epochs: q.epoch,
    }));
  }

  async evaluate(config: Nb301Config, context: EvaluationContext): Promise<Metrics> {
    if (!this.curve) return (await this.predict([config]))[0];
    const epochs = Array.from({ length: this.epoch }, (_, i) => i + 1);
    const curve = await this.predictAt(epochs.map((epoch) => ({ config, epoch })));
    for (const metrics of curve) {
      await context.report(metrics.epochs, metrics.accuracy);
      if (context.shouldPrune()) return metrics;
    }
    return curve[curve.length - 1];
  }

  async close(): Promise<void> {
    await this.session.release();
  }
}
