import { describe, expect, it } from 'vitest';
import { tenantSettingsPatchSchema, tenantSettingsSchema } from '../../shared/domain/tenants/settings';
import { applySettingsPatch } from '../../shared/domain/tenants/settings-patch';

const current = tenantSettingsSchema.parse({ name: 'Aurora Fine Jewellery', storePhone: '+61 2 5550 1234' });

describe('tenant settings', () => {
  it('fill the documented defaults', () => {
    expect(current).toMatchObject({
      timeZone: 'Australia/Sydney',
      country: 'AU',
      currency: 'AUD',
      defaultSendHour: 10,
      frequencyCap: { messages: 3, days: 7 },
      attributionWindowDays: 7,
    });
  });

  it('a PATCH naming one field does not default the others', () => {
    expect(tenantSettingsPatchSchema.parse({ defaultSendHour: 9 })).toEqual({ defaultSendHour: 9 });
  });

  it('a PATCH rejects unknown fields and bad values with their paths', () => {
    const result = tenantSettingsPatchSchema.safeParse({ timeZone: 'Mars/Olympus', defaultSendHour: 24, colour: 'red' });
    expect(result.success).toBe(false);
    const paths = result.error!.issues.map((i) => i.path.join('.'));
    expect(paths).toEqual(expect.arrayContaining(['timeZone', 'defaultSendHour']));
    expect(result.error!.issues.some((i) => i.code === 'unrecognized_keys')).toBe(true);
  });

  it('applying a PATCH reports only the fields whose value changed', () => {
    const patch = tenantSettingsPatchSchema.parse({ timeZone: 'Australia/Perth', currency: 'aud', frequencyCap: { messages: 2, days: 7 } });
    const change = applySettingsPatch(current, patch);
    expect(change.changed).toEqual(['timeZone', 'frequencyCap']);
    expect(change.next).toMatchObject({ timeZone: 'Australia/Perth', currency: 'AUD', frequencyCap: { messages: 2, days: 7 }, name: 'Aurora Fine Jewellery' });
  });

  it('null clears an optional setting and is a no-op when it is already absent', () => {
    const change = applySettingsPatch(current, { storePhone: null, postalAddress: null });
    expect(change.changed).toEqual(['storePhone']);
    expect(change.cleared).toEqual(['storePhone']);
    expect(change.next.storePhone).toBeUndefined();
  });
});
