// The UI test: a new user's first Provision Pair, driven in Chromium the way a person does it (clicks and
// keys, no API calls), checked by what they would see. Run by run-code-server.mjs on a code-server of its
// own, with the VSIX freshly installed and an empty workspace:
// open the ESP-NOW sidebar, Start Virtual Lab from the welcome view, set the roles from each board's context
// menu, type the SSID into the Settings editor, Set Wi-Fi Password in its input box, run Provision Pair from
// the command palette, and see the initiator's IP in the tree and in the result message. The picture of that
// success is the README's screenshot.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

const SSID = 'home-network';
const PASSWORD = 'correct horse 42';
/** How long a whole Provision Pair may take in the lab (build, flash both boards, boot, follow to an IP). */
const PROVISION_TIMEOUT_MS = 150_000;

/** Playwright's waits, with a message that says which step a person would have been stuck at. */
async function step(log, what, fn) {
  log(`- ${what}`);
  const t0 = Date.now();
  try {
    const r = await fn();
    if (Date.now() - t0 > 3_000) log(`  (${((Date.now() - t0) / 1000).toFixed(1)}s)`);
    return r;
  } catch (e) {
    throw new Error(`${what}: ${e?.message?.split('\n')[0] ?? e}`);
  }
}

/** The tree rows' accessible labels (board, port, role, state), for messages and checks. */
function rowLabels(page) {
  return page.locator('.part.sidebar .monaco-list-row').evaluateAll((rows) => rows.map((r) => r.getAttribute('aria-label') ?? ''));
}

/** Waits until the row of `port` has every word of `words` in its label; on timeout says what the rows showed. */
async function waitForRow(page, port, words, timeout) {
  const deadline = Date.now() + timeout;
  const res = words.map((w) => new RegExp(`(^|[^\\w.])${escapeRe(w)}($|[^\\w.])`));
  for (;;) {
    const labels = await rowLabels(page);
    const hit = labels.find((l) => l.includes(port) && res.every((re) => re.test(l)));
    if (hit) return hit;
    if (Date.now() > deadline) throw new Error(`the row of ${port} never showed ${words.join(' and ')} (${timeout / 1000}s); rows: ${JSON.stringify(labels)}`);
    await page.waitForTimeout(250);
  }
}

/**
 * Checks the README's picture on the extension's details page, then runs the whole flow and saves a
 * screenshot of the success to `screenshot`. `userSettingsFile` is the server's user settings.json, read to confirm
 * the Settings editor saved the SSID. Throws on failure (the screenshot exists only if provisioning succeeded).
 */
