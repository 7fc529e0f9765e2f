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
