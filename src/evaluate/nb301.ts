import { readFileSync } from "node:fs";
import ort from "onnxruntime-node";
import { dataPath } from "../util/data-path.js";
import { NascentError } from "../util/errors.js";
import { canonicalJson } from "../util/json.js";
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
export class Nb301Evaluator implements Evaluator {
  readonly name = "nb301";
  readonly metrics: readonly MetricInfo[] = [
    { name: "accuracy", direction: "maximize", description: "predicted CIFAR-10 validation accuracy (0..1)" },
    { name: "val_cross_entropy", direction: "minimize", description: "predicted validation cross-entropy" },
    { name: "runtime_s", direction: "minimize", description: "predicted training time (s)" },
  ];
  private readonly columns: string[];

  private constructor(
    private readonly session: ort.InferenceSession,
    private readonly encoding: Encoding,
    readonly epoch: number,
  ) {
    this.columns = Object.keys(encoding);
  }

  static async load(epoch = NB301_MAX_EPOCH): Promise<Nb301Evaluator> {
    if (!Number.isInteger(epoch) || epoch < 1 || epoch > NB301_MAX_EPOCH) {
      throw new NascentError(`nb301 epoch must be an integer from 1 to ${NB301_MAX_EPOCH}, got ${epoch}`);
    }
    const encoding = JSON.parse(readFileSync(dataPath("nb301", "encoding_v2.json"), "utf8")) as Encoding;
    const session = await ort.InferenceSession.create(dataPath("nb301", "model_v2.onnx"));
    return new Nb301Evaluator(session, encoding, epoch);
  }

  checkSpace(space: Space<unknown>): void {
    if (canonicalJson(space.toJson()) !== canonicalJson(nb301Space.toJson())) throw new NascentError("benchmark 'nb301' evaluates the DARTS space only; use --space nb301");
  }

  /** The surrogate's predictions for a batch of configs at one epoch. */
  async predict(configs: Nb301Config[], epoch = this.epoch): Promise<Metrics[]> {
    const codes = new Int32Array(configs.length * this.columns.length);
    configs.forEach((config, row) => {
      const values = toConfigSpace(config);
      this.columns.forEach((column, c) => {
        codes[row * this.columns.length + c] = this.encoding[column][values[column] ?? "#na#"];
      });
    });
    const output = await this.session.run({
      x_cat: new ort.Tensor("int32", codes, [configs.length, this.columns.length]),
      x_cont: new ort.Tensor("float32", new Float32Array(configs.length).fill(epoch), [configs.length, 1]),
    });
    const data = output[this.session.outputNames[0]].data as Float32Array;
    const width = data.length / configs.length;
    return configs.map((_, row) => ({
      accuracy: data[row * width],
      val_cross_entropy: data[row * width + 1],
      runtime_s: data[row * width + 2],
    }));
  }

  async evaluate(config: unknown, _context: EvaluationContext): Promise<Metrics> {
    const [metrics] = await this.predict([config as Nb301Config]);
    return metrics;
  }

  async close(): Promise<void> {
    await this.session.release();
  }
}
