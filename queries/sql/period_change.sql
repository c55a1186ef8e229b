-- period_change: each IAM user's and role's queries and cost in the period and in the previous
-- period of the same length (the days just before it, from :previous_from), to show what grew and
-- what shrank. A role's sessions count together (session names come and go); queries no CloudTrail
-- record attributed are one row, (unattributed).
-- A comparison is only as good as the evidence for both periods: first_active_day is where each
-- row's events start within the two periods, and the earliest over all rows where the events
-- table's do. A lake younger than the two periods has a previous period to compare with only from
-- that day (a gap inside the previous period does not show here; data_coverage judges the period).
-- One scan reads both periods: twice the period's days, from the previous period's first day.
SELECT
  iam_principal_arn,
  count_if(in_period) AS queries,
  sum(CASE WHEN in_period THEN billed_usd ELSE 0 END) AS cost_usd,
  count_if(NOT in_period) AS previous_queries,
  sum(CASE WHEN in_period THEN 0 ELSE billed_usd END) AS previous_cost_usd,
  min(dt) AS first_active_day,
  max(dt) AS last_active_day
FROM (
  SELECT
    coalesce(iam_principal_arn, '(unattributed)') AS iam_principal_arn,
    -- Priced now, in the report's TB (docs/internals/cost-rules.md).
    coalesce(
      CASE WHEN cost_usd > 0 THEN
        greatest(ceil(CAST(data_scanned_bytes AS double) / :billing_mb_bytes), CAST(:billing_minimum_mb AS double))
          * :billing_mb_bytes * :billing_usd_per_tb / :billing_tb_bytes
      ELSE cost_usd END,
      0
    ) AS billed_usd,
    dt >= :window_from AS in_period,
    dt
  FROM events
  WHERE dt BETWEEN :previous_from AND :window_to
) AS both_periods
GROUP BY iam_principal_arn
ORDER BY cost_usd DESC, previous_cost_usd DESC, iam_principal_arn
