/**
 * Tables that fit GitHub's width and show the data as it is (issue 13, part 2): Markdown-safe text
 * and names (checked with a real GFM renderer, marked), short principal names with a legend, each
 * page's column plan on hand-made rows, and every page of a generated lake against the rules (at
 * most seven columns, numbers right-aligned and first after the name, no id or e-mail address loose).
 */
import { marked } from "marked";
import { beforeAll, describe, expect, it } from "vitest";
import { QueryResult, Row } from "../../queries/engine";
import { Period, SAVED, SavedQuery } from "../../queries/saved";
import { cell, codeSpan, Footnotes, markdownText, PrincipalNames } from "../../reports/pages/format";
import { pageModel } from "../../reports/pages/model";
import { TableModel } from "../../reports/pages/types";
import { renderReports, runSavedQueries } from "../../reports/publish";
import { joinedLake, JoinedLake } from "../support/lake";
import { at } from "../support/defined";
import { cleanupAfterAll } from "../support/cleanup";

/** One table cell of Markdown as GitHub Flavored Markdown renders it (marked, GFM on). */
function renderCell(markdown: string): string {
  const html = marked.parse(`| h |\n| --- |\n| ${markdown} |\n`, { async: false, gfm: true });
  return /<td>([\s\S]*?)<\/td>/.exec(html)?.[1] ?? "";
}

/** What a reader sees of rendered HTML: the text, tags gone, entities decoded. */
function textOf(html: string): string {
  return html
    .replace(/<[^>]*>/g, "")
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, "&");
}

/** Text that GFM would turn into links, emphasis, code, HTML or a second cell if printed as it is. */
const HOSTILE = [
  "carol@northwind.example",
  "AWSReservedSSO_Admin/ops+alerts@example.co.uk",
  "www.example.com",
  "https://example.com/a_b?c=1",
  "mailto:x@y.io",
  "<https://example.com>",
  "<b>bold</b> & <script>alert(1)</script>",
  "*starred* _under_ __strong__ ~~gone~~",
  "`code` and [a link](https://example.com) and ![an image](x.png)",
  "a | b",
  "&amp; &copy; &#64;",
  "$x^2$ costs $5 and $6",
  "back\\slash\\",
  "@octocat #12",
];

describe("text in table cells", () => {
  it("escapes by hand-worked rules", () => {
    expect(markdownText("carol@northwind.example")).toBe("carol@<wbr>northwind.example");
    expect(markdownText("see https://x.io or www.x.io")).toBe("see https\\://x.io or www\\.x.io");
    expect(markdownText("*a* _b_ `c` [d](e) <f> & $g | ~h~ \\")).toBe(
      "\\*a\\* \\_b\\_ \\`c\\` \\[d\\](e) \\<f\\> \\& \\$g \\| \\~h\\~ \\\\",
    );
    expect(markdownText(null)).toBe("");
    expect(markdownText("a\n  b", 3)).toBe("a b");
    expect(markdownText("abcdef", 4)).toBe("abc…");
  });

  it.each(HOSTILE)("renders %j as exactly that text, with no link, emphasis, code or HTML", (text) => {
    const html = renderCell(markdownText(text, 200));
    expect(html).not.toMatch(/<(a|em|strong|code|del|img|b|script)\b/);
    expect(textOf(html)).toBe(text);
  });

  it("is needed: the plain table cell of before let GFM link an e-mail address and a URL", () => {
    expect(renderCell(cell("carol@northwind.example"))).toContain('<a href="mailto:carol@northwind.example">');
    expect(renderCell(cell("www.example.com"))).toContain("<a href=");
  });

  it("puts query text in a code span that keeps backticks and pipes", () => {
    expect(codeSpan("SELECT `a` FROM t")).toBe("``SELECT `a` FROM t``");
    expect(codeSpan("`x`")).toBe("`` `x` ``");
    expect(codeSpan("SELECT a|b")).toBe("`SELECT a\\|b`");
    expect(codeSpan("")).toBe("");
    for (const sql of ["SELECT `a` FROM t", "`x`", "SELECT a || b FROM t WHERE c = '|'", "SELECT '``' AS x"]) {
      const html = renderCell(codeSpan(sql));
      expect(html.startsWith("<code>") && html.endsWith("</code>"), html).toBe(true);
      expect(textOf(html)).toBe(sql);
    }
  });
});

