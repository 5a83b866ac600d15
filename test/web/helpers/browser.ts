/** Debian's Chromium driven by playwright-core (no browser download): headless, no network beyond what pages ask. */
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';

const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/**
 * Launches Chromium with a new, empty profile.
 * @throws Error naming the fix if Chromium is not installed: the browser tests fail, they never skip.
 */
export async function launchChromium(): Promise<{ context: BrowserContext; profile: string }> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `Chromium is not installed at ${CHROMIUM}: the web page tests need it. Install it with ` +
        '`apt-get update && apt-get install -y chromium` (.ci/run does this).',
    );
  }
  const profile = mkdtempSync(join(tmpdir(), 'govanchor-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: ARGS,
    viewport: { width: 1100, height: 900 },
    locale: 'en-GB',
    timezoneId: 'Asia/Shanghai',
  });
  return { context, profile };
}
