-- top_scanners: principals ranked by cost (then bytes) over a period. A principal belongs to one
-- account (its ARN names it); unattributed queries are a row per account whose Athena ran them.
SELECT *
FROM (
  SELECT
    coalesce(principal_arn, '(unattributed)') AS principal,
    coalesce(account_id, '(unknown)') AS account_id,
    max(iam_principal_arn) AS iam_principal_arn,
    max(principal_type) AS principal_type,
    count(*) AS queries,
    count_if(state IN ('FAILED', 'CANCELLED')) AS failed_or_cancelled,
    sum(coalesce(data_scanned_bytes, 0)) AS data_scanned_bytes,
    -- Priced now, in the report's TB (docs/internals/cost-rules.md), here and in the rank below.
    sum(coalesce(
      CASE WHEN cost_usd > 0 THEN
        greatest(ceil(CAST(data_scanned_bytes AS double) / :billing_mb_bytes), CAST(:billing_minimum_mb AS double))
          * :billing_mb_bytes * :billing_usd_per_tb / :billing_tb_bytes
      ELSE cost_usd END,
      0
    )) AS cost_usd,
    max(coalesce(data_scanned_bytes, 0)) AS largest_query_bytes,
    row_number() OVER (
      ORDER BY
        sum(coalesce(
          CASE WHEN cost_usd > 0 THEN
            greatest(ceil(CAST(data_scanned_bytes AS double) / :billing_mb_bytes), CAST(:billing_minimum_mb AS double))
              * :billing_mb_bytes * :billing_usd_per_tb / :billing_tb_bytes
          ELSE cost_usd END,
          0
        )) DESC,
        sum(coalesce(data_scanned_bytes, 0)) DESC, coalesce(principal_arn, '(unattributed)'), coalesce(account_id, '(unknown)')
    ) AS rank
  FROM events
  WHERE dt BETWEEN :window_from AND :window_to
  GROUP BY coalesce(principal_arn, '(unattributed)'), coalesce(account_id, '(unknown)')
) AS ranked
WHERE rank <= :limit
ORDER BY rank
