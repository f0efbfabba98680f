/**
 * Edges of leaves whose tests compare without allocating (string instants, loops instead of sets): the exact
 * instants of has_appointment, and the "all" forms of tags and categories.
 */
import { describe, expect, it } from 'vitest';
import { aggregates, at, customer, matching } from './book-fixtures';

const context = at('2025-06-10T09:00', 'Australia/Sydney');
const now = context.now.getTime();
const instant = (ms: number) => new Date(now + ms).toISOString();

describe('has_appointment at the exact instants', () => {
  it('an appointment starting now has not yet to come; one exactly at the end of the window is within it', async () => {
    const startsNow = customer({ agg: aggregates({ nextAppointmentAt: instant(0), upcomingAppointments: [instant(0)] }) });
    const oneMsLater = customer({ agg: aggregates({ nextAppointmentAt: instant(1), upcomingAppointments: [instant(1)] }) });
    const atTheEnd = customer({ agg: aggregates({ nextAppointmentAt: instant(2 * 3_600_000), upcomingAppointments: [instant(2 * 3_600_000)] }) });
    const justAfter = customer({
      agg: aggregates({ nextAppointmentAt: instant(2 * 3_600_000 + 1), upcomingAppointments: [instant(2 * 3_600_000 + 1)] }),
    });
    // The first appointment after now decides: a later one inside the window does not make up for it.
    const firstOutside = customer({
      agg: aggregates({ nextAppointmentAt: instant(0), upcomingAppointments: [instant(0), instant(3 * 3_600_000), instant(3_600_000)] }),
    });
    // Not in the canonical form the write path uses: compared as instants all the same.
    const offsetForm = customer({
      agg: { ...aggregates({ nextAppointmentAt: new Date(now + 3_600_000).toISOString().replace('Z', '+00:00') }), upcomingAppointments: undefined },
    });
    const book = [startsNow, oneMsLater, atTheEnd, justAfter, firstOutside, offsetForm];
    expect(await matching({ type: 'has_appointment', within: 2, unit: 'hours' }, book, context)).toEqual(
      [oneMsLater.customerId, atTheEnd.customerId, offsetForm.customerId].sort(),
    );
  });
});

describe('"all" of several tags or categories', () => {
  it('needs every listed one, whatever the order and however often the customer holds it', async () => {
    const every = customer({ tags: ['watch-lover', 'bridal', 'vip'], categories: ['estate', 'BRIDAL', 'estate'] });
    const missingOne = customer({ tags: ['vip', 'vip', 'bridal'], categories: ['Estate'] });
    const book = [every, missingOne];
    expect(await matching({ type: 'tags', tags: ['vip', 'watch-lover'], match: 'all' }, book, context)).toEqual([every.customerId]);
    expect(await matching({ type: 'categories', categories: ['Bridal', 'estate'], match: 'all' }, book, context)).toEqual([every.customerId]);
    expect(await matching({ type: 'categories', categories: ['ESTATE'], match: 'all' }, book, context)).toEqual([every.customerId, missingOne.customerId].sort());
  });
});
