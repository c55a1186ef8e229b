/**
 * The anomalies page and its index line from hand-made anomalies rows: a finding of each kind in
 * words, the ranking, the mark for days with partial evidence, the notes, the empty page, the
 * volume charts, and the page as GitHub draws it (every chart, nothing scrolling sideways).
 */
import { beforeAll, describe, expect, it } from "vitest";
import { AnomalySettings } from "../../core/anomaly-settings";
import { QueryResult } from "../../queries/engine";
import { Period, SAVED } from "../../queries/saved";
import { anomalyCharts, MAX_CHARTS } from "../../reports/pages/anomalies-page";
import { AnomalyRow, explainAnomaly } from "../../reports/pages/anomaly-words";
import { quietHeadlineInput } from "../support/headline-input";
import { headline, HeadlineInput } from "../../reports/pages/headline";
import { pageModel } from "../../reports/pages/model";
import { PageModel, RenderOptions } from "../../reports/pages/types";
import { renderReports } from "../../reports/publish";
import { GITHUB_CONTENT_WIDTH, GithubView, openGithubView } from "../support/browser";
import { CHROMIUM_MISSING, CMARK_GFM_MISSING } from "../support/render-tools";
import { benignTwin, HOSTILE } from "../support/hostile";
import { markdownProblems } from "../support/hostile-checks";
import { at, only } from "../support/defined";
import { cleanupAfterAll } from "../support/cleanup";

const PERIOD: Period = { from: "2026-10-01", to: "2026-10-31" };
const GIB = 1024 ** 3;
const ALICE = "arn:aws:iam::123456789012:user/alice";
const BOB = "arn:aws:iam::123456789012:user/bob";
const ETL = "arn:aws:iam::123456789012:role/service-role/etl-nightly";
const MALLORY = "arn:aws:iam::123456789012:user/mallory";

function row(kind: AnomalyRow["kind"], fields: Partial<AnomalyRow>): AnomalyRow {
  return {
    day: "2026-10-14",
    principal_arn: ALICE,
    sessions: null,
    session_count: 0,
    kind,
    subject: "",
    measured: 1,
    baseline: null,
    spread: null,
    score: 1,
    severity: "low",
    queries: 1,
    example_query_id: `q-${kind}`,
    example_query: null,
    human: true,
    coverage: "complete",
    engine: "athena",
    calls: 0,
    objects: null,
    baseline_objects: null,
    peak: null,
    networks: null,
    new_networks: null,
    alerted_at: null,
    ...fields,
  };
}

// Seven findings, listed out of order; expected rank in the comment (severity, then score).
const VOLUME_BYTES = row("volume", {
  subject: "bytes",
  measured: 1.5 * 1024 * GIB,
  baseline: 50 * GIB,
  spread: 5 * GIB,
  score: 12.3,
  severity: "high",
  queries: 42,
  // The query names no example for a volume finding: a day's worth of queries has no one example.
  example_query_id: null,
}); // 2
const TIME = row("time", { day: "2026-10-17", principal_arn: BOB, subject: "3", measured: 2, queries: 2, score: 3 }); // 7
const VOLUME_QUERIES = row("volume", {
  day: "2026-10-20",
  principal_arn: ETL,
  subject: "queries",
  measured: 1200,
  baseline: 40,
  spread: 6,
  score: 8,
  severity: "medium",
  queries: 1200,
  human: false,
  coverage: "partial",
  example_query_id: null,
}); // 5
const EXFILTRATION = row("exfiltration", {
  day: "2026-10-21",
  principal_arn: ETL,
  // Someone assumed the pipeline's role and named the session.
  sessions: "laptop",
  session_count: 1,
  example_query: "UNLOAD (SELECT * FROM sales.customers WHERE region = 'EU') TO 's3://exfil-bucket/c/' WITH (format = 'PARQUET')",
  subject: "s3://exfil-bucket",
  score: 20,
  severity: "high",
  human: false,
}); // 1
const ORIGIN = row("origin", { day: "2026-10-18", subject: "203.0.113.0/24", score: 4 }); // 6
const PROBING = row("probing", {
  day: "2026-10-16",
  principal_arn: MALLORY,
  subject: "hr.salaries, hr.bonuses",
  measured: 7,
  queries: 7,
  score: 9.5,
  severity: "medium",
}); // 4
const REACH = row("reach", {
  day: "2026-10-15",
  principal_arn: BOB,
  example_query: "SELECT name, email FROM sales.customers WHERE customer_id IN (1042, 1043) LIMIT 20",
  subject: "sales.customers",
  measured: 3,
  queries: 3,
  score: 5,
  severity: "high",
}); // 3
const ALL = [TIME, VOLUME_QUERIES, ORIGIN, VOLUME_BYTES, PROBING, REACH, EXFILTRATION];

