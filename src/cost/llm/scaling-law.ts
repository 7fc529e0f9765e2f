import { readFileSync } from "node:fs";
import { NascentError } from "../../core/errors.js";

/**
 * The parametric loss law of Hoffmann et al. 2022 ("Training Compute-Optimal Large Language Models", Eq. 2,
 * Approach 3): L(N, D) = E + A / N^alpha + B / D^beta, with N the model's parameters and D its training
 * tokens; the loss is in nats per token on the law's own data (MassiveText for the published constants).
 */
export interface ChinchillaLaw {
  name: string;
  E: number;
  A: number;
  B: number;
  alpha: number;
  beta: number;
  source: string;
}

/** Hoffmann et al. 2022, Sec. 3.3 and Eq. 10: E = 1.69, A = 406.4, B = 410.7, alpha = 0.34, beta = 0.28. */
export const HOFFMANN_2022: ChinchillaLaw = {
  name: "hoffmann",
  E: 1.69,
  A: 406.4,
  B: 410.7,
  alpha: 0.34,
  beta: 0.28,
  source: "Hoffmann et al. 2022, Training Compute-Optimal Large Language Models, Eq. 10",
};

/**
 * Besiroglu et al. 2024 ("Chinchilla Scaling: A replication attempt", Eq. 4): the fit to the data
 * reconstructed from Hoffmann et al.'s Figure 4: E = 1.8172, A = 482.01, B = 2085.43, alpha = 0.3478, beta = 0.3658.
 */
export const BESIROGLU_2024: ChinchillaLaw = {
  name: "besiroglu",
  E: 1.8172,
  A: 482.01,
  B: 2085.43,
  alpha: 0.3478,
  beta: 0.3658,
  source: "Besiroglu et al. 2024, Chinchilla Scaling: A replication attempt, Eq. 4",
};

export const BUILTIN_LAWS: Record<string, ChinchillaLaw> = { hoffmann: HOFFMANN_2022, besiroglu: BESIROGLU_2024 };

/** L(N, D) = E + A N^-alpha + B D^-beta. Throws on non-positive N or D. */
export function predictLoss(law: ChinchillaLaw, params: number, tokens: number): number {
  if (!(params > 0) || !(tokens > 0)) throw new NascentError(`the loss law needs positive parameters and tokens, got N=${params}, D=${tokens}`);
  return law.E + law.A / params ** law.alpha + law.B / tokens ** law.beta;
}

export interface ComputeOptimal {
  compute: number;
  params: number;
  tokens: number;
  tokensPerParam: number;
  loss: number;
  /** N_opt = G (C/6)^a, D_opt = G^-1 (C/6)^b. */
  G: number;
  a: number;
  b: number;
}

/**
 * The compute-optimal N and D for a budget of C FLOPs under C = 6ND (Hoffmann et al. 2022, Eq. 4 and App. D.2):
 * minimising L(N, C/(6N)) gives N_opt = G (C/6)^a and D_opt = G^-1 (C/6)^b, with
 * G = (alpha A / (beta B))^(1/(alpha+beta)), a = beta/(alpha+beta), b = alpha/(alpha+beta).
 */
export function computeOptimal(law: ChinchillaLaw, compute: number): ComputeOptimal {
  if (!(compute > 0) || !Number.isFinite(compute)) throw new NascentError(`compute budget must be a positive number of FLOPs, got ${compute}`);
  const sum = law.alpha + law.beta;
  const G = ((law.alpha * law.A) / (law.beta * law.B)) ** (1 / sum);
  const a = law.beta / sum;
  const b = law.alpha / sum;
  const params = G * (compute / 6) ** a;
  const tokens = (compute / 6) ** b / G;
  return { compute, params, tokens, tokensPerParam: tokens / params, loss: predictLoss(law, params, tokens), G, a, b };
}

/** Checks a law read from JSON: five finite numbers, positive except E. */
export function lawFromJson(json: unknown, where: string): ChinchillaLaw {
  if (typeof json !== "object" || json === null) throw new NascentError(`${where}: expected a law object {E, A, B, alpha, beta}`);
  const record = json as Record<string, unknown>;
  const value = (key: "E" | "A" | "B" | "alpha" | "beta"): number => {
    const v = record[key];
    if (typeof v !== "number" || !Number.isFinite(v) || (key !== "E" && v <= 0)) throw new NascentError(`${where}: "${key}" must be a ${key === "E" ? "finite" : "positive"} number, got ${JSON.stringify(v)}`);
    return v;
  };
  return { name: typeof record.name === "string" ? record.name : where, E: value("E"), A: value("A"), B: value("B"), alpha: value("alpha"), beta: value("beta"), source: typeof record.source === "string" ? record.source : where };
}

/** `hoffmann`, `besiroglu`, or `fit:PATH` (a law JSON as `nascent llm fit` writes). */
export function resolveLaw(name: string): ChinchillaLaw {
  const builtin = BUILTIN_LAWS[name];
  if (builtin) return builtin;
  if (name.startsWith("fit:")) {
    const path = name.slice(4);
    let json: unknown;
    try {
      json = JSON.parse(readFileSync(path, "utf8"));
    } catch (error) {
      throw new NascentError(`--law ${name}: cannot read the fitted law: ${(error as Error).message.split("\n")[0]}`);
    }
    return lawFromJson(json, path);
  }
  throw new NascentError(`unknown law '${name}' (expected hoffmann, besiroglu or fit:PATH)`);
}
