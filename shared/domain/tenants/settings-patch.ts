import { CLEARABLE_SETTINGS, type TenantSettings, type TenantSettingsPatch } from './settings';

export type SettingName = keyof TenantSettings;

export interface SettingsChange {
  next: TenantSettings;
  /** Names of the settings whose value actually changed (what the audit trail records, never the values). */
  changed: SettingName[];
  /** Optional settings the patch cleared with `null`. */
  cleared: SettingName[];
}

const clearable: readonly string[] = CLEARABLE_SETTINGS;
const sameValue = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/** Applies a PATCH to the current settings: absent fields stay, `null` clears an optional setting. */
export function applySettingsPatch(current: TenantSettings, patch: TenantSettingsPatch): SettingsChange {
  const next: Record<string, unknown> = { ...current };
  const changed: SettingName[] = [];
  const cleared: SettingName[] = [];
  for (const [name, value] of Object.entries(patch) as [SettingName, unknown][]) {
    if (value === undefined) continue;
    if (value === null) {
      if (!clearable.includes(name) || current[name] === undefined) continue;
      delete next[name];
      changed.push(name);
      cleared.push(name);
      continue;
    }
    if (sameValue(current[name], value)) continue;
    next[name] = value;
    changed.push(name);
  }
  return { next: next as TenantSettings, changed, cleared };
}
