-- anomalies: activity unusual for the IAM user or role that ran it, one row per finding and day of
-- the period, from Athena's queries (events) and other engines' reads (access) (core/anomaly-settings.ts
-- holds the settings behind each parameter):
--   volume        the day's bytes scanned, queries, or catalog calls (Glue, Lake Formation) far above
--                 the principal's own previous :baseline_days days (days without count as zero from its
--                 first day on): :volume_mads scaled median absolute deviations above their median,
--                 :volume_ratio times the busiest of them (so a weekly or monthly peak it already had
--                 does not fire), and the floor; at a point of the cycle where it habitually peaks (the
--                 month's last five days, a weekday), also :seasonal_ratio times that point's peak;
--   newcomer      a principal the lake saw arrive, before its own baseline is full: the day's bytes at
--                 :volume_ratio times the busiest day of any of its peers (account and kind of principal)
--                 in the :baseline_days before, or :newcomer_ceiling_bytes;
--   drift         bytes growing day after day: a CUSUM of the excess over its median reaching :drift_mads;
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
--   probing       :probing_failures or more access-denied or not-found failures within an hour, or
--                 :probing_day_failures within 24 hours (sliding windows ending at a failure);
--   exfiltration  UNLOAD or CREATE TABLE AS writing to a bucket outside :known_buckets, or an unfiltered
--                 SELECT * of a table, scanning at least :large_scan_bytes, it had never run before.
-- Volume and drift judge a day once :baseline_days days lie behind the principal's first (newcomer
-- before); first-time kinds once :min_history_days do. Only attributed queries count; a day holding
-- queries no witness attributed is `partial`. A finding names its engines: athena for queries, else the access table's engines; a role's
-- finding its sessions, the heaviest first; and one of its queries, the example, with its text; and
-- when the live path alerted on it already (live_alerts), the first alert's time.
--
-- One pass: Athena (Trino) evaluates a WITH query again at each reference, so each one below is
-- referenced once, and events and access are read once each, from :lookback_from to :window_to.
-- Every row is repeated for each use the kinds make of it (its facets: a measure, a table or database
-- read, a network, a client, an hour, ...) and counted per principal, facet, subject and day. Window
-- functions over those counts (first days, the day's other facets), and each measured day counted
-- again in the baselines of the days after it, stand in for joins.
WITH evidence AS (
  -- The window's queries no witness attributed come too, without a principal: the day's coverage.
  SELECT 'query' AS stream, dt AS day, date_diff('day', CAST(:window_from AS date), CAST(dt AS date)) AS day_number,
    CASE WHEN attributed AND iam_principal_arn IS NOT NULL THEN iam_principal_arn END AS principal_arn,
    query_execution_id, hour(event_time) AS event_hour,
    date_diff('second', CAST(:window_from AS timestamp), event_time) AS event_second,
    CASE
      WHEN regexp_like(coalesce(source_ip, ''), '^[0-9]{1,3}[.][0-9]{1,3}[.][0-9]{1,3}[.][0-9]{1,3}$')
        THEN regexp_extract(source_ip, '^([0-9]+[.][0-9]+[.][0-9]+)[.]', 1) || '.0/24'
      ELSE source_ip
    END AS network,
    client_family, referenced_tables AS items, state, coalesce(error_message, '') AS error_message,
    coalesce(query_text, '') AS query_text, coalesce(data_scanned_bytes, 0) AS bytes, 0 AS objects, 0 AS calls, 'athena' AS engine,
    CAST(NULL AS varchar) AS source, CAST(NULL AS varchar) AS resource_kind, CAST(NULL AS varchar) AS resource,
    (on_behalf_of IS NOT NULL
      OR strpos(iam_principal_arn, ':role/aws-reserved/sso.amazonaws.com/') > 0
      OR (principal_type = 'IAMUser' AND client_family = 'console')) AS human_sign,
    -- The session behind a role: the caller ARN's last part (an SSO user's name, or whatever name the
    -- caller gave AssumeRole); none for an IAM user.
    CASE WHEN attributed AND iam_principal_arn IS NOT NULL
      THEN nullif(regexp_extract(principal_arn, ':assumed-role/[^/]+/([^/]+)$', 1), '') END AS session_name
  FROM events
  WHERE dt BETWEEN :lookback_from AND :window_to
    AND ((attributed AND iam_principal_arn IS NOT NULL) OR (dt >= :window_from AND in_history AND NOT attributed))
  UNION ALL
  -- Other engines' reads; their items are the caller's addresses.
  SELECT 'access', dt, date_diff('day', CAST(:window_from AS date), CAST(dt AS date)), iam_principal_arn, NULL, NULL, NULL, NULL, NULL,
    source_ips, NULL, '', '', bytes, objects, calls, engine, source, resource_kind, lower(resource), false,
    nullif(regexp_extract(principal_arn, ':assumed-role/[^/]+/([^/]+)$', 1), '')
  FROM access
  WHERE dt BETWEEN :lookback_from AND :window_to AND iam_principal_arn IS NOT NULL
),
uses AS (
  -- Each row once for each facet it may have; a table read once per table, an address once per address,
  -- an hour once for itself and once as neighbour of each of the two hours either side, a failure once
  -- for its day and once for the next (the sliding windows that end there reach back into its day).
  SELECT e.*, f.facet,
    CASE
      WHEN (e.stream = 'query' AND f.facet IN ('table', 'database', 'probe_table')) OR (e.stream = 'access' AND f.facet = 'network')
        THEN e.items
      ELSE split('', ',')
    END AS facet_items,
    sequence(CASE WHEN f.facet = 'hour' THEN -2 ELSE 0 END, CASE f.facet WHEN 'hour' THEN 2 WHEN 'probe' THEN 1 ELSE 0 END, 1) AS shifts
  FROM evidence AS e
  CROSS JOIN UNNEST(split(CASE
      WHEN e.principal_arn IS NULL THEN 'coverage'
      WHEN e.stream = 'query' THEN 'day,bytes,queries,table,database,network,client,hour,probe,probe_table,write,star'
      ELSE 'day,calls,object_bytes,objects,table,database,network,client'
    END, ',')) AS f (facet)
),
facets AS (
  -- Subjects: the measure's name; the table or database read; the network or client; the hour; the
  -- failures of a day (probe_table rows name their tables); the bucket written to; the SELECT *'s table.
  SELECT principal_arn,
    CASE WHEN facet = 'probe' AND shift = 1 THEN CAST(CAST(CAST(day AS date) + INTERVAL '1' DAY AS date) AS varchar) ELSE day END AS day,
    day_number + CASE WHEN facet = 'probe' THEN shift ELSE 0 END AS day_number,
    CASE WHEN facet = 'probe_table' THEN 'probe' ELSE facet END AS facet, subject, stream,
    CASE WHEN facet = 'probe' THEN event_second END AS event_second,
    query_execution_id, query_text, session_name, engine, bytes, objects, value, resource, table_name, human_sign, counted,
    facet = 'client' AND stream = 'access' AS access_rule, source = 's3' AS from_s3,
    -- Other engines' reads: once per network, however many of the row's addresses are in it.
    CASE
      WHEN facet = 'network' AND stream = 'access' AND coalesce(contains(transform(filter(items, other -> other < item), other -> CASE
          WHEN regexp_like(other, '^[0-9]{1,3}[.][0-9]{1,3}[.][0-9]{1,3}[.][0-9]{1,3}$')
            THEN regexp_extract(other, '^([0-9]+[.][0-9]+[.][0-9]+)[.]', 1) || '.0/24'
          ELSE other
        END), subject), false) THEN 0
      ELSE calls
    END AS calls
  FROM (
    SELECT u.*, i.item, h.shift,
      CASE
        WHEN u.facet = 'table' THEN CASE WHEN u.stream = 'query' THEN lower(i.item) WHEN u.resource_kind = 'table' THEN u.resource END
        WHEN u.facet = 'database' THEN split_part(CASE WHEN u.stream = 'query' THEN lower(i.item) ELSE u.resource END, '.', 1)
        WHEN u.facet = 'network' AND u.stream = 'query' THEN u.network
        WHEN u.facet = 'network' AND regexp_like(i.item, '^[0-9]{1,3}[.][0-9]{1,3}[.][0-9]{1,3}[.][0-9]{1,3}$')
          THEN regexp_extract(i.item, '^([0-9]+[.][0-9]+[.][0-9]+)[.]', 1) || '.0/24'
        WHEN u.facet = 'network' THEN i.item
        WHEN u.facet = 'client' THEN 'client:' || CASE WHEN u.stream = 'query' THEN u.client_family ELSE u.engine END
        WHEN u.facet = 'hour' THEN lpad(CAST((u.event_hour + h.shift + 24) % 24 AS varchar), 2, '0')
        WHEN u.facet IN ('probe', 'probe_table') THEN 'failures'
        WHEN u.facet = 'write' THEN regexp_extract(u.query_text, '(?i)(?:TO|external_location|location)[ \t\r\n]*=?[ \t\r\n]*''s3://([^/'']+)', 1)
        WHEN u.facet = 'star' THEN array_join(u.items, ',')
        ELSE u.facet
      END AS subject,
      CASE u.facet WHEN 'queries' THEN 1 WHEN 'calls' THEN u.calls WHEN 'objects' THEN u.objects ELSE u.bytes END AS value,
      CASE WHEN u.facet = 'probe_table' THEN lower(i.item) END AS table_name,
      -- What the facet counts: the hour's or the day's own rows, the large SELECT *s; every row of the others.
      CASE u.facet WHEN 'hour' THEN h.shift = 0 WHEN 'probe' THEN h.shift = 0 WHEN 'star' THEN u.bytes >= :large_scan_bytes ELSE true END
        AS counted
    FROM uses AS u
    CROSS JOIN UNNEST(u.facet_items) AS i (item)
    CROSS JOIN UNNEST(u.shifts) AS h (shift)
  ) AS fanned
  WHERE subject IS NOT NULL AND CASE
    WHEN facet = 'calls' THEN source <> 's3'
    WHEN facet IN ('object_bytes', 'objects') THEN source = 's3'
    -- A failed query read nothing (a table that does not exist is probing, not reach).
    WHEN facet = 'table' THEN CASE WHEN stream = 'query' THEN state <> 'FAILED' ELSE source <> 's3' END
    WHEN facet = 'database' THEN CASE
        WHEN stream = 'query' THEN state <> 'FAILED'
        ELSE (source <> 's3' AND resource_kind IN ('table', 'database'))
      END
    -- Other engines' reads from an address of the caller's own (a service's workers use the provider's).
    WHEN facet = 'network' THEN (stream = 'query' OR engine IN ('cli', 'sdk', 'console', 'unknown'))
    WHEN facet = 'client' THEN CASE WHEN stream = 'query' THEN client_family ELSE engine END <> 'unknown'
    -- Failures that say the caller may not see, or cannot find, what it asked for.
    WHEN facet IN ('probe', 'probe_table') THEN (day_number >= CASE WHEN facet = 'probe' THEN -1 ELSE 0 END AND state = 'FAILED'
      AND regexp_like(error_message, '(TABLE_NOT_FOUND|SCHEMA_NOT_FOUND|CATALOG_NOT_FOUND|AccessDenied|Access Denied|not authorized|Insufficient Lake Formation permission)')
      AND NOT regexp_like(error_message, '^COLUMN_NOT_FOUND'))
    -- UNLOAD ... TO 's3://b/...' and CREATE TABLE ... WITH (external_location | location = 's3://b/...').
    WHEN facet = 'write' THEN (day_number >= 0 AND regexp_like(query_text, '(?i)^[ \t\r\n]*(UNLOAD|CREATE[ \t\r\n]+TABLE)')
      AND subject <> '' AND strpos(:known_buckets, ',' || subject || ',') = 0)
    -- Unfiltered: SELECT * FROM one table, an alias at most, nothing after it.
    WHEN facet = 'star' THEN (state = 'SUCCEEDED' AND strpos(subject, ',') = 0 AND subject <> ''
      AND regexp_like(lower(query_text), '^[ \t\r\n]*select[ \t\r\n]+[*][ \t\r\n]+from[ \t\r\n]+[a-z0-9_."]+([ \t\r\n]+(as[ \t\r\n]+)?"?[a-z0-9_]+"?)?[ \t\r\n;]*$'))
    ELSE true
  END
),
facet_days AS (
  -- sessions: the group's three heaviest sessions by what the finding measures (bytes, queries,
  -- calls or objects for a measure, else each query once and each other engine's calls), then by
  -- bytes, then by name: each session's key sorts that way (two 18-digit complements, then its name).
  SELECT principal_arn, facet, subject, day, day_number,
    CASE WHEN facet IN ('table', 'database') THEN split_part(subject, '.', 1) END AS database_name,
    count(*) AS all_rows, count_if(counted) AS counted_rows, count(DISTINCT CASE WHEN counted THEN query_execution_id END) AS queries,
    -- A day's failures (seconds from the window's start), and with them the previous day's.
    filter(array_agg(CASE WHEN counted THEN event_second END), s -> s IS NOT NULL) AS own_seconds,
    filter(array_agg(event_second), s -> s IS NOT NULL) AS near_seconds,
    min(CASE WHEN counted THEN query_execution_id END) AS example_query_id, max(CASE WHEN counted THEN bytes END) AS largest_bytes,
    min_by(query_text, CASE WHEN counted THEN query_execution_id END) AS example_query,
    count(DISTINCT CASE WHEN counted THEN session_name END) AS session_count,
    nullif(array_join(transform(slice(array_sort(filter(array_agg(DISTINCT session_key), k -> k IS NOT NULL)), 1, 3),
      k -> substr(k, 37)), ', '), '') AS sessions,
    CAST(sum(value) AS double) AS value, sum(bytes) AS bytes, sum(objects) AS objects, sum(calls) AS calls,
    array_join(array_sort(array_agg(DISTINCT engine)), ', ') AS engines,
    array_join(slice(array_sort(array_agg(DISTINCT resource)), 1, 5), ', ') AS resources, count(DISTINCT resource) AS resource_count,
    coalesce(nullif(array_join(array_sort(array_agg(DISTINCT table_name)), ', '), ''), 'resources not named') AS tables,
    bool_or(human_sign) AS human_day, bool_or(stream = 'query') AS from_queries, bool_or(stream = 'access') AS from_access,
    bool_or(NOT access_rule) AS any_rule, bool_or(from_s3) AS from_s3
  FROM (
    SELECT f.*,
      -- Only the rows the finding counts: an hour's neighbours and a small SELECT * are not its own.
      CASE WHEN f.session_name IS NOT NULL AND f.counted THEN
        lpad(CAST(999999999999999999 - sum(CASE
            -- A probe's table rows repeat its query.
            WHEN NOT f.counted OR f.table_name IS NOT NULL THEN 0
            WHEN f.facet IN ('bytes', 'queries', 'calls', 'object_bytes', 'objects', 'write', 'star') THEN f.value
            WHEN f.stream = 'query' THEN 1
            ELSE f.calls
          END) OVER (PARTITION BY f.principal_arn, f.facet, f.subject, f.day, f.session_name) AS varchar), 18, '0')
        || lpad(CAST(999999999999999999 - sum(CASE WHEN f.counted THEN f.bytes ELSE 0 END)
          OVER (PARTITION BY f.principal_arn, f.facet, f.subject, f.day, f.session_name) AS varchar), 18, '0')
        || f.session_name
      END AS session_key
    FROM facets AS f
  ) AS weighed
  GROUP BY principal_arn, facet, subject, day, day_number
),
facet_history AS (
  -- first_number: the principal's first evidence of any kind (query_first: of a query; human_first: with
  -- a person's signs); subject_first: the facet's first day for the subject; counted_first and
  -- neighbour_first: an hour's first day and the first day of the hours either side; database_first:
  -- the principal's first read of the database.
  SELECT d.*,
    min(CASE WHEN facet = 'day' THEN day_number END) OVER (PARTITION BY principal_arn) AS first_number,
    min(CASE WHEN facet = 'day' AND from_access THEN day_number END) OVER (PARTITION BY principal_arn) AS access_first,
    min(CASE WHEN facet = 'day' AND from_queries THEN day_number END) OVER (PARTITION BY principal_arn) AS query_first,
    min(CASE WHEN facet = 'day' AND human_day THEN day_number END) OVER (PARTITION BY principal_arn) AS human_first,
    min(CASE WHEN facet = 'day' THEN day_number END) OVER () AS lake_first,
    sum(CASE WHEN facet = 'coverage' THEN all_rows ELSE 0 END) OVER (PARTITION BY day_number) AS unattributed,
    max(CASE WHEN facet = 'queries' THEN all_rows END) OVER (PARTITION BY principal_arn, day_number) AS day_queries,
    min(day_number) OVER (PARTITION BY principal_arn, facet, subject) AS subject_first,
    min(CASE WHEN counted_rows > 0 THEN day_number END) OVER (PARTITION BY principal_arn, facet, subject) AS counted_first,
    min(CASE WHEN counted_rows < all_rows THEN day_number END) OVER (PARTITION BY principal_arn, facet, subject) AS neighbour_first,
    max(day_number) OVER (PARTITION BY principal_arn, facet, subject) AS subject_last,
    max(day_number) OVER (PARTITION BY principal_arn, facet, subject ORDER BY day_number ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING)
      AS previous_number,
    min(CASE WHEN facet = 'database' THEN day_number END) OVER (PARTITION BY principal_arn, database_name) AS database_first,
    -- A table named without its database (so the database's own name): its reads are the database's.
    min(CASE WHEN facet = 'table' AND strpos(subject, '.') = 0 THEN day_number END) OVER (PARTITION BY principal_arn, database_name)
      AS bare_table_first
  FROM facet_days AS d
),
candidates AS (
  -- The rows a kind may report, in the words of their finding, and each measure's days once more for
  -- every day without any since its first (Athena's from its first query, the others' from the
  -- principal's first evidence), as zero: the baseline of a day is the :baseline_days days before it.
  SELECT h.principal_arn, h.facet, h.subject, h.day, series.number AS day_number, series.number < h.day_number AS filler,
    CASE WHEN series.number < h.day_number THEN 0 ELSE coalesce(h.value, 0) END AS baseline_value,
    -- Seasons: one of the month's last five days (they always hold its last two business days, and a
    -- close run on its last days whatever the weekday); a day without activity is no season's peak.
    series.number = h.day_number AND date_diff('day', CAST(h.day AS date), h.next_month) <= 5 AS month_end,
    -- Peers (newcomer): the account's IAM users; the roles of one SSO permission set; the account's other
    -- roles under one IAM path (most have none, so all of them).
    CASE WHEN h.facet = 'bytes' THEN split_part(h.principal_arn, ':', 5) || CASE
        WHEN strpos(h.principal_arn, ':user/') > 0 THEN ' user'
        WHEN strpos(h.principal_arn, ':role/aws-reserved/sso.amazonaws.com/') > 0
          THEN ' sso ' || coalesce(regexp_extract(h.principal_arn, '/AWSReservedSSO_(.+)_[0-9a-f]+$', 1), '')
        ELSE ' role ' || coalesce(regexp_extract(h.principal_arn, ':role/(.+)/[^/]+$', 1), '')
      END END AS peer_group,
    -- A principal the lake saw arrive (:min_history_days after it began) whose own baseline is not full
    -- yet: judged against its peers (newcomer).
    h.facet = 'bytes' AND h.day_number >= 0 AND h.day_number - h.metric_first < :baseline_days
      AND h.metric_first - h.lake_first >= :min_history_days AS newcomer,
    h.hour_peak, h.day_peak,
    h.facet IN ('bytes', 'queries', 'calls', 'object_bytes', 'objects') AS measure,
    h.facet IN ('bytes', 'queries', 'calls', 'object_bytes', 'objects') AND h.day_number >= 0
      AND h.day_number - h.metric_first >= :baseline_days AS judged,
    greatest(0, h.metric_first + :baseline_days) AS judged_from, h.subject_last AS judged_to,
    CASE
      WHEN h.facet IN ('table', 'database') THEN 'reach'
      WHEN h.facet IN ('network', 'client') THEN 'origin'
      WHEN h.facet = 'hour' THEN 'time'
      WHEN h.facet = 'probe' THEN 'probing'
      WHEN h.facet IN ('write', 'star') THEN 'exfiltration'
      WHEN h.facet = 'object_bytes' THEN 'download'
      WHEN h.facet IN ('bytes', 'queries', 'calls') THEN 'volume'
    END AS kind,
    h.day_number >= 0 AND CASE
      -- A new database is one finding (on its first day); a new table, only in a database read before;
      -- none once announced (`,<resource>@<day>,` in :announced: the day it was announced).
      WHEN h.facet IN ('table', 'database') THEN (h.day_number - h.first_number >= :min_history_days
        AND CASE
          WHEN h.facet = 'database' THEN (h.day_number = h.subject_first
            OR (h.day_number = h.bare_table_first AND h.bare_table_first > h.database_first))
          ELSE (strpos(h.subject, '.') > 0 AND h.day_number = h.subject_first AND h.subject_first > h.database_first)
        END
        AND coalesce(CASE WHEN strpos(:announced, ',' || h.subject || '@') > 0
          THEN substr(:announced, strpos(:announced, ',' || h.subject || '@') + length(h.subject) + 2, 10) END, '9999-12-31') > h.day
        AND coalesce(CASE WHEN strpos(:announced, ',' || h.database_name || '@') > 0
          THEN substr(:announced, strpos(:announced, ',' || h.database_name || '@') + length(h.database_name) + 2, 10) END, '9999-12-31') > h.day)
      -- The history a first origin needs: another engine's client, :min_history_days of reads through
      -- other engines (their clients are named differently from Athena's); else any evidence's.
      WHEN h.facet IN ('network', 'client') THEN (h.day_number = h.subject_first
        AND h.day_number - CASE WHEN h.any_rule THEN h.first_number ELSE h.access_first END >= :min_history_days)
      -- An hour first active with no hour within three (on the clock) active before.
      WHEN h.facet = 'hour' THEN (h.day_number = h.counted_first AND h.day_number - h.query_first >= :min_history_days
        AND coalesce(h.neighbour_first >= h.counted_first, true))
      -- Failures in a sliding hour, or at a lower rate over a sliding day, ending on the day.
      WHEN h.facet = 'probe' THEN (h.counted_rows > 0
        AND (coalesce(h.hour_peak, 0) >= :probing_failures OR coalesce(h.day_peak, 0) >= :probing_day_failures))
      WHEN h.facet = 'star' THEN (h.day_number = h.subject_first AND h.counted_rows > 0 AND h.day_number - h.query_first >= :min_history_days)
      ELSE h.facet = 'write'
    END AS candidate,
    CASE h.facet
      WHEN 'write' THEN 's3://' || h.subject
      WHEN 'star' THEN 'select-star:' || h.subject
      WHEN 'probe' THEN h.tables
      WHEN 'object_bytes' THEN h.resources
        || CASE WHEN h.resource_count > 5 THEN ' (+' || CAST(h.resource_count - 5 AS varchar) || ' more)' ELSE '' END
      ELSE h.subject
    END AS finding_subject,
    CASE
      WHEN h.facet IN ('table', 'database', 'network', 'client') THEN CAST(h.queries + h.calls AS double)
      WHEN h.facet = 'hour' THEN CAST(h.counted_rows AS double)
      WHEN h.facet = 'probe' THEN CAST(CASE WHEN h.hour_peak >= :probing_failures THEN h.hour_peak ELSE h.day_peak END AS double)
      WHEN h.facet = 'star' THEN CAST(h.largest_bytes AS double)
      WHEN h.facet = 'write' THEN CAST(h.bytes AS double)
      ELSE h.value
    END AS measured,
    -- Volume's and download's follow from the judgement below.
    CASE
      WHEN h.facet IN ('table', 'database') THEN CASE
          WHEN strpos(:sensitive, ',' || h.subject || ',') > 0 OR strpos(:sensitive, ',' || h.database_name || ',') > 0 THEN 'high'
          WHEN h.subject = h.database_name THEN 'medium'
          ELSE 'low'
        END
      WHEN h.facet = 'probe' THEN CASE
          WHEN h.hour_peak >= 2 * :probing_failures OR h.day_peak >= 2 * :probing_day_failures THEN 'high'
          ELSE 'medium'
        END
      WHEN h.facet = 'write' THEN 'high'
      WHEN h.facet = 'star' THEN CASE
          WHEN strpos(:sensitive, ',' || h.subject || ',') > 0 OR strpos(:sensitive, ',' || split_part(h.subject, '.', 1) || ',') > 0 THEN 'high'
          ELSE 'medium'
        END
      -- A service suddenly used from the CLI or the console is what a leaked key looks like.
      WHEN h.facet IN ('network', 'client') AND NOT h.human AND h.subject IN ('client:cli', 'client:console') THEN 'high'
      WHEN h.facet IN ('network', 'client') AND (NOT h.human OR h.subject NOT LIKE 'client:%') THEN 'medium'
      WHEN h.facet = 'hour' AND NOT h.human THEN 'medium'
      ELSE 'low'
    END AS severity,
    CASE
      WHEN h.facet IN ('bytes', 'queries', 'calls') THEN coalesce(h.day_queries, 0)
      WHEN h.facet = 'object_bytes' THEN 0
      WHEN h.facet IN ('hour', 'star') THEN h.counted_rows
      WHEN h.facet = 'write' THEN h.all_rows
      ELSE h.queries
    END AS queries,
    CASE WHEN h.facet NOT IN ('bytes', 'queries', 'calls', 'object_bytes') THEN h.example_query_id END AS example_query_id,
    CASE WHEN h.facet NOT IN ('bytes', 'queries', 'calls', 'object_bytes') THEN h.example_query END AS example_query,
    h.sessions, h.session_count,
    CASE WHEN h.facet IN ('table', 'database', 'network', 'client', 'object_bytes', 'calls') THEN h.engines ELSE 'athena' END AS engine,
    CASE WHEN h.facet IN ('table', 'database', 'network', 'client', 'object_bytes', 'calls') THEN h.calls ELSE 0 END AS calls,
    h.objects, h.human, h.partial, h.from_s3,
    -- A principal the lake never saw in the days it has watched; a network the principal never used
    -- before (through queries or reads).
    h.first_number = h.day_number AND h.day_number - h.lake_first >= :min_history_days AS new_principal,
    h.day_number = h.subject_first AND h.day_number - h.first_number >= :min_history_days AS new_network
  FROM (
    SELECT d.*, CASE WHEN d.facet IN ('bytes', 'queries') THEN d.subject_first ELSE d.first_number END AS metric_first,
      -- The principal showed a person's signs before the day (principal_profiles' rule).
      coalesce(d.human_first < d.day_number, false) AS human, coalesce(d.unattributed, 0) > 0 AS partial,
      -- The first of the next month: the 28th and four days is always in it.
      CAST(substr(CAST(CAST(CAST(substr(d.day, 1, 7) || '-28' AS date) + INTERVAL '4' DAY AS date) AS varchar), 1, 7) || '-01' AS date)
        AS next_month,
      -- The most failures in an hour, and in a day, that end at one of the day's failures.
      (SELECT max(v.n) FROM UNNEST(transform(d.own_seconds,
        t -> length(array_join(transform(filter(d.near_seconds, u -> u > t - 3600 AND u <= t), u -> 'x'), '')))) AS v (n)) AS hour_peak,
      (SELECT max(v.n) FROM UNNEST(transform(d.own_seconds,
        t -> length(array_join(transform(filter(d.near_seconds, u -> u > t - 86400 AND u <= t), u -> 'x'), '')))) AS v (n)) AS day_peak
    FROM facet_history AS d
  ) AS h
  CROSS JOIN UNNEST(sequence(CASE
      WHEN h.facet IN ('bytes', 'queries', 'calls', 'object_bytes', 'objects') THEN coalesce(h.previous_number + 1, h.metric_first)
      ELSE h.day_number
    END, h.day_number, 1)) AS series (number)
  WHERE h.facet NOT IN ('day', 'coverage')
),
contributions AS (
  -- Each row once as itself (k = 0); each measure's day, zero or not, once more in the baseline of each
  -- day it may judge among the :baseline_days after it (k days after); each network of a day's direct
  -- reads once more for that day's download (k = -1); and each day's bytes once more in its peers' group
  -- on each of the :baseline_days after it in the window (k = -1 - days after), for the newcomers there.
  SELECT c.*, c.day_number + CASE WHEN s.k < -1 THEN -1 - s.k ELSE greatest(s.k, 0) END AS target, s.k AS slot_k,
    CASE WHEN s.k < -1 THEN 'peers ' || c.peer_group ELSE c.principal_arn END AS target_principal,
    CASE WHEN s.k = 0 THEN 'own' WHEN s.k > 0 THEN 'baseline' WHEN s.k = -1 THEN 'network' ELSE 'peer' END AS role,
    CASE WHEN s.k = -1 THEN 'object_bytes' ELSE c.facet END AS target_facet,
    CASE WHEN s.k = -1 THEN 'object_bytes' ELSE c.subject END AS target_subject,
    CASE WHEN s.k > 0 OR s.k < -1 THEN c.baseline_value END AS slot_value,
    CASE WHEN s.k = -1 THEN c.subject END AS network,
    CASE WHEN s.k = -1 AND c.new_network THEN c.subject END AS new_network_name
  FROM candidates AS c
  CROSS JOIN UNNEST(filter(sequence(CASE WHEN c.facet = 'bytes' AND NOT c.filler THEN -1 - :baseline_days ELSE -1 END,
      CASE WHEN c.measure THEN :baseline_days ELSE 0 END, 1), k -> CASE
      WHEN k = 0 THEN NOT c.filler
      WHEN k = -1 THEN (c.facet = 'network' AND c.from_s3 AND c.day_number >= 0)
      WHEN k < -1 THEN c.day_number - 1 - k BETWEEN 0 AND date_diff('day', CAST(:window_from AS date), CAST(:window_to AS date))
      ELSE c.day_number + k BETWEEN c.judged_from AND c.judged_to
    END)) AS s (k)
),
baselines AS (
  -- A row of its own is alone in its group (max() is its value); a baseline's group holds its days'
  -- values (and those of the same point of earlier cycles: the month's end, the weekday), a download's
  -- its networks, a peers' group its members' days.
  SELECT target_principal AS principal_arn, target_facet AS facet, target_subject AS subject, target AS day_number, role,
    max(peer_group) AS peer_group, bool_or(newcomer) AS newcomer, bool_or(month_end) AS month_end,
    max(hour_peak) AS hour_peak, max(day_peak) AS day_peak,
    max(CASE WHEN month_end AND slot_k > 5 THEN slot_value END) AS month_end_peak,
    approx_percentile(CASE WHEN slot_k % 7 = 0 THEN slot_value END, 0.5) AS weekday_median,
    max(CASE WHEN slot_k % 7 = 0 THEN slot_value END) AS weekday_peak,
    max(day) AS day, max(kind) AS kind, bool_or(measure) AS measure, bool_or(judged) AS judged, bool_or(candidate) AS candidate,
    max(finding_subject) AS finding_subject, max(measured) AS measured, max(severity) AS severity, max(queries) AS queries,
    max(example_query_id) AS example_query_id, max(example_query) AS example_query, max(sessions) AS sessions,
    max(session_count) AS session_count, max(engine) AS engine, max(calls) AS calls, max(objects) AS objects,
    bool_or(human) AS human, bool_or(partial) AS partial, bool_or(new_principal) AS new_principal,
    approx_percentile(slot_value, 0.5) AS median, approx_percentile(slot_value, 0.9) AS upper,
    max(slot_value) AS peak, array_agg(slot_value) AS baseline_values,
    array_join(slice(array_sort(array_agg(network)), 1, 5), ', ') AS networks,
    nullif(array_join(slice(array_sort(filter(array_agg(new_network_name), n -> n IS NOT NULL)), 1, 5), ', '), '') AS new_networks
  FROM contributions
  GROUP BY target_principal, target_facet, target_subject, target, role
),
deviations AS (
  SELECT b.*, CASE WHEN b.role = 'baseline' THEN transform(b.baseline_values, v -> abs(v - b.median)) END AS deviations
  FROM baselines AS b
),
spreads AS (
  SELECT d.*, (SELECT approx_percentile(v.deviation, 0.5) FROM UNNEST(d.deviations) AS v (deviation)) AS spread FROM deviations AS d
),
judged AS (
  -- Each measure of a day against its baseline, judged only on a full one: a monthly peak the
  -- principal had before the lake began must not fire. Doubles, so the scores divide the same way on both engines.
  -- A day at a point of the cycle where the principal habitually peaks (the month's end after a month
  -- whose end was at least :volume_ratio times its median; a weekday whose median is) is compared with
  -- that point's peak at :seasonal_ratio rather than with the busiest day at :volume_ratio alone.
  SELECT s.*,
    (s.measured - s.baseline) / greatest(1.4826 * s.baseline_spread, 0.05 * s.baseline, 1.0) AS volume_score,
    (s.measured - s.baseline) / greatest(1.4826 * s.baseline_spread, (s.baseline_upper - s.baseline) / 1.2816, 0.05 * s.baseline, 1.0)
      AS drift_score,
    s.measured / greatest(s.threshold / :volume_ratio, 1.0) AS over_peak,
    (s.measured >= CASE s.facet WHEN 'bytes' THEN :volume_floor_bytes WHEN 'queries' THEN :volume_floor_queries
        WHEN 'calls' THEN :volume_floor_calls WHEN 'object_bytes' THEN :download_floor_bytes ELSE :download_floor_objects END
      AND s.measured >= s.threshold
      AND (s.measured - s.baseline) / greatest(1.4826 * s.baseline_spread, 0.05 * s.baseline, 1.0) >= :volume_mads) AS unusual,
    -- A newcomer's day against the busiest day of any of its peers over the :baseline_days before it, and a ceiling.
    coalesce(s.newcomer AND s.measured >= :volume_floor_bytes AND (s.measured >= :newcomer_ceiling_bytes
      OR (s.peer_peak > 0 AND s.measured >= :volume_ratio * s.peer_peak)), false) AS newcomer_unusual
  FROM (
    SELECT t.*, greatest(:volume_ratio * t.busiest, :seasonal_ratio * greatest(
        CASE WHEN t.month_end AND t.cycle_month_end_peak >= :volume_ratio * t.baseline THEN t.cycle_month_end_peak ELSE 0 END,
        CASE WHEN t.cycle_weekday_median > 0 AND t.cycle_weekday_median >= :volume_ratio * t.baseline THEN t.cycle_weekday_peak ELSE 0 END))
        AS threshold
    FROM (
      -- A row's baseline, its peers' busiest day and a download's networks, from the groups of its day.
      SELECT p.*,
        CASE WHEN p.judged THEN max(CASE WHEN p.role = 'baseline' THEN p.median END) OVER (
          PARTITION BY p.principal_arn, p.facet, p.subject, p.day_number) END AS baseline,
        CASE WHEN p.judged THEN max(CASE WHEN p.role = 'baseline' THEN p.spread END) OVER (
          PARTITION BY p.principal_arn, p.facet, p.subject, p.day_number) END AS baseline_spread,
        CASE WHEN p.judged THEN max(CASE WHEN p.role = 'baseline' THEN p.peak END) OVER (
          PARTITION BY p.principal_arn, p.facet, p.subject, p.day_number) END AS busiest,
        CASE WHEN p.judged THEN max(CASE WHEN p.role = 'baseline' THEN p.upper END) OVER (
          PARTITION BY p.principal_arn, p.facet, p.subject, p.day_number) END AS baseline_upper,
        coalesce(max(CASE WHEN p.role = 'baseline' THEN p.month_end_peak END) OVER (
          PARTITION BY p.principal_arn, p.facet, p.subject, p.day_number), 0) AS cycle_month_end_peak,
        coalesce(max(CASE WHEN p.role = 'baseline' THEN p.weekday_median END) OVER (
          PARTITION BY p.principal_arn, p.facet, p.subject, p.day_number), 0) AS cycle_weekday_median,
        coalesce(max(CASE WHEN p.role = 'baseline' THEN p.weekday_peak END) OVER (
          PARTITION BY p.principal_arn, p.facet, p.subject, p.day_number), 0) AS cycle_weekday_peak,
        max(CASE WHEN p.role = 'peer' THEN p.peak END) OVER (PARTITION BY p.peer_group, p.facet, p.subject, p.day_number) AS peer_peak,
        max(CASE WHEN p.role = 'network' THEN p.networks END) OVER (PARTITION BY p.principal_arn, p.facet, p.subject, p.day_number)
          AS day_networks,
        max(CASE WHEN p.role = 'network' THEN p.new_networks END) OVER (PARTITION BY p.principal_arn, p.facet, p.subject, p.day_number)
          AS day_new_networks
      FROM spreads AS p
    ) AS t
  ) AS s
  WHERE s.role = 'own' AND s.day_number >= 0 AND (s.candidate OR s.measure)
),
drifts AS (
  -- Drift: a one-sided CUSUM (Page, 1954) of the day's bytes over its baseline median in robust standard
  -- deviations z, S = max(0, S' + min(z, 3) - 0.5), written as the running sum less its running minimum;
  -- a day without queries (far below any median) starts it again. The deviation is the larger of the
  -- scaled MAD and the upper tail's (the 90th percentile's distance from the median / 1.2816), so a
  -- principal whose busy days are often far above its median (an analyst's full scans) needs more to
  -- drift. It fires on a day S is at least :drift_mads that is the busiest of its baseline, :volume_ratio
  -- times its median, above the floor and not volume's, the first of such days in a row; each day adds
  -- at most 2.5, so a spike (volume's to judge) or a three-day close cannot make a drift alone.
  SELECT c.*, c.climb - CASE WHEN min(c.climb) OVER (PARTITION BY c.principal_arn, c.facet, c.subject, c.judged, c.run
      ORDER BY c.day_number) < 0 THEN min(c.climb) OVER (PARTITION BY c.principal_arn, c.facet, c.subject, c.judged, c.run
      ORDER BY c.day_number) ELSE 0 END AS cusum
  FROM (
    SELECT r.*, sum(r.step) OVER (PARTITION BY r.principal_arn, r.facet, r.subject, r.judged, r.run ORDER BY r.day_number) AS climb
    FROM (
      SELECT j.*,
        CASE WHEN j.facet = 'bytes' AND j.judged THEN CASE WHEN j.drift_score > 3 THEN 3 ELSE j.drift_score END - 0.5 END AS step,
        j.day_number - row_number() OVER (PARTITION BY j.principal_arn, j.facet, j.subject, j.judged ORDER BY j.day_number) AS run
      FROM judged AS j
    ) AS r
  ) AS c
),
findings AS (
  -- A day's direct reads with the day's objects judged; a drift on its first day of a streak (the day before was not one).
  SELECT j.*,
    CASE
      WHEN j.unusual THEN j.kind
      WHEN j.drifting AND coalesce(sum(CASE WHEN j.drifting THEN 1 ELSE 0 END) OVER (
        PARTITION BY j.principal_arn, j.facet, j.subject, j.judged, j.run ORDER BY j.day_number
        ROWS BETWEEN 1 PRECEDING AND 1 PRECEDING), 0) = 0 THEN 'drift'
      WHEN j.newcomer_unusual THEN 'newcomer'
      ELSE j.kind
    END AS finding_kind,
    max(CASE WHEN j.facet = 'objects' THEN j.baseline END) OVER (PARTITION BY j.principal_arn, j.day_number) AS baseline_objects,
    greatest(CASE WHEN j.unusual THEN j.over_peak ELSE 0 END,
      coalesce(max(CASE WHEN j.facet = 'objects' AND j.unusual THEN j.over_peak END) OVER (PARTITION BY j.principal_arn, j.day_number), 0))
      AS download_over_peak,
    greatest(coalesce(j.volume_score, 0), coalesce(max(CASE WHEN j.facet = 'objects' THEN j.volume_score END) OVER (
      PARTITION BY j.principal_arn, j.day_number), 0), 0) AS download_score
  FROM (
    SELECT d.*, coalesce(d.step IS NOT NULL AND d.cusum >= :drift_mads AND NOT d.unusual AND d.baseline > 0
      AND d.measured >= :volume_floor_bytes AND d.measured >= :volume_ratio * d.baseline AND d.measured > d.busiest, false) AS drifting
    FROM drifts AS d
  ) AS j
)
SELECT
  day,
  principal_arn,
  sessions,
  CAST(coalesce(session_count, 0) AS bigint) AS session_count,
  finding_kind AS kind,
  finding_subject AS subject,
  measured,
  CASE WHEN finding_kind IN ('volume', 'download', 'drift') THEN baseline END AS baseline,
  CASE WHEN finding_kind IN ('volume', 'download', 'drift') THEN baseline_spread END AS spread,
  CASE finding_kind
    WHEN 'volume' THEN volume_score
    WHEN 'download' THEN download_score
    WHEN 'drift' THEN cusum
    WHEN 'newcomer' THEN measured / greatest(coalesce(peer_peak, 0), 1.0)
    ELSE measured
  END AS score,
  CASE
    WHEN finding_kind = 'volume' THEN CASE
        WHEN over_peak >= 3 * :volume_ratio THEN 'high'
        WHEN over_peak >= 1.5 * :volume_ratio THEN 'medium'
        ELSE 'low'
      END
    WHEN finding_kind = 'download' THEN CASE
        WHEN download_over_peak >= 3 * :volume_ratio THEN 'high'
        WHEN download_over_peak >= 1.5 * :volume_ratio OR day_new_networks IS NOT NULL OR new_principal THEN 'medium'
        ELSE 'low'
      END
    WHEN finding_kind = 'newcomer' THEN CASE
        WHEN measured >= :newcomer_ceiling_bytes OR measured >= 3 * :volume_ratio * peer_peak THEN 'high'
        WHEN measured >= 1.5 * :volume_ratio * peer_peak THEN 'medium'
        ELSE 'low'
      END
    -- A drift is slower than a spike: medium, high once the day is 3 times the busiest of its baseline.
    WHEN finding_kind = 'drift' THEN CASE WHEN measured >= 3 * :volume_ratio * busiest THEN 'high' ELSE 'medium' END
    ELSE severity
  END AS severity,
  CAST(queries AS bigint) AS queries,
  example_query_id,
  nullif(example_query, '') AS example_query,
  human,
  CASE WHEN partial THEN 'partial' ELSE 'complete' END AS coverage,
  engine,
  CAST(calls AS bigint) AS calls,
  CAST(CASE WHEN finding_kind = 'download' THEN objects END AS bigint) AS objects,
  CAST(CASE WHEN finding_kind = 'download' THEN baseline_objects END AS double) AS baseline_objects,
  CAST(CASE finding_kind
      WHEN 'volume' THEN busiest
      WHEN 'download' THEN busiest
      WHEN 'drift' THEN busiest
      WHEN 'newcomer' THEN peer_peak
      WHEN 'probing' THEN hour_peak
    END AS double) AS peak,
  CASE WHEN finding_kind = 'download' THEN day_networks END AS networks,
  CASE WHEN finding_kind = 'download' THEN day_new_networks END AS new_networks,
  live.live_alerted_at AS alerted_at
FROM findings
LEFT JOIN (
  -- The live path's alerts (docs/live-alerts.md), read once: the earliest of a principal, day and kind,
  -- and of a bucket or table for exfiltration, whose subjects both sides spell alike (two targets are two
  -- incidents). ISO-8601 UTC text of one width sorts as its instants; any other text is no alert.
  SELECT principal_arn AS live_principal, dt AS live_day, kind AS live_kind,
    CASE WHEN kind = 'exfiltration' THEN subject ELSE '' END AS live_subject, min(alerted_at) AS live_alerted_at
  FROM live_alerts
  WHERE dt BETWEEN :window_from AND :window_to AND kind IN ('exfiltration', 'probing', 'reach')
    AND regexp_like(alerted_at, '^[0-9]{4}-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12][0-9]|3[01])'
      || 'T(?:[01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9][.][0-9]{3}Z$')
  GROUP BY principal_arn, dt, kind, CASE WHEN kind = 'exfiltration' THEN subject ELSE '' END
) AS live ON live.live_principal = findings.principal_arn AND live.live_day = findings.day AND live.live_kind = findings.finding_kind
  AND live.live_subject = CASE WHEN findings.finding_kind = 'exfiltration' THEN findings.finding_subject ELSE '' END
WHERE CASE finding_kind
  WHEN 'volume' THEN unusual
  WHEN 'download' THEN (download_over_peak > 0 OR day_new_networks IS NOT NULL OR new_principal)
  WHEN 'drift' THEN true
  WHEN 'newcomer' THEN true
  ELSE coalesce(candidate, false)
END
ORDER BY day, principal_arn, kind, subject
