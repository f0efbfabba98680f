import { randomUUID } from 'node:crypto';
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import { logger } from '../../shared/observability/logger';
import { SchedulerApiError, apiErrors } from './errors';
import * as operations from './operations';
import type { JsonObject, OperationContext } from './operations';
import type { SchedulerState } from './state';

/**
 * The Scheduler API's HTTP binding (restJson1), as the SDK's serializers use it:
 *   POST|PUT|GET|DELETE /schedules/{Name}   (?groupName= on GET and DELETE, GroupName in the body otherwise)
 *   GET /schedules?ScheduleGroup=&NamePrefix=&State=&NextToken=&MaxResults=
 *   POST|GET|DELETE /schedule-groups/{Name},  GET /schedule-groups?NamePrefix=&NextToken=&MaxResults=
 *   GET|POST|DELETE /tags/{ResourceArn}   (?TagKeys= repeated on DELETE)
 * Errors answer with the service's status, an `x-amzn-errortype` header and a `{"Message": ...}` body.
 */
export interface HttpApiOptions {
  readonly state: SchedulerState;
  readonly now: () => Date;
  readonly accountId: string;
  readonly defaultRegion: string;
}

const MAX_BODY_BYTES = 1024 * 1024;

type Handler = (context: OperationContext, name: string, query: URLSearchParams, body: unknown) => JsonObject;

const itemRoutes: Record<string, Partial<Record<string, Handler>>> = {
  schedules: {
    POST: (context, name, _query, body) => operations.createSchedule(context, name, body),
    PUT: (context, name, _query, body) => operations.updateSchedule(context, name, body),
    GET: (context, name, query) => operations.getSchedule(context, name, query.get('groupName') ?? undefined),
    DELETE: (context, name, query) => operations.deleteSchedule(context, name, query.get('groupName') ?? undefined),
  },
  'schedule-groups': {
    POST: (context, name, _query, body) => operations.createScheduleGroup(context, name, body),
    GET: (context, name) => operations.getScheduleGroup(context, name),
    DELETE: (context, name) => operations.deleteScheduleGroup(context, name),
  },
  tags: {
    GET: (context, arn) => operations.listTagsForResource(context, arn),
    POST: (context, arn, _query, body) => operations.tagResource(context, arn, body),
    DELETE: (context, arn, query) => operations.untagResource(context, arn, query.getAll('TagKeys')),
  },
};

const collectionRoutes: Record<string, (context: OperationContext, query: URLSearchParams) => JsonObject> = {
  schedules: operations.listSchedules,
  'schedule-groups': operations.listScheduleGroups,
};

/** The region the client signed for: `Credential=AKID/20250101/ap-southeast-2/scheduler/aws4_request`. */
function signedRegion(request: IncomingMessage): string | undefined {
  const authorization = request.headers.authorization ?? '';
  return /Credential=[^/]+\/\d{8}\/([a-z0-9-]+)\/scheduler\//.exec(authorization)?.[1];
}

async function readBody(request: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    const buffer = chunk as Buffer;
    size += buffer.length;
    if (size > MAX_BODY_BYTES) throw apiErrors.validation('Request body is too large.');
    chunks.push(buffer);
  }
  const text = Buffer.concat(chunks).toString('utf8').trim();
  if (text === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw apiErrors.validation('Request body is not valid JSON.');
  }
}

function send(response: ServerResponse, status: number, body: JsonObject, headers: Record<string, string> = {}): void {
  const payload = JSON.stringify(body);
  response.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(payload),
    'x-amzn-requestid': randomUUID(),
    ...headers,
  });
  response.end(payload);
}

function route(method: string, path: string): { handler: Handler; name: string } | { list: (typeof collectionRoutes)[string] } {
  const [, collection = '', item, ...rest] = path.split('/');
  if (rest.length > 0) throw new SchedulerApiError('UnknownOperationException', `No operation at ${method} ${path}`);
  if (item === undefined || item === '') {
    const list = method === 'GET' ? collectionRoutes[collection] : undefined;
    if (!list) throw new SchedulerApiError('UnknownOperationException', `No operation at ${method} ${path}`);
    return { list };
  }
  const handler = itemRoutes[collection]?.[method];
  if (!handler) throw new SchedulerApiError('UnknownOperationException', `No operation at ${method} ${path}`);
  return { handler, name: decodeURIComponent(item) };
}

export function schedulerRequestListener(options: HttpApiOptions): RequestListener {
  return (request, response) => {
    void (async () => {
      const method = request.method ?? 'GET';
      const url = new URL(request.url ?? '/', 'http://scheduler.local');
      try {
        const target = route(method, url.pathname);
        const body = await readBody(request);
        const context: OperationContext = {
          state: options.state,
          now: options.now(),
          region: signedRegion(request) ?? options.defaultRegion,
          accountId: options.accountId,
        };
        const result =
          'list' in target
            ? target.list(context, url.searchParams)
            : target.handler(context, target.name, url.searchParams, body);
        send(response, 200, result);
      } catch (error) {
        if (error instanceof SchedulerApiError) {
          send(response, error.status, { Message: error.message }, { 'x-amzn-errortype': error.type });
          return;
        }
        logger.error('Local scheduler request failed', { method, path: url.pathname, error: error as Error });
        send(response, 500, { Message: 'Internal error in the local scheduler.' }, {
          'x-amzn-errortype': 'InternalServerException',
        });
      }
    })();
  };
}
