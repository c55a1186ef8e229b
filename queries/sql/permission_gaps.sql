-- permission_gaps: every grant (work group, database, table) a principal held at the end of the
-- window but did not use in it, with when it was last used if ever, the principal's own use, and
-- how sure the finding is. Principals with Athena access that ran nothing show up with all grants.
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
WITH snapshot AS (
  -- Each account's last grants snapshot taken in the window.
  SELECT account, max(dt) AS dt FROM grants WHERE dt BETWEEN :window_from AND :window_to GROUP BY account
),
granted AS (
  SELECT grants.*
  FROM grants
  JOIN snapshot ON grants.account = snapshot.account AND grants.dt = snapshot.dt
  WHERE grants.grant_kind IN ('workgroup', 'database', 'table')
),
window_events AS (
  SELECT events.*, coalesce(events.account_id, '(unknown)') AS account
  FROM events
  WHERE dt BETWEEN :window_from AND :window_to
),
reads AS (
  -- The tables the parser found in a query's SQL, and those Athena's system table says it read (views
  -- the parser cannot see through), when the join reads that table.
  SELECT events.account_id, events.iam_principal_arn, events.dt, events.work_group, lower(tables.table_name) AS table_name
  FROM events
  CROSS JOIN UNNEST(events.referenced_tables) AS tables (table_name)
  WHERE events.attributed
  UNION ALL
  SELECT events.account_id, events.iam_principal_arn, events.dt, events.work_group, lower(tables.table_name) AS table_name
  FROM events
  CROSS JOIN UNNEST(events.witnessed_tables) AS tables (table_name)
  WHERE events.attributed
),
used AS (
  -- A grant is used through any engine: Athena's queries (events), and every other engine's catalog,
  -- Lake Formation and object reads (access). The engine of the latest use is named.
  SELECT account, principal_arn, grant_kind, resource, max(dt) AS last_used, max_by(engine, dt) AS last_engine,
    max(dt) >= :window_from AS used_in_window
  FROM (
    SELECT coalesce(account_id, '(unknown)') AS account, iam_principal_arn AS principal_arn, 'workgroup' AS grant_kind,
      work_group AS resource, dt, 'athena' AS engine
    FROM events
    WHERE attributed
    UNION ALL
    SELECT coalesce(account_id, '(unknown)'), iam_principal_arn, 'table', table_name, dt, 'athena' FROM reads
    UNION ALL
    SELECT coalesce(account_id, '(unknown)'), iam_principal_arn, 'database', split_part(table_name, '.', 1), dt, 'athena' FROM reads
    UNION ALL
    SELECT account_id, iam_principal_arn, resource_kind, resource, dt, engine FROM access WHERE resource_kind IN ('table', 'database')
    UNION ALL
    SELECT account_id, iam_principal_arn, 'database', split_part(resource, '.', 1), dt, engine FROM access WHERE resource_kind = 'table'
  ) AS uses
  WHERE dt <= :window_to
  GROUP BY account, principal_arn, grant_kind, resource
),
activity AS (
  SELECT iam_principal_arn AS principal_arn, count(*) AS queries, max(dt) AS last_active
  FROM window_events
  WHERE attributed
  GROUP BY iam_principal_arn
),
other_activity AS (
  -- The principal's reads through every other engine in the window (catalog, Lake Formation, objects).
  SELECT iam_principal_arn AS principal_arn, sum(calls) AS calls, max(dt) AS last_active,
    array_join(array_sort(array_agg(DISTINCT engine)), ', ') AS engines
  FROM access
  WHERE dt BETWEEN :window_from AND :window_to
  GROUP BY iam_principal_arn
),
calendar AS (
  SELECT CAST(CAST(calendar_day AS date) AS varchar) AS day
  FROM UNNEST(sequence(CAST(:window_from AS date), CAST(:window_to AS date), INTERVAL '1' DAY)) AS days (calendar_day)
),
regions AS (
  -- Each account's regions in the window.
  SELECT DISTINCT account, region FROM window_events
),
silent AS (
  -- Accounts holding grants from which nothing arrived in the window.
  SELECT DISTINCT granted.account FROM granted LEFT JOIN regions ON regions.account = granted.account WHERE regions.account IS NULL
),
region_days AS (
  -- Every day and region of each account's window, with the work group of each query CloudTrail and history disagree on.
  SELECT regions.account, calendar.day, regions.region, day_events.work_group, day_events.events, day_events.gaps
  FROM calendar
  CROSS JOIN regions
  LEFT JOIN (
    SELECT account, dt, region, work_group, count(*) AS events, count_if(in_history <> attributed) AS gaps
    FROM window_events
    GROUP BY account, dt, region, work_group
  ) AS day_events ON day_events.account = regions.account AND day_events.dt = calendar.day AND day_events.region = regions.region
),
missing AS (
  SELECT account, count(*) AS region_days, min(day || ' ' || region) AS first_missing
  FROM (SELECT account, day, region FROM region_days GROUP BY account, day, region HAVING count(events) = 0) AS empty_days
  GROUP BY account
),
partial AS (
  -- Region-days with a gap, per account and work group ('*' stands for every work group).
  SELECT account, work_group, count(DISTINCT day || ' ' || region) AS region_days, min(day || ' ' || region) AS first_partial
  FROM (
    SELECT account, day, region, work_group FROM region_days WHERE gaps > 0
    UNION ALL
    SELECT account, day, region, '*' FROM region_days WHERE gaps > 0
  ) AS gap_days
  GROUP BY account, work_group
),
unattributed_uses AS (
  SELECT account, 'workgroup' AS grant_kind, work_group AS resource, query_execution_id, dt
  FROM window_events
  WHERE in_history AND NOT attributed
  UNION ALL
  SELECT window_events.account, 'table', lower(tables.table_name), window_events.query_execution_id, window_events.dt
  FROM window_events
  CROSS JOIN UNNEST(window_events.referenced_tables) AS tables (table_name)
  WHERE window_events.in_history AND NOT window_events.attributed
  UNION ALL
  SELECT window_events.account, 'database', split_part(lower(tables.table_name), '.', 1), window_events.query_execution_id, window_events.dt
  FROM window_events
  CROSS JOIN UNNEST(window_events.referenced_tables) AS tables (table_name)
  WHERE window_events.in_history AND NOT window_events.attributed
),
unattributed AS (
  SELECT counted.account, counted.grant_kind, counted.resource, counted.queries, dated.days
  FROM (
    SELECT account, grant_kind, resource, count(DISTINCT query_execution_id) AS queries
    FROM unattributed_uses
    GROUP BY account, grant_kind, resource
  ) AS counted
  JOIN (
    SELECT account, grant_kind, resource, array_join(array_sort(array_agg(dt)), ', ') AS days
    FROM (SELECT DISTINCT account, grant_kind, resource, dt FROM unattributed_uses) AS use_days
    GROUP BY account, grant_kind, resource
  ) AS dated ON dated.account = counted.account AND dated.grant_kind = counted.grant_kind AND dated.resource = counted.resource
),
trail_snapshot AS (
  -- Each account's last trails snapshot taken in the window (written beside its grants).
  SELECT account, max(dt) AS dt FROM trails WHERE dt BETWEEN :window_from AND :window_to GROUP BY account
),
trail_rows AS (
  SELECT trails.*
  FROM trails
  JOIN trail_snapshot ON trails.account = trail_snapshot.account AND trails.dt = trail_snapshot.dt
),
glue_excluded AS (
  SELECT DISTINCT trail_rows.account, trail_rows.trail_arn
  FROM trail_rows
  CROSS JOIN UNNEST(trail_rows.excluded_sources) AS sources (source)
  WHERE sources.source = 'glue.amazonaws.com'
),
trail_flags AS (
  -- to_lake: logging, delivering where the join reads; reads: read management events; glue: Glue's not excluded.
  SELECT
    trail_rows.account,
    trail_rows.home_region,
    trail_rows.multi_region,
    coalesce(trail_rows.logging, false) AND coalesce(trail_rows.delivers_to_lake, false) AS to_lake,
    coalesce(trail_rows.logging, false) AND trail_rows.delivers_to_lake IS NULL AS lake_unknown,
    coalesce(trail_rows.management_events IN ('all', 'read-only'), false) AS reads,
    glue_excluded.trail_arn IS NULL AS glue
  FROM trail_rows
  LEFT JOIN glue_excluded ON glue_excluded.account = trail_rows.account AND glue_excluded.trail_arn = trail_rows.trail_arn
),
trail_counts AS (
  SELECT account, count_if(to_lake) AS to_lake, count_if(lake_unknown) AS lake_unknown, count_if(to_lake AND reads) AS reading,
    count_if(to_lake AND reads AND glue) AS seeing
  FROM trail_flags
  GROUP BY account
),
covered AS (
  -- Each account's regions of the window that a trail seeing Glue's reads records.
  SELECT DISTINCT regions.account, regions.region
  FROM regions
  JOIN trail_flags
    ON trail_flags.account = regions.account AND trail_flags.to_lake AND trail_flags.reads AND trail_flags.glue
    AND (trail_flags.multi_region OR trail_flags.home_region = regions.region)
),
uncovered AS (
  SELECT regions.account, count(*) AS regions, min(regions.region) AS first_region
  FROM regions
  LEFT JOIN covered ON covered.account = regions.account AND covered.region = regions.region
  WHERE covered.account IS NULL
  GROUP BY regions.account
),
trail_verdict AS (
  -- Why another engine's use might not have been seen, per account holding grants; null when it would have been.
  SELECT
    accounts.account,
    CASE
      WHEN trail_snapshot.dt IS NULL THEN
        'no record of what the trail records (trails snapshot missing): another engine''s use might not be seen'
      WHEN coalesce(trail_counts.to_lake, 0) = 0 AND coalesce(trail_counts.lake_unknown, 0) > 0 THEN
        'the trails snapshot of ' || trail_snapshot.dt || ' does not say which trail delivers into the lake: another engine''s use might not be seen'
      WHEN coalesce(trail_counts.to_lake, 0) = 0 THEN
        'no logging trail delivers into the lake (trails snapshot of ' || trail_snapshot.dt || '): another engine''s use would not be seen'
      WHEN trail_counts.reading = 0 THEN 'the trail does not record Glue read events: a Spark job''s use would not be seen'
      WHEN trail_counts.seeing = 0 THEN 'the trail excludes Glue''s events (glue.amazonaws.com): a Spark job''s use would not be seen'
      WHEN uncovered.regions > 0 THEN
        'the trail does not record Glue read events in ' || uncovered.first_region || ': a Spark job''s use there would not be seen'
    END AS problem
  FROM (SELECT DISTINCT account FROM granted) AS accounts
  LEFT JOIN trail_snapshot ON trail_snapshot.account = accounts.account
  LEFT JOIN trail_counts ON trail_counts.account = accounts.account
  LEFT JOIN uncovered ON uncovered.account = accounts.account
),
judged AS (
  SELECT
    granted.*,
    trail_verdict.problem AS trail_problem,
    unattributed.queries AS unattributed_queries,
    unattributed.days AS unattributed_days,
    substr(coalesce(granted.principal_created, '0000'), 1, 10) > :window_from AS created_in_window,
    silent.account IS NOT NULL AS account_silent,
    coalesce(missing.region_days, 0) AS missing_region_days,
    missing.first_missing,
    coalesce(partial.region_days, 0) AS partial_region_days,
    partial.first_partial
  FROM granted
  LEFT JOIN trail_verdict ON trail_verdict.account = granted.account
  LEFT JOIN silent ON silent.account = granted.account
  LEFT JOIN missing ON missing.account = granted.account
  LEFT JOIN unattributed
    ON unattributed.account = granted.account AND unattributed.grant_kind = granted.grant_kind AND unattributed.resource = granted.resource
  LEFT JOIN partial
    ON partial.account = granted.account
    AND partial.work_group = CASE WHEN granted.grant_kind = 'workgroup' THEN granted.resource ELSE '*' END
)
SELECT
  judged.principal_arn,
  judged.principal_type,
  judged.account AS account_id,
  judged.grant_kind,
  judged.resource,
  judged.access_path || CASE WHEN judged.certainty = 'conditional' THEN ' (conditional)' ELSE '' END AS access_path,
  used.last_used,
  used.last_engine AS last_used_by,
  coalesce(activity.queries, 0) AS principal_queries,
  activity.last_active AS principal_last_active,
  coalesce(other_activity.calls, 0) AS principal_other_calls,
  other_activity.engines AS principal_other_engines,
  other_activity.last_active AS principal_other_last_active,
  :window_from AS window_from,
  :window_to AS window_to,
  CASE
    WHEN judged.account_silent OR judged.unattributed_queries > 0 OR judged.created_in_window THEN 'low'
    WHEN judged.missing_region_days > 0 OR judged.partial_region_days > 0 OR judged.trail_problem IS NOT NULL THEN 'medium'
    ELSE 'high'
  END AS confidence,
  CASE
    WHEN judged.account_silent THEN
      'nothing arrived from account ' || judged.account || ' in the window (no history, no CloudTrail): its use is unknown'
    WHEN judged.unattributed_queries > 0 THEN
      CAST(judged.unattributed_queries AS varchar) || ' unattributed quer' || CASE WHEN judged.unattributed_queries = 1 THEN 'y ' ELSE 'ies ' END
      || CASE judged.grant_kind WHEN 'workgroup' THEN 'ran in ' WHEN 'database' THEN 'read tables of ' ELSE 'read ' END
      || judged.resource || ' on ' || judged.unattributed_days || ' (any could have been this principal''s)'
    WHEN judged.created_in_window THEN 'principal created ' || substr(judged.principal_created, 1, 10) || ', within the window'
    WHEN judged.missing_region_days > 0 THEN
      'no evidence for ' || CAST(judged.missing_region_days AS varchar) || ' region-day(s) of the window (first ' || judged.first_missing || ')'
      || coalesce('; ' || judged.trail_problem, '')
    WHEN judged.partial_region_days > 0 THEN
      'queries lack history or a named principal on ' || CAST(judged.partial_region_days AS varchar) || ' region-day(s)'
      || CASE WHEN judged.grant_kind = 'workgroup' THEN ' in ' || judged.resource ELSE '' END
      || ' (first ' || judged.first_partial || '), though no unattributed query touched ' || judged.resource
      || coalesce('; ' || judged.trail_problem, '')
    WHEN judged.trail_problem IS NOT NULL THEN judged.trail_problem
    ELSE 'every query of the window has history and a named principal; no unattributed query touched ' || judged.resource
  END AS reason
FROM judged
LEFT JOIN used
  ON used.account = judged.account
  AND used.principal_arn = judged.principal_arn
  AND used.grant_kind = judged.grant_kind
  AND used.resource = judged.resource
LEFT JOIN activity ON activity.principal_arn = judged.principal_arn
LEFT JOIN other_activity ON other_activity.principal_arn = judged.principal_arn
WHERE coalesce(used.used_in_window, false) = false
ORDER BY judged.principal_arn, judged.grant_kind, judged.resource
