/** The gate's checks as JUnit XML: one test case per arm x metric, so Jenkins and GitLab show them. */
import type { GateResult } from './gate.js';

export function escapeXml(value: string): string {
  return value
    .replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;')
    // Characters XML 1.0 cannot carry at all.
    // eslint-disable-next-line no-control-regex
    .replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F]/g, '');
}

export function renderJunit(result: GateResult, suiteName: string, timestamp: string): string {
  const failures = result.checks.filter((check) => !check.passed).length;
  const cases = result.checks.map((check) => {
    const name = escapeXml(`${check.arm} ${check.metric} (${check.kind})`);
    const className = escapeXml(`vdibench.${suiteName}.${check.arm}`);
    const body = check.passed
      ? `<system-out>${escapeXml(check.message)}</system-out>`
      : `<failure message="${escapeXml(check.message)}" type="${check.kind}">${escapeXml(`${check.message}; limit: ${check.limit}`)}</failure>`;
    return `    <testcase name="${name}" classname="${className}" time="0">${body}</testcase>`;
  });
  return `<?xml version="1.0" encoding="UTF-8"?>
<testsuites name="vdibench" tests="${result.checks.length}" failures="${failures}">
  <testsuite name="${escapeXml(suiteName)}" tests="${result.checks.length}" failures="${failures}" errors="0" skipped="0" timestamp="${escapeXml(timestamp)}">
${cases.join('\n')}
  </testsuite>
</testsuites>
`;
}
