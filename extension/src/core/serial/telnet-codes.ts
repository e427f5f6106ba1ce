/**
 * Byte values of the telnet protocol (RFC 854/855) and of its COM-PORT-OPTION (RFC 2217), shared by the
 * RFC2217 client in core and the virtual boards' server in the lab.
 */
export const Telnet = {
  SE: 0xf0,
  NOP: 0xf1,
  SB: 0xfa,
  WILL: 0xfb,
  WONT: 0xfc,
  DO: 0xfd,
  DONT: 0xfe,
  IAC: 0xff,
} as const;

/** Telnet options this project negotiates. */
export const TelnetOption = {
  BINARY: 0x00,
  ECHO: 0x01,
  SGA: 0x03,
  COM_PORT: 0x2c,
} as const;

/** COM-PORT-OPTION sub-commands as the client sends them; the server answers with the same code + 100. */
export const ComPort = {
  SIGNATURE: 0,
  SET_BAUDRATE: 1,
  SET_DATASIZE: 2,
  SET_PARITY: 3,
  SET_STOPSIZE: 4,
  SET_CONTROL: 5,
  NOTIFY_LINESTATE: 6,
  NOTIFY_MODEMSTATE: 7,
  FLOWCONTROL_SUSPEND: 8,
  FLOWCONTROL_RESUME: 9,
  SET_LINESTATE_MASK: 10,
  SET_MODEMSTATE_MASK: 11,
  PURGE_DATA: 12,
} as const;

/** Offset of server-to-client sub-command codes (RFC 2217: "server replies use the +100 codes"). */
export const SERVER_OFFSET = 100;

/** SET-CONTROL values (RFC 2217 section 3). */
export const Control = {
  REQ_FLOW: 0,
  FLOW_NONE: 1,
  FLOW_XONXOFF: 2,
  FLOW_HARDWARE: 3,
  REQ_BREAK: 4,
  BREAK_ON: 5,
  BREAK_OFF: 6,
  REQ_DTR: 7,
  DTR_ON: 8,
  DTR_OFF: 9,
  REQ_RTS: 10,
  RTS_ON: 11,
  RTS_OFF: 12,
  REQ_FLOW_IN: 13,
  FLOW_IN_NONE: 14,
  /** 15..19: inbound XON/XOFF, hardware, DCD, DTR and DSR flow control. */
  FLOW_IN_LAST: 19,
} as const;

/** PURGE-DATA values: which access-server buffer to discard. */
export const Purge = {
  RECEIVE: 1,
  TRANSMIT: 2,
  BOTH: 3,
} as const;

/** NOTIFY-MODEMSTATE bits. */
export const ModemState = {
  CD: 0x80,
  RI: 0x40,
  DSR: 0x20,
  CTS: 0x10,
} as const;

/** NOTIFY-LINESTATE bits used here. */
export const LineState = {
  SHIFT_REGISTER_EMPTY: 0x40,
  HOLDING_REGISTER_EMPTY: 0x20,
} as const;

/** SET-PARITY value for "none", SET-STOPSIZE value for one stop bit. */
export const PARITY_NONE = 1;
export const STOPSIZE_ONE = 1;
