/**
 * `Idempotency-Key` for the routes that send (campaign send, test send, bulk send, one-to-one send), with Powertools
 * idempotency on the single table:
 *  - the first request with a key runs and its answer (status, body, headers) is kept for 24 hours;
 *  - a retry with the same key and the same request gets that answer again (`Idempotent-Replayed: true`) and runs
 *    nothing, so nothing is sent twice;
 *  - the same key with a different request (other path parameters or body) is 422: a key names one request;
 *  - the same key while the first request is still running is 409 (the client retried too early);
 *  - a request that fails (any error answer) keeps nothing: the retry runs again, and the route decides again.
 * Keys are scoped by tenant and route, so two jewellers (or two routes) using the same key never meet. Without the
 * header the route runs as it would anyway; its own rules apply (a campaign already sending answers 409).
 *
 * Records live under one partition (`keys.idempotencyPk`); sending routes are human-paced, far below a partition's
 * write limit. They expire through the table's TTL attribute.
 */
import { IdempotencyConfig, makeIdempotent } from '@aws-lambda-powertools/idempotency';
import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import type { Context } from 'aws-lambda';
import type { Principal } from '../auth/roles';
import { env } from '../config/env';
import { dynamoClient } from '../store/dynamo';
import { keys } from '../store/keys';
import { TABLE_KEY, TTL_ATTRIBUTE } from '../store/table-definition';
import type { HttpRequest, HttpResult, RouteContract } from './contract';
import { IDEMPOTENCY_HEADER, IDEMPOTENCY_WINDOW_SECONDS, MAX_IDEMPOTENCY_KEY_LENGTH } from './idempotency-header';
import { problems } from './problem';

export { IDEMPOTENCY_HEADER, IDEMPOTENCY_WINDOW_SECONDS, idempotencyKeyHeader } from './idempotency-header';

/** Set on an answer that was replayed from the first request with the same key. */
export const REPLAYED_HEADER = 'idempotent-replayed';

/**
 * A request still in progress blocks its key for at most this long: longer than any HTTP request can run (API
 * Gateway's integration timeout is 30 s), so a Lambda that died mid-request does not hold the key for 24 hours.
 */
const IN_PROGRESS_LIMIT_MS = 60_000;

/** What the wrapped route receives and what is hashed: `scope` names the record, `request` must match on a replay. */
interface IdempotentCall {
  readonly scope: { readonly tenantId: string; readonly route: string; readonly key: string };
  readonly request: { readonly params: unknown; readonly query: unknown; readonly body: unknown };
}

interface StoredAnswer {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
  replayed?: boolean;
}

let persistence: { tableName: string; store: DynamoDBPersistenceLayer; config: IdempotencyConfig } | undefined;

/** One persistence layer per table (Powertools configures a layer once), created on first use. */
function idempotencyPersistence() {
  const tableName = env.tableName();
  if (persistence?.tableName === tableName) return persistence;
  const store = new DynamoDBPersistenceLayer({
    tableName,
    keyAttr: TABLE_KEY.partitionKey,
    sortKeyAttr: TABLE_KEY.sortKey,
    staticPkValue: keys.idempotencyPk,
    expiryAttr: TTL_ATTRIBUTE,
    awsSdkV3Client: dynamoClient,
  });
  const config = new IdempotencyConfig({
    eventKeyJmesPath: 'scope',
    payloadValidationJmesPath: 'request',
    throwOnNoIdempotencyKey: true,
    expiresAfterSeconds: IDEMPOTENCY_WINDOW_SECONDS,
    hashFunction: 'sha256',
    // Powertools only reads the remaining time, to set the in-progress expiry; routes do not see the Lambda context.
    lambdaContext: { getRemainingTimeInMillis: () => IN_PROGRESS_LIMIT_MS } as Pick<Context, 'getRemainingTimeInMillis'> as Context,
    responseHook: (response) => ({ ...(response as Record<string, unknown>), replayed: true }),
  });
  persistence = { tableName, store, config };
  return persistence;
}

function readKey(headers: Record<string, string | undefined>): string | undefined {
  const key = headers[IDEMPOTENCY_HEADER.toLowerCase()];
  if (key === undefined) return undefined;
  // eslint-disable-next-line no-control-regex
  if (key.length === 0 || key.length > MAX_IDEMPOTENCY_KEY_LENGTH || /[^\x21-\x7e]/.test(key)) {
    throw problems.validation(
      [{ path: `headers.${IDEMPOTENCY_HEADER}`, message: `Use 1 to ${MAX_IDEMPOTENCY_KEY_LENGTH} visible ASCII characters, such as a UUID` }],
      'The Idempotency-Key header is not valid.',
    );
  }
  return key;
}

/** The answer as JSON (what DynamoDB keeps): no undefined values, nothing that does not survive a round trip. */
function storable(result: HttpResult): StoredAnswer {
  if (result.contentType !== undefined) throw new Error('An idempotent route must answer JSON');
  return JSON.parse(JSON.stringify({ status: result.status, body: result.body, headers: result.headers })) as StoredAnswer;
}

function answerOf(stored: StoredAnswer): HttpResult {
  const headers = { ...stored.headers, ...(stored.replayed ? { [REPLAYED_HEADER]: 'true' } : {}) };
  return { status: stored.status, ...(stored.body === undefined ? {} : { body: stored.body }), headers };
}

type StaffRoute = RouteContract & { readonly auth: 'staff' };
type StaffRouteImpl<R extends StaffRoute> = (request: HttpRequest<R>, principal: Principal) => Promise<HttpResult>;

/**
 * Wraps a sending route's implementation: `implement(route, withIdempotency(route, async (request, principal) => ...))`.
 * The route's answer must be JSON; errors (problems) pass through untouched and are never replayed.
 */
export function withIdempotency<R extends StaffRoute>(route: R, impl: StaffRouteImpl<R>): StaffRouteImpl<R> {
  return async (request, principal) => {
    const key = readKey(request.headers);
    if (key === undefined) return impl(request, principal);

    const { store, config } = idempotencyPersistence();
    const run = makeIdempotent(async (_call: IdempotentCall) => storable(await impl(request, principal)), {
      persistenceStore: store,
      config,
      keyPrefix: 'route',
    });
    const call: IdempotentCall = {
      scope: { tenantId: principal.tenantId, route: route.id, key },
      request: { params: request.params ?? null, query: request.query ?? null, body: request.body ?? null },
    };
    try {
      return answerOf(await run(call));
    } catch (error) {
      const name = error instanceof Error ? error.name : '';
      if (name === 'IdempotencyValidationError') {
        throw problems.unprocessable('This Idempotency-Key was already used for a different request. Use a new key for a new request.');
      }
      if (name === 'IdempotencyAlreadyInProgressError') {
        throw problems.conflict('A request with this Idempotency-Key is still in progress. Retry in a few seconds.');
      }
      throw error;
    }
  };
}
