// Debian's Chromium driven by playwright-core: Playwright's own browser downloads are not reachable here.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { chromium } from 'playwright-core';

const CHROMIUM = process.env.CHROMIUM_BIN ?? '/usr/bin/chromium';

/**
 * Launches headless Chromium. --no-sandbox because CI runs as root (Chromium refuses its sandbox there);
 * the rest stop it from phoning home or doing GPU work nobody sees. The XDG folders point into `tmp`, so
 * Chromium's profile bits and crash-report database stay out of $HOME.
 */
export async function launchBrowser(tmp) {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`Chromium not found at ${CHROMIUM}. Install it with: apt-get install chromium (or bash scripts/setup.sh)`);
  }
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: process.env.ESPNOW_HEADED !== '1',
    env: { ...process.env, XDG_CONFIG_HOME: join(tmp, 'chromium-config'), XDG_CACHE_HOME: join(tmp, 'chromium-cache') },
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--disable-dev-shm-usage',
    ],
  });
}

/**
 * A browser context: the workbench keeps its storage (workspace state included) in the context's IndexedDB,
 * so pages of one context are reloads of the same window, and a new context is a new browser profile.
 * The viewport is a laptop screen, so screenshots show the sidebar and the editor side by side.
 */
export function newContext(browser) {
  return browser.newContext({ viewport: { width: 1400, height: 900 } });
}
