/**
 * A recipient's engagement as the per-recipient results show it (campaign metrics): delivery status, human opens and
 * clicks (machine ones counted apart) and the revenue attributed to this message.
 */
import { z } from 'zod';
import { DELIVERY_STATUSES, engagementOf } from './recipient-engagement';

const count = z.number().int().min(0);

export const recipientEngagementSchema = z
  .object({
    delivery: z.enum(DELIVERY_STATUSES).optional().describe('Latest delivery status (moves forward only); absent until SES reports'),
    deliveryAt: z.iso.datetime().optional().describe('When the message reached that status (the bounce, the complaint...)'),
    deliveredAt: z.iso.datetime().optional(),
    opens: count.describe('Open pixels loaded, machine ones included (a click with images blocked is an open without one: firstOpenAt)'),
    machineOpens: count.describe('Opens by privacy proxies and scanners (not unique, not attributed)'),
    firstOpenAt: z.iso.datetime().optional().describe('First open by a person'),
    clicks: count,
    machineClicks: count,
    firstClickAt: z.iso.datetime().optional().describe('First click by a person'),
    attributedOrders: count,
    attributedRevenue: z.number().int().min(0).describe('Minor units of the tenant currency'),
  })
  .meta({ id: 'RecipientEngagement' });
export type RecipientEngagementView = z.infer<typeof recipientEngagementSchema>;

export function recipientEngagementView(item: Readonly<Record<string, unknown>>): RecipientEngagementView {
  const e = engagementOf(item);
  return {
    ...(e.delivery ? { delivery: e.delivery } : {}),
    ...(e.deliveryAt ? { deliveryAt: e.deliveryAt } : {}),
    ...(e.deliveredAt ? { deliveredAt: e.deliveredAt } : {}),
    opens: e.opens,
    machineOpens: e.machineOpens,
    ...(e.firstOpenAt ? { firstOpenAt: e.firstOpenAt } : {}),
    clicks: e.clicks,
    machineClicks: e.machineClicks,
    ...(e.firstClickAt ? { firstClickAt: e.firstClickAt } : {}),
    attributedOrders: e.attributedOrders,
    attributedRevenue: e.attributedRevenue,
  };
}
