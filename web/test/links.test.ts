import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { splitLinks } from '../src/lib/links';

describe('links in chat text', () => {
  it('keeps text without links as one text part', () => {
    assert.deepEqual(splitLinks('hello <b>x</b>'), [{ kind: 'text', text: 'hello <b>x</b>' }]);
  });

  it('finds http and https links between text', () => {
    assert.deepEqual(splitLinks('see https://example.org/a?b=1#c and http://x.test now'), [
      { kind: 'text', text: 'see ' },
      { kind: 'link', text: 'https://example.org/a?b=1#c', href: 'https://example.org/a?b=1#c' },
      { kind: 'text', text: ' and ' },
      { kind: 'link', text: 'http://x.test', href: 'http://x.test/' },
      { kind: 'text', text: ' now' },
    ]);
  });

  it('leaves sentence punctuation after a link outside it', () => {
    assert.deepEqual(splitLinks('Read https://example.org/page.'), [
      { kind: 'text', text: 'Read ' },
      { kind: 'link', text: 'https://example.org/page', href: 'https://example.org/page' },
      { kind: 'text', text: '.' },
    ]);
    assert.deepEqual(splitLinks('(https://example.org)').map((p) => p.text), ['(', 'https://example.org', ')']);
    assert.deepEqual(splitLinks('https://en.wikipedia.org/wiki/Foo_(bar)').map((p) => p.kind), ['link']);
  });

  it('never makes other schemes or markup links', () => {
    for (const text of ['javascript:alert(1)', 'data:text/html,<b>x</b>', 'ftp://example.org', '<a href="https://x.test">x</a>', 'https://']) {
      const links = splitLinks(text).filter((p) => p.kind === 'link');
      for (const link of links) assert.match(link.kind === 'link' ? link.href : '', /^https?:\/\/[^"<>]+$/);
    }
    assert.deepEqual(splitLinks('javascript:alert(1)'), [{ kind: 'text', text: 'javascript:alert(1)' }]);
    assert.deepEqual(splitLinks('https://'), [{ kind: 'text', text: 'https://' }]);
  });

  it('gives back the whole text across the parts', () => {
    const text = 'a https://x.test/1, b https://y.test/(2) c.';
    assert.equal(splitLinks(text).map((p) => p.text).join(''), text);
  });
});
