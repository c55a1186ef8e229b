-- usage_by_workgroup: each work group's use over a long and a short window ending on the same day.
-- A work group belongs to one account: two accounts' `primary` work groups are two rows.
SELECT
  work_group,
  account_id,
  count_if(recent) AS queries_short,
  sum(CASE WHEN recent THEN data_scanned_bytes ELSE 0 END) AS data_scanned_bytes_short,
  sum(CASE WHEN recent THEN cost_usd ELSE 0 END) AS cost_usd_short,
  count(*) AS queries_long,
  sum(data_scanned_bytes) AS data_scanned_bytes_long,
  sum(cost_usd) AS cost_usd_long,
  count(DISTINCT principal_arn) AS principals_long
FROM (
  SELECT
    coalesce(account_id, '(unknown)') AS account_id,
    coalesce(work_group, '(unknown)') AS work_group,
    principal_arn,
    coalesce(data_scanned_bytes, 0) AS data_scanned_bytes,
    -- Priced now, in the report's TB (docs/internals/cost-rules.md).
    coalesce(
      CASE WHEN cost_usd > 0 THEN
        greatest(ceil(CAST(data_scanned_bytes AS double) / :billing_mb_bytes), CAST(:billing_minimum_mb AS double))
          * :billing_mb_bytes * :billing_usd_per_tb / :billing_tb_bytes
      ELSE cost_usd END,
      0
    ) AS cost_usd,
    dt >= :short_window_from AS recent
  FROM events
  WHERE dt BETWEEN :window_from AND :window_to
) AS windowed
GROUP BY account_id, work_group
ORDER BY cost_usd_long DESC, data_scanned_bytes_long DESC, work_group, account_id
