import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { handler as authorizer } from '../../functions/auth/authorizer';
import { loadTenantSettings } from '../../shared/domain/tenants/tenant-repository';
import { startEmulators, type TestEmulators } from '../support/emulators';
import { authorizerEvent } from './as-staff';

const run = promisify(execFile);
const ROOT = resolve(__dirname, '../..');
const TSX = join(ROOT, 'node_modules/.bin/tsx');
const CLI = join(ROOT, 'local/cli/tenant-create.ts');

let stack: TestEmulators;
let workDir: string;

beforeAll(async () => {
  stack = await startEmulators();
  workDir = mkdtempSync(join(tmpdir(), 'facet-cli-'));
  mkdirSync(join(workDir, '.local'));
  writeFileSync(
    join(workDir, '.local/stack.json'),
    JSON.stringify({ tableName: stack.tableName, stage: 'local', region: 'us-east-1', endpoints: stack.endpoints }),
  );
});

afterAll(async () => {
  rmSync(workDir, { recursive: true, force: true });
  await stack?.stop();
});

/** The CLI runs in a clean environment: all it knows comes from .local/stack.json. */
const cleanEnv = () => ({ PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', POWERTOOLS_LOG_LEVEL: 'WARN' });

describe('npm run tenant:create', () => {
  it('creates a tenant on the running local stack and prints its id and owner key as JSON', async () => {
    const { stdout } = await run(TSX, [CLI, '--name', 'Acme Jewellers', '--time-zone', 'Australia/Perth', '--json'], {
      cwd: workDir,
      env: cleanEnv(),
    });
    const printed = JSON.parse(stdout) as { tenantId: string; apiKey: string };
    expect(Object.keys(printed).sort()).toEqual(['apiKey', 'tenantId']);
    expect(await authorizer(authorizerEvent(`Bearer ${printed.apiKey}`))).toMatchObject({
      isAuthorized: true,
      context: { tenantId: printed.tenantId, role: 'owner' },
    });
    expect(await loadTenantSettings(printed.tenantId)).toMatchObject({ name: 'Acme Jewellers', timeZone: 'Australia/Perth' });
  }, 60_000);

  it('explains what is missing instead of failing obscurely', async () => {
    const noName = await run(TSX, [CLI, '--json'], { cwd: workDir, env: cleanEnv() }).catch((e: { stderr: string; code: number }) => e);
    expect(noName).toMatchObject({ code: 1, stderr: expect.stringContaining('--name is required') });
    const noStack = await run(TSX, [CLI, '--name', 'X'], { cwd: tmpdir(), env: cleanEnv() }).catch((e: { stderr: string }) => e);
    expect(noStack).toMatchObject({ stderr: expect.stringContaining('No local stack found') });
  }, 60_000);
});
