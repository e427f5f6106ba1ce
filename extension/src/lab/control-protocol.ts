import * as crypto from 'node:crypto';
import * as path from 'node:path';
import type { ErrorKind } from '../core/common/errors';

/**
 * The lab control socket: JSON lines over a Unix domain socket inside the lab's 0700 state folder (a named
 * pipe on Windows), so only the lab's user can reach it (it can read every board's flash). The first line
 * a client sends is `{"token":"..."}` with the token from control.json, which also lives in that folder:
 * the second lock where the folder's permissions mean less (Windows pipes accept any local user). A request is
 * `{"id":1,"op":"listBoards","args":[...]}` where `op` is a LabControl method and `args` its arguments
 * (flash bytes travel as base64); the answer is `{"id":1,"ok":true,"result":...}` or
 * `{"id":1,"ok":false,"error":{"kind":"config","message":"...","hint":"..."}}`. The server also pushes
 * `{"event":"boardsChanged"}` when boards are added, removed or change state.
 */
export interface ControlRequest {
  readonly id: number;
  readonly op: ControlOp;
  readonly args: unknown[];
}

export type ControlResponse =
  | { readonly id: number; readonly ok: true; readonly result: unknown }
  | { readonly id: number; readonly ok: false; readonly error: { kind: ErrorKind; message: string; hint?: string } };

export interface ControlEvent {
  readonly event: 'boardsChanged';
}

export const CONTROL_OPS = [
  'listBoards',
  'createBoard',
  'removeBoard',
  'resetBoard',
  'readFlash',
  'setFaults',
  'setPosition',
  'moveOutOfRange',
  'moveIntoRange',
  'setChannel',
] as const;

export type ControlOp = (typeof CONTROL_OPS)[number];

/** `<stateDir>/control.json` (0600): where a running lab's control socket is and the token it wants. */
export interface ControlFile {
  /** A socket path, or a `\\.\pipe\...` name on Windows. */
  readonly socket: string;
  readonly pid: number;
  readonly token: string;
}

/** The first line a client sends. */
export interface ControlHello {
  readonly token: string;
}

/** 256 random bits as hex. */
export function newControlToken(): string {
  return crypto.randomBytes(32).toString('hex');
}

/** Compares tokens in constant time. */
export function sameToken(a: unknown, b: string): boolean {
  if (typeof a !== 'string' || a.length !== b.length) return false;
  return crypto.timingSafeEqual(Buffer.from(a), Buffer.from(b));
}

export function controlFileOf(stateDir: string): string {
  return path.join(stateDir, 'control.json');
}
