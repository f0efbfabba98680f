/**
 * Invokes one function of functions/manifest.ts with a sample event, against the running local stack:
 *
 *   npx tsx scripts/invoke.ts <function-id> <event-file> [--role owner] [--path customerId=01J...]
 *
 * `<event-file>` is a path, or a case name under events/<function-id>/ (`create-customer` for
 * events/api-customers/create-customer.json). The environment comes from `.local/stack.json` (written by `npm start`):
 * endpoints, table, stage and queue URLs, turned into the variables the local runtime gives its functions.
 *
 * Samples carry made-up ids, so by default an HTTP or authorizer sample is re-pointed at the demo tenant: the caller
 * becomes the demo staff member of the sample's role (or `--role`), resolved from that role's demo API key. `--path`
 * replaces a path parameter (and the path) so a request can name a real customer of the demo book.
 */
import { GetQueueAttributesCommand, GetQueueUrlCommand, SQSClient } from '@aws-sdk/client-sqs';
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { FUNCTIONS, type FunctionSpec } from '../functions/manifest';
import { ROLES, type Principal, type Role } from '../shared/auth/roles';
import type { QueueId } from '../shared/config/queues';
import { schedulesDlqName } from '../local/queues/schedules-dlq';
import { LOCAL_ACCOUNT_ID } from '../local/runtime/aws-identity';
import { endpointEnvironment, lambdaEnvironment } from '../local/runtime/lambda-environment';
import { stackFileSchema, type StackFile } from '../local/runtime/stack-file';

export const eventsDir = (root: string) => resolve(root, 'events');

export function findFunction(id: string): FunctionSpec {
  const spec = FUNCTIONS.find((f) => f.id === id);
  if (!spec) throw new Error(`No function "${id}" in functions/manifest.ts; known: ${FUNCTIONS.map((f) => f.id).join(', ')}`);
  return spec;
}

/** A path, or a case name of events/<function-id>/. */
export function sampleEventPath(root: string, functionId: string, fileOrCase: string): string {
  const candidates = [resolve(fileOrCase), resolve(eventsDir(root), functionId, fileOrCase), resolve(eventsDir(root), functionId, `${fileOrCase}.json`)];
  const found = candidates.find((path) => existsSync(path));
  if (!found) throw new Error(`No event file ${fileOrCase} (looked in ${candidates.join(', ')})`);
  return found;
}

/**
 * The environment a function sees in the running local stack: the same variables the local runtime (and CDK) set, from
 * local/runtime/lambda-environment.ts, with the stack file's endpoints, table and queue URLs.
 */
export async function localEnvironment(stack: StackFile): Promise<Record<string, string>> {
  const sqs = new SQSClient({
    endpoint: stack.endpoints.sqs,
    region: stack.region,
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  try {
    const { QueueUrl } = await sqs.send(new GetQueueUrlCommand({ QueueName: schedulesDlqName(stack.stage) }));
    const { Attributes } = await sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['QueueArn'] }));
    return {
      ...lambdaEnvironment({
        stage: stack.stage,
        region: stack.region,
        accountId: LOCAL_ACCOUNT_ID,
        tableName: stack.tableName,
        queueUrls: stack.queueUrls as Record<QueueId, string>,
        publicApiUrl: stack.apiUrl,
        schedulesDlqArn: Attributes?.QueueArn ?? '',
        logLevel: process.env.POWERTOOLS_LOG_LEVEL ?? 'INFO',
      }),
      ...endpointEnvironment(stack.endpoints),
    };
  } finally {
    sqs.destroy();
  }
}

type Json = Record<string, unknown>;
const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);

/** The role a sample's caller has (HTTP: the authorizer context; authorizer events have none). */
export function sampleRole(event: unknown): Role | undefined {
  const role = isObject(event) && isObject(event.requestContext) && isObject(event.requestContext.authorizer) && isObject(event.requestContext.authorizer.lambda)
    ? event.requestContext.authorizer.lambda.role
    : undefined;
  return ROLES.find((r) => r === role);
}

/**
 * The sample re-pointed at a real caller: the authorizer context (HTTP) and the Authorization header (HTTP and
 * authorizer) name `principal` and its key; `pathOverrides` replace path parameters and their segments of the path.
 */
