/**
 * Runs once before any test file: builds what the Pulumi tests plan from (the Lambda bundles and the
 * compiled program), so the five files that need it do not each build it again. `build()` in
 * test/pulumi/plan.ts skips when this ran (the forks inherit the environment).
 */
import { build } from "./pulumi/plan";
import { skippedRenderingLine } from "./support/render-tools";

export default function setup(): void {
  const skipped = skippedRenderingLine();
  if (skipped) console.log(skipped);
  build();
  process.env.ATHENA_AUDIT_TEST_BUILT = "1";
}
