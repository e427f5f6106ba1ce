/**
 * Whether a process with this pid runs (this one always does). Used to tell leftovers of killed runs
 * (temp folders holding secrets) from those of runs still under way; a reused pid only delays a sweep.
 */
export function isProcessRunning(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    // EPERM: it runs, as another user.
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}
