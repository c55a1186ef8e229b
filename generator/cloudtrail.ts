/** CloudTrail records the simulated org produces, and their delivery into log files. */
import { defined } from "../core/checks";
import { ACCOUNT_ID, accountOf, Actor, callerArn, databasesOf, roleArn } from "./org";
import { Random } from "./random";

export type CloudTrailRecord = Record<string, unknown>;

export interface Caller {
  actor: Actor;
  session?: string;
  userAgent: string;
  sourceIp: string;
}

/** CloudTrail's event time: whole seconds, `Z`. */
export function eventTimeText(at: Date): string {
  return at.toISOString().replace(/\.\d{3}Z$/, "Z");
}

export function userIdentity(caller: Caller, rng: Random): Record<string, unknown> {
  const { actor, session } = caller;
  const account = accountOf(actor);
  if (actor.type === "IAMUser") {
    return {
      type: "IAMUser",
      principalId: `AIDA${rng.hex(16).toUpperCase()}`,
      arn: roleArn(actor),
      accountId: account,
      accessKeyId: `AKIA${rng.hex(16).toUpperCase()}`,
      userName: actor.name,
      sessionContext: { attributes: { creationDate: "2026-01-05T08:00:00Z", mfaAuthenticated: "true" } },
    };
  }
  const roleId = `AROA${actor.key
    .toUpperCase()
    .replace(/[^A-Z]/g, "")
    .padEnd(17, "X")
    .slice(0, 17)}`;
  const identity: Record<string, unknown> = {
    type: "AssumedRole",
    principalId: `${roleId}:${session ?? ""}`,
    arn: callerArn(actor, session),
    accountId: account,
    accessKeyId: `ASIA${rng.hex(16).toUpperCase()}`,
    sessionContext: {
      sessionIssuer: {
        type: "Role",
        principalId: roleId,
        arn: roleArn(actor),
        accountId: account,
        userName: actor.name.split("/").pop(),
      },
      webIdFederationData: {},
      attributes: { creationDate: "2026-01-05T08:00:00Z", mfaAuthenticated: "false" },
    },
  };
  const index = actor.sessions?.indexOf(session ?? "") ?? -1;
  if (actor.identityCenterUsers && index >= 0) {
    identity.onBehalfOf = {
      userId: actor.identityCenterUsers[index],
      // The org's one Identity Center instance lives in the main account, whichever account the session is in.
      identityStoreArn: `arn:aws:identitystore::${ACCOUNT_ID}:identitystore/d-9067a5a2c4`,
    };
  }
  return identity;
}

interface StartQueryRecord {
  caller: Caller;
  region: string;
  at: Date;
  queryId?: string;
  text: string;
  workGroup: string;
  database: string;
  /** How the record carries query text: `***OMITTED***`, the text, or the old `query` key. */
  textForm: "omitted" | "queryString" | "query";
  errorCode?: string;
}

export function startQueryExecutionRecord(r: StartQueryRecord, rng: Random): CloudTrailRecord {
  const requestParameters: Record<string, unknown> = {
    clientRequestToken: rng.uuid(),
    queryExecutionContext: { database: r.database, catalog: "AwsDataCatalog" },
    workGroup: r.workGroup,
  };
  if (r.textForm === "query") requestParameters.query = r.text;
  else requestParameters.queryString = r.textForm === "omitted" ? "***OMITTED***" : r.text;
  const record: CloudTrailRecord = {
    eventVersion: "1.09",
    userIdentity: userIdentity(r.caller, rng),
    eventTime: eventTimeText(r.at),
    eventSource: "athena.amazonaws.com",
    eventName: "StartQueryExecution",
    awsRegion: r.region,
    sourceIPAddress: r.caller.sourceIp,
    userAgent: r.caller.userAgent,
    requestParameters,
    responseElements: r.errorCode ? null : { queryExecutionId: r.queryId },
    requestID: rng.uuid(),
    eventID: rng.uuid(),
    readOnly: false,
    eventType: "AwsApiCall",
    managementEvent: true,
    recipientAccountId: accountOf(r.caller.actor),
    eventCategory: "Management",
    tlsDetails: {
      tlsVersion: "TLSv1.3",
      cipherSuite: "TLS_AES_128_GCM_SHA256",
      clientProvidedHostHeader: `athena.${r.region}.amazonaws.com`,
    },
  };
  if (r.errorCode) {
    record.errorCode = r.errorCode;
    record.errorMessage = "Invalid result configuration. Should specify either output location or result configuration";
  }
  return record;
}

