import { describe, expect, it } from 'vitest';
import { clientIpOf, machineReason } from '../../shared/domain/engagement/machine-interaction';
import { decodeAttribute, trackLinks, withTracking } from '../../shared/domain/engagement/message-tracking';
import { isTokenCurrent, signTrackingToken, verifyTrackingToken, type TrackingClaims } from '../../shared/domain/engagement/tracking-token';
import { signUnsubscribeToken } from '../../shared/domain/unsubscribe/unsubscribe-token';

const key = Buffer.from('tracking-test-key-0123456789abcdefghijklmnop');
const otherKey = Buffer.from('another-key-0123456789abcdefghijklmnopqrstuv');
const sentAt = new Date('2025-06-30T08:00:00Z');
const click: TrackingClaims = { kind: 'click', tenantId: 'T1', campaignId: 'C1', customerId: 'K1', sentAt, url: 'https://aurora.example.com/rings?a=1&b=2' };

const swapPayload = (token: string, payload: string) => `${Buffer.from(payload).toString('base64url')}.${token.split('.')[1]}`;

describe('tracking tokens', () => {
  it('round-trip their claims', () => {
    expect(verifyTrackingToken(signTrackingToken(click, key), 'click', key)).toEqual(click);
    const open = { kind: 'open', tenantId: 'T1', campaignId: 'C1', customerId: 'K1', sentAt } as const;
    expect(verifyTrackingToken(signTrackingToken(open, key), 'open', key)).toEqual(open);
  });

  it('refuse forgeries: another key, an altered target (open redirect), another customer, a truncated mac, junk', () => {
    const token = signTrackingToken(click, key);
    expect(verifyTrackingToken(signTrackingToken(click, otherKey), 'click', key)).toBeUndefined();
    expect(verifyTrackingToken(swapPayload(token, `t1|c|T1|C1|K1|${sentAt.getTime() / 1000}|https://evil.example.net/`), 'click', key)).toBeUndefined();
    expect(verifyTrackingToken(swapPayload(token, `t1|c|T1|C1|K2|${sentAt.getTime() / 1000}|${click.url}`), 'click', key)).toBeUndefined();
    expect(verifyTrackingToken(token.slice(0, -2), 'click', key)).toBeUndefined();
    for (const junk of ['', '.', 'a.b', `${token}.x`, 'x'.repeat(5000)]) expect(verifyTrackingToken(junk, 'click', key)).toBeUndefined();
  });

  it('are not interchangeable: an open token is no link, an unsubscribe token is neither', () => {
    const open = signTrackingToken({ kind: 'open', tenantId: 'T1', campaignId: 'C1', customerId: 'K1', sentAt }, key);
    expect(verifyTrackingToken(open, 'click', key)).toBeUndefined();
    expect(verifyTrackingToken(signTrackingToken(click, key), 'open', key)).toBeUndefined();
    const unsubscribe = signUnsubscribeToken({ tenantId: 'T1', customerId: 'K1', channel: 'email', campaignId: 'C1' }, key);
    expect(verifyTrackingToken(unsubscribe, 'open', key)).toBeUndefined();
    expect(verifyTrackingToken(unsubscribe, 'click', key)).toBeUndefined();
  });

  it('never sign or follow anything but http(s)', () => {
    expect(() => signTrackingToken({ ...click, url: 'javascript:alert(1)' }, key)).toThrow(RangeError);
    expect(() => signTrackingToken({ ...click, url: 'mailto:a@example.com' }, key)).toThrow(RangeError);
  });

  it('count for the attribution window plus 30 days after the send', () => {
    const day = 24 * 3600_000;
    expect(isTokenCurrent({ sentAt }, 7, new Date(sentAt.getTime() + 37 * day))).toBe(true);
    expect(isTokenCurrent({ sentAt }, 7, new Date(sentAt.getTime() + 37 * day + 1000))).toBe(false);
    expect(isTokenCurrent({ sentAt }, 30, new Date(sentAt.getTime() + 50 * day))).toBe(true);
  });
});

