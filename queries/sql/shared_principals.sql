-- shared_principals: service users and roles that several applications use (many client families or
-- source networks), a sign that one credential serves more than one purpose.
-- Source network: the /24 of an IPv4 address, or the caller's name when AWS calls for a service.
SELECT
  iam_principal_arn,
  count(DISTINCT client_family) AS client_families,
  array_join(array_sort(array_agg(DISTINCT client_family)), ', ') AS client_family_list,
  count(DISTINCT source_network) AS source_networks,
  array_join(array_sort(array_agg(DISTINCT source_network)), ', ') AS source_network_list,
  count(DISTINCT user_agent) AS user_agents,
  count(*) AS queries,
  sum(coalesce(cost_usd, 0)) AS cost_usd
FROM (
  SELECT
    iam_principal_arn,
    client_family,
    user_agent,
    -- Priced now, in the report's TB (docs/internals/cost-rules.md).
    CASE WHEN cost_usd > 0 THEN
      greatest(ceil(CAST(data_scanned_bytes AS double) / :billing_mb_bytes), CAST(:billing_minimum_mb AS double))
        * :billing_mb_bytes * :billing_usd_per_tb / :billing_tb_bytes
    ELSE cost_usd END AS cost_usd,
    coalesce(nullif(regexp_extract(source_ip, '^(\d+\.\d+\.\d+)\.\d+$', 1), '') || '.0/24', source_ip) AS source_network
  FROM events
  WHERE dt BETWEEN :window_from AND :window_to
    AND attributed
    AND on_behalf_of IS NULL
    AND strpos(iam_principal_arn, ':role/aws-reserved/sso.amazonaws.com/') = 0
    AND client_family <> 'console'
) AS service_calls
GROUP BY iam_principal_arn
HAVING count(DISTINCT client_family) >= :min_client_families
ORDER BY client_families DESC, source_networks DESC, iam_principal_arn
