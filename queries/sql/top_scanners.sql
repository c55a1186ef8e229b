-- top_scanners: the IAM users and roles ranked by what their queries cost in the period, each with
-- what it cost in the previous period of the same length (the days just before it), and the
-- sessions behind a role (the caller ARNs under it: an SSO user, the name given to AssumeRole), the
-- costliest first. One principal model for every page: a role's sessions
-- count together, and are listed beneath it.
-- One row per session of the costliest principals (the limit), at most five sessions each; the
-- principal's figures (principal_*), its rank and its session count repeat on each of its rows.
-- The totals over every principal of both periods (total_*) repeat on every row, so the rows still
-- say the whole when cut to the limit. Queries no CloudTrail record attributed are one
-- principal per account, (unattributed).
-- A comparison is only as good as the evidence for both periods: evidence_from is the first day with
-- events in the two (a lake younger than both compares only from that day; data_coverage judges gaps).
-- One scan reads both periods: twice the period's days, from the previous period's first day.
SELECT *
FROM (
  SELECT
    by_principal.*,
    dense_rank() OVER (
      ORDER BY principal_cost_usd DESC, principal_previous_cost_usd DESC, principal_data_scanned_bytes DESC,
        iam_principal_arn, account_id
    ) AS rank,
    sum(CASE WHEN session_rank = 1 AND principal_queries > 0 AND iam_principal_arn <> '(unattributed)' THEN 1 ELSE 0 END)
      OVER () AS total_principals
  FROM (
    SELECT
      by_session.*,
      sum(cost_usd) OVER (PARTITION BY iam_principal_arn, account_id) AS principal_cost_usd,
      sum(data_scanned_bytes) OVER (PARTITION BY iam_principal_arn, account_id) AS principal_data_scanned_bytes,
      sum(queries) OVER (PARTITION BY iam_principal_arn, account_id) AS principal_queries,
      sum(previous_cost_usd) OVER (PARTITION BY iam_principal_arn, account_id) AS principal_previous_cost_usd,
      sum(previous_queries) OVER (PARTITION BY iam_principal_arn, account_id) AS principal_previous_queries,
      sum(CASE WHEN queries > 0 THEN 1 ELSE 0 END) OVER (PARTITION BY iam_principal_arn, account_id) AS session_count,
      row_number() OVER (
        PARTITION BY iam_principal_arn, account_id
        ORDER BY cost_usd DESC, data_scanned_bytes DESC, queries DESC, principal
      ) AS session_rank,
      sum(queries) OVER () AS total_queries,
      sum(cost_usd) OVER () AS total_cost_usd,
      sum(previous_queries) OVER () AS total_previous_queries,
      sum(previous_cost_usd) OVER () AS total_previous_cost_usd,
      sum(CASE WHEN queries > 0 AND iam_principal_arn <> '(unattributed)' THEN 1 ELSE 0 END) OVER () AS total_sessions,
      min(first_active_day) OVER () AS evidence_from
    FROM (
      SELECT
        iam_principal_arn,
        principal,
        account_id,
        max(principal_type) AS principal_type,
        count_if(in_period) AS queries,
        sum(CASE WHEN in_period THEN data_scanned_bytes ELSE 0 END) AS data_scanned_bytes,
        sum(CASE WHEN in_period THEN billed_usd ELSE 0 END) AS cost_usd,
        count_if(NOT in_period) AS previous_queries,
        sum(CASE WHEN in_period THEN 0 ELSE billed_usd END) AS previous_cost_usd,
        min(dt) AS first_active_day
      FROM (
        SELECT
          coalesce(iam_principal_arn, '(unattributed)') AS iam_principal_arn,
          coalesce(principal_arn, '(unattributed)') AS principal,
          coalesce(account_id, '(unknown)') AS account_id,
          principal_type,
          coalesce(data_scanned_bytes, 0) AS data_scanned_bytes,
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
      GROUP BY iam_principal_arn, principal, account_id
    ) AS by_session
  ) AS by_principal
) AS ranked
WHERE rank <= :limit AND session_rank <= :session_limit
ORDER BY rank, session_rank