function result(rows: readonly AnomalyRow[]): QueryResult {
  return {
    columns: SAVED.anomalies.columns.map((c) => ({ name: c.name, type: c.type })),
    rows: rows.map((r) => ({ ...r })),
    bytesScanned: 0,
  };
}

function page(rows: readonly AnomalyRow[], options: RenderOptions = { redact: true }): PageModel {
  return pageModel({ query: SAVED.anomalies, result: result(rows) }, PERIOD, options);
}

describe("a finding in words", () => {
  it.each([
    ["volume, bytes", VOLUME_BYTES, "Scanned 1.5 TiB in one day, against a median of 50.0 GiB a day over the previous weeks (30.7×)."],
    [
      "volume, queries, on a partial day",
      VOLUME_QUERIES,
      "Ran 1,200 queries in one day, against a median of 40 queries a day over the previous weeks (30.0×). " +
        "The day's evidence is partial: some of its queries have no known principal.",
    ],
    [
      "volume, a zero median",
      row("volume", { subject: "queries", measured: 60, baseline: 0 }),
      "Ran 60 queries in one day, against a median of 0 queries a day over the previous weeks.",
    ],
    ["reach", REACH, "First read of sales.customers, which this person had not read in the retained history (3 queries)."],
    ["origin, a network", ORIGIN, "First call from 203.0.113.0/24, a network this person had not called from before (1 query)."],
    [
      "origin, a service",
      row("origin", { subject: "glue.amazonaws.com", queries: 2, human: false }),
      "First call from glue.amazonaws.com, a source this service had not called from before (2 queries).",
    ],
    [
      "origin, a client",
      row("origin", { subject: "client:cli", queries: 4, human: false }),
      "First use of the cli client by this service (4 queries).",
    ],
    ["time", TIME, "Active at 03:00 UTC, at least three hours from every hour this person was active before (2 queries)."],
    ["probing", PROBING, "7 access-denied or not-found failures within one hour, on hr.salaries, hr.bonuses."],
    [
      "probing, no table named",
      row("probing", { subject: "resources not named", measured: 5 }),
      "5 access-denied or not-found failures within one hour; the failed queries name no table.",
    ],
    ["exfiltration, a bucket", EXFILTRATION, "Wrote query results to s3://exfil-bucket, outside the account's known buckets."],
    [
      "exfiltration, SELECT *",
      row("exfiltration", { subject: "select-star:sales.orders", measured: 150 * GIB, human: false }),
      "An unfiltered SELECT * of sales.orders scanned 150.0 GiB, a query this service had not run before.",
    ],
    [
      "volume, catalog calls by another engine",
      row("volume", { subject: "calls", measured: 1200, baseline: 40, engine: "glue-etl", calls: 1200, queries: 0, human: false }),
      "Made 1,200 calls to the catalog with Glue ETL in one day, against a median of 40 calls a day over the previous weeks (30.0×).",
    ],
    [
      "reach, by another engine's catalog reads",
      row("reach", { subject: "hr.salaries", queries: 0, calls: 2, engine: "emr", human: false }),
      "First read of hr.salaries, which this service had not read in the retained history (2 calls by EMR).",
    ],
    [
      "reach, by queries and catalog reads",
      row("reach", { subject: "hr", queries: 3, calls: 1, engine: "athena, cli" }),
      "First read of hr, which this person had not read in the retained history (3 queries and 1 call by AWS CLI).",
    ],
    [
      "origin, a client of another engine",
      row("origin", { subject: "client:cli", queries: 0, calls: 400, engine: "cli", human: false }),
      "First use of the cli client by this service (400 calls by AWS CLI).",
    ],
    [
      "download, against a baseline of none, from a new network",
      row("download", {
        subject: "finance.ledger",
        measured: 30 * GIB,
        objects: 400,
        calls: 400,
        queries: 0,
        engine: "cli",
        baseline: 0,
        spread: 0,
        baseline_objects: 0,
        peak: 0,
        networks: "45.155.204.0/24",
        new_networks: "45.155.204.0/24",
        human: false,
      }),
      "Read 30.0 GiB in 400 objects of finance.ledger straight from S3 with AWS CLI from 45.155.204.0/24, a network this service " +
        "had never used, against a median of 0 B and 0 objects a day over the previous weeks (busiest day 0 B).",
    ],
    [
      "download, above its own baseline, from known networks",
      row("download", {
        subject: "sales.orders, sales.customers",
        measured: 12 * GIB,
        objects: 900,
        engine: "sdk",
        baseline: GIB,
        baseline_objects: 80,
        peak: 2 * GIB,
        networks: "198.51.100.0/24",
      }),
      "Read 12.0 GiB in 900 objects of sales.orders, sales.customers straight from S3 with AWS SDK from 198.51.100.0/24, against a " +
        "median of 1.0 GiB and 80 objects a day over the previous weeks (busiest day 2.0 GiB).",
    ],
    [
      "download, a principal the lake has never seen",
      row("download", { subject: "bucket/ring.txt", measured: 178, objects: 1, engine: "cli", networks: "1.2.3.0/24", human: false }),
      "Read 178 B in 1 object of bucket/ring.txt straight from S3 with AWS CLI from 1.2.3.0/24; the first direct reads by a " +
        "principal not seen in the retained history, so there is no baseline to compare with.",
    ],
  ])("%s", (_case, finding, sentence) => expect(explainAnomaly(finding)).toBe(sentence));
});

