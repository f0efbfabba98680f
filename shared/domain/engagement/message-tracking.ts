/**
 * Adds open and click tracking to a rendered email, pure: every http(s) link of the HTML body goes through a signed
 * redirect (`/t/c/{token}`, the target inside the token) and a 1×1 pixel (`/t/o/{token}`) closes the body. The send
 * worker calls `withTracking` between rendering and composing (the footer composeEmail adds afterwards keeps its plain
 * unsubscribe link). Left alone: the unsubscribe link (one-click must stay one click, and link scanners must not look
 * like readers), `mailto:`/`tel:`/anchors, and links marked `data-facet-track="off"`. The text part is not rewritten:
 * a reader of plain text sees the real address.
 */
import type { RenderedEmail } from '../templates/render-template';
import { isTrackableUrl, openPixelUrl, signTrackingToken, trackedLinkUrl } from './tracking-token';

export interface TrackingContext {
  readonly tenantId: string;
  readonly campaignId: string;
  readonly customerId: string;
  /** When the message is sent (the worker's claim time). */
  readonly sentAt: Date;
  readonly publicApiUrl: string;
  readonly key: Buffer;
  /** URLs never rewritten (the recipient's unsubscribe link). */
  readonly untracked?: readonly string[];
}

const ENTITIES: Record<string, string> = { amp: '&', quot: '"', apos: "'", lt: '<', gt: '>', '#39': "'" };

/** What an attribute value means once its character references are read (`&amp;` in a query string is `&`). */
export function decodeAttribute(value: string): string {
  return value.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (whole, name: string) => {
    if (name[0] === '#') {
      const code = name[1] === 'x' || name[1] === 'X' ? parseInt(name.slice(2), 16) : parseInt(name.slice(1), 10);
      return Number.isFinite(code) && code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : whole;
    }
    return ENTITIES[name.toLowerCase()] ?? whole;
  });
}

const escapeAttribute = (value: string) => value.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** `<a ...>` opening tags; the href attribute inside, quoted either way or bare. */
const ANCHOR = /<a\b[^>]*>/gi;
const HREF = /(\shref\s*=\s*)("([^"]*)"|'([^']*)'|([^\s"'>]+))/i;
const OPT_OUT = /\sdata-facet-track\s*=\s*["']?off\b/i;

/** Rewrites the links of an HTML body; returns the new HTML and how many links it now tracks. */
export function trackLinks(html: string, context: TrackingContext): { html: string; tracked: number } {
  const untracked = new Set(context.untracked ?? []);
  let tracked = 0;
  const rewritten = html.replace(ANCHOR, (tag) => {
    if (OPT_OUT.test(tag)) return tag;
    const match = HREF.exec(tag);
    if (!match) return tag;
    const raw = match[3] ?? match[4] ?? match[5] ?? '';
    const target = decodeAttribute(raw).trim();
    if (untracked.has(target) || !isTrackableUrl(target)) return tag;
    const token = signTrackingToken(
      { kind: 'click', tenantId: context.tenantId, campaignId: context.campaignId, customerId: context.customerId, sentAt: context.sentAt, url: target },
      context.key,
    );
    tracked += 1;
    return tag.replace(HREF, `${match[1]}"${escapeAttribute(trackedLinkUrl(context.publicApiUrl, token))}"`);
  });
  return { html: rewritten, tracked };
}

/** The open pixel, inserted before `</body>` (or appended). */
export function withOpenPixel(html: string, context: TrackingContext): string {
  const token = signTrackingToken(
    { kind: 'open', tenantId: context.tenantId, campaignId: context.campaignId, customerId: context.customerId, sentAt: context.sentAt },
    context.key,
  );
  const pixel = `<img src="${escapeAttribute(openPixelUrl(context.publicApiUrl, token))}" width="1" height="1" alt="" style="display:block;width:1px;height:1px;border:0;margin:0;padding:0">`;
  const close = html.search(/<\/body\s*>/i);
  return close === -1 ? `${html}${pixel}` : `${html.slice(0, close)}${pixel}${html.slice(close)}`;
}

/** The rendered email with tracked links and the open pixel (subject and text part unchanged). */
export function withTracking(rendered: RenderedEmail, context: TrackingContext): RenderedEmail {
  return { ...rendered, html: withOpenPixel(trackLinks(rendered.html, context).html, context) };
}
