/**
 * The port the send pipeline calls to hand one email to the provider. One recipient per call: SES's answer (message
 * id or refusal) then belongs to exactly one recipient, which is what the claim model needs.
 */
export interface EmailHeader {
  readonly name: string;
  readonly value: string;
}

export interface EmailTag {
  readonly name: string;
  readonly value: string;
}

export interface OutboundEmail {
  /** RFC 5322 mailbox: `"Store name" <no-reply@...>` (display name already encoded when needed). */
  readonly from: string;
  readonly replyTo: readonly string[];
  readonly to: string;
  readonly subject: string;
  readonly html: string;
  readonly text: string;
  /** Extra headers (List-Unsubscribe, List-Unsubscribe-Post). */
  readonly headers: readonly EmailHeader[];
  /** Message tags, echoed in every delivery event (tenant, campaign, customer). */
  readonly tags: readonly EmailTag[];
  /** The jeweller's SES tenant, so its bounces and complaints do not spend another's reputation. */
  readonly tenantName?: string;
  readonly configurationSetName?: string;
}

export interface EmailSender {
  /** Resolves with the provider's message id; rejects with the provider's error (see domain/sending/send-outcome.ts). */
  send(email: OutboundEmail): Promise<{ messageId: string }>;
}
