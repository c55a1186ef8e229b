/**
 * Benchmark (not a test): the history collector on a 45-day backfill of N executions (default
 * 100,000) across 5 work groups, against servers with realistic latency and Athena's default
 * quotas. Reports wall time against the quota floor, API calls against the minimum, and memory.
 *   npm run bench -- [executions] [latencyMs]
 */
import { fork } from "node:child_process";
import * as path from "node:path";
import { collectHistory } from "../functions/history/collect";
import { parseCollectInput } from "../functions/history/input";
import { historyCollectorConfig } from "../functions/runtime/config";
import { SILENT_LOGGER } from "../functions/runtime/log";
import { createS3Client } from "../functions/runtime/s3";
import { createAthenaClient } from "../queries/athena/engine";
import { EVERY_FUNCTION_ENVIRONMENT, HISTORY_COLLECTOR_ENVIRONMENT, writeEnvironment } from "../core/environment";

interface Ready {
  athena: string;
  s3: string;
  perWorkGroup: number[];
}

async function main(): Promise<void> {
  const executions = process.argv[2] ?? "100000";
  const latency = process.argv[3] ?? "40";
  const now = "2026-11-20T00:40:00Z";
  const child = fork(path.join(__dirname, "servers.js"), [executions, latency, now]);
  const ready = await new Promise<Ready>((resolve) => child.once("message", (m) => resolve(m as Ready)));
  Object.assign(process.env, {
    AWS_ENDPOINT_URL_ATHENA: ready.athena,
    AWS_ENDPOINT_URL_S3: ready.s3,
    AWS_REGION: "us-east-1",
    AWS_ACCESS_KEY_ID: "S3RVER",
    AWS_SECRET_ACCESS_KEY: "S3RVER",
    ...writeEnvironment(EVERY_FUNCTION_ENVIRONMENT, { s3ForcePathStyle: "true" }),
  });
  let peakRss = 0;
  let peakHeap = 0;
  const sampler = setInterval(() => {
    const m = process.memoryUsage();
    peakRss = Math.max(peakRss, m.rss);
    peakHeap = Math.max(peakHeap, m.heapUsed);
  }, 50);
  const baseline = process.memoryUsage();
  const started = Date.now();
  const summary = await collectHistory(parseCollectInput({ backfillDays: 45 }, new Date(now)), {
    athena: createAthenaClient(),
    s3: createS3Client(),
    config: historyCollectorConfig(writeEnvironment(HISTORY_COLLECTOR_ENVIRONMENT, { bucket: "bench-bucket", account: "123456789012" })),
    log: SILENT_LOGGER,
    now: new Date(now),
  });
  const seconds = (Date.now() - started) / 1000;
  clearInterval(sampler);
  child.send("stop");
  const server = await new Promise<{ calls: Record<string, number>; throttled: number }>((resolve) =>
    child.once("message", (m) => resolve(m as never)),
  );
  const listMinimum = ready.perWorkGroup.reduce((n, c) => n + Math.ceil(c / 50), 0);
  const floorSeconds = (listMinimum - 10) / 5;
  const records = Object.values(summary.recordsPerDay).reduce((a, b) => a + b, 0);
  const mb = (b: number) => `${(b / 1024 ** 2).toFixed(0)} MB`;
  console.log(
    JSON.stringify(
      {
        executions: Number(executions),
        workGroups: ready.perWorkGroup.length,
        latencyMs: Number(latency),
        recordsCollected: records,
        objectsWritten: summary.objectsWritten,
        wallSeconds: Number(seconds.toFixed(1)),
        quotaFloorSeconds: Number(floorSeconds.toFixed(1)),
        wallOverFloor: Number((seconds / floorSeconds).toFixed(2)),
        apiCalls: summary.apiCalls,
        minimumCalls: { ListQueryExecutions: listMinimum, BatchGetQueryExecution: Math.ceil(Number(executions) / 50) },
        serverCalls: server.calls,
        throttledByServer: server.throttled,
        memory: { baselineRss: mb(baseline.rss), peakRss: mb(peakRss), peakHeap: mb(peakHeap) },
      },
      null,
      2,
    ),
  );
}

void main();
