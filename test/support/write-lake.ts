/** Writing hand-made lake files in the real layouts, for tests that control every record. */
import { ACCOUNT_ID } from "../../generator/org";
import * as fs from "node:fs";
import * as path from "node:path";
import * as zlib from "node:zlib";
import { AuditInfo, historyDay, QueryExecutionLike, toHistoryLine } from "../../core/history-record";
import { cloudTrailObjectKey, historyObjectKey } from "../../core/layout";

export function writeGzip(file: string, text: string | Buffer): string {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, zlib.gzipSync(text));
  return file;
}

/** One CloudTrail log file holding `records`, delivered at `deliveredAt`. */
export function writeCloudTrail(
  root: string,
  account: string,
  region: string,
  deliveredAt: string,
  records: unknown[],
  suffix = "TESTFILE0000001",
): string {
  const key = cloudTrailObjectKey({ account, region }, new Date(deliveredAt), suffix);
  return writeGzip(path.join(root, key), JSON.stringify({ Records: records }));
}

/** History lines through the real writer, one object per (account, region, dt, work group); the main account's by default. */
export function writeHistory(root: string, region: string, executions: QueryExecutionLike[], account = ACCOUNT_ID): string[] {
  const byKey = new Map<string, string[]>();
  for (const execution of executions) {
    const audit: AuditInfo = { Region: region, CollectedAt: "2026-01-01T00:00:00.000Z", Source: "test" };
    const line = toHistoryLine(execution, audit);
    const key = historyObjectKey({ account, region, dt: historyDay(line), workGroup: execution.WorkGroup ?? "primary" });
    byKey.set(key, [...(byKey.get(key) ?? []), JSON.stringify(line)]);
  }
  return [...byKey.entries()].map(([key, lines]) => writeGzip(path.join(root, key), lines.join("\n") + "\n"));
}

/** A small succeeded query of `day`, at 09:00:`second` UTC, as the history collector writes one. */
export function succeededExecution(id: string, day: string, second: number): QueryExecutionLike {
  const at = `${day}T09:00:${String(second).padStart(2, "0")}.000Z`;
  return {
    QueryExecutionId: id,
    Query: "SELECT 1",
    StatementType: "DML",
    WorkGroup: "primary",
    Status: { State: "SUCCEEDED", SubmissionDateTime: at, CompletionDateTime: at },
    Statistics: { DataScannedInBytes: 1_048_576, EngineExecutionTimeInMillis: 100, TotalExecutionTimeInMillis: 150 },
  };
}