describe("the anomalies page", () => {
  it("gives the verdict: findings by severity, the principals, the days with partial evidence", () => {
    expect(page(ALL).context).toEqual([
      "7 findings: 3 high, 2 medium, 2 low, for 4 principals (etl-nightly, alice, bob, mallory); " +
        "most severe first, then farthest from normal.",
      "One is on a day whose evidence is partial (⚠).",
    ]);
  });

  it("ranks by severity then score, marks the partial day, and puts the sessions and the example query in the finding's row", () => {
    const main = only(page(ALL).tables, "the findings table");
    expect(main.headers).toEqual(["#", "Severity", "Day", "Principal", "Kind", "What happened", "Example query"]);
    expect(main.rows).toEqual([
      [
        "1",
        "high",
        "2026-10-21",
        "etl-nightly (laptop)",
        "Exfiltration",
        "Wrote query results to s3\\://exfil-bucket, outside the account's known buckets.",
        // Redacted: every literal masked.
        "`UNLOAD (SELECT * FROM sales.customers WHERE region = '?') TO '?' WITH (format = '?')`",
      ],
      [
        "2",
        "high",
        "2026-10-14",
        "alice",
        "Volume",
        "Scanned 1.5 TiB in one day, against a median of 50.0 GiB a day over the previous weeks (30.7×).",
        "",
      ],
      [
        "3",
        "high",
        "2026-10-15",
        "bob",
        "Reach",
        "First read of sales.customers, which this person had not read in the retained history (3 queries).",
        // The customer ids masked, the row count kept.
        "`SELECT name, email FROM sales.customers WHERE customer_id IN (?, ?) LIMIT 20`",
      ],
      [
        "4",
        "medium",
        "2026-10-16",
        "mallory",
        "Probing",
        "7 access-denied or not-found failures within one hour, on hr.salaries, hr.bonuses.",
        "",
      ],
      [
        "5",
        "medium",
        "2026-10-20 ⚠",
        "etl-nightly",
        "Volume",
        "Ran 1,200 queries in one day, against a median of 40 queries a day over the previous weeks (30.0×).",
        "",
      ],
      [
        "6",
        "low",
        "2026-10-18",
        "alice",
        "Origin",
        "First call from 203.0.113.0/24, a network this person had not called from before (1 query).",
        "",
      ],
      [
        "7",
        "low",
        "2026-10-17",
        "bob",
        "Time",
        "Active at 03:00 UTC, at least three hours from every hour this person was active before (2 queries).",
        "",
      ],
    ]);
    expect(main.notes[0]).toBe(
      "⚠ The day's evidence is partial: some of its queries have no known principal. See [Data coverage](data_coverage.md).",
    );
    expect(main.notes.at(-2)).toBe("Names shown short: etl-nightly is `service-role/etl-nightly`.");
    // The volume findings have no example query: their row numbers are skipped, not renumbered.
    expect(main.notes.at(-1)).toBe("Example query ids by row: 1 `q-exfiltration`, 3 `q-reach`, 4 `q-probing`, 6 `q-origin`, 7 `q-time`.");
  });

  it("names a role's sessions, the heaviest first and how many more, and no session a service names after its role", () => {
    const SHARED = "arn:aws:iam::123456789012:role/shared-analyst";
    const APP = "arn:aws:iam::123456789012:role/reporting-app";
    const cells = (rows: AnomalyRow[]) => only(page(rows).tables, "table").rows.map((r) => r[3]);
    expect(
      cells([
        row("reach", { principal_arn: SHARED, sessions: "zed@x.example, bob@x.example, amy@x.example", session_count: 4, score: 4 }),
        row("reach", { principal_arn: APP, sessions: "reporting-app", session_count: 1, score: 3 }),
        row("reach", { principal_arn: APP, sessions: "laptop, reporting-app", session_count: 2, score: 2 }),
        row("reach", { principal_arn: ALICE, score: 1 }),
      ]),
    ).toEqual([
      // @ broken so GitHub mentions nobody.
      "shared-analyst (zed@<wbr>x.example, bob@<wbr>x.example, amy@<wbr>x.example and 1 more)",
      "reporting-app",
      "reporting-app (laptop, reporting-app)",
      "alice",
    ]);
  });

  it("shows the example query as written when redaction is off", () => {
    const main = only(page([REACH], { redact: false }).tables, "table");
    expect(main.rows[0]?.at(-1)).toBe("`SELECT name, email FROM sales.customers WHERE customer_id IN (1042, 1043) LIMIT 20`");
  });

  it("explains only the kinds shown, with the settings' names, and without a partial mark when every day is complete", () => {
    const main = at(page([PROBING, VOLUME_BYTES]).tables, 0, "the findings table");
    expect(main.rows.map((r) => r[1])).toEqual(["high", "medium"]);
    expect(main.notes).toEqual([
      "**Volume**: a day whose bytes scanned, query count or catalog calls (Glue, Lake Formation) is at least `volumeMads` " +
        "scaled median absolute deviations above the principal's median day of the previous `baselineDays` days (a day without " +
        "queries counts as zero), at least `volumeRatio` times the busiest of those days, and at least `volumeFloorBytes`, " +
        "`volumeFloorQueries` queries or `volumeFloorCalls` calls; at a point of the cycle where the principal habitually peaks " +
        "(the month's last five days, a weekday), at least `seasonalRatio` times that point's peak.",
      "**Probing**: at least `probingFailures` access-denied or not-found failures by one principal within an hour, " +
        "or `probingDayFailures` within a day (sliding windows, not the clock's).",
      "Example query ids by row: 2 `q-probing`.",
    ]);
    expect(page([PROBING, VOLUME_BYTES]).context).toHaveLength(1);
  });

  it("leaves out the # column, the example query and the ids note when no finding has an example query", () => {
    const main = only(page([VOLUME_BYTES]).tables, "table");
    expect(main.headers).toEqual(["Severity", "Day", "Principal", "Kind", "What happened"]);
    expect(main.notes.some((n) => n.startsWith("Example query ids"))).toBe(false);
  });

  it("says plainly that none were found, and what was checked with the settings' values when it has them", () => {
    // Not the defaults, which may change: every value here is one the notes must show.
    const settings: AnomalySettings = {
      baselineDays: 28,
      volumeMads: 6,
      volumeRatio: 3,
      volumeFloorBytes: 10 * GIB,
      volumeFloorQueries: 50,
      volumeFloorCalls: 500,
      downloadFloorBytes: 2 * GIB,
      downloadFloorObjects: 100,
      minHistoryDays: 14,
      lookbackDays: 90,
      sensitive: ["hr", "sales.customers"],
      announcements: [{ resource: "finance", from: "2026-10-05" }],
      probingFailures: 5,
      knownBuckets: [],
      largeScanBytes: 100 * GIB,
      seasonalRatio: 4,
      driftMads: 15,
      newcomerCeilingBytes: 5 * 1024 * GIB,
      probingDayFailures: 20,
    };
    const model = page([], { redact: true, anomalies: settings });
    expect(model.context).toEqual([
      "None found: no principal's activity in the period was unusual by any of the kinds checked, " +
        "volume, reach, origin, time, probing, exfiltration, download, newcomer and drift (each explained under the table). " +
        "First-time kinds judge a principal after `minHistoryDays` of history, volume and drift after `baselineDays`; " +
        "a newer principal is judged against its peers and a ceiling (newcomer).",
    ]);
    expect(model.chart).toBeUndefined();
    const table = only(model.tables, "table");
    expect(table.rows).toEqual([]);
    expect(table.empty).toBe("No findings in this period.");
    expect(table.notes).toEqual([
      "**Volume**: a day whose bytes scanned, query count or catalog calls (Glue, Lake Formation) is at least `volumeMads` (6) " +
        "scaled median absolute deviations above the principal's median day of the previous `baselineDays` (28) days (a day " +
        "without queries counts as zero), at least `volumeRatio` (3) times the busiest of those days, and at least " +
        "`volumeFloorBytes` (10.0 GiB), `volumeFloorQueries` (50) queries or `volumeFloorCalls` (500) calls; at a point of the " +
        "cycle where the principal habitually peaks (the month's last five days, a weekday), at least `seasonalRatio` (4) times " +
        "that point's peak.",
      "**Reach**: a first read of a database, or of a table in a database it read before, by a query or another engine's " +
        "catalog read (Glue, Lake Formation), since `lookbackDays` (90) days before " +
        "the period, once it has been seen for `minHistoryDays` (14) days; high when `sensitive` (hr, sales.customers) lists it " +
        "or its database, and none from the day `announcements` (finance from 2026-10-05) names it.",
      "**Origin**: a first call from a network (an IPv4 /24, or the AWS service CloudTrail names) or with a client family, " +
        "since `lookbackDays` (90) days before the period, once it has been seen for `minHistoryDays` (14) days; another " +
        "engine's client once the principal has read through other engines that long.",
      "**Time**: activity in an hour (UTC) at least three hours from every hour the principal was active since `lookbackDays` (90) " +
        "days before the period, once it has been seen for `minHistoryDays` (14) days.",
      "**Probing**: at least `probingFailures` (5) access-denied or not-found failures by one principal within an hour, or " +
        "`probingDayFailures` (20) within a day (sliding windows, not the clock's).",
      "**Exfiltration**: UNLOAD or CREATE TABLE AS writing to a bucket `knownBuckets` (none set) does not list, or a first " +
        "unfiltered `SELECT *` of a table that scanned at least `largeScanBytes` (100.0 GiB).",
      "**Download**: S3 objects read straight from the lake's buckets by any engine but Athena's queries (where the trail " +
        "records S3 data events): a day's bytes or objects judged as volume is, from `downloadFloorBytes` (2.0 GiB) or " +
        "`downloadFloorObjects` (100) objects, against the principal's own days (none counted as zero from its first evidence " +
        "of any kind); or reads from a network it never used, since `lookbackDays` (90) days before the period, once it has " +
        "been seen for `minHistoryDays` (14) days; or, medium, the first reads of a principal not seen in that time, once the " +
        "lake holds `minHistoryDays` (14) days of evidence.",
      "**Newcomer**: a principal without `baselineDays` (28) days of its own yet (first seen at least `minHistoryDays` (14) days " +
        "after the evidence begins) scanning, in a day, at least `volumeRatio` (3) times the busiest day of any of its peers over " +
        "the previous `baselineDays` (28) days (the account's IAM users; the roles of its SSO permission set; or its other roles " +
        "under the same IAM path), or `newcomerCeilingBytes` (5.0 TiB), from `volumeFloorBytes` (10.0 GiB).",
      "**Drift**: bytes scanned growing day after day: the excess over the principal's median day, in robust standard " +
        "deviations (at most 3 a day, less 0.5), summed (CUSUM) until it reaches `driftMads` (15) on a day that is the busiest " +
        "of the previous `baselineDays` (28), at least `volumeRatio` (3) times the median and `volumeFloorBytes` (10.0 GiB).",
    ]);
  });
});

