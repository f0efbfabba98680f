/**
 * Leaves over the customer's profile: loyalty, tags, status, categories, surname, city, postcode, free search,
 * consent and an explicit list of ids. Names and places compare without case or accents ("Zoë" finds "ZOE").
 */
import { normaliseForSort } from '../../../store/keys';
import type { LeafDefinition } from '../leaf-definition';
import { NO, verdict } from '../leaf-definition';

/**
 * Normalised forms of the values the book repeats most (cities, surnames, tiers): Unicode normalisation is the
 * costliest step of these tests, and a book has far fewer distinct cities than customers. Bounded so a free-text
 * attribute cannot grow it without limit.
 */
function memoisedNormalise(limit = 20_000): (value: string) => string {
  const memo = new Map<string, string>();
  return (value) => {
    let normal = memo.get(value);
    if (normal === undefined) {
      normal = normaliseForSort(value);
      if (memo.size < limit) memo.set(value, normal);
    }
    return normal;
  };
}

export const loyalty: LeafDefinition<'loyalty'> = {
  attributes: ['loyalty'],
  bind(rule) {
    const tier = rule.tier === undefined ? undefined : normaliseForSort(rule.tier);
    const normalise = memoisedNormalise();
    return {
      test: (c) => verdict(c.loyalty.member && (tier === undefined || (c.loyalty.tier !== undefined && normalise(c.loyalty.tier) === tier))),
      detail: (c) =>
        c.loyalty.member ? `loyalty member${c.loyalty.tier === undefined ? '' : `, tier ${c.loyalty.tier}`}` : 'not a loyalty member',
    };
  },
};

export const tags: LeafDefinition<'tags'> = {
  cost: 2,
  attributes: ['tags'],
  bind(rule) {
    // Customer tags are stored trimmed and lower case (customer-schema), the rule's are normalised the same way.
    const wanted = new Set(rule.tags);
    const listed = rule.tags;
    const test =
      rule.match === 'any'
        ? (customerTags: readonly string[]) => {
            for (let i = 0; i < customerTags.length; i += 1) if (wanted.has(customerTags[i] as string)) return true;
            return false;
          }
        : (customerTags: readonly string[]) => {
            for (let i = 0; i < listed.length; i += 1) if (!customerTags.includes(listed[i] as string)) return false;
            return true;
          };
    return {
      test: (c) => verdict(test(c.tags)),
      detail: (c) => {
        const held = c.tags.filter((tag) => wanted.has(tag));
        return held.length === 0 ? 'none of the tags' : `tags ${held.join(', ')}`;
      },
    };
  },
};

export const status: LeafDefinition<'status'> = {
  attributes: ['status'],
  bind(rule) {
    return { test: (c) => verdict(c.status === rule.status), detail: (c) => `status ${c.status}` };
  },
};

export const categories: LeafDefinition<'categories'> = {
  cost: 2,
  attributes: ['categories'],
  bind(rule) {
    // Categories keep the case staff typed; compare them without it.
    const normalise = memoisedNormalise();
    const wanted = new Set(rule.categories.map(normaliseForSort));
    const wantedList = [...wanted];
    const holdsCategory = (held: readonly string[], category: string) => {
      for (let i = 0; i < held.length; i += 1) if (normalise(held[i] as string) === category) return true;
      return false;
    };
    const test =
      rule.match === 'any'
        ? (held: readonly string[]) => {
            for (let i = 0; i < held.length; i += 1) if (wanted.has(normalise(held[i] as string))) return true;
            return false;
          }
        : (held: readonly string[]) => {
            for (let i = 0; i < wantedList.length; i += 1) if (!holdsCategory(held, wantedList[i] as string)) return false;
            return true;
          };
    return {
      test: (c) => verdict(test(c.categories)),
      detail: (c) => {
        const held = c.categories.filter((category) => wanted.has(normalise(category)));
        return held.length === 0 ? 'none of the categories' : `categories ${held.join(', ')}`;
      },
    };
  },
};

