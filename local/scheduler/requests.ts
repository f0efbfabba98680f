import { z } from 'zod';
import { apiErrors } from './errors';

/**
 * Request shapes of the Scheduler API (restJson1 bodies; timestamps are epoch seconds), with the constraints the
 * service documents, so that what AWS would refuse is refused here too. Members the local runtime does not act on
 * (ECS, SageMaker, Kinesis... target parameters, KMS key) are accepted and kept as given.
 */
export const resourceName = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[0-9a-zA-Z-_.]+$/, 'must match [0-9a-zA-Z-_.]+');

const epochSeconds = z.number().transform((seconds) => new Date(Math.round(seconds * 1000)).toISOString());

export const retryPolicySchema = z.object({
  MaximumEventAgeInSeconds: z.number().int().min(60).max(86_400).optional(),
  MaximumRetryAttempts: z.number().int().min(0).max(185).optional(),
});

export const targetSchema = z.looseObject({
  Arn: z.string().min(1).max(1600),
  RoleArn: z
    .string()
    .min(1)
    .max(1600)
    .regex(/^arn:aws(-[a-z]+)?:iam::\d{12}:role\/[\w+=,.@/-]+$/, 'must be an IAM role ARN'),
  Input: z.string().min(1).optional(),
  RetryPolicy: retryPolicySchema.optional(),
  DeadLetterConfig: z
    .object({
      Arn: z
        .string()
        .min(1)
        .max(1600)
        .regex(/^arn:aws(-[a-z]+)?:sqs:[a-z0-9-]+:\d{12}:[a-zA-Z0-9\-_]+$/, 'must be an SQS queue ARN')
        .optional(),
    })
    .optional(),
});

export const flexibleTimeWindowSchema = z
  .object({
    Mode: z.enum(['OFF', 'FLEXIBLE']),
    MaximumWindowInMinutes: z.number().int().min(1).max(1440).optional(),
  })
  .refine((window) => window.Mode === 'OFF' || window.MaximumWindowInMinutes !== undefined, {
    message: 'MaximumWindowInMinutes is required when Mode is FLEXIBLE',
    path: ['MaximumWindowInMinutes'],
  });

/** Body of CreateSchedule and UpdateSchedule (the name travels in the path). */
export const scheduleBodySchema = z.object({
  ScheduleExpression: z.string().min(1).max(256),
  ScheduleExpressionTimezone: z.string().min(1).max(50).optional(),
  Target: targetSchema,
  FlexibleTimeWindow: flexibleTimeWindowSchema,
  GroupName: resourceName.optional(),
  StartDate: epochSeconds.optional(),
  EndDate: epochSeconds.optional(),
  Description: z.string().max(512).optional(),
  State: z.enum(['ENABLED', 'DISABLED']).optional(),
  KmsKeyArn: z.string().min(1).max(2048).optional(),
  ClientToken: z
    .string()
    .min(1)
    .max(64)
    .regex(/^[a-zA-Z0-9-_]+$/)
    .optional(),
  ActionAfterCompletion: z.enum(['NONE', 'DELETE']).optional(),
});

export const tagsSchema = z
  .array(z.object({ Key: z.string().min(1).max(128), Value: z.string().min(1).max(256) }))
  .max(200);

export const createGroupBodySchema = z.object({
  Tags: tagsSchema.optional(),
  ClientToken: z.string().min(1).max(64).optional(),
});

export const tagResourceBodySchema = z.object({ Tags: tagsSchema });

export type ScheduleBody = z.infer<typeof scheduleBodySchema>;
export type ScheduleTarget = z.infer<typeof targetSchema>;
export type FlexibleTimeWindow = z.infer<typeof flexibleTimeWindowSchema>;
export type RetryPolicy = z.infer<typeof retryPolicySchema>;

/** Parses with a schema, or throws the ValidationException AWS would answer, naming each field. */
export function parseRequest<Schema extends z.ZodType>(schema: Schema, value: unknown): z.output<Schema> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const details = result.error.issues.map((issue) => {
    const field = issue.path.length > 0 ? issue.path.join('.') : 'request';
    return `Value at '${field}' failed to satisfy constraint: ${issue.message}`;
  });
  throw apiErrors.validation(`${details.length} validation error(s) detected: ${details.join('; ')}`);
}
