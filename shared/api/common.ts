import { z } from 'zod';

/** Schemas shared by every area of the API. */

/** Money is always an integer number of minor units (cents) in the tenant's currency. */
export const money = z.number().int().describe('Amount in minor units (cents) of the tenant currency');
export const positiveMoney = money.positive();

export const idParam = (name: string) => z.object({ [name]: z.string().min(1).max(64) });

/** Cursor pagination: `limit` (1-100, default 25) and an opaque `cursor` from the previous page's `nextCursor`. */
export const pageQuery = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(25),
  cursor: z.string().max(2048).optional(),
});

export const page = <T extends z.ZodType>(item: T) =>
  z.object({
    items: z.array(item),
    nextCursor: z.string().nullable().describe('Pass as `cursor` to get the next page; null on the last page'),
  });

export const problemSchema = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.number().int(),
    detail: z.string().optional(),
    instance: z.string().optional(),
    errors: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
  })
  .meta({ id: 'Problem' });

/** Standard error responses, merged into every route's `responses`. */
export const problemResponses = {
  400: { description: 'Invalid request: `errors` lists each field path and message', schema: problemSchema, contentType: 'application/problem+json' },
  401: { description: 'Missing or invalid API key', schema: problemSchema, contentType: 'application/problem+json' },
  403: { description: 'Your role may not do this', schema: problemSchema, contentType: 'application/problem+json' },
  404: { description: 'Not found (or it belongs to another tenant)', schema: problemSchema, contentType: 'application/problem+json' },
} as const;

/** Calendar day in ISO form. */
export const isoDate = z.iso.date();
export const isoDateTime = z.iso.datetime({ offset: true });

/** Month and day with an optional year: birthdays and anniversaries (some customers never tell the year). */
export const monthDay = z
  .object({
    month: z.number().int().min(1).max(12),
    day: z.number().int().min(1).max(31),
    year: z.number().int().min(1900).max(2100).optional(),
  })
  .refine((v) => v.day <= daysInMonth(v.month, v.year ?? 2000), { message: 'Day does not exist in that month', path: ['day'] })
  .meta({ id: 'MonthDay' });

function daysInMonth(month: number, year: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}
