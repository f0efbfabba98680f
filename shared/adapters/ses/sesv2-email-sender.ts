/**
 * SES v2 `SendEmail` behind the EmailSender port. Simple content with `Headers` (SES v2 adds them to the MIME message it
 * builds; aws-ses-v2-local stores them, so the local mail viewer and the tests see the same headers).
 *
 * The client never retries on its own (`maxAttempts: 1`): a retry after a timeout or a 5xx could send a second email,
 * and a throttled send is retried through SQS with the claim released (domain/sending/send-recipient.ts), where the
 * retry is visible and bounded by the queue's redrive limit.
 */
import { SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';
import type { EmailSender, OutboundEmail } from './outbound-email';

/** A send that takes longer than this has no answer we can trust: the recipient becomes `unknown`. */
const SEND_TIMEOUT_MS = 10_000;

export function sesV2EmailSender(client: SESv2Client = new SESv2Client({ maxAttempts: 1, requestHandler: { requestTimeout: SEND_TIMEOUT_MS } })): EmailSender {
  return {
    async send(email: OutboundEmail) {
      const result = await client.send(
        new SendEmailCommand({
          FromEmailAddress: email.from,
          Destination: { ToAddresses: [email.to] },
          ...(email.replyTo.length > 0 ? { ReplyToAddresses: [...email.replyTo] } : {}),
          Content: {
            Simple: {
              Subject: { Data: email.subject, Charset: 'UTF-8' },
              Body: { Html: { Data: email.html, Charset: 'UTF-8' }, Text: { Data: email.text, Charset: 'UTF-8' } },
              Headers: email.headers.map((header) => ({ Name: header.name, Value: header.value })),
            },
          },
          EmailTags: email.tags.map((tag) => ({ Name: tag.name, Value: tag.value })),
          ...(email.configurationSetName ? { ConfigurationSetName: email.configurationSetName } : {}),
          ...(email.tenantName ? { TenantName: email.tenantName } : {}),
        }),
      );
      if (!result.MessageId) throw Object.assign(new Error('SES answered without a message id'), { name: 'MissingMessageId' });
      return { messageId: result.MessageId };
    },
  };
}
