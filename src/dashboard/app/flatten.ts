/** A config's leaves by path (`edges[3]`, `normal.nodes[1][0].op`), for parallel coordinates and tables. */
export function flattenConfig(value: unknown, path = "", out: Record<string, string | number | boolean> = {}): Record<string, string | number | boolean> {
  if (Array.isArray(value)) value.forEach((item, i) => flattenConfig(item, `${path}[${i}]`, out));
  else if (value !== null && typeof value === "object") {
    for (const [key, item] of Object.entries(value)) flattenConfig(item, path ? `${path}.${key}` : key, out);
  } else if (typeof value === "string" || typeof value === "number" || typeof value === "boolean") out[path] = value;
  return out;
}

export function formatNumber(value: number | null | undefined): string {
  if (value === null || value === undefined) return "-";
  return Number.isInteger(value) ? String(value) : String(+value.toPrecision(6));
}

export function formatDuration(ms: number | null): string {
  if (ms === null) return "-";
  if (ms < 1000) return `${ms} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  return `${(ms / 60_000).toFixed(1)} min`;
}

/** For the few places where ECharts takes HTML (tooltips): every string from the database goes through here. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);
}
