import { BROADCAST_MAC } from './mac';

/** esp_err_t values of ESP-NOW (esp_now.h: ESP_ERR_ESPNOW_BASE = ESP_ERR_WIFI_BASE + 100 = 0x3064). */
export const ESP_OK = 0;
export const ESP_ERR_ESPNOW_ARG = 0x3066;
export const ESP_ERR_ESPNOW_FULL = 0x3068;
export const ESP_ERR_ESPNOW_NOT_FOUND = 0x3069;
export const ESP_ERR_ESPNOW_EXIST = 0x306b;

/** ESP_NOW_MAX_TOTAL_PEER_NUM: the table holds 20 peers, the broadcast address included. */
export const ESPNOW_MAX_PEERS = 20;

/**
 * One chip's ESP-NOW peer table, with the errors esp_now_add_peer / esp_now_del_peer / esp_now_send return.
 * It lives as long as the firmware that fills it: a reset empties it, as on the chip.
 */
export class EspNowPeers {
  private readonly peers = new Set<string>();

  add(mac: string): number {
    if (this.peers.has(mac)) return ESP_ERR_ESPNOW_EXIST;
    if (this.peers.size >= ESPNOW_MAX_PEERS) return ESP_ERR_ESPNOW_FULL;
    this.peers.add(mac);
    return ESP_OK;
  }

  remove(mac: string): number {
    return this.peers.delete(mac) ? ESP_OK : ESP_ERR_ESPNOW_NOT_FOUND;
  }

  /** What esp_now_send checks before a frame goes out: a registered destination (broadcast included). */
  checkSend(dest: string, length: number, maxLength: number): number {
    if (length === 0 || length > maxLength) return ESP_ERR_ESPNOW_ARG;
    return this.peers.has(dest) ? ESP_OK : ESP_ERR_ESPNOW_NOT_FOUND;
  }

  get size(): number {
    return this.peers.size;
  }

  has(mac: string): boolean {
    return this.peers.has(mac);
  }

  static isBroadcast(mac: string): boolean {
    return mac === BROADCAST_MAC;
  }
}
