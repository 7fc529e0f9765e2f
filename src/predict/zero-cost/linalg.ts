/** Eigenvalues of a small symmetric matrix by cyclic Jacobi rotations. */
export function symmetricEigenvalues(matrix: readonly (readonly number[])[]): number[] {
  const a = matrix.map((r) => [...r]);
  const n = a.length;
  for (let sweep = 0; sweep < 100; sweep++) {
    let off = 0;
    for (let p = 0; p < n; p++) for (let q = p + 1; q < n; q++) off += a[p][q] ** 2;
    if (off < 1e-22) break;
    for (let p = 0; p < n; p++) {
      for (let q = p + 1; q < n; q++) {
        if (Math.abs(a[p][q]) < 1e-300) continue;
        const theta = (a[q][q] - a[p][p]) / (2 * a[p][q]);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        for (let k = 0; k < n; k++) {
          const akp = a[k][p];
          const akq = a[k][q];
          a[k][p] = c * akp - s * akq;
          a[k][q] = s * akp + c * akq;
        }
        for (let k = 0; k < n; k++) {
          const apk = a[p][k];
          const aqk = a[q][k];
          a[p][k] = c * apk - s * aqk;
          a[q][k] = s * apk + c * aqk;
        }
      }
    }
  }
  return a.map((r, i) => r[i]);
}

/** log |det A| of a square matrix by LU with partial pivoting (numpy's slogdet's second value); -Infinity when singular. */
export function logAbsDeterminant(matrix: readonly (readonly number[])[]): number {
  const a = matrix.map((r) => [...r]);
  const n = a.length;
  let log = 0;
  for (let k = 0; k < n; k++) {
    let pivot = k;
    for (let i = k + 1; i < n; i++) if (Math.abs(a[i][k]) > Math.abs(a[pivot][k])) pivot = i;
    if (a[pivot][k] === 0) return -Infinity;
    [a[k], a[pivot]] = [a[pivot], a[k]];
    log += Math.log(Math.abs(a[k][k]));
    for (let i = k + 1; i < n; i++) {
      const f = a[i][k] / a[k][k];
      if (f !== 0) for (let j = k + 1; j < n; j++) a[i][j] -= f * a[k][j];
    }
  }
  return log;
}
