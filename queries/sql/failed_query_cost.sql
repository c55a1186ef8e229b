-- failed_query_cost: what failed and cancelled queries scanned and cost (Athena bills them too).
SELECT
  state,
  coalesce(principal_arn, '(unattributed)') AS principal,
  count(*) AS queries,
  sum(coalesce(data_scanned_bytes, 0)) AS data_scanned_bytes,
  sum(coalesce(cost_usd, 0)) AS cost_usd,
  max(error_message) AS example_error
FROM events
WHERE dt BETWEEN :window_from AND :window_to
  AND state IN ('FAILED', 'CANCELLED')
GROUP BY state, coalesce(principal_arn, '(unattributed)')
ORDER BY cost_usd DESC, queries DESC, state, principal
