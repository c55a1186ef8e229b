/**
 * The access_by_engine page: per principal and table, which engines read it (Athena's queries and
 * every other engine's recorded reads), how often and how much; and what the trail does not record,
 * so an engine missing from the page is never read as "it did not read". Its index line too.
 */
import { SAVED, SavedRow, savedRows } from "../../queries/saved";
import { engineName } from "./engine-words";
import { codeSpan, count, humanBytes, markdownText, namesNote, PrincipalNames } from "./format";
import { Column, RIGHT, table } from "./table";
import type { Page } from "./types";

export type EngineRow = SavedRow<typeof SAVED.access_by_engine>;

const sourcesOf = (row: EngineRow) => row.sources.split(",");

/** Which kinds of the trail's evidence the period holds at all: none of a kind means the trail may not record it. */
export function recordedSources(rows: readonly EngineRow[]): { objectReads: boolean; catalogReads: boolean } {
  const sources = new Set(rows.flatMap(sourcesOf));
  return { objectReads: sources.has("s3"), catalogReads: sources.has("glue") };
}

export const NO_OBJECT_READS =
  "no S3 object reads were recorded in the period: the trail may not record data events for the lake's buckets";
export const NO_CATALOG_READS = "no Glue catalog reads recorded: the trail may not record read management events";

const sentence = (clause: string) => `${clause.charAt(0).toUpperCase()}${clause.slice(1)}.`;

/** What the trail does not record, for the page's header: a kind of evidence absent, or the limits of one present. */
function evidenceLimits(rows: readonly EngineRow[]): string[] {
  const { objectReads, catalogReads } = recordedSources(rows);
  return [
    objectReads
      ? "S3 object reads are data events: the trail records them only for the buckets its selectors name, so reads of " +
        "other buckets, or from a trail without data events, do not show here."
      : `${sentence(NO_OBJECT_READS)} A direct download of the files would not show here.`,
    catalogReads
      ? "Glue catalog reads show where the trail records read management events."
      : `${sentence(NO_CATALOG_READS)} Engines that read the catalog would not show here.`,
    "A principal or engine missing from the table is not evidence that it read nothing.",
  ];
}

/**
 * The table (or folder, or database) as the page shows it; one that two accounts' catalogs both name
 * says whose it is, as the headline's tables do.
 */
function resourceCell(rows: readonly EngineRow[]): (row: EngineRow) => string {
  const accountsOf = new Map<string, Set<string>>();
  for (const r of rows) accountsOf.set(r.resource, (accountsOf.get(r.resource) ?? new Set()).add(r.account_id));
  return (row) => {
    const name = markdownText(row.resource, 200);
    const kind = row.resource_kind === "prefix" ? " (S3, no table)" : row.resource_kind === "database" ? " (database)" : "";
    const whose = (accountsOf.get(row.resource)?.size ?? 0) > 1 ? ` in ${codeSpan(row.account_id)}` : "";
    return `${name}${kind}${whose}`;
  };
}

/** `3 (last 2026-10-31)`: how many days, and the last. */
const daysCell = (row: EngineRow) => `${count(row.days)} (last ${markdownText(row.last_day)})`;

export const accessByEnginePage: Page = (result) => {
  const rows = savedRows(SAVED.access_by_engine, result);
  const names = new PrincipalNames(rows.map((r) => r.iam_principal_arn));
  const engines = new Set(rows.map((r) => r.engine));
  const principals = new Set(rows.map((r) => r.iam_principal_arn));
  const resources = new Set(rows.map((r) => `${r.account_id} ${r.resource_kind} ${r.resource}`));
  const summary =
    rows.length === 0
      ? "Nothing recorded a read of the lake in the period."
      : `${count(principals.size)} ${principals.size === 1 ? "principal" : "principals"} read ` +
        `${count(resources.size)} ${resources.size === 1 ? "table or folder" : "tables or folders"} through ` +
        `${count(engines.size)} ${engines.size === 1 ? "engine" : "engines"}.`;
  const columns: Column<EngineRow>[] = [
    { label: "Principal", cell: (r) => names.cell(r.iam_principal_arn) },
    { label: "Table", cell: resourceCell(rows) },
    { label: "Engine", cell: (r) => engineName(r.engine) },
    { label: "Bytes", right: RIGHT, cell: (r) => humanBytes(r.bytes) },
    { label: "Calls", right: RIGHT, cell: (r) => count(r.calls) },
    { label: "Objects", right: RIGHT, cell: (r) => (r.objects === null ? "–" : count(r.objects)) },
    { label: "Days used", cell: daysCell },
  ];
  return {
    context: [summary, ...evidenceLimits(rows)],
    tables: [
      table(rows, columns, {
        notes: [
          "For Athena, calls are queries and bytes what they scanned in all: a query that read several tables counts its whole " +
            "scan for each, so Athena's rows do not add up across tables; it does not record the objects it read (–). For " +
            `other engines, calls are the catalog, Lake Formation and S3 calls recorded, bytes what S3 sent (${codeSpan(
              "bytesTransferredOut",
            )}), objects the distinct S3 objects read, summed over days.`,
          ...namesNote(names),
        ],
      }),
    ],
  };
};

/**
 * The index's line: how many engines other than Athena read how many tables, which, and the one that
 * read the most bytes; each kind of evidence the period lacks said as such, never as "none".
 */
export function accessByEngineLine(rows: readonly EngineRow[], link: string): string {
  const outside = rows.filter((r) => r.engine !== "athena");
  const { objectReads, catalogReads } = recordedSources(rows);
  const gaps = [...(objectReads ? [] : [NO_OBJECT_READS]), ...(catalogReads ? [] : [NO_CATALOG_READS])];
  const caveat = gaps.length === 0 ? "" : `; ${gaps.join("; ")}`;
  if (outside.length === 0) return `**Access by engine**: no reads outside Athena recorded in the period${caveat} (${link})`;
  const bytesByEngine = new Map<string, number>();
  for (const r of outside) bytesByEngine.set(r.engine, (bytesByEngine.get(r.engine) ?? 0) + r.bytes);
  const engines = [...bytesByEngine].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
  const tables = new Set(outside.filter((r) => r.resource_kind === "table").map((r) => `${r.account_id} ${r.resource}`));
  const [top] = engines;
  const most = top && top[1] > 0 ? `, the most bytes ${humanBytes(top[1])} by ${engineName(top[0])}` : "";
  const tablesRead = `${count(tables.size)} ${tables.size === 1 ? "table" : "tables"}`;
  return (
    `**Access by engine**: ${count(engines.length)} ${engines.length === 1 ? "engine" : "engines"} read ${tablesRead} ` +
    `outside Athena (${engines.map(([engine]) => engineName(engine)).join(", ")})${most}${caveat} (${link})`
  );
}
