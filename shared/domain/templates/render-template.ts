import type { Liquid } from 'liquidjs';
import { compileField, liquidErrorIssue, type CompiledField } from './compile-field';
import { htmlToText } from './html-to-text';
import { renderOptions, templateEngine, TEMPLATE_LIMITS } from './liquid-engine';
import type { MergeScope } from './merge-data';
import { smsParts, type SmsParts } from './sms-parts';
import { liquidFields, type TemplateContent, type TemplateField, type TemplateIssue } from './template-content';
import type { TenantFormat } from './tenant-format';

/**
 * Compile once, render per recipient: the send pipeline compiles a campaign's template once for the tenant's format
 * and renders it for every recipient with that recipient's merge scope.
 *
 * Escaping by context: only the HTML body escapes what it prints. The subject and preheader are single lines: line
 * breaks and other control characters a value carries (a customer name imported with a CRLF) become spaces, so no
 * value can add a header to the message. The text body is never escaped; when the template has none, it is derived
 * from the rendered HTML (entities decoded).
 */

export interface RenderedEmail {
  channel: 'email';
  subject: string;
  preheader: string;
  /** The HTML body, the preheader included as a hidden first block (what the send pipeline sends as is). */
  html: string;
  text: string;
}

export interface RenderedSms {
  channel: 'sms';
  text: string;
  sms: SmsParts;
}

export type RenderedMessage = RenderedEmail | RenderedSms;

/** The template has Liquid errors or unknown variables; `issues` says where. */
export class TemplateSourceError extends Error {
  constructor(readonly issues: TemplateIssue[]) {
    super(`The template has ${issues.length} problem(s)`);
    this.name = 'TemplateSourceError';
  }
}

/** Rendering failed for this scope: a limit was reached or a filter refused its input. */
export class TemplateRenderError extends Error {
  constructor(
    readonly issue: TemplateIssue,
    readonly reason: 'limit' | 'error',
  ) {
    super(issue.message);
    this.name = 'TemplateRenderError';
  }
}

export interface CompiledTemplate {
  channel: TemplateContent['channel'];
  /** Catalogue variables the template reads, sorted. */
  variables: string[];
  render(scope: MergeScope): RenderedMessage;
}

/** Header-safe single line: CR, LF and other control characters become spaces. */
export function singleLine(value: string): string {
  return value.replace(/[\u0000-\u001f\u007f\u2028\u2029]+/g, ' ').replace(/ {2,}/g, ' ').trim();
}

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
const escapeHtml = (value: string) => value.replace(/[&<>"']/g, (character) => HTML_ESCAPES[character]!);

/**
 * Puts the preheader where inbox previews read it: the first text of the body, hidden when the message is opened.
 * The trailing zero-width joiners keep clients from filling the preview with the body's first words.
 */
export function withPreheader(html: string, preheader: string): string {
  if (preheader === '') return html;
  const block =
    '<div style="display:none;font-size:1px;line-height:1px;max-height:0;max-width:0;opacity:0;overflow:hidden;mso-hide:all" aria-hidden="true">' +
    `${escapeHtml(preheader)}${'&zwnj;&nbsp;'.repeat(20)}</div>`;
  const body = /<body\b[^>]*>/i.exec(html);
  if (!body) return block + html;
  const at = body.index + body[0].length;
  return html.slice(0, at) + block + html.slice(at);
}

function limitMessage(message: string): string | undefined {
  if (/memory alloc limit/i.test(message)) return `The template builds too much output (over ${TEMPLATE_LIMITS.memoryLimit.toLocaleString('en')} units); check its loops`;
  if (/render limit/i.test(message)) return `The template takes too long to render (over ${TEMPLATE_LIMITS.renderLimit} ms or ${TEMPLATE_LIMITS.templateLimit.toLocaleString('en')} steps); check its loops`;
  return undefined;
}

function renderField(engine: Liquid, field: CompiledField, scope: MergeScope): string {
  try {
    return String(engine.renderSync(field.templates, scope, renderOptions));
  } catch (error) {
    let limit = false;
    const issue = liquidErrorIssue(field.field, error, (message) => {
      const explained = limitMessage(message);
      limit = explained !== undefined;
      return explained ?? `The template could not be rendered: ${message}`;
    });
    if (issue) throw new TemplateRenderError(issue, limit ? 'limit' : 'error');
    throw error;
  }
}

/** Parses and checks every field; throws TemplateSourceError listing every problem found. */
export function compileTemplate(content: TemplateContent, format: TenantFormat): CompiledTemplate {
  const compiled = new Map<TemplateField, CompiledField>();
  const variables = new Set<string>();
  const issues: TemplateIssue[] = [];
  for (const field of liquidFields(content)) {
    const check = compileField(templateEngine(field.mode, format), field);
    check.variables.forEach((path) => variables.add(path));
    issues.push(...check.issues);
    if (check.compiled) compiled.set(field.field, check.compiled);
  }
  if (issues.length > 0) throw new TemplateSourceError(issues);

  const html = templateEngine('html', format);
  const text = templateEngine('text', format);
  const field = (name: TemplateField) => compiled.get(name);
  const renderText = (name: TemplateField, scope: MergeScope) => {
    const source = field(name);
    return source ? renderField(text, source, scope) : undefined;
  };

  return {
    channel: content.channel,
    variables: [...variables].sort(),
    render(scope) {
      if (content.channel === 'sms') {
        const message = renderText('text', scope) ?? '';
        return { channel: 'sms', text: message, sms: smsParts(message) };
      }
      const subject = singleLine(renderText('subject', scope) ?? '');
      const preheader = singleLine(renderText('preheader', scope) ?? '');
      const body = renderField(html, field('html')!, scope);
      const plain = renderText('text', scope) ?? htmlToText(body);
      return { channel: 'email', subject, preheader, html: withPreheader(body, preheader), text: plain };
    },
  };
}
