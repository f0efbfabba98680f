/**
 * Turns a rendered message into the email that is sent, pure: the jeweller's name on the platform's address until its
 * own domain is verified (its own address as Reply-To), the RFC 8058 one-click unsubscribe headers, a visible footer
 * with the store's postal address and an unsubscribe link, and message tags that let delivery events find the
 * recipient again (tenant, campaign, customer).
 */
import type { EmailHeader, OutboundEmail } from '../../adapters/ses/outbound-email';
import { sesTagValue } from '../../adapters/ses/ses-tenant';
import type { RenderedEmail } from '../templates/render-template';
import { singleLine } from '../templates/render-template';

export interface Store {
  readonly name: string;
  readonly postalAddress?: string | undefined;
}

/** Who the email is from (shared/domain/sender-identity/resolve-sender.ts decides). */
export interface Sender {
  readonly fromAddress: string;
  readonly displayName: string;
  /** Where replies go; empty when they go to `fromAddress`. */
  readonly replyTo: readonly string[];
}

export interface ComposeInput {
  readonly rendered: RenderedEmail;
  readonly to: string;
  readonly store: Store;
  readonly sender: Sender;
  readonly unsubscribeUrl: string;
  readonly tags: { tenantId: string; campaignId: string; customerId: string };
  readonly tenantName?: string;
  readonly configurationSetName?: string;
}

/** RFC 8058: the URL in angle brackets, and the one-click marker that tells mailbox providers to POST to it. */
export function unsubscribeHeaders(url: string): EmailHeader[] {
  return [
    { name: 'List-Unsubscribe', value: `<${url}>` },
    { name: 'List-Unsubscribe-Post', value: 'List-Unsubscribe=One-Click' },
  ];
}

/**
 * `"Name" <address>`: quoted (RFC 5322 quoted-string, `"` and `\` escaped) when ASCII, an RFC 2047 encoded word when
 * not, so a store called "Ó'Brien & Daughters" arrives as written. Control characters never reach a header.
 */
export function mailbox(displayName: string, address: string): string {
  const name = singleLine(displayName);
  if (name === '') return address;
  // eslint-disable-next-line no-control-regex
  if (/^[\x20-\x7e]*$/.test(name)) return `"${name.replace(/(["\\])/g, '\\$1')}" <${address}>`;
  return `=?UTF-8?B?${Buffer.from(name, 'utf8').toString('base64')}?= <${address}>`;
}

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
const escapeHtml = (value: string) => value.replace(/[&<>"']/g, (character) => HTML_ESCAPES[character]!);

/** The footer every marketing email carries: who sent it, where they are, and how to stop it. */
export function htmlFooter(store: Store, url: string, linkAlreadyInBody: boolean): string {
  const who = [store.name, store.postalAddress].filter((part): part is string => !!part && part.trim() !== '').map(escapeHtml).join(' · ');
  const link = linkAlreadyInBody ? '' : `<br><a href="${escapeHtml(url)}">Unsubscribe</a> from ${escapeHtml(store.name)}'s emails.`;
  return `<div style="margin-top:24px;font-size:12px;color:#666;text-align:center">${who}${link}</div>`;
}

export function textFooter(store: Store, url: string, linkAlreadyInBody: boolean): string {
  const who = [store.name, store.postalAddress].filter((part): part is string => !!part && part.trim() !== '').join(' · ');
  return `\n\n--\n${who}${linkAlreadyInBody ? '' : `\nUnsubscribe: ${url}`}\n`;
}

/** Inserts the footer before `</body>` when the HTML has one, else appends it. */
export function withHtmlFooter(html: string, footer: string): string {
  const close = html.search(/<\/body\s*>/i);
  return close === -1 ? `${html}${footer}` : `${html.slice(0, close)}${footer}${html.slice(close)}`;
}

export function composeEmail(input: ComposeInput): OutboundEmail {
  const { rendered, store, unsubscribeUrl } = input;
  const htmlHasLink = rendered.html.includes(unsubscribeUrl) || rendered.html.includes(escapeHtml(unsubscribeUrl));
  const textHasLink = rendered.text.includes(unsubscribeUrl);
  return {
    from: mailbox(input.sender.displayName, input.sender.fromAddress),
    replyTo: [...input.sender.replyTo],
    to: input.to,
    subject: rendered.subject,
    html: withHtmlFooter(rendered.html, htmlFooter(store, unsubscribeUrl, htmlHasLink)),
    text: `${rendered.text.trimEnd()}${textFooter(store, unsubscribeUrl, textHasLink)}`,
    headers: unsubscribeHeaders(unsubscribeUrl),
    tags: [
      { name: 'tenant', value: sesTagValue(input.tags.tenantId) },
      { name: 'campaign', value: sesTagValue(input.tags.campaignId) },
      { name: 'customer', value: sesTagValue(input.tags.customerId) },
    ],
    ...(input.tenantName ? { tenantName: input.tenantName } : {}),
    ...(input.configurationSetName ? { configurationSetName: input.configurationSetName } : {}),
  };
}
