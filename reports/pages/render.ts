/** Renders report pages with handlebars into a folder: an index plus one page per saved query. */
import * as fs from "node:fs";
import * as path from "node:path";
import Handlebars from "handlebars";
import { billingRulesText } from "../../queries/cost";
import { AuditError } from "../../queries/errors";
import { Period } from "../../queries/saved";
import { count, humanBytes, percent, usd } from "./format";
import { DEFAULT_RENDER, indexModel, pageModel, QueryOutcome, RenderOptions } from "./pages";

/**
 * `reports/templates` from the source (`reports/pages`), from compiled output (`dist/reports/pages`),
 * or from the CLI bundle (`dist/cli`).
 */
export function templatesDirectory(): string {
  const candidates = [
    path.join(__dirname, "..", "templates"),
    path.join(__dirname, "..", "..", "..", "reports", "templates"),
    path.join(__dirname, "..", "..", "reports", "templates"),
  ];
  const found = candidates.find((dir) => fs.existsSync(path.join(dir, "index.hbs")));
  if (!found) throw new AuditError(`report templates not found (looked in ${candidates.join(", ")})`);
  return found;
}

function environment(): typeof Handlebars {
  const hbs = Handlebars.create();
  hbs.registerHelper("bytes", (v: number) => humanBytes(v));
  hbs.registerHelper("usd", (v: number) => usd(v));
  hbs.registerHelper("count", (v: number) => count(v));
  hbs.registerHelper("percent", (part: number, whole: number) => percent(part, whole));
  return hbs;
}

export interface RenderedReport {
  file: string;
  content: string;
}

/** The pages as text, in a stable order: index first, then one page per query. */
export function renderReports(
  outcomes: readonly QueryOutcome[],
  period: Period,
  source: string,
  options: RenderOptions = DEFAULT_RENDER,
): RenderedReport[] {
  // Markdown, not HTML: cells are made table-safe by the format helpers, so no HTML escaping.
  const hbs = environment();
  const dir = templatesDirectory();
  const compile = (name: string) => hbs.compile(fs.readFileSync(path.join(dir, `${name}.hbs`), "utf8"), { noEscape: true, strict: true });
  const index = compile("index");
  const page = compile("report");
  // Every page states the billing rules and the TB definition its costs follow (report.hbs prints
  // `billing`; the index's context carries it for index.hbs too).
  const billing = billingRulesText(options.tb);
  return [
    { file: "index.md", content: index({ ...indexModel(outcomes, period, source), billing }) },
    ...outcomes.map((o) => {
      const model = pageModel(o, period, options);
      return { file: model.file, content: page({ ...model, billing }) };
    }),
  ];
}

/** Writes the pages into `outDir` (created if needed); returns the paths written. */
export function writeReports(reports: readonly RenderedReport[], outDir: string): string[] {
  fs.mkdirSync(outDir, { recursive: true });
  return reports.map((r) => {
    const file = path.join(outDir, r.file);
    fs.writeFileSync(file, r.content);
    return file;
  });
}
