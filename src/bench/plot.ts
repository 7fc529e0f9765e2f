import { Resvg } from "@resvg/resvg-js";
import type * as EChartsApi from "echarts/types/dist/echarts";

// echarts' typings declare `export =`, which NodeNext cannot import as ESM; its ESM build is a namespace.
const echarts = (await import("echarts")) as unknown as typeof EChartsApi;
import type { StrategySummary } from "./sample-efficiency.js";

const PALETTE = ["#3b6fb6", "#d0433a", "#2a9d55", "#e59d2c", "#7a3fa0", "#1b9aaa", "#8a5a44", "#c2185b", "#546e7a", "#9e9d24"];

/** Median best-so-far against queries with an interquartile band per strategy, as SVG (server-side ECharts). */
export function bestSoFarSvg(title: string, yName: string, summaries: readonly StrategySummary[]): string {
  const chart = echarts.init(null, null, { renderer: "svg", ssr: true, width: 960, height: 560 });
  const series = summaries.flatMap((s, i) => {
    const color = PALETTE[i % PALETTE.length];
    const xs = s.quartiles.map((_, q) => q + 1);
    return [
      // The band: the lower quartile, then the distance to the upper one stacked on it.
      { name: s.strategy, type: "line" as const, stack: `band-${i}`, data: xs.map((x, q) => [x, s.quartiles[q][0]]), lineStyle: { opacity: 0 }, showSymbol: false, silent: true },
      { name: s.strategy, type: "line" as const, stack: `band-${i}`, data: xs.map((x, q) => [x, s.quartiles[q][2] - s.quartiles[q][0]]), lineStyle: { opacity: 0 }, areaStyle: { color, opacity: 0.15 }, showSymbol: false, silent: true },
      { name: s.strategy, type: "line" as const, data: xs.map((x, q) => [x, s.quartiles[q][1]]), lineStyle: { color, width: 2 }, itemStyle: { color }, showSymbol: false },
    ];
  });
  const lows = summaries.map((s) => s.quartiles[Math.min(9, s.quartiles.length - 1)][0]);
  chart.setOption({
    animation: false,
    backgroundColor: "#fff",
    title: { text: title, left: "center", textStyle: { fontSize: 15 } },
    legend: { top: 28, data: summaries.map((s) => s.strategy) },
    grid: { left: 70, right: 30, top: 70, bottom: 50 },
    xAxis: { type: "value", name: "queries", nameLocation: "middle", nameGap: 30, min: 1, max: summaries[0]?.quartiles.length ?? 1 },
    yAxis: { type: "value", name: yName, min: Math.min(...lows), scale: true },
    series,
  });
  const svg = chart.renderToSVGString();
  chart.dispose();
  return svg;
}

export function svgToPng(svg: string): Buffer {
  return new Resvg(svg, { background: "#ffffff", fitTo: { mode: "width", value: 1440 }, font: { loadSystemFonts: true } }).render().asPng();
}
