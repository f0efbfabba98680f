/**
 * The SES v2 control plane aws-ses-v2-local does not have: email identities (Easy DKIM) and SES tenants with their
 * resource associations. A small HTTP proxy in front of the emulator answers those operations itself, from memory,
 * and forwards everything else (SendEmail, the mail viewer, `/store`) untouched.
 *
 * Like SES, a new domain answers `PENDING` with three DKIM tokens; unlike SES, it is verified at once: the next
 * GetEmailIdentity says `SUCCESS`, since no DNS exists to check on a laptop. Errors use SES's REST-JSON shape
 * (`x-amzn-errortype` + `{ message }`) so the SDK raises the same exception classes it raises in AWS.
 *
 * Operations (paths as the SDK sends them):
 *   POST   /v2/email/identities                 CreateEmailIdentity
 *   GET    /v2/email/identities/{identity}      GetEmailIdentity
 *   DELETE /v2/email/identities/{identity}      DeleteEmailIdentity
 *   POST   /v2/email/tenants                    CreateTenant
 *   POST   /v2/email/tenants/get                GetTenant
 *   POST   /v2/email/tenants/delete             DeleteTenant
 *   POST   /v2/email/tenants/resources          CreateTenantResourceAssociation
 *   POST   /v2/email/tenants/resources/delete   DeleteTenantResourceAssociation
 *   POST   /v2/email/tenants/resources/list     ListTenantResources
 */
