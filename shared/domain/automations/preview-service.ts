/**
 * `POST /v1/automations/{id}/preview?date=YYYY-MM-DD`: who would receive the automation's message on a local day, and
 * why, without sending or claiming anything. Date-based types run the runner's own steps over the book for the window
 * of that day (the type's occurrences, then the audience with the segment engine, evaluated as of the send hour) and
 * add what the send gates would say where the book alone tells (consent for the purpose, an address); suppression and
 * the frequency cap are decided at send time. Event-based types list the occurrences already scheduled for the day.
 */
import { z } from 'zod';
import { hasConsent } from '../customers/consent';
import { streamBook } from '../segments/book-reader';
import type { BookAttribute, BookCustomer } from '../segments/book-customer';
import { loadTenantSettings } from '../tenants/tenant-repository';
import { isDateBased, sendHourOf } from './automation-schema';
import { tenantClockOf } from './handover-service';
import { endOfLocalDay, localHourInstant, startOfLocalDay } from './local-time';
import type { Occurrence } from './occurrence';
import { dueOccurrences } from './occurrences';
import { prepareAudience } from './store/audience-check';
import type { StoredAutomation } from './store/automation-store';
import { dynamoBookPort, type BookPort } from './store/book-port';
import { loadOpenOccurrence, openOccurrencesOfAutomation } from './store/occurrence-store';

/** What a date-based pass reads of each customer besides the audience's own attributes. */
export const OCCURRENCE_ATTRIBUTES: readonly BookAttribute[] = [
  'customerId',
  'erased',
  'status',
  'birthday',
  'anniversary',
  'weddingDate',
  'customerSince',
  'agg',
];

export const previewRecipientSchema = z.object({
  customerId: z.string(),
  firstName: z.string().optional(),
  lastName: z.string().optional(),
  occurrenceKey: z.string(),
  dueAt: z.string(),
  reason: z.string().describe('Why it falls due: the date and offset, the record it is about'),
  audience: z.array(z.string()).describe('Why the customer is in the audience (the rule\'s leaves); empty without one'),
  wouldSkip: z.enum(['no_consent', 'no_address']).optional().describe('A send gate would stop it (as the book stands now)'),
});

export const automationPreviewSchema = z
  .object({
    automationId: z.string(),
    date: z.string(),
    timeZone: z.string(),
    enabled: z.boolean(),
    total: z.number().int().describe('Everyone who would receive it (the list may be shorter: `truncated`)'),
    recipients: z.array(previewRecipientSchema),
    truncated: z.boolean(),
    customersRead: z.number().int(),
  })
  .meta({ id: 'AutomationPreview' });
export type AutomationPreview = z.output<typeof automationPreviewSchema>;
type PreviewRecipient = z.output<typeof previewRecipientSchema>;

/** One line of a preview (or a backfill preview): who, which occurrence, why they are in the audience, any gate. */
export function previewRecipient(
  stored: StoredAutomation,
  customer: BookCustomer,
  occurrence: Pick<Occurrence, 'occurrenceKey' | 'dueAt' | 'reason'>,
  audience: string[],
): PreviewRecipient {
  const gate = gateOf(stored, customer);
  return {
    customerId: customer.customerId,
    firstName: customer.firstName,
    lastName: customer.lastName,
    occurrenceKey: occurrence.occurrenceKey,
    dueAt: occurrence.dueAt,
    reason: occurrence.reason,
    audience,
    ...(gate ? { wouldSkip: gate } : {}),
  };
}

/** What a send gate would say where the book alone tells (consent for the purpose, an address). */
export function gateOf(stored: StoredAutomation, customer: BookCustomer): PreviewRecipient['wouldSkip'] {
  const { channel, purpose } = stored.automation;
  if (!hasConsent(customer.consent, channel, purpose)) return 'no_consent';
  const address = channel === 'email' ? customer.email : customer.phone;
  return address === undefined || address.trim() === '' ? 'no_address' : undefined;
}

export async function previewAutomation(
  stored: StoredAutomation,
  request: { date: string; limit: number },
  book: BookPort = dynamoBookPort(stored.tenantId),
): Promise<AutomationPreview> {
  const { tenantId, automation } = stored;
  const settings = await loadTenantSettings(tenantId);
  const clock = tenantClockOf(settings);
  const window = { from: startOfLocalDay(request.date, settings.timeZone), to: endOfLocalDay(request.date, settings.timeZone) };
  const recipients: PreviewRecipient[] = [];
  let total = 0;
  let customersRead = 0;
  const base = { automationId: automation.automationId, date: request.date, timeZone: settings.timeZone, enabled: automation.enabled };

  if (!isDateBased(automation.type)) {
    const open = await openOccurrencesOfAutomation(tenantId, automation.automationId, new Date(window.from), new Date(window.to));
    for (const ref of open) {
      const record = await loadOpenOccurrence(ref);
      if (!record || !['scheduled', 'claimed', 'enqueued'].includes(record.status.state)) continue;
      total += 1;
      if (recipients.length >= request.limit) continue;
      const customer = await book.customer(ref.customerId);
      const gate = customer ? gateOf(stored, customer) : undefined;
      recipients.push({
        customerId: ref.customerId,
        ...(customer ? { firstName: customer.firstName, lastName: customer.lastName } : {}),
        occurrenceKey: record.occurrence.occurrenceKey,
        dueAt: record.occurrence.dueAt,
        reason: record.occurrence.reason,
        audience: [],
        ...(gate ? { wouldSkip: gate } : {}),
      });
    }
    return { ...base, total, recipients, truncated: total > recipients.length, customersRead };
  }

  const sendAt = new Date(localHourInstant(request.date, sendHourOf(automation, settings.defaultSendHour), settings.timeZone));
  const audience = await prepareAudience(tenantId, automation.audience, { now: sendAt, timeZone: settings.timeZone, currency: settings.currency }, book);
  const attributes = [...new Set<string>([...OCCURRENCE_ATTRIBUTES, ...audience.attributes, 'consent', 'email', 'phone', 'firstName', 'lastName'])];
  for await (const page of streamBook(book.reader, { attributes })) {
    customersRead += page.length;
    for (const customer of page) {
      const occurrences = dueOccurrences(automation, customer, clock, window);
      if (occurrences.length === 0 || !(await audience.test(customer))) continue;
      total += occurrences.length;
      if (recipients.length >= request.limit) continue;
      const why = (await audience.why(customer)).map((entry) => `${entry.path}: ${entry.detail}`);
      for (const occurrence of occurrences) recipients.push(previewRecipient(stored, customer, occurrence, why));
    }
  }
  recipients.sort((a, b) => (a.dueAt < b.dueAt ? -1 : a.dueAt > b.dueAt ? 1 : a.customerId < b.customerId ? -1 : 1));
  return { ...base, total, recipients: recipients.slice(0, request.limit), truncated: total > Math.min(recipients.length, request.limit), customersRead };
}
