-- usage_daily: one row per day of a period: queries, principals, bytes and cost.
SELECT
  dt AS day,
  count(*) AS queries,
  count(DISTINCT principal_arn) AS principals,
  count_if(state IN ('FAILED', 'CANCELLED')) AS failed_or_cancelled,
  sum(coalesce(data_scanned_bytes, 0)) AS data_scanned_bytes,
  -- Priced now, in the report's TB (docs/internals/cost-rules.md).
  sum(coalesce(
    CASE WHEN cost_usd > 0 THEN
      greatest(ceil(CAST(data_scanned_bytes AS double) / :billing_mb_bytes), CAST(:billing_minimum_mb AS double))
        * :billing_mb_bytes * :billing_usd_per_tb / :billing_tb_bytes
    ELSE cost_usd END,
    0
  )) AS cost_usd
FROM events
WHERE dt BETWEEN :window_from AND :window_to
GROUP BY dt
ORDER BY dt
