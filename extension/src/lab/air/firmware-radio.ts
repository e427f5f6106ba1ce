import type { Disposable } from '../../core/common/disposable';
import type { AccessPoint, Lease } from './access-point';
import type { Air, HeardFrame, Radio } from './air';
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
 * chip (associating retunes it to the AP's channel). Disposing it is powering the radio off.
 */
export class FirmwareRadio implements Disposable {
  private readonly radio: Radio;
  private readonly station: WifiStation;

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

  /** One ESP-NOW frame on the current channel; `done` as esp_now's send callback reports it. */
  send(dest: string, data: Uint8Array, done: (ok: boolean) => void): void {
    this.radio.send(dest, data, done);
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
