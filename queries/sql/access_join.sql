-- access_join: reads of the lake by every engine but Athena's own query runs, for one UTC day D and
-- one region, from the trail: Glue Data Catalog reads and Lake Formation's GetDataAccess (read
-- management events) and S3 GetObject (data events, where the trail selects the bucket), aggregated
-- per account, principal, engine, source and resource. Calls Athena makes while it runs a query are
-- left out: the events table already holds that query (docs/engines-evidence.md says how they show).
-- An S3 read is a read of the table whose location (the grants snapshot's) holds the key, the
-- longest such location first; a read outside every known location is kept by bucket and first folder.
-- Runs unchanged on Athena (INSERT INTO access ...) and DuckDB; `||` (not concat, which DuckDB lets
-- skip a NULL) so a missing name leaves the resource NULL on both.
WITH trail AS (
  SELECT
    recipientaccountid AS account_id,
    useridentity.arn AS principal_arn,
    CASE
      WHEN useridentity.type = 'AssumedRole' THEN coalesce(useridentity.sessioncontext.sessionissuer.arn, useridentity.arn)
      ELSE useridentity.arn
    END AS iam_principal_arn,
    useridentity.type AS principal_type,
    eventsource,
    eventname,
    eventid,
    lower(coalesce(useridentity.invokedby, '')) AS invoked_by,
    sourceipaddress,
    useragent,
    lower(coalesce(useragent, '')) AS agent,
    upper(coalesce(json_extract_scalar(additionaleventdata, '$.requesterService'), '')) AS requester_service,
    upper(coalesce(json_extract_scalar(requestparameters, '$.auditContext.additionalAuditContext'), '')) AS audit_context,
    lower(CASE WHEN eventname = 'GetDatabase' THEN json_extract_scalar(requestparameters, '$.name')
      ELSE json_extract_scalar(requestparameters, '$.databaseName') END) AS database_name,
    -- GetTable names its table `name`, the partition and version calls `tableName`; the database-wide
    -- calls (GetDatabase's `name` is the database) name none.
    lower(CASE WHEN eventname IN ('GetDatabase', 'GetDatabases', 'GetTables') THEN NULL
      ELSE coalesce(json_extract_scalar(requestparameters, '$.tableName'), json_extract_scalar(requestparameters, '$.name')) END) AS table_name,
    json_extract_scalar(requestparameters, '$.tableArn') AS table_arn,
    json_extract_scalar(requestparameters, '$.bucketName') AS bucket,
    json_extract_scalar(requestparameters, '$.key') AS object_key,
    CAST(json_extract_scalar(additionaleventdata, '$.bytesTransferredOut') AS double) AS bytes_out,
    substr(replace(eventtime, 'T', ' '), 1, 19) AS event_time_text
  FROM cloudtrail
  WHERE region = :region
    AND day IN (:trail_day_before, :trail_day, :trail_day_after)
    AND errorcode IS NULL
    AND substr(replace(eventtime, 'T', ' '), 1, 19) >= :day_start
    AND substr(replace(eventtime, 'T', ' '), 1, 19) < :day_end
    AND (
      (eventsource = 'glue.amazonaws.com' AND eventname IN (
        'GetTable', 'GetTables', 'GetTableVersion', 'GetTableVersions', 'GetPartition', 'GetPartitions',
        'BatchGetPartition', 'GetDatabase', 'GetDatabases'))
      OR (eventsource = 'lakeformation.amazonaws.com' AND eventname = 'GetDataAccess')
      OR (eventsource = 's3.amazonaws.com' AND eventname = 'GetObject')
    )
),
calls AS (
  -- CloudTrail may deliver a record twice: keep one per event id.
  SELECT * FROM (
    SELECT trail.*, row_number() OVER (PARTITION BY eventid ORDER BY event_time_text) AS copy_number FROM trail
  ) AS numbered
  WHERE copy_number = 1
),
engines AS (
  -- Which engine made each call, first match wins (docs/engines-evidence.md: the evidence and its
  -- sources). Athena's own calls for a query come first, so they are never taken for another engine.
  SELECT
    calls.*,
    CASE
      -- Athena's audit context is the non-JSON `{queryId: …}`; Redshift's JSON names a queryId too.
      WHEN requester_service = 'ATHENA' OR audit_context LIKE '{QUERYID:%'
        OR invoked_by = 'athena.amazonaws.com' OR sourceipaddress = 'athena.amazonaws.com'
        OR principal_arn LIKE '%/AWSLF-__-AT-%' THEN 'athena'
      WHEN requester_service LIKE 'REDSHIFT%' OR audit_context LIKE '%ARN:AWS:REDSHIFT%'
        OR invoked_by IN ('redshift.amazonaws.com', 'redshift-serverless.amazonaws.com')
        OR sourceipaddress IN ('redshift.amazonaws.com', 'redshift-serverless.amazonaws.com')
        OR principal_arn LIKE '%/AWSLF-__-RE-%' THEN 'redshift-spectrum'
      -- Before EMR: a Glue job's Spark workers read S3 with EMRFS, but run as the job's session.
      WHEN requester_service LIKE 'GLUE%' OR audit_context LIKE '%GLUE_ETL%'
        OR invoked_by = 'glue.amazonaws.com' OR sourceipaddress = 'glue.amazonaws.com'
        OR principal_arn LIKE '%/GlueJobRunnerSession' OR principal_arn LIKE '%/AWSLF-__-GL-%' THEN 'glue-etl'
      WHEN requester_service LIKE 'EMR%' OR audit_context LIKE '%EMR_SERVERLESS%' OR audit_context LIKE '%EMR_ON_EC2%'
        OR invoked_by LIKE '%emr-serverless.amazonaws.com' OR invoked_by = 'elasticmapreduce.amazonaws.com'
        -- EMR Serverless runs a job as `<job id>,<attempt>`; EMR on EC2 as its instance profile's role.
        OR regexp_like(coalesce(principal_arn, ''), ':assumed-role/[^/]+/[^/,]+,[^/]+$')
        OR coalesce(iam_principal_arn, '') LIKE '%EMR_EC2%' OR agent LIKE '%emrfs%' THEN 'emr'
      -- S3 reads with Lake Formation's credentials: its registration role's AWSLF- session.
      WHEN principal_arn LIKE '%/AWSLF-%' THEN 'lake-formation'
      WHEN agent LIKE 'aws-sagemaker-%' OR invoked_by = 'sagemaker.amazonaws.com' THEN 'sagemaker'
      WHEN agent LIKE 'console.%amazonaws.com%' OR agent LIKE 'mozilla/%' OR agent = 'signin.amazonaws.com' THEN 'console'
      WHEN invoked_by LIKE '%.amazonaws.com' OR invoked_by = 'aws internal' THEN 'other-service'
      WHEN agent LIKE '%aws-cli/%' THEN 'cli'
      WHEN agent LIKE '%aws-sdk-%' OR agent LIKE '%boto3/%' OR agent LIKE '%botocore/%' THEN 'sdk'
      ELSE 'unknown'
    END AS engine,
    CASE eventsource WHEN 'glue.amazonaws.com' THEN 'glue' WHEN 'lakeformation.amazonaws.com' THEN 'lakeformation' ELSE 's3' END AS source,
    's3://' || bucket || '/' || object_key AS object_url
  FROM calls
),
locations AS (
  -- The table locations of each account's latest grants snapshot up to D, or its first after D when it
  -- has none before (a day joined again, or joined before the first snapshot). One read of grants:
  -- the snapshot day is a window over the rows (Trino reads a WITH query once per reference).
  SELECT DISTINCT account, table_name, location
  FROM (
    SELECT account, lower(resource) AS table_name, location, grant_kind, dt,
      coalesce(max(CASE WHEN dt <= :day THEN dt END) OVER (PARTITION BY account), min(dt) OVER (PARTITION BY account)) AS snapshot_dt
    FROM grants
    WHERE dt BETWEEN :grants_from AND :grants_to
  ) AS dated
  WHERE dt = snapshot_dt AND grant_kind = 'table' AND location IS NOT NULL AND location LIKE 's3://%'
),
resolved AS (
  -- Each S3 read's table: the longest location holding its key, the reading account's first; a read
  -- outside every location is kept by bucket and first folder. Ranked in the one pass over the
  -- calls, so the trail is read once.
  SELECT
    located.*,
    CASE
      WHEN source = 's3' THEN CASE WHEN location_table IS NOT NULL THEN 'table' ELSE 'prefix' END
      WHEN source = 'lakeformation' THEN 'table'
      WHEN table_name IS NOT NULL THEN 'table'
      ELSE 'database'
    END AS resource_kind,
    CASE
      WHEN source = 's3' THEN coalesce(location_table, bucket || '/' || split_part(object_key, '/', 1))
      WHEN source = 'lakeformation' THEN lower(regexp_replace(regexp_extract(table_arn, ':table/(.+)$', 1), '/', '.'))
      WHEN table_name IS NOT NULL THEN database_name || '.' || table_name
      ELSE database_name
    END AS resource
  FROM (
    SELECT e.*, l.table_name AS location_table,
      row_number() OVER (
        PARTITION BY e.eventid ORDER BY CASE WHEN l.account = e.account_id THEN 0 ELSE 1 END, length(l.location) DESC, l.table_name
      ) AS choice
    FROM engines AS e
    LEFT JOIN locations AS l ON e.source = 's3' AND starts_with(e.object_url, l.location)
    -- Athena's own calls for a query: that query is in the events table already.
    WHERE e.engine <> 'athena'
  ) AS located
  WHERE choice = 1
)
SELECT
  account_id,
  principal_arn,
  max(iam_principal_arn) AS iam_principal_arn,
  max(principal_type) AS principal_type,
  engine,
  min(substr(useragent, 1, 200)) AS client,
  source,
  array_sort(array_agg(DISTINCT eventname)) AS actions,
  resource_kind,
  resource,
  count(*) AS calls,
  count(DISTINCT object_url) AS objects,
  CAST(coalesce(sum(bytes_out), 0) AS bigint) AS bytes,
  slice(array_sort(array_agg(DISTINCT sourceipaddress)), 1, 20) AS source_ips,
  CAST(min(event_time_text) AS timestamp) AS first_time,
  CAST(max(event_time_text) AS timestamp) AS last_time,
  :day AS dt,
  :region AS region
FROM resolved
WHERE resource IS NOT NULL
GROUP BY account_id, principal_arn, engine, source, resource_kind, resource
