/**
 * Redaction keeps a query's structure and masks its values (reports/pages/redact.ts). Checked three
 * ways: on the real queries of ../shared/realdata (worked by hand), against node-sql-parser's reading
 * of the same queries (an independent count of the values that must go), and on hand-worked cases
 * for each rule, the Hive DDL the parser refuses, and text a lexer could get wrong.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { Parser } from "node-sql-parser";
import { describe, expect, it } from "vitest";
import { SAVED } from "../../queries/saved";
import { redactSql } from "../../reports/pages/redact";
import { renderReports } from "../../reports/publish";

const fixture = JSON.parse(fs.readFileSync(path.join(__dirname, "..", "fixtures", "realdata-athena.json"), "utf8")) as {
  cloudtrail: { record: { requestParameters?: { queryString?: string } } }[];
  getQueryExecution: { queryExecution: { Query?: string } }[];
};
const fromTrail = (match: string) =>
  fixture.cloudtrail.map((c) => c.record.requestParameters?.queryString).find((q) => q?.includes(match))!;
const fromHistory = (match: string) => fixture.getQueryExecution.map((g) => g.queryExecution.Query).find((q) => q?.includes(match))!;

/** Panther's real StartQueryExecution (panther-analysis__athena_glue_test_events.json, via the fixture), redacted by hand. */
const PANTHER_REDACTED =
  "WITH PastCount as ( select p_source_label, count(*) as PastTotal from panther_views.all_logs " +
  "WHERE p_parse_time >= current_timestamp - interval '7200' second " +
  "and partition_time >= to_unixtime(date_trunc('HOUR', current_timestamp - interval '7200' second)) group by p_source_label ), " +
  "CurrentCount as ( select p_source_label, count(*) as CurrentTotal from panther_views.all_logs " +
  "WHERE p_parse_time >= current_timestamp - interval '3600' second " +
  "and partition_time >= to_unixtime(date_trunc('HOUR', current_timestamp - interval '3600' second)) group by p_source_label ) " +
  "SELECT PastCount.*, coalesce(CurrentCount.CurrentTotal, ?) AS CurrentTotal FROM CurrentCount " +
  "RIGHT OUTER JOIN PastCount ON PastCount.p_source_label = CurrentCount.p_source_label WHERE CurrentTotal IS NULL";

const CLOUDFRONT_REDACTED =
  "select date, location, browser, uri, status from cloudfront_logs where method = '?' and status = ? and location like '?' limit 10";

/** Every query text in ../shared/realdata, with where it is, and its redaction worked by hand. */
const REAL: [source: string, sql: string, redacted: string][] = [
  ["panther-analysis__athena_glue_test_events.json (fixture)", fromTrail("PastCount"), PANTHER_REDACTED],
  ["amazon-athena-user-guide__doc_json_examples.json items[0] (fixture)", fromTrail("Select 10"), "Select ?"],
  ["misc__athena_cloudtrail_events_from_docs_and_blogs.json (fixture)", fromTrail("OMITTED"), "***OMITTED***"],
  ["misc-readmes__real_get_query_execution_outputs.json items[1] (fixture)", fromHistory("MSCK"), "MSCK REPAIR TABLE example_table;"],
  ["misc-readmes__real_get_query_execution_outputs.json items[2] (fixture)", fromHistory("supplier"), "select * from supplier limit 2"],
  ["misc-readmes__real_get_query_execution_outputs.json items[0] (fixture)", fromHistory("SNIP"), "<SNIP>"],
  // Copied from ../shared/realdata (not in the fixture).
  [
    "amazon-athena-user-guide__doc_json_examples.json items[10] QueryExecution.Query",
    "INSERT INTO mydb.elb_log_backup SELECT * FROM mydb.elb_logs LIMIT 100",
    "INSERT INTO mydb.elb_log_backup SELECT * FROM mydb.elb_logs LIMIT 100",
  ],
  [
    "cloud-custodian__placebo_athena_glue_responses.json test_athena_named_query/athena.BatchGetNamedQuery_1.json",
    "SELECT * FROM tf_test_immune_swine limit 10;",
    "SELECT * FROM tf_test_immune_swine limit 10;",
  ],
  [
    "aws-cli__athena_glue_iam_example_outputs.json awscli/examples/athena/batch-get-query-execution.rst",
    "create database if not exists webdata",
    "create database if not exists webdata",
  ],
  [
    "aws-cli__athena_glue_iam_example_outputs.json awscli/examples/athena/list-query-executions.rst",
    "select date, location, browser, uri, status from cloudfront_logs " +
      "where method = 'GET' and status = 200 and location like 'SFO%' limit 10",
    CLOUDFRONT_REDACTED,
  ],
  [
    "aws-cli__athena_glue_iam_example_outputs.json awscli/examples/athena/get-query-execution.rst (raw block)",
    "select date, location, browser, uri, status from cloudfront_logs " +
      "where method = 'GET\n' and status = 200 and location like 'SFO%' limit 10",
    CLOUDFRONT_REDACTED,
  ],
];

