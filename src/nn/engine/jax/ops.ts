import { jax as engine, type Tensor } from "./load.js";

/**
 * Convolution and pooling written for jax-js's wasm backend, NHWC. `lax.conv` trains about 100x slower than
 * PyTorch here; what is fast is a sum of matmuls over shifted views of the input (one per kernel tap), which
 * `jit` fuses, and plain broadcast multiplies where a tap's matmul would be tiny (depthwise, 1-3 input channels).
 * Every function takes ownership of its tensor arguments (jax-js reference counting).
 */

export interface Window {
  kernel: number;
  stride: number;
  dilation: number;
  /** Padding before the first row/column. */
  padding: number;
  outHeight: number;
  outWidth: number;
}

export function sameWindow(height: number, width: number, kernel: number, stride = 1, dilation = 1): Window {
  return { kernel, stride, dilation, padding: (dilation * (kernel - 1)) >> 1, outHeight: Math.ceil(height / stride), outWidth: Math.ceil(width / stride) };
}

/** Pads so that every tap of every output exists and the padded size divides by the stride. */
function paddedExtent(size: number, out: number, window: Window): [number, number] {
  const needed = (out - 1) * window.stride + (window.kernel - 1) * window.dilation + 1;
  const total = Math.ceil(Math.max(needed, size + window.padding) / window.stride) * window.stride;
  return [window.padding, total - size - window.padding];
}

/**
 * The k*k shifted (and strided) views of x that a kxk window reads: view t holds, for every output pixel,
 * the input pixel under tap t. Strides come from a reshape (jax-js has no strided slices). `fill` is added
 * to the padding (e.g. -1e30 for max pooling). Consumes x.
 */
export function windowTaps(x: Tensor, window: Window, fill = 0): Tensor[] {
  const { np } = { np: engine().numpy };
  const [n, h, w, c] = x.shape;
  const [top, bottom] = paddedExtent(h, window.outHeight, window);
  const [left, right] = paddedExtent(w, window.outWidth, window);
  let padded = top || bottom || left || right ? np.pad(x, [[0, 0], [top, bottom], [left, right], [0, 0]]) : x;
  if (fill !== 0 && (top || bottom || left || right)) padded = padded.add(paddingMask(h, w, top, bottom, left, right, fill));
  if (padded !== x) padded = materialize(padded);
  const s = window.stride;
  const hp = h + top + bottom;
  const wp = w + left + right;
  const grid = s === 1 ? padded : padded.reshape([n, hp / s, s, wp / s, s, c]);
  const taps: Tensor[] = [];
  for (let ky = 0; ky < window.kernel; ky++) {
    for (let kx = 0; kx < window.kernel; kx++) {
      const oy = ky * window.dilation;
      const ox = kx * window.dilation;
      if (s === 1) {
        taps.push(grid.ref.slice([], [oy, oy + window.outHeight], [ox, ox + window.outWidth], []));
      } else {
        const y0 = Math.floor(oy / s);
        const x0 = Math.floor(ox / s);
        taps.push(grid.ref.slice([], [y0, y0 + window.outHeight], oy % s, [x0, x0 + window.outWidth], ox % s, []));
      }
    }
  }
  grid.dispose();
  return taps;
}

/**
 * Forces jax-js's jit to write a tensor out instead of fusing it into its consumers: a padded view fused
 * into k*k tap reads costs a bounds check per read, 2-3x slower than reading a stored padded copy. A sum
 * over a new unit axis is a reduction, which the fuser always materialises.
 */
function materialize(x: Tensor): Tensor {
  return x.reshape([...x.shape, 1]).sum(x.ndim);
}

function paddingMask(h: number, w: number, top: number, bottom: number, left: number, right: number, fill: number): Tensor {
  const hp = h + top + bottom;
  const wp = w + left + right;
  const mask = new Float32Array(hp * wp);
  for (let y = 0; y < hp; y++) for (let x = 0; x < wp; x++) if (y < top || y >= top + h || x < left || x >= left + w) mask[y * wp + x] = fill;
  return engine().numpy.array(mask).reshape([1, hp, wp, 1]);
}

const sum = (terms: Tensor[]): Tensor => terms.reduce((total, term) => total.add(term));