describe("principal names", () => {
  const sso = "arn:aws:sts::210987654321:assumed-role/AWSReservedSSO_DataAnalyst_5f3e2a1b0c9d8e7f/dave@northwind.example";
  const ssoRole = "arn:aws:iam::210987654321:role/aws-reserved/sso.amazonaws.com/AWSReservedSSO_DataAnalyst_5f3e2a1b0c9d8e7f";
  const quicksight = "arn:aws:iam::210987654321:role/service-role/aws-quicksight-service-role-v0";
  const glue = "arn:aws:sts::210987654321:assumed-role/etl-nightly-glue/GlueJobRunnerSession";
  const alice = "arn:aws:iam::210987654321:user/alice";
  const federated = "arn:aws:sts::210987654321:federated-user/bob";
  const root = "arn:aws:iam::210987654321:root";

  it("shows roles and users by name, an Identity Center role by its permission set, and lists what was left out", () => {
    const names = new PrincipalNames([sso, ssoRole, quicksight, glue, alice, federated, root, "(unattributed)", null]);
    expect([sso, ssoRole, quicksight, glue, alice, federated, root, "(unattributed)"].map((v) => names.plain(v))).toEqual([
      "DataAnalyst/dave@northwind.example",
      "DataAnalyst",
      "aws-quicksight-service-role-v0",
      "etl-nightly-glue/GlueJobRunnerSession",
      "alice",
      "federated-user/bob",
      "root",
      "(unattributed)",
    ]);
    expect(names.legend()).toEqual([
      "aws-quicksight-service-role-v0 is `service-role/aws-quicksight-service-role-v0`",
      "DataAnalyst is `aws-reserved/sso.amazonaws.com/AWSReservedSSO_DataAnalyst_5f3e2a1b0c9d8e7f`",
    ]);
    expect(names.cell(sso)).toBe("DataAnalyst/<wbr>dave@<wbr>northwind.example");
    expect(textOf(renderCell(names.cell(sso)))).toBe("DataAnalyst/dave@northwind.example");
  });

  it("keeps the full name of two that would read the same", () => {
    const admin = (hex: string) => `arn:aws:sts::210987654321:assumed-role/AWSReservedSSO_Admin_${hex}/erin`;
    const plainRole = "arn:aws:iam::210987654321:role/DataAnalyst";
    const names = new PrincipalNames([admin("0123456789abcdef"), admin("fedcba9876543210"), ssoRole, plainRole]);
    expect(names.plain(admin("0123456789abcdef"))).toBe("AWSReservedSSO_Admin_0123456789abcdef/erin");
    expect(names.plain(admin("fedcba9876543210"))).toBe("AWSReservedSSO_Admin_fedcba9876543210/erin");
    expect(names.plain(ssoRole)).toBe("AWSReservedSSO_DataAnalyst_5f3e2a1b0c9d8e7f");
    expect(names.plain(plainRole)).toBe("DataAnalyst");
    // The same role name under two paths in two accounts: each keeps its path and says its account.
    const paths = new PrincipalNames(["arn:aws:iam::111111111111:role/a/x", "arn:aws:iam::222222222222:role/b/x"]);
    expect([paths.plain("arn:aws:iam::111111111111:role/a/x"), paths.plain("arn:aws:iam::222222222222:role/b/x")]).toEqual([
      "a/x (111111111111)",
      "b/x (222222222222)",
    ]);
    expect(paths.legend()).toEqual([]);
  });

  it("says whose a name is when two accounts hold it (one permission set provisioned to both)", () => {
    const analyst = (account: string) => `arn:aws:sts::${account}:assumed-role/AWSReservedSSO_DataAnalyst_5f3e2a1b0c9d8e7f/dana`;
    const etl = "arn:aws:iam::210987654321:role/service-role/etl";
    const names = new PrincipalNames([analyst("210987654321"), analyst("109876543210"), etl]);
    expect(names.plain(analyst("210987654321"))).toBe("DataAnalyst/dana (210987654321)");
    expect(names.plain(analyst("109876543210"))).toBe("DataAnalyst/dana (109876543210)");
    // A name in one account only stays as it was.
    expect(names.plain(etl)).toBe("etl");
  });

  it("numbers footnotes in order of first use, once per note", () => {
    const notes = new Footnotes();
    expect([notes.mark("a"), notes.mark("b"), notes.mark("a")]).toEqual(["¹", "²", "¹"]);
    expect(notes.list()).toEqual(["¹ a", "² b"]);
  });
});

