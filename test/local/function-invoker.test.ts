import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { FUNCTIONS, type FunctionSpec } from '../../functions/manifest';
import { createFunctionInvoker, LambdaTimeoutError, type LambdaHandler } from '../../local/runtime/function-invoker';
import { createLambdaContext } from '../../local/runtime/lambda-context';

const identity = { region: 'eu-west-1', accountId: '123456789012' };
const spec = (timeoutSeconds: number): FunctionSpec => ({
  id: 'worker',
  entry: 'functions/queue/worker.ts',
  description: 'test',
  timeoutSeconds,
  memoryMb: 256,
  trigger: { kind: 'schedule', expression: 'rate(1 minute)', description: 'test' },
  access: { table: 'read' },
});

describe('Lambda context', () => {
  it('names the function as CDK does and counts the remaining time down from the timeout', () => {
    let clock = 1_000_000;
    const context = createLambdaContext({ spec: spec(30), stage: 'dev', identity, now: () => clock });
    expect(context).toMatchObject({
      functionName: 'facet-dev-worker',
      invokedFunctionArn: 'arn:aws:lambda:eu-west-1:123456789012:function:facet-dev-worker',
      memoryLimitInMB: '256',
      logGroupName: '/aws/lambda/facet-dev-worker',
    });
    expect(context.awsRequestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(context.getRemainingTimeInMillis()).toBe(30_000);
    clock += 29_500;
    expect(context.getRemainingTimeInMillis()).toBe(500);
    clock += 1_000;
    expect(context.getRemainingTimeInMillis()).toBe(0);
  });
});

describe('function invoker', () => {
  it('imports a handler once (a warm container) and passes the event and a fresh context', async () => {
    let loads = 0;
    const requestIds: string[] = [];
    const handler: LambdaHandler = async (event, context) => {
      requestIds.push(context.awsRequestId);
      return { echoed: event };
    };
    const invoker = createFunctionInvoker({ rootDir: '.', stage: 'dev', identity, loadHandler: async () => (loads++, handler) });
    expect((await invoker.invoke(spec(5), { a: 1 })).result).toEqual({ echoed: { a: 1 } });
    await invoker.invoke(spec(5), { a: 2 });
    expect(loads).toBe(1);
    expect(new Set(requestIds).size).toBe(2);
  });

  it("fails an invocation that outlives the function's timeout, as Lambda does", async () => {
    const invoker = createFunctionInvoker({
      rootDir: '.',
      stage: 'dev',
      identity,
      loadHandler: async () => () => new Promise((resolve) => setTimeout(resolve, 5_000)),
    });
    const tiny = { ...spec(5), timeoutSeconds: 0.05 };
    await expect(invoker.invoke(tiny, {})).rejects.toBeInstanceOf(LambdaTimeoutError);
  });

  it('retries a module that failed to import on the next invocation', async () => {
    let attempts = 0;
    const invoker = createFunctionInvoker({
      rootDir: '.',
      stage: 'dev',
      identity,
      loadHandler: async () => {
        attempts += 1;
        if (attempts === 1) throw new SyntaxError('Unexpected token');
        return async () => 'ok';
      },
    });
    await expect(invoker.invoke(spec(5), {})).rejects.toThrow('Unexpected token');
    expect((await invoker.invoke(spec(5), {})).result).toBe('ok');
  });

  /** An invoker whose loader records the environment number of every module instance it loads. */
  const recordingInvoker = (handlerOf: (environment: number) => LambdaHandler) => {
    const environments: number[] = [];
    const invoker = createFunctionInvoker({
      rootDir: '.',
      stage: 'dev',
      identity,
      loadHandler: async (_spec, environment) => (environments.push(environment), handlerOf(environment)),
    });
    return { invoker, environments };
  };

  it('gives concurrent invocations environments of their own and reuses an idle one, as Lambda does', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const { invoker, environments } = recordingInvoker(
      (environment) => async (event) => ((event as { wait?: boolean }).wait ? gate.then(() => environment) : environment),
    );
    const first = invoker.invoke<number>(spec(5), { wait: true });
    const second = invoker.invoke<number>(spec(5), { wait: true });
    await new Promise((resolve) => setTimeout(resolve, 10));
    release();
    expect([(await first).result, (await second).result].sort()).toEqual([0, 1]);
    expect((await invoker.invoke<number>(spec(5), {})).result).toBeLessThan(2);
    expect(environments).toEqual([0, 1]);
  });

  it('imports a module instance per environment, so module-level state is per container', async () => {
    const invoker = createFunctionInvoker({ rootDir: process.cwd(), stage: 'dev', identity });
    const counting = { ...spec(5), entry: 'test/local/fixtures/counting-handler.ts' };
    const twoAtOnce = async () => {
      const calls = await Promise.all([0, 1].map(() => invoker.invoke<{ served: number }>(counting, { holdMs: 30 })));
      return calls.map((call) => call.result.served);
    };
    expect(await twoAtOnce()).toEqual([1, 1]);
    expect(await twoAtOnce()).toEqual([2, 2]);
  });

  it('discards an environment whose invocation timed out', async () => {
    const { invoker, environments } = recordingInvoker(
      () => (event) => ((event as { slow?: boolean }).slow ? new Promise((resolve) => setTimeout(resolve, 200)) : 'ok'),
    );
    const tiny = { ...spec(5), timeoutSeconds: 0.05 };
    await expect(invoker.invoke(tiny, { slow: true })).rejects.toBeInstanceOf(LambdaTimeoutError);
    expect((await invoker.invoke(tiny, {})).result).toBe('ok');
    expect(environments).toEqual([0, 1]);
  });

  it("imports the manifest entry's module from the repository when no loader is given", async () => {
    const invoker = createFunctionInvoker({ rootDir: process.cwd(), stage: 'dev', identity });
    const publicApi = FUNCTIONS.find((fn) => fn.id === 'api-public')!;
    const event: unknown = JSON.parse(readFileSync('events/api-public/get-health.json', 'utf8'));
    const { result } = await invoker.invoke<{ statusCode: number; body: string }>(publicApi, event);
    expect(result.statusCode).toBe(200);
    expect(JSON.parse(result.body)).toMatchObject({ status: 'ok' });

    await expect(invoker.invoke({ ...spec(5), entry: 'functions/does-not-exist.ts' }, {})).rejects.toThrow();
  });
});