/** 2-D convolution, "same" padding. w: [k*k, C/groups, O] (tap-major). Consumes x and w. */
export function conv2d(x: Tensor, w: Tensor, options: { stride?: number; dilation?: number; groups?: number } = {}): Tensor {
  const np = engine().numpy;
  const [n, h, wd, c] = x.shape;
  const [taps, perGroup, out] = w.shape;
  const kernel = Math.round(Math.sqrt(taps));
  const groups = options.groups ?? 1;
  const window = sameWindow(h, wd, kernel, options.stride ?? 1, options.dilation ?? 1);
  const views = kernel === 1 && window.stride === 1 ? [x] : windowTaps(x, window);
  const pixels = n * window.outHeight * window.outWidth;
  const outShape = [n, window.outHeight, window.outWidth, out];
  let result: Tensor;
  if (groups === c && out === c) {
    // Depthwise: one broadcast multiply per tap.
    result = sum(views.map((view, t) => view.mul(w.ref.slice(t, 0))));
  } else if (groups === 1 && c <= 3) {
    // A stem on 1-3 channels: a matmul with K = c would waste the kernel; broadcast multiplies fuse instead.
    result = sum(views.flatMap((view, t) => Array.from({ length: c }, (_, ci) => view.ref.slice([], [], [], [ci, ci + 1]).mul(w.ref.slice(t, ci)))));
    views.forEach((view) => view.dispose());
  } else if (groups === 1) {
    result = sum(views.map((view, t) => np.matmul(view.reshape([pixels, c]), w.ref.slice(t)))).reshape(outShape);
  } else {
    // Grouped: a batched matmul over groups, output channels group-major as in PyTorch.
    const cg = c / groups;
    const og = out / groups;
    const terms = views.map((view, t) => {
      const lhs = view.reshape([pixels, groups, cg]).transpose([1, 0, 2]);
      const rhs = w.ref.slice(t).reshape([cg, groups, og]).transpose([1, 0, 2]);
      return np.matmul(lhs, rhs);
    });
    result = sum(terms).transpose([1, 0, 2]).reshape(outShape);
  }
  w.dispose();
  return result;
}

/** Max or average pooling; average pooling divides by the number of real (unpadded) pixels. */
export function pool2d(x: Tensor, op: "max" | "avg", kernel: number, stride: number, padding: number): Tensor {
  const np = engine().numpy;
  const [, h, w] = x.shape;
  const window: Window = {
    kernel,
    stride,
    dilation: 1,
    padding,
    outHeight: Math.floor((h + 2 * padding - kernel) / stride) + 1,
    outWidth: Math.floor((w + 2 * padding - kernel) / stride) + 1,
  };
  const views = windowTaps(x, window, op === "max" ? -1e30 : 0);
  if (op === "max") return views.reduce((a, b) => np.maximum(a, b));
  return sum(views).mul(inverseCounts(h, w, window));
}

function inverseCounts(h: number, w: number, window: Window): Tensor {
  const counts = new Float32Array(window.outHeight * window.outWidth);
  const covered = (out: number, size: number) => {
    const start = out * window.stride - window.padding;
    return Math.min(start + window.kernel, size) - Math.max(start, 0);
  };
  for (let y = 0; y < window.outHeight; y++) for (let x = 0; x < window.outWidth; x++) counts[y * window.outWidth + x] = 1 / (covered(y, h) * covered(x, w));
  return engine().numpy.array(counts).reshape([1, window.outHeight, window.outWidth, 1]);
}

/** x [..., D] times w [D, O] plus b. */
export function dense(x: Tensor, w: Tensor, b: Tensor | undefined): Tensor {
  const np = engine().numpy;
  const shape = x.shape;
  const out = w.shape[1];
  const rows = shape.slice(0, -1).reduce((a, v) => a * v, 1);
  const y = np.matmul(x.reshape([rows, shape.at(-1) as number]), w);
  return (b ? y.add(b) : y).reshape([...shape.slice(0, -1), out]);
}

export const BATCH_NORM_EPSILON = 1e-5;
export const BATCH_NORM_MOMENTUM = 0.1;

/** Batch norm in training mode: normalises with the batch's statistics and returns them for the running averages. */
export function batchNormTrain(x: Tensor, gamma: Tensor, beta: Tensor): { y: Tensor; mean: Tensor; variance: Tensor } {
  const np = engine().numpy;
  const axes = x.shape.slice(0, -1).map((_, i) => i);
  // Var = E[x²] − E[x]²: two reductions that read x directly, so no centred copy of x is written out.
  const mean = x.ref.mean(axes);
  const variance = np.maximum(np.square(x.ref).mean(axes).sub(np.square(mean.ref)), 0);
  const scale = np.reciprocal(np.sqrt(variance.ref.add(BATCH_NORM_EPSILON))).mul(gamma);
  const y = x.mul(scale.ref).add(beta.sub(mean.ref.mul(scale)));
  return { y, mean, variance };
}

