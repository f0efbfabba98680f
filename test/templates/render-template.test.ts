import { describe, expect, it } from 'vitest';
import { emptyAggregates } from '../../shared/domain/customers/aggregates';
import { mergeScope, type MergeCustomer } from '../../shared/domain/templates/merge-data';
import {
  compileTemplate,
  singleLine,
  TemplateRenderError,
  TemplateSourceError,
  withPreheader,
  type RenderedEmail,
  type RenderedSms,
} from '../../shared/domain/templates/render-template';
import { PREVIEW_SEND_FIELDS, SAMPLE_CUSTOMER } from '../../shared/domain/templates/sample-data';
import type { TemplateContent } from '../../shared/domain/templates/template-content';
import { tenantFormat, type TenantFormat } from '../../shared/domain/templates/tenant-format';

const SYDNEY = tenantFormat({ timeZone: 'Australia/Sydney', country: 'AU', currency: 'AUD' });
const NEW_YORK = tenantFormat({ timeZone: 'America/New_York', country: 'US', currency: 'USD' });
const STORE = { name: 'Aurora Fine Jewellery', postalAddress: '12 George St, Sydney', storePhone: '+61 2 9000 0000' };
const NOW = new Date('2026-03-01T00:00:00Z');

function render(content: TemplateContent, customer: Partial<MergeCustomer> = {}, format: TenantFormat = SYDNEY, now = NOW) {
  return compileTemplate(content, format).render(
    mergeScope({ customer: { ...SAMPLE_CUSTOMER, ...customer }, store: STORE, send: PREVIEW_SEND_FIELDS }, { format, now }),
  );
}

const email = (fields: Partial<Omit<Extract<TemplateContent, { channel: 'email' }>, 'channel'>>): TemplateContent => ({
  channel: 'email',
  subject: '',
  html: '',
  ...fields,
});
const renderEmail = (...args: Parameters<typeof render>) => render(...args) as RenderedEmail;

describe('escaping by context', () => {
  const content = email({
    subject: 'For {{ customer.full_name }}',
    preheader: '{{ customer.first_name }}, a gift',
    html: '<p>Dear {{ customer.first_name }} {{ customer.last_name }}</p>',
    text: 'Dear {{ customer.first_name }} {{ customer.last_name }}',
  });
  const injected = { firstName: '<script>alert("x")</script>', lastName: "O'Brien & Sons" };

  it('HTML-escapes values in the HTML body', () => {
    const { html } = renderEmail(content, injected);
    expect(html).toContain('<p>Dear &lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; O&#39;Brien &amp; Sons</p>');
    expect(html).not.toContain('<script>');
  });

  it('leaves the subject, preheader and text body unescaped', () => {
    const rendered = renderEmail(content, injected);
    expect(rendered.subject).toBe(`For <script>alert("x")</script> O'Brien & Sons`);
    expect(rendered.preheader).toBe('<script>alert("x")</script>, a gift');
    expect(rendered.text).toBe(`Dear <script>alert("x")</script> O'Brien & Sons`);
  });

  it('keeps "O\'Brien" as O\'Brien outside HTML', () => {
    const rendered = renderEmail(email({ subject: 'Hi {{ customer.last_name }}', html: '{{ customer.last_name }}' }));
    expect(rendered.subject).toBe("Hi O'Brien");
    expect(rendered.html).toBe('O&#39;Brien');
    expect(rendered.text).toBe("O'Brien");
  });

  it('strips CR and LF from the subject so a value cannot add a header', () => {
    const rendered = renderEmail(email({ subject: 'Hello {{ customer.first_name }}', html: 'x' }), {
      firstName: 'Eve\r\nBcc: everyone@example.com\r\n\r\nbody',
    });
    expect(rendered.subject).toBe('Hello Eve Bcc: everyone@example.com body');
    expect(rendered.subject).not.toMatch(/[\r\n]/);
  });

  it('SMS text is never escaped', () => {
    const sms = render({ channel: 'sms', text: 'Hi {{ customer.last_name }} <3' }, { lastName: "O'Brien & Co" }) as RenderedSms;
    expect(sms.text).toBe("Hi O'Brien & Co <3");
  });

  it('a template cannot switch escaping off with | raw', () => {
    expect(() => compileTemplate(email({ html: '{{ customer.first_name | raw }}' }), SYDNEY)).toThrow(TemplateSourceError);
  });

  it('escapes captured values once, not twice', () => {
    const rendered = renderEmail(
      email({ html: '{% capture who %}{{ customer.last_name }}{% endcapture %}{{ who }}|{{ customer.last_name | escape }}' }),
      { lastName: "O'Brien & <Sons>" },
    );
    expect(rendered.html).toBe('O&#39;Brien &amp; &lt;Sons&gt;|O&#39;Brien &amp; &lt;Sons&gt;');
  });

  it('escapes values printed with echo and inside tags', () => {
    const rendered = renderEmail(email({ html: '{% echo customer.first_name %}|{% if true %}{{ customer.first_name }}{% endif %}' }), {
      firstName: '<b>',
    });
    expect(rendered.html).toBe('&lt;b&gt;|&lt;b&gt;');
  });
});

