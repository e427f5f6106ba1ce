// The UI test after the pair: the user grows the lab to four boards (Settings editor, then Stop and Start
// Virtual Lab from the Boards view's title), makes the new boards initiators from their context menus, runs
// Provision Fleet from the palette and reads three IPs; then one initiator is carried out of radio range
// (through the lab's control socket: no click does that) and Provision Fleet fails for it alone, with its
// reason in the tree, the message and the Last Run view. Screenshots of both, tree and Last Run.
import { join } from 'node:path';
import { labCall, labIndexOf } from './lab-socket.mjs';
import { runFromPalette, setRoleFromMenu, shootViews, shootWithToast, sidebarRow, step, typeSetting, unreadable, waitForLabels, waitForResult, waitForRow } from './workbench.mjs';

/** A fleet run builds nothing new (the pair's images are cached) but flashes four boards; the machine may be loaded. */
const FLEET_TIMEOUT_MS = 240_000;
/** The failure ends when the initiator out of range gives up its scan (CONFIG_ESPNOW_SCAN_TIMEOUT_S, 30 s) after flashing. */
const FAILURE_TIMEOUT_MS = 300_000;
/** The product's words for an initiator that heard no responder (REASONS.scan_timeout in core/provision/failure-reasons.ts). */
const OUT_OF_RANGE_REASON = 'no responder found before the scan timed out';
/** The same in a tree row's few characters (REASONS.scan_timeout.short): what must be readable on screen. */
const OUT_OF_RANGE_SHORT = 'no responder heard';
const IP = /\d+\.\d+\.\d+\.\d+/;

/**
 * Runs both flows after a successful pair of `responderPort` and `initiatorPort`; pushes what a person could
 * read wrongly onto `problems`, throws when a flow cannot go on.
 */
export async function runFleetFlows({ page, log, responderPort, initiatorPort, userSettingsFile, labStateDir, shotsDir, problems }) {
  await typeSetting(page, log, { id: 'espnow.lab.boardCount', title: /Board Count/, value: '4', saved: '"espnow.lab.boardCount": 4', userSettingsFile });
  await clickBoardsAction(page, log, 'Stop Virtual Lab');
  await step(log, 'see the Boards view empty, the lab stopped', async () => {
    await page.locator('.part.sidebar .welcome-view-content .monaco-button', { hasText: 'Start Virtual Lab' }).waitFor({ timeout: 30_000 });
  });
  await clickBoardsAction(page, log, 'Start Virtual Lab');
  const ports = await step(log, 'see four virtual boards in the tree', () =>
    waitForLabels(page, 'the Boards view never showed four boards', 60_000, (labels) => {
      const found = labels.map((l) => /127\.0\.0\.1:\d+/.exec(l)?.[0]).filter(Boolean);
      return found.length === 4 ? found : undefined;
    }),
  );
  // The lab keeps each board's MAC and port in its state folder and roles stick to the MAC: the pair's two
  // boards come back as they were.
  await step(log, 'see the pair keep its roles across the restart', async () => {
    await waitForRow(page, responderPort, ['responder'], 15_000);
    await waitForRow(page, initiatorPort, ['initiator'], 15_000);
  }).catch((e) => problems.push(e.message));
  const newPorts = ports.filter((p) => p !== responderPort && p !== initiatorPort);
  if (newPorts.length !== 2) throw new Error(`after the restart the pair's ports ${responderPort} and ${initiatorPort} are not among the boards ${JSON.stringify(ports)}`);
  for (const [n, port] of newPorts.entries()) await setRoleFromMenu(page, log, port, 'Initiator', `new board ${n + 1}`);
  const initiators = [initiatorPort, ...newPorts];

  await runFleet(page, log);
  const message = await waitForResult(page, log, 'Provision Fleet', FLEET_TIMEOUT_MS);
  const ips = ipsByBoardName(message);
  if (!/Provision Fleet done/.test(message) || ips.size !== 3) throw new Error(`Provision Fleet did not give three initiators an IP: "${message}"`);
  await step(log, 'see each of the three initiators with its IP in the tree', async () => {
    const rows = [[sidebarRow(page, responderPort), ['responder']]];
    for (const port of initiators) {
      const ip = ipOfRow(ips, await sidebarRow(page, port).getAttribute('aria-label'), message);
      log(`  tree row: "${await waitForRow(page, port, ['initiator', ip], 10_000)}"`);
      rows.push([sidebarRow(page, port), [ip]]);
    }
    const hidden = await unreadable(page, 'the tree', rows);
    if (hidden) problems.push(hidden);
  });
  await shootWithToast(page, log, 'Provision Fleet done', join(shotsDir, 'ui-provision-fleet.png'));
  await checkLastRun(page, log, 'Provision Fleet succeeded', 'served the initiators', [...ips].map(([board, ip]) => [board, `IP ${ip}`, ip]), problems);
  await shootViews(page, log, join(shotsDir, 'ui-last-run-fleet.png'));

  const away = initiators.at(-1);
  const index = await labIndexOf(labStateDir, away);
  await step(log, `carry lab board ${index} (${away}) out of radio range`, () => labCall(labStateDir, 'moveOutOfRange', index));
  try {
    await provisionOneOutOfRange({ page, log, away, others: initiators.slice(0, -1), shotsDir, problems });
  } finally {
    await step(log, `bring lab board ${index} back into range`, () => labCall(labStateDir, 'moveIntoRange', index));
  }
}

