/** The plain types layers and graphs share (no imports: the bottom of nn/). */

/** A tensor's shape without the batch axis: images [H, W, C], tokens [T, D], vectors [D]. */
export type Shape = readonly number[];

export type Init = "he" | "lecun" | "zeros" | "ones" | "normal02";

export interface ParamInfo {
  name: string;
  shape: number[];
  init: Init;
  /** Inputs feeding one output, for scaled initialisation. */
  fanIn: number;
}

export type Activation = "relu" | "relu6" | "hswish" | "hsigmoid" | "gelu" | "sigmoid";
