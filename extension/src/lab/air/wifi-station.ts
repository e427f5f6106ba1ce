import type { Disposable } from '../../core/common/disposable';
import { WifiReason, type AccessPoint, type Lease } from './access-point';
import type { Air } from './air';

/** How long the steps of a join take. Defaults follow what an ESP32 station shows in its log. */
export interface WifiTimings {
  /** Active scan dwell per channel; ESP-IDF's fast scan walks 1..13 and stops at the first match. */
  readonly scanPerChannelMs: number;
  /** Authentication, association and a successful handshake. */
  readonly associateMs: number;
  /** Association to DHCP lease. */
  readonly dhcpMs: number;
  /** How long a station waits for a 4-way handshake that a wrong password never completes. */
  readonly handshakeTimeoutMs: number;
  /** Without beacons for this long an associated station gives up (ESP-IDF's default inactive time: 6 s). */
  readonly beaconTimeoutMs: number;
}

/** Realistic join timings; tests pass shorter ones. */
export const DEFAULT_WIFI_TIMINGS: WifiTimings = {
  scanPerChannelMs: 120,
  associateMs: 150,
  dhcpMs: 800,
  handshakeTimeoutMs: 3000,
  beaconTimeoutMs: 6000,
};

/** What a station reports to the firmware (the lab link turns these into lines). */
export interface StationEvents {
  connected(bssid: string, channel: number): void;
  gotIp(lease: Lease): void;
  disconnected(reason: number): void;
}

/**
 * The Wi-Fi station side of one running firmware: paces a join against the access points in the air and
 * reports the events ESP-IDF would, in the order it would. The password is only compared, never kept.
 */
export class WifiStation implements Disposable {
  private pending: Disposable[] = [];
  private joined: AccessPoint | undefined;
  private beaconLoss: Disposable | undefined;
  private readonly moves: Disposable;

  constructor(
    private readonly mac: string,
    private readonly air: Air,
    private readonly accessPoints: () => Iterable<AccessPoint>,
    private readonly events: StationEvents,
    private readonly timings: WifiTimings = DEFAULT_WIFI_TIMINGS,
  ) {
    this.moves = air.onDidMove(() => this.checkBeacons());
  }

  /** An associated station that stops hearing its AP's beacons disconnects with reason 200 after a while. */
  private checkBeacons(): void {
    const ap = this.joined;
    const heard = ap !== undefined && this.air.inRange(this.mac, ap.bssid);
    if (heard || !ap) {
      this.beaconLoss?.dispose();
      this.beaconLoss = undefined;
      return;
    }
    this.beaconLoss ??= this.air.later(() => {
      this.beaconLoss = undefined;
      if (this.joined !== ap) return;
      this.cancel();
      this.joined = undefined;
      this.events.disconnected(WifiReason.BEACON_TIMEOUT);
    }, this.timings.beaconTimeoutMs);
  }

  /** The AP the station is associated with, if any. */
  get accessPoint(): AccessPoint | undefined {
    return this.joined;
  }

  /** `esp_wifi_connect` with this SSID and password (raw bytes, as in `wifi_sta_config_t`). */
  connect(ssid: Uint8Array, password: Uint8Array): void {
    // A new connect replaces whatever was going on, as esp_wifi_set_config + esp_wifi_connect does; an
    // associated station leaves first, and says so (reason 8) like ESP-IDF.
    this.cancel();
    if (this.joined) this.schedule(() => this.events.disconnected(WifiReason.ASSOC_LEAVE), 0);
    this.joined = undefined;
    const wanted = Buffer.from(ssid);
    const candidates = [...this.accessPoints()]
      .filter((ap) => Buffer.from(ap.ssid, 'utf8').equals(wanted))
      .filter((ap) => this.air.inRange(this.mac, ap.bssid))
      .sort((a, b) => this.air.rssiBetween(this.mac, b.bssid) - this.air.rssiBetween(this.mac, a.bssid));
    const ap = candidates[0];
    if (!ap) {
      this.schedule(() => this.events.disconnected(WifiReason.NO_AP_FOUND), 13 * this.timings.scanPerChannelMs);
      return;
    }
    const found = ap.channel * this.timings.scanPerChannelMs;
    const reason = ap.checkJoin(password);
    if (reason !== undefined) {
      // The authmode threshold makes the scan skip the open AP and finish all channels; a wrong WPA
      // password is found out only after association, when the handshake times out.
      const wait =
        reason === WifiReason.NO_AP_FOUND_IN_AUTHMODE_THRESHOLD
          ? 13 * this.timings.scanPerChannelMs
          : found + this.timings.associateMs + this.timings.handshakeTimeoutMs;
      this.schedule(() => this.events.disconnected(reason), wait);
      return;
    }
    if (ap.silentAt === 'association') return; // nothing answers: the firmware's own join timer decides
    this.schedule(() => {
      this.joined = ap;
      this.events.connected(ap.bssid, ap.channel);
      if (ap.silentAt === 'dhcp') return; // associated, but no lease ever comes
      this.schedule(() => {
        if (this.joined === ap) this.events.gotIp(ap.lease(this.mac));
      }, this.timings.dhcpMs);
    }, found + this.timings.associateMs);
  }

  /** `esp_wifi_disconnect`: ESP-IDF reports reason 8 when the station was associated. */
  disconnect(): void {
    this.cancel();
    if (this.joined) {
      this.joined = undefined;
      this.schedule(() => this.events.disconnected(WifiReason.ASSOC_LEAVE), 0);
    }
  }

  private schedule(fn: () => void, ms: number): void {
    const handle = this.air.later(() => {
      this.pending = this.pending.filter((p) => p !== handle);
      fn();
    }, ms);
    this.pending.push(handle);
  }

  private cancel(): void {
    for (const p of this.pending) p.dispose();
    this.pending = [];
    this.beaconLoss?.dispose();
    this.beaconLoss = undefined;
  }

  dispose(): void {
    this.cancel();
    this.moves.dispose();
    this.joined = undefined;
  }
}
