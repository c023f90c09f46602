// Charts of the leadership reports, drawn with Apache ECharts (dist/echarts.min.js, loaded
// before this module). Each chart reads its figures from a <script type="application/json">
// element named by its container's data-chart attribute, so the page carries no inline
// script. The charts are decorative for assistive technology (aria-hidden): the table
// beside each one holds the same figures and is the accessible source.

const FALLBACK = ["#0017c1", "#00a3bf", "#e25100", "#259d63", "#7f19dd", "#ff8d44", "#626264"];

function tokens() {
  // The design tokens' colours, as the stylesheet defines them.
  const style = getComputedStyle(document.documentElement);
  const pick = (name, fallback) => style.getPropertyValue(name).trim() || fallback;
  return {
    palette: [
      pick("--color-blue-900", FALLBACK[0]),
      pick("--color-cyan-900", FALLBACK[1]),
      pick("--color-orange-800", FALLBACK[2]),
      pick("--color-green-800", FALLBACK[3]),
      pick("--color-purple-900", FALLBACK[4]),
      pick("--color-orange-500", FALLBACK[5]),
      pick("--color-solid-gray-600", FALLBACK[6]),
    ],
    text: pick("--color-solid-gray-900", "#1a1a1c"),
    font: getComputedStyle(document.body).fontFamily || "sans-serif",
    grid: pick("--color-solid-gray-200", "#cccccc"),
  };
}

function formatter(unit) {
  const numbers = new Intl.NumberFormat(document.documentElement.lang || "ja");
  return (value) => unit.replace("{}", numbers.format(value));
}

function option(spec, colours) {
  // The page's own font stack, so ECharts measures labels as they are drawn.
  const font = { color: colours.text, fontSize: 14, fontFamily: colours.font };
  const base = {
    color: colours.palette,
    animation: false,
    textStyle: font,
    tooltip: { trigger: spec.kind === "pie" ? "item" : "axis" },
    legend: spec.series.length > 1 || spec.kind === "pie" ? { bottom: 0, textStyle: font } : undefined,
  };
  if (spec.kind === "pie") {
    const format = formatter(spec.series[0].unit);
    return {
      ...base,
      tooltip: { trigger: "item", valueFormatter: format },
      series: [
        {
          type: "pie",
          radius: ["35%", "65%"],
          label: { formatter: "{b}\n{d}%", ...font },
          data: spec.labels.map((name, i) => ({ name, value: spec.series[0].values[i] })),
        },
      ],
    };
  }
  const horizontal = spec.kind === "hbar";
  const format = formatter(spec.series[0].unit);
  const valueAxis = {
    type: "value",
    axisLabel: { formatter: format, hideOverlap: true, ...font },
    splitNumber: 4,
    minInterval: 1, // people, yen and hours: never a tick at half a person
    splitLine: { lineStyle: { color: colours.grid } },
  };
  const categoryAxis = {
    type: "category",
    data: spec.labels,
    inverse: horizontal,
    axisLabel: horizontal
      ? { ...font, interval: 0, width: 180, overflow: "break" }
      : { ...font, interval: 0, hideOverlap: true },
  };
  return {
    ...base,
    tooltip: { trigger: "axis", valueFormatter: format },
    grid: { left: 8, right: 40, top: 16, bottom: base.legend ? 40 : 8, containLabel: true },
    xAxis: horizontal ? valueAxis : categoryAxis,
    yAxis: horizontal ? categoryAxis : valueAxis,
    series: spec.series.map((series) => ({
      name: series.name,
      type: spec.kind === "line" ? "line" : "bar",
      data: series.values,
      barMaxWidth: 40,
      symbolSize: 8,
    })),
  };
}

function draw() {
  const echarts = window.echarts;
  if (!echarts) return;
  const colours = tokens();
  for (const element of document.querySelectorAll("[data-chart]")) {
    const source = document.getElementById(element.dataset.chart);
    if (!source) continue;
    const spec = JSON.parse(source.textContent);
    if (spec.kind === "hbar") {
      element.style.height = `${Math.max(240, spec.labels.length * 36 + 48)}px`;
    }
    const chart = echarts.init(element, null, { renderer: "svg" });
    chart.setOption(option(spec, colours));
    if (window.ResizeObserver) {
      new ResizeObserver(() => chart.resize()).observe(element);
    }
  }
}

if (document.readyState === "loading") {
  document.addEventListener("DOMContentLoaded", draw);
} else {
  draw();
}
