/** Lambda entry point of the grants collector (main region, daily). Input: `{}`. */
import * as athenaClient from "@aws-sdk/client-athena";
import * as glueClient from "@aws-sdk/client-glue";
import * as iamClient from "@aws-sdk/client-iam";
import * as lakeFormationClient from "@aws-sdk/client-lakeformation";
import * as config from "../shared/config";
import * as logging from "../shared/log";
import * as s3 from "../shared/s3";
import * as collect from "./collect";

export async function handler(): Promise<collect.GrantsSummary> {
  const log = logging.jsonLogger("grants-collector");
  try {
    const settings = config.collectorConfig();
    const retry = { retryMode: "adaptive", maxAttempts: 8 } as const;
    return await collect.collectGrants({
      iam: new iamClient.IAMClient(retry),
      lakeFormation: config.lakeFormationEnabled() ? new lakeFormationClient.LakeFormationClient(retry) : undefined,
      glue: new glueClient.GlueClient(retry),
      athena: new athenaClient.AthenaClient(retry),
      s3: s3.createS3Client(),
      bucket: settings.bucket,
      prefix: settings.prefix,
      log,
    });
  } catch (error) {
    log.error("failed", { reason: (error as Error).message });
    throw error;
  }
}
