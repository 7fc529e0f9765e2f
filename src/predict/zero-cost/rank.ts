/** Ranks from 0, ties sharing their mean rank. */
export function ranks(xs: readonly number[]): number[] {
  const order = xs.map((x, i) => [x, i] as const).sort((a, b) => a[0] - b[0]);
  const r = new Array<number>(xs.length);
  for (let i = 0; i < order.length; ) {
    let j = i;
    while (j + 1 < order.length && order[j + 1][0] === order[i][0]) j++;
    for (let k = i; k <= j; k++) r[order[k][1]] = (i + j) / 2;
    i = j + 1;
  }
  return r;
}

/** Spearman's rank correlation (Pearson correlation of the tie-averaged ranks). Throws on unequal lengths. */
export function spearman(a: readonly number[], b: readonly number[]): number {
  if (a.length !== b.length) throw new Error(`spearman: ${a.length} values against ${b.length}`);
  const ra = ranks(a);
  const rb = ranks(b);
  const mean = (x: number[]) => x.reduce((s, v) => s + v, 0) / x.length;
  const ma = mean(ra);
  const mb = mean(rb);
  let num = 0;
  let da = 0;
  let db = 0;
  for (let i = 0; i < ra.length; i++) {
    num += (ra[i] - ma) * (rb[i] - mb);
    da += (ra[i] - ma) ** 2;
    db += (rb[i] - mb) ** 2;
  }
  return num / Math.sqrt(da * db);
}

/**
 * The majority vote of several proxies (Abdelfattah et al. 2021, Sec. 5: synflow, jacob_cov and snip): for
 * two architectures the vote prefers the one most proxies score higher. Over a pool this gives each
 * architecture its Copeland score, the number of others it beats by majority (a tie of proxies counts half),
 * so the pool can be ranked. `scores[p][i]` is proxy p's score of architecture i (higher is better).
 * O(P·N²); throws when the proxies score pools of different sizes.
 */
export function majorityVote(scores: readonly (readonly number[])[]): number[] {
  const n = scores[0]?.length ?? 0;
  if (scores.some((s) => s.length !== n)) throw new Error(`majorityVote: proxies score ${scores.map((s) => s.length).join(", ")} architectures`);
  const wins = new Array<number>(n).fill(0);
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      let margin = 0;
      for (const s of scores) margin += Math.sign(s[i] - s[j]);
      if (margin > 0) wins[i]++;
      else if (margin < 0) wins[j]++;
      else {
        wins[i] += 0.5;
        wins[j] += 0.5;
      }
    }
  }
  return wins;
}
