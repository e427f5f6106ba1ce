/**
 * ESP-IDF's `wifi_err_reason_t` (esp_wifi_types_generic.h): 1–68 are IEEE 802.11 reason codes, 200 and up
 * are Espressif's own. Texts are written for someone looking at a failed provisioning, so the codes that
 * usually mean a wrong password or SSID say so.
 */
const REASONS: Readonly<Record<number, readonly [name: string, text: string]>> = {
  1: ['UNSPECIFIED', 'unspecified reason'],
  2: ['AUTH_EXPIRE', 'authentication expired (AP did not answer; wrong password on some APs?)'],
  3: ['AUTH_LEAVE', 'deauthenticated: the station or AP is leaving'],
  4: ['ASSOC_EXPIRE', 'disassociated due to inactivity'],
  5: ['ASSOC_TOOMANY', 'AP has too many stations'],
  6: ['NOT_AUTHED', 'class 2 frame from a non-authenticated station'],
  7: ['NOT_ASSOCED', 'class 3 frame from a non-associated station'],
  8: ['ASSOC_LEAVE', 'disassociated: the station is leaving'],
  9: ['ASSOC_NOT_AUTHED', 'association requested before authentication'],
  10: ['DISASSOC_PWRCAP_BAD', 'power capability not acceptable'],
  11: ['DISASSOC_SUPCHAN_BAD', 'supported channels not acceptable'],
  12: ['BSS_TRANSITION_DISASSOC', 'disassociated for BSS transition'],
  13: ['IE_INVALID', 'invalid information element'],
  14: ['MIC_FAILURE', 'message integrity check failure'],
  15: ['4WAY_HANDSHAKE_TIMEOUT', '4-way handshake timeout (wrong password?)'],
  16: ['GROUP_KEY_UPDATE_TIMEOUT', 'group key update timeout'],
  17: ['IE_IN_4WAY_DIFFERS', 'information element in 4-way handshake differs'],
  18: ['GROUP_CIPHER_INVALID', 'invalid group cipher'],
  19: ['PAIRWISE_CIPHER_INVALID', 'invalid pairwise cipher'],
  20: ['AKMP_INVALID', 'invalid AKMP'],
  21: ['UNSUPP_RSN_IE_VERSION', 'unsupported RSN IE version'],
  22: ['INVALID_RSN_IE_CAP', 'invalid RSN IE capabilities'],
  23: ['802_1X_AUTH_FAILED', 'IEEE 802.1X authentication failed'],
  24: ['CIPHER_SUITE_REJECTED', 'cipher suite rejected by security policy'],
  25: ['TDLS_PEER_UNREACHABLE', 'TDLS peer unreachable'],
  26: ['TDLS_UNSPECIFIED', 'TDLS teardown, unspecified reason'],
  27: ['SSP_REQUESTED_DISASSOC', 'disassociated by SSP request'],
  28: ['NO_SSP_ROAMING_AGREEMENT', 'no SSP roaming agreement'],
  29: ['BAD_CIPHER_OR_AKM', 'bad cipher or AKM'],
  30: ['NOT_AUTHORIZED_THIS_LOCATION', 'not authorized in this location'],
  31: ['SERVICE_CHANGE_PERCLUDES_TS', 'service change precludes TS'],
  32: ['UNSPECIFIED_QOS', 'unspecified QoS reason'],
  33: ['NOT_ENOUGH_BANDWIDTH', 'not enough bandwidth'],
  34: ['MISSING_ACKS', 'too many missing ACKs'],
  35: ['EXCEEDED_TXOP', 'exceeded TXOP'],
  36: ['STA_LEAVING', 'station leaving'],
  37: ['END_BA', 'end of block ack'],
  38: ['UNKNOWN_BA', 'unknown block ack'],
  39: ['TIMEOUT', 'timeout'],
  46: ['PEER_INITIATED', 'disassociated by the peer'],
  47: ['AP_INITIATED', 'disassociated by the AP'],
  48: ['INVALID_FT_ACTION_FRAME_COUNT', 'invalid FT action frame count'],
  49: ['INVALID_PMKID', 'invalid PMKID'],
  50: ['INVALID_MDE', 'invalid MDE'],
  51: ['INVALID_FTE', 'invalid FTE'],
  67: ['TRANSMISSION_LINK_ESTABLISH_FAILED', 'transmission link establishment failed'],
  68: ['ALTERATIVE_CHANNEL_OCCUPIED', 'alternative channel occupied'],
  200: ['BEACON_TIMEOUT', 'beacon timeout (AP out of range or switched off?)'],
  201: ['NO_AP_FOUND', 'no AP found (SSID wrong or out of range)'],
  202: ['AUTH_FAIL', 'authentication failed (wrong password?)'],
  203: ['ASSOC_FAIL', 'association failed'],
  204: ['HANDSHAKE_TIMEOUT', 'handshake timeout (wrong password?)'],
  205: ['CONNECTION_FAIL', 'connection failed'],
  206: ['AP_TSF_RESET', 'AP TSF reset'],
  207: ['ROAMING', 'roaming'],
  208: ['ASSOC_COMEBACK_TIME_TOO_LONG', 'association comeback time too long'],
  209: ['SA_QUERY_TIMEOUT', 'SA query timeout'],
  210: ['NO_AP_FOUND_W_COMPATIBLE_SECURITY', 'no AP found with compatible security'],
  211: ['NO_AP_FOUND_IN_AUTHMODE_THRESHOLD', 'no AP found within the auth mode threshold'],
  212: ['NO_AP_FOUND_IN_RSSI_THRESHOLD', 'no AP found within the RSSI threshold'],
};

/** The enum name without its `WIFI_REASON_` prefix, e.g. `NO_AP_FOUND`; undefined for unknown codes. */
export function wifiReasonName(code: number): string | undefined {
  return REASONS[code]?.[0];
}

/** Human-readable text for a disconnect reason, e.g. 15 → "4-way handshake timeout (wrong password?)". */
export function wifiReasonText(code: number): string {
  return REASONS[code]?.[1] ?? `reason ${code}`;
}

/** Codes that, during a first connect, most likely mean the password is wrong. */
export function suggestsWrongPassword(code: number): boolean {
  return code === 2 || code === 15 || code === 202 || code === 204;
}
