import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = resolve(fileURLToPath(new URL('.', import.meta.url)), '../..');

/** `.local/` (git-ignored): stack.json and data/ (dynalite's files, the scheduler's journal). */
export const localStatePaths = (stateDir: string) => ({
  stackFile: join(stateDir, 'stack.json'),
  dataDir: join(stateDir, 'data'),
});
