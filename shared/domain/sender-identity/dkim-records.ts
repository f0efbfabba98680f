/**
 * The DNS records a jeweller adds for Easy DKIM: SES answers three tokens, each becoming a CNAME
 * `{token}._domainkey.{domain}` -> `{token}.dkim.amazonses.com` (the hosted zone SES names, when it names one).
 */
export const DEFAULT_DKIM_HOSTED_ZONE = 'dkim.amazonses.com';

export interface DnsRecord {
  readonly type: 'CNAME';
  readonly name: string;
  readonly value: string;
}

export function dkimRecords(domain: string, tokens: readonly string[], hostedZone: string = DEFAULT_DKIM_HOSTED_ZONE): DnsRecord[] {
  return tokens.map((token) => ({ type: 'CNAME', name: `${token}._domainkey.${domain}`, value: `${token}.${hostedZone}` }));
}
