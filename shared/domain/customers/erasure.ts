/**
 * Erasure of the personal data a customer's records hold. Purchases, repairs, lay-bys, appointments, consent history
 * and communications stay (the shop's books need them and they are keyed by an opaque customer id), but every free-text
 * field in them goes: staff write names, engravings and phone numbers into descriptions and notes, and a message's
 * subject or recipient address is personal too.
 *
 * Matching is by attribute name at any depth (a purchase's `lines[].description`, a repair's `history[].note`), so a
 * record type added later is covered as long as it names its free text with one of these words. Strings are blanked
 * rather than removed so that readers expecting the attribute still find one.
 */
export const FREE_TEXT_ATTRIBUTES: ReadonlySet<string> = new Set([
  'description',
  'itemDescription',
  'notes',
  'note',
  'reason',
  'comment',
  'comments',
  'engraving',
  'purpose',
  'subject',
  'firstLine',
  'evidence',
  'body',
  'text',
  'html',
  // contact details a record may have copied (a message's recipient)
  'to',
  'recipient',
  'address',
  'email',
  'phone',
  'name',
  'firstName',
  'lastName',
]);

export const ERASED_TEXT = '';

/** A copy of `value` with every free-text string blanked; returns the same object when nothing needed blanking. */
export function scrubFreeText<T>(value: T): T {
  return scrub(value) as T;
}

function scrub(value: unknown): unknown {
  if (Array.isArray(value)) {
    let changed = false;
    const out = value.map((entry) => {
      const next = scrub(entry);
      if (next !== entry) changed = true;
      return next;
    });
    return changed ? out : value;
  }
  if (value === null || typeof value !== 'object') return value;
  let changed = false;
  const out: Record<string, unknown> = {};
  for (const [name, entry] of Object.entries(value)) {
    let next: unknown;
    if (FREE_TEXT_ATTRIBUTES.has(name) && typeof entry === 'string') next = ERASED_TEXT;
    else if (FREE_TEXT_ATTRIBUTES.has(name) && entry !== null && typeof entry === 'object' && !Array.isArray(entry)) next = undefined;
    else next = scrub(entry);
    if (next !== entry) changed = true;
    if (next !== undefined) out[name] = next;
  }
  return changed ? out : value;
}
