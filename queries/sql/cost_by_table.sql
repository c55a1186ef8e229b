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
WITH query_tables AS (
  SELECT DISTINCT
    dt,
    region,
    query_execution_id,
    coalesce(account_id, '(unknown)') AS account_id,
    t.table_name,
    principal_arn,
    coalesce(data_scanned_bytes, 0) AS data_scanned_bytes,
    coalesce(cost_usd, 0) AS cost_usd
  FROM events
  CROSS JOIN UNNEST(referenced_tables) AS t (table_name)
  WHERE dt BETWEEN :window_from AND :window_to
    AND t.table_name <> ''
  UNION ALL
  SELECT
    dt,
    region,
    query_execution_id,
    coalesce(account_id, '(unknown)') AS account_id,
    '(no table)' AS table_name,
    principal_arn,
    coalesce(data_scanned_bytes, 0) AS data_scanned_bytes,
    coalesce(cost_usd, 0) AS cost_usd
  FROM events
  WHERE dt BETWEEN :window_from AND :window_to
    AND coalesce(array_join(referenced_tables, ''), '') = ''
),
shares AS (
  SELECT
    query_tables.*,
    count(*) OVER (PARTITION BY dt, region, query_execution_id) AS tables_read
  FROM query_tables
),
ranked AS (
  SELECT
    account_id,
    table_name,
    row_number() OVER (
      ORDER BY sum(cost_usd / tables_read) DESC, sum(data_scanned_bytes / CAST(tables_read AS double)) DESC, table_name, account_id
    ) AS rank
  FROM shares
  GROUP BY account_id, table_name
),
labelled AS (
  SELECT
    s.*,
    r.rank,
    CASE WHEN r.rank <= :limit THEN s.account_id ELSE '(all)' END AS shown_account,
    CASE WHEN r.rank <= :limit THEN s.table_name ELSE '(other tables)' END AS shown_table
  FROM shares AS s
  JOIN ranked AS r ON r.account_id = s.account_id AND r.table_name = s.table_name
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
