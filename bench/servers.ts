/**
 * The benchmark's stand-ins for AWS, in their own process (so the collector's memory is measured
 * alone): s3rver, and the local Athena server holding N executions, answering with latency and
 * throttling past Athena's default quotas (token buckets: ListQueryExecutions 5/s burst 10,
 * BatchGetQueryExecution 20/s burst 40).
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import S3rver from "s3rver";
import { defined } from "../core/checks";
import { toQueryExecution } from "../generator/executions";
import { Random } from "../generator/random";
import { simulateDay } from "../generator/simulate";
import { historyOperations, toWire } from "../test/support/athena-history";
import { startAthenaServer } from "../test/support/athena-server";

const QUOTAS: Record<string, { perSecond: number; burst: number }> = {
  ListQueryExecutions: { perSecond: 5, burst: 10 },
  BatchGetQueryExecution: { perSecond: 20, burst: 40 },
};

function tokenBuckets() {
  const buckets = new Map<string, { tokens: number; at: number }>();
  let throttled = 0;
  const throttle = (operation: string) => {
    const quota = QUOTAS[operation];
    if (!quota) return false;
    const now = Date.now();
    const b = buckets.get(operation) ?? { tokens: quota.burst, at: now };
    b.tokens = Math.min(quota.burst, b.tokens + ((now - b.at) / 1000) * quota.perSecond);
    b.at = now;
    buckets.set(operation, b);
    if (b.tokens < 1) return ++throttled > 0;
    b.tokens -= 1;
    return false;
  };
  return { throttle, throttled: () => throttled };
}

async function main(): Promise<void> {
  const executions = Number(process.argv[2] ?? 100_000);
  const workGroupCount = 5;
  const latencyMs = Number(process.argv[3] ?? 40);
  const now = new Date(process.argv[4] ?? "2026-11-20T00:40:00Z");
  const rng = new Random(3);
  const template = simulateDay({ day: "2026-11-01", region: "us-east-1" }, rng).queries.slice(0, 200);
  const span = 43 * 86_400_000;
  const workGroups: Record<string, Record<string, unknown>[]> = {};
  for (let i = 0; i < executions; i++) {
    const model = defined(template[i % template.length], "a simulated query to copy (the day has none)");
    const q = { ...model, id: rng.uuid(), workGroup: `wg-${i % workGroupCount}` };
    q.submittedAt = new Date(now.getTime() - 86_400_000 - Math.floor((i / executions) * span));
    q.completedAt = new Date(q.submittedAt.getTime() + 2_000);
    (workGroups[q.workGroup] ??= []).push(toWire(toQueryExecution(q, "results")));
  }
  const buckets = tokenBuckets();
  const athena = await startAthenaServer({ operations: historyOperations({ workGroups }), throttle: buckets.throttle, latencyMs });
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "athena-audit-bench-s3-"));
  const s3 = new S3rver({
    port: 0,
    address: "127.0.0.1",
    silent: true,
    directory: dir,
    configureBuckets: [{ name: "bench-bucket", configs: [] }],
  });
  const { port } = (await s3.run()) as { port: number };
  process.send?.({ athena: athena.url, s3: `http://127.0.0.1:${port}`, perWorkGroup: Object.values(workGroups).map((w) => w.length) });
  const stop = async () => {
    process.send?.({ calls: athena.calls, throttled: buckets.throttled() });
    await athena.close();
    await s3.close();
    fs.rmSync(dir, { recursive: true, force: true });
    process.exit(0);
  };
  process.on("message", () => void stop());
}

void main();
