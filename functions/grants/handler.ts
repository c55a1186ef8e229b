/** Lambda entry point of the grants collector (main region, daily). Input: `{}`. */
import * as athenaClient from "@aws-sdk/client-athena";
import * as cloudTrailClient from "@aws-sdk/client-cloudtrail";
import * as glueClient from "@aws-sdk/client-glue";
import * as iamClient from "@aws-sdk/client-iam";
import * as lakeFormationClient from "@aws-sdk/client-lakeformation";
import * as config from "../runtime/config";
import { lambdaHandler } from "../runtime/handler";
import * as s3 from "../runtime/s3";
import * as collect from "./collect";

const RETRY = { retryMode: "adaptive", maxAttempts: 8 } as const;

export const handler = lambdaHandler("grants-collector", (_event: unknown, log) => {
  const settings = config.grantsCollectorConfig();
  return collect.collectGrants({
    iam: new iamClient.IAMClient(RETRY),
    lakeFormation: settings.lakeFormation ? new lakeFormationClient.LakeFormationClient(RETRY) : undefined,
    glue: new glueClient.GlueClient(RETRY),
    athena: new athenaClient.AthenaClient(RETRY),
    cloudTrail: (region) => new cloudTrailClient.CloudTrailClient({ ...RETRY, ...(region ? { region } : {}) }),
    lakeTrail: settings.lakeTrail,
    s3: s3.createS3Client(),
    bucket: settings.bucket,
    prefix: settings.prefix,
    account: settings.account,
    log,
  });
});
