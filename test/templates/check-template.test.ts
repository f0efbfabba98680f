import { describe, expect, it } from 'vitest';
import { checkTemplate, issueToFieldError } from '../../shared/domain/templates/check-template';
import type { TemplateContent, TemplateIssue } from '../../shared/domain/templates/template-content';

const issuesOf = (content: TemplateContent): TemplateIssue[] => {
  const result = checkTemplate(content);
  return result.ok ? [] : result.issues;
};
const variablesOf = (content: TemplateContent): string[] => {
  const result = checkTemplate(content);
  if (!result.ok) throw new Error(JSON.stringify(result.issues));
  return result.variables;
};

describe('variable extraction', () => {
  it('lists the catalogue variables every field uses, once each, sorted', () => {
    expect(
      variablesOf({
        channel: 'email',
        subject: 'Happy birthday {{ customer.first_name }}',
        preheader: 'From {{ store.name }}',
        html: '<p>{{ customer.first_name }} {{ customer.birthday | date: "%d %B" }}</p><a href="{{ unsubscribe_url }}">x</a>',
        text: '{{ customer.total_spent | money }}',
      }),
    ).toEqual(['customer.birthday', 'customer.first_name', 'customer.total_spent', 'store.name', 'unsubscribe_url']);
  });

  it('finds variables in tags, filter arguments and conditions, not only in outputs', () => {
    expect(
      variablesOf({
        channel: 'sms',
        text: '{% if customer.loyalty_member %}{{ "x" | append: customer.loyalty_tier }}{% endif %}{% for t in customer.tags %}{{ t }}{% endfor %}',
      }),
    ).toEqual(['customer.loyalty_member', 'customer.loyalty_tier', 'customer.tags']);
  });

  it('variables the template defines itself (assign, capture, loop variables, forloop) are not catalogue variables', () => {
    expect(
      variablesOf({
        channel: 'email',
        subject: '{% assign greeting = "Hi" %}{{ greeting }}',
        html: '{% capture who %}{{ customer.first_name }}{% endcapture %}{{ who }}{% for i in (1..2) %}{{ forloop.index }}{{ i }}{% endfor %}',
      }),
    ).toEqual(['customer.first_name']);
  });

  it('accepts Liquid built-in properties of lists and texts', () => {
    expect(variablesOf({ channel: 'sms', text: '{{ customer.tags.size }} {{ customer.tags.first }} {{ customer.tags[0] }} {{ customer.first_name.size }}' })).toEqual([
      'customer.first_name',
      'customer.tags',
    ]);
  });

  it('a template without variables lists none', () => {
    expect(variablesOf({ channel: 'sms', text: 'Sale this weekend' })).toEqual([]);
  });
});

describe('unknown variables', () => {
  it('names the field, the variable, its line and column, and suggests the closest one', () => {
    const issues = issuesOf({
      channel: 'email',
      subject: 'Hi {{ customer.frist_name }}',
      html: '<p>\n  Dear {{ customer.nickname }}\n</p>',
    });
    expect(issues).toEqual([
      {
        field: 'subject',
        variable: 'customer.frist_name',
        line: 1,
        column: 7,
        message: 'Unknown variable "customer.frist_name" (did you mean "customer.first_name"?)',
      },
      { field: 'html', variable: 'customer.nickname', line: 2, column: 11, message: 'Unknown variable "customer.nickname"' },
    ]);
  });

  it('reports every occurrence, in order', () => {
    const issues = issuesOf({ channel: 'sms', text: '{{ a }}\n{{ b }} {{ a }}' });
    expect(issues.map((issue) => [issue.variable, issue.line, issue.column])).toEqual([
      ['a', 1, 4],
      ['b', 2, 4],
      ['a', 2, 12],
    ]);
  });

  it('refuses a group without a field, fields of a scalar, and computed names', () => {
    const issues = issuesOf({ channel: 'sms', text: '{{ customer }} {{ store.name.first_word }} {{ customer[field] }}' });
    expect(issues.map((issue) => issue.message)).toEqual([
      '"customer" is a group of variables: use one of its fields, e.g. customer.first_name',
      '"store.name" has no field "first_word"',
      expect.stringContaining('Write the field name out'),
      'Unknown variable "field"',
    ]);
  });

  it('an unknown variable in a condition is refused too', () => {
    expect(issuesOf({ channel: 'sms', text: '{% if customer.vip %}x{% endif %}' })).toMatchObject([{ variable: 'customer.vip', line: 1, column: 7 }]);
  });
});

describe('syntax errors', () => {
  it('an unclosed tag is reported with its line and column', () => {
    expect(issuesOf({ channel: 'email', subject: 'ok', html: '<p>x</p>\n  {% if customer.loyalty_member %}\n<p>y</p>' })).toEqual([
      { field: 'html', line: 2, column: 3, message: 'Liquid syntax error: tag {% if customer.loyalty_member %} not closed' },
    ]);
  });

  it('an unclosed output', () => {
    expect(issuesOf({ channel: 'email', subject: 'Hi {{ customer.first_name', html: 'x' })).toMatchObject([
      { field: 'subject', line: 1, column: 4, message: expect.stringContaining('not closed') },
    ]);
  });

  it('unknown filters and tags, include/render and raw are refused', () => {
    const messages = (text: string) => issuesOf({ channel: 'email', subject: 's', html: text }).map((issue) => issue.message);
    expect(messages('{{ customer.first_name | shout }}')).toEqual(['Unknown filter "shout"']);
    expect(messages('{% include "footer" %}')).toEqual(['Templates cannot include other templates: the "include" tag is not available']);
    expect(messages('{% render "footer" %}')).toEqual(['Templates cannot include other templates: the "render" tag is not available']);
    expect(messages('{% bogus %}')).toEqual(['Unknown tag "bogus"']);
    expect(messages('{{ customer.first_name | raw }}')).toEqual(['The "raw" filter is not available: values are always escaped in the HTML body']);
  });

  it('reports problems of every field, not just the first', () => {
    const issues = issuesOf({ channel: 'email', subject: '{{ x }}', preheader: '{% if %}', html: '{{ y }}', text: '{{ z }}' });
    expect(issues.map((issue) => issue.field)).toEqual(['subject', 'preheader', 'html', 'text']);
  });
});

describe('limits on save', () => {
  it('a loop bomb is refused when saved, at its line', () => {
    const issues = issuesOf({
      channel: 'email',
      subject: 's',
      html: 'Hello\n\n{% for a in (1..1000000) %}{% for b in (1..1000000) %}x{% endfor %}{% endfor %}',
    });
    expect(issues).toMatchObject([{ field: 'html', line: 3, message: expect.stringMatching(/too long to render|too much output/) }]);
  });
});

describe('issueToFieldError', () => {
  it('names the request field and carries line, column and variable', () => {
    expect(issueToFieldError({ field: 'html', line: 3, column: 5, message: 'm', variable: 'v' })).toEqual({
      path: 'body.html',
      message: 'm',
      line: 3,
      column: 5,
      variable: 'v',
    });
    expect(issueToFieldError({ field: 'subject', line: 1, column: 1, message: 'm' })).not.toHaveProperty('variable');
  });
});
