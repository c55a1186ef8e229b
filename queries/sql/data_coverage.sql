-- data_coverage: for every day and region of a period, how whole the evidence is, source by source.
-- History says what ran and what it scanned; CloudTrail says who ran it; events is their join.
-- Where the join reads Athena's system table, it names the principal of queries CloudTrail missed.
--   complete: every query in history was named by CloudTrail, every CloudTrail start had history,
--             and every history row was joined;
--   partial:  some were not (the counts, the hours with history but no CloudTrail at all, and the
--             work groups not joined say how much), even where the system table named the principal:
--             CloudTrail's source address and client are still missing;
--   missing:  nothing was joined for the day.
-- CloudTrail is too large to scan for this: its presence is read from what the join attributed.
WITH calendar AS (
  SELECT CAST(CAST(calendar_day AS date) AS varchar) AS day
  FROM UNNEST(sequence(CAST(:window_from AS date), CAST(:window_to AS date), INTERVAL '1' DAY)) AS days (calendar_day)
),
history_work_groups AS (
  SELECT dt AS day, region, workgroup AS work_group, count(*) AS history_queries
  FROM history
  WHERE dt BETWEEN :window_from AND :window_to
  GROUP BY dt, region, workgroup
),
regions AS (
  SELECT region FROM events WHERE dt BETWEEN :window_from AND :window_to
  UNION
  SELECT region FROM history_work_groups
),
witnessed AS (
  -- Which witness named each query's principal. (Events joined before principal_source existed read
  -- it as NULL: attributed then meant CloudTrail.)
  SELECT dt, region, event_time, in_history, attributed,
    coalesce(principal_source, CASE WHEN attributed THEN 'cloudtrail' ELSE 'none' END) AS named_by
  FROM events
  WHERE dt BETWEEN :window_from AND :window_to
),
counts AS (
  SELECT
    dt AS day,
    region,
    count(*) AS events,
    count_if(in_history) AS with_history,
    count_if(named_by = 'cloudtrail') AS with_cloudtrail,
    count_if(in_history AND NOT attributed) AS unattributed,
    count_if(in_history AND named_by = 'system_table') AS from_system_table,
    count_if(attributed AND NOT in_history) AS without_history
  FROM witnessed
  GROUP BY dt, region
),
hourly AS (
  SELECT dt AS day, region, hour(event_time) AS event_hour
  FROM witnessed
  GROUP BY dt, region, hour(event_time)
  -- History but not one CloudTrail record in the hour: the trail was out, not one record lost.
  HAVING count_if(named_by = 'cloudtrail') = 0 AND count_if(in_history) > 0
),
starts_without_history AS (
  -- Whose CloudTrail starts found no history: an account whose collector is missing or failing.
  SELECT day, region, array_join(array_sort(array_agg(account)), ',') AS accounts
  FROM (
    SELECT DISTINCT dt AS day, region, coalesce(account_id, '(unknown)') AS account
    FROM events
    WHERE dt BETWEEN :window_from AND :window_to AND attributed AND NOT in_history
  ) AS starts
  GROUP BY day, region
),
gap_hours AS (
  SELECT day, region, array_join(array_sort(array_agg(event_hour)), ',') AS hours
  FROM hourly
  GROUP BY day, region
),
unjoined_history AS (
  -- History rows whose query no events row holds (on its day or a neighbour, where midnight may put it).
  SELECT DISTINCT history.dt AS day, history.region, history.workgroup AS work_group
  FROM history
  LEFT JOIN (
    SELECT query_execution_id, region
    FROM events
    WHERE in_history
      AND dt BETWEEN CAST(CAST(CAST(:window_from AS date) - INTERVAL '1' DAY AS date) AS varchar)
        AND CAST(CAST(CAST(:window_to AS date) + INTERVAL '1' DAY AS date) AS varchar)
  ) AS joined ON joined.query_execution_id = history.queryexecutionid AND joined.region = history.region
  WHERE history.dt BETWEEN :window_from AND :window_to AND joined.query_execution_id IS NULL
),
not_joined AS (
  SELECT day, region, array_join(array_sort(array_agg(work_group)), ',') AS work_groups
  FROM unjoined_history
  GROUP BY day, region
),
history_days AS (
  SELECT day, region, sum(history_queries) AS history_queries
  FROM history_work_groups
  GROUP BY day, region
)
SELECT
  calendar.day,
  regions.region,
  coalesce(history_days.history_queries, 0) AS history_queries,
  coalesce(counts.events, 0) AS events,
  coalesce(counts.with_history, 0) AS with_history,
  coalesce(counts.with_cloudtrail, 0) AS with_cloudtrail,
  coalesce(counts.unattributed, 0) AS unattributed,
  coalesce(counts.from_system_table, 0) AS from_system_table,
  coalesce(counts.without_history, 0) AS without_history,
  starts_without_history.accounts AS accounts_without_history,
  gap_hours.hours AS gap_hours,
  not_joined.work_groups AS work_groups_not_joined,
  CASE
    WHEN counts.events IS NULL THEN 'missing'
    WHEN counts.unattributed > 0 OR counts.from_system_table > 0 OR counts.without_history > 0 OR not_joined.work_groups IS NOT NULL
      THEN 'partial'
    ELSE 'complete'
  END AS coverage
FROM calendar
CROSS JOIN regions
LEFT JOIN counts ON counts.day = calendar.day AND counts.region = regions.region
LEFT JOIN history_days ON history_days.day = calendar.day AND history_days.region = regions.region
LEFT JOIN starts_without_history ON starts_without_history.day = calendar.day AND starts_without_history.region = regions.region
LEFT JOIN gap_hours ON gap_hours.day = calendar.day AND gap_hours.region = regions.region
LEFT JOIN not_joined ON not_joined.day = calendar.day AND not_joined.region = regions.region
ORDER BY calendar.day, regions.region
