-- heaviest_queries: the queries that scanned the most over a period.
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
    account_id,
    row_number() OVER (ORDER BY data_scanned_bytes DESC, query_execution_id) AS rank
  FROM events
  WHERE dt BETWEEN :window_from AND :window_to
    AND data_scanned_bytes IS NOT NULL
) AS ranked
WHERE rank <= :limit
ORDER BY rank
