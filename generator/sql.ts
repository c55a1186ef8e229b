/**
 * The query texts the demo organisation runs, built from parts the generator knows: identifiers,
 * literal values and comments. So each text comes with its shape, the text with every literal
 * value masked and its comments dropped, worked out here rather than parsed back, and the tests can
 * hold the SQL fingerprint (cost_by_query_shape) to it.
 */
import { defined } from "../core/checks";

/** A query's text, its shape, and what it reads. */
export interface QueryText {
  text: string;
  /** Lower-cased, literals masked (`'?'`, `?`), comments dropped, white space folded: what cost_by_query_shape should show. */
  shape: string;
  /** The query's database context (QueryExecutionContext.Database). */
  database: string;
  /** Tables it reads or writes, `database.table`, as the collector's parser would list them. */
  tables: string[];
  statementType: "DML" | "DDL";
  substatementType: string;
}

interface Piece {
  text: string;
  shape: string;
}

/** A string literal: `'value'` in the text, `'?'` in the shape. */
export const str = (value: string): Piece => ({ text: `'${value.replace(/'/g, "''")}'`, shape: "'?'" });
/** A numeric literal. */
export const num = (value: number): Piece => ({ text: String(value), shape: "?" });
/** A comment: in the text, not in the shape. */
export const comment = (text: string): Piece =>
  text.startsWith("--") ? { text: `${text}\n`, shape: "\n" } : { text: `/* ${text} */`, shape: " " };

/** Folds a shape as the SQL does: lower case, runs of white space as one space, no space at the ends. */
export function foldShape(shape: string): string {
  return shape.toLowerCase().replace(/\s+/g, " ").trim();
}

/** `sql\`SELECT * FROM ${"t"} WHERE id = ${num(7)}\``: plain strings are identifiers, the same in text and shape. */
export function sql(strings: TemplateStringsArray, ...parts: (string | Piece)[]): Piece {
  let text = "";
  let shape = "";
  strings.forEach((literal, i) => {
    text += literal;
    shape += literal;
    // One part between each two literals: none after the last.
    const part = parts[i];
    if (part === undefined) return;
    text += typeof part === "string" ? part : part.text;
    shape += typeof part === "string" ? part : part.shape;
  });
  return { text, shape };
}

/** `sales.orders` as its database and table name. */
export function tableParts(table: string): { database: string; name: string } {
  const dot = table.indexOf(".");
  if (dot < 0) throw new Error(`${JSON.stringify(table)} is not database.table`);
  return { database: table.slice(0, dot), name: table.slice(dot + 1) };
}

/** The database of `database.table` (`sales` of `sales.orders`). */
export function databaseOf(table: string): string {
  return tableParts(table).database;
}

/** A query text over `tables`; its database is the first table's unless given. */
export function queryText(piece: Piece, tables: string[], substatementType = "SELECT", database?: string): QueryText {
  const context = database ?? tables.map(databaseOf).at(0);
  if (context === undefined) throw new Error(`no database for the query ${JSON.stringify(piece.text)}: give one, or a table`);
  return { text: piece.text, shape: foldShape(piece.shape), database: context, tables, statementType: "DML", substatementType };
}

/** The one of `choices` `pick` draws. */
function chosen<T>(choices: readonly T[], pick: (n: number) => number): T {
  return defined(choices[pick(choices.length)], "a choice (the list is empty, or pick drew past its end)");
}

/** A day as `YYYY-MM-DD`, `n` days before `day`. */
function before(day: string, n: number): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) - n * 86_400_000).toISOString().slice(0, 10);
}

const firstOfMonth = (day: string) => `${day.slice(0, 8)}01`;

/** What a person types while exploring `database.table`; `pick` draws the variable parts. */
export function adHoc(database: string, table: string, day: string, pick: (n: number) => number): QueryText {
  const since = before(day, 1 + pick(29));
  const shapes: (() => QueryText)[] = [
    () =>
      queryText(
        sql`SELECT region, count(*) AS n, sum(amount) AS total
FROM ${database}.${table}
WHERE event_date >= DATE ${str(since)} AND status = ${str("complete")}
GROUP BY region
ORDER BY total DESC`,
        [`${database}.${table}`],
      ),
    () =>
      queryText(
        sql`SELECT *
FROM "${database}"."${table}"
WHERE customer_id = ${num(10000 + pick(90000))}
LIMIT ${num(100)}`,
        [`${database}.${table}`],
      ),
    () =>
      queryText(
        sql`WITH recent AS (
  SELECT user_id, max(ts) AS last_seen FROM ${table} WHERE dt > ${str(since)} GROUP BY user_id
)
SELECT count(*) FROM recent WHERE last_seen > now() - interval ${str("7")} day`,
        [`${database}.${table}`],
      ),
    () =>
      queryText(
        sql`SELECT date_trunc(${str("week")}, created_at) AS week, approx_distinct(email) FROM ${database}.${table} GROUP BY ${num(1)}`,
        [`${database}.${table}`],
      ),
  ];
  return chosen(shapes, pick)();
}

