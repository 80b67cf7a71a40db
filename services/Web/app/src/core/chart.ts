import { Chart, type ChartConfiguration, registerables } from "chart.js";
import { el } from "./dom";
import { currentLang } from "./i18n";

Chart.register(...registerables);

export interface ChartSpec {
  type: "bar" | "line" | "doughnut";
  labels: string[];
  datasets: { label: string; data: number[]; stack?: string }[];
  stacked?: boolean;
  /** How a value is shown in tooltips and on the axis (e.g. money). */
  formatValue?: (value: number) => string;
  testid?: string;
}

const colours = ["#4a76a8", "#e07b39", "#5aa469", "#c94f7c", "#8a6bbe", "#d4b13f", "#3fa7b5", "#7d7d7d"];

/** Series beyond the palette would repeat colours and bury the chart in its legend: the largest keep theirs, the rest are summed as one. */
function readable(datasets: ChartSpec["datasets"]): ChartSpec["datasets"] {
  if (datasets.length <= colours.length) return datasets;
  const total = (d: ChartSpec["datasets"][number]) => d.data.reduce((sum, v) => sum + v, 0);
  const ranked = [...datasets].sort((a, b) => total(b) - total(a));
  const kept = ranked.slice(0, colours.length - 1);
  const rest = ranked.slice(colours.length - 1);
  const other = { label: currentLang() === "ru" ? `Остальные (${rest.length})` : `Others (${rest.length})`, data: rest[0].data.map((_, i) => rest.reduce((sum, d) => sum + (d.data[i] ?? 0), 0)), stack: rest[0].stack };
  return [...kept, other];
}

export function chart(spec: ChartSpec): HTMLElement {
  const canvas = el("canvas", { "data-testid": spec.testid ?? "chart" });
  const box = el("div", { class: "chart" }, canvas);
  const format = spec.formatValue ?? ((v: number) => String(v));
  const config: ChartConfiguration = {
    type: spec.type,
    data: {
      labels: spec.labels,
      datasets: readable(spec.datasets).map((d, i) => ({ ...d, backgroundColor: colours[i % colours.length], borderColor: colours[i % colours.length] })),
    },
    options: {
      responsive: true,
      maintainAspectRatio: false,
      animation: false,
      plugins: { tooltip: { callbacks: { label: (item) => `${item.dataset.label}: ${format(item.raw as number)}` } } },
      scales: spec.type === "doughnut" ? {} : {
        x: { stacked: spec.stacked ?? false },
        y: { stacked: spec.stacked ?? false, ticks: { callback: (value) => format(Number(value)) } },
      },
    },
  };
  // Drawn once the box is in the page, so Chart.js can measure it.
  requestAnimationFrame(() => new Chart(canvas, config));
  return box;
}
