/**
 * What started a send, for the send pipeline. Bulk sends, one-to-one messages and test sends to a customer are
 * campaigns the API user never saved: records under the campaign key (`keys.tenantEntity(t, 'CAMPAIGN', id)`) created
 * directly in `sending`, left out of the campaign list, and marked with `origin` (and `purpose`). The pipeline runs
 * them like any campaign (dispatch, gates, claims, worker, reconciler, completion); this module tells it what differs.
 *
 * Extension point for the pipeline (shared/domain/sending), read from the campaign item it loads anyway:
 *  - the communication's `kind` on the customer's timeline: `sendOriginOf(item).communicationKind`
 *    (`campaign`, `bulk`, `one_to_one`, `test`);
 *  - the purpose the gates check and the lane the send jobs take: `sendOriginOf(item).purpose` / `.lane`
 *    (a one-to-one message takes the priority lane, like service messages: one recipient should not queue behind a
 *    100k campaign).
 * A campaign item without `origin` is a campaign: marketing, on the bulk lane.
 */
import type { CommunicationKind } from '../customers/communication';
import type { MessagePurpose } from '../sending/gates';
import { laneFor, type SendLane } from '../sending/lanes';

export const DIRECT_SEND_ORIGINS = ['bulk', 'one_to_one', 'test'] as const;
export type DirectSendOrigin = (typeof DIRECT_SEND_ORIGINS)[number];
export type SendOrigin = 'campaign' | DirectSendOrigin;

export interface SendRouting {
  readonly origin: SendOrigin;
  readonly communicationKind: Extract<CommunicationKind, SendOrigin>;
  readonly purpose: MessagePurpose;
  readonly lane: SendLane;
}

const isDirectOrigin = (value: unknown): value is DirectSendOrigin => (DIRECT_SEND_ORIGINS as readonly unknown[]).includes(value);

export function sendOriginOf(campaignItem: Readonly<Record<string, unknown>>): SendRouting {
  const origin: SendOrigin = isDirectOrigin(campaignItem.origin) ? campaignItem.origin : 'campaign';
  const purpose: MessagePurpose = campaignItem.purpose === 'service' ? 'service' : 'marketing';
  const lane = laneFor({ kind: origin === 'one_to_one' ? 'one_to_one' : 'campaign', purpose });
  return { origin, communicationKind: origin, purpose, lane };
}

/** Attributes a direct send's campaign item carries besides the campaign's own. */
export interface DirectSendAttributes {
  readonly origin: DirectSendOrigin;
  readonly purpose: MessagePurpose;
  /** A test send: the campaign it tests. */
  readonly testOf?: string;
}