const NOISE: readonly (readonly [string, string, boolean])[] = [
  ["sts.amazonaws.com", "AssumeRole", false],
  ["ec2.amazonaws.com", "DescribeInstances", true],
  ["kms.amazonaws.com", "Decrypt", true],
  ["s3.amazonaws.com", "ListBuckets", true],
  ["glue.amazonaws.com", "GetTable", true],
  ["glue.amazonaws.com", "GetPartitions", true],
  ["athena.amazonaws.com", "GetQueryExecution", true],
  ["athena.amazonaws.com", "GetQueryResults", true],
  ["athena.amazonaws.com", "ListQueryExecutions", true],
  ["lambda.amazonaws.com", "ListFunctions20150331", true],
  ["logs.amazonaws.com", "CreateLogStream", false],
  ["cloudwatch.amazonaws.com", "GetMetricData", true],
];

/** A management event of another kind: what surrounds Athena's records in every real trail. */
export function noiseRecord(caller: Caller, region: string, at: Date, rng: Random): CloudTrailRecord {
  const [eventSource, eventName, readOnly] = rng.pick(NOISE);
  const account = accountOf(caller.actor);
  // The first table of the caller's account (sales.orders in the main one).
  const [databaseName, tables] = defined(Object.entries(databasesOf(account))[0], `a database in account ${account}`);
  const params: Record<string, unknown> =
    eventSource === "glue.amazonaws.com"
      ? { databaseName, name: tables[0], catalogId: account }
      : eventName === "GetQueryExecution" || eventName === "GetQueryResults"
        ? { queryExecutionId: rng.uuid() }
        : { maxResults: rng.int(10, 100) };
  const record: CloudTrailRecord = {
    eventVersion: "1.09",
    userIdentity: userIdentity(caller, rng),
    eventTime: eventTimeText(at),
    eventSource,
    eventName,
    awsRegion: region,
    sourceIPAddress: caller.sourceIp,
    userAgent: caller.userAgent,
    requestParameters: params,
    responseElements: readOnly
      ? null
      : { credentials: { accessKeyId: `ASIA${rng.hex(16).toUpperCase()}`, expiration: "Jan 1, 2027, 12:00:00 AM" } },
    requestID: rng.uuid(),
    eventID: rng.uuid(),
    readOnly,
    eventType: "AwsApiCall",
    managementEvent: true,
    recipientAccountId: account,
    eventCategory: "Management",
  };
  if (rng.chance(0.03)) {
    record.errorCode = "AccessDenied";
    record.errorMessage = `User is not authorized to perform: ${eventSource.replace(".amazonaws.com", "")}:${eventName}`;
  }
  return record;
}

export interface LogFile {
  region: string;
  deliveredAt: Date;
  records: CloudTrailRecord[];
}

/**
 * Groups a region's records into files the way a trail delivers them: one file per window, sent a
 * few minutes after the window ends (sometimes much later), into the folder of its delivery day.
 */
export function deliver(
  region: string,
  records: readonly { at: Date; record: CloudTrailRecord }[],
  windowMinutes: number,
  rng: Random,
): LogFile[] {
  const windowMs = windowMinutes * 60_000;
  const byWindow = new Map<number, CloudTrailRecord[]>();
  for (const { at, record } of [...records].sort((a, b) => a.at.getTime() - b.at.getTime())) {
    const start = Math.floor(at.getTime() / windowMs) * windowMs;
    const list = byWindow.get(start) ?? [];
    list.push(record);
    byWindow.set(start, list);
  }
  return [...byWindow.entries()].map(([start, list]) => {
    const lagMinutes = rng.chance(0.03) ? rng.int(20, 45) : rng.int(2, 15);
    return { region, deliveredAt: new Date(start + windowMs + lagMinutes * 60_000), records: list };
  });
}