export function batchNormEval(x: Tensor, gamma: Tensor, beta: Tensor, mean: Tensor, variance: Tensor): Tensor {
  const np = engine().numpy;
  const scale = np.reciprocal(np.sqrt(variance.add(BATCH_NORM_EPSILON))).mul(gamma);
  return x.sub(mean).mul(scale).add(beta);
}

export function layerNorm(x: Tensor, gamma: Tensor, beta: Tensor, epsilon = 1e-5): Tensor {
  const np = engine().numpy;
  const last = x.ndim - 1;
  const mean = x.ref.mean(last, { keepdims: true });
  const centered = x.sub(mean);
  const variance = np.square(centered.ref).mean(last, { keepdims: true });
  return centered.mul(np.reciprocal(np.sqrt(variance.add(epsilon)))).mul(gamma).add(beta);
}

/**
 * Multi-head self-attention on x [N, T, D] (fused [q | k | v] projection, then output projection); each of
 * `kvHeads` key/value heads serves heads/kvHeads query heads (GQA); `causal` masks future positions.
 */
export function selfAttention(x: Tensor, heads: number, wqkv: Tensor, bqkv: Tensor, wo: Tensor, bo: Tensor, kvHeads = heads, causal = false, headDim?: number): Tensor {
  const np = engine().numpy;
  const [n, t] = x.shape;
  const dh = headDim ?? x.shape[2] / heads;
  const d = heads * dh;
  const kv = kvHeads * dh;
  const qkv = dense(x, wqkv, bqkv);
  const split = (from: number, count: number) => {
    const part = qkv.ref.slice([], [], [from, from + count * dh]).reshape([n, t, count, dh]);
    return (count === heads ? part : np.repeat(part, heads / count, 2)).transpose([0, 2, 1, 3]);
  };
  const q = split(0, heads);
  const k = split(d, kvHeads);
  const v = split(d + kv, kvHeads);
  qkv.dispose();
  let scores = np.matmul(q, k.transpose([0, 1, 3, 2])).mul(1 / Math.sqrt(dh));
  // 0 on and below the diagonal, -1e9 above.
  if (causal) scores = scores.add(np.tri(t, t, 0).sub(1).mul(1e9));
  const attended = np.matmul(engine().nn.softmax(scores, -1), v);
  return dense(attended.transpose([0, 2, 1, 3]).reshape([n, t, d]), wo, bo);
}

/** ids [N, T] (integer-valued floats), table [V, D] -> [N, T, D], as a one-hot matmul (differentiable in the table). */
export function embedding(ids: Tensor, table: Tensor): Tensor {
  const { numpy: np, nn, lax } = engine();
  const [n, t] = ids.shape;
  const [vocab, d] = table.shape;
  const oneHot = nn.oneHot(lax.stopGradient(ids).astype(np.int32).reshape([n * t]), vocab);
  return np.matmul(oneHot, table).reshape([n, t, d]);
}

/** x [N, H, W, C] -> patch tokens [N, T, p*p*C], patches in raster order; the edge is zero-padded to whole patches. */
export function patches(x: Tensor, patch: number): Tensor {
  const [n, h, w, c] = x.shape;
  const rows = Math.ceil(h / patch);
  const cols = Math.ceil(w / patch);
  const padded = rows * patch > h || cols * patch > w ? engine().numpy.pad(x, [[0, 0], [0, rows * patch - h], [0, cols * patch - w], [0, 0]]) : x;
  return padded
    .reshape([n, rows, patch, cols, patch, c])
    .transpose([0, 1, 3, 2, 4, 5])
    .reshape([n, rows * cols, patch * patch * c]);
}

export function channelShuffle(x: Tensor, groups: number): Tensor {
  const shape = x.shape;
  const c = shape.at(-1) as number;
  const lead = shape.slice(0, -1);
  return x.reshape([...lead, groups, c / groups]).transpose([...lead.map((_, i) => i), lead.length + 1, lead.length]).reshape(shape);
}
