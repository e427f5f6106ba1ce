// What a person does in the workbench and what they read there, for the UI test's flows: steps with a
// message that says where a person would be stuck, the palette, a board's context menu, the Settings editor,
// result notifications, tree rows and whether their words are on screen, screenshots.
import { existsSync, readFileSync } from 'node:fs';

/** Playwright's waits, with a message that says which step a person would have been stuck at. */
export async function step(log, what, fn) {
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

/** The sidebar's tree rows' accessible labels (Boards: board, role, state, port; Last Run: board, outcome). */
export function rowLabels(page) {
  return page.locator('.part.sidebar .monaco-list-row').evaluateAll((rows) => rows.map((r) => r.getAttribute('aria-label') ?? ''));
}

/** The sidebar row whose accessible label contains `text` (a board's port) or, with `exact`, is `text`. */
export function sidebarRow(page, text, exact = false) {
  return page.locator(`.part.sidebar .monaco-list-row[aria-label${exact ? '' : '*'}="${text}"]`).first();
}

/** Waits until the row of `port` has every word of `words` in its label; on timeout says what the rows showed. */
export async function waitForRow(page, port, words, timeout) {
  const res = words.map((w) => new RegExp(`(^|[^\\w.])${escapeRe(w)}($|[^\\w.])`));
  return waitForLabels(page, `the row of ${port} never showed ${words.join(' and ')}`, timeout, (labels) => labels.find((l) => l.includes(port) && res.every((re) => re.test(l))));
}

/** Waits until `found(labels)` of the sidebar's rows is truthy and returns it; on timeout says what the rows showed. */
export async function waitForLabels(page, what, timeout, found) {
  const deadline = Date.now() + timeout;
  for (;;) {
    const labels = await rowLabels(page);
    const hit = found(labels);
    if (hit) return hit;
    if (Date.now() > deadline) throw new Error(`${what} (${timeout / 1000}s); rows: ${JSON.stringify(labels)}`);
    await page.waitForTimeout(250);
  }
}

/**
 * Which of `parts` (substrings of a tree row's text) are not wholly on screen, each as `{ part, width, shown }`
 * (its width in pixels and how many of them show): each one's rendered box must lie inside the row's label
 * container, which clips overflowing text with an ellipsis.
 */
export async function cutOff(row, parts) {
  return row.evaluate((el, wanted) => {
    const clip = (el.querySelector('.monaco-icon-label-container') ?? el).getBoundingClientRect();
    const rowBox = el.getBoundingClientRect();
    const right = Math.min(clip.right, rowBox.right);
    const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
    const texts = [];
    for (let n = walker.nextNode(); n; n = walker.nextNode()) texts.push(n);
    const hidden = [];
    for (const part of wanted) {
      const t = texts.find((node) => node.data.includes(part));
      if (!t) {
        hidden.push({ part, width: 0, shown: 0 }); // not in the row's text at all
        continue;
      }
      const range = document.createRange();
      const at = t.data.indexOf(part);
      range.setStart(t, at);
      range.setEnd(t, at + part.length);
      const box = range.getBoundingClientRect();
      if (box.width > 0 && box.right <= right + 0.5 && box.left >= clip.left - 0.5) continue;
      hidden.push({ part, width: Math.round(box.width), shown: Math.max(0, Math.round(Math.min(box.right, right) - Math.max(box.left, clip.left))) });
    }
    return hidden;
  }, parts);
}

/** `cutOff` for several rows, as one problem line ('' when every part of every row is on screen). */
export async function unreadable(page, where, rows) {
  const hidden = [];
  for (const [row, parts] of rows) hidden.push(...(await cutOff(row, parts)));
  if (!hidden.length) return '';
  const what = hidden.map((h) => `"${h.part}" (${h.shown} of its ${h.width} px show)`).join(', ');
  return `at the default sidebar width ${where} cuts off ${what}; rows on screen: ${JSON.stringify(await page.locator('.part.sidebar .monaco-list-row').allInnerTexts())}`;
}

export async function runFromPalette(page, log, command) {
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

/**
 * Right-clicks the Boards row of `port` and chooses "Set Role: <role>", then waits for the row to show it. A
 * menu can close under the pointer when the tree redraws (boards that boot change their rows several times a
 * second): a person opens it again, and so does this, up to three times.
 */
export async function setRoleFromMenu(page, log, port, role, which) {
  await step(log, `right-click ${which} and choose "Set Role: ${role}"`, async () => {
    for (let attempt = 1; ; attempt++) {
      try {
        await page.keyboard.press('Escape');
        await sidebarRow(page, port).click({ button: 'right' });
        const item = page.locator('.context-view .monaco-menu .action-item', { hasText: `Set Role: ${role}` }).first();
        await item.waitFor({ timeout: 10_000 });
        // Onto the item, which the menu then highlights, and Enter. (A click right after the menu opens is
        // sometimes taken for the end of the right-click and dropped; Enter on the highlighted item never is.)
        await item.hover();
        await page.locator('.context-view .monaco-menu .action-item.focused', { hasText: `Set Role: ${role}` }).waitFor({ timeout: 5_000 });
        await page.keyboard.press('Enter');
        await waitForRow(page, port, [role.toLowerCase()], 10_000);
        return;
      } catch (e) {
        if (attempt === 3) throw e;
        log(`  (the menu closed or the role did not show: ${e?.message?.split('\n')[0]}; again)`);
      }
    }
  });
}

/**
 * Opens the Settings editor, finds `id` by its search, types `value` into the setting whose title matches
 * `title`, waits for user settings.json to hold `saved`, and closes the editor.
 */
export async function typeSetting(page, log, { id, title, value, saved, userSettingsFile }) {
  await runFromPalette(page, log, 'Preferences: Open User Settings');
  await step(log, `type ${JSON.stringify(value)} into the ${id} setting`, async () => {
    const search = page.locator('.settings-editor .settings-header .suggest-input-container').first();
    await search.waitFor({ timeout: 20_000 });
    await search.click();
    await page.keyboard.type(id, { delay: 5 });
    const setting = page.locator('.settings-editor .setting-item', { hasText: title }).first();
    await setting.waitFor({ timeout: 15_000 });
    const input = setting.locator('.setting-item-control input').first();
    await input.click();
    await input.fill(value);
    await input.press('Tab');
    // The Settings editor writes user settings.json after a short debounce.
    const deadline = Date.now() + 10_000;
    for (;;) {
      const text = existsSync(userSettingsFile) ? readFileSync(userSettingsFile, 'utf8') : '';
      if (text.includes(saved)) break;
      if (Date.now() > deadline) throw new Error(`user settings.json never got ${saved}; it holds:\n${text}`);
      await page.waitForTimeout(200);
    }
  });
  await step(log, 'close the Settings editor', async () => {
    await page.locator('.tabs-container .tab.active .tab-actions .action-label.codicon-close').click();
    await page.locator('.settings-editor').waitFor({ state: 'detached', timeout: 5_000 });
  });
}

/** Waits for the message that ends a run of `title` ("Provision Fleet") and returns its text. */
export async function waitForResult(page, log, title, timeout) {
  const message = await step(log, `wait for the result of ${title}`, async () => {
    const result = page.locator('.notifications-toasts .notification-list-item-message, .monaco-dialog-box .dialog-message-text', { hasText: new RegExp(`${title} (done|failed|cancelled|cannot)`) }).first();
    await result.waitFor({ state: 'visible', timeout });
    return (await result.innerText()).trim();
  });
  log(`  message: "${message}"`);
  return message;
}

/**
 * Screenshot with the result's toast legible: after its slide-in, expanded (a long message shows one line
 * until its toast is expanded), as a reader would, and no hover tooltip over the tree.
 */
export async function shootWithToast(page, log, toastText, path) {
  await page.locator('.notifications-toasts .notification-fade-in-done').first().waitFor({ timeout: 3_000 }).catch(() => page.waitForTimeout(1_000));
  const toast = page.locator('.notifications-toasts .notification-list-item', { hasText: toastText }).first();
  await toast.hover();
  const expand = toast.locator('.codicon-notifications-expand').first();
  if (await expand.waitFor({ state: 'visible', timeout: 2_000 }).then(() => true, () => false)) {
    await expand.click();
    await page.waitForTimeout(300);
  }
  await page.mouse.move(700, 450);
  await page.screenshot({ path });
  log(`  screenshot: ${path}`);
}

/** Screenshot of the sidebar's views without the toasts (Escape hides them) or a hover tooltip. */
export async function shootViews(page, log, path) {
  await page.keyboard.press('Escape');
  await page.mouse.move(700, 450);
  await page.screenshot({ path });
  log(`  screenshot: ${path}`);
}

function escapeRe(s) {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
