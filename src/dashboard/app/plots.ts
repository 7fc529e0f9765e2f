import type { EChartsOption } from "echarts";
import type { StudySpec } from "../../storage/storage.js";
import type { TrialRow } from "../payload.js";
import type { DeviceAgreement } from "../latency-agreement.js";
import { escapeHtml, flattenConfig, formatNumber } from "./flatten.js";

const BLUE = "#3b6fb6";
const RED = "#d0433a";
const GRAY = "#a0a4ab";
const ORANGE = "#e59d2c";
/** Lines beyond this many make parallel coordinates unreadable and slow; the most recent are drawn. */
export const PARALLEL_LIMIT = 2000;

const objectiveLabel = (spec: StudySpec, i: number) => `${spec.objectives[i].metric} (${spec.objectives[i].direction === "maximize" ? "max" : "min"})`;

interface PointData {
  trial: number;
  key: string;
  shape?: string;
  value: number[];
}
/** The space's own short form of a point's config (an LLM's shape), in bold, where the space has one. */
const shapeLine = (data: PointData) => (data.shape ? `: <b>${escapeHtml(data.shape)}</b>` : "");

const pointTooltip = {
  trigger: "item" as const,
  formatter: (params: unknown) => {
    const data = (params as { data: PointData }).data;
    return `trial ${data.trial}${shapeLine(data)}<br>${data.value.slice(1).map(formatNumber).join(", ")}<br><small>${escapeHtml(data.key ?? "")}</small>`;
  },
};

export function historyOption(spec: StudySpec, trials: TrialRow[]): EChartsOption {
  const maximize = spec.objectives[0].direction === "maximize";
  const point = (t: TrialRow) => ({ value: [t.number, t.values![0]], trial: t.number, key: t.key, shape: t.label });
  const complete = trials.filter((t) => t.state === "complete" && t.values);
  const bestSoFar: [number, number][] = [];
  let best: number | null = null;
  for (const t of complete) {
    if (!t.feasible) continue;
    const v = t.values![0];
    if (best === null || (maximize ? v > best : v < best)) {
      best = v;
      bestSoFar.push([t.number, v]);
    }
  }
  const last = trials.at(-1)?.number;
  if (best !== null && last !== undefined) bestSoFar.push([last, best]);
  return {
    animation: false,
    title: { text: "Objective and best so far", textStyle: { fontSize: 14 } },
    tooltip: pointTooltip,
    legend: { top: 0, right: 0 },
    grid: GRID,
    xAxis: { type: "value", name: "trial", nameLocation: "middle", nameGap: 25 },
    yAxis: valueAxis(objectiveLabel(spec, 0)),
    series: [
      { name: "feasible", type: "scatter", symbolSize: 4, itemStyle: { color: BLUE, opacity: 0.6 }, data: complete.filter((t) => t.feasible).map(point), large: complete.length > 5000 },
      { name: "infeasible", type: "scatter", symbol: "diamond", symbolSize: 4, itemStyle: { color: GRAY }, data: complete.filter((t) => !t.feasible).map(point) },
      { name: "pruned", type: "scatter", symbol: "triangle", symbolSize: 4, itemStyle: { color: ORANGE }, data: trials.filter((t) => t.state === "pruned" && t.values).map(point) },
      { name: "best so far", type: "line", step: "end", showSymbol: false, lineStyle: { color: RED, width: 2 }, itemStyle: { color: RED }, data: bestSoFar },
    ],
  };
}

/** The non-dominated feasible points among `trials` in the first two objectives. */
export function frontOf(spec: StudySpec, trials: TrialRow[]): TrialRow[] {
  const sign = spec.objectives.map((o) => (o.direction === "maximize" ? 1 : -1));
  const candidates = trials.filter((t) => t.state === "complete" && t.values && t.feasible);
  const dominates = (a: number[], b: number[]) => a.every((v, i) => sign[i] * v >= sign[i] * b[i]) && a.some((v, i) => sign[i] * v > sign[i] * b[i]);
  return candidates.filter((t) => !candidates.some((o) => o !== t && dominates(o.values!, t.values!)));
}

