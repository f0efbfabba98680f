import type { TenantSettings } from '../tenants/settings';

/**
 * How a tenant's messages write dates and money: the tenant's time zone, a locale derived from its country, and its
 * currency. Every render for a tenant uses the same format, so it is also the cache key of the template engines.
 */
export interface TenantFormat {
  timeZone: string;
  /** BCP 47 locale, e.g. `en-AU`. */
  locale: string;
  /** ISO 4217, e.g. `AUD`. */
  currency: string;
}

/**
 * Countries whose retail correspondence is usually in English although Unicode's "likely language" for the region is
 * another one (hi-IN, zh-HK, ...): jewellers there write to customers in English.
 */
const ENGLISH_FIRST = new Set(['IN', 'SG', 'HK', 'PH', 'MY', 'AE', 'PK', 'NG', 'KE']);

/** `AU` -> `en-AU`, `FR` -> `fr-FR`, `CH` -> `de-CH`: the region's most likely language (CLDR), with the English-first overrides. */
export function localeForCountry(country: string): string {
  const region = country.toUpperCase();
  if (ENGLISH_FIRST.has(region)) return `en-${region}`;
  try {
    const likely = new Intl.Locale('und', { region }).maximize();
    const locale = `${likely.language}-${region}`;
    return Intl.NumberFormat.supportedLocalesOf([locale]).length > 0 ? locale : 'en';
  } catch {
    return 'en';
  }
}

export function tenantFormat(settings: Pick<TenantSettings, 'timeZone' | 'country' | 'currency'>): TenantFormat {
  return { timeZone: settings.timeZone, locale: localeForCountry(settings.country), currency: settings.currency };
}

const formatters = new Map<string, { format: Intl.NumberFormat; minorDigits: number }>();

function currencyFormatter(locale: string, currency: string) {
  const key = `${locale}|${currency}`;
  let entry = formatters.get(key);
  if (!entry) {
    const format = new Intl.NumberFormat(locale, { style: 'currency', currency });
    // Minor units per major unit follow the currency: JPY has none, BHD three.
    entry = { format, minorDigits: format.resolvedOptions().maximumFractionDigits ?? 2 };
    formatters.set(key, entry);
  }
  return entry;
}

/** Minor units as the tenant's customers read money: 123450 AUD in en-AU -> `$1,234.50`. */
export function formatMoney(minorUnits: number, format: Pick<TenantFormat, 'locale' | 'currency'>): string {
  const { format: numberFormat, minorDigits } = currencyFormatter(format.locale, format.currency);
  return numberFormat.format(minorUnits / 10 ** minorDigits);
}
