import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { EspNowApi } from '../../../extension/src/vscode/extension-api';
import { api, plugFakeSource, uniqueName, until, usbBoard } from './helpers';

/** The tree's data provider, if the API exposes it (asked of the extension; see the test below). */
type WithTree = EspNowApi & { readonly tree?: vscode.TreeDataProvider<unknown> };

async function labelsOf(tree: vscode.TreeDataProvider<unknown>, node?: unknown): Promise<string[]> {
  const children = (await tree.getChildren(node)) ?? [];
  const out: string[] = [];
  for (const c of children) {
    const item = await tree.getTreeItem(c);
    const label = typeof item.label === 'string' ? item.label : (item.label?.label ?? '');
    out.push(`${label}${item.description ? ` | ${String(item.description)}` : ''}`);
    out.push(...(await labelsOf(tree, c)).map((l) => `  ${l}`));
  }
  return out;
}

describe('Boards view', () => {
  it('opens from its activity bar container and takes focus', async () => {
    await api();
    const registered = new Set(await vscode.commands.getCommands(true));
    // VS Code creates these for every contributed container and view; they are missing if the manifest's
    // views do not resolve.
    assert.ok(registered.has('workbench.view.extension.espnow'), 'no command for the espnow view container');
    assert.ok(registered.has('espnow.boards.focus'), 'no focus command for the espnow.boards view');
    await vscode.commands.executeCommand('workbench.view.extension.espnow');
    await vscode.commands.executeCommand('espnow.boards.focus');
  });

  it('redraws the tree when a board is plugged in and unplugged', async function () {
    const a = (await api()) as WithTree;
    const tree = a.tree;
    assert.ok(tree?.onDidChangeTreeData, "activate() must return the Boards tree's data provider as `tree`");
    const fake = await plugFakeSource(a);
    let redraws = 0;
    const sub = tree.onDidChangeTreeData!(() => redraws++);
    try {
      const name = uniqueName('TREE');
      fake.source.set([usbBoard(`/dev/tty${name}`, name)]);
      await until('the tree is told to redraw', () => redraws > 0, (l) => tree.onDidChangeTreeData!(l));
      const shown = await labelsOf(tree);
      // The row reads the board's name first; its port is in the tooltip and the accessible label.
      assert.ok(shown.some((l) => l.includes(`Test CP2102 ${name}`)), `board not in the tree:\n${shown.join('\n')}`);
      // Rows stay in name order whatever order the ports were found in ("…10" after "…9").
      const [n9, n10] = [`${name}B9`, `${name}B10`];
      // Paths in the opposite order to the names, listed in a third order.
      fake.source.set([usbBoard(`/dev/tty${name}b`, n9), usbBoard(`/dev/tty${name}c`, name), usbBoard(`/dev/tty${name}a`, n10)]);
      await until('three boards listed', () => a.boards.list().filter((b) => /[abc]$/.test(b.port.path) && b.port.path.startsWith(`/dev/tty${name}`)).length === 3 || undefined, a.boards.onDidChange);
      const order = (await labelsOf(tree)).map((l) => l.trim().split(' | ')[0]).filter((l) => l.includes(name));
      assert.deepEqual(order, [`Test CP2102 ${name}`, `Test CP2102 ${n9}`, `Test CP2102 ${n10}`]);
      fake.source.set([]);
      await until('the boards leave the tree', () => !a.boards.list().some((b) => b.port.path.startsWith(`/dev/tty${name}`)), a.boards.onDidChange);
      assert.ok(!(await labelsOf(tree)).some((l) => l.includes(name)), 'the unplugged board is still in the tree');
    } finally {
      sub.dispose();
      await fake.remove();
    }
  });
});
