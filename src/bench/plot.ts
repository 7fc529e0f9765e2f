import { Resvg } from "@resvg/resvg-js";
import type * as EChartsApi from "echarts/types/dist/echarts";

// echarts' typings declare `export =`, which NodeNext cannot import as ESM; its ESM build is a namespace.
const echarts = (await import("echarts")) as unknown as typeof EChartsApi;
import type { StrategySummary } from "./sample-efficiency.js";

const PALETTE = ["#3b6fb6", "#d0433a", "#2a9d55", "#e59d2c", "#7a3fa0", "#1b9aaa", "#8a5a44", "#c2185b", "#546e7a", "#9e9d24"];

/** Median best-so-far against queries with an interquartile band per strategy, as SVG (server-side ECharts). */
export function bestSoFarSvg(title: string, yName: string, summaries: readonly StrategySummary[]): string {
  const chart = echarts.init(null, null, { renderer: "svg", ssr: true, width: 960, height: 560 });
  const queries = summaries[0]?.quartiles.length ?? 0;
  const series = summaries.flatMap((s, i) => {
    const color = PALETTE[i % PALETTE.length];
    return [
      // The band: the lower quartile (invisible), then the distance to the upper one stacked on it.
      // (Every series carries the strategy's colour: the legend takes the first one's.)
      { name: s.strategy, type: "line" as const, stack: `band-${i}`, data: s.quartiles.map((q) => q[0]), lineStyle: { opacity: 0 }, itemStyle: { color }, showSymbol: false, silent: true },
      { name: s.strategy, type: "line" as const, stack: `band-${i}`, data: s.quartiles.map((q) => q[2] - q[0]), lineStyle: { opacity: 0 }, itemStyle: { color }, areaStyle: { color, opacity: 0.12 }, showSymbol: false, silent: true },
      { name: s.strategy, type: "line" as const, data: s.quartiles.map((q) => q[1]), lineStyle: { color, width: 2 }, itemStyle: { color }, showSymbol: false },
    ];
  });
  // Start the y axis at the worst median after a few queries, so the interesting part fills the plot.
  const floor = Math.min(...summaries.map((s) => s.quartiles[Math.min(9, queries - 1)][1]));
  chart.setOption({
    animation: false,
    backgroundColor: "#fff",
    title: { text: title, left: "center", textStyle: { fontSize: 15 } },
    legend: { top: 28, data: summaries.map((s) => s.strategy) },
    grid: { left: 70, right: 30, top: 70, bottom: 50 },
    xAxis: { type: "category", name: "queries", nameLocation: "middle", nameGap: 30, boundaryGap: false, data: Array.from({ length: queries }, (_, q) => String(q + 1)), axisLabel: { interval: Math.max(0, Math.ceil(queries / 10) - 1) } },
    yAxis: { type: "value", name: yName, min: +floor.toPrecision(4), scale: true },
    series,
  });
  const svg = chart.renderToSVGString();
  chart.dispose();
  return svg;
}

export function svgToPng(svg: string): Buffer {
  return new Resvg(svg, { background: "#ffffff", fitTo: { mode: "width", value: 1440 }, font: { loadSystemFonts: true } }).render().asPng();
}
