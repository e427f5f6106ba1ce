import { ProvisionError } from '../common/errors';

/** A parsed `rfc2217://host:port[?option&...]`. */
export interface Rfc2217Address {
  readonly host: string;
  readonly port: number;
  /** Normalised `rfc2217://host:port` (options dropped): the link's path and discovery key. */
  readonly url: string;
  /** Network timeout for negotiation replies, from `?timeout=SECONDS` (pyserial's option); default 3 s. */
  readonly timeoutMs: number;
}

/** pyserial's URL options; accepted so URLs copied from esptool command lines work here too. */
const KNOWN_OPTIONS = new Set(['ign_set_control', 'poll_modem', 'timeout', 'logging']);

const URL_PATTERN = /^rfc2217:\/\/(\[[0-9a-fA-F:.]+\]|[^:/?#\s[\]]+):([0-9]+)\/?(?:\?(.*))?$/;

/** Whether a port path names an RFC2217 URL (valid or not: parseRfc2217Url says what is wrong with it). */
export function isRfc2217Url(path: string): boolean {
  return /^rfc2217:\/\//i.test(path.trim());
}

/**
 * Parses and validates an RFC2217 URL. Throws a 'config' ProvisionError that quotes the bad value and
 * says which part is wrong, because these URLs are typed by hand into settings and command lines.
 */
export function parseRfc2217Url(raw: string): Rfc2217Address {
  const text = raw.trim();
  const bad = (what: string): ProvisionError =>
    new ProvisionError('config', `"${raw}" is not a valid RFC2217 URL: ${what}.`, undefined, 'Use rfc2217://host:port, e.g. rfc2217://192.168.1.20:4000.');
  if (!isRfc2217Url(text)) throw bad('it must start with rfc2217://');
  const m = URL_PATTERN.exec('rfc2217://' + text.slice('rfc2217://'.length));
  if (!m) {
    if (!/:[0-9]+(\/|\?|$)/.test(text.slice('rfc2217://'.length))) throw bad('the port number is missing');
    throw bad('the host is missing or malformed');
  }
  const host = m[1].startsWith('[') ? m[1].slice(1, -1) : m[1];
  const port = Number(m[2]);
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw bad(`port ${m[2]} is outside 1..65535`);
  let timeoutMs = 3000;
  for (const pair of (m[3] ?? '').split('&').filter((p) => p.length > 0)) {
    const [name, value] = pair.split('=', 2);
    if (!KNOWN_OPTIONS.has(name)) throw bad(`unknown option "${name}"`);
    if (name === 'timeout') {
      const seconds = Number(value);
      if (!(seconds > 0)) throw bad(`timeout "${value ?? ''}" is not a positive number of seconds`);
      timeoutMs = Math.round(seconds * 1000);
    }
  }
  const hostPart = host.includes(':') ? `[${host}]` : host;
  return { host, port, url: `rfc2217://${hostPart}:${port}`, timeoutMs };
}
