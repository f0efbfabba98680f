/** A location inside a request: `['rule', 'and', 0, 'type']`, shown as `rule.and[0].type` (as problem+json paths are). */
export type PathSegment = string | number;

export function formatRulePath(segments: readonly PathSegment[]): string {
  let out = '';
  for (const segment of segments) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else out += out === '' ? segment : `.${segment}`;
  }
  return out;
}

export interface RuleError {
  path: string;
  message: string;
}