describe("redaction of the real queries", () => {
  it.each(REAL)("%s", (_source, sql, redacted) => {
    expect(sql, "the fixture holds the query").toBeDefined();
    expect(redactSql(sql)).toBe(redacted);
  });

  it("drops the comments of the Panther query, and with them what they say", () => {
    const redacted = redactSql(fromTrail("PastCount"));
    expect(redacted).not.toContain("--");
    expect(redacted).not.toMatch(/time windows|2 hours/);
  });
});

/** A literal node-sql-parser found, and whether it is structure (kept) or a value (masked). */
interface Literal {
  text: string;
  kept: boolean;
}

const UNIT_FUNCTIONS = ["date_trunc", "date_add", "date_diff"];
const isString = (node: unknown) => (node as { type?: string } | null)?.type === "single_quote_string";

/**
 * The literals of a parsed query, classified from the parser's tree alone: LIMIT counts, bare
 * numbers that are GROUP BY or ORDER BY items, interval quantities, the unit (first) argument of a
 * date function and date_add's quantity after a unit are structure; every other number, string or
 * typed literal is a value.
 */
function literals(node: unknown, kept = false, found: Literal[] = []): Literal[] {
  if (Array.isArray(node)) {
    for (const item of node) literals(item, kept, found);
    return found;
  }
  if (node === null || typeof node !== "object") return found;
  const n = node as Record<string, unknown>;
  if (
    typeof n.type === "string" &&
    ["number", "single_quote_string", "string", "date", "time", "timestamp"].includes(n.type) &&
    "value" in n
  ) {
    found.push({ text: String(n.value), kept });
    return found;
  }
  for (const [key, child] of Object.entries(n)) {
    if (key === "limit") literals((child as { value?: unknown } | null)?.value, true, found);
    else if (key === "groupby") literals((child as { columns?: unknown } | null)?.columns, true, found);
    else if (key === "orderby") for (const item of (child as { expr: unknown }[] | null) ?? []) literals(item.expr, true, found);
    else if (key === "expr" && n.type === "interval") literals(child, true, found);
    else if (key === "args" && n.type === "function") {
      const name = ((n.name as { name?: { value?: string }[] } | null | undefined)?.name ?? []).map((p) => p.value).join(".");
      const args = (child as { value?: unknown[] } | null)?.value ?? [];
      const unit = UNIT_FUNCTIONS.includes(name.toLowerCase()) && isString(args[0]);
      args.forEach((arg, i) => literals(arg, unit && (i === 0 || (i === 1 && name.toLowerCase() === "date_add")), found));
    } else literals(child, false, found);
  }
  // A kept ordinal is a bare number; an expression in GROUP BY (`GROUP BY x + 1`) holds values.
  return found;
}

