/** The gate's checks as JUnit XML: one test case per arm x metric, so Jenkins and GitLab show them. */
import type { GateResult, RunSummary } from '../contract/summary.js';

function escapeXml(value: string): string {
  return value
    .replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;')
    // Characters XML 1.0 cannot carry at all.
    // eslint-disable-next-line no-control-regex
    .replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F]/g, '');
}

/**
 * `time` of a test case is the arm's deploy time (what the check is about), so CI dashboards
 * that chart test durations chart deployments.
 */
export function renderJunit(result: GateResult, summary: Pick<RunSummary, 'scenario' | 'arms'>, timestamp: string): string {
  const suiteName = summary.scenario;
  const armTimeS = new Map(summary.arms.map((arm) => [arm.name, arm.deployTimeS ?? 0]));
  const totalS = [...armTimeS.values()].reduce((sum, value) => sum + value, 0);
  const failures = result.checks.filter((check) => !check.passed).length;
  const cases = result.checks.map((check) => {
    const name = escapeXml(`${check.arm} ${check.metric} (${check.kind})`);
    const className = escapeXml(`vdibench.${suiteName}.${check.arm}`);
    const body = check.passed
      ? `<system-out>${escapeXml(check.message)}</system-out>`
      : `<failure message="${escapeXml(check.message)}" type="${check.kind}">${escapeXml(`${check.message}; limit: ${check.limit}`)}</failure>`;
    return `    <testcase name="${name}" classname="${className}" time="${(armTimeS.get(check.arm) ?? 0).toFixed(3)}">${body}</testcase>`;
  });
  return `<?xml version="1.0" encoding="UTF-8"?>
<testsuites name="vdibench" tests="${result.checks.length}" failures="${failures}" time="${totalS.toFixed(3)}">
  <testsuite name="${escapeXml(suiteName)}" tests="${result.checks.length}" failures="${failures}" errors="0" skipped="0" time="${totalS.toFixed(3)}" timestamp="${escapeXml(timestamp)}">
${cases.join('\n')}
  </testsuite>
</testsuites>
`;
}
