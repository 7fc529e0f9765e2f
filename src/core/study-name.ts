import { NascentError } from "./errors.js";

/**
 * Longest study name the CLI accepts. The dashboard serves every such name: percent-encoded (up to 12
 * characters per character) it stays inside one URL path parameter and Node's 16 KiB request-header limit.
 */
export const MAX_STUDY_NAME_LENGTH = 1000;

/** Throws a one-line error for a name the CLI cannot create (empty, or too long for the dashboard's URLs). */
export function checkStudyName(name: string): string {
  if (name.trim() === "") throw new NascentError("--study: a study name cannot be empty");
  if (name.length > MAX_STUDY_NAME_LENGTH) throw new NascentError(`--study: a study name has at most ${MAX_STUDY_NAME_LENGTH} characters, got ${name.length}`);
  return name;
}