/** A chart block's title, categories and values. */
function chartLines(block: string): { title: string; categories: string[]; axis: string; values: number[] } {
  const get = (re: RegExp) => re.exec(block)?.[1] ?? "";
  return {
    title: get(/^ {4}title "(.*)"$/m),
    categories: get(/^ {4}x-axis \[(.*)\]$/m)
      .split(", ")
      .map((c) => c.slice(1, -1)),
    axis: get(/^ {4}y-axis (.*)$/m),
    values: get(/^ {4}bar \[(.*)\]$/m)
      .split(", ")
      .map(Number),
  };
}
const blocks = (chart: string | undefined) => (chart ?? "").split(/\n\n(?=```mermaid)/).filter((b) => b !== "");

describe("the volume charts", () => {
  it("draws each principal's unusual days against the median day before, the most severe principal first", () => {
    const charts = blocks(page(ALL).chart);
    expect(charts).toHaveLength(2);
    expect(chartLines(at(charts, 0, "alice's chart"))).toEqual({
      title: "alice: GiB scanned, unusual days and the median day before",
      categories: ["median before 2026-10-14 · 50.0 GiB", "2026-10-14 · 1.5 TiB"],
      // 1,536 GiB: two significant digits up.
      axis: '"GiB" 0 --> 1600',
      values: [50, 1536],
    });
    expect(chartLines(at(charts, 1, "etl-nightly's chart"))).toEqual({
      title: "etl-nightly: queries, unusual days and the median day before",
      categories: ["median before 2026-10-20 · 40 queries", "2026-10-20 · 1,200 queries"],
      axis: '"queries" 0 --> 1200',
      values: [40, 1200],
    });
  });

  it("charts only the top finding's measure, its days in order, and at most three principals", () => {
    const later = { ...VOLUME_BYTES, day: "2026-10-25", measured: 100 * GIB, baseline: 20 * GIB, score: 2, severity: "low" as const };
    const queries = { ...VOLUME_QUERIES, principal_arn: ALICE, score: 30, severity: "low" as const };
    const alice = at(blocks(anomalyCharts([VOLUME_BYTES, later, queries])), 0, "alice's chart");
    expect(chartLines(alice).categories).toEqual([
      "median before 2026-10-14 · 50.0 GiB",
      "2026-10-14 · 1.5 TiB",
      "median before 2026-10-25 · 20.0 GiB",
      "2026-10-25 · 100.0 GiB",
    ]);
    const others = [BOB, ETL, MALLORY].map((p, i) => ({ ...VOLUME_BYTES, principal_arn: p, score: 10 - i }));
    const charts = blocks(anomalyCharts([VOLUME_BYTES, ...others]));
    expect(charts).toHaveLength(MAX_CHARTS);
    expect(charts.map((c) => chartLines(c).title.split(":")[0])).toEqual(["alice", "bob", "service-role/etl-nightly"]);
  });

  it("draws nothing without a volume finding that has a baseline", () => {
    expect(anomalyCharts([REACH, PROBING])).toBeUndefined();
    expect(anomalyCharts([{ ...VOLUME_BYTES, baseline: null }])).toBeUndefined();
  });
});

describe.skipIf(CMARK_GFM_MISSING !== undefined)("lake text in a finding's row", () => {
  // A session name and a query's text are the lake's: whoever assumes a role names the session.
  const rendered = (value: string) =>
    at(
      renderReports(
        [{ query: SAVED.anomalies, result: result([{ ...EXFILTRATION, sessions: value, session_count: 2, example_query: value }]) }],
        PERIOD,
        "test",
      ),
      1,
      "the anomalies page",
    ).content;

  it.each(Object.entries(HOSTILE))("%s: the sessions and the example query stay neutral", (_kind, value) => {
    expect(markdownProblems(rendered(value), rendered(benignTwin(value)))).toEqual([]);
  });

  it("shows them: the substitution reaches the row", () => {
    const row = rendered("canaryvalue")
      .split("\n")
      .find((line) => line.startsWith("| 1 |"));
    expect(row).toContain("etl-nightly (canaryvalue and 1 more)");
    expect(row).toContain("`canaryvalue`");
  });
});

describe("the index line", () => {
  const input = (anomalies?: readonly AnomalyRow[]): HeadlineInput => ({
    ...quietHeadlineInput(PERIOD),
    ...(anomalies === undefined ? {} : { anomalies }),
  });
  const line = (anomalies?: readonly AnomalyRow[]) => headline(input(anomalies)).lines.find((l) => l.startsWith("**Anomalies**"));

  it("counts by severity and gives the first finding to look at in words", () => {
    expect(line(ALL)).toBe(
      "**Anomalies**: 3 high, 2 medium, 2 low in the period; the first to look at: `etl-nightly` on 2026-10-21, " +
        "wrote query results to s3\\://exfil-bucket, outside the account's known buckets ([Anomalies](anomalies.md))",
    );
    expect(line([VOLUME_QUERIES])).toBe(
      "**Anomalies**: 0 high, 1 medium, 0 low in the period; the first to look at: `etl-nightly` on 2026-10-20, " +
        "ran 1,200 queries in one day, against a median of 40 queries a day over the previous weeks (30.0×), " +
        "on a day whose evidence is partial ([Anomalies](anomalies.md))",
    );
  });

  it("says none were found when the query ran, and nothing when it did not", () => {
    expect(line([])).toBe("**Anomalies**: none found in the period ([Anomalies](anomalies.md))");
    expect(line(undefined)).toBeUndefined();
    // Before the coverage line, so the bill stays last.
    const lines = headline(input([])).lines;
    expect(lines.indexOf("**Anomalies**: none found in the period ([Anomalies](anomalies.md))")).toBe(lines.length - 2);
  });

  it("is on the index only when the anomalies page was made", () => {
    const withPage = at(renderReports([{ query: SAVED.anomalies, result: result([]) }], PERIOD, "test"), 0, "the index");
    expect(withPage.content).toContain("- **Anomalies**: none found in the period ([Anomalies](anomalies.md))");
    const without = at(
      renderReports([{ query: SAVED.usage_daily, result: { rows: [], columns: [], bytesScanned: 0 } }], PERIOD, "test"),
      0,
      "the index",
    );
    expect(without.content).not.toContain("**Anomalies**");
  });
});

describe.skipIf(CHROMIUM_MISSING !== undefined)("the page on GitHub", () => {
  let view: GithubView;
  const cleanUp = cleanupAfterAll();
  beforeAll(async () => {
    view = await openGithubView();
    cleanUp(() => view.close());
  }, 60_000);

  it("draws every chart and fits in 1,012 px, with the longest names a chart label allows", async () => {
    const long = "arn:aws:sts::123456789012:assumed-role/Role+x=1,y.z@w-0_abcdefghijklmnopqrstuvwxyz/session-0";
    const rows = [...ALL, { ...VOLUME_BYTES, principal_arn: long, score: 11 }];
    const anomalies = at(renderReports([{ query: SAVED.anomalies, result: result(rows) }], PERIOD, "test"), 1, "the anomalies page");
    const drawn = await view.render(anomalies.content);
    expect(drawn.mermaidErrors).toEqual([]);
    expect(drawn.pageErrors).toEqual([]);
    expect(drawn.mermaid.map((m) => m.bars)).toEqual([2, 2, 2]);
    for (const m of drawn.mermaid) {
      expect(m.overlappingLabels).toEqual([]);
      expect(m.width).toBeLessThanOrEqual(GITHUB_CONTENT_WIDTH);
    }
    expect(drawn.overflows).toEqual([]);
  }, 60_000);
});