export function paretoOption(spec: StudySpec, trials: TrialRow[]): EChartsOption {
  const point = (t: TrialRow) => ({ value: [t.values![0], t.values![1]], trial: t.number, key: t.key, shape: t.label });
  const complete = trials.filter((t) => t.state === "complete" && t.values);
  const front = frontOf(spec, trials).sort((a, b) => a.values![0] - b.values![0]);
  const tooltip = {
    trigger: "item" as const,
    formatter: (params: unknown) => {
      const data = (params as { data: PointData }).data;
      return `trial ${data.trial}${shapeLine(data)}<br>${data.value.map(formatNumber).join(", ")}<br><small>${escapeHtml(data.key ?? "")}</small>`;
    },
  };
  return {
    animation: false,
    title: { text: "Pareto front", textStyle: { fontSize: 14 } },
    tooltip,
    legend: { top: 0, right: 0 },
    grid: { ...GRID, bottom: 45 },
    xAxis: { type: "value", name: objectiveLabel(spec, 0), nameLocation: "middle", nameGap: 28, scale: true },
    yAxis: valueAxis(objectiveLabel(spec, 1)),
    series: [
      { name: "feasible", type: "scatter", symbolSize: 5, itemStyle: { color: BLUE, opacity: 0.5 }, data: complete.filter((t) => t.feasible).map(point) },
      { name: "infeasible", type: "scatter", symbol: "diamond", symbolSize: 5, itemStyle: { color: GRAY, opacity: 0.7 }, data: complete.filter((t) => !t.feasible).map(point) },
      { name: "Pareto front", type: "line", step: "end", symbolSize: 8, lineStyle: { color: RED }, itemStyle: { color: RED }, data: front.map(point) },
    ],
  };
}

/**
 * Every cartesian chart's plot area and value axis: the axis name runs along the axis, left of its tick
 * labels, so it never collides with the chart title above the plot.
 */
const GRID = { left: 78, right: 20, top: 40, bottom: 40 };
function valueAxis(name: string) {
  return { type: "value" as const, name, nameLocation: "middle" as const, nameRotate: 90, nameGap: 56, scale: true, nameTextStyle: { fontSize: 11 } };
}

export function parallelOption(spec: StudySpec, trials: TrialRow[]): EChartsOption {
  const complete = trials.filter((t) => t.state === "complete" && t.values).slice(-PARALLEL_LIMIT);
  const rows = complete.map((t) => flattenConfig(t.config));
  const paths = [...new Set(rows.flatMap((r) => Object.keys(r)))];
  const axes = paths.map((path, dim) => {
    const values = rows.map((r) => r[path]).filter((v) => v !== undefined);
    const numeric = values.every((v) => typeof v === "number");
    return numeric
      ? { dim, name: path, type: "value" as const, scale: true }
      : { dim, name: path, type: "category" as const, data: [...new Set(values.map(String))].sort() };
  });
  const objectiveAxes = spec.objectives.map((_, i) => ({ dim: paths.length + i, name: objectiveLabel(spec, i), type: "value" as const, scale: true }));
  const data = complete.map((t, i) => [...paths.map((p) => (typeof rows[i][p] === "number" ? rows[i][p] : rows[i][p] === undefined ? null : String(rows[i][p]))), ...t.values!]);
  const values = complete.map((t) => t.values![0]);
  return {
    animation: false,
    title: { text: `Parallel coordinates${complete.length === PARALLEL_LIMIT ? ` (latest ${PARALLEL_LIMIT})` : ""}`, textStyle: { fontSize: 14 } },
    parallelAxis: [...axes, ...objectiveAxes],
    // Axes (and their op labels, on a light box) are drawn above the lines, which would otherwise hide them.
    parallel: {
      left: 40,
      right: 110,
      top: 60,
      bottom: 30,
      parallelAxisDefault: { z: 10, nameRotate: 20, nameTextStyle: { fontSize: 10 }, axisLabel: { fontSize: 10, backgroundColor: "rgba(255,255,255,0.85)", padding: [1, 3], borderRadius: 2 } },
    },
    visualMap: values.length
      ? { type: "continuous", min: Math.min(...values), max: Math.max(...values), dimension: paths.length, inRange: { color: ["#c8d7ee", BLUE, RED] }, right: 0, top: 60, calculable: true, text: [spec.objectives[0].metric, ""] }
      : undefined,
    series: [{ type: "parallel", z: 1, lineStyle: { width: 1, opacity: 0.35 }, data: data as never, progressive: 500 }],
  };
}

