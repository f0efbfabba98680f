import { describe, expect, it } from 'vitest';
import { AUTOMATION_TYPES } from '../../shared/domain/automations/automation-schema';
import { defaultAutomationContent, defaultContentFor } from '../../shared/domain/automations/default-templates';
import { SEASONAL_DATES } from '../../shared/domain/automations/seasonal-dates';
import { checkTemplate } from '../../shared/domain/templates/check-template';
import { mergeScope } from '../../shared/domain/templates/merge-data';
import { compileTemplate } from '../../shared/domain/templates/render-template';
import { SAMPLE_CUSTOMER } from '../../shared/domain/templates/sample-data';
import { tenantFormat } from '../../shared/domain/templates/tenant-format';
import { variablesWithoutValue } from '../../shared/domain/templates/variables';
import { SETTINGS_DEFAULTS } from '../../shared/domain/tenants/settings';

const contents = [
  ...AUTOMATION_TYPES.filter((type) => type !== 'seasonal').map((type) => ({ label: type, content: defaultContentFor(type) })),
  ...SEASONAL_DATES.map((date) => ({ label: `seasonal ${date}`, content: defaultContentFor('seasonal', date) })),
];

describe('default templates', () => {
  it.each(contents)('$label: email and SMS pass the template checks (syntax, known variables, render limits)', ({ content }) => {
    const email = checkTemplate({ channel: 'email', ...content.email });
    const sms = checkTemplate({ channel: 'sms', ...content.sms });
    expect(email.ok ? [] : email.issues).toEqual([]);
    expect(sms.ok ? [] : sms.issues).toEqual([]);
    // Automation-only variables are fine here: automations fill them.
    if (email.ok) expect(variablesWithoutValue(email.variables, 'automation')).toEqual([]);
  });

  it('anniversaries name the years when known and read well without them', () => {
    const format = tenantFormat({ ...SETTINGS_DEFAULTS });
    const compiled = compileTemplate({ channel: 'email', ...defaultContentFor('wedding_anniversary').email }, format);
    const store = { name: 'Aurora', postalAddress: '1 George St', storePhone: '+61 2 9000 0000' };
    const render = (anniversaryYears?: number) =>
      compiled.render(mergeScope({ customer: SAMPLE_CUSTOMER, store, automation: anniversaryYears === undefined ? {} : { anniversaryYears } }, { format, now: new Date('2026-03-01T00:00:00Z') }));
    const withYears = render(10);
    expect('subject' in withYears && withYears.subject).toBe('Happy wedding anniversary: 10 years!');
    expect('html' in withYears && withYears.html).toContain('10 years of marriage');
    const without = render();
    expect('subject' in without && without.subject).toBe('Happy wedding anniversary');
    expect('html' in without && without.html).toContain('another year of marriage');
  });

  it('as an automation’s content: the channel’s part, seasonal by its date', () => {
    expect(defaultAutomationContent({ type: 'birthday', channel: 'sms', timing: {} })).toEqual(defaultContentFor('birthday').sms);
    expect(defaultAutomationContent({ type: 'seasonal', channel: 'email', timing: { date: 'mothers_day' } })).toMatchObject({
      subject: "Mother's Day at {{ store.name }}",
    });
  });
});
