import type { EChartsOption } from "echarts";
import type { OneshotEpoch, OneshotPayload } from "../oneshot-payload.js";
import { escapeHtml, formatNumber } from "./flatten.js";

const BLUE = "#3b6fb6";
const RED = "#d0433a";
const ORANGE = "#e59d2c";
const GREEN = "#2a9d55";
const GRAY = "#a0a4ab";
/** Light to dark: softmax weights near uniform differ in the third decimal, so the scale spans the data, not [0, 1]. */
const HEAT = ["#f7fbff", "#c6dbef", "#6baed6", "#2171b5", "#08306b"];
const OP_COLORS = ["#b9bdc4", "#6a9955", "#3b6fb6", "#1f4f99", "#c27c0e", "#a3520c", "#7a3fa0", "#b03a7a"];
const GRID = { left: 78, right: 64, top: 48, bottom: 40 };
const valueAxis = (name: string) => ({ type: "value" as const, name, nameLocation: "middle" as const, nameRotate: 90, nameGap: 54, scale: true, nameTextStyle: { fontSize: 11 } });

/** The range of every entry of these matrices, widened when flat so the colour scale stays defined. */
export function heatRange(matrices: (number[][] | null)[]): [number, number] {
  let low = Infinity;
  let high = -Infinity;
  for (const m of matrices) for (const row of m ?? []) for (const v of row) [low, high] = [Math.min(low, v), Math.max(high, v)];
  if (!Number.isFinite(low)) return [0, 1];
  return high - low < 1e-6 ? [low - 1e-3, high + 1e-3] : [low, high];
}

/**
 * A heat map of rows x columns (softmax(alpha): edges x ops; beta: nodes x inputs), the strongest entry of
 * each row outlined (`strongest` picks it: DARTS's genotype skips `none`); empty cells are entries a row lacks.
 * Cells show their entry and are coloured by `colour(entry, row)` on `range` (beta: entry x inputs, so rows
 * of 2 and 5 inputs share one scale, 1 = uniform).
 */
export function heatmapOption(title: string, rows: string[], columns: string[], matrix: (number | null)[][], range: [number, number], strongest: (row: (number | null)[]) => number, colour: (v: number, row: (number | null)[]) => number = (v) => v): EChartsOption {
  // value: [column, row, what the colour scale reads, the entry itself]
  const data = matrix.flatMap((row, r) => {
    const best = strongest(row);
    return row.flatMap((v, c) => (v === null ? [] : [{ value: [c, r, colour(v, row), v], itemStyle: c === best ? { borderColor: RED, borderWidth: 2 } : undefined }]));
  });
  const dense = rows.length * columns.length > 80;
  return {
    animation: false,
    title: { text: title, textStyle: { fontSize: 14 } },
    tooltip: {
      trigger: "item",
      formatter: (p: unknown) => {
        const [c, r, , v] = (p as { value: number[] }).value;
        return `${escapeHtml(rows[r])}, ${escapeHtml(columns[c])}: <b>${v.toFixed(4)}</b>`;
      },
    },
    grid: { left: 84, right: 16, top: 36, bottom: 112 },
    xAxis: { type: "category", data: columns, splitArea: { show: true }, axisLabel: { rotate: 35, fontSize: 10, interval: 0 } },
    yAxis: { type: "category", data: rows, inverse: true, splitArea: { show: true }, axisLabel: { fontSize: 10, interval: 0 } },
    visualMap: { min: range[0], max: range[1], dimension: 2, precision: 3, calculable: true, orient: "horizontal", left: "center", bottom: 0, itemHeight: 160, inRange: { color: HEAT }, textStyle: { fontSize: 10 } },
    series: [{ type: "heatmap", data, label: { show: true, fontSize: dense ? 8 : 10, formatter: (p: unknown) => (p as { value: number[] }).value[3].toFixed(3) } }],
  };
}