async function provisionOneOutOfRange({ page, log, away, others, shotsDir, problems }) {
  const awayName = (await sidebarRow(page, away).getAttribute('aria-label')).split(', ')[0];
  await runFleet(page, log);
  const message = await waitForResult(page, log, 'Provision Fleet', FAILURE_TIMEOUT_MS);
  if (!/Provision Fleet failed/.test(message)) throw new Error(`Provision Fleet did not fail with an initiator out of range: "${message}"`);
  if (!message.includes(`(${awayName}): ${OUT_OF_RANGE_REASON}`)) problems.push(`the failure message does not name ${awayName} with "${OUT_OF_RANGE_REASON}": "${message}"`);
  const ips = await step(log, `see ${awayName} failed with its reason in the tree, the other initiators with their IPs`, async () => {
    log(`  tree row: "${await waitForRow(page, away, ['initiator', 'failed'], 10_000)}"`);
    const label = await sidebarRow(page, away).getAttribute('aria-label');
    if (!label.includes(OUT_OF_RANGE_REASON)) throw new Error(`the row of ${awayName} does not say "${OUT_OF_RANGE_REASON}": "${label}"`);
    const rows = [[sidebarRow(page, away), [OUT_OF_RANGE_SHORT]]];
    const found = [];
    for (const port of others) {
      const row = await waitForLabels(page, `the row of ${port} never showed an IP`, 10_000, (labels) => labels.find((l) => l.includes(port) && /\binitiator · IP /.test(l)));
      log(`  tree row: "${row}"`);
      const ip = IP.exec(row.replace(port, ''))[0];
      found.push([row.split(', ')[0], ip]);
      rows.push([sidebarRow(page, port), [ip]]);
    }
    const hidden = await unreadable(page, 'the tree', rows);
    if (hidden) problems.push(hidden);
    return found;
  });
  await shootWithToast(page, log, 'Provision Fleet failed', join(shotsDir, 'ui-provision-failure.png'));
  const expected = [[awayName, OUT_OF_RANGE_REASON, OUT_OF_RANGE_SHORT], ...ips.map(([name, ip]) => [name, `IP ${ip}`, ip])];
  // The responder did its part: the run's failure is not its fault.
  await checkLastRun(page, log, 'Provision Fleet failed', 'no fault of its own', expected, problems);
  await shootViews(page, log, join(shotsDir, 'ui-last-run-failure.png'));
}

/**
 * The Last Run view keeps the run: its title line, then one row per board: the responder's says `responder`;
 * `expected` lists, per initiator, the board's name, the words its row must say, and the part that must be
 * readable at the sidebar's width.
 */
async function checkLastRun(page, log, title, responder, expected, problems) {
  await step(log, `see the Last Run view keep the run: "${title}", each initiator's IP or reason`, async () => {
    // "initiator 2 (ESP32-C3 00:00:02), IP 192.168.4.101": the run's name for the board, then its outcome.
    const rowOf = (labels, name, says) => labels.find((l) => /^initiator \d+ \(/.test(l) && l.includes(`(${name}), `) && l.includes(says));
    const labels = await waitForLabels(page, `the Last Run view never showed "${title}" with every initiator`, 10_000, (all) =>
      all.some((l) => l.startsWith(title)) && expected.every(([name, says]) => rowOf(all, name, says)) ? all : undefined,
    );
    if (!labels.some((l) => /^responder \(.*\), /.test(l) && l.includes(responder))) problems.push(`the Last Run view shows no responder that "${responder}"; rows: ${JSON.stringify(labels)}`);
    for (const [name, says] of expected) log(`  last run row: "${rowOf(labels, name, says)}"`);
    const rows = expected.map(([name, says, readable]) => [sidebarRow(page, rowOf(labels, name, says), true), [readable]]);
    const hidden = await unreadable(page, 'the Last Run view', rows);
    if (hidden) problems.push(hidden);
  });
}

/** "initiator 2 (ESP32-C3 00:00:02) has IP 192.168.4.101; …": board name → IP. */
function ipsByBoardName(message) {
  return new Map([...message.matchAll(/initiator \d+ \(([^)]+)\) has IP (\d+\.\d+\.\d+\.\d+)/g)].map((m) => [m[1], m[2]]));
}

/** The IP the message gave the board of a tree row (its label starts with the board's name). */
function ipOfRow(ips, label, message) {
  const name = (label ?? '').split(', ')[0];
  const ip = ips.get(name);
  if (!ip) throw new Error(`the result gives no IP for ${name}: "${message}"`);
  return ip;
}

/** Provision Fleet from the palette, the earlier messages (the lab's, the last run's) cleared away first. */
async function runFleet(page, log) {
  await runFromPalette(page, log, 'Notifications: Clear All Notifications');
  await runFromPalette(page, log, 'ESP-NOW: Provision Fleet');
}

/** Clicks an action of the Boards view's title bar, which shows when the pointer is over the view's header. */
async function clickBoardsAction(page, log, label) {
  await step(log, `click "${label}" in the Boards view's title bar`, async () => {
    const header = page.locator('.part.sidebar .pane-header', { hasText: /^\s*Boards/i }).first();
    await header.hover();
    const action = header.locator(`.actions .action-label[aria-label^="${label}"]`).first();
    await action.waitFor({ state: 'visible', timeout: 10_000 });
    await action.click();
  });
}
