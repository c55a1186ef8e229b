-- bill_reconciliation: per day, the audit's cost (priced in the report's TB) against what AWS billed
-- for Athena (the billing table, from Cost Explorer), the difference and the ratio, and which TB
-- definition explains the bill. The day's billed queries (cost_usd > 0: the billing rules already
-- left out failed, DDL and zero-byte queries) are priced in both units too, binary (2^40-byte TB,
-- 2^20-byte MB) and decimal (10^12, 10^6), with the price and minimum of core/cost.ts; the two
-- differ by about 9.95%. A unit fits when the bill is within :tolerance_usd plus :tolerance_ratio of
-- that unit's price; a day that no unit fits is a mismatch (a work group or region the audit missed,
-- a query billed on another day, or billing rules that changed). Days without a bill have nulls.
-- For the page's likely causes: the regions the day's events cover, the usage types the bill names
-- (their prefix is the region: the bill is account-wide), and whether Cost Explorer still estimates it.
-- The bill is the billing collector's own account's (billing.account_id): only that account's events
-- are compared, and what the other accounts' queries cost is given apart (unbilled_cost_usd). Bills
-- written before rows named their account are compared with every account's events, as they were.
-- Each table is read once (Athena evaluates a WITH clause once per reference): both are summed per
-- day and account first, in one relation, and the rest is worked out from those sums.
WITH sums AS (
  SELECT
    'events' AS source,
    dt,
    account_id,
    region,
    CAST(NULL AS varchar) AS usage_type,
    -- Priced now, in the report's TB (docs/internals/cost-rules.md).
    sum(coalesce(
      CASE WHEN cost_usd > 0 THEN
        greatest(ceil(CAST(data_scanned_bytes AS double) / :billing_mb_bytes), CAST(:billing_minimum_mb AS double))
          * :billing_mb_bytes * :billing_usd_per_tb / :billing_tb_bytes
      ELSE cost_usd END,
      0
    )) AS cost_usd,
    -- Bytes as billed: whole MB, the minimum for a small query; zero for a query billed nothing.
    sum(
      CASE
        WHEN cost_usd > 0 THEN greatest(
            ceil(CAST(data_scanned_bytes AS double) / CAST(:binary_mb_bytes AS double)),
            CAST(:billing_minimum_mb AS double)
          ) * CAST(:binary_mb_bytes AS double)
        ELSE CAST(0 AS double)
      END
    ) AS binary_bytes,
    sum(
      CASE
        WHEN cost_usd > 0 THEN greatest(
            ceil(CAST(data_scanned_bytes AS double) / CAST(:decimal_mb_bytes AS double)),
            CAST(:billing_minimum_mb AS double)
          ) * CAST(:decimal_mb_bytes AS double)
        ELSE CAST(0 AS double)
      END
    ) AS decimal_bytes,
    CAST(NULL AS double) AS unblended_cost_usd,
    CAST(NULL AS boolean) AS estimated
  FROM events
  WHERE dt BETWEEN :window_from AND :window_to
  GROUP BY dt, account_id, region
  UNION ALL
  SELECT 'billing', dt, account_id, NULL, usage_type, NULL, NULL, NULL, sum(unblended_cost_usd), bool_or(estimated)
  FROM billing
  WHERE dt BETWEEN :window_from AND :window_to
  GROUP BY dt, account_id, usage_type
),
compared AS (
  -- An account's events are compared when a bill of the period names it, or when no bill names any
  -- account. Where bills name theirs, an event of no account is in neither sum: whose it is is unknown.
  SELECT
    sums.*,
    count_if(source = 'billing' AND account_id IS NOT NULL) OVER () = 0
      OR CASE WHEN account_id IS NOT NULL THEN count_if(source = 'billing') OVER (PARTITION BY account_id) > 0 END AS billed
  FROM sums
),
days AS (
  -- A day has a row when it has compared events or a bill.
  SELECT
    dt AS day,
    coalesce(sum(CASE WHEN source = 'events' AND billed THEN cost_usd END), CAST(0 AS double)) AS audit_cost_usd,
    coalesce(sum(CASE WHEN source = 'events' AND billed THEN binary_bytes END), CAST(0 AS double))
      * CAST(:billing_usd_per_tb AS double) / CAST(:binary_tb_bytes AS double) AS binary_cost_usd,
    coalesce(sum(CASE WHEN source = 'events' AND billed THEN decimal_bytes END), CAST(0 AS double))
      * CAST(:billing_usd_per_tb AS double) / CAST(:decimal_tb_bytes AS double) AS decimal_cost_usd,
    CASE WHEN count_if(source = 'events' AND billed) > 0 THEN
      array_join(array_sort(array_agg(DISTINCT CASE WHEN source = 'events' AND billed THEN region END)), ', ')
    END AS audit_regions,
    sum(unblended_cost_usd) AS billed_cost_usd,
    bool_or(estimated) AS estimated,
    CASE WHEN count_if(source = 'billing') > 0 THEN array_join(array_sort(array_agg(DISTINCT usage_type)), ', ') END AS billed_usage_types,
    sum(CASE WHEN source = 'events' AND NOT billed THEN cost_usd END) AS unbilled_cost_usd
  FROM compared
  GROUP BY dt
  HAVING count_if(source = 'events' AND billed) > 0 OR count_if(source = 'billing') > 0
),
fits AS (
  SELECT
    *,
    abs(billed_cost_usd - binary_cost_usd) <= CAST(:tolerance_usd AS double) + CAST(:tolerance_ratio AS double) * binary_cost_usd AS fits_binary,
    abs(billed_cost_usd - decimal_cost_usd) <= CAST(:tolerance_usd AS double) + CAST(:tolerance_ratio AS double) * decimal_cost_usd AS fits_decimal
  FROM days
)
SELECT
  day,
  audit_cost_usd,
  billed_cost_usd,
  billed_cost_usd - audit_cost_usd AS difference_usd,
  CASE WHEN audit_cost_usd > 0 THEN billed_cost_usd / audit_cost_usd END AS ratio,
  binary_cost_usd,
  decimal_cost_usd,
  CASE
    WHEN billed_cost_usd IS NULL THEN NULL
    WHEN fits_binary AND fits_decimal THEN 'either'
    WHEN fits_binary THEN 'binary'
    WHEN fits_decimal THEN 'decimal'
    ELSE 'neither'
  END AS tb_fit,
  CASE WHEN billed_cost_usd IS NULL THEN NULL ELSE NOT (fits_binary OR fits_decimal) END AS mismatch,
  estimated,
  audit_regions,
  billed_usage_types,
  coalesce(unbilled_cost_usd, CAST(0 AS double)) AS unbilled_cost_usd
FROM fits
ORDER BY day
