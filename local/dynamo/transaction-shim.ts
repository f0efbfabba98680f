/**
 * A DynamoDB wire-protocol proxy in front of dynalite that adds what dynalite lacks: TransactWriteItems and
 * TransactGetItems. Business code uses real transactions (as in AWS); this shim supplies them locally.
 *
 * How: every write (single-item, batch or transaction) goes through one FIFO lock, so a transaction never interleaves
 * with another write. A transaction reads the current image of each item it touches, applies its operations one by one
 * as the equivalent single-item calls (with their conditions, evaluated by dynalite itself), and on the first failure
 * restores every image it changed, then answers TransactionCanceledException with per-item CancellationReasons —
 * all-or-nothing, as DynamoDB does. Reads pass straight through.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

type Json = Record<string, unknown>;
type AttributeMap = Record<string, unknown>;

const WRITE_OPERATIONS = new Set(['PutItem', 'UpdateItem', 'DeleteItem', 'BatchWriteItem']);
const ERROR_PREFIX = 'com.amazonaws.dynamodb.v20120810#';

class SerialLock {
  private tail: Promise<void> = Promise.resolve();
  run<T>(work: () => Promise<T>): Promise<T> {
    const result = this.tail.then(work);
    this.tail = result.then(
      () => undefined,
      () => undefined,
    );
    return result;
  }
}

interface Upstream {
  call(operation: string, body: Json): Promise<{ status: number; body: Json; raw: string; headers: http.IncomingHttpHeaders }>;
}

function upstreamFor(target: URL, headers: http.IncomingHttpHeaders): Upstream {
  return {
    call: (operation, body) =>
      new Promise((resolve, reject) => {
        const payload = JSON.stringify(body);
        const req = http.request(
          {
            host: target.hostname,
            port: target.port,
            method: 'POST',
            path: '/',
            headers: {
              'content-type': 'application/x-amz-json-1.0',
              'x-amz-target': `DynamoDB_20120810.${operation}`,
              authorization: headers.authorization ?? '',
              'x-amz-date': headers['x-amz-date'] ?? '',
              'content-length': Buffer.byteLength(payload),
            },
          },
          (res) => {
            const chunks: Buffer[] = [];
            res.on('data', (c: Buffer) => chunks.push(c));
            res.on('end', () => {
              const raw = Buffer.concat(chunks).toString('utf8');
              resolve({ status: res.statusCode ?? 500, body: raw ? (JSON.parse(raw) as Json) : {}, raw, headers: res.headers });
            });
          },
        );
        req.on('error', reject);
        req.end(payload);
      }),
  };
}

interface TransactOp {
  kind: 'Put' | 'Update' | 'Delete' | 'ConditionCheck';
  spec: Json;
  table: string;
  key: AttributeMap;
}

function errorBody(type: string, message: string, extra: Json = {}) {
  return { __type: `${ERROR_PREFIX}${type}`, message, ...extra };
}

async function keyAttributeNames(upstream: Upstream, table: string, cache: Map<string, string[]>): Promise<string[]> {
  const cached = cache.get(table);
  if (cached) return cached;
  const res = await upstream.call('DescribeTable', { TableName: table });
  if (res.status !== 200) throw Object.assign(new Error('ResourceNotFound'), { response: res });
  const schema = ((res.body.Table as Json).KeySchema as { AttributeName: string }[]).map((k) => k.AttributeName);
  cache.set(table, schema);
  return schema;
}

function conditionFields(spec: Json): Json {
  const out: Json = {};
  for (const field of ['ConditionExpression', 'ExpressionAttributeNames', 'ExpressionAttributeValues']) {
    if (spec[field] !== undefined) out[field] = spec[field];
  }
  return out;
}

/** Strips ExpressionAttributeValues/Names that the remaining expression no longer references (DynamoDB rejects unused). */
function onlyUsed(fields: Json, expressions: string[]): Json {
  const text = expressions.join(' ');
  const out: Json = { ...fields };
  for (const field of ['ExpressionAttributeNames', 'ExpressionAttributeValues'] as const) {
    const map = fields[field] as Record<string, unknown> | undefined;
    if (!map) continue;
    const used = Object.fromEntries(Object.entries(map).filter(([k]) => new RegExp(`${k.replace(/[$]/g, '\\$')}(?![A-Za-z0-9_])`).test(text)));
    if (Object.keys(used).length) out[field] = used;
    else delete out[field];
  }
  return out;
}

