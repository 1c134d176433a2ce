/** Whether a process with this id runs on this machine. Signal 0 checks without touching it; EPERM means it exists under another user. */
export function processExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
