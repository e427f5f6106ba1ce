import type { BoardDiscovery } from '../core/boards/board-discovery';
import type { BoardRegistry } from '../core/boards/board-registry';
import type { DiscoverySource } from '../core/boards/discovery-source';
import type { Disposable } from '../core/common/disposable';
import type { Settings } from '../core/config/settings';
import type { LabController } from './lab-controller';
import type { BoardTreeProvider } from './board-tree';
import type { LastRunTreeProvider } from './last-run-tree';
import type { MonitorManager } from './monitor-manager';
import type { PairStatusBar } from './pair-status-bar';
import type { SettingNotices } from './setting-notices';

/**
 * What `activate()` returns: the models behind the UI, so integration tests (and other extensions)
 * can inject a discovery source and observe the tree's data without scraping the DOM.
 */
export interface EspNowApi {
  readonly boards: BoardRegistry;
  readonly discovery: BoardDiscovery;
  readonly statusBar: PairStatusBar;
  readonly tree: BoardTreeProvider;
  /** The Last Run view: every board of the latest run, kept until the next. */
  readonly lastRun: LastRunTreeProvider;
  readonly monitors: MonitorManager;
  readonly lab: LabController;
  /** Messages about wrong settings still on screen (withdrawn when fixed). */
  readonly notices: SettingNotices;
  /** The settings as the extension applies them (user-only settings ignore a workspace's values). */
  settings(): Settings;
  addDiscoverySource(source: DiscoverySource): Disposable;
}
