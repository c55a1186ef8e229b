/** The anomaly settings: every key checked with an error that names it, and the parameters the SQL gets. */
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { anomalySettings, DEFAULT_ANOMALY_SETTINGS, readAnomalySettings } from "../../core/anomaly-settings";
import { anomalyParameters } from "../../queries/saved";
import { tempDir } from "../support/lake";

describe("anomaly settings", () => {
  it("take every key as optional, over the defaults", () => {
    expect(anomalySettings({})).toEqual(DEFAULT_ANOMALY_SETTINGS);
    const s = anomalySettings({ volumeMads: 8, sensitive: ["hr", "finance.ledger"], knownBuckets: ["northwind-lake"] });
    expect([s.volumeMads, s.sensitive, s.knownBuckets, s.baselineDays]).toEqual([8, ["hr", "finance.ledger"], ["northwind-lake"], 35]);
  });

  it.each([
    [[], "anomaly settings must be a JSON object"],
    [{ volumeMad: 8 }, "unknown setting volumeMad"],
    [{ volumeMads: "8" }, 'volumeMads must be a positive number, got "8"'],
    [{ baselineDays: 0 }, "baselineDays must be a positive number, got 0"],
    [{ downloadFloorObjects: -1 }, "downloadFloorObjects must be a positive number, got -1"],
    [{ downloadFloorBytes: "1 GiB" }, 'downloadFloorBytes must be a positive number, got "1 GiB"'],
    [{ volumeFloorCalls: null }, "volumeFloorCalls must be a positive number, got null"],
    [{ sensitive: "hr" }, "sensitive must be a list of a database or database.table (lower case)"],
    [{ sensitive: ["HR"] }, 'sensitive[0] must be a database or database.table (lower case), got "HR"'],
    [
      { announcements: [{ resource: "Marketing", from: "2026-10-06" }] },
      'announcements[0].resource must be a database or database.table (lower case), got "Marketing"',
    ],
    [{ knownBuckets: ["s3://northwind-lake"] }, 'knownBuckets[0] must be an S3 bucket name, got "s3://northwind-lake"'],
    [{ announcements: [{ resource: "marketing" }] }, "announcements[0].from must be a day (YYYY-MM-DD)"],
    [{ announcements: [{ resource: "marketing", from: "2026-13-01" }] }, "announcements[0].from"],
  ])("refuse %j, naming the key", (raw, message) => {
    expect(() => anomalySettings(raw)).toThrow(message);
  });

  it("read from a file, naming it when it is not JSON", () => {
    const dir = tempDir("anomaly-settings");
    const file = path.join(dir, "settings.json");
    fs.writeFileSync(file, JSON.stringify({ sensitive: ["hr"], announcements: [{ resource: "clickstream", from: "2026-10-06" }] }));
    expect(readAnomalySettings(file).announcements).toEqual([{ resource: "clickstream", from: "2026-10-06" }]);
    fs.writeFileSync(file, "{ sensitive: ");
    expect(() => readAnomalySettings(file)).toThrow(`anomaly settings ${file}:`);
    expect(readAnomalySettings(undefined)).toBe(DEFAULT_ANOMALY_SETTINGS);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it("reach the SQL as single literals: lists comma-framed, the lookback a day", () => {
    const s = anomalySettings({ sensitive: ["hr", "finance.ledger"], announcements: [{ resource: "clickstream", from: "2026-10-06" }] });
    expect(anomalyParameters({ from: "2026-08-03", to: "2026-10-31" }, s)).toMatchObject({
      window_from: "2026-08-03",
      lookback_from: "2026-05-05",
      sensitive: ",hr,finance.ledger,",
      announced: ",clickstream@2026-10-06,",
      known_buckets: ",,",
    });
  });

  it("give the direct-download floors and the catalog-call floor their defaults, or the file's values", () => {
    expect(anomalyParameters({ from: "2026-08-03", to: "2026-10-31" }, DEFAULT_ANOMALY_SETTINGS)).toMatchObject({
      download_floor_bytes: 1024 ** 3,
      download_floor_objects: 100,
      volume_floor_calls: 500,
    });
    const s = anomalySettings({ downloadFloorBytes: 5 * 1024 ** 3, downloadFloorObjects: 20, volumeFloorCalls: 2000 });
    expect(anomalyParameters({ from: "2026-08-03", to: "2026-10-31" }, s)).toMatchObject({
      download_floor_bytes: 5 * 1024 ** 3,
      download_floor_objects: 20,
      volume_floor_calls: 2000,
    });
  });
});
