/** The API shape of a sending domain: status, the DNS records to add, and who mail is from right now. */
import { z } from 'zod';
import { dkimRecords } from './dkim-records';
import type { ResolvedSender } from './sender-choice';
import { SENDER_IDENTITY_STATUSES, type SenderIdentity } from './sender-identity';

export const senderIdentitySchema = z
  .object({
    domain: z.string(),
    status: z.enum(SENDER_IDENTITY_STATUSES).describe('`verified` once SES found the DKIM records; mail then comes from the domain'),
    dkim: z.object({
      status: z.string().describe("SES's DKIM status: PENDING, SUCCESS, FAILED, TEMPORARY_FAILURE or NOT_STARTED"),
      records: z
        .array(z.object({ type: z.literal('CNAME'), name: z.string(), value: z.string() }))
        .describe("Add these CNAME records to the domain's DNS"),
    }),
    sender: z
      .object({
        fromAddress: z.string(),
        displayName: z.string(),
        replyTo: z.array(z.string()),
      })
      .describe("Who mail is from right now: the platform's address with the store's name until the domain is verified"),
    createdAt: z.iso.datetime(),
    checkedAt: z.iso.datetime().describe('When SES was last asked'),
    verifiedAt: z.iso.datetime().optional(),
  })
  .meta({ id: 'SenderIdentity' });

export type SenderIdentityView = z.infer<typeof senderIdentitySchema>;

export function senderIdentityView(identity: SenderIdentity, sender: ResolvedSender): SenderIdentityView {
  return {
    domain: identity.domain,
    status: identity.status,
    dkim: { status: identity.dkimStatus, records: dkimRecords(identity.domain, identity.dkimTokens, identity.dkimHostedZone) },
    sender: { fromAddress: sender.fromAddress, displayName: sender.displayName, replyTo: [...sender.replyTo] },
    createdAt: identity.createdAt,
    checkedAt: identity.checkedAt,
    ...(identity.verifiedAt ? { verifiedAt: identity.verifiedAt } : {}),
  };
}
