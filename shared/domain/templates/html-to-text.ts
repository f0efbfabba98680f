/**
 * The plain-text part of an email, derived from its HTML when the template has no text body of its own.
 *
 * Deliberately small: email HTML is written by the jeweller (or their designer) in a handful of shapes, and the text part
 * only needs to read well, not to reproduce the layout. What it keeps:
 *  - paragraphs and headings as blank-line separated blocks; `<br>`, `<div>`, table rows and cells as line breaks;
 *  - list items as `- item` lines;
 *  - links as `text (url)`, or just the url when the text is the url itself; `#anchors` and `javascript:` dropped;
 *  - image `alt` text;
 *  - entities decoded (`&amp;` -> `&`, `&#39;` -> `'`): the text part is never HTML-escaped.
 * What it drops: `<head>`, `<style>`, `<script>`, `<title>`, comments and every other tag.
 */

const SKIPPED = new Set(['head', 'style', 'script', 'title', 'noscript', 'template']);
const PARAGRAPHS = new Set(['p', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'blockquote', 'ul', 'ol', 'table', 'hr', 'pre', 'dl']);
const LINES = new Set(['div', 'tr', 'td', 'th', 'li', 'section', 'article', 'header', 'footer', 'center', 'dt', 'dd', 'tbody', 'thead', 'tfoot', 'address', 'figure', 'figcaption', 'main', 'nav']);

const NAMED_ENTITIES: Record<string, string> = {
  amp: '&',
  lt: '<',
  gt: '>',
  quot: '"',
  apos: "'",
  nbsp: ' ',
  copy: '©',
  reg: '®',
  trade: '™',
  hellip: '…',
  mdash: '—',
  ndash: '–',
  lsquo: '‘',
  rsquo: '’',
  ldquo: '“',
  rdquo: '”',
  laquo: '«',
  raquo: '»',
  bull: '•',
  middot: '·',
  euro: '€',
  pound: '£',
  yen: '¥',
  cent: '¢',
  deg: '°',
  times: '×',
  zwnj: '',
  zwj: '',
  shy: '',
};

export function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-f]+|#\d+|[a-z][a-z0-9]*);/gi, (entity, name: string) => {
    if (name[0] === '#') {
      const codePoint = name[1] === 'x' || name[1] === 'X' ? parseInt(name.slice(2), 16) : parseInt(name.slice(1), 10);
      if (!Number.isFinite(codePoint) || codePoint <= 0 || codePoint > 0x10ffff) return entity;
      return String.fromCodePoint(codePoint);
    }
    return NAMED_ENTITIES[name.toLowerCase()] ?? entity;
  });
}

function attribute(attributes: string, name: string): string | undefined {
  const match = new RegExp(`(?:^|\\s)${name}\\s*=\\s*(?:"([^"]*)"|'([^']*)'|([^\\s"'>]+))`, 'i').exec(attributes);
  if (!match) return undefined;
  return decodeEntities(match[1] ?? match[2] ?? match[3] ?? '').trim();
}

/** Accumulates text with HTML whitespace rules: runs collapse to one space, blocks end lines. */
class TextWriter {
  private out = '';
  private preDepth = 0;

  get length(): number {
    return this.out.length;
  }

  slice(from: number): string {
    return this.out.slice(from);
  }

  enterPre(): void {
    this.preDepth += 1;
  }

  leavePre(): void {
    this.preDepth = Math.max(0, this.preDepth - 1);
  }

  /** Appends source text (`decoded`: already free of entities, e.g. an attribute value). */
  text(raw: string, decoded = false): void {
    const plain = decoded ? raw : decodeEntities(raw);
    if (this.preDepth > 0) {
      this.out += plain;
      return;
    }
    let collapsed = plain.replace(/[ \t\n\r\f]+/g, ' ');
    if (collapsed.startsWith(' ') && (this.out === '' || /[ \n]$/.test(this.out))) collapsed = collapsed.slice(1);
    this.out += collapsed;
  }

  /** Ends the current line and makes sure `count` line breaks separate what follows (never at the very start). */
  breaks(count: number): void {
    this.out = this.out.replace(/ +$/, '');
    if (this.out === '') return;
    const existing = /\n*$/.exec(this.out)?.[0].length ?? 0;
    if (existing < count) this.out += '\n'.repeat(count - existing);
  }

  lineBreak(): void {
    this.out = this.out.replace(/ +$/, '') + '\n';
  }

  result(): string {
    return this.out
      .split('\n')
      .map((line) => line.replace(/[ \t]+$/, ''))
      .join('\n')
      .replace(/\n{3,}/g, '\n\n')
      .trim();
  }
}

function linkSuffix(href: string | undefined, linkText: string): string {
  if (!href || href.startsWith('#') || /^javascript:/i.test(href)) return '';
  const bare = href.replace(/^(mailto|tel):/i, '');
  const shown = linkText.trim();
  if (shown === href || shown === bare || shown === href.replace(/\/$/, '')) return '';
  return shown === '' ? href : ` (${href})`;
}

const TOKEN = /<!--[\s\S]*?(?:-->|$)|<!\[CDATA\[([\s\S]*?)(?:\]\]>|$)|<![^>]*>|<\?[^>]*>|<(\/?)([a-zA-Z][a-zA-Z0-9-]*)((?:[^>"']|"[^"]*"|'[^']*')*)>/g;

export function htmlToText(html: string): string {
  const writer = new TextWriter();
  const openLinks: { start: number; href: string | undefined }[] = [];
  let position = 0;
  let skipUntil: string | undefined;

  for (const match of html.matchAll(TOKEN)) {
    const index = match.index;
    const [whole, cdata, slash, rawName, attributes = ''] = match;
    const name = rawName?.toLowerCase();
    if (skipUntil !== undefined) {
      if (slash === '/' && name === skipUntil) {
        skipUntil = undefined;
        position = index + whole.length;
      }
      continue;
    }
    if (index > position) writer.text(html.slice(position, index));
    position = index + whole.length;
    if (cdata !== undefined) writer.text(cdata);
    if (name === undefined) continue; // comment, doctype, processing instruction

    const closing = slash === '/';
    if (!closing && SKIPPED.has(name) && !whole.endsWith('/>')) {
      skipUntil = name;
      continue;
    }
    if (name === 'br') writer.lineBreak();
    else if (name === 'a') {
      if (!closing) openLinks.push({ start: writer.length, href: attribute(attributes, 'href') });
      else {
        const link = openLinks.pop();
        if (link) writer.text(linkSuffix(link.href, writer.slice(link.start)), true);
      }
    } else if (name === 'img' && !closing) {
      const alt = attribute(attributes, 'alt');
      if (alt) writer.text(` ${alt} `, true);
    } else if (name === 'li' && !closing) {
      writer.breaks(1);
      writer.text('- ');
    } else if (PARAGRAPHS.has(name)) {
      writer.breaks(2);
      if (name === 'pre') closing ? writer.leavePre() : writer.enterPre();
    } else if (LINES.has(name)) writer.breaks(1);
  }
  if (skipUntil === undefined && position < html.length) writer.text(html.slice(position));
  return writer.result();
}
