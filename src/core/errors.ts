/** An error caused by the user's input: the CLI prints its message on one line and exits non-zero. */
export class NascentError extends Error {
  override name = "NascentError";
}

/** What kind of problem an issue is (zod-style codes). */
export type IssueCode =
  | "invalid_type"
  | "invalid_value"
  | "out_of_range"
  | "not_on_grid"
  | "invalid_length"
  | "missing"
  | "unrecognized_key";

/** One problem with a value: where (`edges[3]`, `stages[1].kernel`), what kind, and what is wrong. */
export interface ConfigIssue {
  path: string;
  code: IssueCode;
  message: string;
}

export function formatIssue(issue: ConfigIssue): string {
  return issue.path ? `${issue.path}: ${issue.message}` : issue.message;
}

/**
 * A value that does not belong to its space (a config, a set of options), with every problem found, not
 * just the first: the message has one line per issue, and `issues` lists them for programs.
 */
export class ConfigError extends NascentError {
  override name = "ConfigError";
  readonly issues: readonly ConfigIssue[];

  constructor(path: string, problem: string, code: IssueCode = "invalid_value") {
    super(formatIssue({ path, code, message: problem }));
    this.issues = [{ path, code, message: problem }];
  }

  /** One error holding all `issues` (at least one). */
  static of(issues: readonly ConfigIssue[]): ConfigError {
    const error = new ConfigError(issues[0].path, issues[0].message, issues[0].code);
    (error as { issues: readonly ConfigIssue[] }).issues = issues;
    error.message = issues.map(formatIssue).join("\n");
    return error;
  }

  /** The first issue's path. */
  get path(): string {
    return this.issues[0].path;
  }

  /** The first issue's message. */
  get problem(): string {
    return this.issues[0].message;
  }
}

/** Gathers the issues of several checks; null when there are none. */
export function allIssues(problems: Iterable<ConfigError | null | undefined>): ConfigError | null {
  const issues: ConfigIssue[] = [];
  for (const problem of problems) if (problem) issues.push(...problem.issues);
  return issues.length ? ConfigError.of(issues) : null;
}

/** A run stopped because its trials keep failing; the message carries the last failure in full. */
export class TrialsKeepFailing extends NascentError {
  override name = "TrialsKeepFailing";
}
