import { ProvisionError } from '../common/errors';
import type { DetectedPort } from './detected-port';
import type { DiscoverySource } from './discovery-source';

const RFC2217_URL = /^rfc2217:\/\/([^:/\s]+):(\d{1,5})$/;

/**
 * Remote boards listed in `espnow.remotePorts`. They are shown as configured; whether they answer is
 * found out when the board is identified, which gives a specific error (refused, unreachable).
 */
export class RemoteDiscoverySource implements DiscoverySource {
  readonly kind = 'rfc2217' as const;
  private urls: string[] = [];

  /** `where` names the list in messages: the setting by default, `--remote` when the CLI passes its flag. */
  constructor(
    urls: readonly string[] = [],
    private readonly where = 'espnow.remotePorts',
  ) {
    this.setUrls(urls);
  }

  /** Validates every URL first, so one bad entry is reported and nothing half-applied. */
  setUrls(urls: readonly string[]): void {
    const checked = urls.map((u) => u.trim());
    for (const u of checked) {
      const m = RFC2217_URL.exec(u);
      if (!m || Number(m[2]) < 1 || Number(m[2]) > 65535) {
        throw new ProvisionError('config', `"${u}" in ${this.where} is not an RFC2217 URL.`, undefined, 'Use rfc2217://host:port, e.g. rfc2217://192.168.1.20:4000.');
      }
    }
    this.urls = [...new Set(checked)];
  }

  async scan(): Promise<DetectedPort[]> {
    return this.urls.map((path) => ({ source: 'rfc2217', path, description: 'Remote board (RFC2217)' }));
  }

  dispose(): void {}
}
