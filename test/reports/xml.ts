// A strict little XML parser for the JUnit tests (the project has no XML dependency): it accepts the
// XML declaration, elements, double-quoted attributes, text and the five named entities plus numeric
// ones, and throws on anything else (a stray `<` or `&`, a mismatched or unclosed tag, characters
// XML 1.0 cannot carry), so "it parses" means a CI tool's parser would take it too.

export interface XmlElement {
  readonly name: string;
  readonly attrs: Readonly<Record<string, string>>;
  readonly children: readonly XmlElement[];
  /** The element's own text, entities decoded. */
  readonly text: string;
}

const ENTITIES: Readonly<Record<string, string>> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };
const NAME = /^[A-Za-z_][\w.:-]*/;
const BAD_CHAR = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/;

function decode(raw: string, at: number): string {
  if (BAD_CHAR.test(raw)) throw new Error(`character XML 1.0 cannot carry near offset ${at}`);
  if (raw.includes('<')) throw new Error(`raw '<' in text or attribute near offset ${at}`);
  return raw.replace(/&([^;]*);?/g, (whole, ent: string) => {
    if (!whole.endsWith(';')) throw new Error(`unterminated entity near offset ${at}`);
    if (ent in ENTITIES) return ENTITIES[ent] as string;
    const m = /^#(x[0-9a-fA-F]+|\d+)$/.exec(ent);
    if (m === null) throw new Error(`unknown entity &${ent}; near offset ${at}`);
    return String.fromCodePoint(Number(m[1]?.startsWith('x') ? `0${m[1]}` : m[1]));
  });
}

export function parseXml(text: string): XmlElement {
  let i = 0;
  if (text.startsWith('<?xml')) {
    const end = text.indexOf('?>');
    if (end < 0) throw new Error('unterminated XML declaration');
    i = end + 2;
  }
  const ws = (): void => {
    while (i < text.length && /\s/.test(text[i] as string)) i++;
  };
  const element = (): XmlElement => {
    if (text[i] !== '<') throw new Error(`expected '<' at offset ${i}`);
    i++;
    const name = NAME.exec(text.slice(i))?.[0];
    if (name === undefined) throw new Error(`expected an element name at offset ${i}`);
    i += name.length;
    const attrs: Record<string, string> = {};
    for (;;) {
      ws();
      if (text.startsWith('/>', i)) {
        i += 2;
        return { name, attrs, children: [], text: '' };
      }
      if (text[i] === '>') {
        i++;
        break;
      }
      const attr = NAME.exec(text.slice(i))?.[0];
      if (attr === undefined || text[i + attr.length] !== '=' || text[i + attr.length + 1] !== '"') throw new Error(`expected name="value" at offset ${i}`);
      if (attr in attrs) throw new Error(`duplicate attribute ${attr} at offset ${i}`);
      const start = i + attr.length + 2;
      const end = text.indexOf('"', start);
      if (end < 0) throw new Error(`unterminated attribute at offset ${i}`);
      attrs[attr] = decode(text.slice(start, end), start);
      i = end + 1;
    }
    const children: XmlElement[] = [];
    let own = '';
    for (;;) {
      const next = text.indexOf('<', i);
      if (next < 0) throw new Error(`<${name}> is never closed`);
      own += decode(text.slice(i, next), i);
      i = next;
      if (text.startsWith('</', i)) {
        const close = `</${name}>`;
        if (!text.startsWith(close, i)) throw new Error(`expected ${close} at offset ${i}`);
        i += close.length;
        return { name, attrs, children, text: own };
      }
      children.push(element());
    }
  };
  ws();
  const root = element();
  ws();
  if (i !== text.length) throw new Error(`content after the root element at offset ${i}`);
  return root;
}

/** Every element named `name` under `root`, depth first. */
export function findAll(root: XmlElement, name: string): XmlElement[] {
  const out: XmlElement[] = [];
  const walk = (e: XmlElement): void => {
    if (e.name === name) out.push(e);
    e.children.forEach(walk);
  };
  walk(root);
  return out;
}
