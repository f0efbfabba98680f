/**
 * The content each automation type starts with (copied into the automation when it is created without content, so the
 * jeweller edits their own copy). Liquid over the template variable catalogue (../templates/variables.ts): customer
 * and store fields, and `anniversary_years` for anniversaries (it has a value only when the year is known, so the
 * templates word around its absence). The send pipeline adds the unsubscribe footer and the store's postal address.
 *
 * The catalogue has no repair, appointment or lay-by fields yet, so those templates speak generally ("your repair is
 * ready") rather than naming the item or the time.
 */
import type { AutomationType } from './automation-schema';
import type { SeasonalDate } from './seasonal-dates';

export interface DefaultEmail {
  subject: string;
  preheader: string;
  html: string;
}

export interface DefaultContent {
  email: DefaultEmail;
  sms: { text: string };
}

const hello = 'Hi {{ customer.first_name | default: "there" }},';
const signOff = '<p>Warm regards,<br>{{ store.name }}</p>';
const callUs = '{% if store.phone %} or call us on {{ store.phone }}{% endif %}';

function email(subject: string, preheader: string, ...paragraphs: string[]): DefaultEmail {
  return { subject, preheader, html: [`<p>${hello}</p>`, ...paragraphs.map((p) => `<p>${p}</p>`), signOff].join('\n') };
}

const DEFAULTS: Readonly<Record<Exclude<AutomationType, 'seasonal'>, DefaultContent>> = {
  birthday: {
    email: email(
      'Happy birthday, {{ customer.first_name | default: "from all of us" }}!',
      'A little something from {{ store.name }}',
      'Everyone at {{ store.name }} wishes you a very happy birthday.',
      'Drop in to celebrate with us: we would love to help you find something that sparkles.',
    ),
    sms: { text: 'Happy birthday {{ customer.first_name }} from everyone at {{ store.name }}!' },
  },
  anniversary: {
    email: email(
      'Happy anniversary{% if anniversary_years %}: {{ anniversary_years }} years!{% endif %}',
      'Celebrating with you',
      'Congratulations on your anniversary{% if anniversary_years %}: {{ anniversary_years }} years together{% endif %}.',
      'If you are marking the day with something special, we would be delighted to help.',
    ),
    sms: { text: 'Happy anniversary {{ customer.first_name }}! Best wishes from {{ store.name }}.' },
  },
  wedding_anniversary: {
    email: email(
      'Happy wedding anniversary{% if anniversary_years %}: {{ anniversary_years }} years!{% endif %}',
      'Celebrating with you',
      'Congratulations on {% if anniversary_years %}{{ anniversary_years }} years{% else %}another year{% endif %} of marriage.',
      'An anniversary is a lovely moment for something new, or to have your rings cleaned and checked, free of charge.',
    ),
    sms: { text: 'Happy wedding anniversary {{ customer.first_name }}! Best wishes from {{ store.name }}.' },
  },
  custom_date: {
    email: email(
      'A special day at {{ store.name }}',
      'Thank you for being with us',
      'Today marks a special date for you with us{% if anniversary_years %}: {{ anniversary_years }} years{% endif %}.',
      'Thank you for being part of the {{ store.name }} family.',
    ),
    sms: { text: 'Thank you for being with {{ store.name }}, {{ customer.first_name }}!' },
  },
  reengagement: {
    email: email(
      'We miss you, {{ customer.first_name | default: "friend" }}',
      "It's been a while",
      "It's been a while since we last saw you at {{ store.name }}.",
      'Come and see what is new, or bring in a favourite piece for a complimentary clean and check.',
    ),
    sms: { text: "It's been a while! Come and see what's new at {{ store.name }}." },
  },
  post_purchase: {
    email: email(
      'Thank you for your purchase',
      'Caring for your new piece',
      'Thank you for choosing {{ store.name }}. We hope you are enjoying your new piece.',
      `If you have any questions about caring for it, reply to this email${callUs}.`,
    ),
    sms: { text: 'Thank you for shopping at {{ store.name }}! Questions about your new piece? Just reply.' },
  },
  repair_ready: {
    email: email(
      'Your repair is ready to collect',
      'Ready when you are',
      'Good news: your repair is finished and ready to collect from {{ store.name }}.',
      `Please bring your repair receipt. Questions? Reply to this email${callUs}.`,
    ),
    sms: { text: 'Your repair is ready to collect from {{ store.name }}.{% if store.phone %} Questions? {{ store.phone }}{% endif %}' },
  },
  appointment_reminder: {
    email: email(
      'Reminder: your appointment at {{ store.name }}',
      'We look forward to seeing you',
      'This is a reminder of your upcoming appointment at {{ store.name }}.',
      `Need to change it? Reply to this email${callUs}.`,
    ),
    sms: { text: 'Reminder: your appointment at {{ store.name }} is coming up.{% if store.phone %} To change it call {{ store.phone }}.{% endif %}' },
  },
  layby_overdue: {
    email: email(
      'Your lay-by with {{ store.name }}',
      'A friendly reminder',
      'A friendly reminder that a payment on your lay-by with {{ store.name }} is now due.',
      `If you have already paid, thank you and please ignore this message. To talk it through, reply to this email${callUs}.`,
    ),
    sms: { text: 'A friendly reminder that a payment on your lay-by with {{ store.name }} is due.' },
  },
};

