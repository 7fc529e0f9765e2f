/**
 * Elastic kernel size (Cai et al. 2020, sec. 3.2, "elastic kernel size"): the k x k depthwise kernel is the
 * centre of the next larger kernel passed through a learned kernel transformation matrix, 25x25 for 7 -> 5
 * and 9x9 for 5 -> 3, shared by all channels of the layer and initialised to the identity.
 *
 * Depthwise weights are in the engine's conv layout [k*k, 1, C] (row-major, position ky*k+kx, then channel).
 * Of the C channels only the first `h` (the elastic width) are read or written.
 */

/** Positions of the centre `small`x`small` square of a `large`x`large` kernel, row-major. */
export function centrePositions(large: number, small: number): number[] {
  const off = (large - small) / 2;
  const out: number[] = [];
  for (let y = 0; y < small; y++) for (let x = 0; x < small; x++) out.push((y + off) * large + x + off);
  return out;
}

export const identityMatrix = (n: number): Float32Array => {
  const m = new Float32Array(n * n);
  for (let i = 0; i < n; i++) m[i * n + i] = 1;
  return m;
};

/** small[q, c] = sum_p large[centre(p), c] * t[p, q] for c < h; the result is [s*s, 1, h]. */
export function shrinkKernel(large: Float32Array, largeSize: number, channels: number, h: number, t: Float32Array, smallSize: number): Float32Array {
  const positions = centrePositions(largeSize, smallSize);
  const n = positions.length;
  const out = new Float32Array(n * h);
  for (let p = 0; p < n; p++) {
    const row = positions[p] * channels;
    for (let q = 0; q < n; q++) {
      const tpq = t[p * n + q];
      if (tpq === 0) continue;
      for (let c = 0; c < h; c++) out[q * h + c] += large[row + c] * tpq;
    }
  }
  return out;
}

/**
 * The backward of `shrinkKernel` given dL/dsmall [s*s, h]: adds dL/dt (crop^T g) into `dt` and
 * dL/dlarge's centre (g t^T) into `dLarge` ([L*L, 1, channels]).
 */
export function shrinkKernelBackward(
  large: Float32Array,
  largeSize: number,
  channels: number,
  h: number,
  t: Float32Array,
  smallSize: number,
  g: Float32Array,
  dLarge: Float32Array,
  dt: Float32Array,
): void {
  const positions = centrePositions(largeSize, smallSize);
  const n = positions.length;
  for (let p = 0; p < n; p++) {
    const row = positions[p] * channels;
    for (let q = 0; q < n; q++) {
      const tpq = t[p * n + q];
      let dtpq = 0;
      for (let c = 0; c < h; c++) {
        dtpq += large[row + c] * g[q * h + c];
        dLarge[row + c] += g[q * h + c] * tpq;
      }
      dt[p * n + q] += dtpq;
    }
  }
}
