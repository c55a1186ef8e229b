/** The settings of issue 27's rules (newcomer, drift, seasons, spread-out probing): checked by name, and passed to the SQL. */
import { describe, expect, it } from "vitest";
import { anomalySettings, DEFAULT_ANOMALY_SETTINGS } from "../../core/anomaly-settings";
import { anomalyParameters, savedQuerySql, SAVED } from "../../queries/saved";
import { parameterNames } from "../../queries/parameters";

const PERIOD = { from: "2026-08-03", to: "2026-10-31" };

describe("the trend settings", () => {
  it("default to what the docs state", () => {
    expect(DEFAULT_ANOMALY_SETTINGS).toMatchObject({
      seasonalRatio: 4,
      driftMads: 15,
      newcomerCeilingBytes: 5 * 1024 ** 4,
      probingDayFailures: 20,
    });
  });

  it.each(["seasonalRatio", "driftMads", "newcomerCeilingBytes", "probingDayFailures"])(
    "refuse a %s that is not a positive number",
    (key) => {
      expect(() => anomalySettings({ [key]: 0 })).toThrow(`${key} must be a positive number, got 0`);
      expect(() => anomalySettings({ [key]: "4" })).toThrow(`${key} must be a positive number, got "4"`);
    },
  );

  it("reach the SQL as its parameters, each one the SQL uses", () => {
    const s = anomalySettings({ seasonalRatio: 3, driftMads: 12, newcomerCeilingBytes: 2 * 1024 ** 4, probingDayFailures: 30 });
    const parameters = anomalyParameters(PERIOD, s);
    expect(parameters).toMatchObject({
      seasonal_ratio: 3,
      drift_mads: 12,
      newcomer_ceiling_bytes: 2 * 1024 ** 4,
      probing_day_failures: 30,
    });
    expect(parameterNames(savedQuerySql(SAVED.anomalies)).sort()).toEqual(Object.keys(parameters).sort());
  });
});
