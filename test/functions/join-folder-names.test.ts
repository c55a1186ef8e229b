/**
 * The Lambda join's history listing checks folder names where they enter (issue 23, part 3): a
 * work-group folder named outside Athena's grammar (`a,b` would split the enum into two values)
 * never reaches UpdateTable, an account folder that is no account id never becomes a listed
 * prefix, and neither fails the run: each is skipped, named and logged. Real s3rver, real Glue
 * table parameters (the local Glue operations over the Pulumi program's table specs).
 */
import * as s3sdk from "@aws-sdk/client-s3";
import { GlueClient } from "@aws-sdk/client-glue";
import { beforeAll, describe, expect, it } from "vitest";
import { keepWorkGroupsProjected } from "../../functions/join/work-groups";
import { historyTable } from "../../pulumi/glue";
import { historyObjectKey } from "../../core/layout";
import { WORK_GROUP_VALUES } from "../../core/work-groups";
import { cleanupAfterAll } from "../support/cleanup";
import { AthenaServer, startAthenaServer } from "../support/athena-server";
import { LocalGlueTables } from "../support/glue-tables";
import { LocalS3, startS3 } from "../support/s3";
import { captureLog } from "../support/log-capture";

const BUCKET = "athena-audit-audit-main";
const PREFIX = "athena-audit";
const DATABASE = "athena_audit";
const REGION = "us-east-1";
const MAIN = "123456789012";
const DAY = "2026-11-19";

let s3: LocalS3;
let athena: AthenaServer;
const glue = new LocalGlueTables(MAIN);

const cleanUp = cleanupAfterAll();
beforeAll(async () => {
  s3 = await startS3(BUCKET);
  cleanUp(() => s3.close());
  glue.loadSpecs(DATABASE, [historyTable(BUCKET, PREFIX, [REGION], ["primary"], [MAIN])]);
  athena = await startAthenaServer({ operations: glue.operations() });
  cleanUp(() => athena.close());
});

describe("history folder names in the Lambda join", () => {
  it("projects the new good work group, skips and names a comma work group and a non-account folder", async () => {
    const put = (account: string, workGroup: string) =>
      s3.client.send(
        new s3sdk.PutObjectCommand({
          Bucket: BUCKET,
          Key: historyObjectKey({ account, region: REGION, dt: DAY, workGroup }, PREFIX),
          Body: "x",
        }),
      );
    await put(MAIN, "primary");
    await put(MAIN, "late");
    await put(MAIN, "a,b");
    await put("12345", "primary");
    const log = captureLog();
    const credentials = { accessKeyId: "S3RVER", secretAccessKey: "S3RVER" };
    const check = await keepWorkGroupsProjected([DAY], {
      s3: new s3sdk.S3Client({ endpoint: s3.url, forcePathStyle: true, region: REGION, credentials }),
      glue: new GlueClient({ endpoint: athena.url, region: REGION, credentials }),
      config: { bucket: BUCKET, prefix: PREFIX, database: DATABASE, regions: [REGION] },
      log,
    });
    const skipped = [
      'folder "account=12345": "12345" is not an account id (12 digits)',
      'folder "workgroup=a,b": "a,b" is not a work-group name ([a-zA-Z0-9._-], 1 to 128)',
    ];
    expect(check).toMatchObject({ added: ["late"], projected: ["primary", "late"], unprojectable: [], skipped });
    expect(check.history.map((h) => h.workGroup).sort()).toEqual(["late", "primary"]);
    // The enum holds exactly two values: "a,b" would have made it four.
    expect(glue.table(DATABASE, "history")!.Parameters[WORK_GROUP_VALUES]).toBe("primary,late");
    expect(log.records.find((r) => r.step === "history-folders-skipped")).toEqual({
      level: "ERROR",
      step: "history-folders-skipped",
      folders: 2,
      skipped,
    });
  });
});
