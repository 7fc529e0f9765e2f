/** The built-in layer kinds: importing this module registers them. A new kind adds one line here. */
import "./activation.js";
import "./cell.js";
import "./cell-stack.js";
import "./containers.js";
import "./conv.js";
import "./dense.js";
import "./mixed.js";
import "./mixed-edge.js";
import "./norms.js";
import "./pool.js";
import "./squeeze-excite.js";
import "./transformer.js";

export type { ActivationLayer, Activation, DropoutLayer } from "./activation.js";
export type { CellEdge, CellLayer, ZeroLayer } from "./cell.js";
export type { CellStackLayer, StackCell, SubsampleLayer } from "./cell-stack.js";
export type { ConcatLayer, ResidualLayer, SequentialLayer } from "./containers.js";
export type { ConvLayer } from "./conv.js";
export type { DenseLayer } from "./dense.js";
export type { MixedLayer } from "./mixed.js";
export type { MixedEdgeLayer } from "./mixed-edge.js";
export type { BatchNormLayer, LayerNormLayer } from "./norms.js";
export type { FlattenLayer, GlobalPoolLayer, PoolLayer } from "./pool.js";
export type { ChannelShuffleLayer, SqueezeExciteLayer } from "./squeeze-excite.js";
export type { AttentionLayer, PatchEmbedLayer } from "./transformer.js";