describe('link tracking', () => {
  const context = { tenantId: 'T1', campaignId: 'C1', customerId: 'K1', sentAt, publicApiUrl: 'https://api.facet.example/', key, untracked: ['https://api.facet.example/u/tok'] };
  const targets = (html: string) =>
    [...html.matchAll(/href="https:\/\/api\.facet\.example\/t\/c\/([^"]+)"/gi)].map((m) => verifyTrackingToken(m[1]!, 'click', key)?.url);

  it('rewrites http(s) links through signed redirects, reading character references in the href', () => {
    const html = `<a href="https://aurora.example.com/rings?a=1&amp;b=2">Rings</a> <A class="x" HREF='http://aurora.example.com/'>Home</A> <a href=https://aurora.example.com/bare>Bare</a>`;
    const { html: out, tracked } = trackLinks(html, context);
    expect(tracked).toBe(3);
    expect(out).toContain('>Rings</a>');
    expect(out).toContain('class="x"');
    expect(targets(out)).toEqual(['https://aurora.example.com/rings?a=1&b=2', 'http://aurora.example.com/', 'https://aurora.example.com/bare']);
  });

  it('leaves the unsubscribe link, mailto, tel, anchors, javascript and opted-out links alone', () => {
    const html =
      '<a href="https://api.facet.example/u/tok">Unsubscribe</a><a href="mailto:shop@aurora.example.com">Mail</a>' +
      '<a href="tel:+61200000000">Call</a><a href="#top">Top</a><a href="javascript:alert(1)">x</a>' +
      '<a data-facet-track="off" href="https://aurora.example.com/private">Private</a><a name="n">no href</a>';
    expect(trackLinks(html, context)).toEqual({ html, tracked: 0 });
  });

  it('adds one open pixel before </body> and changes nothing else of the message', () => {
    const rendered = { channel: 'email', subject: 'S', preheader: '', html: '<html><body><p>Hi</p></body></html>', text: 'Hi https://aurora.example.com/' } as const;
    const out = withTracking(rendered, context);
    expect(out.text).toBe(rendered.text);
    expect(out.subject).toBe('S');
    const pixel = /<img src="https:\/\/api\.facet\.example\/t\/o\/([^"]+)"[^>]*><\/body>/.exec(out.html);
    expect(verifyTrackingToken(pixel![1]!, 'open', key)).toMatchObject({ tenantId: 'T1', campaignId: 'C1', customerId: 'K1' });
  });

  it('decodes numeric and named references', () => {
    expect(decodeAttribute('a&amp;b&#38;c&#x26;d&quot;&unknown;')).toBe('a&b&c&d"&unknown;');
  });
});

describe('machine opens and clicks', () => {
  const human = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36';
  const deliveredAt = new Date('2025-06-30T08:00:00Z');
  const later = new Date('2025-06-30T09:00:00Z');

  it('flags Apple Mail Privacy Protection, scanners, missing agents and prefetches right after delivery', () => {
    expect(machineReason({ userAgent: 'Mozilla/5.0', sourceIp: '17.58.100.3', at: later, deliveredAt })).toBe('apple_privacy_proxy');
    expect(machineReason({ userAgent: 'Mozilla/5.0', sourceIp: '::ffff:17.1.2.3', at: later, deliveredAt })).toBe('apple_privacy_proxy');
    expect(machineReason({ userAgent: 'Barracuda Sentinel (EE)', sourceIp: '203.0.113.9', at: later, deliveredAt })).toBe('scanner_user_agent');
    expect(machineReason({ userAgent: 'python-requests/2.31', sourceIp: '203.0.113.9', at: later, deliveredAt })).toBe('scanner_user_agent');
    expect(machineReason({ userAgent: undefined, sourceIp: '203.0.113.9', at: later, deliveredAt })).toBe('no_user_agent');
    expect(machineReason({ userAgent: human, sourceIp: '203.0.113.9', at: new Date(deliveredAt.getTime() + 900), deliveredAt })).toBe('too_soon_after_delivery');
  });

  it('counts readers, Gmail and Yahoo image proxies as people', () => {
    expect(machineReason({ userAgent: human, sourceIp: '203.0.113.9', at: later, deliveredAt })).toBeUndefined();
    expect(machineReason({ userAgent: 'Mozilla/5.0 (Windows NT 5.1; rv:11.0) Gecko Firefox/11.0 (via ggpht.com GoogleImageProxy)', sourceIp: '66.249.1.1', at: later, deliveredAt })).toBeUndefined();
    expect(machineReason({ userAgent: 'YahooMailProxy; https://help.yahoo.com/kb/yahoo-mail-proxy-SLN28749.html', sourceIp: '98.136.1.1', at: later, deliveredAt })).toBeUndefined();
    expect(machineReason({ userAgent: human, sourceIp: '170.1.2.3', at: later, deliveredAt: undefined })).toBeUndefined();
  });

  it('takes the client address from the last X-Forwarded-For hop (earlier hops are whatever the client sent)', () => {
    expect(clientIpOf('17.0.0.1, 203.0.113.9')).toBe('203.0.113.9');
    expect(clientIpOf(undefined)).toBeUndefined();
  });
});
