import type { Disposable } from '../../core/common/disposable';
import type { AccessPoint, Lease } from './access-point';
import { MAX_FRAME_LENGTH, type Air, type HeardFrame, type Radio } from './air';
import { ESP_OK, EspNowPeers } from './espnow-peers';
import { WifiStation, type WifiTimings } from './wifi-station';

/** What the air and the access point tell one running firmware. */
export interface FirmwareRadioEvents {
  frame(frame: HeardFrame): void;
  wifiConnected(bssid: string, channel: number): void;
  gotIp(lease: Lease): void;
  wifiDisconnected(reason: number): void;
}

/**
 * One running firmware's radio: ESP-NOW in the air and a Wi-Fi station, sharing one channel as on the
 * chip (associating retunes it to the AP's channel). ESP-NOW's contract is enforced as esp_now.h states
 * it: a peer table of 20, sends only to registered peers, at most 250 bytes, one send callback per frame
 * sent. Disposing it is powering the radio off.
 */
export class FirmwareRadio implements Disposable {
  private readonly radio: Radio;
  private readonly station: WifiStation;
  /** The chip's ESP-NOW peer table. */
  readonly peers = new EspNowPeers();

  constructor(
    readonly mac: string,
    air: Air,
    accessPoints: () => Iterable<AccessPoint>,
    events: FirmwareRadioEvents,
    wifiTimings?: WifiTimings,
  ) {
    this.radio = air.attach(mac, (f) => events.frame(f));
    const radio = this.radio;
    this.station = new WifiStation(
      mac,
      air,
      accessPoints,
      {
        connected: (bssid, channel) => {
          radio.setChannel(channel);
          events.wifiConnected(bssid, channel);
        },
        gotIp: (lease) => events.gotIp(lease),
        disconnected: (reason) => events.wifiDisconnected(reason),
      },
      wifiTimings,
    );
  }

  setChannel(channel: number): void {
    this.radio.setChannel(channel);
  }

  /** esp_now_add_peer; an esp_err_t value. */
  addPeer(mac: string): number {
    return this.peers.add(mac);
  }

  /** esp_now_del_peer; an esp_err_t value. */
  deletePeer(mac: string): number {
    return this.peers.remove(mac);
  }

  /**
   * esp_now_send: one frame on the current channel to a registered peer. Returns an esp_err_t value; only
   * when it is ESP_OK does `done` follow, once, as the send callback (unicast: acknowledged or not;
   * broadcast: always a success, nobody acknowledges it).
   */
  send(dest: string, data: Uint8Array, done: (ok: boolean) => void): number {
    const err = this.peers.checkSend(dest, data.length, MAX_FRAME_LENGTH);
    if (err !== ESP_OK) return err;
    this.radio.send(dest, data, done);
    return ESP_OK;
  }

  joinWifi(ssid: Uint8Array, password: Uint8Array): void {
    this.station.connect(ssid, password);
  }

  leaveWifi(): void {
    this.station.disconnect();
  }

  dispose(): void {
    this.station.dispose();
    this.radio.dispose();
  }
}
