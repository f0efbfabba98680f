/**
 * A sending domain as a jeweller types it: `Shop.Example.com.` and `shop.example.com` are the same domain. Only
 * domains (not single addresses) can be registered: DKIM is set up per domain, and any address at it can then send.
 */
import { z } from 'zod';

const LABEL = /^(?!-)[a-z0-9-]{1,63}(?<!-)$/;

export function normaliseDomain(input: string): string {
  return input.trim().toLowerCase().replace(/\.$/, '');
}

/** The problem with a domain, or undefined when it can be registered. */
export function domainProblem(domain: string, platformDomain: string): string | undefined {
  if (domain.includes('@')) return 'Enter the domain only (example.com), not an email address';
  if (domain.length > 253) return 'A domain has at most 253 characters';
  const labels = domain.split('.');
  if (labels.length < 2 || !labels.every((label) => LABEL.test(label))) return 'Enter a domain such as example.com';
  if (/^[0-9]+$/.test(labels[labels.length - 1]!)) return 'Enter a domain such as example.com';
  if (domain === platformDomain || domain.endsWith(`.${platformDomain}`)) return "The platform's own domain cannot be registered";
  return undefined;
}

export const sendingDomainSchema = z
  .string()
  .max(260)
  .transform(normaliseDomain)
  .describe('The domain mail will come from, such as example.com (case and a final dot ignored)');

/** The domain part of an address (`no-reply@mail.example.com` -> `mail.example.com`). */
export function domainOfAddress(address: string): string {
  return normaliseDomain(address.slice(address.lastIndexOf('@') + 1));
}