/** Joins people write when they can read both sides: revenue by segment, sessions by campaign. */
export function adHocJoin(databases: readonly string[], day: string, pick: (n: number) => number): QueryText | undefined {
  const joins: (() => QueryText)[] = [];
  if (databases.includes("sales"))
    joins.push(() =>
      queryText(
        sql`SELECT c.segment, sum(o.amount) AS revenue
FROM sales.orders o
JOIN sales.customers c ON c.customer_id = o.customer_id
WHERE o.order_date BETWEEN DATE ${str(before(day, 7 + pick(60)))} AND DATE ${str(before(day, 1))}
GROUP BY c.segment
ORDER BY revenue DESC`,
        ["sales.orders", "sales.customers"],
      ),
    );
  if (databases.includes("clickstream") && databases.includes("marketing"))
    joins.push(() =>
      queryText(
        sql`SELECT m.campaign_name, count(DISTINCT s.session_id) AS sessions
FROM clickstream.sessions s
JOIN marketing.campaigns m ON m.utm_campaign = s.utm_campaign
WHERE s.dt >= ${str(before(day, 1 + pick(14)))}
GROUP BY m.campaign_name`,
        ["clickstream.sessions", "marketing.campaigns"],
      ),
    );
  if (databases.includes("clickstream") && databases.includes("ads"))
    joins.push(() =>
      queryText(
        sql`SELECT i.campaign_id, count(*) AS impressions, count(c.click_id) AS clicks
FROM ads.impressions i
LEFT JOIN clickstream.ad_clicks c ON c.impression_id = i.impression_id
WHERE i.dt >= ${str(before(day, 1 + pick(14)))}
GROUP BY i.campaign_id`,
        ["ads.impressions", "clickstream.ad_clicks"],
      ),
    );
  return joins.length > 0 ? chosen(joins, pick)() : undefined;
}

const TERMS = ["checkout", "pricing", "promo", "signup", "cart", "invoice", "careers"];

/** The full scan an analyst starts without a partition filter: every day of page views. */
export function fullScan(pick: (n: number) => number): QueryText {
  return queryText(
    sql`SELECT *
FROM clickstream.page_views
WHERE lower(url) LIKE ${str(`%${chosen(TERMS, pick)}%`)}`,
    ["clickstream.page_views"],
  );
}

export function ddl(database: string, table: string, pick: (n: number) => number): QueryText {
  const texts = [`SHOW PARTITIONS ${database}.${table}`, `MSCK REPAIR TABLE ${database}.${table}`, `DESCRIBE ${database}.${table}`];
  const text = chosen(texts, pick);
  const substatementType = text.startsWith("SHOW") ? "SHOW" : text.startsWith("MSCK") ? "MSCK_REPAIR_TABLE" : "DESCRIBE";
  return { text, shape: foldShape(text), database, tables: [], statementType: "DDL", substatementType };
}

/** A query of a scheduled job or a dashboard: its text is fixed for the day (and the hour, for hourly jobs). */
export type DailyText = (day: string, hour: number) => QueryText;

const job = (name: string, step: string) => comment(`glue job=${name} step=${step}`);

/** The nightly Glue pipeline, step by step (yesterday's partitions), and its Sunday rebuild. */
export const ETL_STEPS = [
  (day) =>
    queryText(
      sql`${job("clickstream-nightly", "sessionize")}
INSERT INTO clickstream.sessions
SELECT session_id, user_id, min(ts) AS started_at, max(ts) AS ended_at, count(*) AS views
FROM clickstream.page_views
WHERE dt = ${str(before(day, 1))}
GROUP BY session_id, user_id`,
      ["clickstream.page_views", "clickstream.sessions"],
      "INSERT",
    ),
  (day) =>
    queryText(
      sql`${job("clickstream-nightly", "quality")}
SELECT count(*) AS rows, count_if(user_id IS NULL) AS anonymous
FROM clickstream.page_views
WHERE dt = ${str(before(day, 1))}`,
      ["clickstream.page_views"],
    ),
  (day) =>
    queryText(
      sql`${job("sales-nightly", "orders-daily")}
SELECT order_date, region, count(*) AS orders, sum(amount) AS revenue
FROM sales.orders
WHERE order_date = DATE ${str(before(day, 1))}
GROUP BY order_date, region`,
      ["sales.orders"],
    ),
  (day) =>
    queryText(
      sql`${job("sales-nightly", "refunds-match")}
SELECT r.order_id, r.amount AS refunded, o.amount AS paid
FROM sales.refunds r
JOIN sales.orders o ON o.order_id = r.order_id
WHERE r.dt = ${str(before(day, 1))}`,
      ["sales.refunds", "sales.orders"],
    ),
  () =>
    queryText(
      sql`${job("sales-nightly", "customers-dedupe")}
SELECT email, count(*) AS copies
FROM sales.customers
GROUP BY email
HAVING count(*) > ${num(1)}`,
      ["sales.customers"],
    ),
] as const satisfies readonly DailyText[];

