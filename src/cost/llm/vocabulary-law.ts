import { NascentError } from "../../core/errors.js";

/**
 * The vocabulary scaling law of Tao et al. 2024 ("Scaling Laws with Vocabulary: Larger Models Deserve Larger
 * Vocabularies", NeurIPS 2024). Vocabulary parameters N_v = V·d grow slower than non-vocabulary ones N_nv.
 * Constants are the fitted ones published with the paper (sail-sg/scaling-with-vocab, optimal_Nv_predict.py).
 */
export interface OptimalVocabulary {
  /** Optimal vocabulary parameters N_v. */
  vocabParams: number;
  /** N_v / d, the optimal vocabulary size for embedding width d. */
  vocab: number;
  approach: "isoflops" | "derivative";
}

/**
 * Approach 2 (derivative-based, Sec. 4.2): N_v^opt = N_v0 (N_nv / N_nv0)^gamma with N_v0 = 3,145,728 at
 * N_nv0 = 33M and gamma = 0.8354.
 */
export function optimalVocabularyDerivative(nonVocabParams: number, dModel: number): OptimalVocabulary {
  check(nonVocabParams, dModel);
  const vocabParams = 3_145_728 * (nonVocabParams / 33e6) ** 0.8353974035228025;
  return { vocabParams, vocab: vocabParams / dModel, approach: "derivative" };
}

/**
 * Approach 1 (IsoFLOPs, Sec. 4.1): at the compute-optimal budget for N_nv, C = (N_nv / e^-2.4847)^2, and
 * N_v^opt = e^-1.5890 C^0.4164.
 */
export function optimalVocabularyIsoflops(nonVocabParams: number, dModel: number): OptimalVocabulary {
  check(nonVocabParams, dModel);
  const compute = (nonVocabParams / Math.exp(-2.4846510161625193)) ** 2;
  const vocabParams = Math.exp(-1.589031299255507) * compute ** 0.4163622634135234;
  return { vocabParams, vocab: vocabParams / dModel, approach: "isoflops" };
}

function check(nonVocabParams: number, dModel: number): void {
  if (!(nonVocabParams > 0) || !(dModel > 0)) throw new NascentError(`the vocabulary law needs positive non-vocabulary parameters and width, got N_nv=${nonVocabParams}, d=${dModel}`);
}