const SEASONAL: Readonly<Record<SeasonalDate, { subject: string; line: string; sms: string }>> = {
  valentines_day: {
    subject: "Valentine's Day at {{ store.name }}",
    line: "Valentine's Day is coming: find something they will treasure.",
    sms: "Valentine's Day is coming! Find something they will treasure at {{ store.name }}.",
  },
  mothers_day: {
    subject: "Mother's Day at {{ store.name }}",
    line: "Mother's Day is coming: spoil her with something beautiful.",
    sms: "Mother's Day is coming! Spoil her with something beautiful from {{ store.name }}.",
  },
  fathers_day: {
    subject: "Father's Day at {{ store.name }}",
    line: "Father's Day is coming: watches, cufflinks and more.",
    sms: "Father's Day is coming! Watches, cufflinks and more at {{ store.name }}.",
  },
  black_friday: {
    subject: 'Black Friday at {{ store.name }}',
    line: 'Our Black Friday offers are here, for a short time only.',
    sms: 'Black Friday offers at {{ store.name }}, for a short time only.',
  },
  christmas: {
    subject: 'Christmas at {{ store.name }}',
    line: 'Christmas is coming: find the perfect gift with us.',
    sms: 'Christmas is coming! Find the perfect gift at {{ store.name }}.',
  },
  boxing_day: {
    subject: 'Boxing Day at {{ store.name }}',
    line: 'Our Boxing Day offers are here, for a short time only.',
    sms: 'Boxing Day offers at {{ store.name }}, for a short time only.',
  },
};

/** The default content of a type (a seasonal automation's depends on its date). */
export function defaultContentFor(type: AutomationType, seasonal: SeasonalDate = 'christmas'): DefaultContent {
  if (type !== 'seasonal') return DEFAULTS[type];
  const { subject, line, sms } = SEASONAL[seasonal];
  return { email: email(subject, 'Something special for you', line, 'We look forward to seeing you in store.'), sms: { text: sms } };
}

/** The default content as an automation's `content` field for its channel. */
export function defaultAutomationContent(
  automation: { type: AutomationType; channel: 'email' | 'sms'; timing: unknown },
): DefaultEmail | { text: string } {
  const seasonal = automation.type === 'seasonal' ? (automation.timing as { date: SeasonalDate }).date : undefined;
  const content = defaultContentFor(automation.type, seasonal);
  return automation.channel === 'email' ? { ...content.email } : { ...content.sms };
}
