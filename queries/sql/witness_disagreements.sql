-- witness_disagreements: queries where Athena's system table, the second witness, disagrees with the
-- audit's first witnesses: it names another principal than CloudTrail did (neither the caller nor
-- the IAM user or role behind it), or it says the query read tables the collector's SQL parser did
-- not find (tables_missed_by_parser), or not tables the parser found (tables_not_witnessed). Only
-- queries both witnesses saw are compared; none when the join does not read the system table. One
-- last row, of kind summary, counts the queries compared and those only the system table attributed,
-- so a page can tell "they agree" from "the system table was not read".
WITH witnessed AS (
  SELECT dt, region, query_execution_id, work_group, principal_source, principal_arn, iam_principal_arn,
    witness_principal_arn, referenced_tables, witnessed_tables
  FROM events
  WHERE dt BETWEEN :window_from AND :window_to AND witness_principal_arn IS NOT NULL
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
    witnessed_tables,
    array_join(referenced_tables, ', ') AS parsed,
    array_join(witnessed_tables, ', ') AS witnessed,
    array_join(missed_tables, ', ') AS missed_by_parser,
    array_join(unwitnessed_tables, ', ') AS not_witnessed
  FROM differences
)
SELECT dt AS day, region, query_execution_id, work_group, 'principal' AS kind,
  principal_arn AS audit_says, witness_principal_arn AS system_table_says,
  CAST(NULL AS bigint) AS compared_queries, CAST(NULL AS bigint) AS attributed_by_system_table
FROM compared
WHERE principal_source = 'cloudtrail' AND witness_principal_arn <> principal_arn AND witness_principal_arn <> iam_principal_arn
UNION ALL
SELECT dt AS day, region, query_execution_id, work_group, 'tables_missed_by_parser' AS kind,
  parsed AS audit_says, missed_by_parser AS system_table_says,
  CAST(NULL AS bigint) AS compared_queries, CAST(NULL AS bigint) AS attributed_by_system_table
FROM compared
WHERE witnessed_tables IS NOT NULL AND missed_by_parser <> ''
UNION ALL
SELECT dt AS day, region, query_execution_id, work_group, 'tables_not_witnessed' AS kind,
  not_witnessed AS audit_says, witnessed AS system_table_says,
  CAST(NULL AS bigint) AS compared_queries, CAST(NULL AS bigint) AS attributed_by_system_table
FROM compared
WHERE witnessed_tables IS NOT NULL AND not_witnessed <> ''
UNION ALL
SELECT NULL AS day, NULL AS region, NULL AS query_execution_id, NULL AS work_group, 'summary' AS kind,
  NULL AS audit_says, NULL AS system_table_says,
  count(*) AS compared_queries, count_if(coalesce(principal_source, 'none') = 'system_table') AS attributed_by_system_table
FROM witnessed
-- Ascending puts NULL last on both engines (Trino's default; DuckDB's since 0.8): the summary row ends the list.
ORDER BY day, region, query_execution_id, kind
