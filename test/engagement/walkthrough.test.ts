/**
 * Issue 6's "Done when", tried as a new user would with the demo tenant, over the whole local stack (`npm start`:
 * emulators, gateway, queue pollers, scheduler, the SES event simulator) and nothing but HTTP:
 *  - after a campaign the metrics show deliveries;
 *  - clicking a link in the mail viewer counts a click and redirects;
 *  - the next campaign skips a customer who unsubscribed;
 *  - a campaign including the simulator's bounce and complaint addresses suppresses them;
 *  - a purchase recorded after a click shows as attributed revenue;
 *  - the hub shows the figures.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalStack, type LocalStack } from '../../local/runtime/local-stack';
import { silentLog } from '../../local/runtime/runtime-log';
import { waitFor } from '../local/wait-for';

const stateDir = mkdtempSync(join(tmpdir(), 'facet-engagement-walkthrough-'));
const BROWSER = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36';
const LINK = 'https://aurora.example.com/collections/sapphire';

let stack: LocalStack;

beforeAll(async () => {
  stack = await startLocalStack({ stateDir, ports: { api: 0 }, log: silentLog, pollWaitSeconds: 1, persist: false });
}, 180_000);

afterAll(async () => {
  await stack?.stop();
  rmSync(stateDir, { recursive: true, force: true });
});

interface Stored {
  messageId: string;
  destination: { to: string[] };
  body: { html?: string };
  headers?: { name: string; value: string }[];
}

async function api<T = any>(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<{ status: number; body: T }> {
  const response = await fetch(`${stack.info.apiUrl}${path}`, {
    method,
    headers: { authorization: `Bearer ${stack.info.apiKeys.owner}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  return { status: response.status, body: (text ? JSON.parse(text) : undefined) as T };
}

async function newCustomer(firstName: string, email: string): Promise<string> {
  const created = await api('POST', '/v1/customers', { firstName, lastName: 'Walkthrough', email, consent: { email: { marketing: 'granted' } } });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  return created.body.customerId as string;
}

let keyCounter = 0;
async function sendCampaign(name: string, customerIds: string[]): Promise<string> {
  const created = await api('POST', '/v1/campaigns', {
    name,
    content: { subject: `${name}, {{ customer.first_name }}`, html: `<p>Dear {{ customer.first_name }}, <a href="${LINK}">see the sapphires</a>.</p>` },
    recipients: { customerIds },
  });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  const campaignId = created.body.campaignId as string;
  const sent = await api('POST', `/v1/campaigns/${campaignId}/send`, undefined, { 'idempotency-key': `walkthrough-${++keyCounter}` });
  expect(sent.status, JSON.stringify(sent.body)).toBe(202);
  return campaignId;
}

const metrics = async (campaignId: string) => (await api('GET', `/v1/campaigns/${campaignId}/metrics`)).body;

/** Waits until the metrics satisfy `ready` (the pipeline and the SES events run in the background). */
const metricsWhen = (campaignId: string, ready: (m: any) => boolean, what: string) =>
  waitFor(async () => {
    const current = await metrics(campaignId);
    return ready(current) ? current : undefined;
  }, 60_000, what);

async function mailViewer(): Promise<Stored[]> {
  return ((await (await fetch(`${stack.info.mailViewerUrl}store`)).json()) as { emails: Stored[] }).emails;
}

const mailTo = async (address: string, subjectOf?: string) =>
  waitFor(async () => (await mailViewer()).filter((email) => email.destination.to.includes(address)).find((email) => !subjectOf || (email as { subject?: string }).subject?.startsWith(subjectOf)), 30_000, `mail to ${address}`);