/** The pipeline's hourly check that the last hour of page views has landed. */
export const FRESHNESS_CHECK: DailyText = (day, hour) =>
  queryText(
    sql`SELECT max(ts) AS latest, count(*) AS views
FROM clickstream.page_views
WHERE dt = ${str(day)} AND hour = ${num(hour)}`,
    ["clickstream.page_views"],
  );

export const ETL_REBUILD: DailyText = () =>
  queryText(
    sql`${job("clickstream-weekly", "rebuild-sessions")}
INSERT INTO clickstream.sessions
SELECT session_id, user_id, min(ts) AS started_at, max(ts) AS ended_at, count(*) AS views
FROM clickstream.page_views
GROUP BY session_id, user_id`,
    ["clickstream.page_views", "clickstream.sessions"],
    "INSERT",
  );

/** QuickSight dashboard tiles, as QuickSight writes them (quoted names); the same text all day. */
export const DASHBOARD_TILES = [
  (day) =>
    queryText(
      sql`SELECT date_trunc(${str("hour")}, "order_ts") AS "hour", SUM("amount") AS "revenue"
FROM "sales"."orders"
WHERE "order_date" = DATE ${str(day)}
GROUP BY ${num(1)}
ORDER BY ${num(1)}`,
      ["sales.orders"],
    ),
  (day) =>
    queryText(
      sql`SELECT "region" AS "region", COUNT(*) AS "count"
FROM "sales"."orders"
WHERE "order_date" >= DATE ${str(before(day, 7))}
GROUP BY "region"`,
      ["sales.orders"],
    ),
  () =>
    queryText(
      sql`SELECT "segment" AS "segment", COUNT(*) AS "count"
FROM "sales"."customers"
GROUP BY "segment"`,
      ["sales.customers"],
    ),
  (day) =>
    queryText(
      sql`SELECT "status" AS "status", COUNT(*) AS "count", SUM("amount") AS "amount"
FROM "sales"."refunds"
WHERE "dt" >= ${str(before(day, 30))}
GROUP BY "status"`,
      ["sales.refunds"],
    ),
  (day) =>
    queryText(
      sql`SELECT "channel" AS "channel", SUM("spend") AS "spend", SUM("conversions") AS "conversions"
FROM "marketing"."attribution"
WHERE "dt" >= ${str(before(day, 30))}
GROUP BY "channel"`,
      ["marketing.attribution"],
    ),
  (day) =>
    queryText(
      sql`SELECT "campaign_name" AS "campaign_name", SUM("clicks") AS "clicks"
FROM "marketing"."campaigns"
WHERE "start_date" <= DATE ${str(day)}
GROUP BY "campaign_name"
ORDER BY ${num(2)} DESC
LIMIT ${num(20)}`,
      ["marketing.campaigns"],
    ),
] as const satisfies readonly DailyText[];

/** Tableau (JDBC): the morning extract refresh, and the live dashboard's query (month to date). */
export const TABLEAU_EXTRACTS = [
  (day) =>
    queryText(sql`SELECT * FROM "sales"."orders" "Orders" WHERE ("Orders"."order_date" >= DATE ${str(before(day, 90))})`, ["sales.orders"]),
  () => queryText(sql`SELECT * FROM "sales"."customers" "Customers"`, ["sales.customers"]),
  (day) =>
    queryText(
      sql`SELECT * FROM "finance"."invoices" "Invoices" WHERE ("Invoices"."issued_at" >= TIMESTAMP ${str(`${before(day, 90)} 00:00:00`)})`,
      ["finance.invoices"],
    ),
] as const satisfies readonly DailyText[];

export const TABLEAU_LIVE = [
  (day) =>
    queryText(
      sql`SELECT "Customers"."segment" AS "segment", SUM("Orders"."amount") AS "sum:amount:ok"
FROM "sales"."orders" "Orders"
  INNER JOIN "sales"."customers" "Customers" ON ("Orders"."customer_id" = "Customers"."customer_id")
WHERE ("Orders"."order_date" >= DATE ${str(firstOfMonth(day))})
GROUP BY ${num(1)}`,
      ["sales.orders", "sales.customers"],
    ),
] as const satisfies readonly DailyText[];

