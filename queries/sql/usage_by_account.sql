-- usage_by_account: each account of the organization over a period: what its queries cost and
-- scanned, who ran them, and how whole its evidence is. History comes from the account's own
-- collectors, CloudTrail from the organization's trail: an account with CloudTrail starts but no
-- history has no collector writing (or one that fails). The accounts the deployment expects
-- (:expected_accounts, comma-separated; the main stack's `expectedAccounts`) get a row even when
-- nothing at all arrived from them, so a collector never deployed is said, not silently absent.
-- Grants count only from a snapshot taken in the period (the one permission_gaps judges): an
-- account without one is 'no grants snapshot', never 'complete', with the last snapshot before the
-- period, if any, to say since when its grants collector has written none.
WITH usage AS (
  SELECT
    coalesce(account_id, '(unknown)') AS account_id,
    count(*) AS queries,
    count_if(in_history) AS with_history,
    count_if(in_history AND NOT attributed) AS unattributed,
    count_if(NOT in_history) AS without_history,
    count(DISTINCT CASE WHEN in_history THEN dt END) AS history_days,
    max(CASE WHEN in_history THEN dt END) AS last_history_day,
    count(DISTINCT region) AS regions,
    count(DISTINCT work_group) AS work_groups,
    count(DISTINCT iam_principal_arn) AS principals,
    sum(coalesce(data_scanned_bytes, 0)) AS data_scanned_bytes,
    sum(coalesce(cost_usd, 0)) AS cost_usd
  FROM events
  WHERE dt BETWEEN :window_from AND :window_to
  GROUP BY coalesce(account_id, '(unknown)')
),
snapshots AS (
  -- Each account's last grants snapshot in the period, and how many principals it holds.
  SELECT grants.account AS account_id, grants.dt AS grants_day, count(DISTINCT grants.principal_arn) AS granted_principals
  FROM grants
  JOIN (SELECT account, max(dt) AS dt FROM grants WHERE dt BETWEEN :window_from AND :window_to GROUP BY account) AS latest
    ON latest.account = grants.account AND latest.dt = grants.dt
  GROUP BY grants.account, grants.dt
),
earlier AS (
  -- Each account's last grants snapshot before the period.
  SELECT account AS account_id, max(dt) AS earlier_grants_day FROM grants WHERE dt < :window_from GROUP BY account
),
expected AS (
  SELECT DISTINCT listed AS account_id
  FROM UNNEST(split(:expected_accounts, ',')) AS accounts (listed)
  WHERE listed <> ''
),
accounts AS (
  SELECT account_id FROM usage
  UNION
  SELECT account_id FROM snapshots
  UNION
  SELECT account_id FROM earlier
  UNION
  SELECT account_id FROM expected
)
SELECT
  accounts.account_id,
  coalesce(usage.cost_usd, 0) AS cost_usd,
  coalesce(usage.data_scanned_bytes, 0) AS data_scanned_bytes,
  coalesce(usage.queries, 0) AS queries,
  coalesce(usage.principals, 0) AS principals,
  coalesce(usage.work_groups, 0) AS work_groups,
  coalesce(usage.regions, 0) AS regions,
  coalesce(usage.with_history, 0) AS with_history,
  coalesce(usage.unattributed, 0) AS unattributed,
  coalesce(usage.without_history, 0) AS without_history,
  coalesce(usage.history_days, 0) AS history_days,
  usage.last_history_day,
  snapshots.grants_day,
  earlier.earlier_grants_day,
  coalesce(snapshots.granted_principals, 0) AS granted_principals,
  expected.account_id IS NOT NULL AS expected,
  CASE
    WHEN coalesce(usage.with_history, 0) = 0 AND coalesce(usage.without_history, 0) > 0 THEN 'no history'
    WHEN coalesce(usage.queries, 0) = 0 AND snapshots.grants_day IS NULL THEN 'nothing arrived'
    -- Queries with no account id ('(unknown)') are nobody's grants collector's to snapshot.
    WHEN snapshots.grants_day IS NULL AND accounts.account_id <> '(unknown)' THEN 'no grants snapshot'
    WHEN coalesce(usage.without_history, 0) > 0 OR coalesce(usage.unattributed, 0) > 0 THEN 'partial'
    WHEN coalesce(usage.queries, 0) = 0 THEN 'no queries'
    ELSE 'complete'
  END AS evidence
FROM accounts
LEFT JOIN usage ON usage.account_id = accounts.account_id
LEFT JOIN snapshots ON snapshots.account_id = accounts.account_id
LEFT JOIN earlier ON earlier.account_id = accounts.account_id
LEFT JOIN expected ON expected.account_id = accounts.account_id
ORDER BY coalesce(usage.cost_usd, 0) DESC, coalesce(usage.queries, 0) DESC, accounts.account_id
