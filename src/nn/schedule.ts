/** Cosine decay from `base` to `base * floor` over `total` steps (Loshchilov & Hutter 2017), after `warmup` linear steps. */
export function cosineSchedule(base: number, total: number, warmup = 0, floor = 0): (step: number) => number {
  return (step) => {
    if (step < warmup) return (base * (step + 1)) / warmup;
    const progress = Math.min(1, (step - warmup) / Math.max(1, total - warmup));
    return base * (floor + (1 - floor) * 0.5 * (1 + Math.cos(Math.PI * progress)));
  };
}
