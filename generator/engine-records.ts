/**
 * CloudTrail records of reads outside Athena's StartQueryExecution: Glue Data Catalog reads and Lake
 * Formation's GetDataAccess (read-only management events) and S3 GetObject (data events). A call a
 * service makes for a principal carries `invokedBy`, and the service as `sourceIPAddress` and
 * `userAgent` (../shared/DOMAIN.md, "How the engine shows").
 */
import { Caller, CloudTrailRecord, eventTimeText, userIdentity } from "./cloudtrail";
import { accountOf, roleArn } from "./org";
import { Random } from "./random";
import { tableParts } from "./sql";

/** The Glue Data Catalog reads the engines make. */
export type GlueRead = "GetDatabase" | "GetTable" | "GetPartitions";

interface Call {
  caller: Caller;
  region: string;
  at: Date;
  /** The service that made the call for the caller (`athena.amazonaws.com`), if one did. */
  invokedBy?: string;
}

function identity(call: Call, rng: Random): Record<string, unknown> {
  const found = userIdentity(call.caller, rng);
  return call.invokedBy ? { ...found, invokedBy: call.invokedBy } : found;
}

/** A record's first keys, in the order CloudTrail writes them (the reader's fast path relies on it). */
function head(call: Call, rng: Random, eventVersion: string, eventSource: string, eventName: string) {
  return {
    eventVersion,
    userIdentity: identity(call, rng),
    eventTime: eventTimeText(call.at),
    eventSource,
    eventName,
    awsRegion: call.region,
    sourceIPAddress: call.caller.sourceIp,
    userAgent: call.caller.userAgent,
  };
}

function tail(call: Call, rng: Random, data: boolean): CloudTrailRecord {
  return {
    requestID: rng.uuid(),
    eventID: rng.uuid(),
    readOnly: true,
    eventType: "AwsApiCall",
    managementEvent: !data,
    recipientAccountId: accountOf(call.caller.actor),
    eventCategory: data ? "Data" : "Management",
  };
}

/** A Glue Data Catalog read: `table` is `database.table` (the database alone for GetDatabase). */
export function glueReadRecord(call: Call & { eventName: GlueRead; table: string }, rng: Random): CloudTrailRecord {
  const account = accountOf(call.caller.actor);
  const [databaseName, name] = call.table.split(".");
  const requestParameters =
    call.eventName === "GetDatabase"
      ? { catalogId: account, name: databaseName }
      : call.eventName === "GetTable"
        ? { catalogId: account, databaseName, name }
        : { catalogId: account, databaseName, tableName: name, excludeColumnSchema: true };
  return {
    ...head(call, rng, "1.08", "glue.amazonaws.com", call.eventName),
    requestParameters,
    responseElements: null,
    ...tail(call, rng, false),
  };
}

/**
 * Lake Formation vending credentials for a governed table to an integrated engine: the engine in
 * `requesterService` (often `UNKNOWN`) and, for EMR and Glue, a JSON `platformType` in the audit
 * context; the S3 reads that follow carry `lakeFormationRoleSessionName` as their session.
 */
export function getDataAccessRecord(
  call: Call & { table: string; requesterService: string; platformType: string; clusterId: string; lakeFormationSession: string },
  rng: Random,
): CloudTrailRecord {
  const account = accountOf(call.caller.actor);
  const { database, name } = tableParts(call.table);
  return {
    ...head(call, rng, "1.08", "lakeformation.amazonaws.com", "GetDataAccess"),
    requestParameters: {
      tableArn: `arn:aws:glue:${call.region}:${account}:table/${database}/${name}`,
      durationSeconds: 3600,
      auditContext: { additionalAuditContext: JSON.stringify({ platformType: call.platformType, clusterId: call.clusterId }) },
      supportedPermissionTypes: ["COLUMN_PERMISSION", "CELL_FILTER_PERMISSION"],
    },
    responseElements: null,
    additionalEventData: {
      requesterService: call.requesterService,
      lakeFormationPrincipal: roleArn(call.caller.actor),
      lakeFormationRoleSessionName: call.lakeFormationSession,
    },
    ...tail(call, rng, false),
  };
}

/** An S3 GetObject data event: `bytes` is what S3 sent (`bytesTransferredOut`). */
export function getObjectRecord(call: Call & { bucket: string; key: string; bytes: number }, rng: Random): CloudTrailRecord {
  const account = accountOf(call.caller.actor);
  return {
    ...head(call, rng, "1.10", "s3.amazonaws.com", "GetObject"),
    requestParameters: { bucketName: call.bucket, Host: `${call.bucket}.s3.${call.region}.amazonaws.com`, key: call.key },
    responseElements: null,
    additionalEventData: {
      SignatureVersion: "SigV4",
      CipherSuite: "TLS_AES_128_GCM_SHA256",
      bytesTransferredIn: 0,
      AuthenticationMethod: "AuthHeader",
      "x-amz-id-2": rng.hex(56),
      bytesTransferredOut: call.bytes,
    },
    resources: [
      { type: "AWS::S3::Object", ARN: `arn:aws:s3:::${call.bucket}/${call.key}` },
      { accountId: account, type: "AWS::S3::Bucket", ARN: `arn:aws:s3:::${call.bucket}` },
    ],
    ...tail(call, rng, true),
  };
}

/** Whether a trail that records no read management events keeps this record (data events and writes stay). */
export function keptWithoutReadEvents(record: CloudTrailRecord): boolean {
  return !(record.managementEvent === true && record.readOnly === true);
}