async function transactWrite(upstream: Upstream, request: Json, keyCache: Map<string, string[]>) {
  const items = (request.TransactItems as Json[] | undefined) ?? [];
  if (items.length === 0 || items.length > 100) {
    return { status: 400, body: errorBody('ValidationException', `Member must have length between 1 and 100`) };
  }
  const ops: TransactOp[] = [];
  for (const item of items) {
    const kind = (['Put', 'Update', 'Delete', 'ConditionCheck'] as const).find((k) => item[k] !== undefined);
    if (!kind) return { status: 400, body: errorBody('ValidationException', 'TransactItems can only contain one of Put, Update, Delete or ConditionCheck') };
    const spec = item[kind] as Json;
    const table = spec.TableName as string;
    let key: AttributeMap;
    if (kind === 'Put') {
      const names = await keyAttributeNames(upstream, table, keyCache);
      const full = spec.Item as AttributeMap;
      key = Object.fromEntries(names.map((n) => [n, full[n]]));
    } else {
      key = spec.Key as AttributeMap;
    }
    ops.push({ kind, spec, table, key });
  }
  const identities = ops.map((op) => `${op.table}|${JSON.stringify(Object.keys(op.key).sort().map((k) => [k, op.key[k]]))}`);
  if (new Set(identities).size !== identities.length) {
    return {
      status: 400,
      body: errorBody('ValidationException', 'Transaction request cannot include multiple operations on one item'),
    };
  }

  // Images before the transaction, to restore on failure.
  const originals: (AttributeMap | undefined)[] = [];
  for (const op of ops) {
    const res = await upstream.call('GetItem', { TableName: op.table, Key: op.key, ConsistentRead: true });
    if (res.status !== 200) return { status: res.status, body: res.body };
    originals.push(res.body.Item as AttributeMap | undefined);
  }

  const applied: number[] = [];
  const restore = async () => {
    for (const index of applied.reverse()) {
      const op = ops[index]!;
      const before = originals[index];
      if (before) await upstream.call('PutItem', { TableName: op.table, Item: before });
      else await upstream.call('DeleteItem', { TableName: op.table, Key: op.key });
    }
  };

  for (const [index, op] of ops.entries()) {
    let res;
    if (op.kind === 'Put') {
      res = await upstream.call('PutItem', { TableName: op.table, Item: op.spec.Item, ...conditionFields(op.spec) });
    } else if (op.kind === 'Delete') {
      res = await upstream.call('DeleteItem', { TableName: op.table, Key: op.key, ...conditionFields(op.spec) });
    } else if (op.kind === 'Update') {
      const { TableName: _t, Key: _k, ReturnValuesOnConditionCheckFailure: _r, ...rest } = op.spec;
      res = await upstream.call('UpdateItem', { TableName: op.table, Key: op.key, ...rest });
    } else {
      // A condition check writes nothing: re-put the current image (or a key-only item, removed again below) under the
      // condition, which makes dynalite evaluate the condition against the real item.
      const image = originals[index] ?? op.key;
      const fields = onlyUsed(conditionFields(op.spec), [String(op.spec.ConditionExpression ?? '')]);
      res = await upstream.call('PutItem', { TableName: op.table, Item: image, ...fields });
    }
    if (res.status === 200) {
      applied.push(index);
      continue;
    }
    await restore();
    const type = String(res.body.__type ?? '').split('#').pop();
    if (type === 'ConditionalCheckFailedException') {
      const reasons = ops.map((o, i) => {
        if (i !== index) return { Code: 'None' };
        const reason: Json = { Code: 'ConditionalCheckFailed', Message: 'The conditional request failed' };
        if (o.spec.ReturnValuesOnConditionCheckFailure === 'ALL_OLD' && originals[i]) reason.Item = originals[i];
        return reason;
      });
      const codes = reasons.map((r) => r.Code).join(', ');
      return {
        status: 400,
        body: errorBody('TransactionCanceledException', `Transaction cancelled, please refer cancellation reasons for specific reasons [${codes}]`, {
          CancellationReasons: reasons,
        }),
      };
    }
    return { status: res.status, body: res.body };
  }
  // Condition checks must leave no trace: put back what they re-wrote.
  for (const [index, op] of ops.entries()) {
    if (op.kind !== 'ConditionCheck') continue;
    const before = originals[index];
    if (before) await upstream.call('PutItem', { TableName: op.table, Item: before });
    else await upstream.call('DeleteItem', { TableName: op.table, Key: op.key });
  }
  return { status: 200, body: {} };
}

