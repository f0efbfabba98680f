/**
 * Creates a tenant with its first owner and prints the owner's API key (shown once).
 *
 *   npm run tenant:create -- --name "Acme Jewellers" [--time-zone Australia/Perth] [--country AU] [--currency AUD]
 *                            [--owner-name "Ada Owner"] [--owner-email ada@acme.example] [--stage prod] [--json]
 *
 * Without --stage it writes to the running local stack (endpoints and table from .local/stack.json). With --stage it
 * writes to the deployed table `facet-<stage>` with the AWS credentials and region of the environment.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';

interface LocalStackFile {
  tableName?: string;
  stage?: string;
  region?: string;
  endpoints?: Record<string, string>;
}

const STACK_FILE = resolve(process.cwd(), '.local/stack.json');

/** `endpoints.dynamodb` -> AWS_ENDPOINT_URL_DYNAMODB, which every SDK client reads by itself. */
const ENDPOINT_ENV: Record<string, string> = {
  dynamodb: 'AWS_ENDPOINT_URL_DYNAMODB',
  sqs: 'AWS_ENDPOINT_URL_SQS',
  ses: 'AWS_ENDPOINT_URL_SESV2',
  sesv2: 'AWS_ENDPOINT_URL_SESV2',
  scheduler: 'AWS_ENDPOINT_URL_SCHEDULER',
};

function useLocalStack(): void {
  let stack: LocalStackFile;
  try {
    stack = JSON.parse(readFileSync(STACK_FILE, 'utf8')) as LocalStackFile;
  } catch {
    fail(`No local stack found (${STACK_FILE}). Start it with \`npm start\`, or pass --stage <stage> for a deployed stack.`);
  }
  if (!stack.endpoints?.dynamodb) fail(`${STACK_FILE} has no endpoints.dynamodb; is the local stack running?`);
  for (const [service, url] of Object.entries(stack.endpoints)) {
    const variable = ENDPOINT_ENV[service];
    if (variable) process.env[variable] = url;
  }
  process.env.TABLE_NAME = stack.tableName ?? 'facet-local';
  process.env.STAGE = stack.stage ?? 'local';
  process.env.AWS_REGION = stack.region ?? process.env.AWS_REGION ?? 'us-east-1';
  process.env.AWS_ACCESS_KEY_ID ??= 'local';
  process.env.AWS_SECRET_ACCESS_KEY ??= 'local';
}

function useDeployedStack(stage: string): void {
  if (!/^[a-z0-9-]+$/.test(stage)) fail('--stage takes lower-case letters, digits and dashes.');
  for (const variable of Object.values(ENDPOINT_ENV)) delete process.env[variable];
  process.env.TABLE_NAME = `facet-${stage}`;
  process.env.STAGE = stage;
}

function fail(message: string): never {
  process.stderr.write(`tenant:create: ${message}\n`);
  process.exit(1);
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      name: { type: 'string' },
      'time-zone': { type: 'string' },
      country: { type: 'string' },
      currency: { type: 'string' },
      'owner-name': { type: 'string' },
      'owner-email': { type: 'string' },
      stage: { type: 'string' },
      json: { type: 'boolean', default: false },
    },
  });
  if (!values.name) fail('--name is required, e.g. --name "Acme Jewellers"');
  if (values.stage !== undefined && !values['owner-email']) fail('--owner-email is required for a deployed stack.');

  if (values.stage === undefined) useLocalStack();
  else useDeployedStack(values.stage);

  // Imported only now: the SDK clients must see the endpoints and table chosen above.
  const { createTenant } = await import('../../shared/domain/tenants/tenant-repository');
  const { tenantSettingsSchema } = await import('../../shared/domain/tenants/settings');
  const settings = tenantSettingsSchema.safeParse({
    name: values.name,
    timeZone: values['time-zone'],
    country: values.country,
    currency: values.currency,
  });
  if (!settings.success) fail(settings.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '));

  const created = await createTenant({
    name: settings.data.name,
    timeZone: settings.data.timeZone,
    country: settings.data.country,
    currency: settings.data.currency,
    owner: { name: values['owner-name'] ?? 'Owner', email: values['owner-email'] ?? 'owner@example.com' },
  });

  if (values.json) {
    process.stdout.write(`${JSON.stringify({ tenantId: created.tenantId, apiKey: created.apiKey })}\n`);
    return;
  }
  process.stdout.write(
    [
      `Tenant "${settings.data.name}" created in ${process.env.TABLE_NAME}.`,
      `  tenantId: ${created.tenantId}`,
      `  owner API key (shown once, store it now): ${created.apiKey}`,
      `  use it as: Authorization: Bearer ${created.apiKey}`,
      '',
    ].join('\n'),
  );
}

main().catch((error: unknown) => fail((error as Error).message));
