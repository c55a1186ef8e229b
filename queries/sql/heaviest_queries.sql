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
    -- Priced now, in the report's TB (docs/internals/cost-rules.md).
    CASE WHEN cost_usd > 0 THEN
      greatest(ceil(CAST(data_scanned_bytes AS double) / :billing_mb_bytes), CAST(:billing_minimum_mb AS double))
        * :billing_mb_bytes * :billing_usd_per_tb / :billing_tb_bytes
    ELSE cost_usd END AS cost_usd,
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
