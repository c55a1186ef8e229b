-- usage_by_account: each account of the organization over a period: what its queries cost and
-- scanned, who ran them, and how whole its evidence is. History comes from the account's own
-- collectors, CloudTrail from the organization's trail: an account with CloudTrail starts but no
-- history has no collector writing (or one that fails). The accounts the deployment expects
-- (:expected_accounts, comma-separated; the main stack's `expectedAccounts`) get a row even when
-- nothing at all arrived from them, so a collector never deployed is said, not silently absent.
-- Grants count only from a snapshot taken in the period (the one permission_gaps judges): an
-- account without one is 'no grants snapshot', never 'complete', with its last snapshot in the
-- grants lookback before the period (from :grants_from, the `grantsLookbackDays` setting), if any,
-- to say since when its grants collector has written none.
-- Each table is read once: Trino evaluates a WITH clause at each reference, so each CTE here is
-- referenced once, and the accounts are the full outer join of those seen rather than a union.
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
    -- Priced now, in the report's TB (docs/internals/cost-rules.md).
    sum(coalesce(
      CASE WHEN cost_usd > 0 THEN
        greatest(ceil(CAST(data_scanned_bytes AS double) / :billing_mb_bytes), CAST(:billing_minimum_mb AS double))
          * :billing_mb_bytes * :billing_usd_per_tb / :billing_tb_bytes
      ELSE cost_usd END,
      0
    )) AS cost_usd
  FROM events
  WHERE dt BETWEEN :window_from AND :window_to
  GROUP BY coalesce(account_id, '(unknown)')
),
snapshot_days AS (
  -- Principals in each grants snapshot from the lookback's start to the period's end.
  SELECT account, dt, count(DISTINCT principal_arn) AS principals
  FROM grants
  WHERE dt BETWEEN :grants_from AND :window_to
  GROUP BY account, dt
),
snapshots AS (
  -- Each account's last grants snapshot in the period, how many principals it holds, and its last before the period.
  SELECT
    account AS account_id,
    max(CASE WHEN dt >= :window_from THEN dt END) AS grants_day,
    max(CASE WHEN dt < :window_from THEN dt END) AS earlier_grants_day,
    -- The latest snapshot is the period's when it has one.
    CASE WHEN max(dt) >= :window_from THEN max_by(principals, dt) ELSE 0 END AS granted_principals
  FROM snapshot_days
  GROUP BY account
),
expected AS (
  SELECT DISTINCT listed AS account_id
  FROM UNNEST(split(:expected_accounts, ',')) AS accounts (listed)
  WHERE listed <> ''
),
accounts AS (
  SELECT
    coalesce(usage.account_id, snapshots.account_id, expected.account_id) AS account_id,
    usage.queries, usage.with_history, usage.unattributed, usage.without_history, usage.history_days, usage.last_history_day,
    usage.regions, usage.work_groups, usage.principals, usage.data_scanned_bytes, usage.cost_usd,
    snapshots.grants_day, snapshots.earlier_grants_day, snapshots.granted_principals,
    expected.account_id IS NOT NULL AS expected
  FROM usage
  FULL OUTER JOIN snapshots ON snapshots.account_id = usage.account_id
  FULL OUTER JOIN expected ON expected.account_id = coalesce(usage.account_id, snapshots.account_id)
)
SELECT
  account_id,
  coalesce(cost_usd, 0) AS cost_usd,
  coalesce(data_scanned_bytes, 0) AS data_scanned_bytes,
  coalesce(queries, 0) AS queries,
  coalesce(principals, 0) AS principals,
  coalesce(work_groups, 0) AS work_groups,
  coalesce(regions, 0) AS regions,
  coalesce(with_history, 0) AS with_history,
  coalesce(unattributed, 0) AS unattributed,
  coalesce(without_history, 0) AS without_history,
  coalesce(history_days, 0) AS history_days,
  last_history_day,
  grants_day,
  earlier_grants_day,
  :grants_from AS earlier_grants_from,
  coalesce(granted_principals, 0) AS granted_principals,
  expected,
  CASE
    WHEN coalesce(with_history, 0) = 0 AND coalesce(without_history, 0) > 0 THEN 'no history'
    WHEN coalesce(queries, 0) = 0 AND grants_day IS NULL THEN 'nothing arrived'
    -- Queries with no account id ('(unknown)') are nobody's grants collector's to snapshot.
    WHEN grants_day IS NULL AND account_id <> '(unknown)' THEN 'no grants snapshot'
    WHEN coalesce(without_history, 0) > 0 OR coalesce(unattributed, 0) > 0 THEN 'partial'
    WHEN coalesce(queries, 0) = 0 THEN 'no queries'
    ELSE 'complete'
  END AS evidence
FROM accounts
ORDER BY coalesce(cost_usd, 0) DESC, coalesce(queries, 0) DESC, account_id
