/** How the access point protects its network; it decides which disconnect reason a bad join gets. */
export type ApSecurity = 'open' | 'wpa2-psk' | 'wpa3-sae';

/** ESP-IDF `wifi_err_reason_t` values the simulated access point and station report. */
export const WifiReason = {
  /** The station left on its own (`esp_wifi_disconnect`). */
  ASSOC_LEAVE: 8,
  /** WPA2-PSK with a wrong password: the AP never accepts message 2 of the 4-way handshake. */
  FOURWAY_HANDSHAKE_TIMEOUT: 15,
  /** The AP stopped being heard while associated. */
  BEACON_TIMEOUT: 200,
  /** No AP with that SSID answered the scan. */
  NO_AP_FOUND: 201,
  /** SAE (WPA3) commit/confirm failed: the usual symptom of a wrong WPA3 password. */
  AUTH_FAIL: 202,
  /** An AP was found but it is weaker than the station requires (a password implies at least WPA2). */
  NO_AP_FOUND_IN_AUTHMODE_THRESHOLD: 211,
} as const;

/** An IPv4 lease as `GOT_IP` carries it. */
export interface Lease {
  readonly ip: string;
  readonly mask: string;
  readonly gw: string;
}

/** One simulated network. Place it in the air with `air.setPosition(ap.bssid, ...)`; unplaced it is at the origin. */
export interface AccessPointConfig {
  readonly ssid: string;
  /** Ignored for `open`. */
  readonly password: string;
  /** 1..13 */
  readonly channel: number;
  readonly security: ApSecurity;
  /** Default: derived from the SSID so it is stable across lab restarts. */
  readonly bssid?: string;
  /** First three octets of the /24 the AP serves. Default `192.168.4` (ESP-IDF's own softAP subnet). */
  readonly subnet?: string;
  /** First host number handed out. Default 100. */
  readonly firstHost?: number;
  /**
   * Fault: the AP goes quiet at one step of a join: `association` (it never answers, the station's join
   * times out) or `dhcp` (it associates but hands out no lease).
   */
  readonly silentAt?: 'association' | 'dhcp';
}

/**
 * A simulated Wi-Fi access point: checks a joining station's password the way its security mode would
 * and hands out DHCP-like leases that stay the same for a MAC (a real DHCP server remembers its clients).
 * It holds no timers; the station ({@link WifiStation}) paces the join.
 */
export class AccessPoint {
  readonly ssid: string;
  readonly channel: number;
  readonly security: ApSecurity;
  readonly bssid: string;
  readonly silentAt?: 'association' | 'dhcp';
  private readonly password: string;
  private readonly subnet: string;
  private readonly leases = new Map<string, Lease>();
  private nextHost: number;

  constructor(config: AccessPointConfig) {
    if (!Number.isInteger(config.channel) || config.channel < 1 || config.channel > 13) {
      throw new RangeError(`AP channel ${config.channel} is not 1..13`);
    }
    if (config.security !== 'open' && (config.password.length < 8 || config.password.length > 63)) {
      // The same rule hostapd and esp_wifi apply to a WPA passphrase.
      throw new RangeError(`a ${config.security} passphrase has 8..63 characters`);
    }
    this.ssid = config.ssid;
    this.password = config.password;
    this.channel = config.channel;
    this.security = config.security;
    this.bssid = config.bssid ?? bssidFor(config.ssid);
    this.subnet = config.subnet ?? '192.168.4';
    this.nextHost = config.firstHost ?? 100;
    if (config.silentAt) this.silentAt = config.silentAt;
  }

  /**
   * What happens when a station offers `password`: `undefined` when it may join, else the disconnect
   * reason ESP-IDF reports on the station.
   */
  checkJoin(password: Uint8Array): number | undefined {
    const offered = Buffer.from(password);
    if (this.security === 'open') {
      return offered.length === 0 ? undefined : WifiReason.NO_AP_FOUND_IN_AUTHMODE_THRESHOLD;
    }
    if (offered.equals(Buffer.from(this.password, 'utf8'))) return undefined;
    return this.security === 'wpa3-sae' ? WifiReason.AUTH_FAIL : WifiReason.FOURWAY_HANDSHAKE_TIMEOUT;
  }

  /** The lease for `mac`: the same address every time that MAC joins. */
  lease(mac: string): Lease {
    let lease = this.leases.get(mac);
    if (!lease) {
      if (this.nextHost > 254) throw new Error(`AP ${this.ssid}: lease pool exhausted`);
      lease = { ip: `${this.subnet}.${this.nextHost++}`, mask: '255.255.255.0', gw: `${this.subnet}.1` };
      this.leases.set(mac, lease);
    }
    return lease;
  }

  /** Leases handed out so far, for tests and the lab's status view. */
  listLeases(): Array<{ mac: string } & Lease> {
    return [...this.leases].map(([mac, l]) => ({ mac, ...l }));
  }
}

/** A locally administered unicast BSSID derived from the SSID (stable, never clashes with a board's MAC). */
function bssidFor(ssid: string): string {
  let h = 0x811c9dc5;
  for (const b of Buffer.from(ssid, 'utf8')) h = Math.imul(h ^ b, 0x01000193) >>> 0;
  const bytes = [0x02, 0xa9, h >>> 24, (h >>> 16) & 0xff, (h >>> 8) & 0xff, h & 0xff];
  return bytes.map((b) => b.toString(16).padStart(2, '0')).join(':');
}
