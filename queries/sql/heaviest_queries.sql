-- heaviest_queries: the queries that scanned the most over a period.
-- Parameters: 1 first day, 2 last day (yyyy-MM-dd, inclusive), 3 how many queries.
SELECT *
FROM (
  SELECT
    query_execution_id,
    event_time,
    coalesce(principal_arn, '(unattributed)') AS principal,
    work_group,
    database_name,
    state,
    data_scanned_bytes,
    cost_usd,
    total_execution_ms,
    query_text,
    region,
    row_number() OVER (ORDER BY data_scanned_bytes DESC, query_execution_id) AS rank
  FROM events
  WHERE dt BETWEEN ? AND ?
    AND data_scanned_bytes IS NOT NULL
) AS ranked
WHERE rank <= ?
ORDER BY rank