import { createHash, randomUUID } from 'node:crypto';
import { createServer, request as forward, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

const LOCAL_ACCOUNT = '000000000000';

interface LocalIdentity {
  readonly identity: string;
  readonly type: 'DOMAIN' | 'EMAIL_ADDRESS';
  readonly tokens: readonly string[];
  readonly configurationSetName?: string;
  readonly tags: readonly { Key: string; Value: string }[];
}

interface LocalTenant {
  readonly name: string;
  readonly id: string;
  readonly arn: string;
  readonly createdAt: number;
  readonly tags: readonly { Key: string; Value: string }[];
  readonly resources: Set<string>;
}

export interface SesControlState {
  readonly identities: Map<string, LocalIdentity>;
  readonly tenants: Map<string, LocalTenant>;
}

class SesError extends Error {
  constructor(
    readonly type: string,
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

const notFound = (message: string) => new SesError('NotFoundException', 404, message);
const alreadyExists = (message: string) => new SesError('AlreadyExistsException', 400, message);
const badRequest = (message: string) => new SesError('BadRequestException', 400, message);

/** Three tokens per identity, stable for a name (a re-created identity gets the same records, as with a fixed key). */
function dkimTokens(identity: string): string[] {
  return [0, 1, 2].map((n) => createHash('sha256').update(`${identity}#${n}`).digest('hex').slice(0, 32));
}

function dkimAttributes(identity: LocalIdentity, verified: boolean) {
  return {
    SigningEnabled: true,
    Status: verified ? 'SUCCESS' : 'PENDING',
    Tokens: [...identity.tokens],
    SigningAttributesOrigin: 'AWS_SES',
    SigningHostedZone: 'dkim.amazonses.com',
  };
}

function stringField(body: Record<string, unknown>, name: string): string {
  const value = body[name];
  if (typeof value !== 'string' || value === '') throw badRequest(`${name} is required`);
  return value;
}

function tags(body: Record<string, unknown>): { Key: string; Value: string }[] {
  return Array.isArray(body.Tags) ? (body.Tags as { Key: string; Value: string }[]) : [];
}

function tenantOf(state: SesControlState, body: Record<string, unknown>): LocalTenant {
  const name = stringField(body, 'TenantName');
  const tenant = state.tenants.get(name);
  if (!tenant) throw notFound(`Tenant ${name} does not exist`);
  return tenant;
}

function resourceType(arn: string): string {
  if (arn.includes(':identity/')) return 'EMAIL_IDENTITY';
  if (arn.includes(':configuration-set/')) return 'CONFIGURATION_SET';
  if (arn.includes(':template/')) return 'EMAIL_TEMPLATE';
  throw badRequest(`Unsupported resource ARN ${arn}`);
}

type Operation = (state: SesControlState, body: Record<string, unknown>, parameter: string | undefined, region: string) => unknown;

const OPERATIONS: Record<string, Operation> = {
  'POST /v2/email/identities': (state, body) => {
    const name = stringField(body, 'EmailIdentity').toLowerCase();
    if (state.identities.has(name)) throw alreadyExists(`Email identity ${name} already exists`);
    const identity: LocalIdentity = {
      identity: name,
      type: name.includes('@') ? 'EMAIL_ADDRESS' : 'DOMAIN',
      tokens: dkimTokens(name),
      ...(typeof body.ConfigurationSetName === 'string' ? { configurationSetName: body.ConfigurationSetName } : {}),
      tags: tags(body),
    };
    state.identities.set(name, identity);
    return { IdentityType: identity.type, VerifiedForSendingStatus: false, DkimAttributes: dkimAttributes(identity, false) };
  },
  'GET /v2/email/identities/{}': (state, _body, parameter) => {
    const identity = state.identities.get((parameter ?? '').toLowerCase());
    if (!identity) throw notFound(`Email identity ${parameter} does not exist`);
    return {
      IdentityType: identity.type,
      FeedbackForwardingStatus: true,
      VerifiedForSendingStatus: true,
      VerificationStatus: 'SUCCESS',
      DkimAttributes: dkimAttributes(identity, true),
      Policies: {},
      Tags: identity.tags,
      ...(identity.configurationSetName ? { ConfigurationSetName: identity.configurationSetName } : {}),
    };
  },
  'DELETE /v2/email/identities/{}': (state, _body, parameter, region) => {
    const name = (parameter ?? '').toLowerCase();
    if (!state.identities.delete(name)) throw notFound(`Email identity ${parameter} does not exist`);
    const arn = `arn:aws:ses:${region}:${LOCAL_ACCOUNT}:identity/${name}`;
    for (const tenant of state.tenants.values()) tenant.resources.delete(arn);
    return {};
  },
  'POST /v2/email/tenants': (state, body, _parameter, region) => {
    const name = stringField(body, 'TenantName');
    if (state.tenants.has(name)) throw alreadyExists(`Tenant ${name} already exists`);
    const id = randomUUID();
    const tenant: LocalTenant = {
      name,
      id,
      arn: `arn:aws:ses:${region}:${LOCAL_ACCOUNT}:tenant/${name}/${id}`,
      createdAt: Math.floor(Date.now() / 1000),
      tags: tags(body),
      resources: new Set(),
    };
    state.tenants.set(name, tenant);
    return { TenantName: name, TenantId: id, TenantArn: tenant.arn, CreatedTimestamp: tenant.createdAt, Tags: tenant.tags, SendingStatus: 'ENABLED' };
  },
  'POST /v2/email/tenants/get': (state, body) => {
    const tenant = tenantOf(state, body);
    return {
      Tenant: { TenantName: tenant.name, TenantId: tenant.id, TenantArn: tenant.arn, CreatedTimestamp: tenant.createdAt, Tags: tenant.tags, SendingStatus: 'ENABLED' },
    };
  },
  'POST /v2/email/tenants/delete': (state, body) => {
    state.tenants.delete(tenantOf(state, body).name);
    return {};
  },
  'POST /v2/email/tenants/resources': (state, body) => {
    const tenant = tenantOf(state, body);
    const arn = stringField(body, 'ResourceArn');
    resourceType(arn);
    if (tenant.resources.has(arn)) throw alreadyExists(`${arn} is already associated with tenant ${tenant.name}`);
    tenant.resources.add(arn);
    return {};
  },
  'POST /v2/email/tenants/resources/delete': (state, body) => {
    const tenant = tenantOf(state, body);
    const arn = stringField(body, 'ResourceArn');
    if (!tenant.resources.delete(arn)) throw notFound(`${arn} is not associated with tenant ${tenant.name}`);
    return {};
  },
  'POST /v2/email/tenants/resources/list': (state, body) => {
    const tenant = tenantOf(state, body);
    return { TenantResources: [...tenant.resources].map((arn) => ({ ResourceType: resourceType(arn), ResourceArn: arn })) };
  },
};

/** The operation a request names, with the path parameter of `{}` routes (identity names are URI-encoded by the SDK). */
function operationOf(method: string, path: string): { key: string; parameter?: string } | undefined {
  const direct = `${method} ${path}`;
  if (OPERATIONS[direct]) return { key: direct };
  const match = /^\/v2\/email\/identities\/([^/]+)$/.exec(path);
  if (match && (method === 'GET' || method === 'DELETE')) return { key: `${method} /v2/email/identities/{}`, parameter: decodeURIComponent(match[1]!) };
  return undefined;
}

/** The region the request was signed for (`Credential=AKID/20250101/us-east-1/ses/aws4_request`). */
function signedRegion(request: IncomingMessage): string {
  const match = /Credential=[^/]+\/\d+\/([^/]+)\//.exec(request.headers.authorization ?? '');
  return match?.[1] ?? 'us-east-1';
}

async function readJson(request: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  if (text.trim() === '') return {};
  const parsed = JSON.parse(text) as unknown;
  return parsed !== null && typeof parsed === 'object' ? (parsed as Record<string, unknown>) : {};
}

function send(response: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  response.writeHead(status, { 'content-type': 'application/json', ...headers });
  response.end(JSON.stringify(body));
}

function proxy(request: IncomingMessage, response: ServerResponse, upstream: URL): void {
  const outgoing = forward(
    { host: upstream.hostname, port: upstream.port, method: request.method, path: request.url, headers: request.headers },
    (answer) => {
      response.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(response);
    },
  );
  outgoing.on('error', (error) => {
    if (!response.headersSent) send(response, 502, { message: `SES emulator unreachable: ${error.message}` });
    else response.destroy(error);
  });
  request.pipe(outgoing);
}

export interface SesControlShim {
  /** What clients use as the SES v2 endpoint: identities and tenants answered here, the rest forwarded. */
  readonly endpoint: string;
  readonly state: SesControlState;
  stop(): Promise<void>;
}

/** Starts the shim on `port` (0: a free port) in front of the emulator at `upstream`. */
export async function startSesControlShim(options: { upstream: string; port?: number; host?: string }): Promise<SesControlShim> {
  const upstream = new URL(options.upstream);
  const state: SesControlState = { identities: new Map(), tenants: new Map() };
  const server: Server = createServer((request, response) => {
    const path = (request.url ?? '/').split('?')[0]!;
    const operation = operationOf(request.method ?? 'GET', path);
    if (!operation) {
      proxy(request, response, upstream);
      return;
    }
    readJson(request)
      .then((body) => send(response, 200, OPERATIONS[operation.key]!(state, body, operation.parameter, signedRegion(request))))
      .catch((error: unknown) => {
        if (error instanceof SesError) send(response, error.status, { message: error.message }, { 'x-amzn-errortype': error.type });
        else send(response, 400, { message: (error as Error).message }, { 'x-amzn-errortype': 'BadRequestException' });
      });
  });
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, host, resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://${host}:${port}`,
    state,
    stop: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
