/**
 * `npm run reset`: wipes the local stack's data (.local/data) and its stack file, so the next `npm start` creates the
 * table afresh and seeds a new demo tenant for today, with new API keys. Refuses while a stack is running on it.
 */
import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT, localStatePaths } from './runtime/paths';
import { readStackFile } from './runtime/stack-file';

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

const { stackFile, dataDir } = localStatePaths(join(REPO_ROOT, '.local'));

const running = readStackFile(stackFile)?.pid;
if (running !== undefined && running !== process.pid && isRunning(running)) {
  process.stderr.write(`The local stack is running (pid ${running}); stop it (Ctrl+C) before resetting its data.\n`);
  process.exit(1);
}

const wiped = [dataDir, stackFile].filter((path) => existsSync(path));
for (const path of wiped) rmSync(path, { recursive: true, force: true });
process.stdout.write(
  wiped.length > 0
    ? `Wiped ${wiped.map((path) => path.replace(`${REPO_ROOT}/`, '')).join(' and ')}. The next \`npm start\` seeds a new demo tenant for today.\n`
    : 'Nothing to wipe: no local data yet.\n',
);
