import { describe, expect, it } from 'vitest';
import { composeEmail, mailbox, unsubscribeHeaders } from '../../shared/domain/sending/compose-email';

const url = 'https://api.example.com/u/tok.en';
const base = {
  rendered: { channel: 'email' as const, subject: 'Valentine picks', preheader: '', html: '<html><body><p>Hi Ann</p></body></html>', text: 'Hi Ann' },
  to: 'ann@example.com',
  store: { name: 'Aurora Fine Jewellery', postalAddress: '1 George St, Sydney NSW 2000' },
  sender: { fromAddress: 'no-reply@mail.facet.example', displayName: 'Aurora Fine Jewellery', replyTo: ['hello@aurora.example'] },
  unsubscribeUrl: url,
  tags: { tenantId: 'T1', campaignId: 'C1', customerId: 'U1' },
  tenantName: 'facet-dev-T1',
  configurationSetName: 'facet-dev',
};

describe('composeEmail', () => {
  it('sends from the platform address in the store name, with the store as Reply-To', () => {
    const email = composeEmail(base);
    expect(email.from).toBe('"Aurora Fine Jewellery" <no-reply@mail.facet.example>');
    expect(email.replyTo).toEqual(['hello@aurora.example']);
    expect(email.to).toBe('ann@example.com');
  });

  it('carries both RFC 8058 headers', () => {
    expect(composeEmail(base).headers).toEqual([
      { name: 'List-Unsubscribe', value: `<${url}>` },
      { name: 'List-Unsubscribe-Post', value: 'List-Unsubscribe=One-Click' },
    ]);
    expect(unsubscribeHeaders(url)[0]!.value).toBe(`<${url}>`);
  });

  it('adds a visible footer with the postal address and an unsubscribe link, inside the body', () => {
    const email = composeEmail(base);
    expect(email.html).toMatch(/1 George St, Sydney NSW 2000.*<a href="https:\/\/api\.example\.com\/u\/tok\.en">Unsubscribe<\/a>.*<\/body><\/html>$/s);
    expect(email.text).toContain(`Unsubscribe: ${url}`);
    expect(email.text).toContain('Aurora Fine Jewellery · 1 George St');
  });

  it('does not repeat the link the template already printed, but keeps the address', () => {
    const email = composeEmail({ ...base, rendered: { ...base.rendered, html: `<p><a href="${url}">Stop these</a></p>`, text: `Stop: ${url}` } });
    expect(email.html.match(/\/u\/tok\.en/g)).toHaveLength(1);
    expect(email.html).toContain('1 George St');
    expect(email.text.match(/\/u\/tok\.en/g)).toHaveLength(1);
  });

  it('escapes the store details in the HTML footer', () => {
    const store = { name: 'Bell & <Co>', postalAddress: undefined };
    const email = composeEmail({ ...base, store, sender: { fromAddress: 'no-reply@mail.facet.example', displayName: store.name, replyTo: [] } });
    expect(email.html).toContain('Bell &amp; &lt;Co&gt;');
    expect(email.from).toBe('"Bell & <Co>" <no-reply@mail.facet.example>');
    expect(email.replyTo).toEqual([]);
  });

  it('tags the message with tenant, campaign and customer, and names the SES tenant and configuration set', () => {
    const email = composeEmail(base);
    expect(email.tags).toEqual([
      { name: 'tenant', value: 'T1' },
      { name: 'campaign', value: 'C1' },
      { name: 'customer', value: 'U1' },
    ]);
    expect(email.tenantName).toBe('facet-dev-T1');
    expect(email.configurationSetName).toBe('facet-dev');
  });
});

describe('mailbox', () => {
  it('quotes ASCII names, encodes others, and keeps header injection out', () => {
    expect(mailbox('Bell "Fine" Jewels', 'a@b.example')).toBe('"Bell \\"Fine\\" Jewels" <a@b.example>');
    expect(mailbox("Ó'Brien & Daughters", 'a@b.example')).toBe(`=?UTF-8?B?${Buffer.from("Ó'Brien & Daughters").toString('base64')}?= <a@b.example>`);
    expect(mailbox('Evil\r\nBcc: x@y.example', 'a@b.example')).toBe('"Evil Bcc: x@y.example" <a@b.example>');
  });
});
