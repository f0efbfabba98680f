/**
 * The runs list as a new user meets it after trying the clock override: a pass run "later today" through the
 * override, then the real scheduled pass. The list is newest first by when each pass ran (wall clock), and "last run"
 * is the real pass, not the override's pretend time.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { automationsApi } from '../../functions/http/automations';
import type { Principal } from '../../shared/auth/roles';
import { startEmulators, type TestEmulators } from '../support/emulators';
import { apiEvent, callRoute } from '../support/http';
import { logger } from '../../shared/observability/logger';
import { lambdaContext } from '../support/http';
import { newTenant } from '../sending/pipeline-support';
import { runRunner } from './support';

let stack: TestEmulators;
let owner: Principal;
const automations = automationsApi();

beforeAll(async () => {
  stack = await startEmulators({ sqs: true, ses: true });
  owner = await newTenant('Runs Jewels');
});

afterAll(async () => stack?.stop());

describe('the runs list after a clock-override pass', () => {
  it('lists the real pass that ran last first, and reports it as the last run', async () => {
    const created = await callRoute(
      automations,
      apiEvent({ method: 'POST', path: '/v1/automations', routeKey: 'POST /v1/automations', principal: owner, body: { type: 'birthday', name: 'B', enabled: true } }),
    );
    const automationId = created.body.automationId as string;
    await runRunner(new Date(Date.now() + 6 * 3600_000));
    await runRunner();

    const runs = await callRoute(
      automations,
      apiEvent({ method: 'GET', path: `/v1/automations/${automationId}/runs`, routeKey: 'GET /v1/automations/{automationId}/runs', principal: owner, pathParameters: { automationId } }),
    );
    expect(runs.body.items.map((run: { clockOverride: boolean }) => run.clockOverride)).toEqual([false, true]);
    expect(Date.parse(runs.body.items[0].recordedAt)).toBeGreaterThanOrEqual(Date.parse(runs.body.items[1].recordedAt));

    const view = await callRoute(
      automations,
      apiEvent({ method: 'GET', path: `/v1/automations/${automationId}`, routeKey: 'GET /v1/automations/{automationId}', principal: owner, pathParameters: { automationId } }),
    );
    expect(view.body.lastRun).toMatchObject({ clockOverride: false });
  });
});

describe('the pass log line', () => {
  afterEach(() => vi.restoreAllMocks());

  it('carries the runner function’s own context, not the last one the shared logger saw', async () => {
    logger.addContext(lambdaContext('api-automations'));
    const level = logger.getLevelName();
    logger.setLogLevel('INFO');
    const lines: string[] = [];
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      lines.push(String(chunk));
      return true;
    });
    try {
      await runRunner();
    } finally {
      vi.restoreAllMocks();
      logger.setLogLevel(level);
    }
    const pass = lines
      .flatMap((chunk) => chunk.split('\n'))
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as Record<string, unknown>)
      .find((line) => line.message === 'automation runner pass');
    expect(pass).toMatchObject({ function_name: 'automation-runner' });
  });
});
