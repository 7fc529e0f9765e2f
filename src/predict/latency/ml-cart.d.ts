// The part of ml-cart 2.1 (MIT, mljs; no bundled types) that the gradient-boosted latency predictor uses.
declare module "ml-cart" {
  export interface DecisionTreeRegressionOptions {
    maxDepth?: number;
    minNumSamples?: number;
  }
  export interface DecisionTreeRegressionJson {
    name: "DTRegression";
    options: Record<string, unknown>;
    root: unknown;
  }
  export class DecisionTreeRegression {
    constructor(options?: DecisionTreeRegressionOptions);
    train(x: number[][], y: number[]): void;
    predict(x: number[][]): number[];
    toJSON(): DecisionTreeRegressionJson;
    static load(model: DecisionTreeRegressionJson): DecisionTreeRegression;
  }
}
