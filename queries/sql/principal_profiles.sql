-- principal_profiles: what kind of caller each IAM user or role is, and how it reaches Athena.
-- A principal counts as human when a person's signs show (IAM user at the console, an Identity
-- Center session, an AWSReservedSSO_ role); otherwise it is a service.
SELECT
  iam_principal_arn,
  max(principal_type) AS principal_type,
  CASE WHEN bool_or(human_sign) THEN 'human' ELSE 'service' END AS kind,
  count(DISTINCT principal_arn) AS callers,
  array_join(array_sort(array_agg(DISTINCT client_family)), ', ') AS client_families,
  array_join(array_sort(array_agg(DISTINCT work_group)), ', ') AS work_groups,
  array_join(array_sort(array_agg(DISTINCT database_name)), ', ') AS databases,
  count(*) AS queries,
  sum(coalesce(data_scanned_bytes, 0)) AS data_scanned_bytes,
  -- Priced now, in the report's TB (docs/internals/cost-rules.md).
  sum(coalesce(
    CASE WHEN cost_usd > 0 THEN
      greatest(ceil(CAST(data_scanned_bytes AS double) / :billing_mb_bytes), CAST(:billing_minimum_mb AS double))
        * :billing_mb_bytes * :billing_usd_per_tb / :billing_tb_bytes
    ELSE cost_usd END,
    0
  )) AS cost_usd,
  min(dt) AS first_active_day,
  max(dt) AS last_active_day
FROM (
  SELECT
    events.*,
    (on_behalf_of IS NOT NULL
      OR strpos(iam_principal_arn, ':role/aws-reserved/sso.amazonaws.com/') > 0
      OR (principal_type = 'IAMUser' AND client_family = 'console')) AS human_sign
  FROM events
  WHERE dt BETWEEN :window_from AND :window_to
    AND attributed
) AS attributed_events
GROUP BY iam_principal_arn
ORDER BY cost_usd DESC, queries DESC, iam_principal_arn
