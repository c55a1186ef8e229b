/**
 * A local server speaking IAM's query protocol for GetAccountAuthorizationDetails: a form-encoded
 * POST, an XML answer with `member` lists, paged with `Marker`/`IsTruncated`, and policy documents
 * URL-encoded as IAM sends them (the SDK hands them on encoded). Fed with a real dump.
 */
import * as http from "node:http";
import type { AddressInfo } from "node:net";
import { toIsoTimestamp } from "../../core/history-record";

type Dump = Record<string, Record<string, unknown>[]>;
const LISTS = ["UserDetailList", "GroupDetailList", "RoleDetailList", "Policies"];
const DOCUMENT_KEYS = new Set(["PolicyDocument", "Document", "AssumeRolePolicyDocument"]);

function escape(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

function xml(name: string, value: unknown): string {
  if (value === null || value === undefined) return "";
  if (DOCUMENT_KEYS.has(name))
    return `<${name}>${escape(encodeURIComponent(typeof value === "string" ? value : JSON.stringify(value)))}</${name}>`;
  if (name.endsWith("Date") && typeof value !== "object") return `<${name}>${toIsoTimestamp(value)}</${name}>`;
  if (Array.isArray(value)) return `<${name}>${value.map((v) => xml("member", v)).join("")}</${name}>`;
  if (typeof value === "object")
    return `<${name}>${Object.entries(value)
      .map(([k, v]) => xml(k, v))
      .join("")}</${name}>`;
  if (typeof value !== "string" && typeof value !== "number" && typeof value !== "boolean" && typeof value !== "bigint")
    throw new Error(`${name}: a ${typeof value} cannot be written as IAM XML`);
  return `<${name}>${escape(String(value))}</${name}>`;
}

export interface IamServer {
  url: string;
  calls: number;
  close(): Promise<void>;
}

export async function startIamServer(dump: Dump, pageSize: number): Promise<IamServer> {
  const pages = Math.max(1, ...LISTS.map((l) => Math.ceil((dump[l]?.length ?? 0) / pageSize)));
  const state = { calls: 0 };
  const server = http.createServer((req, res) => {
    let body = "";
    req.on("data", (c: Buffer) => (body += c.toString()));
    req.on("end", () => {
      state.calls++;
      const form = new URLSearchParams(body);
      if (form.get("Action") !== "GetAccountAuthorizationDetails") {
        res.writeHead(400, { "content-type": "text/xml" });
        res.end(
          "<ErrorResponse><Error><Type>Sender</Type><Code>InvalidAction</Code>" +
            `<Message>${escape(String(form.get("Action")))}</Message></Error><RequestId>r</RequestId></ErrorResponse>`,
        );
        return;
      }
      const page = Number(form.get("Marker") ?? 0);
      const parts = LISTS.map((l) => xml(l, (dump[l] ?? []).slice(page * pageSize, (page + 1) * pageSize))).join("");
      const more = page + 1 < pages;
      const result = `${parts}<IsTruncated>${String(more)}</IsTruncated>${more ? `<Marker>${page + 1}</Marker>` : ""}`;
      res.writeHead(200, { "content-type": "text/xml" });
      res.end(
        `<GetAccountAuthorizationDetailsResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/"><GetAccountAuthorizationDetailsResult>${result}</GetAccountAuthorizationDetailsResult><ResponseMetadata><RequestId>req-${state.calls}</RequestId></ResponseMetadata></GetAccountAuthorizationDetailsResponse>`,
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  server.unref();
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    get calls() {
      return state.calls;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
