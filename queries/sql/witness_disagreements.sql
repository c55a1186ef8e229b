-- witness_disagreements: queries where Athena's system table, the second witness, disagrees with the
-- audit's first witnesses: it names another principal than CloudTrail did (neither the caller nor
-- the IAM user or role behind it), or it says the query read tables the collector's SQL parser did
-- not find (tables_missed_by_parser), or not tables the parser found (tables_not_witnessed). Only
-- queries both witnesses saw are compared; none when the join does not read the system table. One
-- last row, of kind summary, counts the queries compared and those only the system table attributed,
-- so a page can tell "they agree" from "the system table was not read".
-- Events are read once (Athena evaluates a WITH clause once per reference): each compared query is
-- unnested into the kinds it may show and into the summary, and one grouping makes every row.
WITH witnessed AS (
  SELECT dt, region, query_execution_id, work_group, principal_source, principal_arn, iam_principal_arn,
    witness_principal_arn, referenced_tables, witnessed_tables, true AS compared
  FROM events
  WHERE dt BETWEEN :window_from AND :window_to AND witness_principal_arn IS NOT NULL
  UNION ALL
  -- A row of nothing, from no table, so the summary has a group when the period compared no query.
  SELECT NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, false
),
differences AS (
  -- (Filtered here and joined below: DuckDB's array_join macro cannot take a lambda that reads a column.)
  SELECT
    witnessed.*,
    filter(witnessed_tables, t -> referenced_tables IS NULL OR NOT coalesce(contains(referenced_tables, t), false)) AS missed_tables,
    filter(referenced_tables, t -> witnessed_tables IS NULL OR NOT coalesce(contains(witnessed_tables, t), false)) AS unwitnessed_tables
  FROM witnessed
),
compared AS (
  SELECT
    dt, region, query_execution_id, work_group, principal_source, principal_arn, iam_principal_arn, witness_principal_arn,
    witnessed_tables, compared,
    array_join(referenced_tables, ', ') AS parsed,
    array_join(witnessed_tables, ', ') AS witnessed,
    array_join(missed_tables, ', ') AS missed_by_parser,
    array_join(unwitnessed_tables, ', ') AS not_witnessed
  FROM differences
),
findings AS (
  -- split: the kinds as an array, spelled alike on both engines.
  SELECT
    compared.*,
    k.kind
  FROM compared
  CROSS JOIN UNNEST(split('principal,tables_missed_by_parser,tables_not_witnessed,summary', ',')) AS k (kind)
  WHERE (k.kind = 'principal' AND principal_source = 'cloudtrail'
      AND witness_principal_arn <> principal_arn AND witness_principal_arn <> iam_principal_arn)
    OR (k.kind = 'tables_missed_by_parser' AND witnessed_tables IS NOT NULL AND missed_by_parser <> '')
    OR (k.kind = 'tables_not_witnessed' AND witnessed_tables IS NOT NULL AND not_witnessed <> '')
    OR k.kind = 'summary'
),
shown AS (
  SELECT
    CASE WHEN kind <> 'summary' THEN dt END AS day,
    CASE WHEN kind <> 'summary' THEN region END AS region,
    CASE WHEN kind <> 'summary' THEN query_execution_id END AS query_execution_id,
    CASE WHEN kind <> 'summary' THEN work_group END AS work_group,
    kind,
    CASE kind
      WHEN 'principal' THEN principal_arn
      WHEN 'tables_missed_by_parser' THEN parsed
      WHEN 'tables_not_witnessed' THEN not_witnessed
    END AS audit_says,
    CASE kind
      WHEN 'principal' THEN witness_principal_arn
      WHEN 'tables_missed_by_parser' THEN missed_by_parser
      WHEN 'tables_not_witnessed' THEN witnessed
    END AS system_table_says,
    compared,
    principal_source
  FROM findings
)
-- A query's findings are one row each (a query has one row of events a day and region); the
-- summary's group holds every compared query.
SELECT
  day, region, query_execution_id, work_group, kind, audit_says, system_table_says,
  CASE WHEN kind = 'summary' THEN count(CASE WHEN compared THEN 1 END) END AS compared_queries,
  CASE WHEN kind = 'summary' THEN count_if(compared AND coalesce(principal_source, 'none') = 'system_table') END AS attributed_by_system_table
FROM shown
GROUP BY day, region, query_execution_id, work_group, kind, audit_says, system_table_says
-- Ascending puts NULL last on both engines (Trino's default; DuckDB's since 0.8): the summary row ends the list.
ORDER BY day, region, query_execution_id, kind
