import type { Event } from '../core/common/emitter';
import type { BoardPrograms, BoardRunState } from './board/virtual-board';
import type { ResetWiring } from './board/reset-circuit';
import type { BoardFaults, ChipKind } from './chip/chip-program';
import type { AccessPoint } from './air/access-point';
import type { Air, Position } from './air/air';

/** A board to create: chip, and optionally a fixed MAC and TCP port. */
export interface LabBoardSpec {
  readonly chip: ChipKind;
  readonly mac?: string;
  /** 0/undefined: chosen by the OS. */
  readonly port?: number;
  readonly wiring?: ResetWiring;
}

/** One board as the lab reports it (also the JSON shape on the control socket). */
export interface LabBoardInfo {
  readonly index: number;
  readonly chip: ChipKind;
  /** "ESP32-S3" */
  readonly chipLabel: string;
  readonly mac: string;
  readonly port: number;
  /** rfc2217://127.0.0.1:PORT */
  readonly url: string;
  readonly wiring: ResetWiring;
  readonly state: BoardRunState;
  readonly hostConnected: boolean;
  readonly faults: BoardFaults;
}

/** What the lab hands to the chip programs of its boards (the boot needs the air and the access points). */
export interface LabEnvironment {
  readonly stateDir: string;
  readonly air: Air;
  readonly accessPoints: () => readonly AccessPoint[];
  readonly log: (message: string) => void;
}

/** Builds the ROM loader / boot-from-flash programs of one board. Injected, so the lab core stays testable. */
export type ProgramsFactory = (env: LabEnvironment, board: { index: number; chip: ChipKind; mac: string }) => BoardPrograms;

/**
 * The operations on a running lab, the same in-process (Lab) and over the control socket (LabClient),
 * so the CLI, the extension and tests drive either one.
 */
export interface LabControl {
  listBoards(): Promise<LabBoardInfo[]>;
  createBoard(spec: LabBoardSpec): Promise<LabBoardInfo>;
  removeBoard(index: number): Promise<void>;
  /** Pulses EN (the board's reset button): the chip boots as its strapping pins say. */
  resetBoard(index: number): Promise<void>;
  readFlash(index: number, offset: number, length: number): Promise<Uint8Array>;
  setFaults(index: number, faults: Partial<BoardFaults>): Promise<LabBoardInfo>;
  setPosition(index: number, position: Position): Promise<void>;
  /** Fault: the board hears nothing and is heard by nobody, until `moveIntoRange`. */
  moveOutOfRange(index: number): Promise<void>;
  moveIntoRange(index: number): Promise<void>;
  /** Moves the access point to another channel (1..13), as a router's auto-channel would. */
  setChannel(channel: number): Promise<void>;
  /** Fires when boards are added or removed (or change state). */
  readonly onDidChangeBoards: Event<void>;
}