describe('text body and preheader', () => {
  it('derives the text body from the rendered HTML when the template has none', () => {
    const rendered = renderEmail(
      email({ html: '<p>Dear {{ customer.last_name }},</p><p><a href="{{ unsubscribe_url }}">Unsubscribe</a></p>' }),
    );
    expect(rendered.text).toBe("Dear O'Brien,\n\nUnsubscribe (https://unsubscribe.example/preview)");
  });

  it('puts the preheader, escaped, as the first hidden block of the body', () => {
    const rendered = renderEmail(
      email({ preheader: 'Hi {{ customer.first_name }}', html: '<html><body class="x"><p>Body</p></body></html>' }),
      { firstName: '<i>Jo</i>' },
    );
    expect(rendered.preheader).toBe('Hi <i>Jo</i>');
    expect(rendered.html).toMatch(/^<html><body class="x"><div style="display:none[^"]*" aria-hidden="true">Hi &lt;i&gt;Jo&lt;\/i&gt;/);
    expect(rendered.text).toBe('Body');
  });

  it('withPreheader prepends when there is no <body> and leaves html alone for an empty preheader', () => {
    expect(withPreheader('<p>x</p>', '')).toBe('<p>x</p>');
    expect(withPreheader('<p>x</p>', 'pre')).toMatch(/^<div [^>]*>pre/);
  });

  it('singleLine turns every control character into one space', () => {
    expect(singleLine(' a\r\n\tb\u0000c\u2028d ')).toBe('a b c d');
  });
});

describe('variables and defaults', () => {
  it('renders customer, store and per-send fields', () => {
    const rendered = renderEmail(
      email({
        html: '{{ customer.first_name }}|{{ customer.city }}|{{ customer.loyalty_tier }}|{{ customer.purchase_count }}|{{ store.name }}|{{ store.phone }}|{{ unsubscribe_url }}',
      }),
    );
    expect(rendered.html).toBe('Charlotte|Sydney|Gold|7|Aurora Fine Jewellery|+61 2 9000 0000|https://unsubscribe.example/preview');
  });

  it('absent values print as nothing, and | default supplies a fallback (also for empty names)', () => {
    const rendered = renderEmail(
      email({ html: '[{{ customer.loyalty_tier }}]{{ customer.first_name | default: "friend" }}|{{ customer.birthday | default: "soon" }}' }),
      { firstName: '', loyalty: { member: false }, birthday: undefined },
    );
    expect(rendered.html).toBe('[]friend|soon');
  });

  it('lists support contains and loops', () => {
    const rendered = renderEmail(email({ html: '{% if customer.tags contains "vip" %}VIP{% endif %}{% for tag in customer.tags %}-{{ tag }}{% endfor %}' }));
    expect(rendered.html).toBe('VIP-vip-bridal');
  });

  it('anniversary_years is empty outside automations', () => {
    expect(renderEmail(email({ html: '[{{ anniversary_years }}]' })).html).toBe('[]');
  });
});

