/**
 * A local CloudTrail speaking the JSON 1.1 protocol (POST /, `X-Amz-Target:
 * CloudTrail_20131101.<Operation>`) for DescribeTrails, GetTrailStatus and GetEventSelectors, the
 * calls the grants collector makes. Every request is checked against botocore's model of CloudTrail
 * and refused (400 ValidationException) when AWS would refuse it; every answer is checked too. A
 * trail can be made to fail a call, as an organization trail read from a member may.
 */
import * as http from "node:http";
import { listen } from "./iam/recorder";
import { botocoreModel, shapeProblems } from "./botocore-model";

export interface LocalTrail {
  trail: Record<string, unknown> & { TrailARN: string; Name: string; HomeRegion: string };
  isLogging: boolean;
  selectors: { EventSelectors?: unknown[]; AdvancedEventSelectors?: unknown[] };
  /** Operations this trail fails, with the error code AWS would answer. */
  fails?: Partial<Record<"GetTrailStatus" | "GetEventSelectors", string>>;
}

export interface CloudTrailServer {
  url: string;
  /** Requests answered, as `<operation> <region> <trail name or ARN>`. */
  readonly requests: string[];
  close(): Promise<void>;
}

const model = botocoreModel("cloudtrail");
const PREFIX = "CloudTrail_20131101.";

/** `trails`: every trail the caller can see (shadow trails included), in the order DescribeTrails lists them. */
export async function startCloudTrailServer(trails: LocalTrail[], options: { describeFails?: string } = {}): Promise<CloudTrailServer> {
  const requests: string[] = [];
  const find = (name: unknown) => trails.find((t) => t.trail.TrailARN === name || t.trail.Name === name);
  const answer = (operation: string, input: Record<string, unknown>): [number, unknown] => {
    switch (operation) {
      case "DescribeTrails":
        if (options.describeFails) return [400, { __type: options.describeFails, message: "refused" }];
        // Shadow trails are listed unless asked not to (the default is true).
        return [
          200,
          { trailList: trails.filter((t) => input.includeShadowTrails !== false || !t.trail.IsMultiRegionTrail).map((t) => t.trail) },
        ];
      case "GetTrailStatus":
      case "GetEventSelectors": {
        const trail = find(operation === "GetTrailStatus" ? input.Name : input.TrailName);
        if (!trail) return [400, { __type: "TrailNotFoundException", message: "Unknown trail" }];
        const fails = trail.fails?.[operation];
        if (fails) return [400, { __type: fails, message: `${operation} refused for ${trail.trail.TrailARN}` }];
        if (operation === "GetTrailStatus") return [200, { IsLogging: trail.isLogging }];
        return [200, { TrailARN: trail.trail.TrailARN, ...trail.selectors }];
      }
      default:
        return [400, { __type: "UnknownOperationException", message: operation }];
    }
  };
  const server = http.createServer((req, res) => {
    let body = "";
    req.on("data", (c: Buffer) => (body += c.toString()));
    req.on("end", () => {
      const target = String(req.headers["x-amz-target"] ?? "");
      const operation = target.startsWith(PREFIX) ? target.slice(PREFIX.length) : "";
      const input = (body ? JSON.parse(body) : {}) as Record<string, unknown>;
      const region = /Credential=[^/]+\/\d+\/([^/]+)\//.exec(req.headers.authorization ?? "")?.[1] ?? "?";
      const spec = model.operations[operation];
      const send = (status: number, payload: unknown) => {
        res.writeHead(status, { "content-type": "application/x-amz-json-1.1", "x-amzn-requestid": `req-${requests.length}` });
        res.end(JSON.stringify(payload));
      };
      if (!spec || req.headers["content-type"] !== "application/x-amz-json-1.1") {
        send(400, { __type: "UnknownOperationException", message: `${target} (${String(req.headers["content-type"])})` });
        return;
      }
      const problems = shapeProblems(model, spec.input!.shape, input);
      if (problems.length > 0) {
        send(400, { __type: "ValidationException", message: problems.join("; ") });
        return;
      }
      const trailName = typeof input.Name === "string" ? input.Name : typeof input.TrailName === "string" ? input.TrailName : "";
      requests.push(`${operation} ${region} ${trailName}`.trim());
      const [status, payload] = answer(operation, input);
      const wrong = status === 200 ? shapeProblems(model, spec.output!.shape, payload) : [];
      if (wrong.length > 0) throw new Error(`the local CloudTrail's ${operation} answer is not AWS's shape: ${wrong.join("; ")}`);
      send(status, payload);
    });
  });
  const listening = await listen(server);
  return { url: listening.url, requests, close: () => listening.close() };
}