export const surname: LeafDefinition<'surname'> = {
  attributes: ['lastName'],
  bind(rule) {
    const wanted = normaliseForSort(rule.surname);
    const normalise = memoisedNormalise();
    return { test: (c) => verdict(normalise(c.lastName) === wanted), detail: (c) => `surname ${c.lastName}` };
  },
};

export const city: LeafDefinition<'city'> = {
  attributes: ['city'],
  bind(rule) {
    const wanted = normaliseForSort(rule.city);
    const normalise = memoisedNormalise();
    return {
      test: (c) => (c.city === undefined ? NO : verdict(normalise(c.city) === wanted)),
      detail: (c) => (c.city === undefined ? 'no city' : `city ${c.city}`),
    };
  },
};

/** Postcodes compare without spaces or case ("sw1a 1aa" is "SW1A1AA"). */
const normalisePostcode = (value: string) => value.replace(/\s+/g, '').toUpperCase();

export const postcode: LeafDefinition<'postcode'> = {
  attributes: ['postcode'],
  bind(rule) {
    const wanted = normalisePostcode(rule.postcode);
    return {
      test: (c) => (c.postcode === undefined ? NO : verdict(c.postcode === wanted || normalisePostcode(c.postcode) === wanted)),
      detail: (c) => (c.postcode === undefined ? 'no postcode' : `postcode ${c.postcode}`),
    };
  },
};

/**
 * Free search: the text within the name ("first last"), the address line, city or postcode, or, when it is mostly
 * digits, within the phone number (a local "0412 345 678" finds the stored "+61412345678").
 */
export const search: LeafDefinition<'search'> = {
  cost: 5,
  attributes: ['firstName', 'lastName', 'addressLine', 'city', 'postcode', 'phone'],
  bind(rule) {
    const text = normaliseForSort(rule.text).replace(/\s+/g, ' ');
    const digits = rule.text.replace(/\D/g, '');
    const isPhoneLike = digits.length >= 3 && digits.length >= rule.text.replace(/[\s()+.-]/g, '').length;
    const phoneDigits = digits.replace(/^0+/, '');
    const fieldsOf = (c: Parameters<ReturnType<LeafDefinition<'search'>['bind']>['test']>[0]) => [
      ['name', `${c.firstName} ${c.lastName}`],
      ['address', c.addressLine],
      ['city', c.city],
      ['postcode', c.postcode],
    ] as const;
    const found = (c: Parameters<typeof fieldsOf>[0]): string | undefined => {
      if (isPhoneLike && phoneDigits !== '' && c.phone !== undefined && c.phone.replace(/\D/g, '').includes(phoneDigits)) return 'phone';
      for (const [field, value] of fieldsOf(c)) {
        if (value !== undefined && normaliseForSort(value).includes(text)) return field;
      }
      return undefined;
    };
    return {
      test: (c) => verdict(found(c) !== undefined),
      detail: (c) => {
        const field = found(c);
        return field === undefined ? `"${rule.text}" not found` : `"${rule.text}" found in ${field}`;
      },
    };
  },
};

/** Consent granted on a channel for a purpose. Segments do not filter consent by default: the send gate does. */
export const consent: LeafDefinition<'consent'> = {
  attributes: ['consent'],
  bind(rule) {
    return {
      test: (c) => verdict(c.consent[rule.channel]?.[rule.purpose]?.status === 'granted'),
      detail: (c) => {
        const record = c.consent[rule.channel]?.[rule.purpose];
        return record ? `${rule.channel} ${rule.purpose} ${record.status} ${record.at.slice(0, 10)}` : `${rule.channel} ${rule.purpose} never asked`;
      },
    };
  },
};

export const manual: LeafDefinition<'manual'> = {
  attributes: ['customerId'],
  bind(rule) {
    const ids = new Set(rule.customerIds);
    return { test: (c) => verdict(ids.has(c.customerId)), detail: () => 'listed by id' };
  },
};
