import { z } from 'zod';

/**
 * Consent per channel and purpose. The current state lives on the customer item (`consent`, projected into the book
 * index so the send gate and segment rules read it without another request); every transition is also written as a
 * history item (`keys.customerTimed(t, c, 'CONSENT', at, id)`) so "who allowed this, when, how" stays answerable.
 *
 * Marketing and service are separate: an unsubscribe withdraws marketing only, while service messages (repair ready,
 * appointment reminders) need service consent, which a new customer has by default.
 */
export const CONSENT_CHANNELS = ['email', 'sms'] as const;
export const CONSENT_PURPOSES = ['marketing', 'service'] as const;
export const CONSENT_STATUSES = ['granted', 'withdrawn'] as const;
/**
 * Where a consent state came from. `default`: service consent a new customer starts with; `staff`: changed through the
 * API by a staff member; `import`: from the POS through a bulk import; `unsubscribe` / `complaint`: set by the
 * engagement loop; `erasure`: everything withdrawn when the customer was erased.
 */
export const CONSENT_SOURCES = ['default', 'staff', 'import', 'unsubscribe', 'complaint', 'erasure'] as const;

export const consentChannelSchema = z.enum(CONSENT_CHANNELS);
export const consentPurposeSchema = z.enum(CONSENT_PURPOSES);
export const consentStatusSchema = z.enum(CONSENT_STATUSES);
export const consentSourceSchema = z.enum(CONSENT_SOURCES);

export type ConsentChannel = z.infer<typeof consentChannelSchema>;
export type ConsentPurpose = z.infer<typeof consentPurposeSchema>;
export type ConsentStatus = z.infer<typeof consentStatusSchema>;
export type ConsentSource = z.infer<typeof consentSourceSchema>;

export const consentRecordSchema = z
  .object({
    status: consentStatusSchema,
    at: z.iso.datetime(),
    source: consentSourceSchema,
    /** Staff member who made the change; absent for system sources (default, unsubscribe, complaint). */
    actorStaffId: z.string().optional(),
  })
  .meta({ id: 'ConsentRecord' });
export type ConsentRecord = z.infer<typeof consentRecordSchema>;

/** `null`: never asked. A customer without a `granted` record has no consent for that channel and purpose. */
const slot = consentRecordSchema.nullable();
export const consentStateSchema = z
  .object({
    email: z.object({ marketing: slot, service: slot }),
    sms: z.object({ marketing: slot, service: slot }),
  })
  .meta({ id: 'ConsentState' });
export type ConsentState = z.infer<typeof consentStateSchema>;

/**
 * Requested statuses, by channel and purpose (what `PUT /consent` and the create body carry):
 * `{"email": {"marketing": "granted"}, "sms": {"marketing": "withdrawn"}}`.
 */
const requestedPurposes = z.strictObject({
  marketing: consentStatusSchema.optional(),
  service: consentStatusSchema.optional(),
});
export const consentRequestSchema = z
  .strictObject({ email: requestedPurposes.optional(), sms: requestedPurposes.optional() })
  .meta({ id: 'ConsentRequest' });
export type ConsentRequest = z.infer<typeof consentRequestSchema>;

/** One consent transition as kept in the customer's collection (`CONSENT#{at}#{id}`), oldest first by sort key. */
export const consentChangeSchema = z
  .object({
    changeId: z.string(),
    channel: consentChannelSchema,
    purpose: consentPurposeSchema,
    from: consentStatusSchema.nullable().describe('null when nothing was recorded before'),
    to: consentStatusSchema,
    at: z.iso.datetime(),
    source: consentSourceSchema,
    actorStaffId: z.string().optional(),
  })
  .meta({ id: 'ConsentChange' });
export type ConsentChange = z.infer<typeof consentChangeSchema>;

export interface ConsentTransition {
  channel: ConsentChannel;
  purpose: ConsentPurpose;
  /** `null` when there was no record before. */
  from: ConsentStatus | null;
  to: ConsentStatus;
  record: ConsentRecord;
}

export interface ConsentChangeContext {
  at: string;
  source: ConsentSource;
  actorStaffId?: string;
}

export function emptyConsentState(): ConsentState {
  return { email: { marketing: null, service: null }, sms: { marketing: null, service: null } };
}

/** Flattens a request into (channel, purpose, status) triples in a stable order. */
export function requestedChanges(request: ConsentRequest): { channel: ConsentChannel; purpose: ConsentPurpose; status: ConsentStatus }[] {
  const out: { channel: ConsentChannel; purpose: ConsentPurpose; status: ConsentStatus }[] = [];
  for (const channel of CONSENT_CHANNELS) {
    for (const purpose of CONSENT_PURPOSES) {
      const status = request[channel]?.[purpose];
      if (status) out.push({ channel, purpose, status });
    }
  }
  return out;
}

/**
 * The consent state after a request, and the transitions that actually happened. Asking for the status a slot already
 * has is not a transition (an unsubscribe link clicked twice records one withdrawal, not two), so callers write history
 * items and emit `consent.changed` only for what this returns.
 */
export function applyConsent(
  state: ConsentState,
  request: ConsentRequest,
  context: ConsentChangeContext,
): { state: ConsentState; transitions: ConsentTransition[] } {
  const next: ConsentState = { email: { ...state.email }, sms: { ...state.sms } };
  const transitions: ConsentTransition[] = [];
  for (const { channel, purpose, status } of requestedChanges(request)) {
    const current = state[channel][purpose];
    if (current?.status === status) continue;
    const record: ConsentRecord = {
      status,
      at: context.at,
      source: context.source,
      ...(context.actorStaffId === undefined ? {} : { actorStaffId: context.actorStaffId }),
    };
    next[channel][purpose] = record;
    transitions.push({ channel, purpose, from: current?.status ?? null, to: status, record });
  }
  return { state: next, transitions };
}

/**
 * A new customer's consent: service granted on both channels (source `default`, where the law allows it: transactional
 * messages about the customer's own repairs and appointments), marketing only as the create request says.
 */
export function initialConsent(
  request: ConsentRequest | undefined,
  context: { at: string; actorStaffId?: string; source?: Extract<ConsentSource, 'staff' | 'import'> },
): { state: ConsentState; transitions: ConsentTransition[] } {
  // Service slots the request leaves open get the default first; the request then applies on top, so a slot it names
  // is recorded once, with the request's source (a default immediately overridden is not worth a history entry).
  const defaults: ConsentRequest = {};
  for (const channel of CONSENT_CHANNELS) {
    if (request?.[channel]?.service === undefined) defaults[channel] = { service: 'granted' };
  }
  const withDefaults = applyConsent(emptyConsentState(), defaults, { at: context.at, source: 'default' });
  const requested = applyConsent(withDefaults.state, request ?? {}, {
    at: context.at,
    source: context.source ?? 'staff',
    ...(context.actorStaffId === undefined ? {} : { actorStaffId: context.actorStaffId }),
  });
  return { state: requested.state, transitions: [...withDefaults.transitions, ...requested.transitions] };
}

/** Withdraws every granted consent (erasure). */
export function withdrawAll(state: ConsentState, context: ConsentChangeContext) {
  const request: ConsentRequest = {};
  for (const channel of CONSENT_CHANNELS) {
    for (const purpose of CONSENT_PURPOSES) {
      if (state[channel][purpose]?.status === 'granted') request[channel] = { ...request[channel], [purpose]: 'withdrawn' };
    }
  }
  return applyConsent(state, request, context);
}

export function hasConsent(state: ConsentState, channel: ConsentChannel, purpose: ConsentPurpose): boolean {
  return state[channel][purpose]?.status === 'granted';
}
