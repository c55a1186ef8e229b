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
-- Each table is read once (Athena evaluates a WITH clause once per reference): history for the
-- period, events for the period and a day either side, in one relation the rest derives from.
WITH calendar AS (
  SELECT CAST(CAST(calendar_day AS date) AS varchar) AS day
  FROM UNNEST(sequence(CAST(:window_from AS date), CAST(:window_to AS date), INTERVAL '1' DAY)) AS days (calendar_day)
),
evidence AS (
  -- The neighbour days' events only say whether a history row was joined: midnight may put its
  -- query's events row on the day before or after. (Events joined before principal_source existed
  -- read it as NULL: attributed then meant CloudTrail.)
  SELECT
    'events' AS source,
    dt,
    region,
    query_execution_id,
    hour(event_time) AS event_hour,
    in_history,
    attributed,
    coalesce(principal_source, CASE WHEN attributed THEN 'cloudtrail' ELSE 'none' END) AS named_by,
    coalesce(account_id, '(unknown)') AS account,
    CAST(NULL AS varchar) AS work_group
  FROM events
  WHERE dt BETWEEN CAST(CAST(CAST(:window_from AS date) - INTERVAL '1' DAY AS date) AS varchar)
    AND CAST(CAST(CAST(:window_to AS date) + INTERVAL '1' DAY AS date) AS varchar)
  UNION ALL
  SELECT 'history', dt, region, queryexecutionid, NULL, NULL, NULL, NULL, NULL, workgroup
  FROM history
  WHERE dt BETWEEN :window_from AND :window_to
),
marked AS (
  SELECT
    evidence.*,
    -- A history row whose query no events row holds.
    source = 'history' AND (
      query_execution_id IS NULL
      OR NOT coalesce(bool_or(source = 'events' AND in_history) OVER (PARTITION BY query_execution_id, region), false)
    ) AS not_joined,
    -- History but not one CloudTrail record in the hour: the trail was out, not one record lost.
    source = 'events'
      AND count_if(named_by = 'cloudtrail') OVER (PARTITION BY source, dt, region, event_hour) = 0
      AND count_if(in_history) OVER (PARTITION BY source, dt, region, event_hour) > 0 AS gap_hour
  FROM evidence
),
region_days AS (
  SELECT
    dt AS day,
    region,
    count_if(source = 'history') AS history_queries,
    count(CASE WHEN source = 'events' THEN 1 END) AS events,
    count_if(in_history) AS with_history,
    count_if(named_by = 'cloudtrail') AS with_cloudtrail,
    count_if(in_history AND NOT attributed) AS unattributed,
    -- One of them by name: a query whose CloudTrail record came more than a day late (the join reads
    -- a day of delivery) or never; joining the day again after it arrived names its principal.
    min(CASE WHEN in_history AND NOT attributed THEN query_execution_id END) AS first_unattributed,
    count_if(in_history AND named_by = 'system_table') AS from_system_table,
    count_if(attributed AND NOT in_history) AS without_history,
    -- Whose CloudTrail starts found no history: an account whose collector is missing or failing.
    CASE WHEN count_if(attributed AND NOT in_history) > 0 THEN
      array_join(array_sort(array_agg(DISTINCT CASE WHEN attributed AND NOT in_history THEN account END)), ',')
    END AS accounts_without_history,
    CASE WHEN count_if(gap_hour) > 0 THEN array_join(array_sort(array_agg(DISTINCT CASE WHEN gap_hour THEN event_hour END)), ',') END AS gap_hours,
    CASE WHEN count_if(not_joined) > 0 THEN array_join(array_sort(array_agg(DISTINCT CASE WHEN not_joined THEN work_group END)), ',') END
      AS work_groups_not_joined
  FROM marked
  WHERE dt BETWEEN :window_from AND :window_to
  GROUP BY dt, region
),
grid AS (
  -- Every day for every region the period has evidence of: the region-days crossed with the
  -- calendar (small: 90 days in 3 regions make 24,300 rows), each cell keeping its own day's figures.
  SELECT
    calendar.day,
    r.region,
    max(CASE WHEN r.day = calendar.day THEN r.history_queries END) AS history_queries,
    max(CASE WHEN r.day = calendar.day THEN r.events END) AS events,
    max(CASE WHEN r.day = calendar.day THEN r.with_history END) AS with_history,
    max(CASE WHEN r.day = calendar.day THEN r.with_cloudtrail END) AS with_cloudtrail,
    max(CASE WHEN r.day = calendar.day THEN r.unattributed END) AS unattributed,
    max(CASE WHEN r.day = calendar.day THEN r.first_unattributed END) AS first_unattributed,
    max(CASE WHEN r.day = calendar.day THEN r.from_system_table END) AS from_system_table,
    max(CASE WHEN r.day = calendar.day THEN r.without_history END) AS without_history,
    max(CASE WHEN r.day = calendar.day THEN r.accounts_without_history END) AS accounts_without_history,
    max(CASE WHEN r.day = calendar.day THEN r.gap_hours END) AS gap_hours,
    max(CASE WHEN r.day = calendar.day THEN r.work_groups_not_joined END) AS work_groups_not_joined
  FROM calendar
  CROSS JOIN region_days AS r
  GROUP BY calendar.day, r.region
)
SELECT
  day,
  region,
  coalesce(history_queries, 0) AS history_queries,
  coalesce(events, 0) AS events,
  coalesce(with_history, 0) AS with_history,
  coalesce(with_cloudtrail, 0) AS with_cloudtrail,
  coalesce(unattributed, 0) AS unattributed,
  first_unattributed,
  coalesce(from_system_table, 0) AS from_system_table,
  coalesce(without_history, 0) AS without_history,
  accounts_without_history,
  gap_hours,
  work_groups_not_joined,
  CASE
    WHEN coalesce(events, 0) = 0 THEN 'missing'
    WHEN unattributed > 0 OR from_system_table > 0 OR without_history > 0 OR work_groups_not_joined IS NOT NULL THEN 'partial'
    ELSE 'complete'
  END AS coverage
FROM grid
ORDER BY day, region
