#!/usr/bin/env node
// Screenshots of report pages as GitHub shows them, at its content width (1,012 px), for docs/:
// test/support/browser.ts renders each Markdown page (GFM, GitHub's stylesheet, the real Mermaid
// library, Debian's Chromium) and this writes a PNG of the whole page, then prints what a reader
// would meet: Mermaid errors, and what scrolls sideways (which element, how wide, its widest columns).
// Usage: npm run screenshots [-- [--out <dir>] <page.md> ...]
//   default: the demo's index, top scanners and permission gaps, into docs/screenshots/<page>.png
// Exits 1 when a Mermaid block does not draw (its screenshot is still written).
// Plain Node: browser.ts is bundled on the fly with esbuild (its packages stay external) into
// node_modules/.cache, where Node finds the packages it requires.
import * as fs from "node:fs";
import { createRequire } from "node:module";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import * as esbuild from "esbuild";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const DEMO = "reports/published/demo";
const DEFAULT_PAGES = ["index.md", "top_scanners.md", "permission_gaps.md", "anomalies.md"].map((page) => path.join(DEMO, page));

function parseArguments(argv) {
  const pages = [];
  let out = "docs/screenshots";
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === "--out") out = argv[++i];
    else if (argv[i].startsWith("-")) throw new Error(`unknown option ${argv[i]} (usage: screenshots [--out <dir>] <page.md> ...)`);
    else pages.push(argv[i]);
  }
  if (!out) throw new Error("--out needs a folder");
  return { out: path.resolve(out), pages: pages.length > 0 ? pages : DEFAULT_PAGES.map((p) => path.join(ROOT, p)) };
}

/** test/support/browser.ts as CommonJS; its own paths (`__dirname`, `__filename`) stay those of the source. */
async function loadBrowserModule() {
  const source = path.join(ROOT, "test", "support", "browser.ts");
  const outfile = path.join(ROOT, "node_modules", ".cache", "athena-audit", "browser.cjs");
  await esbuild.build({
    absWorkingDir: ROOT,
    entryPoints: [source],
    outfile,
    bundle: true,
    packages: "external",
    platform: "node",
    format: "cjs",
    logLevel: "warning",
    define: { __dirname: JSON.stringify(path.dirname(source)), __filename: JSON.stringify(source) },
  });
  return createRequire(import.meta.url)(outfile);
}

const { out, pages } = parseArguments(process.argv.slice(2));
const { openGithubView, GITHUB_CONTENT_WIDTH } = await loadBrowserModule();
const view = await openGithubView();
let failed = false;
try {
  for (const page of pages) {
    const png = path.join(out, `${path.basename(page, ".md")}.png`);
    const rendered = await view.render(fs.readFileSync(page, "utf8"), { screenshot: png });
    console.log(`${path.relative(ROOT, page)} -> ${path.relative(ROOT, png)}`);
    for (const error of [...rendered.mermaidErrors, ...rendered.pageErrors]) console.log(`  error: ${error}`);
    for (const m of rendered.mermaid) {
      if (m.overlappingLabels.length > 0)
        console.log(`  mermaid ${m.block}: ${m.overlappingLabels.length} pairs of labels over one another`);
    }
    if (!rendered.scrollsHorizontally) console.log(`  fits in ${GITHUB_CONTENT_WIDTH} px`);
    for (const o of rendered.overflows) {
      const columns = o.columns
        ? `; widest columns: ${o.columns
            .slice(0, 3)
            .map((c) => `${c.header} ${c.width} px`)
            .join(", ")}`
        : "";
      console.log(`  scrolls: ${o.element} (${o.detail}): ${o.width} px wide, ${o.visible} px visible${columns}`);
    }
    failed ||= rendered.mermaidErrors.length > 0;
  }
} finally {
  await view.close();
}
process.exitCode = failed ? 1 : 0;
