import type { Json } from "../../core/json.js";

type SpaceJson = { type: string; [key: string]: Json };
type Part = { label: string; kind: "nb201" | "darts" | "stages"; config: unknown };

/** Finds the drawable parts of a config by walking its space: NB201 and DARTS cells, lists of blocks. */
export function drawableParts(space: SpaceJson, config: unknown, label = ""): Part[] {
  if (space.type === "cell") return [{ label, kind: space.style === "darts" ? "darts" : "nb201", config }];
  if (space.type === "object" && config && typeof config === "object") {
    const fields = space.fields as Record<string, SpaceJson>;
    return Object.entries(fields).flatMap(([name, field]) => drawableParts(field, (config as Record<string, unknown>)[name], label ? `${label}.${name}` : name));
  }
  if (space.type === "repeat" && (space.item as SpaceJson).type === "object" && Array.isArray(config)) return [{ label, kind: "stages", config }];
  return [];
}

export function Architecture(props: { space: SpaceJson; config: unknown }) {
  const parts = drawableParts(props.space, props.config);
  if (parts.length === 0) return <p class="muted">No drawing for this space; the config is shown above.</p>;
  return (
    <div class="architecture">
      {parts.map((part) => (
        <figure key={part.label}>
          {part.kind === "nb201" && <EdgeCell edges={(part.config as { edges: string[] }).edges} />}
          {part.kind === "darts" && <DartsCell nodes={(part.config as { nodes: { input: number; op: string }[][] }).nodes} />}
          {part.kind === "stages" && <Stages blocks={part.config as Record<string, Json>[]} />}
          <figcaption>{part.label || (part.kind === "stages" ? "blocks" : "cell")}</figcaption>
        </figure>
      ))}
    </div>
  );
}

const OP_COLORS: Record<string, string> = {
  none: "#b9bdc4",
  skip_connect: "#6a9955",
  nor_conv_1x1: "#3b6fb6",
  nor_conv_3x3: "#1f4f99",
  avg_pool_3x3: "#c27c0e",
  max_pool_3x3: "#a3520c",
  sep_conv_3x3: "#7a3fa0",
  sep_conv_5x5: "#5a2a80",
  dil_conv_3x3: "#b03a7a",
  dil_conv_5x5: "#8a2560",
};
const color = (op: string) => OP_COLORS[op] ?? "#444";

function Node(props: { x: number; y: number; label: string; wide?: boolean }) {
  const w = props.wide ? 56 : 34;
  return (
    <g class="node">
      <rect x={props.x - w / 2} y={props.y - 17} width={w} height={34} rx={8} fill="#fff" stroke="#333" stroke-width={1.5} />
      <text x={props.x} y={props.y + 5} text-anchor="middle" font-size={13}>
        {props.label}
      </text>
    </g>
  );
}

function Edge(props: { from: [number, number]; to: [number, number]; bend: number; op: string }) {
  const [x1, y1] = props.from;
  const [x2, y2] = props.to;
  const cx = (x1 + x2) / 2;
  const cy = (y1 + y2) / 2 + props.bend;
  const labelY = (y1 + y2) / 4 + cy / 2;
  const none = props.op === "none";
  return (
    <g class="edge" data-op={props.op}>
      <path d={`M ${x1} ${y1} Q ${cx} ${cy} ${x2} ${y2}`} fill="none" stroke={color(props.op)} stroke-width={none ? 1 : 2.2} stroke-dasharray={none ? "4 4" : undefined} marker-end="url(#arrow)" />
      <text x={cx} y={labelY - 4} text-anchor="middle" font-size={11} fill={color(props.op)} class="edge-label">
        {props.op}
      </text>
    </g>
  );
}

const Arrow = () => (
  <defs>
    <marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse">
      <path d="M 0 0 L 10 5 L 0 10 z" fill="#555" />
    </marker>
  </defs>
);

/** An NB201-style cell: nodes in a row, every edge i→j an arc labelled with its op. */
export function EdgeCell(props: { edges: string[] }) {
  const nodes = Math.round((1 + Math.sqrt(1 + 8 * props.edges.length)) / 2);
  const x = (i: number) => 50 + i * 170;
  const y = 150;
  const ends: [number, number][] = [];
  for (let j = 1; j < nodes; j++) for (let i = 0; i < j; i++) ends.push([i, j]);
  return (
    <svg class="cell-graph" data-testid="cell-graph" viewBox={`0 0 ${x(nodes - 1) + 50} 300`} width={x(nodes - 1) + 50} height={300} role="img">
      <Arrow />
      {ends.map(([i, j], e) => {
        const span = j - i;
        const bend = span === 1 ? 0 : (span % 2 === 0 ? -1 : 1) * 55 * span;
        return <Edge key={e} from={[x(i) + 17, y]} to={[x(j) - 17, y]} bend={bend} op={props.edges[e]} />;
      })}
      {Array.from({ length: nodes }, (_, i) => (
        <Node key={i} x={x(i)} y={y} label={i === 0 ? "in" : i === nodes - 1 ? "out" : String(i)} />
      ))}
    </svg>
  );
}

/** A DARTS cell: inputs c(k-2), c(k-1), intermediate nodes, and the output concatenating them. */
export function DartsCell(props: { nodes: { input: number; op: string }[][] }) {
  const count = props.nodes.length;
  const pos = (n: number): [number, number] => (n < 2 ? [60, n === 0 ? 70 : 250] : [210 + (n - 2) * 150, (n - 2) % 2 === 0 ? 110 : 210]);
  const output: [number, number] = [210 + count * 150, 160];
  return (
    <svg class="cell-graph" data-testid="cell-graph" viewBox={`0 0 ${output[0] + 60} 320`} width={output[0] + 60} height={320} role="img">
      <Arrow />
      {props.nodes.flatMap((node, j) =>
        node.map((entry, k) => {
          const from = pos(entry.input);
          const to = pos(j + 2);
          const fromOffset = entry.input < 2 ? 28 : 17; // the cell inputs are drawn wider
          return <Edge key={`${j}-${k}`} from={[from[0] + fromOffset, from[1]]} to={[to[0] - 17, to[1]]} bend={(k === 0 ? -1 : 1) * 20} op={entry.op} />;
        }),
      )}
      {props.nodes.map((_, j) => {
        const from = pos(j + 2);
        return <path key={`out-${j}`} d={`M ${from[0] + 17} ${from[1]} L ${output[0] - 28} ${output[1]}`} stroke="#ccc" stroke-width={1} fill="none" />;
      })}
      <Node x={pos(0)[0]} y={pos(0)[1]} label="c(k-2)" wide />
      <Node x={pos(1)[0]} y={pos(1)[1]} label="c(k-1)" wide />
      {props.nodes.map((_, j) => (
        <Node key={j} x={pos(j + 2)[0]} y={pos(j + 2)[1]} label={String(j)} />
      ))}
      <Node x={output[0]} y={output[1]} label="c(k)" wide />
    </svg>
  );
}

/** A macro (MobileNet-style) config: one box per block, its settings inside. */
export function Stages(props: { blocks: Record<string, Json>[] }) {
  return (
    <div class="stages" data-testid="stage-diagram">
      {props.blocks.map((block, i) => (
        <div class="stage" key={i}>
          <div class="stage-title">block {i + 1}</div>
          {Object.entries(block).map(([k, v]) => (
            <div key={k}>
              {k}: <b>{typeof v === "object" ? JSON.stringify(v) : String(v)}</b>
            </div>
          ))}
        </div>
      ))}
    </div>
  );
}
