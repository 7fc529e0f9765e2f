import { render } from "preact";
import { useEffect, useMemo, useState } from "preact/hooks";
import { OfaPage } from "./ofa-page.js";
import { liveSource, reportSource, type DataSource, type ReportData } from "./data.js";
import { StudiesPage } from "./studies-page.js";
import { StudyPage } from "./study-page.js";
import { TrialPage } from "./trial-page.js";

/** Routes: #/ (studies), #/study/NAME, #/study/NAME/trial/N, #/ofa/N (the N-th once-for-all supernet). */
function parseRoute(hash: string): { page: "studies" } | { page: "study"; name: string } | { page: "trial"; name: string; number: number } | { page: "ofa"; index: number } {
  const ofa = /^#\/ofa\/(\d+)$/.exec(hash);
  if (ofa) return { page: "ofa", index: Number(ofa[1]) };
  const match = /^#\/study\/([^/]+)(?:\/trial\/(\d+))?$/.exec(hash);
  if (!match) return { page: "studies" };
  const name = decodeURIComponent(match[1]);
  return match[2] === undefined ? { page: "study", name } : { page: "trial", name, number: Number(match[2]) };
}

function App(props: { source: DataSource; defaultHash: string; supernets: string[] }) {
  const [hash, setHash] = useState(location.hash || props.defaultHash);
  useEffect(() => {
    const onChange = () => setHash(location.hash || props.defaultHash);
    window.addEventListener("hashchange", onChange);
    return () => window.removeEventListener("hashchange", onChange);
  }, []);
  const route = useMemo(() => parseRoute(hash), [hash]);
  return (
    <>
      <header>
        <a href={props.source.live ? "#/" : props.defaultHash} class="brand">
          nascent
        </a>
        <span class="muted">{props.source.live ? "dashboard" : "report"}</span>
        {props.supernets.map((name, i) => (
          <a key={i} href={`#/ofa/${i}`} class="muted">
            once-for-all: {name}
          </a>
        ))}
      </header>
      <main>
        {route.page === "studies" && <StudiesPage source={props.source} />}
        {route.page === "study" && <StudyPage source={props.source} name={route.name} />}
        {route.page === "trial" && <TrialPage source={props.source} name={route.name} number={route.number} />}
        {route.page === "ofa" && <OfaPage source={props.source} index={route.index} />}
      </main>
    </>
  );
}

const embedded = document.getElementById("nascent-report");
const report = embedded ? (JSON.parse(embedded.textContent ?? "null") as ReportData) : null;
const source = report ? reportSource(report) : liveSource;
const defaultHash = report ? `#/study/${encodeURIComponent(report.payload.spec.name)}` : "#/";
// The live dashboard lists its supernets on the studies page; a report has no such page, so the header links them.
const supernets = report?.ofa?.map((s) => s.name) ?? [];
render(<App source={source} defaultHash={defaultHash} supernets={supernets} />, document.getElementById("app")!);
