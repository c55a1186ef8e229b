/**
 * Reporting access for GitHub Actions: an OIDC provider (or an existing one) and a role only the
 * configured repository's workflows can assume, allowed to run the audit's queries and read their
 * results. No stored keys.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { githubTrust, PolicyDocument, toJson } from "../policies";
import { PRODUCT } from "../../core/names";

export interface ReportingAccessArgs {
  repository: string;
  existingProviderArn?: string;
  policy: pulumi.Input<PolicyDocument>;
}

export class ReportingAccess extends pulumi.ComponentResource {
  readonly roleArn: pulumi.Output<string>;

  constructor(name: string, args: ReportingAccessArgs, opts?: pulumi.ComponentResourceOptions) {
    super(`${PRODUCT}:reporting:ReportingAccess`, name, {}, opts);
    const providerArn = args.existingProviderArn
      ? pulumi.output(args.existingProviderArn)
      : new aws.iam.OpenIdConnectProvider(
          name,
          {
            url: "https://token.actions.githubusercontent.com",
            clientIdLists: ["sts.amazonaws.com"],
          },
          { parent: this },
        ).arn;
    const role = new aws.iam.Role(
      name,
      {
        description: `${PRODUCT} reports, assumable only by ${args.repository}'s workflows`,
        assumeRolePolicy: providerArn.apply((arn) => toJson(githubTrust(arn, args.repository))),
        maxSessionDuration: 3600,
      },
      { parent: this },
    );
    new aws.iam.RolePolicy(name, { role: role.id, policy: pulumi.output(args.policy).apply(toJson) }, { parent: this });
    this.roleArn = role.arn;
    this.registerOutputs({ roleArn: this.roleArn });
  }
}
