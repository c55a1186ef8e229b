/**
 * A local HTTP server speaking Cost Explorer's AWS JSON 1.1 protocol (POST /, `X-Amz-Target:
 * AWSInsightsIndexService.GetCostAndUsage`), for pointing the real SDK client at with
 * AWS_ENDPOINT_URL_COST_EXPLORER. It answers each requested day from `dayGroups`, one day a page
 * (so the collector must follow NextPageToken), and records every request.
 */
import * as http from "node:http";
import type { AddressInfo } from "node:net";
import type { GetCostAndUsageRequest, Group } from "@aws-sdk/client-cost-explorer";
import { addDays } from "../../core/days";

export interface CostExplorerServer {
  url: string;
  requests: { target: string | undefined; authorization: string | undefined; body: GetCostAndUsageRequest }[];
  close(): Promise<void>;
}

export async function startCostExplorerServer(
  dayGroups: (day: string) => Group[],
  estimated: (day: string) => boolean,
): Promise<CostExplorerServer> {
  const requests: CostExplorerServer["requests"] = [];
  const server = http.createServer((req, res) => {
    let text = "";
    req.on("data", (chunk: Buffer) => (text += chunk.toString()));
    req.on("end", () => {
      const target = req.headers["x-amz-target"] as string | undefined;
      const body = JSON.parse(text || "{}") as GetCostAndUsageRequest;
      requests.push({ target, authorization: req.headers.authorization, body });
      if (target !== "AWSInsightsIndexService.GetCostAndUsage") {
        res.writeHead(400, { "content-type": "application/x-amz-json-1.1" });
        res.end(JSON.stringify({ __type: "UnknownOperationException", message: `unknown ${String(target)}` }));
        return;
      }
      const start = body.NextPageToken ?? body.TimePeriod!.Start!;
      const end = addDays(start, 1);
      const next = end < body.TimePeriod!.End! ? end : undefined;
      res.writeHead(200, { "content-type": "application/x-amz-json-1.1" });
      res.end(
        JSON.stringify({
          GroupDefinitions: body.GroupBy,
          ResultsByTime: [{ TimePeriod: { Start: start, End: end }, Total: {}, Groups: dayGroups(start), Estimated: estimated(start) }],
          DimensionValueAttributes: [],
          ...(next ? { NextPageToken: next } : {}),
        }),
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
