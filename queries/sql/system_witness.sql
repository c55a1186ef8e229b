-- system_witness: Athena's system table as the events join's second witness. queries/join/sql.ts
-- puts this text in events_join.sql's witness CTE when the system-tables setting is on; it reads
-- the executions submitted in the days the join reads history for (D-1 .. D+1), which the table's
-- day partitioning prunes to. One row per execution, should the table ever hold one twice.
SELECT
  query_execution_id,
  min_by(account_id, submission_date_time) AS account_id,
  min_by(principal_arn, submission_date_time) AS principal_arn,
  -- tables:begin  AWS documents catalog_name and database_name in tables_accessed' elements, not
  -- table_name: where Athena cannot resolve it, the join runs this text without these lines (tables
  -- read NULL) and keeps the witness's principals (functions/join/join.ts).
  min_by(transform(tables_accessed, accessed -> lower(accessed.database_name || '.' || accessed.table_name)), submission_date_time)
    AS tables_read
  -- tables:end
FROM "s3tablescatalog/aws-athena"."metadata"."query_executions"
WHERE region_name = :region
  AND submission_date_time >= CAST(:day_before AS timestamp)
  AND submission_date_time < CAST(:day_after AS timestamp) + INTERVAL '1' DAY
GROUP BY query_execution_id