describe("redaction against node-sql-parser's reading", () => {
  const parser = new Parser();
  const parsed = [
    ...REAL.map(([, sql]) => sql),
    "SELECT region, count(*) FROM sales.orders WHERE amount > 100 AND day = DATE '2026-10-01' GROUP BY 1 ORDER BY 2 DESC LIMIT 10",
    "SELECT user_id FROM events WHERE email IN ('carol@northwind.example', 'dave@northwind.example') AND ts > now() - INTERVAL '7' DAY",
    "SELECT date_trunc('week', ts), date_add('day', 3, ts) FROM t WHERE x BETWEEN 5 AND 9 LIMIT 20",
  ].filter((sql) => {
    try {
      parser.astify(sql, { database: "athena" });
      return true;
    } catch {
      return false;
    }
  });

  it("parses most of them (the rest are checked by hand above)", () => expect(parsed.length).toBeGreaterThanOrEqual(11));

  it.each(parsed)("masks each value the parser finds, and only those: %s", (sql) => {
    const found = literals(parser.astify(sql, { database: "athena" }));
    const redacted = redactSql(sql);
    // One `?` per value: the masked literals are exactly the parser's values.
    expect((redacted.match(/\?/g) ?? []).length).toBe(found.filter((l) => !l.kept).length);
    for (const l of found.filter((f) => f.kept)) expect(redacted).toContain(l.text);
    for (const l of found.filter((f) => !f.kept && f.text.length > 2)) expect(redacted).not.toContain(l.text);
  });
});

