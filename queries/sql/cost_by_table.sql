-- cost_by_table: what reading each table cost over a period, from events.referenced_tables (the
-- tables the collector parsed from each query's text, as database.table).
-- Athena reports bytes per query, not per table, so a query that read several tables is split
-- evenly: each of its n distinct tables gets 1/n of its bytes and of its cost. Every dollar is
-- counted once and the rows add up to the period's cost; the split is an estimate (a join of a
-- large table with a small one really spent most of it on the large one), and shared_queries says
-- how many of a table's queries were split. Queries that named no table (DDL, text the collector
-- could not parse, CloudTrail starts without history) make one row, (no table), ranked like a
-- table. The :limit tables that cost most have a row each; the rest are summed as (other tables).
-- A table belongs to one account's catalog: two accounts' `clickstream.sessions` are two rows.
-- Events are read once (Athena evaluates a WITH clause once per reference): each table's rank comes
-- from window functions over the same rows, not from a second grouping joined back.
WITH query_tables AS (
  -- One row per query and table it read (a table named twice counts once); a query that named none
  -- unnests (no table) instead.
  SELECT DISTINCT
    dt,
    region,
    query_execution_id,
    coalesce(account_id, '(unknown)') AS account_id,
    t.table_name,
    principal_arn,
    coalesce(data_scanned_bytes, 0) AS data_scanned_bytes,
    -- Priced now, in the report's TB (docs/internals/cost-rules.md).
    coalesce(
      CASE WHEN cost_usd > 0 THEN
        greatest(ceil(CAST(data_scanned_bytes AS double) / :billing_mb_bytes), CAST(:billing_minimum_mb AS double))
          * :billing_mb_bytes * :billing_usd_per_tb / :billing_tb_bytes
      ELSE cost_usd END,
      0
    ) AS cost_usd
  FROM events
  CROSS JOIN UNNEST(
    -- split: a one-element array, spelled alike on both engines.
    CASE WHEN coalesce(array_join(referenced_tables, ''), '') = '' THEN split('(no table)', ',') ELSE referenced_tables END
  ) AS t (table_name)
  WHERE dt BETWEEN :window_from AND :window_to
    AND t.table_name <> ''
),
shares AS (
  SELECT
    query_tables.*,
    count(*) OVER (PARTITION BY dt, region, query_execution_id) AS tables_read
  FROM query_tables
),
table_totals AS (
  SELECT
    shares.*,
    sum(cost_usd / tables_read) OVER (PARTITION BY account_id, table_name) AS table_cost_usd,
    sum(data_scanned_bytes / CAST(tables_read AS double)) OVER (PARTITION BY account_id, table_name) AS table_bytes,
    row_number() OVER (PARTITION BY account_id, table_name) AS table_row
  FROM shares
),
ranked AS (
  -- A table's rank: the tables up to it in this order, each counted on one of its rows. A table's
  -- rows are peers in the order (same cost, bytes, name and account), so all of them get its count.
  SELECT
    table_totals.*,
    sum(CASE WHEN table_row = 1 THEN 1 ELSE 0 END) OVER (ORDER BY table_cost_usd DESC, table_bytes DESC, table_name, account_id) AS rank
  FROM table_totals
),
labelled AS (
  SELECT
    ranked.*,
    CASE WHEN rank <= :limit THEN account_id ELSE '(all)' END AS shown_account,
    CASE WHEN rank <= :limit THEN table_name ELSE '(other tables)' END AS shown_table
  FROM ranked
)
SELECT
  shown_table AS table_name,
  shown_account AS account_id,
  sum(cost_usd / tables_read) AS cost_usd,
  sum(data_scanned_bytes / CAST(tables_read AS double)) AS data_scanned_bytes,
  count(DISTINCT query_execution_id) AS queries,
  count(DISTINCT CASE WHEN tables_read > 1 THEN query_execution_id END) AS shared_queries,
  count(DISTINCT principal_arn) AS principals
FROM labelled
GROUP BY shown_account, shown_table
ORDER BY min(rank)
