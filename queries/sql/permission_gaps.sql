-- permission_gaps: every grant (work group, database, table) a principal held at the end of the
-- window but did not use in it, with when it was last used within the lookback, the principal's own
-- use, and how sure the finding is. Principals with Athena access that ran nothing show up with all grants.
-- Last used looks back from the window's end to :last_used_from (the `lastUsedLookbackDays` setting,
-- or the window's start when that is earlier): null means not used from then on, not "never".
-- Confidence follows the evidence:
--   low    an unattributed query in the window touched the resource (it could have been this
--          principal's), or the principal was created during the window;
--   medium some day of the window is missing, or partial for the work groups the grant concerns
--          (its own work group; every work group for a database or table), but nothing seen touched it
--          (partial: a query has history but no witness naming its principal, or a CloudTrail start
--          has no history; a principal only Athena's system table named counts as named);
--   high   every day of the window is complete for the grant, no unattributed query touched it, and
--          the account's last trails snapshot of the window shows a logging trail delivering into the
--          lake that records read management events, Glue's included, in each of the account's regions:
--          otherwise another engine's catalog reads (a Spark job's GetTable) could not have been seen,
--          and the finding is at most medium.
-- The reason column says which, in words.
-- Each account is judged on its own evidence: a grant of account A's `primary` work group is used
-- only by a query in account A's `primary`, and an account from which nothing arrived in the window
-- (no history, no CloudTrail) leaves every grant it holds at low confidence.
-- Grants are read only from a snapshot taken in the window: an account without one (its grants
-- collector not deployed, or failing) has no rows here, because an unused grant cannot be told from
-- no grant; usage_by_account names such accounts (grants_day null) and the reports say so instead
-- of "none".
--
-- Each table is read once. Trino evaluates a WITH clause at each reference, so no CTE here is
-- referenced twice: every query, other engine's read and trail becomes one row per fact it bears on
-- (`uses`, a two-letter code and a resource), one aggregation sums those up by what they are about
-- (`facts`), and each grant finds its facts of every kind in a single join (`probes`). The codes,
-- the first letter naming the level a fact is about:
--   u  use of a grant: uw work group, ut table, ud database (by account, principal, kind, resource)
--   a  a principal's activity in the window: aq an Athena query, ao another engine's read (by principal)
--   c  coverage of an account (by account and region): cr a query in the region, ch the region is the
--      home of a trail that sees Glue's reads; ct one trail of the account's last snapshot (region '')
--   g  a region-day with a gap: gw in a work group, or in '*' (every work group) (by account, work group)
--   x  an unattributed query touched a grant: xw work group, xt table, xd database (by account, kind, resource)
WITH granted AS (
  -- Each account's last grants snapshot taken in the window.
  SELECT account, principal_arn, principal_type, principal_created, grant_kind, resource, access_path, certainty
  FROM (
    SELECT grants.*, max(dt) OVER (PARTITION BY account) AS snapshot_day
    FROM grants
    WHERE dt BETWEEN :window_from AND :window_to
  ) AS snapshots
  WHERE dt = snapshot_day AND grant_kind IN ('workgroup', 'database', 'table')
),
query_uses AS (
  -- The tables of a query: those the parser found in its SQL, and those Athena's system table says it
  -- read (views the parser cannot see through), when the join reads that table.
  SELECT account, iam_principal_arn AS principal_arn, region, dt, 'athena' AS engine, CAST(NULL AS bigint) AS calls,
    query_execution_id, item
  FROM (
    SELECT
      events.*,
      coalesce(account_id, '(unknown)') AS account,
      dt >= :window_from AS in_window,
      in_history AND NOT attributed AS unattributed,
      coalesce(referenced_tables, ARRAY[]) AS referenced,
      coalesce(referenced_tables, ARRAY[]) || coalesce(witnessed_tables, ARRAY[]) AS read_tables
    FROM events
    WHERE dt BETWEEN :last_used_from AND :window_to
  ) AS queries
  CROSS JOIN UNNEST(
    ARRAY[
      CASE WHEN attributed THEN 'uw' || work_group END,
      CASE WHEN attributed AND in_window THEN 'aq' END,
      CASE WHEN in_window THEN 'cr' END,
      CASE WHEN in_window AND in_history <> attributed THEN 'gw' || work_group END,
      CASE WHEN in_window AND in_history <> attributed THEN 'gw*' END,
      CASE WHEN in_window AND unattributed THEN 'xw' || work_group END
    ]
    || transform(read_tables, t -> CASE WHEN attributed THEN 'ut' || lower(t) END)
    || transform(read_tables, t -> CASE WHEN attributed THEN 'ud' || split_part(lower(t), '.', 1) END)
    || transform(referenced, t -> CASE WHEN in_window AND unattributed THEN 'xt' || lower(t) END)
    || transform(referenced, t -> CASE WHEN in_window AND unattributed THEN 'xd' || split_part(lower(t), '.', 1) END)
  ) AS items (item)
),
other_uses AS (
  -- A grant is used through any engine: every other engine's catalog, Lake Formation and object reads.
  SELECT account_id AS account, iam_principal_arn AS principal_arn, region, dt, engine, calls,
    CAST(NULL AS varchar) AS query_execution_id, item
  FROM (SELECT * FROM access WHERE dt BETWEEN :last_used_from AND :window_to) AS reads
  CROSS JOIN UNNEST(
    ARRAY[
      CASE resource_kind WHEN 'table' THEN 'ut' || resource WHEN 'database' THEN 'ud' || resource END,
      CASE WHEN resource_kind = 'table' THEN 'ud' || split_part(resource, '.', 1) END,
      CASE WHEN dt >= :window_from THEN 'ao' END
    ]
  ) AS items (item)
),
trail_uses AS (
  -- Each account's last trails snapshot taken in the window (written beside its grants). to_lake:
  -- logging, delivering where the join reads; reads: read management events; glue: Glue's not excluded.
  SELECT account, dt, to_lake, lake_unknown, to_lake AND reads AS reading, to_lake AND reads AND glue AS seeing,
    to_lake AND reads AND glue AND multi_region AS seeing_everywhere, item
  FROM (
    SELECT
      trails.*,
      max(dt) OVER (PARTITION BY account) AS snapshot_day,
      coalesce(logging, false) AND coalesce(delivers_to_lake, false) AS to_lake,
      coalesce(logging, false) AND delivers_to_lake IS NULL AS lake_unknown,
      coalesce(management_events IN ('all', 'read-only'), false) AS reads,
      NOT coalesce(contains(excluded_sources, 'glue.amazonaws.com'), false) AS glue
    FROM trails
    WHERE dt BETWEEN :window_from AND :window_to
  ) AS snapshot
  CROSS JOIN UNNEST(ARRAY['ct', CASE WHEN to_lake AND reads AND glue THEN 'ch' || home_region END]) AS items (item)
  WHERE dt = snapshot_day
),
uses AS (
  -- Every fact keyed by what it is about; a key part the level does not use is ''.
  SELECT
    substr(item, 1, 1) AS level,
    substr(item, 1, 2) AS code,
    CASE WHEN item LIKE 'a%' THEN '' ELSE account END AS account,
    CASE WHEN item LIKE 'u%' OR item LIKE 'a%' THEN principal_arn ELSE '' END AS principal_arn,
    CASE WHEN item LIKE 'u%' OR item LIKE 'x%' THEN
      CASE substr(item, 2, 1) WHEN 'w' THEN 'workgroup' WHEN 't' THEN 'table' ELSE 'database' END
    ELSE '' END AS grant_kind,
    CASE WHEN item LIKE 'u%' OR item LIKE 'x%' OR item LIKE 'g%' THEN substr(item, 3) ELSE '' END AS resource,
    CASE substr(item, 1, 2) WHEN 'cr' THEN region WHEN 'ch' THEN substr(item, 3) ELSE '' END AS area,
    region, dt, engine, calls, query_execution_id,
    to_lake, lake_unknown, reading, seeing, seeing_everywhere
  FROM (
    SELECT query_uses.*, false AS to_lake, false AS lake_unknown, false AS reading, false AS seeing, false AS seeing_everywhere
    FROM query_uses
    UNION ALL
    SELECT other_uses.*, false, false, false, false, false FROM other_uses
    UNION ALL
    SELECT account, '', '', dt, '', CAST(NULL AS bigint), CAST(NULL AS varchar), item,
      to_lake, lake_unknown, reading, seeing, seeing_everywhere
    FROM trail_uses
  ) AS all_uses
  WHERE item IS NOT NULL
),
facts AS (
  SELECT
    level, account, principal_arn, grant_kind, resource, area,
    -- u: the latest use, and its engine.
    CASE WHEN level = 'u' THEN max(dt) END AS last_used,
    CASE WHEN level = 'u' THEN max_by(engine, dt) END AS last_used_by,
    -- a: the principal's Athena queries and other engines' reads in the window.
    count_if(code = 'aq') AS queries,
    max(CASE WHEN code = 'aq' THEN dt END) AS last_active,
    sum(CASE WHEN code = 'ao' THEN calls END) AS other_calls,
    max(CASE WHEN code = 'ao' THEN dt END) AS other_last_active,
    -- NULL, not '', when there were none (FILTER (WHERE ...) would say it, but node-sql-parser cannot read it).
    nullif(array_join(array_sort(array_distinct(filter(array_agg(CASE WHEN code = 'ao' THEN engine END), e -> e IS NOT NULL))), ', '), '')
      AS other_engines,
    -- c: a region's days with queries, whether a trail seeing Glue's reads has it as home; the trails.
    count(DISTINCT CASE WHEN code = 'cr' THEN dt END) AS days_seen,
    array_agg(DISTINCT CASE WHEN code = 'cr' THEN dt END) AS days,
    bool_or(code = 'ch') AS watched,
    max(CASE WHEN code = 'ct' THEN dt END) AS trail_day,
    count_if(code = 'ct' AND to_lake) AS to_lake,
    count_if(code = 'ct' AND lake_unknown) AS lake_unknown,
    count_if(code = 'ct' AND reading) AS reading,
    count_if(code = 'ct' AND seeing) AS seeing,
    bool_or(code = 'ct' AND seeing_everywhere) AS seeing_everywhere,
    -- g: the region-days with a gap.
    count(DISTINCT CASE WHEN level = 'g' THEN dt || ' ' || region END) AS gap_region_days,
    min(CASE WHEN level = 'g' THEN dt || ' ' || region END) AS first_gap,
    -- x: the unattributed queries, and their days.
    count(DISTINCT CASE WHEN level = 'x' THEN query_execution_id END) AS unattributed_queries,
    nullif(array_join(array_sort(array_distinct(filter(array_agg(CASE WHEN level = 'x' THEN dt END), d -> d IS NOT NULL))), ', '), '')
      AS unattributed_days
  FROM uses
  GROUP BY level, account, principal_arn, grant_kind, resource, area
),
regional AS (
  -- Per region of an account's window: its days without queries (the first of them), and whether no
  -- trail seeing Glue's reads records it.
  SELECT
    facts.*,
    CASE WHEN days_seen > 0 THEN window_days - days_seen END AS missing_days,
    CASE WHEN days_seen > 0 AND days_seen < window_days THEN
      array_sort(filter(calendar, calendar_day -> NOT coalesce(contains(days, calendar_day), false)))[1] || ' ' || area
    END AS first_missing,
    CASE WHEN days_seen > 0 AND NOT watched THEN area END AS unwatched
  FROM facts
  CROSS JOIN (
    SELECT
      date_diff('day', CAST(:window_from AS date), CAST(:window_to AS date)) + 1 AS window_days,
      transform(sequence(CAST(:window_from AS date), CAST(:window_to AS date), INTERVAL '1' DAY), d -> CAST(CAST(d AS date) AS varchar))
        AS calendar
  ) AS window_calendar
),
judged AS (
  SELECT
    granted.account, granted.principal_arn, granted.principal_type, granted.principal_created, granted.grant_kind,
    granted.resource, granted.access_path, granted.certainty,
    max(regional.last_used) AS last_used,
    max(regional.last_used_by) AS last_used_by,
    coalesce(max(regional.queries), 0) AS principal_queries,
    max(regional.last_active) AS principal_last_active,
    coalesce(max(regional.other_calls), 0) AS principal_other_calls,
    max(regional.other_engines) AS principal_other_engines,
    max(regional.other_last_active) AS principal_other_last_active,
    count_if(regional.days_seen > 0) = 0 AS account_silent,
    coalesce(sum(regional.missing_days), 0) AS missing_region_days,
    min(regional.first_missing) AS first_missing,
    max(regional.trail_day) AS trail_day,
    coalesce(max(regional.to_lake), 0) AS trail_to_lake,
    coalesce(max(regional.lake_unknown), 0) AS trail_lake_unknown,
    coalesce(max(regional.reading), 0) AS trail_reading,
    coalesce(max(regional.seeing), 0) AS trail_seeing,
    CASE WHEN coalesce(bool_or(regional.seeing_everywhere), false) THEN 0 ELSE count(regional.unwatched) END AS unwatched_regions,
    min(regional.unwatched) AS first_unwatched,
    coalesce(max(regional.gap_region_days), 0) AS partial_region_days,
    max(regional.first_gap) AS first_partial,
    coalesce(max(regional.unattributed_queries), 0) AS unattributed_queries,
    max(regional.unattributed_days) AS unattributed_days
  FROM granted
  CROSS JOIN UNNEST(ARRAY['u', 'a', 'c', 'g', 'x']) AS probes (level)
  LEFT JOIN regional
    ON regional.level = probes.level
    AND regional.account = CASE WHEN probes.level = 'a' THEN '' ELSE granted.account END
    AND regional.principal_arn = CASE WHEN probes.level IN ('u', 'a') THEN granted.principal_arn ELSE '' END
    AND regional.grant_kind = CASE WHEN probes.level IN ('u', 'x') THEN granted.grant_kind ELSE '' END
    AND regional.resource = CASE
      WHEN probes.level IN ('u', 'x') THEN granted.resource
      -- A work group grant's own gaps; a database or table grant's, every work group's.
      WHEN probes.level = 'g' THEN CASE WHEN granted.grant_kind = 'workgroup' THEN granted.resource ELSE '*' END
      ELSE ''
    END
  GROUP BY
    granted.account, granted.principal_arn, granted.principal_type, granted.principal_created, granted.grant_kind,
    granted.resource, granted.access_path, granted.certainty
),
verdicts AS (
  SELECT
    judged.*,
    substr(coalesce(principal_created, '0000'), 1, 10) > :window_from AS created_in_window,
    -- Why another engine's use might not have been seen; null when it would have been.
    CASE
      WHEN trail_day IS NULL THEN
        'no record of what the trail records (trails snapshot missing): another engine''s use might not be seen'
      WHEN trail_to_lake = 0 AND trail_lake_unknown > 0 THEN
        'the trails snapshot of ' || trail_day || ' does not say which trail delivers into the lake: another engine''s use might not be seen'
      WHEN trail_to_lake = 0 THEN
        'no logging trail delivers into the lake (trails snapshot of ' || trail_day || '): another engine''s use would not be seen'
      WHEN trail_reading = 0 THEN 'the trail does not record Glue read events: a Spark job''s use would not be seen'
      WHEN trail_seeing = 0 THEN 'the trail excludes Glue''s events (glue.amazonaws.com): a Spark job''s use would not be seen'
      WHEN unwatched_regions > 0 THEN
        'the trail does not record Glue read events in ' || first_unwatched || ': a Spark job''s use there would not be seen'
    END AS trail_problem
  FROM judged
  WHERE NOT coalesce(last_used >= :window_from, false)
)
SELECT
  principal_arn,
  principal_type,
  -- The day IAM created it, for a verdict's wait (its reason names it only when nothing comes first).
  substr(principal_created, 1, 10) AS principal_created,
  account AS account_id,
  grant_kind,
  resource,
  access_path || CASE WHEN certainty = 'conditional' THEN ' (conditional)' ELSE '' END AS access_path,
  last_used,
  last_used_by,
  :last_used_from AS last_used_from,
  principal_queries,
  principal_last_active,
  principal_other_calls,
  principal_other_engines,
  principal_other_last_active,
  :window_from AS window_from,
  :window_to AS window_to,
  CASE
    WHEN account_silent OR unattributed_queries > 0 OR created_in_window THEN 'low'
    WHEN missing_region_days > 0 OR partial_region_days > 0 OR trail_problem IS NOT NULL THEN 'medium'
    ELSE 'high'
  END AS confidence,
  CASE
    WHEN account_silent THEN
      'nothing arrived from account ' || account || ' in the window (no history, no CloudTrail): its use is unknown'
    WHEN unattributed_queries > 0 THEN
      CAST(unattributed_queries AS varchar) || ' unattributed quer' || CASE WHEN unattributed_queries = 1 THEN 'y ' ELSE 'ies ' END
      || CASE grant_kind WHEN 'workgroup' THEN 'ran in ' WHEN 'database' THEN 'read tables of ' ELSE 'read ' END
      || resource || ' on ' || unattributed_days || ' (any could have been this principal''s)'
    WHEN created_in_window THEN 'principal created ' || substr(principal_created, 1, 10) || ', within the window'
    WHEN missing_region_days > 0 THEN
      'no evidence for ' || CAST(missing_region_days AS varchar) || ' region-day(s) of the window (first ' || first_missing || ')'
      || coalesce('; ' || trail_problem, '')
    WHEN partial_region_days > 0 THEN
      'queries lack history or a named principal on ' || CAST(partial_region_days AS varchar) || ' region-day(s)'
      || CASE WHEN grant_kind = 'workgroup' THEN ' in ' || resource ELSE '' END
      || ' (first ' || first_partial || '), though no unattributed query touched ' || resource
      || coalesce('; ' || trail_problem, '')
    WHEN trail_problem IS NOT NULL THEN trail_problem
    ELSE 'every query of the window has history and a named principal; no unattributed query touched ' || resource
  END AS reason
FROM verdicts
ORDER BY principal_arn, grant_kind, resource
