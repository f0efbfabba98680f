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

/** One definition per setting, without defaults: the full schema adds them, the PATCH schema must not. */
const fields = {
  name: z.string().min(1).max(120),
  timeZone: timeZoneSchema,
  country: z.string().length(2).toUpperCase().describe('ISO 3166-1 alpha-2, drives seasonal dates'),
  currency: z.string().length(3).toUpperCase().describe('ISO 4217'),
  storePhone: z.string().max(40),
  postalAddress: z.string().max(300).describe('Printed in the footer of marketing email'),
  defaultSender: z
    .object({ name: z.string().min(1).max(120), email: z.email() })
    .describe('From name and address once the sending domain is verified'),
  defaultSendHour: z.number().int().min(0).max(23).describe('Hour of the day (tenant time zone) scheduled sends go out'),
  frequencyCap: z
    .object({ messages: z.number().int().min(1).max(100), days: z.number().int().min(1).max(90) })
    .describe('At most `messages` marketing messages per customer in `days` days; service messages are exempt'),
  attributionWindowDays: z.number().int().min(1).max(90),
};

export const SETTINGS_DEFAULTS = {
  timeZone: 'Australia/Sydney',
  country: 'AU',
  currency: 'AUD',
  defaultSendHour: 10,
  frequencyCap: { messages: 3, days: 7 },
  attributionWindowDays: 7,
} as const;

/**
 * Tenant settings. "Today", "this month", ages and send hours are evaluated in `timeZone` everywhere; later features
 * (sends, automations, attribution) read the rest from here.
 */
export const tenantSettingsSchema = z
  .object({
    name: fields.name,
    timeZone: fields.timeZone.default(SETTINGS_DEFAULTS.timeZone),
    country: fields.country.default(SETTINGS_DEFAULTS.country),
    currency: fields.currency.default(SETTINGS_DEFAULTS.currency),
    storePhone: fields.storePhone.optional(),
    postalAddress: fields.postalAddress.optional(),
    defaultSender: fields.defaultSender.optional(),
    defaultSendHour: fields.defaultSendHour.default(SETTINGS_DEFAULTS.defaultSendHour),
    frequencyCap: fields.frequencyCap.default({ ...SETTINGS_DEFAULTS.frequencyCap }),
    attributionWindowDays: fields.attributionWindowDays.default(SETTINGS_DEFAULTS.attributionWindowDays),
  })
  .meta({ id: 'TenantSettings' });

export type TenantSettings = z.output<typeof tenantSettingsSchema>;

/** Settings that may be absent; a PATCH clears one with `null`. */
export const CLEARABLE_SETTINGS = ['storePhone', 'postalAddress', 'defaultSender'] as const;

/**
 * Partial update: every field optional and none defaulted (a PATCH that names one field must not reset the others),
 * `null` clears an optional setting, and an unknown field is a 400 rather than silently ignored.
 */
export const tenantSettingsPatchSchema = z
  .strictObject({
    name: fields.name.optional(),
    timeZone: fields.timeZone.optional(),
    country: fields.country.optional(),
    currency: fields.currency.optional(),
    storePhone: fields.storePhone.nullable().optional(),
    postalAddress: fields.postalAddress.nullable().optional(),
    defaultSender: fields.defaultSender.nullable().optional(),
    defaultSendHour: fields.defaultSendHour.optional(),
    frequencyCap: fields.frequencyCap.optional(),
    attributionWindowDays: fields.attributionWindowDays.optional(),
  })
  .meta({ id: 'TenantSettingsPatch' });

export type TenantSettingsPatch = z.output<typeof tenantSettingsPatchSchema>;
