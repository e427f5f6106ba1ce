import * as path from 'node:path';
import type { ErrorKind } from '../core/common/errors';

/**
 * The lab control socket: JSON lines over TCP on 127.0.0.1. A request is
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

/** `<stateDir>/control.json`: where a running lab says which port its control socket listens on. */
export interface ControlFile {
  readonly port: number;
  readonly pid: number;
}

export function controlFileOf(stateDir: string): string {
  return path.join(stateDir, 'control.json');
}
