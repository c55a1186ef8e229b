-- anomalies: activity unusual for the IAM user or role that ran it, one row per finding and day of
-- the period, from Athena's queries (events) and other engines' reads (access) (core/anomaly-settings.ts
-- holds the settings behind each parameter):
--   volume        the day's bytes scanned, queries, or catalog calls (Glue, Lake Formation) far above
--                 the principal's own previous :baseline_days days (days without count as zero from its
--                 first day on): :volume_mads scaled median absolute deviations above their median,
--                 :volume_ratio times the busiest of them (so a weekly or monthly peak it already had
--                 does not fire), and the floor;
--   reach         the first read of a database, or of a table in a database it read before, by a query
--                 or a catalog read, since :lookback_from; a level up when sensitive; none once announced;
--   origin        the first call from a network (an IPv4 /24, or the service CloudTrail names) or
--                 client family (another engine's, judged once it has read through other engines for
--                 :min_history_days); high for a service suddenly used from the CLI or the console;
--   download      direct object reads (S3 GetObject by any engine but Athena's queries): the day's bytes
--                 or objects against the principal's own baseline (the volume rules, with
--                 :download_floor_bytes and :download_floor_objects), or read from a network it never
--                 used, or by a principal the lake never saw (once the lake has :min_history_days);
--   time          activity in an hour at least three hours (on the clock) from every hour it was active before;
--   probing       :probing_failures or more access-denied or not-found failures in one hour;
--   exfiltration  UNLOAD or CREATE TABLE AS writing to a bucket outside :known_buckets, or an unfiltered
--                 SELECT * of a table, scanning at least :large_scan_bytes, it had never run before.
-- Volume judges a day once :baseline_days days lie behind the principal's first; first-time kinds once
-- :min_history_days do. Only attributed queries count; a day holding queries no witness attributed is
-- `partial`. A finding names its engines: athena for queries, else the access table's engines.
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
access_reads AS (
  SELECT dt AS day, date_diff('day', CAST(:window_from AS date), CAST(dt AS date)) AS day_number,
    iam_principal_arn AS principal_arn, principal_arn AS caller_arn, account_id, region, engine, source, resource_kind,
    lower(resource) AS resource, calls, objects, bytes, source_ips
  FROM access
  WHERE dt BETWEEN :lookback_from AND :window_to AND iam_principal_arn IS NOT NULL
),
everyone AS (
  -- Every principal's days with any evidence: when it was first seen at all and through other
  -- engines, and whether it showed a person's signs before each day.
  SELECT principal_arn, day, day_number,
    min(day_number) OVER (PARTITION BY principal_arn) AS first_number,
    min(CASE WHEN other_engines = 1 THEN day_number END) OVER (PARTITION BY principal_arn) AS access_first,
    coalesce(max(human_day) OVER (PARTITION BY principal_arn ORDER BY day_number ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0) = 1
      AS human
  FROM (
    SELECT principal_arn, day, day_number, max(human_day) AS human_day, max(other_engines) AS other_engines
    FROM (
      SELECT principal_arn, day, day_number, human_day, 0 AS other_engines FROM principal_days
      UNION ALL
      SELECT principal_arn, day, day_number, 0, 1 FROM access_reads
    ) AS evidence
    GROUP BY principal_arn, day, day_number
  ) AS days
),
metric_days AS (
  -- One value per principal, day and measure: Athena's from its queries, the others from the access
  -- table (calls: catalog and Lake Formation; object_bytes and objects: direct reads). Doubles, so
  -- the scores below divide the same way on both engines.
  SELECT principal_arn, day_number, 'bytes' AS metric, CAST(bytes AS double) AS value FROM principal_days
  UNION ALL
  SELECT principal_arn, day_number, 'queries', CAST(queries AS double) FROM principal_days
  UNION ALL
  SELECT principal_arn, day_number, metric, CAST(sum(value) AS double)
  FROM (
    SELECT principal_arn, day_number, 'calls' AS metric, calls AS value FROM access_reads WHERE source <> 's3'
    UNION ALL
    SELECT principal_arn, day_number, 'object_bytes', bytes FROM access_reads WHERE source = 's3'
    UNION ALL
    SELECT principal_arn, day_number, 'objects', objects FROM access_reads WHERE source = 's3'
  ) AS reads_by_measure
  GROUP BY principal_arn, day_number, metric
),
metric_firsts AS (
  -- Athena's measures count zero days from its first query; the others from the principal's first
  -- evidence of any kind, so a role that only queried before has a baseline of no direct reads.
  SELECT m.principal_arn, m.metric,
    CASE WHEN m.metric IN ('bytes', 'queries') THEN min(m.day_number) ELSE min(f.first_number) END AS first_number
  FROM metric_days AS m
  JOIN (SELECT DISTINCT principal_arn, first_number FROM everyone) AS f ON f.principal_arn = m.principal_arn
  GROUP BY m.principal_arn, m.metric
),
baseline_values AS (
  SELECT c.principal_arn, c.day_number, c.metric, coalesce(p.value, 0) AS value
  FROM metric_days AS c
  JOIN metric_firsts AS f ON f.principal_arn = c.principal_arn AND f.metric = c.metric
  CROSS JOIN UNNEST(sequence(1, :baseline_days, 1)) AS back (days_back)
  LEFT JOIN metric_days AS p ON p.principal_arn = c.principal_arn AND p.metric = c.metric AND p.day_number = c.day_number - back.days_back
  WHERE c.day_number >= 0 AND c.day_number - back.days_back >= f.first_number
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
judged AS (
  -- Each measure of a day against its baseline, judged only on a full one: a monthly peak the
  -- principal had before the lake began must not fire.
  SELECT c.principal_arn, c.day_number, c.metric, c.value AS measured, s.median AS baseline, s.mad AS spread, s.peak,
    (c.value - s.median) / greatest(1.4826 * s.mad, 0.05 * s.median, 1.0) AS score,
    c.value / greatest(s.peak, 1.0) AS over_peak,
    (c.value >= CASE c.metric WHEN 'bytes' THEN :volume_floor_bytes WHEN 'queries' THEN :volume_floor_queries
        WHEN 'calls' THEN :volume_floor_calls WHEN 'object_bytes' THEN :download_floor_bytes ELSE :download_floor_objects END
      AND c.value >= :volume_ratio * s.peak
      AND (c.value - s.median) / greatest(1.4826 * s.mad, 0.05 * s.median, 1.0) >= :volume_mads) AS unusual
  FROM metric_days AS c
  JOIN spreads AS s ON s.principal_arn = c.principal_arn AND s.day_number = c.day_number AND s.metric = c.metric
  WHERE s.days >= :baseline_days
),
catalog_days AS (
  SELECT principal_arn, day_number, array_join(array_sort(array_agg(DISTINCT engine)), ', ') AS engines, sum(calls) AS calls
  FROM access_reads WHERE source <> 's3' GROUP BY principal_arn, day_number
),
object_reads AS (
  SELECT principal_arn, day, day_number, sum(bytes) AS bytes, sum(objects) AS objects, sum(calls) AS calls,
    array_join(array_sort(array_agg(DISTINCT engine)), ', ') AS engine,
    array_join(slice(array_sort(array_agg(DISTINCT resource)), 1, 5), ', ') AS resources, count(DISTINCT resource) AS resource_count
  FROM access_reads
  WHERE source = 's3' AND day_number >= 0
  GROUP BY principal_arn, day, day_number
),
volume_findings AS (
  SELECT j.principal_arn, e.day, j.day_number, 'volume' AS kind, j.metric AS subject, j.measured, j.baseline, j.spread, j.peak,
    coalesce(p.queries, 0) AS queries, j.score, j.over_peak,
    CASE WHEN j.metric = 'calls' THEN c.engines ELSE 'athena' END AS engine,
    CASE WHEN j.metric = 'calls' THEN c.calls ELSE 0 END AS calls
  FROM judged AS j
  JOIN everyone AS e ON e.principal_arn = j.principal_arn AND e.day_number = j.day_number
  LEFT JOIN principal_days AS p ON p.principal_arn = j.principal_arn AND p.day_number = j.day_number
  LEFT JOIN catalog_days AS c ON c.principal_arn = j.principal_arn AND c.day_number = j.day_number
  WHERE j.unusual AND j.metric IN ('bytes', 'queries', 'calls')
),
table_reads AS (
  SELECT a.principal_arn, a.day, a.day_number, a.query_execution_id, a.state = 'FAILED' AS failed, lower(t.table_name) AS table_name,
    split_part(lower(t.table_name), '.', 1) AS database_name
  FROM activity AS a
  CROSS JOIN UNNEST(a.referenced_tables) AS t (table_name)
),
reads AS (
  -- Reads of a database or table by any engine: Athena's queries, and the access table's catalog and
  -- Lake Formation reads, which name their table. Object reads are not: their table is the grants
  -- snapshot's location holding the key, which changes when a table is registered over files already
  -- read (download judges them).
  SELECT principal_arn, day, day_number, query_execution_id AS read_id, 'athena' AS engine, 0 AS calls, table_name, database_name
  FROM table_reads
  -- A failed query read nothing (a table that does not exist is probing, not reach).
  WHERE NOT failed
  UNION ALL
  SELECT principal_arn, day, day_number, CAST(NULL AS varchar), engine, calls,
    CASE WHEN resource_kind = 'table' THEN resource END, split_part(resource, '.', 1)
  FROM access_reads
  WHERE source <> 's3' AND resource_kind IN ('table', 'database')
),
first_reads AS (
  SELECT principal_arn, table_name, database_name, min(day_number) AS table_first,
    min(min(day_number)) OVER (PARTITION BY principal_arn, database_name) AS database_first
  FROM reads
  GROUP BY principal_arn, table_name, database_name
),
seen AS (
  SELECT principal_arn, min(day_number) AS first_number FROM principal_days GROUP BY principal_arn
),
seen_any AS (
  SELECT DISTINCT principal_arn, first_number, access_first FROM everyone
),
reach_candidates AS (
  -- A new database is one finding (on its first day); a new table, only in a database read before.
  SELECT DISTINCT principal_arn, database_name AS resource, database_first AS day_number, database_name
  FROM first_reads WHERE database_first >= 0
  UNION ALL
  SELECT principal_arn, table_name AS resource, table_first AS day_number, database_name
  FROM first_reads WHERE table_name IS NOT NULL AND table_first >= 0 AND table_first > database_first
),
reach AS (
  SELECT r.principal_arn, min(t.day) AS day, r.day_number, r.resource, r.database_name,
    count(DISTINCT t.read_id) AS queries, sum(t.calls) AS calls, min(t.read_id) AS example_query_id,
    array_join(array_sort(array_agg(DISTINCT t.engine)), ', ') AS engine,
    -- `,<resource>@<day>,` in :announced: the day it was announced, or none.
    CASE WHEN strpos(:announced, ',' || r.resource || '@') > 0
      THEN substr(:announced, strpos(:announced, ',' || r.resource || '@') + length(r.resource) + 2, 10) END AS resource_announced,
    CASE WHEN strpos(:announced, ',' || r.database_name || '@') > 0
      THEN substr(:announced, strpos(:announced, ',' || r.database_name || '@') + length(r.database_name) + 2, 10) END AS database_announced
  FROM reach_candidates AS r
  JOIN seen_any AS seen ON seen.principal_arn = r.principal_arn
  JOIN reads AS t
    ON t.principal_arn = r.principal_arn AND t.day_number = r.day_number AND (t.table_name = r.resource OR t.database_name = r.resource)
  WHERE r.day_number - seen.first_number >= :min_history_days
  GROUP BY r.principal_arn, r.day_number, r.resource, r.database_name
),
networked_reads AS (
  -- Other engines' reads from an address of the caller's own (a service's workers use the provider's):
  -- one row per access row and network, however many of its addresses are in the network.
  SELECT DISTINCT a.principal_arn, a.caller_arn, a.account_id, a.region, a.day, a.day_number, a.engine, a.source, a.resource_kind,
    a.resource, a.calls,
    CASE
      WHEN regexp_like(ip.address, '^[0-9]{1,3}[.][0-9]{1,3}[.][0-9]{1,3}[.][0-9]{1,3}$')
        THEN regexp_extract(ip.address, '^([0-9]+[.][0-9]+[.][0-9]+)[.]', 1) || '.0/24'
      ELSE ip.address
    END AS network
  FROM access_reads AS a
  CROSS JOIN UNNEST(a.source_ips) AS ip (address)
  WHERE a.engine IN ('cli', 'sdk', 'console', 'unknown')
),
origins AS (
  -- `judged_from`: the history a first origin needs, any evidence's; another engine's client needs
  -- :min_history_days of reads through other engines (their clients are named differently from
  -- Athena's, so a principal's first catalog read is not a new client).
  SELECT principal_arn, 'network' AS origin, network AS value, day, day_number, query_execution_id, 'athena' AS engine, 0 AS calls,
    'any' AS judged_from
  FROM activity WHERE network IS NOT NULL
  UNION ALL
  SELECT principal_arn, 'client', 'client:' || client_family, day, day_number, query_execution_id, 'athena', 0, 'any'
  FROM activity WHERE client_family IS NOT NULL AND client_family <> 'unknown'
  UNION ALL
  SELECT principal_arn, 'network', network, day, day_number, CAST(NULL AS varchar), engine, calls, 'any' FROM networked_reads
  UNION ALL
  SELECT principal_arn, 'client', 'client:' || engine, day, day_number, CAST(NULL AS varchar), engine, calls, 'access'
  FROM access_reads WHERE engine <> 'unknown'
),
first_origins AS (
  SELECT o.principal_arn, o.origin, o.value, min(o.day_number) AS first_number,
    -- The earliest read's rule; on a tie, Athena's.
    min_by(o.judged_from, 2 * o.day_number + CASE WHEN o.judged_from = 'any' THEN 0 ELSE 1 END) AS judged_from
  FROM origins AS o
  GROUP BY o.principal_arn, o.origin, o.value
),
origin AS (
  SELECT f.principal_arn, min(o.day) AS day, f.first_number AS day_number, f.origin, f.value,
    count(DISTINCT o.query_execution_id) AS queries, sum(o.calls) AS calls, min(o.query_execution_id) AS example_query_id,
    array_join(array_sort(array_agg(DISTINCT o.engine)), ', ') AS engine
  FROM first_origins AS f
  JOIN seen_any AS seen ON seen.principal_arn = f.principal_arn
  JOIN origins AS o ON o.principal_arn = f.principal_arn AND o.value = f.value AND o.day_number = f.first_number
  WHERE f.first_number >= 0
    AND f.first_number - CASE WHEN f.judged_from = 'access' THEN seen.access_first ELSE seen.first_number END >= :min_history_days
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
object_networks AS (
  -- The networks of a day's direct reads; new: the principal never used it before (queries or reads).
  SELECT n.principal_arn, n.day_number, n.network,
    max(CASE WHEN f.first_number = n.day_number AND n.day_number - seen.first_number >= :min_history_days THEN 1 ELSE 0 END) = 1
      AS new_network
  FROM (SELECT DISTINCT principal_arn, day_number, network FROM networked_reads WHERE source = 's3' AND day_number >= 0) AS n
  JOIN first_origins AS f ON f.principal_arn = n.principal_arn AND f.origin = 'network' AND f.value = n.network
  JOIN seen_any AS seen ON seen.principal_arn = n.principal_arn
  GROUP BY n.principal_arn, n.day_number, n.network
),
download_networks AS (
  SELECT principal_arn, day_number, array_join(slice(array_sort(array_agg(network)), 1, 5), ', ') AS networks,
    nullif(array_join(slice(array_sort(array_agg(CASE WHEN new_network THEN network END)), 1, 5), ', '), '') AS new_networks
  FROM object_networks
  GROUP BY principal_arn, day_number
),
download AS (
  -- A day's direct reads against the principal's baselines of bytes and objects (a full one only), from
  -- a network it never used, or by a principal the lake never saw in the days it has watched.
  SELECT o.principal_arn, o.day, o.day_number, o.bytes, o.objects, o.calls, o.engine,
    o.resources || CASE WHEN o.resource_count > 5 THEN ' (+' || CAST(o.resource_count - 5 AS varchar) || ' more)' ELSE '' END AS subject,
    b.baseline, b.spread, b.peak, n.baseline AS baseline_objects, w.networks, w.new_networks,
    greatest(CASE WHEN b.unusual THEN b.over_peak ELSE 0 END, CASE WHEN n.unusual THEN n.over_peak ELSE 0 END) AS over_peak,
    greatest(coalesce(b.score, 0), coalesce(n.score, 0), 0) AS score,
    seen.first_number = o.day_number AND o.day_number - lake.first_number >= :min_history_days AS new_principal
  FROM object_reads AS o
  JOIN seen_any AS seen ON seen.principal_arn = o.principal_arn
  CROSS JOIN (SELECT min(day_number) AS first_number FROM everyone) AS lake
  LEFT JOIN judged AS b ON b.principal_arn = o.principal_arn AND b.day_number = o.day_number AND b.metric = 'object_bytes'
  LEFT JOIN judged AS n ON n.principal_arn = o.principal_arn AND n.day_number = o.day_number AND n.metric = 'objects'
  LEFT JOIN download_networks AS w ON w.principal_arn = o.principal_arn AND w.day_number = o.day_number
),
findings AS (
  SELECT principal_arn, day, day_number, kind, subject, measured, baseline, spread, score, queries,
    CASE WHEN over_peak >= 3 * :volume_ratio THEN 'high' WHEN over_peak >= 1.5 * :volume_ratio THEN 'medium' ELSE 'low' END AS severity,
    CAST(NULL AS varchar) AS example_query_id, engine, calls, CAST(NULL AS bigint) AS objects, CAST(NULL AS double) AS baseline_objects,
    peak, CAST(NULL AS varchar) AS networks, CAST(NULL AS varchar) AS new_networks
  FROM volume_findings
  UNION ALL
  SELECT principal_arn, day, day_number, 'reach', resource, CAST(queries + calls AS double), CAST(NULL AS double), CAST(NULL AS double),
    CAST(queries + calls AS double), queries,
    CASE
      WHEN strpos(:sensitive, ',' || resource || ',') > 0 OR strpos(:sensitive, ',' || database_name || ',') > 0 THEN 'high'
      WHEN resource = database_name THEN 'medium'
      ELSE 'low'
    END,
    example_query_id, engine, calls, NULL, NULL, NULL, NULL, NULL
  FROM reach
  WHERE coalesce(resource_announced, '9999-12-31') > day AND coalesce(database_announced, '9999-12-31') > day
  UNION ALL
  SELECT principal_arn, day, day_number, 'origin', value, CAST(queries + calls AS double), CAST(NULL AS double), CAST(NULL AS double),
    CAST(queries + calls AS double), queries, 'pending', example_query_id, engine, calls, NULL, NULL, NULL, NULL, NULL
  FROM origin
  UNION ALL
  SELECT principal_arn, day, day_number, 'time', lpad(CAST(event_hour AS varchar), 2, '0'), CAST(queries AS double), CAST(NULL AS double),
    CAST(NULL AS double), CAST(queries AS double), queries, 'pending', example_query_id, 'athena', 0, NULL, NULL, NULL, NULL, NULL
  FROM time_of_day
  UNION ALL
  SELECT principal_arn, day, day_number, 'probing', resources, CAST(failures AS double), CAST(NULL AS double), CAST(NULL AS double),
    CAST(failures AS double), failures,
    CASE WHEN failures >= 2 * :probing_failures THEN 'high' ELSE 'medium' END, example_query_id, 'athena', 0, NULL, NULL, NULL, NULL, NULL
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
    example_query_id, 'athena', 0, NULL, NULL, NULL, NULL, NULL
  FROM exfiltration
  UNION ALL
  SELECT principal_arn, day, day_number, 'download', subject, CAST(bytes AS double), baseline, spread, score, 0,
    CASE
      WHEN over_peak >= 3 * :volume_ratio THEN 'high'
      WHEN over_peak >= 1.5 * :volume_ratio OR new_networks IS NOT NULL OR new_principal THEN 'medium'
      ELSE 'low'
    END,
    NULL, engine, calls, objects, baseline_objects, peak, networks, new_networks
  FROM download
  WHERE over_peak > 0 OR new_networks IS NOT NULL OR new_principal
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
  CASE WHEN coalesce(c.unattributed, 0) > 0 THEN 'partial' ELSE 'complete' END AS coverage,
  f.engine,
  CAST(f.calls AS bigint) AS calls,
  CAST(f.objects AS bigint) AS objects,
  CAST(f.baseline_objects AS double) AS baseline_objects,
  CAST(f.peak AS double) AS peak,
  f.networks,
  f.new_networks
FROM findings AS f
JOIN everyone AS p ON p.principal_arn = f.principal_arn AND p.day_number = f.day_number
LEFT JOIN coverage AS c ON c.day = f.day
WHERE f.day_number >= 0
ORDER BY f.day, f.principal_arn, f.kind, f.subject
