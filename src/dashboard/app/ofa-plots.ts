import type { EChartsOption } from "echarts";
import type { FrontRecord } from "../../ofa/front-file.js";
import type { OfaPayload } from "../ofa-payload.js";
import { escapeHtml, formatNumber } from "./flatten.js";

/** One colour per phase of progressive shrinking, in schedule order. */
const PHASE_COLORS = ["#1d2330", "#3b6fb6", "#2a9d55", "#7bc67e", "#e59d2c", "#d0433a"];
const BLUE = "#3b6fb6";
const RED = "#d0433a";
const GRAY = "#a0a4ab";
const GREEN = "#2a9d55";
const GRID = { left: 78, right: 20, top: 48, bottom: 45 };
const axis = (name: string) => ({ type: "value" as const, name, nameLocation: "middle" as const, nameGap: 28, scale: true });
const valueAxis = (name: string) => ({ type: "value" as const, name, nameLocation: "middle" as const, nameRotate: 90, nameGap: 56, scale: true, nameTextStyle: { fontSize: 11 } });

/** The training loss of every phase against passes over the data (or steps), one line per phase. */
export function phaseLossOption(payload: OfaPayload): EChartsOption {
  return {
    animation: false,
    title: { text: "Progressive shrinking: training loss", textStyle: { fontSize: 14 } },
    tooltip: { trigger: "item", formatter: (p: unknown) => { const { seriesName, value } = p as { seriesName: string; value: number[] }; return `${escapeHtml(seriesName)}<br>${payload.unit} ${formatNumber(value[0])}: loss ${formatNumber(value[1])}`; } },
    legend: { top: 22, right: 0, textStyle: { fontSize: 11 } },
    grid: { ...GRID, top: 56 },
    xAxis: axis(payload.unit === "epoch" ? "passes over the training images" : "training step"),
    yAxis: valueAxis("loss (after full: + distillation term)"),
    series: payload.phases.map((p, i) => ({
      name: p.done ? p.phase : `${p.phase} (running)`,
      type: "line" as const,
      showSymbol: p.loss.length < 3,
      lineStyle: { color: PHASE_COLORS[i % PHASE_COLORS.length], width: 2, type: p.done ? ("solid" as const) : ("dashed" as const) },
      itemStyle: { color: PHASE_COLORS[i % PHASE_COLORS.length] },
      data: p.loss,
    })),
  };
}

/** The probe sub-networks' validation accuracy after each finished phase (the full network and the smallest). */
export function phaseAccuracyOption(payload: OfaPayload): EChartsOption {
  const done = payload.phases.filter((p) => p.done);
  const probes = [...new Set(done.flatMap((p) => Object.keys(p.accuracy)))];
  return {
    animation: false,
    title: { text: "Probe sub-networks after each phase", textStyle: { fontSize: 14 } },
    tooltip: { trigger: "item", formatter: (p: unknown) => { const { seriesName, value } = p as { seriesName: string; value: [string, number] }; return `${escapeHtml(seriesName)}<br>after ${escapeHtml(value[0])}: ${formatNumber(value[1])}`; } },
    legend: { top: 22, right: 0, textStyle: { fontSize: 10 } },
    grid: { ...GRID, top: 56 },
    xAxis: { type: "category", data: done.map((p) => p.phase), name: "phase", nameLocation: "middle", nameGap: 28 },
    yAxis: valueAxis("validation accuracy"),
    series: probes.map((key, i) => ({ name: key, type: "line" as const, symbolSize: 7, itemStyle: { color: i === 0 ? BLUE : RED }, lineStyle: { color: i === 0 ? BLUE : RED }, data: done.map((p) => [p.phase, p.accuracy[key] ?? null]) })),
  };
}

/**
 * A search's accuracy-cost plane: every sub-network NSGA-II predicted (feasible blue, over budget grey), its
 * Pareto front (red), the front as measured (test accuracy, measured cost: green) when it was, and the budget.
 */
export function frontOption(front: FrontRecord): EChartsOption {
  const point = (config: string, cost: number, accuracy: number) => ({ value: [cost, accuracy], key: config });
  const measured = front.front.filter((m) => m.testAccuracy !== undefined && m.measuredCost !== undefined);
  const tooltip = {
    trigger: "item" as const,
    formatter: (p: unknown) => {
      const { seriesName, data } = p as { seriesName: string; data: { value: number[]; key?: string } };
      return `${escapeHtml(seriesName)}<br>${formatNumber(data.value[0])} ${front.unit}, accuracy ${formatNumber(data.value[1])}<br><small>${escapeHtml(data.key ?? "")}</small>`;
    },
  };
  return {
    animation: false,
    title: { text: `${front.constraint}: ${front.front.length} on the front of ${front.evaluated.length} predicted`, textStyle: { fontSize: 13 } },
    tooltip,
    legend: { top: 22, right: 0, textStyle: { fontSize: 11 } },
    grid: { ...GRID, top: 56 },
    xAxis: axis(front.metric === "latency" ? `predicted latency on ${front.device} (ms)` : "MMACs"),
    yAxis: valueAxis("accuracy (predicted; measured: test)"),
    series: [
      { name: "predicted", type: "scatter", symbolSize: 3, itemStyle: { color: BLUE, opacity: 0.35 }, large: front.evaluated.length > 5000, data: front.evaluated.filter((e) => e.feasible).map((e) => point(e.config, e.cost, e.accuracy)) },
      { name: "over budget", type: "scatter", symbolSize: 3, itemStyle: { color: GRAY, opacity: 0.5 }, data: front.evaluated.filter((e) => !e.feasible).map((e) => point(e.config, e.cost, e.accuracy)) },
      {
        name: "Pareto front",
        type: "line",
        step: "end",
        symbolSize: 6,
        lineStyle: { color: RED },
        itemStyle: { color: RED },
        data: front.front.map((m) => point(m.config, m.predictedCost, m.predictedAccuracy)),
        markLine: { silent: true, symbol: "none", lineStyle: { color: GRAY, type: "dashed" }, label: { formatter: "budget" }, data: [{ xAxis: front.limit }] },
      },
      ...(measured.length ? [{ name: "front, measured", type: "scatter" as const, symbol: "diamond", symbolSize: 8, itemStyle: { color: GREEN }, data: measured.map((m) => point(m.config, m.measuredCost!, m.testAccuracy!)) }] : []),
    ],
  };
}