describe('date filter', () => {
  it('formats a birthday (month-day) as its next occurrence, in the tenant locale', () => {
    // Next 14 March after 1 March 2026 is a Saturday.
    const rendered = renderEmail(email({ html: '{{ customer.birthday | date: "%d %B" }}|{{ customer.birthday | date: "%A %-d %B %Y" }}|{{ customer.birthday }}' }));
    expect(rendered.html).toBe('14 March|Saturday 14 March 2026|14 March');
  });

  it('a birthday already passed this year falls next year; 29 February falls on 28 February in other years', () => {
    const after = new Date('2026-03-20T00:00:00Z');
    expect(renderEmail(email({ html: '{{ customer.birthday | date: "%Y-%m-%d" }}' }), {}, SYDNEY, after).html).toBe('2027-03-14');
    expect(renderEmail(email({ html: '{{ customer.birthday | date: "%Y-%m-%d" }}' }), { birthday: { month: 2, day: 29 } }).html).toBe('2027-02-28');
    expect(
      renderEmail(email({ html: '{{ customer.birthday | date: "%Y-%m-%d" }}' }), { birthday: { month: 2, day: 29 } }, SYDNEY, new Date('2027-12-01T00:00:00Z')).html,
    ).toBe('2028-02-29');
  });

  it('calendar days print the same day in every time zone (no UTC-midnight shift)', () => {
    const content = email({ html: '{{ customer.wedding_date | date: "%d %B %Y" }}|{{ "2015-10-02" | date: "%d %b" }}' });
    expect(renderEmail(content, {}, NEW_YORK).html).toBe('02 October 2015|02 Oct');
    expect(renderEmail(content, {}, SYDNEY).html).toBe('02 October 2015|02 Oct');
  });

  it('prints a calendar day on its own in the tenant locale', () => {
    expect(renderEmail(email({ html: '{{ customer.wedding_date }}' }), {}, SYDNEY).html).toBe('2 October 2015');
    expect(renderEmail(email({ html: '{{ customer.wedding_date }}' }), {}, NEW_YORK).html).toBe('October 2, 2015');
  });

  it('the last purchase date is the day of the purchase in the tenant time zone', () => {
    // 2024-11-20T03:15Z is the 20th in Sydney (14:15) but the 19th in New York (22:15).
    const content = email({ html: '{{ customer.last_purchase_date | date: "%Y-%m-%d" }}' });
    expect(renderEmail(content, {}, SYDNEY).html).toBe('2024-11-20');
    expect(renderEmail(content, {}, NEW_YORK).html).toBe('2024-11-19');
  });

  it('instants are formatted in the tenant time zone', () => {
    const content = email({ html: '{{ "2026-01-01T02:30:00Z" | date: "%Y-%m-%d %H:%M" }}' });
    expect(renderEmail(content, {}, SYDNEY).html).toBe('2026-01-01 13:30');
    expect(renderEmail(content, {}, NEW_YORK).html).toBe('2025-12-31 21:30');
  });

  it('without a format, prints the day in the tenant locale, never a made-up time or a UTC offset', () => {
    // Liquid's default format is "%A, %B %-e, %Y at %-l:%M %P %z": a calendar day came out as "... at 12:00 pm +0000".
    const content = email({ html: '{{ customer.wedding_date | date }}|{{ customer.last_purchase_date | date }}|{{ customer.birthday | date }}' });
    expect(renderEmail(content, {}, SYDNEY).html).toBe('2 October 2015|20 November 2024|14 March 2026');
    expect(renderEmail(content, {}, NEW_YORK).html).toBe('October 2, 2015|November 19, 2024|March 14, 2026');
    const instant = email({ html: '{{ "2026-01-01T02:30:00Z" | date }}|{{ "2026-01-01T02:30:00Z" | date: "" }}' });
    expect(renderEmail(instant, {}, SYDNEY).html).toBe('1 January 2026|1 January 2026');
    expect(renderEmail(instant, {}, NEW_YORK).html).toBe('December 31, 2025|December 31, 2025');
  });

  it('month names follow the tenant country', () => {
    const paris = tenantFormat({ timeZone: 'Europe/Paris', country: 'FR', currency: 'EUR' });
    expect(renderEmail(email({ html: '{{ customer.birthday | date: "%d %B" }}' }), {}, paris).html).toBe('14 mars');
  });
});

