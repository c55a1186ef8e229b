/**
 * SNS Publish and Security Hub BatchImportFindings, failing with what the service said. Each SDK
 * client is loaded on its first use: most finished queries alert nobody, and a cold start that
 * loaded both for nothing would pay for them on every new container.
 */
import type * as SecurityHub from "@aws-sdk/client-securityhub";
import type * as Sns from "@aws-sdk/client-sns";
import { AuditError } from "../../core/errors";

/** Publishes to a topic (its message id), the SNS client made at the first alert. */
export function snsPublisher(topicArn: string, options: Sns.SNSClientConfig): (subject: string, message: string) => Promise<string> {
  let client: Promise<{ sdk: typeof Sns; client: Sns.SNSClient }> | undefined;
  return async (subject, message) => {
    const { sdk, client: sns } = await (client ??= import("@aws-sdk/client-sns").then((sdk) => ({
      sdk,
      client: new sdk.SNSClient(options),
    })));
    const answer = await sns.send(new sdk.PublishCommand({ TopicArn: topicArn, Subject: subject, Message: message }));
    if (!answer.MessageId) throw new AuditError(`SNS Publish to ${topicArn} answered no message id`);
    return answer.MessageId;
  };
}

/** Imports findings into Security Hub, failing on the first it refused (it answers 200 for those); the client made at first use. */
export function findingsImporter(options: SecurityHub.SecurityHubClientConfig): (findings: readonly object[]) => Promise<void> {
  let client: Promise<{ sdk: typeof SecurityHub; client: SecurityHub.SecurityHubClient }> | undefined;
  return async (findings) => {
    const { sdk, client: hub } = await (client ??= import("@aws-sdk/client-securityhub").then((sdk) => ({
      sdk,
      client: new sdk.SecurityHubClient(options),
    })));
    const answer = await hub.send(new sdk.BatchImportFindingsCommand({ Findings: findings as SecurityHub.AwsSecurityFinding[] }));
    const [first] = answer.FailedFindings ?? [];
    if ((answer.FailedCount ?? 0) > 0 || first)
      throw new AuditError(`Security Hub refused finding ${first?.Id ?? "?"}: ${first?.ErrorCode ?? ""} ${first?.ErrorMessage ?? ""}`);
  };
}
