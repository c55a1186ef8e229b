/**
 * The generated org's two accounts (issue 16): the main one and the marketing one, whose `primary`
 * work group and `clickstream` database have the main account's names. Each writes its own history,
 * CloudTrail folder and grants snapshot, and nothing of one lands in, or overwrites, the other's.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import * as zlib from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generateLake, Ledger } from "../../generator/generate";
import { LedgerEntry } from "../../generator/ledger";
import { writeGrantsSnapshot } from "../../generator/grants";
import { declaredGrants } from "../../generator/iam";
import { ACCOUNT_ID, ACCOUNTS, actorsOf, DATABASES, MARKETING_ACCOUNT_ID, MARKETING_DATABASES } from "../../generator/org";
import { queryCostUsd } from "../../core/cost";
import { HistoryLine } from "../../core/history-record";
import { cloudTrailFiles, grantsFiles, historyFiles, systemTableFiles } from "../../queries/lake/files";
import { grantsObjectKey, historyObjectKey, parseCloudTrailKey, parseHistoryPartition } from "../../core/layout";
import { tempDir } from "../support/lake";

let root: string;
let ledger: Ledger;
let grantRows: number;

beforeAll(async () => {
  root = tempDir("accounts");
  ledger = generateLake({ lake: root, days: 4, seed: 9 });
  grantRows = await writeGrantsSnapshot(root, ledger.lastDay);
});
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

const key = (file: string) => path.relative(root, file).split(path.sep).join("/");
const gunzipLines = (file: string) =>
  zlib
    .gunzipSync(fs.readFileSync(file))
    .toString()
    .split("\n")
    .filter((l) => l !== "");
/** The account an IAM or STS ARN names. */
const accountOfArn = (arn: string) => arn.split(":")[4];

interface TrailRecord {
  eventName: string;
  recipientAccountId: string;
  userIdentity: { accountId: string; arn: string; sessionContext?: { sessionIssuer: { arn: string; accountId: string } } };
  requestParameters: { workGroup?: string } | null;
  responseElements: { queryExecutionId?: string } | null;
}