export async function runUiTest({ page, url, userSettingsFile, screenshot, log }) {
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
    const rowOf = (port) => page.locator(`.part.sidebar .monaco-list-row[aria-label*="${port}"]`).first();
    for (const [n, role] of [[0, 'Responder'], [1, 'Initiator']]) {
      await step(log, `right-click board ${n + 1} and choose "Set Role: ${role}"`, async () => {
        await rowOf(ports[n]).click({ button: 'right' });
        const item = page.locator('.context-view .monaco-menu .action-item', { hasText: `Set Role: ${role}` }).first();
        await item.waitFor({ timeout: 10_000 });
        // Onto the item, which the menu then highlights, and Enter. (A click right after the menu opens is
        // sometimes taken for the end of the right-click and dropped; Enter on the highlighted item never is.)
        await item.hover();
        await page.locator('.context-view .monaco-menu .action-item.focused', { hasText: `Set Role: ${role}` }).waitFor({ timeout: 5_000 });
        await page.keyboard.press('Enter');
        await waitForRow(page, ports[n], [role.toLowerCase()], 10_000);
      });
    }
    const [responderPort, initiatorPort] = ports;
    log(`  rows: ${JSON.stringify(await rowLabels(page))}`);

    await runFromPalette(page, log, 'Preferences: Open User Settings');
    await step(log, `type the SSID "${SSID}" into the ESP-NOW Wi-Fi SSID setting`, async () => {
      const search = page.locator('.settings-editor .settings-header .suggest-input-container').first();
      await search.waitFor({ timeout: 20_000 });
      await search.click();
      await page.keyboard.type('espnow.wifi.ssid', { delay: 5 });
      const setting = page.locator('.settings-editor .setting-item', { hasText: /Ssid/ }).first();
      await setting.waitFor({ timeout: 15_000 });
      const input = setting.locator('.setting-item-control input').first();
      await input.click();
      await input.fill(SSID);
      await input.press('Tab');
      // The Settings editor writes user settings.json after a short debounce.
      const deadline = Date.now() + 10_000;
      for (;;) {
        const text = existsSync(userSettingsFile) ? readFileSync(userSettingsFile, 'utf8') : '';
        if (text.includes(`"espnow.wifi.ssid": "${SSID}"`)) break;
        if (Date.now() > deadline) throw new Error(`user settings.json never got the SSID; it holds:\n${text}`);
        await page.waitForTimeout(200);
      }
    });
    await step(log, 'close the Settings editor', async () => {
      await page.locator('.tabs-container .tab.active .tab-actions .action-label.codicon-close').click();
      await page.locator('.settings-editor').waitFor({ state: 'detached', timeout: 5_000 });
    });

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
    const message = await step(log, 'wait for the result of Provision Pair', async () => {
      const result = page.locator('.notifications-toasts .notification-list-item-message, .monaco-dialog-box .dialog-message-text', { hasText: /Provision Pair (done|failed|cancelled|cannot)/ }).first();
      await result.waitFor({ state: 'visible', timeout: PROVISION_TIMEOUT_MS });
      return (await result.innerText()).trim();
    });
    log(`  message: "${message}"`);
    const ip = /has IP (\d+\.\d+\.\d+\.\d+)/.exec(message)?.[1];
    if (!/Provision Pair done/.test(message) || !ip) throw new Error(`Provision Pair did not succeed: "${message}"`);
    if (!/initiator[^;]* has IP/.test(message)) throw new Error(`the result gives no IP for the initiator: "${message}"`);

    await step(log, `see the initiator provisioned with IP ${ip} in the tree, and the monitors open`, async () => {
      log(`  tree row: "${await waitForRow(page, initiatorPort, ['initiator', ip], 10_000)}"`);
      log(`  tree row: "${await waitForRow(page, responderPort, ['responder'], 5_000)}"`);
      // Readable on screen, not only in the accessible label: at the default sidebar width the row must not
      // cut off the role or the IP.
      // A provisioned row reads its IP first (its icon says it is done); a role word before it would not fit.
      const hidden = [...(await cutOff(rowOf(initiatorPort), [ip])), ...(await cutOff(rowOf(responderPort), ['responder']))];
      if (hidden.length) {
        problems.push(`at the default sidebar width the tree cuts off ${hidden.map((h) => `"${h}"`).join(', ')}; rows on screen: ${JSON.stringify(await page.locator('.part.sidebar .monaco-list-row').allInnerTexts())}`);
      }
      // xterm draws on a canvas, so the terminals' text is not in the DOM: their tabs and the panel are.
      await page.locator('.terminal-wrapper:visible').first().waitFor({ timeout: 10_000 });
    });

    // Toasts slide in: wait for the end of the animation so the screenshot shows the message legibly, and
    // expand the result (a long message shows one line until its toast is expanded), as a reader would.
    await page.locator('.notifications-toasts .notification-fade-in-done').first().waitFor({ timeout: 3_000 }).catch(() => page.waitForTimeout(1_000));
    const toast = page.locator('.notifications-toasts .notification-list-item', { hasText: 'Provision Pair done' }).first();
    await toast.hover();
    const expand = toast.locator('.codicon-notifications-expand').first();
    if (await expand.waitFor({ state: 'visible', timeout: 2_000 }).then(() => true, () => false)) {
      await expand.click();
      await page.waitForTimeout(300);
    }
    await page.mouse.move(700, 450); // no hover tooltip over the tree in the picture
    await page.screenshot({ path: screenshot });
    log(`  screenshot: ${screenshot}`);

    // The result outlives its toast: the Last Run view lists every board of the run, the initiator with its IP,
    // readable at the default sidebar width next to the Boards tree.
    await step(log, `see the Last Run view keep the run: the initiator with IP ${ip}, the responder served`, async () => {
      const deadline = Date.now() + 10_000;
      let labels = [];
      for (;;) {
        labels = await rowLabels(page);
        if (labels.some((l) => /^Provision Pair succeeded/.test(l)) && labels.some((l) => l.startsWith('initiator (') && l.endsWith(`, IP ${ip}`))) break;
        if (Date.now() > deadline) throw new Error(`the Last Run view shows no row "initiator (…), IP ${ip}"; rows: ${JSON.stringify(labels)}`);
        await page.waitForTimeout(250);
      }
      if (!labels.some((l) => /^responder \(.*\), served the initiators$/.test(l))) problems.push(`the Last Run view shows no served responder; rows: ${JSON.stringify(labels)}`);
      const label = labels.find((l) => l.startsWith('initiator (') && l.endsWith(`, IP ${ip}`));
      const hidden = await cutOff(page.locator(`.part.sidebar .monaco-list-row[aria-label="${label}"]`).first(), [ip]);
      if (hidden.length) problems.push(`at the default sidebar width the Last Run view cuts off ${hidden.map((h) => `"${h}"`).join(', ')}`);
      await page.keyboard.press('Escape');
      await page.mouse.move(700, 450);
      const shot = join(dirname(screenshot), 'ui-last-run-pair.png');
      await page.screenshot({ path: shot });
      log(`  screenshot: ${shot}`);
    });

  } catch (e) {
    problems.unshift(e.message);
  }
  if (problems.length) throw new Error(problems.join('\n    '));
}

