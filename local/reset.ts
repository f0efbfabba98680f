/**
 * `npm run reset`: wipes the local stack's data (.local/data) and its stack file, so the next `npm start` creates the
 * table afresh and seeds a new demo tenant for today, with new API keys. Refuses while a stack is running on it.
 */
import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT, localStatePaths } from './runtime/paths';
import { runningStackOf } from './runtime/running-stack';

const { stackFile, dataDir } = localStatePaths(join(REPO_ROOT, '.local'));

const running = runningStackOf(stackFile);
if (running) {
  process.stderr.write(`The local stack is running (pid ${running.pid}, ${running.apiUrl}); stop it before resetting its data.\n`);
  process.exit(1);
}

const wiped = [dataDir, stackFile].filter((path) => existsSync(path));
for (const path of wiped) rmSync(path, { recursive: true, force: true });
process.stdout.write(
  wiped.length > 0
    ? `Wiped ${wiped.map((path) => path.replace(`${REPO_ROOT}/`, '')).join(' and ')}. The next \`npm start\` seeds a new demo tenant for today.\n`
    : 'Nothing to wipe: no local data yet.\n',
);
