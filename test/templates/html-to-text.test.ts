import { describe, expect, it } from 'vitest';
import { decodeEntities, htmlToText } from '../../shared/domain/templates/html-to-text';

describe('htmlToText', () => {
  it('separates paragraphs with a blank line and keeps <br> as a line break', () => {
    expect(htmlToText('<p>Dear Charlotte,</p><p>Your ring is ready.<br>Come and see us.</p>')).toBe(
      'Dear Charlotte,\n\nYour ring is ready.\nCome and see us.',
    );
  });

  it('collapses source whitespace the way a browser does', () => {
    expect(htmlToText('<p>\n   Hello\n   there,   friend\n</p>\n\n\n<p>Bye</p>')).toBe('Hello there, friend\n\nBye');
  });

  it('writes links as text (url)', () => {
    expect(htmlToText('<p>See <a href="https://shop.example/rings">our rings</a> today</p>')).toBe(
      'See our rings (https://shop.example/rings) today',
    );
  });

  it('writes a link whose text is its url once, and drops anchors and javascript: links', () => {
    expect(htmlToText('<a href="https://shop.example">https://shop.example</a>')).toBe('https://shop.example');
    expect(htmlToText('<a href="mailto:hi@shop.example">hi@shop.example</a>')).toBe('hi@shop.example');
    expect(htmlToText('<a href="#top">Back to top</a>')).toBe('Back to top');
    expect(htmlToText('<a href="javascript:alert(1)">Click</a>')).toBe('Click');
  });

  it('uses the url for a link with no text, and image alt text inside links', () => {
    expect(htmlToText('<a href="https://shop.example/x"></a>')).toBe('https://shop.example/x');
    expect(htmlToText('<a href="https://shop.example"><img src="logo.png" alt="Aurora"></a>')).toBe('Aurora (https://shop.example)');
  });

  it('decodes entities in text and in link urls: the text part is never escaped', () => {
    expect(htmlToText("<p>O&#39;Brien &amp; Sons &lt;3 &quot;hi&quot; &euro;5&nbsp;off &#x1F48D;</p>")).toBe(`O'Brien & Sons <3 "hi" €5 off 💍`);
    expect(htmlToText('<a href="https://x.example/?a=1&amp;b=2">Go</a>')).toBe('Go (https://x.example/?a=1&b=2)');
  });

  it('drops head, style, script and comments', () => {
    const html =
      '<!doctype html><html><head><title>Offer</title><style>p { color: red }</style></head>' +
      '<body><!-- hidden --><script>alert(1)</script><p>Visible</p></body></html>';
    expect(htmlToText(html)).toBe('Visible');
  });

  it('lists become "- item" lines, headings paragraphs, table cells lines', () => {
    expect(htmlToText('<h1>New arrivals</h1><ul><li>Rings</li><li>Pearls</li></ul><p>End</p>')).toBe(
      'New arrivals\n\n- Rings\n- Pearls\n\nEnd',
    );
    expect(htmlToText('<table><tr><td>Logo</td></tr><tr><td><p>Body</p></td></tr></table>')).toBe('Logo\n\nBody');
  });

  it('keeps whitespace inside <pre>', () => {
    expect(htmlToText('<pre>a\n  b</pre>')).toBe('a\n  b');
  });

  it('handles attributes containing ">" and unclosed markup without throwing', () => {
    expect(htmlToText('<a title="1 > 0" href="https://x.example">x</a>')).toBe('x (https://x.example)');
    expect(htmlToText('<p>Unclosed <b>bold')).toBe('Unclosed bold');
    expect(htmlToText('plain text, no tags')).toBe('plain text, no tags');
  });
});

describe('decodeEntities', () => {
  it('leaves unknown and invalid entities alone', () => {
    expect(decodeEntities('&bogus; &#0; &#x110000; &amp')).toBe('&bogus; &#0; &#x110000; &amp');
  });
});
