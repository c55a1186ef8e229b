/** What the page modules, the page registry and the templates share: the models the templates print. */
import type { AnomalySettings } from "../../core/anomaly-settings";
import type { TbDefinition } from "../../core/cost";
import type { QueryResult } from "../../queries/engine";
import type { Period, SavedQuery } from "../../queries/saved";

export interface QueryOutcome {
  query: SavedQuery;
  result: QueryResult;
}

/** A table as report.hbs prints it. */
export interface TableModel {
  /** A heading over it, on a page with more than one table. */
  title?: string;
  headers: string[];
  /** GFM's alignment row, one per column: `---:` right-aligns numbers, `---` the rest. */
  rules: string[];
  /** Cells as Markdown, already escaped. */
  rows: string[][];
  /** Lines under the table (Markdown): footnotes, long names, what the rows leave out. */
  notes: string[];
  /** What the page says instead of an empty table. */
  empty: string;
}

export interface PageModel {
  name: string;
  file: string;
  title: string;
  description: string;
  period: Period;
  /** Sentences after the period: what every row shares, said once instead of in a column. */
  context: string[];
  tables: TableModel[];
  chart?: string;
  footnote: string;
}

export interface RenderOptions {
  /** Mask literals in query text (on by default: reports reach more people than the data). */
  redact: boolean;
  /** The TB definition the saved queries priced the costs in, at report time (core/cost.ts). Default binary. */
  tb?: TbDefinition;
  /** The anomaly settings the queries ran with, for the anomalies page's notes. */
  anomalies?: AnomalySettings;
}

export const DEFAULT_RENDER: RenderOptions = { redact: true };

/** What a page module makes of its query's result: the sentences under the title, the tables, a chart. */
export type PageShape = Pick<PageModel, "context" | "tables"> & Partial<Pick<PageModel, "chart">>;

/** A page module's function (registered in ./registry.ts); `query` is the saved query whose `result` it shows. */
export type Page = (result: QueryResult, period: Period, options: RenderOptions, query: SavedQuery) => PageShape;