describe("redaction rules, by hand", () => {
  it.each([
    // Values: strings, numbers in predicates, IN lists, select lists and function arguments, typed literals.
    [
      `SELECT "col 1", t2.x FROM s3_logs WHERE name = 'O''Brien' AND id IN (42, 1.5e3) -- note`,
      `SELECT "col 1", t2.x FROM s3_logs WHERE name = '?' AND id IN (?, ?)`,
    ],
    ["SELECT 1, round(x, 2), coalesce(y, 0) FROM t", "SELECT ?, round(x, ?), coalesce(y, ?) FROM t"],
    [
      "SELECT * FROM t WHERE d = DATE '2026-10-01' AND ts < TIMESTAMP '2026-10-01 00:00:00' AND b = X'0A' AND u = U&'\\0041'",
      "SELECT * FROM t WHERE d = DATE '?' AND ts < TIMESTAMP '?' AND b = X'?' AND u = U&'?'",
    ],
    [
      "SELECT x FROM t WHERE x = 0x1F AND y = 1_000 AND z = .5 AND w = 1e-3 AND v = -7",
      "SELECT x FROM t WHERE x = ? AND y = ? AND z = ? AND w = ? AND v = -?",
    ],
    // Ordinals: whole items of GROUP BY and ORDER BY; not numbers inside an item, HAVING, or another SELECT.
    [
      "SELECT region, count(*) FROM sales.orders WHERE amount > 100 GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT 10",
      "SELECT region, count(*) FROM sales.orders WHERE amount > ? GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT 10",
    ],
    ["SELECT a FROM t ORDER BY CASE WHEN x = 3 THEN 1 ELSE 2 END, 4", "SELECT a FROM t ORDER BY CASE WHEN x = ? THEN ? ELSE ? END, 4"],
    ["SELECT a FROM t GROUP BY 1 HAVING count(*) > 5", "SELECT a FROM t GROUP BY 1 HAVING count(*) > ?"],
    ["SELECT a FROM t GROUP BY a + 1, 2 NULLS FIRST", "SELECT a FROM t GROUP BY a + ?, 2 NULLS FIRST"],
    ["SELECT 1, 2 FROM t GROUP BY a UNION SELECT 3, 4 FROM u", "SELECT ?, ? FROM t GROUP BY a UNION SELECT ?, ? FROM u"],
    [
      "SELECT * FROM (SELECT a FROM t GROUP BY 1) AS s WHERE b IN (1, 2)",
      "SELECT * FROM (SELECT a FROM t GROUP BY 1) AS s WHERE b IN (?, ?)",
    ],
    // Counts: LIMIT, OFFSET, FETCH FIRST, window frames, samples, buckets; type sizes.
    [
      "SELECT sum(x) OVER (ORDER BY d ROWS BETWEEN 6 PRECEDING AND 1 FOLLOWING) FROM t TABLESAMPLE BERNOULLI (10) OFFSET 20 LIMIT 10",
      "SELECT sum(x) OVER (ORDER BY d ROWS BETWEEN 6 PRECEDING AND 1 FOLLOWING) FROM t TABLESAMPLE BERNOULLI (10) OFFSET 20 LIMIT 10",
    ],
    ["SELECT a FROM t ORDER BY a FETCH FIRST 5 ROWS ONLY", "SELECT a FROM t ORDER BY a FETCH FIRST 5 ROWS ONLY"],
    [
      "SELECT CAST(x AS DECIMAL(10, 2)), CAST(y AS VARCHAR(255)), CAST(z AS TIMESTAMP(3)) FROM t",
      "SELECT CAST(x AS DECIMAL(10, 2)), CAST(y AS VARCHAR(255)), CAST(z AS TIMESTAMP(3)) FROM t",
    ],
    // Intervals: unit and digits kept; anything else in the quotes is a value.
    [
      "SELECT * FROM t WHERE ts > now() - INTERVAL '7' DAY AND m > INTERVAL '1-2' YEAR TO MONTH AND dt > '2026-01-01'",
      "SELECT * FROM t WHERE ts > now() - INTERVAL '7' DAY AND m > INTERVAL '1-2' YEAR TO MONTH AND dt > '?'",
    ],
    [
      "SELECT * FROM t WHERE a > interval 'abc' day AND b = interval '7' AND c > INTERVAL 7 DAYS",
      "SELECT * FROM t WHERE a > interval '?' day AND b = interval '?' AND c > INTERVAL 7 DAYS",
    ],
    // Unit arguments: a unit name first in a date function; not in another function or position.
    [
      "SELECT date_add('day', -7, current_date), date_trunc('week', ts), date_diff('hour', a, b), lower('HOUR'), date_add(unit, 7, ts)",
      "SELECT date_add('day', -7, current_date), date_trunc('week', ts), date_diff('hour', a, b), lower('?'), date_add(unit, ?, ts)",
    ],
    ["SELECT date_trunc('carol@northwind.example', ts)", "SELECT date_trunc('?', ts)"],
    // Names stay, however quoted.
    ['SELECT `my col`, "2026", t1.c2 FROM db1.t3', 'SELECT `my col`, "2026", t1.c2 FROM db1.t3'],
    // CREATE TABLE AS and CREATE VIEW are Trino's: double quotes are names there.
    [
      `CREATE TABLE "sales"."x" WITH (format = 'PARQUET', external_location = 's3://secret-bucket/x/') AS SELECT * FROM "sales"."orders" WHERE id = 5`,
      `CREATE TABLE "sales"."x" WITH (format = '?', external_location = '?') AS SELECT * FROM "sales"."orders" WHERE id = ?`,
    ],
  ])("%s", (sql, redacted) => expect(redactSql(sql)).toBe(redacted));
});