/**
 * Which of `parts` (substrings of a tree row's text) are not wholly on screen: each one's rendered box must
 * lie inside the row's label container, which clips overflowing text with an ellipsis.
 */
async function cutOff(row, parts) {
  return row.evaluate((el, wanted) => {
    const clip = (el.querySelector('.monaco-icon-label-container') ?? el).getBoundingClientRect();
    const rowBox = el.getBoundingClientRect();
    const right = Math.min(clip.right, rowBox.right);
    const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
    const texts = [];
    for (let n = walker.nextNode(); n; n = walker.nextNode()) texts.push(n);
    return wanted.filter((part) => {
      for (const t of texts) {
        const at = t.data.indexOf(part);
        if (at < 0) continue;
        const range = document.createRange();
        range.setStart(t, at);
        range.setEnd(t, at + part.length);
        const box = range.getBoundingClientRect();
        return !(box.width > 0 && box.right <= right + 0.5 && box.left >= clip.left - 0.5);
      }
      return true; // not in the row's text at all
    });
  }, parts);
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

function escapeRe(s) {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

async function runFromPalette(page, log, command) {
  await step(log, `run "${command}" from the command palette`, async () => {
    // A command that ends by moving focus (Start Virtual Lab focuses the Boards view) can close a palette
    // opened a moment later, as it would for a person typing that fast: open it again, up to three times.
    for (let attempt = 1; ; attempt++) {
      try {
        await page.keyboard.press('Escape');
        await page.keyboard.press('F1');
        const input = page.locator('.quick-input-widget .quick-input-box input');
        await input.waitFor({ state: 'visible', timeout: 10_000 });
        await input.fill(`>${command}`, { timeout: 5_000 });
        const row = page.locator('.quick-input-widget .monaco-list-row', { hasText: command }).first();
        await row.waitFor({ timeout: 10_000 });
        await page.keyboard.press('Enter');
        return;
      } catch (e) {
        if (attempt === 3) throw e;
        log(`  (the palette closed or found nothing: ${e?.message?.split('\n')[0]}; again)`);
      }
    }
  });
}
