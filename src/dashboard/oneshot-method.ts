import type { StudySpec } from "../storage/storage.js";

const PREFIX = "oneshot:";

/**
 * The method of a study `nascent oneshot` wrote ("darts", "pc-darts", ...; its strategy is named
 * oneshot:METHOD), or null for any other study. Apart from oneshot-payload.ts so the web app can ask
 * without bundling the space descriptions.
 */
export function oneshotMethod(spec: StudySpec): string | null {
  return spec.strategy.name.startsWith(PREFIX) ? spec.strategy.name.slice(PREFIX.length) : null;
}
