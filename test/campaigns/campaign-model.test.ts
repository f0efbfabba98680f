import { describe, expect, it } from 'vitest';
import { copyCampaign, copyName, newCampaign, patchCampaign, withState, type Campaign } from '../../shared/domain/campaigns/campaign';
import { campaignScheduleName } from '../../shared/domain/campaigns/campaign-schedule';
import { campaignCreateSchema, campaignPatchSchema, campaignRecipientsSchema } from '../../shared/domain/campaigns/campaign-schema';
import { campaignView } from '../../shared/domain/campaigns/campaign-view';
import { campaignListFilter } from '../../shared/domain/campaigns/list-filter';
import { instantOf, normaliseLocalDateTime } from '../../shared/domain/campaigns/schedule-time';
import { newId } from '../../shared/ids';

const NOW = new Date('2025-06-01T00:00:00.000Z');
const emailContent = { subject: 'Hello {{ customer.first_name }}', html: '<p>New rings</p>' };

function draft(overrides: Partial<Campaign> = {}): Campaign {
  const input = campaignCreateSchema.parse({ name: 'June rings', content: emailContent, recipients: { all: true } });
  return { ...newCampaign(input, { tenantId: 't1', campaignId: 'c1', createdBy: 'staff-1' }, NOW), ...overrides };
}

const issuesOf = (result: { success: boolean; error?: { issues: { path: PropertyKey[]; message: string }[] } }) =>
  result.error?.issues.map((issue) => ({ path: issue.path.join('.'), message: issue.message })) ?? [];

describe('campaign create schema', () => {
  it('defaults the channel to email and accepts a template or inline content', () => {
    expect(campaignCreateSchema.parse({ name: 'A', content: { templateId: 'tpl1' }, recipients: { all: true } })).toMatchObject({
      channel: 'email',
      content: { templateId: 'tpl1' },
    });
    expect(campaignCreateSchema.parse({ name: 'A', channel: 'sms', content: { text: 'Hi' }, recipients: { segmentId: 'sys_vip' } }).content).toEqual({ text: 'Hi' });
  });

  it('refuses content of the other channel, at body.content', () => {
    expect(issuesOf(campaignCreateSchema.safeParse({ name: 'A', content: { text: 'Hi' }, recipients: { all: true } }))).toEqual([
      { path: 'content', message: 'An email needs a subject and an HTML body' },
    ]);
    expect(issuesOf(campaignCreateSchema.safeParse({ name: 'A', channel: 'sms', content: emailContent, recipients: { all: true } }))).toEqual([
      { path: 'content', message: 'An SMS has a text body only: {"text": ...}' },
    ]);
  });

  it('names the field of a nearly right inline email', () => {
    expect(issuesOf(campaignCreateSchema.safeParse({ name: 'A', content: { subject: ' ', html: '<p/>' }, recipients: { all: true } }))).toEqual([
      { path: 'content.subject', message: 'Enter a subject' },
    ]);
  });

  it('takes each recipients shape and normalises tags and manual ids', () => {
    expect(campaignRecipientsSchema.parse({ tags: { any: [' VIP ', 'vip', 'Gold'] } })).toEqual({ tags: { any: ['vip', 'gold'] } });
    expect(campaignRecipientsSchema.parse({ customerIds: ['a', 'b', 'a'] })).toEqual({ customerIds: ['a', 'b'] });
    expect(campaignRecipientsSchema.parse({ rule: { type: 'lapsed' } })).toEqual({ rule: { type: 'lapsed', months: 6 } });
  });

  it('reports an inline rule error with the path inside the rule', () => {
    const issues = issuesOf(campaignRecipientsSchema.safeParse({ rule: { and: [{ type: 'nope' }] } }));
    expect(issues).toContainEqual({ path: 'rule.and.0.type', message: 'Choose a valid segment type' });
  });

  it('refuses an empty or unknown audience with one message saying what to send', () => {
    for (const recipients of [{}, { everyone: true }, { all: false }, { customerIds: [] }, { tags: { any: [] } }]) {
      expect(campaignRecipientsSchema.safeParse(recipients).success, JSON.stringify(recipients)).toBe(false);
    }
    const [issue] = issuesOf(campaignRecipientsSchema.safeParse({ everyone: true }));
    expect(issue?.message).toContain('Choose the recipients');
  });

  it('normalises the planned time to seconds and refuses impossible dates', () => {
    const parsed = campaignCreateSchema.parse({ name: 'A', content: emailContent, recipients: { all: true }, schedule: { at: '2025-02-14T10:00' } });
    expect(parsed.schedule).toEqual({ at: '2025-02-14T10:00:00' });
    for (const at of ['2025-02-30T10:00', '2025-02-14 10:00', '2025-02-14T10:00:00Z', '2025-02-14T24:00']) {
      expect(campaignPatchSchema.safeParse({ schedule: { at } }).success, at).toBe(false);
    }
    expect(campaignPatchSchema.safeParse({ schedule: { at: '2025-02-14T10:00', timeZone: 'Mars/Olympus' } }).success).toBe(false);
  });
});

