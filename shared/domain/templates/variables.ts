/**
 * The merge variables a template may use: the one catalogue that template validation (unknown variables are a 400),
 * the merge data builder (./merge-data.ts) and the API documentation (`GET /v1/template-variables`) all read.
 *
 * Adding a variable: add it here, then give it a value in ./merge-data.ts (a test checks that both agree).
 *
 * How values print:
 *  - `text`: as is; HTML-escaped in the HTML body only (subject, preheader, text body and SMS are never escaped).
 *  - `date`: a calendar day, printed in the tenant's locale ("14 March 2024"); format it with the `date` filter,
 *    e.g. `{{ customer.wedding_date | date: "%d/%m/%Y" }}`.
 *  - `month_day`: a day of the year without a year ("14 March"); the `date` filter formats its next occurrence, so
 *    `{{ customer.birthday | date: "%A %d %B" }}` names the weekday it falls on this time.
 *  - `money`: an integer in minor units (cents), so comparisons work (`{% if customer.total_spent > 100000 %}`);
 *    print it with `| money` ("$1,234.50" in the tenant's currency).
 *  - `number`, `boolean`: as is. `list`: a list of texts, for `contains` and `for` loops.
 *  - `url`: an absolute URL, filled per recipient when the message is sent.
 * A variable with no value (a customer without a birthday) prints as nothing; `| default: "..."` supplies a fallback.
 */

export type VariableKind = 'text' | 'date' | 'month_day' | 'money' | 'number' | 'boolean' | 'list' | 'url';

/**
 * Where a variable has a value: `always` (customer and store), `send` (set per recipient by the send pipeline, a
 * placeholder in previews), `automation` (set only when an automation sends; empty in campaigns).
 */
export type VariableAvailability = 'always' | 'send' | 'automation';

export interface TemplateVariable {
  /** Dotted path as written in a template: `customer.first_name`. */
  path: string;
  kind: VariableKind;
  availability: VariableAvailability;
  description: string;
  /** What the built-in sample customer renders (shown in the documentation). */
  example: string;
}

const variable = (
  path: string,
  kind: VariableKind,
  description: string,
  example: string,
  availability: VariableAvailability = 'always',
): TemplateVariable => ({ path, kind, availability, description, example });

export const TEMPLATE_VARIABLES: readonly TemplateVariable[] = [
  variable('customer.first_name', 'text', 'First name', 'Charlotte'),
  variable('customer.last_name', 'text', 'Last name', "O'Brien"),
  variable('customer.full_name', 'text', 'First and last name', "Charlotte O'Brien"),
  variable('customer.email', 'text', 'Email address', 'charlotte@example.com'),
  variable('customer.phone', 'text', 'Phone number (E.164)', '+61412345678'),
  variable('customer.city', 'text', 'City of the postal address', 'Sydney'),
  variable('customer.birthday', 'month_day', 'Birthday (month and day)', '14 March'),
  variable('customer.anniversary', 'month_day', 'Anniversary (month and day)', '2 October'),
  variable('customer.wedding_date', 'date', 'Wedding date', '2 October 2015'),
  variable('customer.customer_since', 'date', 'Date the customer joined', '5 May 2012'),
  variable('customer.last_purchase_date', 'date', 'Day of the last purchase (tenant time zone)', '20 November 2024'),
  variable('customer.total_spent', 'money', 'Lifetime spend net of refunds, minor units', '$12,450.00 with | money'),
  variable('customer.purchase_count', 'number', 'Number of purchases', '7'),
  variable('customer.loyalty_member', 'boolean', 'Whether the customer is a loyalty member', 'true'),
  variable('customer.loyalty_tier', 'text', 'Loyalty tier', 'Gold'),
  variable('customer.tags', 'list', 'Tags (lower case)', 'vip, bridal'),
  variable('store.name', 'text', "The store's name (tenant settings)", 'Aurora Fine Jewellery'),
  variable('store.address', 'text', "The store's postal address", '12 George Street, Sydney NSW 2000'),
  variable('store.phone', 'text', "The store's phone number", '+61 2 9000 0000'),
  variable('unsubscribe_url', 'url', "One-click unsubscribe link for this recipient", 'https://…/unsubscribe/…', 'send'),
  variable(
    'anniversary_years',
    'number',
    'Years married at the coming anniversary (from the anniversary year or the wedding date)',
    '10',
    'automation',
  ),
];

const byPath = new Map(TEMPLATE_VARIABLES.map((entry) => [entry.path, entry]));

/** Roots that group variables (`customer`, `store`): naming one without a field is a mistake. */
const GROUPS = new Set(TEMPLATE_VARIABLES.filter((entry) => entry.path.includes('.')).map((entry) => entry.path.split('.')[0]!));

export const templateVariable = (path: string): TemplateVariable | undefined => byPath.get(path);
export const isVariableGroup = (path: string): boolean => GROUPS.has(path);

/** Variables used by a template that have no value in a send of this kind (an automation-only variable in a campaign). */
export function variablesWithoutValue(paths: readonly string[], sendKind: 'campaign' | 'automation'): string[] {
  return paths.filter((path) => {
    const availability = byPath.get(path)?.availability;
    return availability === 'automation' && sendKind !== 'automation';
  });
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i += 1) {
    const current = [i];
    for (let j = 1; j <= b.length; j += 1) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + cost);
    }
    previous = current;
  }
  return previous[b.length]!;
}

/** The catalogue path closest to a mistyped one (`customer.frist_name` -> `customer.first_name`), if any is close. */
export function closestVariable(path: string): string | undefined {
  let best: { path: string; distance: number } | undefined;
  for (const candidate of byPath.keys()) {
    const distance = editDistance(path, candidate);
    if (!best || distance < best.distance) best = { path: candidate, distance };
  }
  return best && best.distance <= Math.max(2, Math.floor(path.length / 5)) ? best.path : undefined;
}
