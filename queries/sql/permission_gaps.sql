-- permission_gaps: every grant (work group, database, table) a principal held at the end of the
-- window but did not use in it, with when it was last used if ever, the principal's own use, and
-- how sure the finding is. Principals with Athena access that ran nothing show up with all grants.
-- Confidence follows the evidence:
--   low    an unattributed query in the window touched the resource (it could have been this
--          principal's), or the principal was created during the window;
--   medium some day of the window is missing, or partial for the work groups the grant concerns
--          (its own work group; every work group for a database or table), but nothing seen touched it;
--   high   every day of the window is complete for the grant and no unattributed query touched it.
-- The reason column says which, in words.
WITH snapshot AS (
  -- The last grants snapshot taken on or before the window's end.
  SELECT max(dt) AS dt FROM grants WHERE dt <= :window_to
),
granted AS (
  SELECT grants.*
  FROM grants
  JOIN snapshot ON grants.dt = snapshot.dt
  WHERE grants.grant_kind IN ('workgroup', 'database', 'table')
),
reads AS (
  -- The tables the parser found in a query's SQL, and those Athena's system table says it read (views
  -- the parser cannot see through), when the join reads that table.
  SELECT events.iam_principal_arn, events.dt, events.work_group, lower(tables.table_name) AS table_name
  FROM events
  CROSS JOIN UNNEST(events.referenced_tables) AS tables (table_name)
  WHERE events.attributed
  UNION ALL
  SELECT events.iam_principal_arn, events.dt, events.work_group, lower(tables.table_name) AS table_name
  FROM events
  CROSS JOIN UNNEST(events.witnessed_tables) AS tables (table_name)
  WHERE events.attributed
),
used AS (
  SELECT principal_arn, grant_kind, resource, max(dt) AS last_used, max(dt) >= :window_from AS used_in_window
  FROM (
    SELECT iam_principal_arn AS principal_arn, 'workgroup' AS grant_kind, work_group AS resource, dt FROM events WHERE attributed
    UNION ALL
    SELECT iam_principal_arn, 'table', table_name, dt FROM reads
    UNION ALL
    SELECT iam_principal_arn, 'database', split_part(table_name, '.', 1), dt FROM reads
  ) AS uses
  WHERE dt <= :window_to
  GROUP BY principal_arn, grant_kind, resource
),
activity AS (
  SELECT iam_principal_arn AS principal_arn, count(*) AS queries, max(dt) AS last_active
  FROM events
  WHERE dt BETWEEN :window_from AND :window_to AND attributed
  GROUP BY iam_principal_arn
),
calendar AS (
  SELECT CAST(CAST(calendar_day AS date) AS varchar) AS day
  FROM UNNEST(sequence(CAST(:window_from AS date), CAST(:window_to AS date), INTERVAL '1' DAY)) AS days (calendar_day)
),
regions AS (
  SELECT DISTINCT region FROM events WHERE dt BETWEEN :window_from AND :window_to
),
region_days AS (
  -- Every day and region of the window, with the work group of each query CloudTrail and history disagree on.
  SELECT calendar.day, regions.region, day_events.work_group, day_events.events, day_events.gaps
  FROM calendar
  CROSS JOIN regions
  LEFT JOIN (
    SELECT dt, region, work_group, count(*) AS events, count_if(in_history <> attributed) AS gaps
    FROM events
    WHERE dt BETWEEN :window_from AND :window_to
    GROUP BY dt, region, work_group
  ) AS day_events ON day_events.dt = calendar.day AND day_events.region = regions.region
),
missing AS (
  SELECT count(*) AS region_days, min(day || ' ' || region) AS first_missing
  FROM (SELECT day, region FROM region_days GROUP BY day, region HAVING count(events) = 0) AS empty_days
),
partial AS (
  -- Region-days with a gap, per work group ('*' stands for every work group).
  SELECT work_group, count(DISTINCT day || ' ' || region) AS region_days, min(day || ' ' || region) AS first_partial
  FROM (
    SELECT day, region, work_group FROM region_days WHERE gaps > 0
    UNION ALL
    SELECT day, region, '*' FROM region_days WHERE gaps > 0
  ) AS gap_days
  GROUP BY work_group
),
unattributed_uses AS (
  SELECT 'workgroup' AS grant_kind, work_group AS resource, query_execution_id, dt
  FROM events
  WHERE dt BETWEEN :window_from AND :window_to AND in_history AND NOT attributed
  UNION ALL
  SELECT 'table', lower(tables.table_name), events.query_execution_id, events.dt
  FROM events
  CROSS JOIN UNNEST(events.referenced_tables) AS tables (table_name)
  WHERE events.dt BETWEEN :window_from AND :window_to AND events.in_history AND NOT events.attributed
  UNION ALL
  SELECT 'database', split_part(lower(tables.table_name), '.', 1), events.query_execution_id, events.dt
  FROM events
  CROSS JOIN UNNEST(events.referenced_tables) AS tables (table_name)
  WHERE events.dt BETWEEN :window_from AND :window_to AND events.in_history AND NOT events.attributed
),
unattributed AS (
  SELECT counted.grant_kind, counted.resource, counted.queries, dated.days
  FROM (
    SELECT grant_kind, resource, count(DISTINCT query_execution_id) AS queries
    FROM unattributed_uses
    GROUP BY grant_kind, resource
  ) AS counted
  JOIN (
    SELECT grant_kind, resource, array_join(array_sort(array_agg(dt)), ', ') AS days
    FROM (SELECT DISTINCT grant_kind, resource, dt FROM unattributed_uses) AS use_days
    GROUP BY grant_kind, resource
  ) AS dated ON dated.grant_kind = counted.grant_kind AND dated.resource = counted.resource
),
judged AS (
  SELECT
    granted.*,
    unattributed.queries AS unattributed_queries,
    unattributed.days AS unattributed_days,
    substr(coalesce(granted.principal_created, '0000'), 1, 10) > :window_from AS created_in_window,
    missing.region_days AS missing_region_days,
    missing.first_missing,
    coalesce(partial.region_days, 0) AS partial_region_days,
    partial.first_partial
  FROM granted
  CROSS JOIN missing
  LEFT JOIN unattributed ON unattributed.grant_kind = granted.grant_kind AND unattributed.resource = granted.resource
  LEFT JOIN partial ON partial.work_group = CASE WHEN granted.grant_kind = 'workgroup' THEN granted.resource ELSE '*' END
)
SELECT
  judged.principal_arn,
  judged.principal_type,
  judged.grant_kind,
  judged.resource,
  judged.access_path || CASE WHEN judged.certainty = 'conditional' THEN ' (conditional)' ELSE '' END AS access_path,
  used.last_used,
  coalesce(activity.queries, 0) AS principal_queries,
  activity.last_active AS principal_last_active,
  :window_from AS window_from,
  :window_to AS window_to,
  CASE
    WHEN judged.unattributed_queries > 0 OR judged.created_in_window THEN 'low'
    WHEN judged.missing_region_days > 0 OR judged.partial_region_days > 0 THEN 'medium'
    ELSE 'high'
  END AS confidence,
  CASE
    WHEN judged.unattributed_queries > 0 THEN
      CAST(judged.unattributed_queries AS varchar) || ' unattributed quer' || CASE WHEN judged.unattributed_queries = 1 THEN 'y ' ELSE 'ies ' END
      || CASE judged.grant_kind WHEN 'workgroup' THEN 'ran in ' WHEN 'database' THEN 'read tables of ' ELSE 'read ' END
      || judged.resource || ' on ' || judged.unattributed_days || ' (any could have been this principal''s)'
    WHEN judged.created_in_window THEN 'principal created ' || substr(judged.principal_created, 1, 10) || ', within the window'
    WHEN judged.missing_region_days > 0 THEN
      'no evidence for ' || CAST(judged.missing_region_days AS varchar) || ' region-day(s) of the window (first ' || judged.first_missing || ')'
    WHEN judged.partial_region_days > 0 THEN
      'history and CloudTrail disagree on ' || CAST(judged.partial_region_days AS varchar) || ' region-day(s)'
      || CASE WHEN judged.grant_kind = 'workgroup' THEN ' in ' || judged.resource ELSE '' END
      || ' (first ' || judged.first_partial || '), though no unattributed query touched ' || judged.resource
    ELSE 'history and CloudTrail complete for every day of the window; no unattributed query touched ' || judged.resource
  END AS reason
FROM judged
LEFT JOIN used
  ON used.principal_arn = judged.principal_arn AND used.grant_kind = judged.grant_kind AND used.resource = judged.resource
LEFT JOIN activity ON activity.principal_arn = judged.principal_arn
WHERE coalesce(used.used_in_window, false) = false
ORDER BY judged.principal_arn, judged.grant_kind, judged.resource
