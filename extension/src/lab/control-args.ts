import { ProvisionError } from '../core/common/errors';
import { isChipKind } from './board-identity';
import type { BoardFaults } from './chip/chip-program';
import type { ControlOp } from './control-protocol';

/**
 * Checks the JSON arguments of a control-socket request before they reach the lab. The socket takes
 * whatever a peer sends; the lab's methods trust their TypeScript types (setFaults merges its argument
 * into the board's faults), so a `__proto__` key or a bit error rate of 5 must stop here. Returns fresh
 * values holding only the known keys; throws a 'config' error naming the argument otherwise.
 */
export function checkControlArgs(op: ControlOp, args: readonly unknown[]): unknown[] {
  const a = new Args(op, args);
  switch (op) {
    case 'listBoards':
      return a.done([]);
    case 'createBoard':
      return a.done([boardSpec(a.object(0, 'spec', ['chip', 'mac', 'port', 'wiring']), a)]);
    case 'removeBoard':
    case 'resetBoard':
    case 'moveOutOfRange':
    case 'moveIntoRange':
      return a.done([a.index(0)]);
    case 'readFlash':
      return a.done([a.index(0), a.integer(args[1], 'offset', 0, Number.MAX_SAFE_INTEGER), a.integer(args[2], 'length', 0, Number.MAX_SAFE_INTEGER)]);
    case 'setFaults':
      return a.done([a.index(0), faults(a.object(1, 'faults', FAULT_KEYS), a)]);
    case 'setPosition': {
      const p = a.object(1, 'position', ['x', 'y']);
      return a.done([a.index(0), { x: a.finite(p.x, 'position.x'), y: a.finite(p.y, 'position.y') }]);
    }
    case 'setChannel':
      return a.done([a.integer(args[0], 'channel', 1, 13)]);
  }
}

type Check<T> = (value: unknown, name: string, a: Args) => T;

const bool: Check<boolean> = (v, name, a) => (typeof v === 'boolean' ? v : a.fail(name, 'must be true or false', v));

/** Every fault a peer may set, with its check; a key not listed here is refused. */
const FAULT_CHECKS: { readonly [K in keyof BoardFaults]-?: Check<BoardFaults[K]> } = {
  silentBootloader: bool,
  bitErrorRate: (v, name, a) => (typeof v === 'number' && v >= 0 && v <= 1 ? v : a.fail(name, 'must be a probability from 0 to 1', v)),
  dropAfterBytes: (v, name, a) => a.integer(v, name, 0, Number.MAX_SAFE_INTEGER),
  heldInReset: bool,
  corruptFlashWrites: bool,
  stubResetsBaud: bool,
  wifiDriverRefusesJoin: bool,
};
const FAULT_KEYS = Object.keys(FAULT_CHECKS);

function faults(o: Record<string, unknown>, a: Args): Partial<BoardFaults> {
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(o)) out[key] = (FAULT_CHECKS[key as keyof BoardFaults] as Check<unknown>)(o[key], `faults.${key}`, a);
  return out as Partial<BoardFaults>;
}

function boardSpec(o: Record<string, unknown>, a: Args): Record<string, unknown> {
  const chip = o.chip;
  if (typeof chip !== 'string' || !isChipKind(chip)) a.fail('spec.chip', 'must be esp32, esp32s3 or esp32c3', chip);
  const spec: Record<string, unknown> = { chip };
  // The lab parses the MAC itself and names it in its own error; here it only has to be a string.
  if (o.mac !== undefined) spec.mac = typeof o.mac === 'string' ? o.mac : a.fail('spec.mac', 'must be a MAC address string', o.mac);
  if (o.port !== undefined) spec.port = a.integer(o.port, 'spec.port', 0, 65535);
  if (o.wiring !== undefined) {
    spec.wiring = o.wiring === 'uart-bridge' || o.wiring === 'usb-serial-jtag' ? o.wiring : a.fail('spec.wiring', 'must be uart-bridge or usb-serial-jtag', o.wiring);
  }
  return spec;
}

class Args {
  constructor(
    private readonly op: ControlOp,
    private readonly args: readonly unknown[],
  ) {}

  fail(name: string, rule: string, value: unknown): never {
    throw new ProvisionError('config', `${this.op}: argument ${name} ${rule} (got ${show(value)}).`);
  }

  /** The checked arguments, if the request had no more than those. */
  done(checked: unknown[]): unknown[] {
    if (this.args.length > checked.length) {
      throw new ProvisionError('config', `${this.op}: takes ${checked.length} argument(s), got ${this.args.length}.`);
    }
    return checked;
  }

  index(i: number): number {
    return this.integer(this.args[i], 'index', 1, Number.MAX_SAFE_INTEGER);
  }

  integer(v: unknown, name: string, min: number, max: number): number {
    return Number.isInteger(v) && (v as number) >= min && (v as number) <= max ? (v as number) : this.fail(name, `must be an integer from ${min} to ${max}`, v);
  }

  finite(v: unknown, name: string): number {
    return typeof v === 'number' && Number.isFinite(v) ? v : this.fail(name, 'must be a finite number', v);
  }

  /** A plain JSON object with only `keys` (own keys, so `__proto__` from JSON.parse is caught too). */
  object(i: number, name: string, keys: readonly string[]): Record<string, unknown> {
    const v = this.args[i];
    if (typeof v !== 'object' || v === null || Array.isArray(v)) this.fail(name, 'must be an object', v);
    const o = v as Record<string, unknown>;
    const unknown = Object.keys(o).find((k) => !keys.includes(k));
    if (unknown !== undefined) this.fail(`${name}.${unknown}`, `is not known (known: ${keys.join(', ')})`, o[unknown]);
    return o;
  }
}

function show(v: unknown): string {
  if (v === undefined) return 'nothing';
  const text = JSON.stringify(v) ?? String(v);
  return text.length > 40 ? `${text.slice(0, 40)}...` : text;
}
