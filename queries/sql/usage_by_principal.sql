-- usage_by_principal: each principal's use over a long and a short window ending on the same day
-- (the reports use 90 and 30 days), to show who is growing and who went quiet.
SELECT
  principal,
  count_if(recent) AS queries_short,
  sum(CASE WHEN recent THEN data_scanned_bytes ELSE 0 END) AS data_scanned_bytes_short,
  sum(CASE WHEN recent THEN cost_usd ELSE 0 END) AS cost_usd_short,
  count(*) AS queries_long,
  sum(data_scanned_bytes) AS data_scanned_bytes_long,
  sum(cost_usd) AS cost_usd_long,
  max(dt) AS last_active_day
FROM (
  SELECT
    coalesce(principal_arn, '(unattributed)') AS principal,
    coalesce(data_scanned_bytes, 0) AS data_scanned_bytes,
    -- Priced now, in the report's TB (docs/internals/cost-rules.md).
    coalesce(
      CASE WHEN cost_usd > 0 THEN
        greatest(ceil(CAST(data_scanned_bytes AS double) / :billing_mb_bytes), CAST(:billing_minimum_mb AS double))
          * :billing_mb_bytes * :billing_usd_per_tb / :billing_tb_bytes
      ELSE cost_usd END,
      0
    ) AS cost_usd,
    dt >= :short_window_from AS recent,
    dt
  FROM events
  WHERE dt BETWEEN :window_from AND :window_to
) AS windowed
GROUP BY principal
ORDER BY cost_usd_long DESC, data_scanned_bytes_long DESC, principal