export function intermediateOption(trials: TrialRow[]): EChartsOption {
  const reporting = trials.filter((t) => t.intermediate.length > 0).slice(-200);
  return {
    animation: false,
    title: { text: "Intermediate values", textStyle: { fontSize: 14 } },
    tooltip: { trigger: "item", formatter: (params: unknown) => `trial ${escapeHtml(String((params as { seriesName: string }).seriesName))}` },
    grid: GRID,
    xAxis: { type: "value", name: "step", nameLocation: "middle", nameGap: 25 },
    yAxis: valueAxis("reported value"),
    series: reporting.map((t) => ({
      name: String(t.number),
      type: "line",
      showSymbol: false,
      lineStyle: { width: 1, color: t.state === "pruned" ? ORANGE : BLUE, opacity: 0.6 },
      data: t.intermediate.map((v) => [v.step, v.value]),
    })),
  };
}

const DEVICE_COLORS = [BLUE, RED, ORANGE, "#4a9e5c", "#8a5cb8", GRAY];

/**
 * Predicted against measured latency, one scatter series per device, with the y = x line and the ±10%
 * band: |predicted / measured - 1| <= 0.1, so measured runs from predicted / 1.1 to predicted / 0.9.
 */
export function latencyOption(agreement: DeviceAgreement[]): EChartsOption {
  const all = agreement.flatMap((d) => d.points.flatMap(([p, m]) => [p, m]));
  // Axis ends at two significant digits, outside every point and the band.
  const round = (v: number, toward: (x: number) => number) => {
    const step = 10 ** (Math.floor(Math.log10(v)) - 1);
    return toward(v / step) * step;
  };
  const [low, high] = [round(Math.min(...all) * 0.9, Math.floor), round(Math.max(...all) * 1.1, Math.ceil)];
  const line = (name: string, factor: number, dashed: boolean) => ({
    name,
    type: "line" as const,
    showSymbol: false,
    silent: true,
    lineStyle: { color: dashed ? GRAY : "#333", width: 1, type: dashed ? ("dashed" as const) : ("solid" as const) },
    itemStyle: { color: dashed ? GRAY : "#333" },
    data: [[low, low * factor], [high, high * factor]],
  });
  const tooltip = {
    trigger: "item" as const,
    formatter: (params: unknown) => {
      const { data, seriesName } = params as { seriesName: string; data: { trial: number; value: number[] } };
      return `trial ${data.trial} on ${escapeHtml(seriesName)}<br>predicted ${formatNumber(data.value[0])} ms, measured ${formatNumber(data.value[1])} ms`;
    },
  };
  return {
    animation: false,
    title: { text: `Latency: predicted vs measured (${agreement.map((d) => `${d.device} ${Math.round(100 * d.within10)}% within ±10%`).join(", ")})`, textStyle: { fontSize: 14 } },
    tooltip,
    legend: { top: 22, right: 0 },
    grid: { ...GRID, top: 50, bottom: 45 },
    xAxis: { type: "value", name: "predicted (ms)", nameLocation: "middle", nameGap: 28, min: low, max: high },
    yAxis: { ...valueAxis("measured (ms)"), scale: false, min: low, max: high },
    series: [
      ...agreement.map((d, i) => ({
        name: d.device,
        type: "scatter" as const,
        symbolSize: 5,
        itemStyle: { color: DEVICE_COLORS[i % DEVICE_COLORS.length], opacity: 0.7 },
        data: d.points.map(([predicted, measured, trial]) => ({ value: [predicted, measured], trial })),
      })),
      line("y = x", 1, false),
      line("±10%", 1 / 0.9, true),
      line("±10%", 1 / 1.1, true),
    ],
  };
}
