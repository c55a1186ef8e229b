/**
 * Records every AWS call the code under test makes, as the IAM checks AWS would make for it. A
 * recording proxy stands in front of a local protocol server (Athena and Glue's JSON 1.1, IAM's
 * query protocol, Lake Formation's REST-JSON): it names the caller by the access key id the SDK
 * signed with, forwards the request unchanged, and maps operation, input and answer to IAM
 * requests (plus what the service then does on the caller's behalf).
 */
import * as http from "node:http";
import type { AddressInfo } from "node:net";
import { IamRequest } from "./simulate";

export type Request = Omit<IamRequest, "principal">;

export interface RecordedCall {
  principal: string;
  service: string;
  operation: string;
  requests: IamRequest[];
  /** Set when the local server refused the call as AWS would (403). */
  denied?: string;
}

export class CallLog {
  readonly calls: RecordedCall[] = [];

  record(call: RecordedCall): void {
    this.calls.push(call);
  }

  /** The IAM requests made by (or on behalf of) `principal`, or by everyone. */
  requests(principal?: string): IamRequest[] {
    return this.calls.filter((c) => principal === undefined || c.principal === principal).flatMap((c) => c.requests);
  }
}

/** The access key id in a SigV4 `Authorization` header (`Credential=AKID/date/region/service/...`). */
export function accessKeyOf(headers: http.IncomingHttpHeaders): string {
  return /Credential=([^/,\s]+)\//.exec(headers.authorization ?? "")?.[1] ?? "anonymous";
}

export function readBody(req: http.IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => resolve(Buffer.concat(chunks)));
    req.on("error", reject);
  });
}

/** Sends a request on to `target` and returns the whole answer; `keepHost` leaves the Host the caller signed. */
export function forward(
  target: string,
  req: http.IncomingMessage,
  body: Buffer,
  headers: http.IncomingHttpHeaders = req.headers,
  keepHost = false,
): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: Buffer }> {
  const url = new URL(req.url ?? "/", target);
  return new Promise((resolve, reject) => {
    const out = http.request(url, { method: req.method, headers: keepHost ? headers : { ...headers, host: url.host } }, (res) => {
      readBody(res).then((b) => resolve({ status: res.statusCode ?? 500, headers: res.headers, body: b }), reject);
    });
    out.on("error", reject);
    out.end(body);
  });
}

export function listen(server: http.Server): Promise<{ url: string; close(): Promise<void> }> {
  return new Promise((resolve) => {
    server.listen(0, "127.0.0.1", () => {
      server.unref();
      resolve({
        url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
        close: () => new Promise<void>((done) => server.close(() => done())),
      });
    });
  });
}

/** The operation a request names, in each protocol's own way. */
function operationOf(req: http.IncomingMessage, body: string): string {
  const target = req.headers["x-amz-target"];
  if (target) return String(target);
  const action = /(?:^|&)Action=([A-Za-z]+)/.exec(body)?.[1];
  if (action) return action;
  return (req.url ?? "/").replace(/^\//, "").replace(/\?.*$/s, "");
}

export type OperationMapper = (operation: string, input: Record<string, unknown>, output: Record<string, unknown>) => Request[];

/**
 * A recording proxy for `target`, mapping each call with `map`. `signed`: the target checks the
 * Signature V4 (the SNS and Security Hub servers), so the request reaches it as signed, Host too.
 */
export async function startRecordingProxy(options: {
  service: string;
  target: string;
  log: CallLog;
  map: OperationMapper;
  signed?: boolean;
}) {
  const server = http.createServer((req, res) => {
    void (async () => {
      const body = await readBody(req);
      const text = body.toString("utf8");
      const operation = operationOf(req, text);
      const answer = await forward(options.target, req, body, req.headers, options.signed);
      const parse = (raw: string): Record<string, unknown> => {
        try {
          return raw.startsWith("{") ? (JSON.parse(raw) as Record<string, unknown>) : Object.fromEntries(new URLSearchParams(raw));
        } catch {
          return {};
        }
      };
      if (answer.status < 300) {
        const principal = accessKeyOf(req.headers);
        try {
          const requests = options.map(operation, parse(text), parse(answer.body.toString("utf8"))).map((r) => ({ ...r, principal }));
          options.log.record({ principal, service: options.service, operation, requests });
        } catch (error) {
          // An operation the contract cannot map must fail the contract, not pass unseen.
          options.log.record({ principal, service: options.service, operation, requests: [], denied: (error as Error).message });
        }
      }
      res.writeHead(answer.status, answer.headers);
      res.end(answer.body);
    })();
  });
  return listen(server);
}
