/**
 * Opens the report as a customer would: from a file, in a real browser (Debian chromium
 * driven by playwright-core), with no network. Saves a screenshot and a PDF print under
 * test/artifacts/.
 */
import { mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderStoredRun } from '../../src/run/finish.js';
import type { RunSummary } from '../../src/contract/summary.js';
import { launchChromium, skipBrowser } from '../helpers/browser.js';
import { repoRoot } from '../helpers/cli.js';
import { copyRunFixture } from '../helpers/fixtures.js';

const artifacts = path.join(repoRoot, 'test', 'artifacts');

describe.skipIf(skipBrowser)('the HTML report in chromium', () => {
  let browser: Browser;
  let page: Page;
  let summary: RunSummary;
  let description: string;
  const consoleErrors: string[] = [];
  const requests: string[] = [];

  beforeAll(async () => {
    const runDir = copyRunFixture('small');
    ({ summary } = (await renderStoredRun(runDir)).model);
    description = JSON.parse(readFileSync(path.join(runDir, 'run.json'), 'utf8')).scenario.description;
    browser = await launchChromium();
    const context = await browser.newContext({ viewport: { width: 1200, height: 900 }, offline: true });
    page = await context.newPage();
    page.on('console', (message) => { if (message.type() === 'error') consoleErrors.push(message.text()); });
    page.on('pageerror', (error) => consoleErrors.push(error.message));
    page.on('request', (request) => requests.push(request.url()));
    await page.goto(pathToFileURL(path.join(runDir, 'index.html')).href);
    await page.waitForSelector('body[data-charts="10"]', { timeout: 15_000 });
  });

  afterAll(async () => {
    await browser?.close();
  });

  it('opens with no console error and no request beyond its own file', () => {
    expect(consoleErrors).toEqual([]);
    expect(requests.filter((url) => !url.startsWith('file://'))).toEqual([]);
    expect(requests).toHaveLength(1);
  });

  it('draws every chart (no blank canvas)', async () => {
    // Runs in the page (plain JavaScript: this project compiles without DOM types).
    const canvases = await page.evaluate<{ id: string; painted: number; width: number }[]>(`
      Array.from(document.querySelectorAll('canvas')).map((canvas) => {
        const { data } = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height);
        let painted = 0;
        for (let index = 3; index < data.length; index += 4) if (data[index] > 0) painted++;
        return { id: canvas.id, painted, width: canvas.width };
      })`);
    expect(canvases.map((canvas) => canvas.id)).toEqual(['chart-timeline', 'chart-iops', 'chart-rw', 'chart-cpu', 'chart-host-0', 'chart-host-1', 'chart-host-2', 'chart-host-3', 'chart-ready', 'chart-distribution']);
    for (const canvas of canvases) {
      expect(canvas.width, canvas.id).toBeGreaterThan(100);
      expect(canvas.painted, canvas.id).toBeGreaterThan(canvas.id.startsWith('chart-host-') ? 500 : 2000);
    }
  });

  it('shows the numbers of run.json', async () => {
    const cells = await page.$$eval('#summary td[data-metric]', (elements) => elements.map((cell) => ({
      arm: cell.getAttribute('data-arm'), metric: cell.getAttribute('data-metric'), value: cell.getAttribute('data-value'), text: cell.textContent,
    })));
    for (const arm of summary.arms) {
      const cell = (metric: string) => cells.find((candidate) => candidate.arm === arm.name && candidate.metric === metric)!;
      expect(Number(cell('deployTimeS').value)).toBe(arm.deployTimeS);
      expect(Number(cell('peakIops').value)).toBe(arm.peakIops);
      expect(cell('peakIops').text).toBe(arm.peakIops.toLocaleString('en-US'));
      expect(Number(cell('desktops.ready').value)).toBe(arm.desktops.ready);
      expect(Number(cell('peakCpuPct').value)).toBe(arm.peakCpuPct);
    }
  });

  it('shows a description with markup as text, running none of it', async () => {
    expect(await page.locator('p.muted').first().textContent()).toBe(description);
    expect(await page.locator('b').count()).toBe(0);
  });

  it('saves a screenshot and prints to a PDF on A4', async () => {
    mkdirSync(artifacts, { recursive: true });
    await page.screenshot({ path: path.join(artifacts, 'report.png'), fullPage: true });
    await page.emulateMedia({ media: 'print' });
    const pdf = await page.pdf({ path: path.join(artifacts, 'report.pdf'), format: 'A4', printBackground: true });
    const pages = pdf.toString('latin1').match(/\/Type\s*\/Page[^s]/g) ?? [];
    // A two-arm run fits on three A4 pages: summary first, then timeline and IOPS.
    expect(pages.length).toBeGreaterThanOrEqual(2);
    expect(pages.length).toBeLessThanOrEqual(3);
    // In print, no chart is wider than the page (nothing cut off at the right edge).
    const overflow = await page.evaluate<number>(`
      Array.from(document.querySelectorAll('.chart')).filter((chart) => chart.getBoundingClientRect().right > document.documentElement.clientWidth + 1).length`);
    expect(overflow).toBe(0);
    await page.emulateMedia({ media: 'screen' });
  });

  it('says on the first screen that the figures are simulated, and what produced them', async () => {
    const badge = await page.locator('#provenance').textContent();
    expect(badge).toMatch(/^Simulated — /);
    const top = await page.locator('#provenance').boundingBox();
    expect(top!.y).toBeLessThan(100);
    const method = await page.locator('#method').textContent();
    expect(method).toMatch(/Cluster\s*4 hosts/);
    expect(method).toMatch(/Horizon limits/);
    const methodTop = await page.locator('#method').boundingBox();
    expect(methodTop!.y).toBeLessThan(900);
  });
});