export function retarget(
  event: unknown,
  options: { principal?: Principal; apiKey?: string; pathOverrides?: Record<string, string> },
): unknown {
  if (!isObject(event)) return event;
  const copy = structuredClone(event) as Json;
  const headers = isObject(copy.headers) ? copy.headers : undefined;
  if (options.apiKey && headers && 'authorization' in headers) {
    headers.authorization = `Bearer ${options.apiKey}`;
    if (Array.isArray(copy.identitySource)) copy.identitySource = [headers.authorization];
  }
  const context = isObject(copy.requestContext) ? copy.requestContext : undefined;
  if (options.principal && context && isObject(context.authorizer) && isObject(context.authorizer.lambda)) {
    context.authorizer.lambda = { tenantId: options.principal.tenantId, staffId: options.principal.staffId, role: options.principal.role };
  }
  for (const [name, value] of Object.entries(options.pathOverrides ?? {})) {
    const params = isObject(copy.pathParameters) ? copy.pathParameters : undefined;
    const previous = params?.[name];
    if (!params || typeof previous !== 'string') throw new Error(`The sample has no path parameter "${name}"`);
    params[name] = value;
    const swap = (path: unknown) => (typeof path === 'string' ? path.split('/').map((part) => (part === previous ? value : part)).join('/') : path);
    copy.rawPath = swap(copy.rawPath);
    if (context && isObject(context.http)) context.http.path = swap(context.http.path);
  }
  return copy;
}

function readStack(file: string): StackFile {
  if (!existsSync(file)) throw new Error(`No local stack (${file}); start one with \`npm start\`.`);
  const parsed = stackFileSchema.safeParse(JSON.parse(readFileSync(file, 'utf8')));
  if (!parsed.success) throw new Error(`${file} is not a local stack file: ${parsed.error.issues.map((i) => i.path.join('.')).join(', ')}`);
  return parsed.data;
}

export interface InvokeSampleOptions {
  functionId: string;
  /** A path, or a case name under events/<function-id>/. */
  event: string;
  /** Repository root (events/, handler modules); default the current directory. */
  root?: string;
  /** Default `<root>/.local/stack.json`. */
  stackFile?: string;
  role?: Role;
  pathOverrides?: Record<string, string>;
}

/** Sets up the local stack's environment, re-points the sample at the demo tenant and invokes the handler. */
export async function invokeSample(options: InvokeSampleOptions): Promise<{ result: unknown; requestId: string; durationMs: number }> {
  const root = options.root ?? process.cwd();
  const spec = findFunction(options.functionId);
  const event = JSON.parse(readFileSync(sampleEventPath(root, options.functionId, options.event), 'utf8')) as unknown;
  const stack = readStack(options.stackFile ?? resolve(root, '.local/stack.json'));
  Object.assign(process.env, await localEnvironment(stack));

  // Imported only now: module-level SDK clients must see the local endpoints set just above.
  const { createFunctionInvoker } = await import('../local/runtime/function-invoker');
  const { hashApiKey } = await import('../shared/domain/staff/api-key');
  const { resolveApiKey } = await import('../shared/domain/staff/staff-repository');

  const role = options.role ?? sampleRole(event) ?? 'owner';
  if (!ROLES.includes(role)) throw new Error(`--role is one of ${ROLES.join(', ')}`);
  const apiKey = stack.apiKeys?.[role];
  const holder = apiKey ? await resolveApiKey(hashApiKey(apiKey)) : undefined;
  const principal = holder ? { tenantId: holder.tenantId, staffId: holder.staffId, role } : undefined;
  const prepared = retarget(event, {
    ...(principal ? { principal } : {}),
    ...(apiKey ? { apiKey } : {}),
    ...(options.pathOverrides ? { pathOverrides: options.pathOverrides } : {}),
  });

  const invoker = createFunctionInvoker({
    rootDir: root,
    stage: process.env.STAGE!,
    identity: { region: process.env.AWS_REGION!, accountId: LOCAL_ACCOUNT_ID },
  });
  return invoker.invoke<unknown>(spec, prepared);
}

/** An HTTP result with a JSON body, body parsed, for reading. */
export function readable(result: unknown): unknown {
  if (!isObject(result) || typeof result.body !== 'string') return result;
  const contentType = String((result.headers as Json | undefined)?.['content-type'] ?? '');
  return /json/.test(contentType) ? { ...result, body: JSON.parse(result.body) as unknown } : result;
}

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: { role: { type: 'string' }, path: { type: 'string', multiple: true } },
  });
  const [functionId, event] = positionals;
  if (!functionId || !event) throw new Error('Usage: npx tsx scripts/invoke.ts <function-id> <event-file> [--role owner] [--path name=value]');
  const pathOverrides = Object.fromEntries((values.path ?? []).map((pair) => pair.split('=', 2) as [string, string]));
  const { result, requestId, durationMs } = await invokeSample({
    functionId,
    event,
    pathOverrides,
    ...(values.role ? { role: values.role as Role } : {}),
  });
  process.stdout.write(`${JSON.stringify(readable(result), null, 2)}\n`);
  process.stderr.write(`${functionId}: request ${requestId}, ${durationMs} ms\n`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  main().then(
    () => process.exit(0),
    (error: unknown) => {
      process.stderr.write(`invoke: ${(error as Error).message}\n`);
      process.exit(1);
    },
  );
}
