/** An error caused by the user's input: the CLI prints its message on one line and exits non-zero. */
export class NascentError extends Error {
  override name = "NascentError";
}

/** A config that does not belong to its space; `path` names the offending part, e.g. `edges[3]`. */
export class ConfigError extends NascentError {
  override name = "ConfigError";
  constructor(
    readonly path: string,
    readonly problem: string,
  ) {
    super(path ? `${path}: ${problem}` : problem);
  }
}

/** A run stopped because its trials keep failing; the message carries the last failure in full. */
export class TrialsKeepFailing extends NascentError {
  override name = "TrialsKeepFailing";
}
