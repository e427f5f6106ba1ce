// The UI test: a new user's first Provision Pair, driven in Chromium the way a person does it (clicks and
// keys, no API calls), checked by what they would see. Run by run-code-server.mjs on a code-server of its
// own, with the VSIX freshly installed and an empty workspace:
// open the ESP-NOW sidebar, Start Virtual Lab from the welcome view, set the roles from each board's context
// menu, type the SSID into the Settings editor, Set Wi-Fi Password in its input box, run Provision Pair from
// the command palette, and see the initiator's IP in the tree and in the result message. The picture of that
// success is the README's screenshot. Then a fleet of three initiators and a failure (ui/fleet-flow.mjs).
import { dirname, join } from 'node:path';
import { runFleetFlows } from './ui/fleet-flow.mjs';
import { rowLabels, runFromPalette, setRoleFromMenu, shootViews, shootWithToast, sidebarRow, step, typeSetting, unreadable, waitForLabels, waitForResult, waitForRow } from './ui/workbench.mjs';

const SSID = 'home-network';
const PASSWORD = 'correct horse 42';
/** How long a whole Provision Pair may take in the lab (build, flash both boards, boot, follow to an IP). */
const PROVISION_TIMEOUT_MS = 150_000;

/** Every picture the test saves, next to `screenshot`: a stale one must not pass for this run's. */
export const SCREENSHOTS = ['ui-provision-pair.png', 'ui-last-run-pair.png', 'ui-provision-fleet.png', 'ui-last-run-fleet.png', 'ui-provision-failure.png', 'ui-last-run-failure.png'];

/**
 * Checks the README's picture on the extension's details page, then runs the whole flow and saves a
 * screenshot of the success to `screenshot`, the others (SCREENSHOTS) next to it. `userSettingsFile` is the
 * server's user settings.json, read to confirm the Settings editor saved a setting; `labStateDir` the state
 * folder of the extension's lab (its control socket). Throws on failure (a screenshot exists only if its run
 * went as it should).
 */
export async function runUiTest({ page, url, userSettingsFile, labStateDir, screenshot, log }) {
  /** Failures that leave the flow able to go on: reported together at the end. */
  const problems = [];
  await step(log, 'open the workbench on an empty folder', async () => {
    await page.goto(url);
    await page.locator('.monaco-workbench .part.activitybar').waitFor({ timeout: 60_000 });
  });
  // A new user reads the extension's details page first: its README picture must show there.
  await checkDetailsPage(page, log).catch((e) => problems.push(e.message));
  try {

    const activityItem = page.locator('.part.activitybar li.action-item[role="tab"]:has(> a.action-label[aria-label^="ESP-NOW"])');
    await step(log, 'click the ESP-NOW activity bar item', async () => {
      await activityItem.waitFor({ timeout: 30_000 });
      // Clicking an already-open container closes the sidebar: only click when it is not the active one.
      if ((await activityItem.getAttribute('aria-selected')) !== 'true') await activityItem.click();
      await page.locator('.part.sidebar .composite.title h2', { hasText: /ESP-NOW/i }).waitFor({ timeout: 15_000 });
    });

    await step(log, 'click "Start Virtual Lab" in the Boards view, which has no boards yet', async () => {
      const button = page.locator('.part.sidebar .welcome-view-content .monaco-button', { hasText: 'Start Virtual Lab' });
      await button.waitFor({ timeout: 20_000 });
      await button.click();
    });

    const boardRows = page.locator('.part.sidebar .monaco-list-row', { hasText: /Virtual ESP32|ESP32-S3|ESP32-C3/ });
    await step(log, 'see two virtual boards in the tree', async () => {
      await boardRows.nth(1).waitFor({ timeout: 45_000 });
    });

    // A board's port (its RFC2217 address) is in its row whatever else the row shows: rows are found by it.
    const ports = [];
    for (const n of [0, 1]) {
      const port = /127\.0\.0\.1:\d+/.exec((await boardRows.nth(n).getAttribute('aria-label')) ?? '')?.[0];
      if (!port) throw new Error(`board row ${n + 1} shows no port: "${await boardRows.nth(n).getAttribute('aria-label')}"`);
      ports.push(port);
    }
    for (const [n, role] of [[0, 'Responder'], [1, 'Initiator']]) await setRoleFromMenu(page, log, ports[n], role, `board ${n + 1}`);
    const [responderPort, initiatorPort] = ports;
    log(`  rows: ${JSON.stringify(await rowLabels(page))}`);

    await typeSetting(page, log, { id: 'espnow.wifi.ssid', title: /Ssid/, value: SSID, saved: `"espnow.wifi.ssid": "${SSID}"`, userSettingsFile });

    await runFromPalette(page, log, 'ESP-NOW: Set Wi-Fi Password');
    await step(log, 'type the password into the input box and press Enter', async () => {
      const input = page.locator('.quick-input-widget .quick-input-box input[type="password"]');
      await input.waitFor({ state: 'visible', timeout: 10_000 });
      await input.pressSequentially(PASSWORD, { delay: 5 });
      await page.keyboard.press('Enter');
      await page.locator('.notifications-toasts .notification-list-item-message', { hasText: 'Wi-Fi password stored' }).first().waitFor({ timeout: 10_000 });
      await page.keyboard.press('Escape');
    });

    await runFromPalette(page, log, 'ESP-NOW: Provision Pair');
    const message = await waitForResult(page, log, 'Provision Pair', PROVISION_TIMEOUT_MS);
    const ip = /has IP (\d+\.\d+\.\d+\.\d+)/.exec(message)?.[1];
    if (!/Provision Pair done/.test(message) || !ip) throw new Error(`Provision Pair did not succeed: "${message}"`);
    if (!/initiator[^;]* has IP/.test(message)) throw new Error(`the result gives no IP for the initiator: "${message}"`);

    await step(log, `see the initiator provisioned with IP ${ip} in the tree, and the monitors open`, async () => {
      log(`  tree row: "${await waitForRow(page, initiatorPort, ['initiator', ip], 10_000)}"`);
      log(`  tree row: "${await waitForRow(page, responderPort, ['responder'], 5_000)}"`);
      // Readable on screen, not only in the accessible label: at the default sidebar width the row must not
      // cut off the role or the IP.
      // A provisioned row reads its IP first (its icon says it is done); a role word before it would not fit.
      const hidden = await unreadable(page, 'the tree', [[sidebarRow(page, initiatorPort), [ip]], [sidebarRow(page, responderPort), ['responder']]]);
      if (hidden) problems.push(hidden);
      // xterm draws on a canvas, so the terminals' text is not in the DOM: their tabs and the panel are.
      await page.locator('.terminal-wrapper:visible').first().waitFor({ timeout: 10_000 });
    });
    await shootWithToast(page, log, 'Provision Pair done', screenshot);

    // The result outlives its toast: the Last Run view lists every board of the run, the initiator with its IP,
    // readable at the default sidebar width next to the Boards tree.
    await step(log, `see the Last Run view keep the run: the initiator with IP ${ip}, the responder served`, async () => {
      const isInitiator = (l) => l.startsWith('initiator (') && l.endsWith(`, IP ${ip}`);
      const labels = await waitForLabels(page, `the Last Run view shows no row "initiator (…), IP ${ip}"`, 10_000, (all) => (all.some((l) => /^Provision Pair succeeded/.test(l)) && all.some(isInitiator) ? all : undefined));
      if (!labels.some((l) => /^responder \(.*\), served the initiators$/.test(l))) problems.push(`the Last Run view shows no served responder; rows: ${JSON.stringify(labels)}`);
      const hidden = await unreadable(page, 'the Last Run view', [[sidebarRow(page, labels.find(isInitiator), true), [ip]]]);
      if (hidden) problems.push(hidden);
    });
    await shootViews(page, log, join(dirname(screenshot), 'ui-last-run-pair.png'));

    await runFleetFlows({ page, log, responderPort, initiatorPort, userSettingsFile, labStateDir, shotsDir: dirname(screenshot), problems });

  } catch (e) {
    problems.unshift(e.message);
  }
  if (problems.length) throw new Error(problems.join('\n    '));
}