async function transactGet(upstream: Upstream, request: Json) {
  const items = (request.TransactItems as { Get: Json }[] | undefined) ?? [];
  const responses: Json[] = [];
  for (const { Get } of items) {
    const res = await upstream.call('GetItem', { ...Get, ConsistentRead: true });
    if (res.status !== 200) return { status: res.status, body: res.body };
    responses.push(res.body.Item ? { Item: res.body.Item } : {});
  }
  return { status: 200, body: { Responses: responses } };
}

export interface TransactionShim {
  endpoint: string;
  close(): Promise<void>;
}

export async function startTransactionShim(options: { upstream: string; port?: number; host?: string }): Promise<TransactionShim> {
  const target = new URL(options.upstream);
  const lock = new SerialLock();
  const keyCache = new Map<string, string[]>();

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const rawBody = Buffer.concat(chunks);
      const operation = String(req.headers['x-amz-target'] ?? '').split('.')[1] ?? '';
      const upstream = upstreamFor(target, req.headers);
      const send = (status: number, body: Json) => {
        const payload = JSON.stringify(body);
        res.writeHead(status, { 'content-type': 'application/x-amz-json-1.0', 'content-length': Buffer.byteLength(payload) });
        res.end(payload);
      };
      const handle = async () => {
        if (operation === 'TransactWriteItems' || operation === 'TransactGetItems') {
          const request = JSON.parse(rawBody.toString('utf8')) as Json;
          const result = await lock.run(() =>
            operation === 'TransactWriteItems' ? transactWrite(upstream, request, keyCache) : transactGet(upstream, request),
          );
          send(result.status, result.body);
          return;
        }
        const forward = () => pipeThrough(target, req, rawBody, res);
        if (WRITE_OPERATIONS.has(operation)) await lock.run(forward);
        else await forward();
      };
      handle().catch((error: unknown) => {
        if (!res.headersSent) send(500, errorBody('InternalServerError', (error as Error).message));
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, options.host ?? '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** Forwards a request byte for byte (signature headers included) and streams dynalite's answer back. */
function pipeThrough(target: URL, req: http.IncomingMessage, body: Buffer, res: http.ServerResponse): Promise<void> {
  return new Promise((resolve, reject) => {
    const headers = { ...req.headers, host: target.host, 'content-length': String(body.length) };
    const upstreamReq = http.request(
      { host: target.hostname, port: target.port, method: req.method, path: req.url, headers },
      (upstreamRes) => {
        res.writeHead(upstreamRes.statusCode ?? 500, upstreamRes.headers);
        upstreamRes.pipe(res);
        upstreamRes.on('end', resolve);
        upstreamRes.on('error', reject);
      },
    );
    upstreamReq.on('error', reject);
    upstreamReq.end(body);
  });
}
