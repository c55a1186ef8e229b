/**
 * What makes the published pages, the I/O kept out of the pure page models (pages/): run the saved
 * queries for a period on an engine, print the models with the templates, and write the files.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { billingRulesText } from "../core/cost";
import { mapLimit } from "../core/concurrency";
import { QueryEngine } from "../queries/engine";
import { DEFAULT_OPTIONS, Period, runSavedQuery, SAVED_QUERIES, SavedQuery, SavedQueryOptions } from "../queries/saved";
import { markdownTemplate } from "./channels/templates";
import { indexModel, pageModel } from "./pages/model";
import { DEFAULT_RENDER, QueryOutcome, RenderOptions } from "./pages/types";

/** Runs the saved queries for a period on an engine, a bounded number at a time. */
export async function runSavedQueries(
  engine: QueryEngine,
  period: Period,
  options: SavedQueryOptions = DEFAULT_OPTIONS,
  queries: readonly SavedQuery[] = SAVED_QUERIES,
  concurrency = 1,
  onDone?: (query: SavedQuery) => void,
): Promise<QueryOutcome[]> {
  return mapLimit(queries, concurrency, async (query) => {
    const outcome = { query, result: await runSavedQuery(engine, query, period, options) };
    onDone?.(query);
    return outcome;
  });
}

export interface RenderedReport {
  file: string;
  content: string;
}

/** Whether a query's page shows money: one of its columns is a cost in dollars. */
export function showsMoney(query: SavedQuery): boolean {
  return query.columns.some((c) => /(?:^|_)cost(?:_|$)|_usd(?:_|$)/.test(c.name));
}

/** The pages as text, in a stable order: index first, then one page per query. */
export function renderReports(
  outcomes: readonly QueryOutcome[],
  period: Period,
  source: string,
  options: RenderOptions = DEFAULT_RENDER,
): RenderedReport[] {
  // `{{value}}` is escaped for Markdown; `{{{cells}}}` are the page models' own, escaped as they were built.
  const index = markdownTemplate("index");
  const page = markdownTemplate("report");
  // Every page that shows money states the billing rules and the TB definition its costs follow
  // (report.hbs prints `billing` when given; the index's context carries it for index.hbs too).
  const billing = billingRulesText(options.tb);
  return [
    { file: "index.md", content: index({ ...indexModel(outcomes, period, source), billing }) },
    ...outcomes.map((o) => {
      const model = pageModel(o, period, options);
      return { file: model.file, content: page({ ...model, billing: showsMoney(o.query) ? billing : undefined }) };
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
