/**
 * A local HTTP server speaking Security Hub's rest-json protocol for BatchImportFindings (POST
 * /findings/import), for pointing a client at with AWS_ENDPOINT_URL_SECURITYHUB. The request is
 * checked against botocore's model (400 InvalidInputException, as AWS answers a malformed batch);
 * each finding then as Security Hub checks it, refused in FailedFindings with the others imported:
 * ASFF's required fields (the model's, and Types and Severity, which the finding format requires
 * of a new finding), Title up to 256 characters, Description up to 1,024, at most 240 KB, and the
 * default product ARN of the finding's own account in the server's region. Findings are kept by Id
 * (a second import of an Id updates it).
 */
import * as http from "node:http";
import type { AddressInfo } from "node:net";
import { botocoreModel, shapeProblems } from "./botocore-model";
import { signatureProblems } from "./sns-server";

const model = botocoreModel("securityhub");

export interface SecurityHubServer {
  url: string;
  findings: Map<string, Record<string, unknown>>;
  /** Each finding refused, with its error. */
  failed: { id: string; code: string; message: string }[];
  imports: number;
  close(): Promise<void>;
}

/** Why Security Hub would refuse one finding of a well-formed batch, or undefined. */
export function findingProblem(finding: Record<string, unknown>, region: string): string | undefined {
  for (const field of ["Types", "Severity"])
    if (finding[field] === undefined) return `Finding does not adhere to ASFF: ${field} is required`;
  const text = (k: string) => (typeof finding[k] === "string" ? finding[k] : "");
  if (Array.from(text("Title")).length > 256) return "Title must be at most 256 characters";
  if (Array.from(text("Description")).length > 1024) return "Description must be at most 1024 characters";
  if (Buffer.byteLength(JSON.stringify(finding)) > 240 * 1024) return "Finding is larger than 240 KB";
  const account = text("AwsAccountId");
  const product = `arn:aws:securityhub:${region}:${account}:product/${account}/default`;
  if (text("ProductArn") !== product) return `ProductArn must be ${product}, got ${text("ProductArn")}`;
  for (const t of (finding.Types as string[] | undefined) ?? []) if (t.split("/").length > 3) return `Type ${t} has more than three parts`;
  return undefined;
}

export async function startSecurityHubServer(options: { region?: string } = {}): Promise<SecurityHubServer> {
  const region = options.region ?? "us-east-1";
  const findings = new Map<string, Record<string, unknown>>();
  const failed: SecurityHubServer["failed"] = [];
  let imports = 0;
  const json = (res: http.ServerResponse, status: number, body: unknown) => {
    res.writeHead(status, { "content-type": "application/json" });
    res.end(JSON.stringify(body));
  };
  const respond = async (req: http.IncomingMessage, res: http.ServerResponse, body: string) => {
    const signature = await signatureProblems(req, body, "securityhub", region);
    if (signature.length > 0) {
      json(res, 403, { message: signature.join("; ") });
      return;
    }
    if (req.method !== "POST" || req.url !== "/findings/import") {
      json(res, 404, { message: `no route ${String(req.url)}` });
      return;
    }
    let input: Record<string, unknown>;
    try {
      input = JSON.parse(body) as Record<string, unknown>;
    } catch {
      json(res, 400, { message: "request body is not JSON" });
      return;
    }
    const problems = shapeProblems(model, "BatchImportFindingsRequest", input);
    if (problems.length > 0) {
      json(res, 400, { __type: "InvalidInputException", message: problems.join("; ") });
      return;
    }
    imports++;
    const failures: { Id: string; ErrorCode: string; ErrorMessage: string }[] = [];
    for (const finding of input.Findings as Record<string, unknown>[]) {
      const id = String(finding.Id);
      const problem = findingProblem(finding, region);
      if (problem) {
        failures.push({ Id: id, ErrorCode: "InvalidInput", ErrorMessage: problem });
        failed.push({ id, code: "InvalidInput", message: problem });
      } else findings.set(id, finding);
    }
    const total = (input.Findings as unknown[]).length;
    json(res, 200, { FailedCount: failures.length, SuccessCount: total - failures.length, FailedFindings: failures });
  };
  const server = http.createServer((req, res) => {
    let body = "";
    req.setEncoding("utf8");
    req.on("data", (chunk: string) => (body += chunk));
    req.on("end", () => void respond(req, res, body));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  server.unref();
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    findings,
    failed,
    get imports() {
      return imports;
    },
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
