/**
 * The automation runner's clock override, against the running local stack (`npm start`):
 *
 *   npm run automations:run -- --at 2026-12-24T10:00 [--tz Australia/Sydney]
 *
 * Runs one runner pass as if it were that moment: the same function (functions/schedule/automation-runner.ts, through
 * the local runtime's invoker, with the local stack's environment) and the same input the recurring schedule sends,
 * plus `now`. `--at` without an offset is a wall time in `--tz`, else in the demo tenant's time zone; with `Z` or an
 * offset it is that instant. What falls due is handed to the pipeline; the running stack's send workers deliver it to
 * the mail viewer. Without `--at`, a pass at the real time (as if the schedule fired now).
 *
 * A pass with a clock far ahead of the wall clock sends what it finds but leaves the automations' checkpoints where
 * they are, so the scheduled passes carry on from the real day; the claims stop anything from going twice.
 */
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { DateTime } from 'luxon';
import { LOCAL_ACCOUNT_ID } from '../local/runtime/aws-identity';
import { stackFileSchema, type StackFile } from '../local/runtime/stack-file';
import { findFunction, localEnvironment } from './invoke';

/** `--at` as an instant: a wall time in `timeZone`, unless it carries its own offset. */
export function overrideInstant(at: string, timeZone: string): Date {
  if (/(?:[zZ]|[+-]\d{2}:?\d{2})$/.test(at)) {
    const ms = Date.parse(at);
    if (!Number.isFinite(ms)) throw new Error(`--at ${at} is not a date and time`);
    return new Date(ms);
  }
  const local = DateTime.fromISO(at, { zone: timeZone });
  if (!local.isValid) throw new Error(`--at ${at} is not a local date and time such as 2026-12-24T10:00 (${local.invalidExplanation ?? ''})`);
  return local.toJSDate();
}

/** The input the recurring schedule sends (infra/schedule-input.ts), with the clock override. */
export function runnerInput(now: Date | undefined): Record<string, string> {
  const at = (now ?? new Date()).toISOString();
  return {
    schedule: 'automation-runner',
    scheduleArn: 'local:automations:run',
    scheduledTime: at,
    executionId: `manual-${Date.now()}`,
    attemptNumber: '1',
    ...(now ? { now: at } : {}),
  };
}

function readStack(file: string): StackFile {
  if (!existsSync(file)) throw new Error(`No local stack (${file}); start one with \`npm start\`.`);
  const parsed = stackFileSchema.safeParse(JSON.parse(readFileSync(file, 'utf8')));
  if (!parsed.success) throw new Error(`${file} is not a local stack file`);
  return parsed.data;
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { at: { type: 'string' }, tz: { type: 'string' } } });
  const root = process.cwd();
  const stack = readStack(resolve(root, '.local/stack.json'));
  Object.assign(process.env, await localEnvironment(stack));

  // Imported only now: module-level SDK clients must see the local endpoints set just above.
  const { loadTenantSettings } = await import('../shared/domain/tenants/tenant-repository');
  const { createFunctionInvoker } = await import('../local/runtime/function-invoker');
  const timeZone = values.tz ?? (await loadTenantSettings(stack.tenantId)).timeZone;
  const now = values.at === undefined ? undefined : overrideInstant(values.at, timeZone);

  const invoker = createFunctionInvoker({ rootDir: root, stage: stack.stage, identity: { region: stack.region, accountId: LOCAL_ACCOUNT_ID } });
  const { result, durationMs } = await invoker.invoke<Record<string, unknown>>(findFunction('automation-runner'), runnerInput(now));
  process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
  process.stderr.write(
    `automation-runner: pass as of ${now ? `${now.toISOString()} (${values.at} ${timeZone})` : 'now'} in ${durationMs} ms; ` +
      `messages go out through the running stack's send workers: ${stack.mailViewerUrl}\n`,
  );
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  main().then(
    () => process.exit(0),
    (error: unknown) => {
      process.stderr.write(`automations:run: ${(error as Error).message}\n`);
      process.exit(1);
    },
  );
}