/** The Python job (boto3) that reconciles the ledger with customers every afternoon. */
export const RECONCILIATION: DailyText = (day) =>
  queryText(
    sql`${comment("-- reconciliation: ledger vs customers (don't edit here, it's owned by finance-eng)")}SELECT l.invoice_id, l.amount,
  c.customer_id, c.segment
FROM finance.ledger l
JOIN sales.customers c ON c.customer_id = l.customer_id
WHERE l.posted_date = DATE ${str(before(day, 1))}`,
    ["finance.ledger", "sales.customers"],
    "SELECT",
    "finance",
  );

/** The month-end close: balances over the whole ledger. */
export const MONTH_END = [
  (day) =>
    queryText(
      sql`SELECT account_id, sum(debit) - sum(credit) AS balance
FROM finance.ledger
WHERE posted_at < TIMESTAMP ${str(`${day} 00:00:00`)}
GROUP BY account_id`,
      ["finance.ledger"],
    ),
  (day) =>
    queryText(
      sql`SELECT customer_id, sum(amount) AS open_amount
FROM finance.invoices
WHERE paid_at IS NULL AND issued_at < TIMESTAMP ${str(`${firstOfMonth(day)} 00:00:00`)}
GROUP BY customer_id
HAVING sum(amount) > ${num(0)}`,
      ["finance.invoices"],
    ),
] as const satisfies readonly DailyText[];

/** The churn-scoring Lambda's morning feature queries (eu-west-1). */
export const CHURN_FEATURES = [
  (day) =>
    queryText(
      sql`SELECT a.customer_id, sum(a.spend) AS spend_30d, sum(a.conversions) AS conversions_30d
FROM marketing.attribution a
WHERE a.dt >= ${str(before(day, 30))}
GROUP BY a.customer_id`,
      ["marketing.attribution"],
    ),
  (day) =>
    queryText(
      sql`SELECT o.customer_id, count(*) AS orders_90d, max(o.order_date) AS last_order
FROM sales.orders o
WHERE o.order_date >= DATE ${str(before(day, 90))}
GROUP BY o.customer_id`,
      ["sales.orders"],
    ),
] as const satisfies readonly DailyText[];

const attribution = (step: string) => comment(`campaign-attribution step=${step}`);

/** The marketing account's nightly attribution Lambda: yesterday's clicks and landing pages by campaign, and its spend. */
export const ATTRIBUTION_STEPS = [
  (day) =>
    queryText(
      sql`${attribution("clicks")}
SELECT i.campaign_id, count(DISTINCT c.click_id) AS clicks, count(DISTINCT c.session_id) AS sessions
FROM clickstream.ad_clicks c
JOIN ads.impressions i ON i.impression_id = c.impression_id
WHERE c.dt = ${str(before(day, 1))} AND i.dt = ${str(before(day, 1))}
GROUP BY i.campaign_id`,
      ["clickstream.ad_clicks", "ads.impressions"],
    ),
  (day) =>
    queryText(
      sql`${attribution("landing-pages")}
SELECT c.campaign_id, p.url, count(*) AS views
FROM clickstream.page_views p
JOIN clickstream.ad_clicks c ON c.session_id = p.session_id
WHERE p.dt = ${str(before(day, 1))} AND c.dt = ${str(before(day, 1))}
GROUP BY c.campaign_id, p.url`,
      ["clickstream.page_views", "clickstream.ad_clicks"],
    ),
  (day) =>
    queryText(
      sql`${attribution("spend")}
SELECT campaign_id, sum(cost_usd) AS spend, sum(clicks) AS billed_clicks
FROM ads.spend
WHERE dt = ${str(before(day, 1))}
GROUP BY campaign_id`,
      ["ads.spend"],
    ),
] as const satisfies readonly DailyText[];

/** The marketing account's morning sync check (an IAM user's access key, boto3): did yesterday's spend and impressions arrive? */
export const AD_SYNC_CHECKS = [
  (day) =>
    queryText(
      sql`SELECT network, count(*) AS rows, sum(cost_usd) AS spend
FROM ads.spend
WHERE dt = ${str(before(day, 1))}
GROUP BY network`,
      ["ads.spend"],
    ),
  (day) =>
    queryText(
      sql`SELECT network, count(*) AS impressions
FROM ads.impressions
WHERE dt = ${str(before(day, 1))}
GROUP BY network`,
      ["ads.impressions"],
    ),
] as const satisfies readonly DailyText[];