const PERIOD: Period = { from: "2026-08-03", to: "2026-10-31" };
const NB = "\u00a0";

function result(query: SavedQuery, rows: Row[]): QueryResult {
  return { columns: query.columns.map((c) => ({ name: c.name, type: c.type })), rows, bytesScanned: 0 };
}

function only(tables: TableModel[]): TableModel {
  expect(tables).toHaveLength(1);
  return at(tables, 0, "the page's table");
}

describe("each page's columns, on hand-made rows", () => {
  it("top scanners: each IAM principal with its cost against the previous period, an SSO role's people beneath it", () => {
    const role = "arn:aws:iam::210987654321:role/aws-reserved/sso.amazonaws.com/AWSReservedSSO_DataAnalyst_5f3e2a1b0c9d8e7f";
    const session = (name: string) => `arn:aws:sts::210987654321:assumed-role/AWSReservedSSO_DataAnalyst_5f3e2a1b0c9d8e7f/${name}`;
    const totals = {
      total_queries: 600,
      total_cost_usd: 100,
      total_previous_queries: 500,
      total_previous_cost_usd: 80,
      total_sessions: 4,
      total_principals: 2,
      evidence_from: "2026-05-05",
    };
    const row = (rank: number, iam: string, principal: string, sessionRank: number, cost: number, previous: number) => ({
      iam_principal_arn: iam,
      principal,
      account_id: "210987654321",
      principal_type: iam.includes(":role/") ? "AssumedRole" : "IAMUser",
      queries: 100,
      data_scanned_bytes: (cost * 1024 ** 4) / 5,
      cost_usd: cost,
      previous_queries: 90,
      previous_cost_usd: previous,
      first_active_day: "2026-05-05",
      principal_cost_usd: rank === 1 ? 60 : 10,
      principal_data_scanned_bytes: ((rank === 1 ? 60 : 10) * 1024 ** 4) / 5,
      principal_queries: rank === 1 ? 300 : 100,
      principal_previous_cost_usd: rank === 1 ? 40 : 10,
      principal_previous_queries: 270,
      session_count: rank === 1 ? 3 : 1,
      session_rank: sessionRank,
      rank,
      ...totals,
    });
    const rows = [
      row(1, role, session("carol@northwind.example"), 1, 35, 20),
      row(1, role, session("dave@northwind.example"), 2, 25, 20),
      row(2, "arn:aws:iam::210987654321:user/alice", "arn:aws:iam::210987654321:user/alice", 1, 10, 10),
    ];
    // Five sessions are listed at most: the role's third is said as one more, its figures the rest of the role's.
    const model = pageModel({ query: SAVED.top_scanners, result: result(SAVED.top_scanners, rows) }, PERIOD);
    const table = only(model.tables);
    expect(table.headers).toEqual(["Principal", "Cost", "Previous 90 d (change)", "Scanned", "Queries", "Type"]);
    expect(table.rules).toEqual(["---", "---:", "---:", "---:", "---:", "---"]);
    expect(table.rows).toEqual([
      ["DataAnalyst", "$60.00", `$40.00${NB}(+50.0%)`, `12.0${NB}TiB`, "300", "assumed role"],
      ["↳ carol@<wbr>northwind.example", "$35.00", `$20.00${NB}(+75.0%)`, `7.0${NB}TiB`, "100", ""],
      ["↳ dave@<wbr>northwind.example", "$25.00", `$20.00${NB}(+25.0%)`, `5.0${NB}TiB`, "100", ""],
      ["↳ 1 more session", "$0.00", `$0.00${NB}(±0.0%)`, `0${NB}B`, "100", ""],
      ["alice", "$10.00", `$10.00${NB}(±0.0%)`, `2.0${NB}TiB`, "100", "IAM user"],
    ]);
    expect(model.context[0]).toMatch(/^The previous period is 2026-05-05 to 2026-08-02\. /);
  });

  it("heaviest queries: a shape's heaviest run beside all its runs; ids, start times, run times and regions in their own table", () => {
    const row = (rank: number, state: string, cost: number | null) => ({
      query_execution_id: `0000000${rank}-9561-4e6d-9a1b-60b8f4d4717c`,
      event_time: "2026-10-23T02:32:35.120Z",
      principal: "arn:aws:iam::210987654321:user/alice",
      work_group: "primary",
      database_name: "sales",
      state,
      data_scanned_bytes: 1536 * 1024 ** 3,
      cost_usd: cost,
      total_execution_ms: 7_620_000,
      query_text: "SELECT * FROM orders WHERE email = 'carol@northwind.example' GROUP BY 1 LIMIT 100",
      region: "eu-west-1",
      shape_runs: rank === 1 ? 90 : 1,
      shape_data_scanned_bytes: rank === 1 ? 104.5 * 1024 ** 4 : 1536 * 1024 ** 3,
      shape_cost_usd: rank === 1 ? 511.2 : (cost ?? 0),
      rank,
    });
    const model = pageModel(
      {
        query: SAVED.heaviest_queries,
        result: result(SAVED.heaviest_queries, [row(1, "SUCCEEDED", 7.5), row(2, "FAILED", 0), row(3, "SUCCEEDED", null)]),
      },
      PERIOD,
    );
    const main = at(model.tables, 0, "the queries table");
    const ids = at(model.tables, 1, "the query ids table");
    expect(main.headers).toEqual(["#", "Scanned", "Cost", "All runs of the shape", "Principal", "Database (work group)", "Query"]);
    expect(main.rows[0]).toEqual([
      "1",
      `1.5${NB}TiB`,
      "$7.50",
      `90${NB}runs,${NB}104.5${NB}TiB,${NB}$511.20`,
      "alice",
      "sales (primary)",
      "`SELECT * FROM orders WHERE email = '?' GROUP BY 1 LIMIT 100`",
    ]);
    expect(main.rows.map((r) => r[2])).toEqual(["$7.50", `$0.00${NB}(failed)`, "unknown"]);
    expect(main.rows[1]?.[3]).toBe(`1${NB}run,${NB}1.5${NB}TiB,${NB}$0.00`);
    expect(JSON.stringify(main)).not.toMatch(/[0-9a-f]{8}-[0-9a-f]{4}-/);
    expect(ids.title).toBe("Query ids");
    expect(ids.headers).toEqual(["#", "Run time", "Query id", "Started (UTC)", "Region"]);
    expect(ids.rows[1]).toEqual([
      "2",
      `2${NB}h${NB}07${NB}min`,
      "`00000002-9561-4e6d-9a1b-60b8f4d4717c`",
      "2026-10-23 02:32:35",
      "eu-west-1",
    ]);
  });

  it("permission gaps: not in the lookback for grants unused in it, window and access path said once, notes as footnotes", () => {
    const base = {
      principal_type: "user",
      access_path: "iam",
      principal_queries: 453,
      principal_last_active: "2026-10-31",
      principal_other_calls: 0,
      principal_other_engines: null,
      principal_other_last_active: null,
      window_from: PERIOD.from,
      window_to: PERIOD.to,
      last_used_from: PERIOD.from,
    };
    const rows = [
      {
        ...base,
        principal_arn: "arn:aws:iam::210987654321:user/alice",
        grant_kind: "table",
        resource: "finance.ledger",
        last_used: null,
        confidence: "low",
        reason: "1 unattributed query read finance.ledger on 2026-08-23 (any could have been this principal's)",
      },
      {
        ...base,
        principal_arn: "arn:aws:iam::210987654321:user/alice",
        grant_kind: "table",
        resource: "finance.invoices",
        last_used: "2026-05-02",
        confidence: "medium",
        reason:
          "queries lack history or a named principal on 2 region-day(s) (first 2026-08-23 us-east-1), " +
          "though no unattributed query touched finance.invoices",
      },
      {
        ...base,
        principal_arn: "arn:aws:iam::210987654321:user/new-analyst",
        principal_queries: 0,
        principal_last_active: null,
        principal_other_calls: 0,
        principal_other_engines: null,
        principal_other_last_active: null,
        grant_kind: "workgroup",
        resource: "analysts",
        last_used: null,
        confidence: "high",
        reason: "every query of the window has history and a named principal; no unattributed query touched analysts",
      },
      {
        ...base,
        principal_arn: "arn:aws:iam::210987654321:role/etl-orders-glue",
        principal_type: "role",
        principal_queries: 0,
        principal_last_active: null,
        principal_other_calls: 1_240,
        principal_other_engines: "glue-etl",
        principal_other_last_active: "2026-10-31",
        grant_kind: "table",
        resource: "sales.refunds",
        last_used: null,
        confidence: "medium",
        reason: "the trail does not record Glue read events: a Spark job's use would not be seen",
      },
    ];
    const model = pageModel({ query: SAVED.permission_gaps, result: result(SAVED.permission_gaps, rows) }, PERIOD);
    const [verdicts, table] = model.tables;
    expect(model.context).toEqual(["Every grant below is held through IAM policies."]);
    // One verdict per principal, surest first: new-analyst ran nothing and its one grant has no doubt.
    expect(verdicts?.headers).toEqual(["Principal", "Verdict", "Confidence", "Exposes", "Why", "Suggested change"]);
    expect(verdicts?.rows.map((r) => r.slice(0, 4))).toEqual([
      ["new-analyst", "**remove** the user", "high", "work group analysts"],
      ["alice", "**trim** 2 grants", "medium", "2 tables"],
      ["etl-orders-glue", "**trim** 1 grant", "medium", "table sales.refunds"],
    ]);
    expect(verdicts?.rows[2]?.[4]).toBe(
      "ran no Athena query, and read through Glue ETL (1,240 calls, last on 2026-10-31); 1 grant unused in the last 90 days; " +
        "not sure: the trail does not record Glue read events: a Spark job's use would not be seen",
    );
    // The grants under the verdicts, in their order.
    expect(table?.headers).toEqual(["Principal", "Grant", "Last used", "Confidence", "Reason"]);
    expect(table?.rows).toEqual([
      [
        "new-analyst",
        "work group analysts",
        "not in the last 90 days",
        "high",
        "every query of the window has history and a named principal; no unattributed query touched it",
      ],
      ["alice", "table finance.ledger", "not in the last 90 days", "low", "1 unattributed query read finance.ledger on 2026-08-23¹"],
      ["alice", "table finance.invoices", "2026-05-02", "medium", "evidence incomplete², though no unattributed query touched it"],
      [
        "etl-orders-glue",
        "table sales.refunds",
        "not in the last 90 days",
        "medium",
        "the trail does not record Glue read events: a Spark job's use would not be seen",
      ],
    ]);
    expect(table?.notes).toEqual([
      "¹ Any of these unattributed queries could have been this principal's.",
      "² Queries lack history or a named principal on 2 region-day(s) (first 2026-08-23 us-east-1).",
    ]);
    // A window other than the period, and access paths that differ, are shown.
    const other = rows.map((r, i) => ({ ...r, window_from: "2026-09-01", access_path: i === 0 ? "lake-formation" : "iam" }));
    const shifted = pageModel({ query: SAVED.permission_gaps, result: result(SAVED.permission_gaps, other) }, PERIOD);
    expect(shifted.context).toEqual(["Window: 2026-09-01 to 2026-10-31."]);
    expect(shifted.tables[1]?.headers).toEqual(["Principal", "Grant", "Access path", "Last used", "Confidence", "Reason"]);
  });

  it("failed and cancelled: a table per state, and a failed query's cost shown when one is not free", () => {
    const row = (state: string, cost: number) => ({
      state,
      error_category: state === "FAILED" ? "user" : null,
      error_type: state === "FAILED" ? 1100 : null,
      principal: "arn:aws:iam::210987654321:user/bob",
      queries: 3,
      data_scanned_bytes: 1024,
      cost_usd: cost,
      engine_execution_ms: 850,
      total_execution_ms: 12_340,
      example_error: state === "FAILED" ? "SYNTAX_ERROR: line 3:9: Column 'amout' cannot be resolved" : null,
    });
    const free = pageModel(
      { query: SAVED.failed_and_cancelled, result: result(SAVED.failed_and_cancelled, [row("CANCELLED", 0.01), row("FAILED", 0)]) },
      PERIOD,
    );
    expect(free.tables.map((t) => [t.title, t.headers.length, t.rows.length])).toEqual([
      ["Cancelled: billed for what they scanned", 6, 1],
      ["Failed: free, but they took time", 7, 1],
    ]);
    expect(at(free.tables, 1, "the failed table").rows[0]).toEqual([
      "bob",
      `12.3${NB}s`,
      `850${NB}ms`,
      "3",
      `1.0${NB}KiB`,
      "1100 (user)",
      "SYNTAX\\_ERROR: line 3:9: Column 'amout' cannot be resolved",
    ]);
    const billed = pageModel(
      { query: SAVED.failed_and_cancelled, result: result(SAVED.failed_and_cancelled, [row("FAILED", 0.25)]) },
      PERIOD,
    );
    expect(at(billed.tables, 1, "the failed table").headers.slice(0, 2)).toEqual(["Principal", "Cost"]);
    const cancelled = at(billed.tables, 0, "the cancelled table");
    expect(cancelled.rows).toEqual([]);
    expect(cancelled.empty).toBe("None in this period.");
  });

  it("a page without a plan: the name, then the numbers right-aligned, then the rest", () => {
    const query = {
      name: "example",
      title: "Example",
      description: "Example.",
      parameters: () => ({}),
      columns: [
        { name: "table_name", type: "varchar" },
        { name: "note", type: "varchar" },
        { name: "cost_usd", type: "double" },
        { name: "principal", type: "varchar" },
        { name: "runs", type: "bigint" },
      ],
    } as const satisfies SavedQuery;
    const row = {
      table_name: "sales.orders",
      note: "a_b",
      cost_usd: 1.5,
      principal: "arn:aws:iam::210987654321:user/carol@x.io",
      runs: 1200,
    };
    // DuckDB names a sum's type its own way: the declared type decides.
    const res = {
      columns: query.columns.map((c) => ({ name: c.name, type: c.name === "runs" ? "hugeint" : c.type })),
      rows: [row],
      bytesScanned: 0,
    };
    const table = only(pageModel({ query, result: res }, PERIOD).tables);
    expect(table.headers).toEqual(["Table name", "Cost", "Runs", "Note", "Principal"]);
    expect(table.rules).toEqual(["---", "---:", "---:", "---", "---"]);
    expect(table.rows).toEqual([["sales.orders", "$1.50", "1,200", "a\\_b", "carol@<wbr>x.io"]]);
  });
});

