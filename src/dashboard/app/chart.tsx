import { HeatmapChart, LineChart, ParallelChart, ScatterChart } from "echarts/charts";
import { GridComponent, LegendComponent, MarkLineComponent, ParallelComponent, TitleComponent, TooltipComponent, VisualMapComponent } from "echarts/components";
import * as echarts from "echarts/core";
import type { EChartsOption } from "echarts";
import { CanvasRenderer } from "echarts/renderers";
import { useEffect, useRef } from "preact/hooks";

// Only the charts and components the dashboard draws, to keep the bundle small.
echarts.use([HeatmapChart, LineChart, ScatterChart, ParallelChart, GridComponent, LegendComponent, MarkLineComponent, ParallelComponent, TitleComponent, TooltipComponent, VisualMapComponent, CanvasRenderer]);

/** An ECharts chart that follows its option; `onPick` gets the trial number of a clicked point. */
export function Chart(props: { option: EChartsOption; height?: number; testId?: string; onPick?: (trial: number) => void }) {
  const element = useRef<HTMLDivElement>(null);
  const chart = useRef<echarts.EChartsType | null>(null);
  useEffect(() => {
    chart.current = echarts.init(element.current!, undefined, { renderer: "canvas" });
    // Follow the card's own size, not only the window's: the grid lays cards out after the chart is made,
    // and a canvas sized before that overflowed its card (the right end of the axis was cut off).
    const observer = new ResizeObserver(() => chart.current?.resize());
    observer.observe(element.current!);
    return () => {
      observer.disconnect();
      chart.current?.dispose();
    };
  }, []);
  useEffect(() => {
    chart.current?.setOption(props.option, { notMerge: true, lazyUpdate: true });
  }, [props.option]);
  useEffect(() => {
    const current = chart.current;
    if (!current || !props.onPick) return;
    const pick = (params: { data?: unknown }) => {
      const data = params.data as { trial?: number } | number[] | undefined;
      const trial = Array.isArray(data) ? undefined : data?.trial;
      if (trial !== undefined) props.onPick!(trial);
    };
    current.on("click", pick);
    return () => current.off("click", pick);
  }, [props.onPick]);
  return <div class="chart" data-testid={props.testId} ref={element} style={{ height: `${props.height ?? 320}px` }} />;
}
