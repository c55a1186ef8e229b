-- anomalies: activity unusual for the IAM user or role that ran it, one row per finding and day of
-- the period (queries/anomalies.ts holds the settings behind each parameter):
--   volume        the day's bytes or queries far above the principal's own previous :baseline_days
--                 days (days without a query count as zero from its first day on): :volume_mads scaled
--                 median absolute deviations above their median, :volume_ratio times the busiest of
--                 them (so a weekly or monthly peak it already had does not fire), and the floor;
--   reach         the first read of a database, or of a table in a database it read before, since
--                 :lookback_from; a level up when sensitive; none once the resource was announced;
--   origin        the first call from a network (an IPv4 /24, or the service CloudTrail names) or
--                 client family; high for a service suddenly used from the CLI or the console;
--   time          activity in an hour at least three hours (on the clock) from every hour it was active before;
--   probing       :probing_failures or more access-denied or not-found failures in one hour;
--   exfiltration  UNLOAD or CREATE TABLE AS writing to a bucket outside :known_buckets, or an unfiltered
--                 SELECT * of a table, scanning at least :large_scan_bytes, it had never run before.
-- Volume judges a day once :baseline_days days lie behind the principal's first; first-time kinds once
-- :min_history_days do. Only
-- attributed queries count; a day holding queries no witness attributed is `partial`.
WITH activity AS (
  SELECT
    dt AS day,
    date_diff('day', CAST(:window_from AS date), CAST(dt AS date)) AS day_number,
    iam_principal_arn AS principal_arn,
    query_execution_id,
    hour(event_time) AS event_hour,
    CASE
      WHEN regexp_like(coalesce(source_ip, ''), '^[0-9]{1,3}[.][0-9]{1,3}[.][0-9]{1,3}[.][0-9]{1,3}$')
        THEN regexp_extract(source_ip, '^([0-9]+[.][0-9]+[.][0-9]+)[.]', 1) || '.0/24'
      ELSE source_ip
    END AS network,
    client_family,
    referenced_tables,
    state,
    coalesce(error_message, '') AS error_message,
    coalesce(query_text, '') AS query_text,
    coalesce(data_scanned_bytes, 0) AS bytes,
    (on_behalf_of IS NOT NULL
      OR strpos(iam_principal_arn, ':role/aws-reserved/sso.amazonaws.com/') > 0
      OR (principal_type = 'IAMUser' AND client_family = 'console')) AS human_sign
  FROM events
  WHERE dt BETWEEN :lookback_from AND :window_to AND attributed AND iam_principal_arn IS NOT NULL
),
principal_days AS (
  SELECT principal_arn, day, day_number, count(*) AS queries, sum(bytes) AS bytes,
    max(CASE WHEN human_sign THEN 1 ELSE 0 END) AS human_day
  FROM activity
  GROUP BY principal_arn, day, day_number
),
principals AS (
  -- When each principal was first seen, and whether it showed a person's signs before each day.
  SELECT principal_arn, day, day_number, queries, bytes,
    min(day_number) OVER (PARTITION BY principal_arn) AS first_number,
    coalesce(max(human_day) OVER (PARTITION BY principal_arn ORDER BY day_number ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0) = 1
      AS human
  FROM principal_days
),
baseline_values AS (
  SELECT c.principal_arn, c.day_number, metric.name AS metric,
    CASE metric.name WHEN 'bytes' THEN coalesce(p.bytes, 0) ELSE coalesce(p.queries, 0) END AS value
  FROM principals AS c
  CROSS JOIN UNNEST(sequence(1, :baseline_days, 1)) AS back (days_back)
  CROSS JOIN (SELECT 'bytes' AS name UNION ALL SELECT 'queries' AS name) AS metric
  LEFT JOIN principal_days AS p ON p.principal_arn = c.principal_arn AND p.day_number = c.day_number - back.days_back
  WHERE c.day_number >= 0 AND c.day_number - back.days_back >= c.first_number
),
medians AS (
  SELECT principal_arn, day_number, metric, approx_percentile(value, 0.5) AS median, max(value) AS peak, count(*) AS days
  FROM baseline_values
  GROUP BY principal_arn, day_number, metric
),
spreads AS (
  SELECT b.principal_arn, b.day_number, b.metric, m.median, m.peak, m.days, approx_percentile(abs(b.value - m.median), 0.5) AS mad
  FROM baseline_values AS b
  JOIN medians AS m ON m.principal_arn = b.principal_arn AND m.day_number = b.day_number AND m.metric = b.metric
  GROUP BY b.principal_arn, b.day_number, b.metric, m.median, m.peak, m.days
),
volume AS (
  SELECT c.principal_arn, c.day, c.day_number, 'volume' AS kind, s.metric AS subject,
    CAST(CASE s.metric WHEN 'bytes' THEN c.bytes ELSE c.queries END AS double) AS measured,
    CAST(s.median AS double) AS baseline, CAST(s.mad AS double) AS spread, CAST(s.peak AS double) AS peak, c.queries
  FROM principals AS c
  JOIN spreads AS s ON s.principal_arn = c.principal_arn AND s.day_number = c.day_number
  -- Judged only on a full baseline: a monthly peak the principal had before the lake began must not fire.
  WHERE s.days >= :baseline_days
),
volume_findings AS (
  SELECT principal_arn, day, day_number, kind, subject, measured, baseline, spread, queries,
    (measured - baseline) / greatest(1.4826 * spread, 0.05 * baseline, 1.0) AS score,
    measured / greatest(peak, 1.0) AS over_peak
  FROM volume
  WHERE measured >= CASE subject WHEN 'bytes' THEN :volume_floor_bytes ELSE :volume_floor_queries END
    AND measured >= :volume_ratio * peak
    AND (measured - baseline) / greatest(1.4826 * spread, 0.05 * baseline, 1.0) >= :volume_mads
),
table_reads AS (
  SELECT a.principal_arn, a.day, a.day_number, a.query_execution_id, a.state = 'FAILED' AS failed, lower(t.table_name) AS table_name,
    split_part(lower(t.table_name), '.', 1) AS database_name
  FROM activity AS a
  CROSS JOIN UNNEST(a.referenced_tables) AS t (table_name)
),
first_reads AS (
  SELECT principal_arn, table_name, database_name, min(day_number) AS table_first,
    min(min(day_number)) OVER (PARTITION BY principal_arn, database_name) AS database_first
  FROM table_reads
  -- A failed query read nothing (a table that does not exist is probing, not reach).
  WHERE NOT failed
  GROUP BY principal_arn, table_name, database_name
),
seen AS (
  SELECT principal_arn, min(day_number) AS first_number FROM principal_days GROUP BY principal_arn
),
reach_candidates AS (
  -- A new database is one finding (on its first day); a new table, only in a database read before.
  SELECT DISTINCT principal_arn, database_name AS resource, database_first AS day_number, database_name
  FROM first_reads WHERE database_first >= 0
  UNION ALL
  SELECT principal_arn, table_name AS resource, table_first AS day_number, database_name
  FROM first_reads WHERE table_first >= 0 AND table_first > database_first
),
reach AS (
  SELECT r.principal_arn, min(t.day) AS day, r.day_number, r.resource, r.database_name,
    count(DISTINCT t.query_execution_id) AS queries, min(t.query_execution_id) AS example_query_id,
    -- `,<resource>@<day>,` in :announced: the day it was announced, or none.
    CASE WHEN strpos(:announced, ',' || r.resource || '@') > 0
      THEN substr(:announced, strpos(:announced, ',' || r.resource || '@') + length(r.resource) + 2, 10) END AS resource_announced,
    CASE WHEN strpos(:announced, ',' || r.database_name || '@') > 0
      THEN substr(:announced, strpos(:announced, ',' || r.database_name || '@') + length(r.database_name) + 2, 10) END AS database_announced
  FROM reach_candidates AS r
  JOIN seen ON seen.principal_arn = r.principal_arn
  JOIN table_reads AS t
    ON t.principal_arn = r.principal_arn AND t.day_number = r.day_number AND (t.table_name = r.resource OR t.database_name = r.resource)
    AND NOT t.failed
  WHERE r.day_number - seen.first_number >= :min_history_days
  GROUP BY r.principal_arn, r.day_number, r.resource, r.database_name
),
origins AS (
  SELECT principal_arn, 'network' AS origin, network AS value, day, day_number, query_execution_id FROM activity WHERE network IS NOT NULL
  UNION ALL
  SELECT principal_arn, 'client', 'client:' || client_family, day, day_number, query_execution_id
  FROM activity WHERE client_family IS NOT NULL AND client_family <> 'unknown'
),
first_origins AS (
  SELECT o.principal_arn, o.origin, o.value, min(o.day_number) AS first_number
  FROM origins AS o
  GROUP BY o.principal_arn, o.origin, o.value
),
origin AS (
  SELECT f.principal_arn, min(o.day) AS day, f.first_number AS day_number, f.origin, f.value,
    count(DISTINCT o.query_execution_id) AS queries, min(o.query_execution_id) AS example_query_id
  FROM first_origins AS f
  JOIN seen ON seen.principal_arn = f.principal_arn
  JOIN origins AS o ON o.principal_arn = f.principal_arn AND o.value = f.value AND o.day_number = f.first_number
  WHERE f.first_number >= 0 AND f.first_number - seen.first_number >= :min_history_days
  GROUP BY f.principal_arn, f.first_number, f.origin, f.value
),
first_hours AS (
  SELECT principal_arn, event_hour, min(day_number) AS first_number FROM activity GROUP BY principal_arn, event_hour
),
new_hours AS (
  -- Hours first active in the period with no hour within three (on the clock) active before.
  SELECT h.principal_arn, h.event_hour, h.first_number
  FROM first_hours AS h
  JOIN seen ON seen.principal_arn = h.principal_arn
  LEFT JOIN first_hours AS b
    ON b.principal_arn = h.principal_arn AND b.first_number < h.first_number
    AND (abs(b.event_hour - h.event_hour) < 3 OR abs(b.event_hour - h.event_hour) > 21)
  WHERE h.first_number >= 0 AND h.first_number - seen.first_number >= :min_history_days
  GROUP BY h.principal_arn, h.event_hour, h.first_number
  HAVING count(b.event_hour) = 0
),
time_of_day AS (
  SELECT n.principal_arn, min(a.day) AS day, n.first_number AS day_number, n.event_hour,
    count(*) AS queries, min(a.query_execution_id) AS example_query_id
  FROM new_hours AS n
  JOIN activity AS a ON a.principal_arn = n.principal_arn AND a.day_number = n.first_number AND a.event_hour = n.event_hour
  GROUP BY n.principal_arn, n.first_number, n.event_hour
),
probes AS (
  -- Failures that say the caller may not see, or cannot find, what it asked for.
  SELECT a.principal_arn, a.day, a.day_number, a.event_hour, a.query_execution_id
  FROM activity AS a
  WHERE a.day_number >= 0 AND a.state = 'FAILED'
    AND regexp_like(a.error_message, '(TABLE_NOT_FOUND|SCHEMA_NOT_FOUND|CATALOG_NOT_FOUND|AccessDenied|Access Denied|not authorized|Insufficient Lake Formation permission)')
    AND NOT regexp_like(a.error_message, '^COLUMN_NOT_FOUND')
),
probing AS (
  SELECT p.principal_arn, p.day, p.day_number, p.event_hour, count(DISTINCT p.query_execution_id) AS failures,
    min(p.query_execution_id) AS example_query_id,
    coalesce(nullif(array_join(array_sort(array_agg(DISTINCT t.table_name)), ', '), ''), 'resources not named') AS resources
  FROM probes AS p
  LEFT JOIN table_reads AS t ON t.query_execution_id = p.query_execution_id AND t.principal_arn = p.principal_arn
  GROUP BY p.principal_arn, p.day, p.day_number, p.event_hour
  HAVING count(DISTINCT p.query_execution_id) >= :probing_failures
),
writes AS (
  -- UNLOAD ... TO 's3://b/...' and CREATE TABLE ... WITH (external_location | location = 's3://b/...').
  SELECT principal_arn, day, day_number, query_execution_id, bytes,
    regexp_extract(query_text, '(?i)(?:TO|external_location|location)[ \t\r\n]*=?[ \t\r\n]*''s3://([^/'']+)', 1) AS bucket
  FROM activity
  WHERE day_number >= 0 AND regexp_like(query_text, '(?i)^[ \t\r\n]*(UNLOAD|CREATE[ \t\r\n]+TABLE)')
),
star_scans AS (
  -- Unfiltered: SELECT * FROM one table, an alias at most, nothing after it.
  SELECT principal_arn, day, day_number, query_execution_id, bytes, array_join(referenced_tables, ',') AS table_name
  FROM activity
  WHERE state = 'SUCCEEDED' AND strpos(array_join(referenced_tables, ','), ',') = 0 AND array_join(referenced_tables, ',') <> ''
    AND regexp_like(lower(query_text), '^[ \t\r\n]*select[ \t\r\n]+[*][ \t\r\n]+from[ \t\r\n]+[a-z0-9_."]+([ \t\r\n]+(as[ \t\r\n]+)?"?[a-z0-9_]+"?)?[ \t\r\n;]*$')
),
first_star_scans AS (
  SELECT principal_arn, table_name, min(day_number) AS first_number FROM star_scans GROUP BY principal_arn, table_name
),
exfiltration AS (
  SELECT principal_arn, day, day_number, 's3://' || bucket AS subject, sum(bytes) AS bytes, count(*) AS queries,
    min(query_execution_id) AS example_query_id
  FROM writes
  WHERE bucket <> '' AND strpos(:known_buckets, ',' || bucket || ',') = 0
  GROUP BY principal_arn, day, day_number, bucket
  UNION ALL
  SELECT s.principal_arn, s.day, s.day_number, 'select-star:' || s.table_name, max(s.bytes), count(*), min(s.query_execution_id)
  FROM star_scans AS s
  JOIN first_star_scans AS f ON f.principal_arn = s.principal_arn AND f.table_name = s.table_name AND f.first_number = s.day_number
  JOIN seen ON seen.principal_arn = s.principal_arn
  WHERE s.day_number >= 0 AND s.day_number - seen.first_number >= :min_history_days AND s.bytes >= :large_scan_bytes
  GROUP BY s.principal_arn, s.day, s.day_number, s.table_name
),
findings AS (
  SELECT principal_arn, day, day_number, kind, subject, measured, baseline, spread, score, queries,
    CASE WHEN over_peak >= 3 * :volume_ratio THEN 'high' WHEN over_peak >= 1.5 * :volume_ratio THEN 'medium' ELSE 'low' END AS severity,
    CAST(NULL AS varchar) AS example_query_id
  FROM volume_findings
  UNION ALL
  SELECT principal_arn, day, day_number, 'reach', resource, CAST(queries AS double), CAST(NULL AS double), CAST(NULL AS double),
    CAST(queries AS double), queries,
    CASE
      WHEN strpos(:sensitive, ',' || resource || ',') > 0 OR strpos(:sensitive, ',' || database_name || ',') > 0 THEN 'high'
      WHEN resource = database_name THEN 'medium'
      ELSE 'low'
    END,
    example_query_id
  FROM reach
  WHERE coalesce(resource_announced, '9999-12-31') > day AND coalesce(database_announced, '9999-12-31') > day
  UNION ALL
  SELECT principal_arn, day, day_number, 'origin', value, CAST(queries AS double), CAST(NULL AS double), CAST(NULL AS double),
    CAST(queries AS double), queries, 'pending', example_query_id
  FROM origin
  UNION ALL
  SELECT principal_arn, day, day_number, 'time', lpad(CAST(event_hour AS varchar), 2, '0'), CAST(queries AS double), CAST(NULL AS double),
    CAST(NULL AS double), CAST(queries AS double), queries, 'pending', example_query_id
  FROM time_of_day
  UNION ALL
  SELECT principal_arn, day, day_number, 'probing', resources, CAST(failures AS double), CAST(NULL AS double), CAST(NULL AS double),
    CAST(failures AS double), failures,
    CASE WHEN failures >= 2 * :probing_failures THEN 'high' ELSE 'medium' END, example_query_id
  FROM probing
  UNION ALL
  SELECT principal_arn, day, day_number, 'exfiltration', subject, CAST(bytes AS double), CAST(NULL AS double), CAST(NULL AS double),
    CAST(bytes AS double), queries,
    CASE
      WHEN subject LIKE 's3://%' THEN 'high'
      WHEN strpos(:sensitive, ',' || substr(subject, 13) || ',') > 0 OR strpos(:sensitive, ',' || split_part(substr(subject, 13), '.', 1) || ',') > 0
        THEN 'high'
      ELSE 'medium'
    END,
    example_query_id
  FROM exfiltration
),
coverage AS (
  SELECT dt AS day, sum(CASE WHEN in_history AND NOT attributed THEN 1 ELSE 0 END) AS unattributed
  FROM events
  WHERE dt BETWEEN :window_from AND :window_to
  GROUP BY dt
)
SELECT
  f.day,
  f.principal_arn,
  f.kind,
  f.subject,
  f.measured,
  f.baseline,
  f.spread,
  f.score,
  CASE
    WHEN f.severity <> 'pending' THEN f.severity
    -- A service suddenly used from the CLI or the console is what a leaked key looks like.
    WHEN f.kind = 'origin' AND NOT p.human AND f.subject IN ('client:cli', 'client:console') THEN 'high'
    WHEN f.kind = 'origin' AND (NOT p.human OR f.subject NOT LIKE 'client:%') THEN 'medium'
    WHEN f.kind = 'time' AND NOT p.human THEN 'medium'
    ELSE 'low'
  END AS severity,
  f.queries,
  f.example_query_id,
  p.human,
  CASE WHEN coalesce(c.unattributed, 0) > 0 THEN 'partial' ELSE 'complete' END AS coverage
FROM findings AS f
JOIN principals AS p ON p.principal_arn = f.principal_arn AND p.day_number = f.day_number
LEFT JOIN coverage AS c ON c.day = f.day
WHERE f.day_number >= 0
ORDER BY f.day, f.principal_arn, f.kind, f.subject
