import * as vscode from 'vscode';
import { isProvisionError } from '../core/common/errors';
import type { BuildResult } from '../core/build/firmware-builder';
import type { FirmwareRole } from '../core/build/sdkconfig';
import { CHIP_KEYS, isChipKey } from '../core/chips/chips';

/** A build as a task (package.json taskDefinitions "espnow"): `{ "type": "espnow", "role": "responder", "target": "esp32c3" }`. */
export interface BuildTaskDefinition extends vscode.TaskDefinition {
  readonly type: 'espnow';
  readonly role: FirmwareRole;
  readonly target: string;
  readonly builder?: 'idf' | 'virtual';
}

/** Runs one build, reporting output lines; what the task's terminal shows. */
export type RunBuild = (def: BuildTaskDefinition, onOutput: (line: string) => void, signal: AbortSignal) => Promise<BuildResult>;

/** The problem matcher package.json contributes: GCC/Clang "file:line:col: error: text" lines go to Problems. */
export const BUILD_PROBLEM_MATCHER = '$espnow-idf';

export function isBuildTaskDefinition(d: vscode.TaskDefinition): d is BuildTaskDefinition {
  return d.type === 'espnow' && (d.role === 'responder' || d.role === 'initiator') && typeof d.target === 'string' && isChipKey(d.target) && (d.builder === undefined || d.builder === 'idf' || d.builder === 'virtual');
}

/**
 * A build in a terminal of its own, through a task: VS Code applies the ESP-IDF problem matcher to what it
 * prints, so compiler errors land in Problems and open at their line. `onResult` gets the build's outcome
 * (the command that started it waits for that, not for the terminal).
 */
export function buildTask(def: BuildTaskDefinition, run: RunBuild, onResult?: (r: { result?: BuildResult; error?: unknown }) => void): vscode.Task {
  const name = `build the ${def.role} for ${def.target}${def.builder === 'virtual' ? ' (virtual boards)' : ''}`;
  const task = new vscode.Task(def, vscode.TaskScope.Workspace, name, 'ESP-NOW', new vscode.CustomExecution(async () => new BuildTerminal(def, run, onResult)), [BUILD_PROBLEM_MATCHER]);
  task.group = vscode.TaskGroup.Build;
  task.presentationOptions = { reveal: vscode.TaskRevealKind.Silent, clear: true, showReuseMessage: false };
  return task;
}

/** Build tasks for the palette's Run Task: each role for each chip, with ESP-IDF. */
export function providedBuildTasks(run: RunBuild): vscode.Task[] {
  return CHIP_KEYS.flatMap((target) => (['responder', 'initiator'] as const).map((role) => buildTask({ type: 'espnow', role, target, builder: 'idf' }, run)));
}

/** The terminal a build task runs in: the build's output, then its outcome; closing it cancels the build. */
class BuildTerminal implements vscode.Pseudoterminal {
  private readonly write = new vscode.EventEmitter<string>();
  private readonly done = new vscode.EventEmitter<number>();
  readonly onDidWrite = this.write.event;
  readonly onDidClose = this.done.event;
  private readonly abort = new AbortController();
  private closed = false;

  constructor(
    private readonly def: BuildTaskDefinition,
    private readonly run: RunBuild,
    private readonly onResult?: (r: { result?: BuildResult; error?: unknown }) => void,
  ) {}

  open(): void {
    this.run(this.def, (line) => this.print(`${line.replace(/\r?\n/g, '\r\n')}\r\n`), this.abort.signal).then(
      (result) => {
        this.print(`\r\n${this.def.role} for ${this.def.target} (${result.toolchain}): ${result.cached ? 'from the build cache' : `built in ${(result.durationMs / 1000).toFixed(1)} s`}\r\n${result.buildDir}\r\n`);
        this.onResult?.({ result });
        this.finish(0);
      },
      (error: unknown) => {
        // A failed compile's messages are above (and in Problems): the summary does not repeat them, or
        // the problem matcher would read each error twice.
        const why = isProvisionError(error) && error.kind === 'build' ? 'the build failed: the messages above say why (also in Problems and the ESP-NOW log)' : isProvisionError(error) ? error.describe() : String(error);
        this.print(`\r\n\x1b[31m${this.def.role} for ${this.def.target}: ${why}\x1b[0m\r\n`);
        this.onResult?.({ error });
        this.finish(1);
      },
    );
  }

  /** The build may still report after the terminal was closed (it stops at its next step): nothing to show it on. */
  private print(text: string): void {
    if (!this.closed) this.write.fire(text);
  }

  private finish(code: number): void {
    if (this.closed) return;
    this.done.fire(code);
    this.dispose();
  }

  close(): void {
    this.abort.abort();
    this.dispose();
  }

  private dispose(): void {
    this.closed = true;
    this.write.dispose();
    this.done.dispose();
  }
}
