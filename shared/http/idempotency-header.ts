/**
 * The `Idempotency-Key` header as route contracts document it. Kept apart from ./idempotency.ts so contracts (read by
 * the CDK app, the local gateway and the OpenAPI generator) do not pull in Powertools and the DynamoDB client.
 */
export const IDEMPOTENCY_HEADER = 'Idempotency-Key';
export const IDEMPOTENCY_WINDOW_SECONDS = 24 * 60 * 60;
export const MAX_IDEMPOTENCY_KEY_LENGTH = 255;

export const idempotencyKeyHeader = {
  name: IDEMPOTENCY_HEADER,
  required: false,
  description:
    `Any unique string (a UUID) of up to ${MAX_IDEMPOTENCY_KEY_LENGTH} visible ASCII characters. A retry with the same key ` +
    'within 24 hours returns the first answer (with `Idempotent-Replayed: true`) and sends nothing new; the same key ' +
    'with a different request is 422, and while the first request is still running, 409.',
} as const;
