-- permission_gaps: every grant (work group, database, table) a principal held at the end of the
-- window but did not use in it, with when it was last used if ever, the principal's own use, and
-- how sure the finding is. Principals with Athena access that ran nothing show up with all grants.
-- Confidence is high only when events with both history and CloudTrail exist for every day of the
-- window and the principal is older than the window.
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
  SELECT events.iam_principal_arn, events.dt, events.work_group, lower(tables.table_name) AS table_name
  FROM events
  CROSS JOIN UNNEST(events.referenced_tables) AS tables (table_name)
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
coverage AS (
  SELECT count(DISTINCT dt) AS covered_days
  FROM events
  WHERE dt BETWEEN :window_from AND :window_to AND attributed AND in_history
)
SELECT
  granted.principal_arn,
  granted.principal_type,
  granted.grant_kind,
  granted.resource,
  granted.access_path || CASE WHEN granted.certainty = 'conditional' THEN ' (conditional)' ELSE '' END AS access_path,
  used.last_used,
  coalesce(activity.queries, 0) AS principal_queries,
  activity.last_active AS principal_last_active,
  :window_from AS window_from,
  :window_to AS window_to,
  CASE
    WHEN coverage.covered_days >= :window_days AND substr(coalesce(granted.principal_created, '0000'), 1, 10) <= :window_from THEN 'high'
    ELSE 'low'
  END AS confidence,
  'History and CloudTrail cover ' || CAST(coverage.covered_days AS varchar) || ' day(s) of the window'
    || CASE WHEN granted.principal_created IS NOT NULL THEN '; principal created ' || substr(granted.principal_created, 1, 10) ELSE '' END
    AS coverage_note
FROM granted
CROSS JOIN coverage
LEFT JOIN used
  ON used.principal_arn = granted.principal_arn AND used.grant_kind = granted.grant_kind AND used.resource = granted.resource
LEFT JOIN activity ON activity.principal_arn = granted.principal_arn
WHERE coalesce(used.used_in_window, false) = false
ORDER BY granted.principal_arn, granted.grant_kind, granted.resource
