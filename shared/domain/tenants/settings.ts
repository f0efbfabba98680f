import { z } from 'zod';

const isIanaZone = (zone: string) => {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
};

export const timeZoneSchema = z.string().refine(isIanaZone, { message: 'Enter an IANA time zone such as Australia/Sydney' });

/**
 * Tenant settings. "Today", "this month", ages and send hours are evaluated in `timeZone` everywhere; later features
 * (sends, automations, attribution) read the rest from here.
 */
export const tenantSettingsSchema = z
  .object({
    name: z.string().min(1).max(120),
    timeZone: timeZoneSchema.default('Australia/Sydney'),
    country: z.string().length(2).toUpperCase().default('AU').describe('ISO 3166-1 alpha-2, drives seasonal dates'),
    currency: z.string().length(3).toUpperCase().default('AUD').describe('ISO 4217'),
    storePhone: z.string().max(40).optional(),
    postalAddress: z.string().max(300).optional().describe('Printed in the footer of marketing email'),
    defaultSender: z
      .object({ name: z.string().min(1).max(120), email: z.email() })
      .optional()
      .describe('From name and address once the sending domain is verified'),
    defaultSendHour: z.number().int().min(0).max(23).default(10),
    frequencyCap: z
      .object({ messages: z.number().int().min(1).max(100), days: z.number().int().min(1).max(90) })
      .default({ messages: 3, days: 7 })
      .describe('At most `messages` marketing messages per customer in `days` days; service messages are exempt'),
    attributionWindowDays: z.number().int().min(1).max(90).default(7),
  })
  .meta({ id: 'TenantSettings' });

export type TenantSettings = z.output<typeof tenantSettingsSchema>;

/** Partial update: every field optional, none defaulted (PATCH semantics). */
export const tenantSettingsPatchSchema = tenantSettingsSchema.partial().meta({ id: 'TenantSettingsPatch' });
