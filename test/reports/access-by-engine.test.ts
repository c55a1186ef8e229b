/**
 * The Access by engine page and its index line on hand-written rows: engines named, bytes human,
 * Athena's objects shown as not recorded, and what the trail does not record said as such (a period
 * without S3 object reads or Glue catalog reads never reads as "none"). Figures worked by hand.
 */
import { describe, expect, it } from "vitest";
import { Period, SAVED } from "../../queries/saved";
import { accessByEngineLine, EngineRow, NO_CATALOG_READS, NO_OBJECT_READS } from "../../reports/pages/access-by-engine-page";
import { quietHeadlineInput } from "../support/headline-input";
import { headline } from "../../reports/pages/headline";
import { pageModel } from "../../reports/pages/model";
import { at } from "../support/defined";

const PERIOD: Period = { from: "2026-10-26", to: "2026-10-31" };
const LINK = "[Access by engine](access_by_engine.md)";
const GIB = 2 ** 30;
const MAIN = "210987654321";
const OTHER = "109876543210";

const row = (r: Partial<EngineRow> & Pick<EngineRow, "engine" | "resource" | "sources">): EngineRow => ({
  account_id: MAIN,
  iam_principal_arn: `arn:aws:iam::${MAIN}:role/etl-orders-glue`,
  resource_kind: "table",
  days: 1,
  calls: 1,
  objects: 0,
  bytes: 0,
  last_day: "2026-10-31",
  ...r,
});

const ATHENA = row({ engine: "athena", resource: "sales.orders", sources: "events", objects: null, bytes: 100 * GIB, calls: 12 });
const GLUE_S3 = row({ engine: "glue-etl", resource: "sales.orders", sources: "glue,s3", objects: 104, bytes: 2 * GIB, calls: 116 });
const GLUE_CATALOG = row({ engine: "glue-etl", resource: "sales.customers", sources: "glue", calls: 22 });
const DOWNLOAD = row({
  engine: "cli",
  iam_principal_arn: `arn:aws:iam::${MAIN}:role/reporting-app`,
  resource: "finance.ledger",
  sources: "s3",
  objects: 400,
  bytes: 3 * GIB,
  calls: 400,
  days: 1,
  last_day: "2026-10-28",
});
const FOLDER = row({ engine: "cli", resource_kind: "prefix", resource: "lake-bucket/tmp", sources: "s3", objects: 2, bytes: 1024 });

function page(rows: readonly EngineRow[]) {
  const columns = SAVED.access_by_engine.columns.map((c) => ({ name: c.name, type: c.type }));
  return pageModel({ query: SAVED.access_by_engine, result: { columns, rows: rows as never, bytesScanned: 0 } }, PERIOD);
}

describe("the index line", () => {
  it("counts the engines other than Athena and the tables they read, and names the one that read the most bytes", () => {
    // Glue ETL: 2 GiB over sales.orders and sales.customers; the CLI: 3 GiB of finance.ledger, plus a folder that is no table.
    expect(accessByEngineLine([ATHENA, GLUE_S3, GLUE_CATALOG, DOWNLOAD, FOLDER], LINK)).toBe(
      `**Access by engine**: 2 engines read 3 tables outside Athena (AWS CLI, Glue ETL), the most bytes 3.0 GiB by AWS CLI (${LINK})`,
    );
  });

  it("says which evidence the period lacks, never that nothing was read", () => {
    expect(accessByEngineLine([ATHENA, GLUE_CATALOG], LINK)).toBe(
      "**Access by engine**: 1 engine read 1 table outside Athena (Glue ETL); " +
        `no S3 object reads were recorded in the period: the trail may not record data events for the lake's buckets (${LINK})`,
    );
    expect(accessByEngineLine([ATHENA, DOWNLOAD], LINK)).toBe(
      "**Access by engine**: 1 engine read 1 table outside Athena (AWS CLI), the most bytes 3.0 GiB by AWS CLI; " +
        `no Glue catalog reads recorded: the trail may not record read management events (${LINK})`,
    );
    expect(accessByEngineLine([ATHENA], LINK)).toBe(
      `**Access by engine**: no reads outside Athena recorded in the period; ${NO_OBJECT_READS}; ${NO_CATALOG_READS} (${LINK})`,
    );
  });

  it("is on the index only when the query ran", () => {
    const input = quietHeadlineInput(PERIOD);
    const line = (engines?: readonly EngineRow[]) =>
      headline({ ...input, engines }).lines.find((l) => l.startsWith("**Access by engine**"));
    expect(line(undefined)).toBeUndefined();
    expect(line([])).toContain("no reads outside Athena recorded in the period");
  });
});

describe("the page", () => {
  it("shows each row with its engine named, bytes human, and Athena's objects as not recorded", () => {
    const model = page([ATHENA, DOWNLOAD, GLUE_S3, FOLDER]);
    const table = at(model.tables, 0, "the table");
    expect(table.headers).toEqual(["Principal", "Table", "Engine", "Bytes", "Calls", "Objects", "Days used"]);
    expect(table.rows.map((cells) => cells.map((c) => c.replace(/\u00a0/g, " ")))).toEqual([
      ["etl-orders-glue", "sales.orders", "Athena", "100.0 GiB", "12", "–", "1 (last 2026-10-31)"],
      ["reporting-app", "finance.ledger", "AWS CLI", "3.0 GiB", "400", "400", "1 (last 2026-10-28)"],
      ["etl-orders-glue", "sales.orders", "Glue ETL", "2.0 GiB", "116", "104", "1 (last 2026-10-31)"],
      ["etl-orders-glue", "lake-bucket/tmp (S3, no table)", "AWS CLI", "1.0 KiB", "1", "2", "1 (last 2026-10-31)"],
    ]);
    expect(model.context[0]).toBe("2 principals read 3 tables or folders through 3 engines.");
  });

  it("names the account of a table two accounts' catalogs both have", () => {
    const theirs = { ...ATHENA, account_id: OTHER, iam_principal_arn: `arn:aws:iam::${OTHER}:role/etl-orders-glue` };
    const cells = at(page([ATHENA, theirs, DOWNLOAD]).tables, 0, "the table").rows.map((r) => r[1]);
    expect(cells).toEqual([`sales.orders in \`${MAIN}\``, `sales.orders in \`${OTHER}\``, "finance.ledger"]);
  });

  it("says what the trail may not record when a kind of evidence is absent, and its limits when present", () => {
    const without = page([ATHENA, GLUE_CATALOG]).context.join(" ");
    expect(without).toContain(
      "No S3 object reads were recorded in the period: the trail may not record data events for the lake's buckets.",
    );
    expect(without).not.toContain("No Glue catalog reads recorded");
    const noCatalog = page([ATHENA, DOWNLOAD]).context.join(" ");
    expect(noCatalog).toContain("No Glue catalog reads recorded: the trail may not record read management events.");
    expect(noCatalog).not.toContain("No S3 object reads");
    expect(noCatalog).toContain("only for the buckets its selectors name");
    expect(page([]).context.join(" ")).toContain("not evidence that it read nothing");
  });
});
