/** A piece of a chat message: plain text, or a web link to make clickable. */
export type TextPart = { readonly kind: 'text'; readonly text: string } | { readonly kind: 'link'; readonly text: string; readonly href: string };

// A run starting with http:// or https:// up to whitespace; what counts as a link is decided by URL below.
const candidate = /\bhttps?:\/\/[^\s<>"]+/gi;
// Punctuation that ends a sentence rather than the address ("see https://x.example/a.").
const trailing = /[.,;:!?'")\]}]+$/;

/**
 * Splits text into plain parts and http/https links, so the page can build text nodes and anchors (never
 * HTML from the text). A link must parse as an absolute http(s) URL with a host; anything else stays text.
 * A closing bracket is kept when the link opened one (Wikipedia-style addresses).
 */
export function splitLinks(text: string): TextPart[] {
  const parts: TextPart[] = [];
  let at = 0;
  for (const match of text.matchAll(candidate)) {
    const start = match.index;
    let raw = match[0];
    const tail = trailing.exec(raw)?.[0] ?? '';
    raw = raw.slice(0, raw.length - tail.length);
    if (tail.startsWith(')') && raw.includes('(') && count(raw, '(') > count(raw, ')')) raw += ')';
    const href = safeHref(raw);
    if (href === null) continue;
    if (start > at) parts.push({ kind: 'text', text: text.slice(at, start) });
    parts.push({ kind: 'link', text: raw, href });
    at = start + raw.length;
  }
  if (at < text.length) parts.push({ kind: 'text', text: text.slice(at) });
  return parts;
}

function safeHref(raw: string): string | null {
  try {
    const url = new URL(raw);
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.hostname !== '' ? url.href : null;
  } catch {
    return null;
  }
}

function count(text: string, char: string): number {
  let n = 0;
  for (const c of text) if (c === char) n++;
  return n;
}
