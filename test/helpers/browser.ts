import { underCi } from './cli.js';
import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Debian's chromium; under CI a missing browser fails the test instead of skipping it. */
const browserAvailable = existsSync(CHROMIUM_PATH);
export const skipBrowser = !browserAvailable && !underCi;

export async function launchChromium(): Promise<Browser> {
  if (!browserAvailable) throw new Error(`${CHROMIUM_PATH} not found: install Debian's chromium (apt-get install chromium); .ci/run does`);
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
  });
}
