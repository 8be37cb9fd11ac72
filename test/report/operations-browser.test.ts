/**
 * The Day-2 section of a report, opened in chromium from a real patch run: every chart
 * painted, the table's figures those of summary.json, the unavailable-desktops line
 * rising and falling back to zero, and one more printed page per round.
 */
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ArmSummary } from '../../src/contract/summary.js';
import { formatSeconds } from '../../src/report/markup.js';
import { launchChromium, skipBrowser } from '../helpers/browser.js';
import { shippedScenario, simulate } from '../helpers/sim.js';

describe.skipIf(skipBrowser)('the Day-2 section in chromium', () => {
  let browser: Browser;
  let page: Page;
  let arms: ArmSummary[];
  const errors: string[] = [];

  beforeAll(async () => {
    const run = await simulate(await shippedScenario('patch-composer-vs-instant', { desktops: 30 }));
    arms = run.summaries;
    browser = await launchChromium();
    const context = await browser.newContext({ viewport: { width: 1200, height: 900 }, offline: true });
    page = await context.newPage();
    page.on('console', (message) => { if (message.type() === 'error') errors.push(message.text()); });
    page.on('pageerror', (error) => errors.push(error.message));
    await page.goto(pathToFileURL(path.join(run.runDir, 'index.html')).href);
    await page.waitForSelector('body[data-charts]', { timeout: 15_000 });
  });

  afterAll(async () => {
    await browser?.close();
  });

  it('paints both charts of the round with no console error', async () => {
    expect(errors).toEqual([]);
    const painted = await page.evaluate<Record<string, number>>(`
      Object.fromEntries(['chart-op-0-down', 'chart-op-0-iops'].map((id) => {
        const canvas = document.getElementById(id);
        const { data } = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height);
        let count = 0;
        for (let index = 3; index < data.length; index += 4) if (data[index] > 0) count++;
        return [id, count];
      }))`);
    expect(painted['chart-op-0-down']).toBeGreaterThan(1000);
    expect(painted['chart-op-0-iops']).toBeGreaterThan(1000);
  });

  it('shows summary.json\'s figures, side by side per arm', async () => {
    const text = await page.locator('#operation-1').innerText();
    expect(text).toContain('Day 2: Recompose vs Push image');
    for (const arm of arms) {
      const operation = arm.operations![0]!;
      expect(text).toContain(formatSeconds(operation.windowS));
      expect(text).toContain(`${formatSeconds(operation.downtimeS.p50)} / ${formatSeconds(operation.downtimeS.p95)} / ${formatSeconds(operation.downtimeS.max)}`);
    }
  });

  it('draws desktops out of service back to zero at the end of each arm\'s line', async () => {
    const lines = await page.evaluate<{ name: string; last: number; peak: number }[]>(`
      JSON.parse(document.getElementById('run-data').textContent).operations[0].arms.map((arm) => ({
        name: arm.name, last: arm.unavailable[arm.unavailable.length - 1][1], peak: Math.max(...arm.unavailable.map((point) => point[1])) }))`);
    expect(lines.map((line) => line.name)).toEqual(arms.map((arm) => arm.name));
    for (const line of lines) {
      const arm = arms.find((candidate) => candidate.name === line.name)!;
      expect(line.last).toBe(0);
      expect(line.peak).toBe(arm.operations![0]!.peakUnavailable);
    }
  });
});