describe('money filter', () => {
  const content = email({ html: '{{ customer.total_spent | money }}' });

  it('prints minor units in the tenant currency and locale', () => {
    expect(renderEmail(content, { agg: { ...emptyAggregates(), totalSpent: 123_450 } }).html).toBe('$1,234.50');
    expect(renderEmail(content, { agg: { ...emptyAggregates(), totalSpent: 123_450 } }, NEW_YORK).html).toBe('$1,234.50');
    const euro = tenantFormat({ timeZone: 'Europe/Paris', country: 'FR', currency: 'EUR' });
    expect(renderEmail(content, { agg: { ...emptyAggregates(), totalSpent: 123_450 } }, euro).html).toMatch(/^1\s234,50\s€$/);
  });

  it('uses the currency minor units (JPY has none) and works with numeric literals', () => {
    const tokyo = tenantFormat({ timeZone: 'Asia/Tokyo', country: 'JP', currency: 'JPY' });
    expect(renderEmail(content, { agg: { ...emptyAggregates(), totalSpent: 5000 } }, tokyo).html).toBe('￥5,000');
    expect(renderEmail(email({ html: '{{ 99 | money }}|{{ "250000" | money }}' })).html).toBe('$0.99|$2,500.00');
  });

  it('leaves non-numbers alone rather than failing the send', () => {
    expect(renderEmail(email({ html: '{{ customer.first_name | money }}' })).html).toBe('Charlotte');
  });
});

describe('render limits', () => {
  it('stops a nested loop bomb with a render error at the loop, fast', () => {
    const compiled = compileTemplate(
      email({ html: '<p>Hi</p>\n{% for a in (1..1000000) %}{% for b in (1..1000000) %}{{ a }}{% endfor %}{% endfor %}' }),
      SYDNEY,
    );
    const started = Date.now();
    let error: unknown;
    try {
      compiled.render(mergeScope({ customer: SAMPLE_CUSTOMER, store: STORE }, { format: SYDNEY, now: NOW }));
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(TemplateRenderError);
    expect((error as TemplateRenderError).reason).toBe('limit');
    expect((error as TemplateRenderError).issue).toMatchObject({ field: 'html', line: 2 });
    expect(Date.now() - started).toBeLessThan(3_000);
  });

  it('stops a string-doubling bomb through the memory limit', () => {
    const compiled = compileTemplate(
      email({ html: '{% assign s = "xxxxxxxx" %}{% for i in (1..40) %}{% assign s = s | append: s %}{% endfor %}{{ s | size }}' }),
      SYDNEY,
    );
    expect(() => compiled.render(mergeScope({ customer: SAMPLE_CUSTOMER, store: STORE }, { format: SYDNEY, now: NOW }))).toThrow(
      /too much output/,
    );
  });

  it('a bounded loop renders normally', () => {
    expect(renderEmail(email({ html: '{% for i in (1..5) %}{{ i }}{% endfor %}' })).html).toBe('12345');
  });
});

describe('SMS rendering', () => {
  it('reports the part count of the rendered message, not of the source', () => {
    const sms = render({ channel: 'sms', text: '{{ customer.first_name }}: {{ store.name }} has a gift for you 💍' }) as RenderedSms;
    expect(sms.text).toBe('Charlotte: Aurora Fine Jewellery has a gift for you 💍');
    expect(sms.sms).toMatchObject({ encoding: 'UCS-2', parts: 1, units: sms.text.length });
  });
});
