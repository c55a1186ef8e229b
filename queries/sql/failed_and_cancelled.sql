-- failed_and_cancelled: queries that did not finish, by state, error category and type, and principal.
-- Athena bills a cancelled query for what it scanned until it was cancelled and a failed one not at
-- all (events.cost_usd follows those rules): cancelled queries cost money, failed ones cost time.
SELECT
  state,
  error_category,
  error_type,
  principal,
  count(*) AS queries,
  sum(coalesce(data_scanned_bytes, 0)) AS data_scanned_bytes,
  sum(coalesce(cost_usd, 0)) AS cost_usd,
  sum(coalesce(engine_execution_ms, 0)) AS engine_execution_ms,
  sum(coalesce(total_execution_ms, 0)) AS total_execution_ms,
  -- One message of this error type (messages of one type differ only in their details).
  min(error_message) AS example_error
FROM (
  SELECT
    state,
    -- Athena's ErrorCategory: 1 system, 2 user, 3 other.
    CASE error_category
      WHEN 1 THEN 'system'
      WHEN 2 THEN 'user'
      WHEN 3 THEN 'other'
      ELSE CAST(error_category AS varchar)
    END AS error_category,
    CAST(error_type AS bigint) AS error_type,
    coalesce(principal_arn, '(unattributed)') AS principal,
    data_scanned_bytes,
    -- Priced now, in the report's TB (docs/internals/cost-rules.md).
    CASE WHEN cost_usd > 0 THEN
      greatest(ceil(CAST(data_scanned_bytes AS double) / :billing_mb_bytes), CAST(:billing_minimum_mb AS double))
        * :billing_mb_bytes * :billing_usd_per_tb / :billing_tb_bytes
    ELSE cost_usd END AS cost_usd,
    engine_execution_ms,
    total_execution_ms,
    error_message
  FROM events
  WHERE dt BETWEEN :window_from AND :window_to
    AND state IN ('FAILED', 'CANCELLED')
) AS unfinished
GROUP BY state, error_category, error_type, principal
ORDER BY state, cost_usd DESC, total_execution_ms DESC, error_category, error_type, principal
