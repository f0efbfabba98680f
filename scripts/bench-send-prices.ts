/**
 * AWS list prices the send bench turns its counts into, us-east-1. Kept in one place so the date they were read is
 * stated next to them; update both together.
 */
export const PRICE_DATE = '2025-06 (DynamoDB on-demand after the 2024-11-01 price cut)';

/** DynamoDB on-demand, standard table class. */
export const DYNAMO_PRICES = { perMillionWriteUnits: 0.625, perMillionReadUnits: 0.125 } as const;

/** SQS standard queue, per million requests (each 64 KB chunk of a request counts as one); free tier ignored. */
export const SQS_PRICE_PER_MILLION = 0.4;

/** Lambda on arm64 (Graviton), first pricing tier; free tier ignored. */
export const LAMBDA_PRICES = { perGbSecondArm: 0.0000133334, perMillionRequests: 0.2 } as const;

/** SES outbound email, per 1,000 messages (the yardstick: the pipeline should cost at most 3% of it). */
export const SES_PRICE_PER_1000 = 0.1;
