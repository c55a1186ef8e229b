-- principal_profiles: what kind of caller each IAM user or role is, how it reaches Athena, and whether
-- several applications share it (one credential serving more than one purpose).
-- A principal counts as human when a person's signs show (IAM user at the console, an Identity
-- Center session, an AWSReservedSSO_ role); otherwise it is a service.
-- Sharing counts service calls only (not on behalf of a person, not an Identity Center role, not the
-- console): people reach Athena from wherever they sit, which says nothing about how many purposes a
-- credential serves. A principal is shared when its service calls come from :min_client_families
-- client families or more.
-- Source network: the /24 of an IPv4 address, or the caller's name when AWS calls for a service.
-- A list of service calls' values is NULL when there were none (FILTER (WHERE ...) would say it, but
-- node-sql-parser cannot read it): array_agg keeps the CASE's NULL, and array_join skips it.
SELECT
  iam_principal_arn,
  max(principal_type) AS principal_type,
  CASE WHEN bool_or(human_sign) THEN 'human' ELSE 'service' END AS kind,
  count(DISTINCT principal_arn) AS callers,
  array_join(array_sort(array_agg(DISTINCT client_family)), ', ') AS client_families,
  array_join(array_sort(array_agg(DISTINCT work_group)), ', ') AS work_groups,
  array_join(array_sort(array_agg(DISTINCT database_name)), ', ') AS databases,
  count(DISTINCT CASE WHEN service_call THEN client_family END) AS service_client_families,
  nullif(array_join(array_sort(array_agg(DISTINCT CASE WHEN service_call THEN client_family END)), ', '), '')
    AS service_client_family_list,
  count(DISTINCT CASE WHEN service_call THEN source_network END) AS source_networks,
  nullif(array_join(array_sort(array_agg(DISTINCT CASE WHEN service_call THEN source_network END)), ', '), '')
    AS source_network_list,
  count(DISTINCT CASE WHEN service_call THEN user_agent END) AS user_agents,
  count(DISTINCT CASE WHEN service_call THEN client_family END) >= :min_client_families AS shared,
  min(dt) AS first_active_day,
  max(dt) AS last_active_day
FROM (
  SELECT
    iam_principal_arn,
    principal_arn,
    principal_type,
    client_family,
    work_group,
    database_name,
    user_agent,
    dt,
    (on_behalf_of IS NOT NULL
      OR strpos(iam_principal_arn, ':role/aws-reserved/sso.amazonaws.com/') > 0
      OR (principal_type = 'IAMUser' AND client_family = 'console')) AS human_sign,
    (on_behalf_of IS NULL
      AND strpos(iam_principal_arn, ':role/aws-reserved/sso.amazonaws.com/') = 0
      AND client_family <> 'console') AS service_call,
    coalesce(nullif(regexp_extract(source_ip, '^(\d+\.\d+\.\d+)\.\d+$', 1), '') || '.0/24', source_ip) AS source_network
  FROM events
  WHERE dt BETWEEN :window_from AND :window_to
    AND attributed
) AS attributed_events
GROUP BY iam_principal_arn
-- Shared principals first, the one thing here to act on; then the principals most callers stand
-- behind, and those reached through the most clients.
ORDER BY shared DESC, callers DESC, count(DISTINCT client_family) DESC, iam_principal_arn
