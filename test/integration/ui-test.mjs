// The UI test: drives the workbench in Chromium the way a person would (clicks and keys, no API calls) and
// checks what they would see. Run by run-code-server.mjs against the same code-server.

/** What a person must see after running Provision Pair: a message about boards, roles or pairing. */
const RELEVANT = /board|pair|responder|initiator|role/i;
/** Messages from the workbench, not the extension: they mention the extension but mean it is broken. */
const BROKEN = /Activating extension .* failed|command '.*' not found|not registered/i;

/** Playwright's waits, with a message that says which step a person would have been stuck at. */
async function step(log, what, fn) {
  log(`- ${what}`);
  try {
    return await fn();
  } catch (e) {
    throw new Error(`${what}: ${e?.message?.split('\n')[0] ?? e}`);
  }
}

/**
 * Opens the workbench, the ESP-NOW sidebar and its Boards view, runs "ESP-NOW: Provision Pair" from the
 * command palette, and asserts on the message it shows. Saves a screenshot to `screenshot`. Throws on failure.
 */
export async function runUiTest({ page, url, screenshot, log }) {
  await step(log, 'open the workbench', async () => {
    await page.goto(url);
    await page.locator('.monaco-workbench .part.activitybar').waitFor({ timeout: 60_000 });
  });

  const activityItem = page.locator('.part.activitybar li.action-item[role="tab"]:has(> a.action-label[aria-label^="ESP-NOW"])');
  await step(log, 'click the ESP-NOW activity bar item', async () => {
    await activityItem.waitFor({ timeout: 30_000 });
    // Clicking an already-open container closes the sidebar: only click when it is not the active one.
    if ((await activityItem.getAttribute('aria-selected')) !== 'true') await activityItem.click();
    await page.locator('.part.sidebar .composite.title h2', { hasText: /ESP-NOW/i }).waitFor({ timeout: 15_000 });
  });

  await step(log, 'see the Boards view (its header, and the welcome text or the board tree)', async () => {
    // A container with a single view merges the titles ("ESP-NOW: Boards") and hides the pane header.
    const title = page.locator('.part.sidebar .composite.title h2, .part.sidebar .pane-header').filter({ hasText: /Boards/i }).first();
    await title.waitFor({ timeout: 15_000 });
    if ((await title.getAttribute('aria-expanded')) === 'false') await title.click();
    // Either no boards (the welcome view) or a tree of them: both prove the view resolved.
    await page
      .locator('.part.sidebar .pane-body .welcome-view-content, .part.sidebar .pane-body .monaco-list-row')
      .first()
      .waitFor({ timeout: 15_000 });
  });

  await step(log, 'run "ESP-NOW: Provision Pair" from the command palette', async () => {
    await page.locator('.part.sidebar').click({ position: { x: 10, y: 10 } });
    await page.keyboard.press('F1');
    const input = page.locator('.quick-input-widget .quick-input-box input');
    await input.waitFor({ state: 'visible', timeout: 10_000 });
    await input.pressSequentially('ESP-NOW: Provision Pair', { delay: 10 });
    const row = page.locator('.quick-input-widget .monaco-list-row', { hasText: 'ESP-NOW: Provision Pair' }).first();
    await row.waitFor({ timeout: 10_000 });
    await page.keyboard.press('Enter');
  });

  const message = await step(log, 'read the message Provision Pair shows', async () => {
    // A toast for information/warning/error messages, a dialog for modal ones.
    const shown = page
      .locator('.notifications-toasts .notification-list-item-message, .monaco-dialog-box .dialog-message-text')
      .first();
    await shown.waitFor({ state: 'visible', timeout: 20_000 });
    return (await shown.innerText()).trim();
  });
  log(`  message: "${message}"`);

  // Toasts slide in: wait for the end of the animation so the screenshot shows the message legibly.
  await page
    .locator('.notifications-toasts .notification-fade-in-done')
    .first()
    .waitFor({ timeout: 3_000 })
    .catch(() => page.waitForTimeout(1_000));
  if (!message) throw new Error('Provision Pair showed an empty message');
  if (BROKEN.test(message)) throw new Error(`Provision Pair did not run: "${message}"`);
  if (!RELEVANT.test(message)) throw new Error(`Provision Pair's message says nothing about boards or pairing: "${message}"`);
  // Only a passing run writes this picture; a failing one leaves the runner's ui-failure.png instead.
  await page.screenshot({ path: screenshot });
  log(`  screenshot: ${screenshot}`);

  await runFromPalette(page, log, 'ESP-NOW: Start Virtual Lab');
  await step(log, 'see the virtual boards in the Boards tree', async () => {
    await page.locator('.part.sidebar .monaco-list-row', { hasText: 'Virtual lab' }).first().waitFor({ timeout: 30_000 });
    const boards = page.locator('.part.sidebar .monaco-list-row', { hasText: /Virtual ESP32|ESP32-S3|ESP32-C3/ });
    await boards.nth(1).waitFor({ timeout: 15_000 });
  });
  await runFromPalette(page, log, 'ESP-NOW: Open Monitor');
  await step(log, 'pick the first virtual board for the monitor', async () => {
    const pick = page.locator('.quick-input-widget .monaco-list-row', { hasText: 'rfc2217://' }).first();
    await pick.waitFor({ timeout: 10_000 });
    await pick.click();
  });
  await step(log, 'see the monitor terminal open and the board marked as monitored in the tree', async () => {
    // xterm draws on a canvas here, so the terminal's text is not in the DOM; the tree row says it instead.
    await page.locator('.terminal-wrapper:visible').first().waitFor({ timeout: 20_000 });
    // The row of a monitored board shows the monitor's pulse icon; its accessible label says "monitoring".
    const monitored = page.locator('.part.sidebar .monaco-list-row:has(.codicon-pulse)').first();
    await monitored.waitFor({ timeout: 20_000 }).catch(async (e) => {
      const labels = await page.locator('.part.sidebar .monaco-list-row').evaluateAll((rows) => rows.map((r) => r.getAttribute('aria-label')));
      throw new Error(`${e.message.split('\n')[0]}; tree rows: ${JSON.stringify(labels)}`);
    });
    log(`  tree row: "${await monitored.getAttribute('aria-label')}"`);
    // Give the erased board's ROM boot loop a moment to fill the terminal for the picture.
    await page.waitForTimeout(1_500);
  });
  const labShot = screenshot.replace(/[^/]+$/, 'ui-virtual-lab.png');
  await page.screenshot({ path: labShot });
  log(`  screenshot: ${labShot}`);
  await runFromPalette(page, log, 'ESP-NOW: Stop Virtual Lab');
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
      }
    }
  });
}
