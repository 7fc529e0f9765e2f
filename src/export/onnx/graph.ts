import onnxProto from "onnx-proto";

const { onnx } = onnxProto;
type NodeProto = InstanceType<typeof onnx.NodeProto>;
type TensorProto = InstanceType<typeof onnx.TensorProto>;

/** An attribute value: numbers become INT (integers) or FLOAT, arrays INTS; use `floatAttr` to force a float. */
export type AttributeValue = number | number[] | string | { float: number };
export const floatAttr = (value: number) => ({ float: value });

/** The ONNX operator set the exporter writes (17: LayerNormalization; ReduceMean still takes axes as an attribute). */
export const OPSET = 17;

function attribute(name: string, value: AttributeValue) {
  const type = onnx.AttributeProto.AttributeType;
  if (typeof value === "string") return onnx.AttributeProto.create({ name, type: type.STRING, s: new TextEncoder().encode(value) });
  if (Array.isArray(value)) return onnx.AttributeProto.create({ name, type: type.INTS, ints: value });
  if (typeof value === "object") return onnx.AttributeProto.create({ name, type: type.FLOAT, f: value.float });
  return Number.isInteger(value) ? onnx.AttributeProto.create({ name, type: type.INT, i: value }) : onnx.AttributeProto.create({ name, type: type.FLOAT, f: value });
}

/** Builds one ONNX graph: nodes in topological order, initializers (weights, constants) and unique value names. */
export class GraphBuilder {
  private readonly nodes: NodeProto[] = [];
  private readonly initializers: TensorProto[] = [];
  private readonly used = new Map<string, number>();

  /** A fresh value name starting with `hint`. */
  name(hint: string): string {
    const base = hint.replace(/[^A-Za-z0-9_.]/g, "_") || "v";
    const count = this.used.get(base) ?? 0;
    this.used.set(base, count + 1);
    return count === 0 ? base : `${base}_${count}`;
  }

  /** Adds a node and returns its (first) output's name. */
  op(type: string, inputs: string[], attributes: Record<string, AttributeValue> = {}, hint = type.toLowerCase()): string {
    const output = this.name(hint);
    this.nodes.push(
      onnx.NodeProto.create({ opType: type, input: inputs, output: [output], name: this.name(`${hint}_node`), attribute: Object.entries(attributes).map(([k, v]) => attribute(k, v)) }),
    );
    return output;
  }

  /** A float32 initializer (weights), row-major. */
  floats(hint: string, dims: number[], values: Float32Array): string {
    const expected = dims.reduce((a, b) => a * b, 1);
    if (values.length !== expected) throw new Error(`ONNX initializer '${hint}': ${values.length} values for dims [${dims.join(", ")}]`);
    const name = this.name(hint);
    const bytes = new Uint8Array(values.buffer.slice(values.byteOffset, values.byteOffset + values.byteLength));
    this.initializers.push(onnx.TensorProto.create({ name, dims, dataType: onnx.TensorProto.DataType.FLOAT, rawData: bytes }));
    return name;
  }

  /** An int64 initializer (shapes, axes). */
  ints(hint: string, values: number[]): string {
    const name = this.name(hint);
    const data = new BigInt64Array(values.map(BigInt));
    this.initializers.push(onnx.TensorProto.create({ name, dims: [values.length], dataType: onnx.TensorProto.DataType.INT64, rawData: new Uint8Array(data.buffer) }));
    return name;
  }

  scalar(hint: string, value: number): string {
    return this.floats(hint, [], Float32Array.of(value));
  }

  /** The serialised model: one float32 input [batch, ...inputShape] and one output [batch, ...outputShape]. */
  encode(input: { name: string; shape: readonly number[] }, output: { name: string; shape: readonly number[] }, docString: string): Uint8Array {
    const valueInfo = (name: string, shape: readonly number[]) =>
      onnx.ValueInfoProto.create({
        name,
        type: onnx.TypeProto.create({
          tensorType: onnx.TypeProto.Tensor.create({
            elemType: onnx.TensorProto.DataType.FLOAT,
            shape: onnx.TensorShapeProto.create({ dim: [onnx.TensorShapeProto.Dimension.create({ dimParam: "batch" }), ...shape.map((d) => onnx.TensorShapeProto.Dimension.create({ dimValue: d }))] }),
          }),
        }),
      });
    const graph = onnx.GraphProto.create({ name: "nascent", node: this.nodes, initializer: this.initializers, input: [valueInfo(input.name, input.shape)], output: [valueInfo(output.name, output.shape)] });
    const model = onnx.ModelProto.create({ irVersion: 8, producerName: "nascent", docString, opsetImport: [onnx.OperatorSetIdProto.create({ domain: "", version: OPSET })], graph });
    return onnx.ModelProto.encode(model).finish();
  }
}
