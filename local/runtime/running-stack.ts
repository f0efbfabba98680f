import { readStackFile } from './stack-file';

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * The other process serving from this state folder, if any: the pid a running stack writes into stack.json. Two
 * stacks on one data folder would fight over dynalite's LevelDB lock (and crash with "Database is closed").
 */
export function runningStackOf(stackFile: string): { pid: number; apiUrl: string } | undefined {
  const stack = readStackFile(stackFile);
  if (stack?.pid === undefined || stack.pid === process.pid || !isAlive(stack.pid)) return undefined;
  return { pid: stack.pid, apiUrl: stack.apiUrl };
}