/** Losses (left axis) and the supernet's held-out accuracy (right axis) per epoch. */
export function oneshotCurvesOption(epochs: OneshotEpoch[]): EChartsOption {
  const series = (name: string, pick: (e: OneshotEpoch) => number | null, color: string, yAxisIndex: number) => ({
    name,
    type: "line" as const,
    yAxisIndex,
    showSymbol: epochs.length < 30,
    lineStyle: { color, width: 2 },
    itemStyle: { color },
    data: epochs.filter((e) => pick(e) !== null).map((e) => [e.epoch, pick(e)]),
  });
  const hasArch = epochs.some((e) => e.archLoss !== null);
  return {
    animation: false,
    title: { text: "Losses and supernet accuracy", textStyle: { fontSize: 14 } },
    tooltip: { trigger: "axis", valueFormatter: (v: unknown) => formatNumber(v as number) },
    legend: { top: 22, right: 0, textStyle: { fontSize: 11 } },
    grid: { ...GRID, top: 56 },
    xAxis: { type: "value", name: "epoch", nameLocation: "middle", nameGap: 25, minInterval: 1 },
    yAxis: [valueAxis("loss"), { ...valueAxis("supernet accuracy"), nameGap: 42 }],
    series: [
      series("train loss (weights half)", (e) => e.trainLoss, BLUE, 0),
      ...(hasArch ? [series("architecture loss (alpha half)", (e) => e.archLoss, ORANGE, 0)] : []),
      series("supernet accuracy", (e) => e.supernetAccuracy, RED, 1),
    ],
  };
}

/** The schedule per epoch: the weights' learning rate and, where recorded, GDAS's temperature or the latency the loss saw. */
export function oneshotScheduleOption(epochs: OneshotEpoch[]): EChartsOption {
  const second = epochs.some((e) => e.temperature !== null) ? { name: "Gumbel temperature", pick: (e: OneshotEpoch) => e.temperature } : epochs.some((e) => e.latencyMs !== null) ? { name: "latency in the loss (ms)", pick: (e: OneshotEpoch) => e.latencyMs } : null;
  const line = (name: string, pick: (e: OneshotEpoch) => number | null, color: string, yAxisIndex: number) => ({ name, type: "line" as const, yAxisIndex, showSymbol: epochs.length < 30, lineStyle: { color }, itemStyle: { color }, data: epochs.filter((e) => pick(e) !== null).map((e) => [e.epoch, pick(e)]) });
  return {
    animation: false,
    title: { text: second ? `Schedule and ${second.name}` : "Schedule", textStyle: { fontSize: 14 } },
    tooltip: { trigger: "axis", valueFormatter: (v: unknown) => formatNumber(v as number) },
    legend: { top: 22, right: 0, textStyle: { fontSize: 11 } },
    grid: { ...GRID, top: 56 },
    xAxis: { type: "value", name: "epoch", nameLocation: "middle", nameGap: 25, minInterval: 1 },
    yAxis: [valueAxis("learning rate"), ...(second ? [{ ...valueAxis(second.name), nameGap: 42 }] : [])],
    series: [line("learning rate (weights)", (e) => e.learningRate, GRAY, 0), ...(second ? [line(second.name, second.pick, GREEN, 1)] : [])],
  };
}

/** Each op's softmax weight averaged over one kind of cell's edges, per epoch: where alpha's mass moves (e.g. DARTS's drift to skip_connect). */
export function alphaTrajectoryOption(payload: OneshotPayload, cell: number): EChartsOption {
  const first = payload.cells.slice(0, cell).reduce((n, c) => n + c.edges.length, 0);
  const count = payload.cells[cell].edges.length;
  const withAlpha = payload.epochs.filter((e) => e.alpha);
  const what = payload.weights === "policy" ? "policy softmax(θ)" : "softmax(α)";
  return {
    animation: false,
    title: { text: `Mean ${what} per op over the ${payload.cells[cell].cell === "cell" ? "" : `${payload.cells[cell].cell} cell's `}edges`, textStyle: { fontSize: 14 } },
    tooltip: { trigger: "axis", valueFormatter: (v: unknown) => (v as number).toFixed(4) },
    legend: { top: 22, right: 0, textStyle: { fontSize: 10 } },
    grid: { ...GRID, right: 20, top: payload.ops.length > 5 ? 76 : 56 },
    xAxis: { type: "value", name: "epoch", nameLocation: "middle", nameGap: 25, minInterval: 1 },
    yAxis: valueAxis(`mean ${what}`),
    series: payload.ops.map((op, o) => ({
      name: op,
      type: "line" as const,
      showSymbol: withAlpha.length < 30,
      lineStyle: { color: OP_COLORS[o % OP_COLORS.length], width: 2 },
      itemStyle: { color: OP_COLORS[o % OP_COLORS.length] },
      data: withAlpha.map((e) => [e.epoch, e.alpha!.slice(first, first + count).reduce((s, row) => s + row[o], 0) / count]),
    })),
  };
}
