import type { FirmwareRole } from '../build/sdkconfig';

/**
 * A board's part in a run, the same in the editor, `espnow-prov provision` and the demo: "responder",
 * "initiator" when there is one, "initiator 1" … "initiator N" in a fleet (index counts initiators from 1).
 */
export function runPartName(role: FirmwareRole, index: number, initiatorCount: number): string {
  if (role === 'responder') return 'responder';
  return initiatorCount === 1 ? 'initiator' : `initiator ${index}`;
}

/** The roles of a run's boards in order: the responder first, then every initiator. */
export function runRoles(initiatorCount: number): FirmwareRole[] {
  return ['responder', ...Array.from({ length: initiatorCount }, () => 'initiator' as const)];
}
