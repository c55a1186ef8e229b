/** Renders report pages with handlebars into a folder: an index plus one page per saved query. */
import * as fs from "node:fs";
import * as path from "node:path";
import { billingRulesText } from "../../core/cost";
import { AuditError } from "../../core/errors";
import { Period } from "../../queries/saved";
import { compileMarkdown, markdownEnvironment, templateFile, trusted } from "../channels/templates";
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

/** The page templates' helpers: numbers the product formats, written as they are. */
function environment(): ReturnType<typeof markdownEnvironment> {
  return markdownEnvironment({
    bytes: (v: number) => trusted(humanBytes(v)),
    usd: (v: number) => trusted(usd(v)),
    count: (v: number) => trusted(count(v)),
    percent: (part: number, whole: number) => trusted(percent(part, whole)),
  });
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
  // `{{value}}` is escaped for Markdown; `{{{cells}}}` are the page models' own, escaped as they were built.
  const hbs = environment();
  const dir = templatesDirectory();
  const compile = (name: string) => compileMarkdown(hbs, templateFile(dir, name));
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