describe("every page of a generated lake", () => {
  let lake: JoinedLake;
  let pages: { file: string; content: string; tables: TableModel[] }[];

  const cleanUp = cleanupAfterAll();
  beforeAll(async () => {
    lake = await joinedLake({ days: 40, seed: 11, endDay: "2026-10-31" });
    cleanUp(() => lake.dispose());
    const period = { from: lake.ledger.firstDay, to: lake.ledger.lastDay };
    const outcomes = await runSavedQueries(lake.engine, period);
    const rendered = renderReports(outcomes, period, "test");
    pages = outcomes.map((o) => {
      const model = pageModel(o, period);
      return { file: model.file, content: rendered.find((r) => r.file === model.file)!.content, tables: model.tables };
    });
  });

  /** The pages with a column plan (pages.ts); a new query's page gets every column until it has one. */
  const PLANNED = [
    SAVED.top_scanners,
    SAVED.heaviest_queries,
    SAVED.usage_daily,
    SAVED.usage_by_workgroup,
    SAVED.principal_profiles,
    SAVED.failed_and_cancelled,
    SAVED.permission_gaps,
    SAVED.data_coverage,
  ];

  it.each(PLANNED.map((q) => `${q.name}.md`))("%s: at most seven columns, numbers right-aligned and first after the name", (file) => {
    const page = pages.find((p) => p.file === file)!;
    for (const table of page.tables) {
      expect(table.headers.length, table.headers.join(" | ")).toBeLessThanOrEqual(7);
      // Right-aligned columns come before every left-aligned one but the first.
      const firstLeftAfterName = table.rules.findIndex((r, i) => i > 0 && r === "---");
      if (firstLeftAfterName > 0) expect(table.rules.slice(firstLeftAfterName), table.headers.join(" | ")).not.toContain("---:");
      // A column whose cells are all amounts, sizes, counts or durations is right-aligned.
      table.headers.forEach((header, i) => {
        const cells = table.rows.map((r) => at(r, i, `${file}: a ${header} cell`)).filter((c) => c !== "");
        const numeric =
          cells.length > 0 &&
          cells.every((c) => /^(\$[\d,.]+|[\d,.]+(\u00a0(B|KiB|MiB|GiB|TiB|PiB|ms|s|min|h)([\u00a0\d]+(min|s))?)?)$/.test(c));
        if (numeric) expect(table.rules[i], `${file}: ${header}`).toBe("---:");
      });
    }
  });

  it("prints every table with GFM's alignment row, and no id, e-mail address or URL where GFM would link it", () => {
    for (const page of pages) {
      for (const table of page.tables.filter((t) => t.rows.length > 0)) {
        expect(page.content, page.file).toContain(`| ${table.headers.join(" | ")} |\n| ${table.rules.join(" | ")} |\n`);
      }
      const html = marked.parse(page.content, { async: false, gfm: true });
      expect(html, page.file).not.toMatch(/href="(mailto:|https?:|xmpp:)/);
      // Query ids only in the table made for them.
      const id = /^`?[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}`?$/;
      const idTables = page.tables.filter((t) => t.rows.some((row) => row.some((c) => id.test(c))));
      for (const t of idTables) expect(t.title, page.file).toBe("Query ids");
    }
    // The lake has e-mail addresses in session names, so the check above had something to catch.
    expect(pages.some((p) => p.content.includes("@<wbr>northwind.example"))).toBe(true);
  });

  it("says not in the lookback's days where a grant was not used in it, and nothing from the period on each row", () => {
    const gaps = pages.find((p) => p.file === "permission_gaps.md")!;
    const table = at(gaps.tables, 1, "the grants table, under the verdicts");
    const lastUsed = table.headers.indexOf("Last used");
    expect(lastUsed).toBeGreaterThan(0);
    expect(table.rows.length).toBeGreaterThan(0);
    for (const row of table.rows) expect(row[lastUsed]).toMatch(/^(not in the last [\d,]+ days|\d{4}-\d{2}-\d{2}( \(.+\))?)$/);
    expect(table.rows.some((row) => row[lastUsed]?.startsWith("not in the last"))).toBe(true);
    expect(table.headers).not.toContain("Window from");
  });
});
