-- bill_reconciliation: per day, the cost the audit computed (events.cost_usd) against what AWS billed
-- for Athena (the billing table, from Cost Explorer), the difference and the ratio, and which TB
-- definition explains the bill. The day's billed queries (cost_usd > 0: the billing rules already
-- left out failed, DDL and zero-byte queries) are priced again in both units, binary (2^40-byte TB,
-- 2^20-byte MB) and decimal (10^12, 10^6), with the price and minimum of core/cost.ts; the two
-- differ by about 9.95%. A unit fits when the bill is within :tolerance_usd plus :tolerance_ratio of
-- that unit's price; a day that no unit fits is a mismatch (a work group or region the audit missed,
-- a query billed on another day, or billing rules that changed). Days without a bill have nulls.
-- For the page's likely causes: the regions the day's events cover, the usage types the bill names
-- (their prefix is the region: the bill is account-wide), and whether Cost Explorer still estimates it.
-- The bill is the billing collector's own account's (billing.account_id): only that account's events
-- are compared, and what the other accounts' queries cost is given apart (unbilled_cost_usd). Bills
-- written before rows named their account are compared with every account's events, as they were.
WITH billed_accounts AS (
  SELECT DISTINCT account_id FROM billing WHERE dt BETWEEN :window_from AND :window_to AND account_id IS NOT NULL
),
compared AS (
  SELECT
    events.*,
    (SELECT count(*) FROM billed_accounts) = 0 OR events.account_id IN (SELECT account_id FROM billed_accounts) AS billed
  FROM events
  WHERE dt BETWEEN :window_from AND :window_to
),
unbilled AS (
  SELECT dt AS day, sum(coalesce(cost_usd, 0)) AS unbilled_cost_usd
  FROM compared
  WHERE NOT billed
  GROUP BY dt
),
audit AS (
  SELECT
    dt AS day,
    sum(coalesce(cost_usd, 0)) AS audit_cost_usd,
    array_join(array_sort(array_agg(DISTINCT region)), ', ') AS audit_regions,
    sum(
      CASE
        WHEN cost_usd > 0 THEN greatest(
            ceil(CAST(data_scanned_bytes AS double) / CAST(:binary_mb_bytes AS double)),
            CAST(:minimum_mb AS double)
          ) * CAST(:binary_mb_bytes AS double)
        ELSE CAST(0 AS double)
      END
    ) * CAST(:usd_per_tb AS double) / CAST(:binary_tb_bytes AS double) AS binary_cost_usd,
    sum(
      CASE
        WHEN cost_usd > 0 THEN greatest(
            ceil(CAST(data_scanned_bytes AS double) / CAST(:decimal_mb_bytes AS double)),
            CAST(:minimum_mb AS double)
          ) * CAST(:decimal_mb_bytes AS double)
        ELSE CAST(0 AS double)
      END
    ) * CAST(:usd_per_tb AS double) / CAST(:decimal_tb_bytes AS double) AS decimal_cost_usd
  FROM compared
  WHERE billed
  GROUP BY dt
),
bill AS (
  SELECT
    dt AS day,
    sum(unblended_cost_usd) AS billed_cost_usd,
    bool_or(estimated) AS estimated,
    array_join(array_sort(array_agg(DISTINCT usage_type)), ', ') AS billed_usage_types
  FROM billing
  WHERE dt BETWEEN :window_from AND :window_to
  GROUP BY dt
),
days AS (
  SELECT
    coalesce(a.day, b.day) AS day,
    coalesce(a.audit_cost_usd, CAST(0 AS double)) AS audit_cost_usd,
    coalesce(a.binary_cost_usd, CAST(0 AS double)) AS binary_cost_usd,
    coalesce(a.decimal_cost_usd, CAST(0 AS double)) AS decimal_cost_usd,
    a.audit_regions,
    b.billed_cost_usd,
    b.estimated,
    b.billed_usage_types,
    u.unbilled_cost_usd
  FROM audit AS a
  FULL OUTER JOIN bill AS b ON a.day = b.day
  LEFT JOIN unbilled AS u ON u.day = coalesce(a.day, b.day)
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