describe('engagement loop walkthrough (demo tenant, local stack, HTTP only)', () => {
  const ids: Record<string, string> = {};
  let first: string;

  it('after a campaign, the metrics show deliveries', async () => {
    ids.ann = await newCustomer('Ann', 'ann@walkthrough.example');
    ids.ben = await newCustomer('Ben', 'ben@walkthrough.example');
    first = await sendCampaign('Sapphire week', [ids.ann, ids.ben]);
    const done = await metricsWhen(first, (m) => m.status === 'sent' && m.delivered === 2, 'two deliveries');
    expect(done).toMatchObject({ recipients: { total: 2, sent: 2 }, delivered: 2, rates: { delivery: 1 } });
  }, 90_000);

  it('clicking the link in the mail viewer counts a click and redirects to the link', async () => {
    const email = await mailTo('ann@walkthrough.example', 'Sapphire week');
    const tracked = /href="([^"]+\/t\/c\/[^"]+)"/.exec(email.body.html!)![1]!.replace(/&amp;/g, '&');
    expect(tracked.startsWith(stack.info.apiUrl)).toBe(true);
    // A reader, not a link scanner: not within two seconds of the delivery.
    await new Promise((resolve) => setTimeout(resolve, 2_100));
    const click = await fetch(tracked, { redirect: 'manual', headers: { 'user-agent': BROWSER } });
    expect(click.status).toBe(302);
    expect(click.headers.get('location')).toBe(LINK);
    const after = await metrics(first);
    expect(after.clicked).toEqual({ unique: 1, total: 1 });
    expect(after.rates.click).toBe(0.5);
  }, 60_000);

  it('the next campaign skips a customer who unsubscribed with the link in the email', async () => {
    const email = await mailTo('ben@walkthrough.example', 'Sapphire week');
    const unsubscribe = /<([^>]+)>/.exec(email.headers!.find((h) => h.name === 'List-Unsubscribe')!.value)![1]!;
    const done = await fetch(unsubscribe, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'List-Unsubscribe=One-Click' });
    expect(done.status).toBe(200);
    expect((await metrics(first)).unsubscribed).toBe(1);

    const second = await sendCampaign('Pearls', [ids.ann!, ids.ben!]);
    const result = await metricsWhen(second, (m) => m.status === 'sent' && m.delivered === 1, 'the second campaign');
    expect(result.recipients).toMatchObject({ total: 2, sent: 1, skipped: { total: 1, noConsent: 1 } });
  }, 90_000);

  it('a campaign including the simulator bounce and complaint addresses suppresses them', async () => {
    ids.bea = await newCustomer('Bea', 'bounce+walkthrough@simulator.amazonses.com');
    ids.cal = await newCustomer('Cal', 'complaint+walkthrough@simulator.amazonses.com');
    const third = await sendCampaign('Opals', [ids.bea, ids.cal]);
    const result = await metricsWhen(third, (m) => m.status === 'sent' && m.bounced === 1 && m.complained === 1, 'a bounce and a complaint');
    expect(result).toMatchObject({ delivered: 1, bounced: 1, complained: 1, rates: { bounce: 0.5, complaint: 0.5 } });

    const list = await api('GET', '/v1/suppressions?channel=email&limit=100');
    const reasons = Object.fromEntries((list.body.items as { address: string; reason: string }[]).map((entry) => [entry.address, entry.reason]));
    expect(reasons).toMatchObject({ 'bounce+walkthrough@simulator.amazonses.com': 'hard_bounce', 'complaint+walkthrough@simulator.amazonses.com': 'complaint' });
    const cal = await api('GET', `/v1/customers/${ids.cal}`);
    expect(cal.body.consent.email.marketing).toMatchObject({ status: 'withdrawn', source: 'complaint' });
  }, 90_000);

  it('a purchase recorded after the click shows as attributed revenue on the campaign, and the hub shows the figures', async () => {
    const purchase = await api('POST', `/v1/customers/${ids.ann}/purchases`, {
      purchasedAt: new Date().toISOString(),
      lines: [{ department: 'Rings', metal: 'White gold', description: 'Sapphire halo ring', amount: 389_000 }],
    });
    expect(purchase.status, JSON.stringify(purchase.body)).toBe(201);
    const attributed = await metricsWhen(first, (m) => m.attribution.orders === 1, 'the attribution');
    expect(attributed.attribution).toEqual({ orders: 1, revenue: 389_000, conversionRate: 0.5 });

    const hub = await api('GET', '/v1/hub');
    expect(hub.status).toBe(200);
    expect(hub.body.attribution).toMatchObject({ orders: 1, revenue: 389_000 });
    const recent = hub.body.recentCampaigns as { campaignId: string; delivered: number; attributedRevenue: number; rates: { click: number } }[];
    expect(recent.find((c) => c.campaignId === first)).toMatchObject({ delivered: 2, attributedRevenue: 389_000, rates: { click: 0.5 } });
    expect(recent.slice(0, 3).map((c) => c.campaignId)).toContain(first);
    expect(hub.body.segments.system).toBeGreaterThan(0);
    expect(hub.body.reputation).toEqual({ status: 'ok' });
  }, 90_000);
});
