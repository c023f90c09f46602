// Builds the static assets of the web pages into kado_web/static/kado_web/dist/:
//   site.css     Tailwind with the Digital Agency design tokens (theme plugin)
//   app.js       htmx and the small page behaviours, bundled (no CDN)
//   charts.js    the leadership charts: reads each chart's JSON and draws it with ECharts
//   echarts.min.js  Apache ECharts, copied from the npm package for the chart pages
// `npm run build` once; `npm run watch` rebuilds on change.
import { spawn } from "node:child_process";
import { copyFile, mkdir, rm } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";

import * as esbuild from "esbuild";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const out = path.join(root, "kado_web", "static", "kado_web", "dist");
const watch = process.argv.includes("--watch");

function tailwind() {
  const args = [
    path.join(root, "node_modules", "@tailwindcss", "cli", "dist", "index.mjs"),
    "-i",
    path.join(root, "src", "site.css"),
    "-o",
    path.join(out, "site.css"),
    ...(watch ? ["--watch"] : ["--minify"]),
  ];
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { cwd: root, stdio: "inherit" });
    child.on("exit", (code) => (code === 0 ? resolve() : reject(new Error(`tailwind: ${code}`))));
  });
}

const jsOptions = {
  entryPoints: [path.join(root, "src", "app.js"), path.join(root, "src", "charts.js")],
  bundle: true,
  format: "iife",
  target: ["es2020"],
  outdir: out,
  minify: !watch,
  sourcemap: watch,
  logLevel: "info",
  legalComments: "linked",
};

await rm(out, { recursive: true, force: true });
await mkdir(out, { recursive: true });
await copyFile(
  path.join(root, "node_modules", "echarts", "dist", "echarts.min.js"),
  path.join(out, "echarts.min.js"),
);
if (watch) {
  const context = await esbuild.context(jsOptions);
  await context.watch();
  await tailwind();
} else {
  await Promise.all([esbuild.build(jsOptions), tailwind()]);
}
