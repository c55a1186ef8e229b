-- data_coverage: for every day and region of a period, whether the evidence is whole.
-- Read from the events table only (CloudTrail is too large to scan for this): a day whose events
-- all lack history, or all lack a CloudTrail principal, shows which source was missing when it was joined.
WITH calendar AS (
  SELECT CAST(CAST(calendar_day AS date) AS varchar) AS day
  FROM UNNEST(sequence(CAST(:window_from AS date), CAST(:window_to AS date), INTERVAL '1' DAY)) AS days (calendar_day)
),
regions AS (
  SELECT DISTINCT region FROM events WHERE dt BETWEEN :window_from AND :window_to
),
counts AS (
  SELECT
    dt,
    region,
    count(*) AS events,
    count_if(in_history) AS with_history,
    count_if(attributed) AS with_cloudtrail
  FROM events
  WHERE dt BETWEEN :window_from AND :window_to
  GROUP BY dt, region
)
SELECT
  calendar.day,
  regions.region,
  coalesce(counts.events, 0) AS events,
  coalesce(counts.with_history, 0) AS with_history,
  coalesce(counts.with_cloudtrail, 0) AS with_cloudtrail,
  CASE
    WHEN counts.events IS NULL THEN 'missing'
    WHEN counts.with_history = 0 THEN 'no history'
    WHEN counts.with_cloudtrail = 0 THEN 'no cloudtrail'
    ELSE 'complete'
  END AS coverage
FROM calendar
CROSS JOIN regions
LEFT JOIN counts ON counts.dt = calendar.day AND counts.region = regions.region
ORDER BY calendar.day, regions.region
