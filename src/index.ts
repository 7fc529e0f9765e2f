export * as s from "./space/dsl.js";
export { Space, type Infer, type SpaceJson, type ParamSpec, type Suggest, DEFAULT_GRID_LIMIT } from "./space/space.js";
export { ChoiceSpace, type Primitive } from "./space/choice.js";
export { IntSpace, FloatSpace } from "./space/numeric.js";
export { ObjectSpace } from "./space/object.js";
export { RepeatSpace } from "./space/repeat.js";
export { BranchSpace } from "./space/branch.js";
export { EdgeCellSpace, type EdgeCellConfig } from "./space/edge-cell.js";
export { DartsCellSpace, type DartsCellConfig } from "./space/darts-cell.js";
export { spaceFromJson } from "./space/from-json.js";
export { nb201Space, NB201_OPS, type Nb201Config } from "./space/builtin/nb201.js";
export { nb301Space, DARTS_OPS, toConfigSpace, fromConfigSpace, type Nb301Config } from "./space/builtin/nb301.js";
export { resolveSpace, BUILTIN_SPACES } from "./space/builtin/index.js";

export type { Strategy, StrategyContext, Proposal, TrialView, TrialState } from "./strategy/strategy.js";
export { SearchExhausted } from "./strategy/strategy.js";
export { randomSearch } from "./strategy/random.js";
export { gridSearch } from "./strategy/grid.js";
export { regularizedEvolution } from "./strategy/evolution.js";
export { localSearch } from "./strategy/local-search.js";
export { nsga2 } from "./strategy/nsga2.js";
export { tpe } from "./strategy/tpe.js";
export { gpBayesianOptimization } from "./strategy/gp-bo.js";
export { bananas } from "./strategy/bananas.js";
export { reinforce, ppo } from "./strategy/policy-gradient.js";
export { pathEncoding, predictorEncoding } from "./space/path-encoding.js";
export { resolveStrategy, STRATEGY_NAMES } from "./strategy/registry.js";

export type { Evaluator, EvaluationContext, Metrics, MetricInfo, Direction } from "./evaluate/evaluator.js";
export { nb201Benchmark, csvBenchmark } from "./evaluate/nb201.js";
export { Nb301Evaluator } from "./evaluate/nb301.js";
export { resolveBenchmark } from "./evaluate/registry.js";

export { Study, type StudyOptions, type AskedTrial, type OptimizeOptions, type TellResult } from "./study/study.js";
export { medianPruner, noPruning, type Pruner } from "./study/pruner.js";
export { successiveHalvingPruner, hyperbandPruner } from "./study/successive-halving.js";
export { resolvePruner, PRUNER_NAMES } from "./study/pruner-registry.js";
export { bohb } from "./strategy/bohb.js";
export { paretoFront, bestTrial, dominates, parseConstraint, parseObjective } from "./study/objectives.js";
export { hypervolume, nondominatedFronts, crowdingDistances, constrainedDominates } from "./study/pareto.js";

export type { Storage, StudySpec, TrialRecord, ObjectiveSpec, ConstraintSpec } from "./storage/storage.js";
export { MemoryStorage } from "./storage/memory.js";
export { SqliteStorage } from "./storage/sqlite.js";
export { openStorage, DEFAULT_STORAGE } from "./storage/open.js";

export { Rng } from "./util/rng.js";
export { NascentError, ConfigError, TrialsKeepFailing } from "./util/errors.js";

export { TrainEvaluator, TRAIN_DATASETS, type TrainEvaluatorOptions } from "./evaluate/train.js";
export { CommandEvaluator, type CommandEvaluatorOptions } from "./evaluate/command.js";
export { mobilenetSpace, vitSpace, type MobilenetConfig, type VitConfig } from "./space/builtin/macro.js";
export type { Layer, Shape } from "./nn/layers.js";
export { countCost, describeParams } from "./nn/layers.js";
export * as blocks from "./nn/blocks.js";
export { buildNetwork, NETWORK_BUILDERS, type BuiltNetwork } from "./nn/builders/index.js";
export { trainNetwork, type TrainOptions, type TrainResult } from "./nn/trainer.js";
export { saveCheckpoint, loadCheckpoint, type Checkpoint } from "./nn/checkpoint.js";
export { loadFashionMnist } from "./nn/data/fashion-mnist.js";
export { syntheticSplits, type ImageDataset, type DataSplits } from "./nn/data/dataset.js";
export { loadEngine, engineStatus, type Engine, type Model, type Weights, type HostTensor, type EngineStatus } from "./nn/engine/index.js";
export { lowerNetwork } from "./nn/graph/lower.js";
export type { Graph, GraphNode, Primitive as GraphPrimitive } from "./nn/graph/graph.js";
export { registerKind, type LayerKind, type LayerKinds } from "./nn/layers.js";
