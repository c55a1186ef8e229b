-- access_by_engine: who read each table, through which engine, how often and how much, over a
-- period: Athena's own queries from events (the tables the collector parsed from each query's text),
-- every other engine's reads from access (Glue catalog reads, Lake Formation's GetDataAccess, S3
-- object reads; an S3 read outside every known table location is kept by bucket and first folder).
-- One row per account, IAM principal, resource and engine. For Athena, calls are queries and bytes
-- what those queries scanned in all: a query that read several tables counts its whole scan for each,
-- so Athena's rows do not add up across tables; objects are not recorded for it (null).
-- Absence proves little: S3 object reads are data events, in access only for buckets the trail
-- selects, and catalog reads only when the trail records read management events. `sources` lets
-- the page say which kinds of evidence the period holds.
WITH athena_reads AS (
  -- One row per query and table it read: a table named twice in one query counts once.
  SELECT DISTINCT
    dt,
    query_execution_id,
    coalesce(account_id, '(unknown)') AS account_id,
    coalesce(iam_principal_arn, '(unattributed)') AS iam_principal_arn,
    lower(t.table_name) AS resource,
    coalesce(data_scanned_bytes, 0) AS data_scanned_bytes
  FROM events
  CROSS JOIN UNNEST(referenced_tables) AS t (table_name)
  WHERE dt BETWEEN :window_from AND :window_to
    AND t.table_name <> ''
),
reads AS (
  SELECT
    account_id,
    iam_principal_arn,
    'table' AS resource_kind,
    resource,
    'athena' AS engine,
    'events' AS source,
    dt,
    count(*) AS calls,
    CAST(NULL AS bigint) AS objects,
    sum(data_scanned_bytes) AS bytes
  FROM athena_reads
  GROUP BY account_id, iam_principal_arn, resource, dt
  UNION ALL
  SELECT
    account_id,
    coalesce(iam_principal_arn, '(unattributed)') AS iam_principal_arn,
    resource_kind,
    resource,
    engine,
    source,
    dt,
    calls,
    objects,
    bytes
  FROM access
  WHERE dt BETWEEN :window_from AND :window_to
)
SELECT
  account_id,
  iam_principal_arn,
  resource_kind,
  resource,
  engine,
  array_join(array_sort(array_agg(DISTINCT source)), ',') AS sources,
  count(DISTINCT dt) AS days,
  sum(calls) AS calls,
  sum(objects) AS objects,
  sum(bytes) AS bytes,
  max(dt) AS last_day
FROM reads
GROUP BY account_id, iam_principal_arn, resource_kind, resource, engine
ORDER BY sum(bytes) DESC, sum(calls) DESC, account_id, iam_principal_arn, resource, engine