/**
 * Opens the extension's details page from the Extensions view and waits for the README's screenshot to
 * load there. VS Code shows that README in a webview whose content policy allows only https: and data:
 * images, so a picture referenced by a relative path stays a broken image even when it is packaged.
 */
async function checkDetailsPage(page, log) {
  try {
    await lookAtDetailsPage(page, log);
  } finally {
    await runFromPalette(page, log, 'View: Close All Editors');
  }
}

async function lookAtDetailsPage(page, log) {
  await runFromPalette(page, log, 'Extensions: Show Enabled Extensions');
  await step(log, "open ESP-NOW Provision's details page and see the README's screenshot", async () => {
    const item = page.locator('.part.sidebar .extensions-list .monaco-list-row', { hasText: 'ESP-NOW Provision' }).first();
    await item.waitFor({ timeout: 20_000 });
    await item.click();
    await page.locator('.extension-editor').first().waitFor({ timeout: 15_000 });
    // The README renders in a webview (an iframe in an iframe): find the picture in whichever frame has it.
    const deadline = Date.now() + 20_000;
    for (;;) {
      const found = [];
      for (const frame of page.frames()) {
        const imgs = await frame.evaluate(() => [...document.images].map((i) => ({ src: i.getAttribute('src') ?? '', alt: i.alt, loaded: i.complete && i.naturalWidth > 0, width: i.naturalWidth }))).catch(() => []);
        found.push(...imgs.filter((i) => /screenshot\.png|^data:image\//.test(i.src)));
      }
      if (found.some((i) => i.loaded)) {
        log(`  README image: ${found.find((i) => i.loaded).width} px wide`);
        break;
      }
      if (Date.now() > deadline) {
        const why = found.length ? `it did not load: ${JSON.stringify(found.map((i) => ({ ...i, src: i.src.slice(0, 60) })))}` : 'the page shows no screenshot';
        throw new Error(`${why} (the details page loads only https: and data: images; a relative path is blocked)`);
      }
      await page.waitForTimeout(250);
    }
  });
}
