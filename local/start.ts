/**
 * `npm start`: the whole system on this machine (see local/runtime/local-stack.ts). Ports: PORT for the API (3000 by
 * default); DYNAMODB_PORT, SQS_PORT, SES_PORT, SCHEDULER_PORT pin the emulators, which otherwise take free ports.
 * Data persists under .local/data; `npm run reset` wipes it and the next start seeds a fresh demo tenant.
 */
import { LocalStackAlreadyRunning, startLocalStack, type LocalStack } from './runtime/local-stack';
import { errorMessage } from './runtime/runtime-log';

function portFromEnv(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 0 || port > 65_535) {
    process.stderr.write(`${name}=${raw} is not a port number\n`);
    process.exit(1);
  }
  return port;
}

function printSummary(stack: LocalStack, startedMs: number): void {
  const { info } = stack;
  const lines = [
    '',
    `Facet is running (${(startedMs / 1000).toFixed(1)} s). Written to ${stack.stackFile}:`,
    JSON.stringify(info, null, 2),
    '',
    `  API           ${info.apiUrl}        (docs: ${info.apiUrl}/docs)`,
    `  Mail viewer   ${info.mailViewerUrl}`,
    `  Try           curl -H "Authorization: Bearer ${info.apiKeys.owner}" ${info.apiUrl}/v1/customers?limit=5`,
    '',
    'Ctrl+C stops everything; data stays in .local/data (npm run reset wipes it).',
    '',
  ];
  process.stdout.write(lines.join('\n'));
}

async function main(): Promise<void> {
  const started = Date.now();
  let stack: LocalStack;
  try {
    stack = await startLocalStack({
      ports: {
        api: portFromEnv('PORT', 3000),
        dynamodb: portFromEnv('DYNAMODB_PORT', 0),
        sqs: portFromEnv('SQS_PORT', 0),
        ses: portFromEnv('SES_PORT', 0),
        scheduler: portFromEnv('SCHEDULER_PORT', 0),
      },
    });
  } catch (error) {
    const inUse = (error as NodeJS.ErrnoException).code === 'EADDRINUSE';
    process.stderr.write(
      error instanceof LocalStackAlreadyRunning
        ? `${error.message} Use that one, or stop it first.\n`
        : inUse
        ? `A port is already in use (${errorMessage(error)}). Is another \`npm start\` running? Set PORT (or *_PORT) to use others.\n`
        : `The local stack did not start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    process.exit(1);
  }
  printSummary(stack, Date.now() - started);

  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) {
      process.stderr.write('Stopping immediately.\n');
      process.exit(130);
    }
    stopping = true;
    process.stdout.write(`\n${signal}: stopping (again to force)...\n`);
    stack.stop().then(
      () => process.exit(0),
      (error: unknown) => {
        process.stderr.write(`Stop failed: ${errorMessage(error)}\n`);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));
}

await main();