describe("redaction never leaks a value", () => {
  const parser = new Parser();

  it.each([
    [
      `ALTER TABLE logs ADD PARTITION (dt = '2026-10-01') LOCATION "s3://secret-bucket/logs/dt=2026-10-01/"`,
      "ALTER TABLE logs ADD PARTITION (dt = '?') LOCATION '?'",
    ],
    [
      `CREATE EXTERNAL TABLE t (a string COMMENT 'secret note') ROW FORMAT SERDE 'org.apache.hadoop.hive.serde2.OpenCSVSerde' ` +
        `WITH SERDEPROPERTIES ("separatorChar" = ",", "escapeChar" = "\\\\") LOCATION 's3://secret-bucket/' TBLPROPERTIES ('skip.header.line.count' = '1')`,
      "CREATE EXTERNAL TABLE t (a string COMMENT '?') ROW FORMAT SERDE '?' " +
        "WITH SERDEPROPERTIES ('?' = '?', '?' = '?') LOCATION '?' TBLPROPERTIES ('?' = '?')",
    ],
  ])("in Hive DDL, which the parser refuses: %s", (sql, redacted) => {
    expect(() => parser.astify(sql, { database: "athena" })).toThrow();
    expect(redactSql(sql)).toBe(redacted);
  });

  it("reads Hive's backslash escapes in DDL, and hides what the other reading would put inside a string", () => {
    // Hive: '\'' is one quote. Trino's reading ends that string early, so what follows is hidden too.
    const ddl = `CREATE EXTERNAL TABLE t (a string) ROW FORMAT DELIMITED FIELDS TERMINATED BY '\\'' LOCATION 's3://secret-bucket/'`;
    expect(redactSql(ddl)).toBe("CREATE EXTERNAL TABLE t (a string) ROW FORMAT DELIMITED FIELDS TERMINATED BY '?' ? '?'");
    // A failed query written with backslash escapes: under Trino's rules `s secret` would be outside quotes.
    expect(redactSql("SELECT * FROM t WHERE a = 'it\\'s secret' AND b = 1")).toBe("SELECT * FROM t WHERE a = '?' ? '?'");
    // And the other way: Trino's 'C:\' is a whole string; a backslash reading would swallow the next words.
    expect(redactSql("SELECT * FROM t WHERE path = 'C:\\' AND owner = 'secret-owner'")).toBe("SELECT * FROM t WHERE path = '?' ? '?'");
  });

  it("masks an unterminated string or quoted name to the end, and drops an unterminated comment", () => {
    expect(redactSql("SELECT a FROM t WHERE name = 'carol@northwind.example AND x = 1")).toBe("SELECT a FROM t WHERE name = '?'");
    expect(redactSql('SELECT a FROM t WHERE "carol@northwind.example = 1')).toBe("SELECT a FROM t WHERE '?'");
    expect(redactSql("SELECT a /* customer 42 FROM t")).toBe("SELECT a");
    expect(redactSql("SELECT a -- 'customer 42'\nFROM t")).toBe("SELECT a FROM t");
  });

  it("leaves query text as it is when redaction is off", () => {
    const heaviest = (redact: boolean) =>
      renderReports(
        [
          {
            query: SAVED.heaviest_queries,
            result: {
              columns: SAVED.heaviest_queries.columns.map((c) => ({ name: c.name, type: c.type })),
              rows: [
                {
                  query_execution_id: "e84610e9-9561-4e6d-9a1b-60b8f4d4717c",
                  event_time: "2026-10-23T02:32:35.000Z",
                  principal: "arn:aws:iam::210987654321:user/alice",
                  work_group: "primary",
                  database_name: "sales",
                  state: "SUCCEEDED",
                  data_scanned_bytes: 1024 ** 3,
                  cost_usd: 0.0048828125,
                  total_execution_ms: 1200,
                  query_text: "SELECT 1 FROM t WHERE id = 7 LIMIT 5",
                  region: "us-east-1",
                  rank: 1,
                },
              ],
              bytesScanned: 0,
            },
          },
        ],
        { from: "2026-10-01", to: "2026-10-31" },
        "x",
        { redact },
      ).find((r) => r.file === "heaviest_queries.md")?.content;
    expect(heaviest(true)).toContain("`SELECT ? FROM t WHERE id = ? LIMIT 5`");
    expect(heaviest(false)).toContain("`SELECT 1 FROM t WHERE id = 7 LIMIT 5`");
  });
});