describe('schedule time', () => {
  it('reads a wall time in its zone, daylight saving included', () => {
    expect(instantOf('2025-02-14T10:00:00', 'Australia/Sydney').toISOString()).toBe('2025-02-13T23:00:00.000Z');
    expect(instantOf('2025-06-14T10:00:00', 'Australia/Sydney').toISOString()).toBe('2025-06-14T00:00:00.000Z');
    // 02:30 does not exist on 5 Oct 2025 in Sydney (02:00 -> 03:00): read with the offset before the jump, as Scheduler fires it.
    expect(instantOf('2025-10-05T02:30:00', 'Australia/Sydney').toISOString()).toBe('2025-10-04T16:30:00.000Z');
    expect(normaliseLocalDateTime('2024-02-29T09:05')).toBe('2024-02-29T09:05:00');
    expect(normaliseLocalDateTime('2025-02-29T09:05')).toBeUndefined();
  });

  it('names schedules within the 64 characters Scheduler allows', () => {
    const name = campaignScheduleName(newId(), 123_456);
    expect(name).toMatch(/^cmp-[0-9A-Z]{26}-v123456$/);
    expect(name.length).toBeLessThanOrEqual(64);
  });

  it('turns created-date filters into the instants the tenant days start', () => {
    expect(campaignListFilter({ createdFrom: '2025-06-01', createdTo: '2025-06-30' }, 'Australia/Sydney')).toEqual({
      status: undefined,
      nameContains: undefined,
      createdFrom: '2025-05-31T14:00:00.000Z',
      createdBefore: '2025-06-30T14:00:00.000Z',
    });
  });
});

describe('campaign edits', () => {
  it('replaces the fields sent, clears with null, and reports what changed', () => {
    const campaign = draft({ description: 'old', schedule: { at: '2025-07-01T10:00:00' } });
    const outcome = patchCampaign(campaign, campaignPatchSchema.parse({ name: 'July rings', description: null, schedule: null }), new Date('2025-06-02T00:00:00Z'));
    expect(outcome).toMatchObject({ ok: true, changed: ['name', 'description', 'schedule'] });
    if (!outcome.ok) return;
    expect(outcome.campaign.name).toBe('July rings');
    expect(outcome.campaign).not.toHaveProperty('description');
    expect(outcome.campaign).not.toHaveProperty('schedule');
    expect(outcome.campaign.updatedAt).toBe('2025-06-02T00:00:00.000Z');
  });

  it('changes nothing when the values sent are the current ones', () => {
    const campaign = draft();
    expect(patchCampaign(campaign, { name: campaign.name, description: null, recipients: { all: true } }, new Date())).toEqual({ ok: true, campaign, changed: [] });
  });

  it('only edits drafts and scheduled campaigns, and moves a scheduled one only by rescheduling', () => {
    expect(patchCampaign(draft({ status: 'sending' }), { name: 'x' }, NOW)).toEqual({ ok: false, kind: 'not_editable', currentStatus: 'sending' });
    const scheduled = draft({ status: 'scheduled', scheduleVersion: 1, schedule: { at: '2025-07-01T10:00:00', timeZone: 'UTC' } });
    expect(patchCampaign(scheduled, { name: 'x' }, NOW)).toMatchObject({ ok: true, changed: ['name'] });
    expect(patchCampaign(scheduled, { schedule: { at: '2025-07-02T10:00:00' } }, NOW)).toEqual({ ok: false, kind: 'reschedule_needed' });
    expect(patchCampaign(scheduled, { channel: 'sms', content: { text: 'Hi' } }, NOW)).toEqual({ ok: false, kind: 'sms_unavailable' });
  });

  it('keeps content and channel in agreement', () => {
    expect(patchCampaign(draft(), { channel: 'sms' }, NOW)).toEqual({
      ok: false,
      kind: 'invalid',
      path: 'body.channel',
      message: 'An SMS has a text body only: {"text": ...}',
    });
    expect(patchCampaign(draft(), { channel: 'sms', content: { text: 'Hi' } }, NOW)).toMatchObject({ ok: true, changed: ['channel', 'content'] });
  });
});

describe('copies and status changes', () => {
  it('copies message and audience into a fresh draft', () => {
    const source = draft({ status: 'sent', scheduleVersion: 3, startedAt: 'x', completedAt: 'y', schedule: { at: '2025-06-01T10:00:00', timeZone: 'UTC' } });
    const copy = copyCampaign(source, { campaignId: 'c2', createdBy: 'staff-2' }, NOW);
    expect(copy).toEqual({
      campaignId: 'c2',
      tenantId: 't1',
      name: 'June rings (copy)',
      channel: 'email',
      content: source.content,
      recipients: source.recipients,
      status: 'draft',
      scheduleVersion: 0,
      createdBy: 'staff-2',
      createdAt: NOW.toISOString(),
      updatedAt: NOW.toISOString(),
      revision: 1,
    });
    expect(copyName('x'.repeat(120))).toHaveLength(120);
  });

  it('stamps when sending started, paused, completed or was cancelled, and forgets the schedule time it left', () => {
    const scheduled = draft({ status: 'scheduled', scheduleVersion: 2, scheduledFor: '2025-07-01T00:00:00.000Z' });
    const sending = withState(scheduled, { status: 'sending', scheduleVersion: 2 }, NOW);
    expect(sending).toMatchObject({ status: 'sending', startedAt: NOW.toISOString(), handover: 'pending' });
    expect(sending).not.toHaveProperty('scheduledFor');
    const later = new Date('2025-06-02T00:00:00Z');
    const paused = withState(sending, { status: 'paused', scheduleVersion: 2 }, later);
    const resumed = withState(paused, { status: 'sending', scheduleVersion: 2 }, new Date('2025-06-03T00:00:00Z'));
    expect(resumed.startedAt).toBe(NOW.toISOString());
    expect(resumed.pausedAt).toBe(later.toISOString());
    expect(campaignView(resumed)).not.toHaveProperty('handover');
    expect(campaignView(resumed)).not.toHaveProperty('tenantId');
  });
});
