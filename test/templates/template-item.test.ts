import { describe, expect, it } from 'vitest';
import {
  changedTemplateFields,
  newTemplateItem,
  nextTemplateVersion,
  patchedTemplateInput,
  toTemplateSummary,
  toTemplateView,
} from '../../shared/domain/templates/template-item';
import { templateCreateSchema, templatePatchSchema } from '../../shared/domain/templates/template-schema';
import { keys } from '../../shared/store/keys';

const context = { templateId: 'TPL1', staffId: 'S1', now: '2026-03-01T00:00:00.000Z' };
const email = templateCreateSchema.parse({ channel: 'email', name: ' Birthday ', subject: '  Hi {{ customer.first_name }}', html: '\n<p>x</p>\n' });

describe('template schema', () => {
  it('keeps Liquid sources exactly as sent (line and column numbers refer to them) but trims the name', () => {
    expect(email).toMatchObject({ name: 'Birthday', subject: '  Hi {{ customer.first_name }}', html: '\n<p>x</p>\n' });
  });

  it('refuses blank sources and fields of the other channel', () => {
    const blank = templateCreateSchema.safeParse({ channel: 'sms', name: 'x', text: '  \n ' });
    expect(blank.success).toBe(false);
    expect(blank.error?.issues[0]).toMatchObject({ path: ['text'], message: 'Enter the message' });
    expect(templateCreateSchema.safeParse({ channel: 'sms', name: 'x', text: 'y', subject: 'z' }).success).toBe(false);
    expect(templateCreateSchema.safeParse({ channel: 'fax', name: 'x', text: 'y' }).success).toBe(false);
  });
});

describe('template items', () => {
  const item = newTemplateItem('T1', email, ['customer.first_name'], context);

  it('is stored under the tenant entity key, version 1, without absent optional fields', () => {
    expect(item).toMatchObject({ ...keys.tenantEntity('T1', 'TEMPLATE', 'TPL1'), type: 'Template', version: 1, createdBy: 'S1', updatedBy: 'S1' });
    expect(item).not.toHaveProperty('text');
    expect(item).not.toHaveProperty('preheader');
  });

  it('a PATCH merges into the current content; null removes an optional field', () => {
    const withText = { ...item, text: 'plain' } as typeof item;
    const patch = templatePatchSchema.parse({ subject: 'New', text: null });
    expect(patchedTemplateInput(withText, patch)).toEqual({ channel: 'email', name: 'Birthday', subject: 'New', html: '\n<p>x</p>\n' });
  });

  it('the next version keeps identity and creation, and names only changed fields', () => {
    const input = templateCreateSchema.parse({ ...patchedTemplateInput(item, { subject: 'New' }) });
    const next = nextTemplateVersion(item, input, [], { staffId: 'S2', now: '2026-03-02T00:00:00.000Z' });
    expect(next).toMatchObject({ templateId: 'TPL1', version: 2, createdBy: 'S1', updatedBy: 'S2', createdAt: context.now, subject: 'New' });
    expect(changedTemplateFields(item, next)).toEqual(['subject']);
    expect(changedTemplateFields(item, { ...item })).toEqual([]);
  });

  it('views show absent optional fields as null; summaries leave bodies out', () => {
    expect(toTemplateView(item)).toMatchObject({ channel: 'email', text: null, preheader: null, variables: ['customer.first_name'] });
    expect(toTemplateView(item)).not.toHaveProperty('pk');
    const summary = toTemplateSummary(item);
    expect(summary).toMatchObject({ channel: 'email', subject: '  Hi {{ customer.first_name }}' });
    expect(summary).not.toHaveProperty('html');
    const sms = newTemplateItem('T1', templateCreateSchema.parse({ channel: 'sms', name: 's', text: 'hi' }), [], context);
    expect(toTemplateSummary(sms).subject).toBeNull();
    expect(toTemplateView(sms)).toEqual(expect.objectContaining({ channel: 'sms', text: 'hi' }));
  });
});