describe("the generated org's two accounts", () => {
  it("lists both accounts, main first, and gives the second the main account's work group and database names", () => {
    expect(ledger.accounts).toEqual([ACCOUNT_ID, MARKETING_ACCOUNT_ID]);
    expect(ACCOUNTS).toEqual(ledger.accounts);
    const marketing = actorsOf(MARKETING_ACCOUNT_ID);
    expect(marketing.length).toBeGreaterThanOrEqual(2);
    expect(marketing.flatMap((a) => a.workGroups)).toContain("primary");
    expect(Object.keys(MARKETING_DATABASES).filter((d) => d in DATABASES)).toEqual(["clickstream"]);
    // Both accounts ran queries in a work group called primary and read a database called clickstream.
    for (const account of ACCOUNTS) {
      const own = ledger.queries.filter((q) => q.account === account);
      expect(own.some((q) => q.workGroup === "primary")).toBe(true);
      expect(own.some((q) => q.tables.some((t) => t.startsWith("clickstream.")))).toBe(true);
    }
  });

  it("writes each account's primary work group to its own history object, holding exactly that account's queries", () => {
    const byKey = new Map<string, LedgerEntry[]>();
    for (const q of ledger.queries) {
      const k = historyObjectKey({ account: q.account, region: q.region, dt: q.historyDay, workGroup: q.workGroup });
      byKey.set(k, [...(byKey.get(k) ?? []), q]);
    }
    const files = historyFiles({ root });
    expect(files.map(key).sort()).toEqual([...byKey.keys()].sort());
    for (const file of files) {
      const lines = gunzipLines(file).map((l) => JSON.parse(l) as HistoryLine);
      const expected = byKey.get(key(file))!;
      expect(lines.map((l) => l.QueryExecutionId).sort(), key(file)).toEqual(expected.map((q) => q.id).sort());
      expect(new Set(lines.map((l) => l.WorkGroup))).toEqual(new Set([parseHistoryPartition(key(file))!.workGroup]));
    }
    // The same day, region and work group name in both accounts: two objects, none overwritten.
    const day = ledger.lastDay;
    for (const account of ACCOUNTS) {
      const k = historyObjectKey({ account, region: "us-east-1", dt: day, workGroup: "primary" });
      expect(k).toBe(`athena-audit/history/account=${account}/region=us-east-1/dt=${day}/workgroup=primary/history.json.gz`);
      const lines = gunzipLines(path.join(root, k));
      const own = ledger.queries.filter(
        (q) => q.account === account && q.region === "us-east-1" && q.historyDay === day && q.workGroup === "primary",
      );
      expect(own.length, k).toBeGreaterThan(0);
      expect(lines).toHaveLength(own.length);
    }
    expect(files).toHaveLength(ledger.historyFiles);
  });

  it("names each query's account in every ARN of the ledger, and gives the marketing account no system table witness", () => {
    for (const q of ledger.queries) {
      if (q.attributed) expect([accountOfArn(q.principalArn!), accountOfArn(q.iamPrincipalArn!)], q.id).toEqual([q.account, q.account]);
      if (q.account === MARKETING_ACCOUNT_ID) expect(q.witness, q.id).toBeNull();
    }
    expect(ledger.queries.some((q) => q.account === ACCOUNT_ID && q.witness !== null)).toBe(true);
    const rows = systemTableFiles({ root }).flatMap((f) => gunzipLines(f).map((l) => JSON.parse(l) as { account_id: string }));
    expect(rows.length).toBeGreaterThan(0);
    expect(new Set(rows.map((r) => r.account_id))).toEqual(new Set([ACCOUNT_ID]));
  });

  it("delivers each account's CloudTrail into its own folder of the trail bucket, every record naming that account", () => {
    const started = new Map<string, Set<string>>(ACCOUNTS.map((a) => [a, new Set()]));
    for (const file of cloudTrailFiles({ root })) {
      const folder = parseCloudTrailKey(key(file))!;
      const { Records } = JSON.parse(zlib.gunzipSync(fs.readFileSync(file)).toString()) as { Records: TrailRecord[] };
      for (const r of Records) {
        const issuer = r.userIdentity.sessionContext?.sessionIssuer;
        expect([r.recipientAccountId, r.userIdentity.accountId, accountOfArn(r.userIdentity.arn)], key(file)).toEqual([
          folder.account,
          folder.account,
          folder.account,
        ]);
        if (issuer) expect([issuer.accountId, accountOfArn(issuer.arn)]).toEqual([folder.account, folder.account]);
        if (r.eventName === "StartQueryExecution" && r.responseElements?.queryExecutionId)
          started.get(folder.account)!.add(r.responseElements.queryExecutionId);
      }
    }
    for (const account of ACCOUNTS) {
      const attributed = ledger.queries.filter((q) => q.account === account && q.attributed).map((q) => q.id);
      expect(attributed.length, account).toBeGreaterThan(0);
      expect([...started.get(account)!].sort(), account).toEqual(attributed.sort());
    }
  });

  it("writes a grants snapshot per account, each holding only its own principals, one of them a grant nobody uses", () => {
    const files = grantsFiles({ root }).map(key).sort();
    expect(files).toEqual(ACCOUNTS.map((a) => grantsObjectKey(a, ledger.lastDay)).sort());
    let rows = 0;
    for (const account of ACCOUNTS) {
      const grants = gunzipLines(path.join(root, grantsObjectKey(account, ledger.lastDay))).map(
        (l) => JSON.parse(l) as { principal_arn: string; grant_kind: string; resource: string },
      );
      rows += grants.length;
      expect(new Set(grants.map((g) => g.principal_arn))).toEqual(
        new Set(declaredGrants(ledger.lastDay, account).map((g) => g.principalArn)),
      );
      expect(grants.every((g) => accountOfArn(g.principal_arn) === account)).toBe(true);
      if (account === MARKETING_ACCOUNT_ID) {
        const leads = grants.filter((g) => g.grant_kind === "database" && g.resource === "leads");
        expect(leads.length).toBeGreaterThan(0);
        expect(ledger.queries.some((q) => q.tables.some((t) => t.startsWith("leads.")))).toBe(false);
      }
    }
    expect(grantRows).toBe(rows);
    expect(declaredGrants(ledger.lastDay)).toHaveLength(
      ACCOUNTS.reduce((n, account) => n + declaredGrants(ledger.lastDay, account).length, 0),
    );
  });

  it("bills the main account's queries only: the bill is its Cost Explorer's answer", () => {
    const decimal = (items: LedgerEntry[]) =>
      items.reduce((n, q) => n + queryCostUsd({ bytesScanned: q.bytes, statementType: q.statementType, state: q.state }, "decimal"), 0);
    const inPeriod = ledger.queries.filter((q) => q.eventDay >= ledger.firstDay && q.eventDay <= ledger.lastDay);
    const billed = ledger.bill.days.reduce((n, d) => n + d.costUsd, 0) - ledger.bill.planted.costUsd;
    expect(billed).toBeCloseTo(decimal(inPeriod.filter((q) => q.account === ACCOUNT_ID)), 6);
    expect(decimal(inPeriod.filter((q) => q.account === MARKETING_ACCOUNT_ID))).toBeGreaterThan(0);
  });
});
