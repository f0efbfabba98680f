/**
 * The SES tenant of a jeweller (`AWS::SES::Tenant` / CreateTenant): every send names it (`TenantName`), so SES keeps
 * each jeweller's reputation apart. Whoever creates the SES tenant (sender identity) uses this same name.
 * SES tenant names allow letters, digits, `-` and `_`, up to 64 characters.
 */
export function sesTenantName(stage: string, tenantId: string): string {
  return `facet-${stage}-${tenantId}`.replace(/[^A-Za-z0-9_-]/g, '-').slice(0, 64);
}

/** SES message tag values allow letters, digits, `_`, `-`, `.`, `@` (256 characters). */
export function sesTagValue(value: string): string {
  return value.replace(/[^A-Za-z0-9_.@-]/g, '_').slice(0, 256) || '_';
}
