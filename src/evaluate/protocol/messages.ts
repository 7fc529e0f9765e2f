/** A message of the trial protocol, read from one line of a trial program's stdout. */
export type ProtocolMessage =
  | { nascent: "report"; step: number; value: number }
  | { nascent: "result"; value: number; metrics?: Record<string, number> };

/** A line that starts like a protocol message: `{"nascent": ...`. */
const PROTOCOL_START = /^\{\s*"nascent"\s*:/;
/** Bare non-finite numbers as Python's json.dumps writes them (not JSON, so JSON.parse refuses the line). */
const NON_FINITE_TOKEN = /([:[,]\s*)(-?Infinity|NaN)(?=\s*[,}\]])/g;
const SHOWN = 200;

function shown(text: string): string {
  return text.length > SHOWN ? `${text.slice(0, SHOWN)}... (${text.length} characters)` : text;
}

function describeNumber(value: unknown): string {
  return typeof value === "string" && /^-?Infinity$|^NaN$/.test(value) ? value : JSON.stringify(value) ?? String(value);
}

/**
 * The protocol message on `line`; a one-line description of what is wrong for a malformed one (a
 * non-finite value named as written); undefined for ordinary output, which is passed through.
 */
export function parseProtocolLine(line: string): ProtocolMessage | string | undefined {
  const text = line.trim();
  if (!PROTOCOL_START.test(text)) return undefined;
  let message: unknown;
  try {
    message = JSON.parse(text);
  } catch {
    try {
      // Parse again with NaN/Infinity as strings, so the error can say which field held which.
      message = JSON.parse(text.replace(NON_FINITE_TOKEN, '$1"$2"'));
    } catch {
      return `protocol line is not valid JSON: ${shown(text)}`;
    }
  }
  if (typeof message !== "object" || message === null || Array.isArray(message)) return `protocol line is not a JSON object: ${shown(text)}`;
  const m = message as Record<string, unknown>;
  const finite = (v: unknown): v is number => typeof v === "number" && Number.isFinite(v);
  if (m.nascent === "report") {
    if (!finite(m.step)) return `bad report line: step ${describeNumber(m.step)} is not a finite number: ${shown(text)}`;
    if (!finite(m.value)) return `bad report line: value ${describeNumber(m.value)} is not a finite number: ${shown(text)}`;
    return { nascent: "report", step: m.step, value: m.value };
  }
  if (m.nascent === "result") {
    if (!finite(m.value)) return `bad result line: value ${describeNumber(m.value)} is not a finite number: ${shown(text)}`;
    if (m.metrics === undefined) return { nascent: "result", value: m.value };
    if (typeof m.metrics !== "object" || m.metrics === null || Array.isArray(m.metrics)) return `bad result line: "metrics" must be an object of numbers: ${shown(text)}`;
    for (const [name, v] of Object.entries(m.metrics)) {
      if (!finite(v)) return `bad result line: metric '${name}' is ${describeNumber(v)}, not a finite number: ${shown(text)}`;
    }
    return { nascent: "result", value: m.value, metrics: m.metrics as Record<string, number> };
  }
  return `unknown protocol message ${JSON.stringify(m.nascent)} (expected "report" or "result"): ${shown(text)}`;
}
