// The little of the browser's DOM the studio page's scripts use, typed here because the project
// compiles without the DOM's own types (it is a Node project; only these files run in a page).
// Text reaches the page only through textContent and setAttribute, never as markup.

export interface StudioElement {
  textContent: string | null;
  className: string;
  value: string;
  disabled: boolean;
  checked: boolean;
  hidden: boolean;
  appendChild(child: StudioElement): StudioElement;
  replaceChildren(...children: StudioElement[]): void;
  setAttribute(name: string, value: string): void;
  getAttribute(name: string): string | null;
  addEventListener(type: string, listener: (event: { target: unknown }) => void): void;
  click(): void;
  remove(): void;
}

interface StudioDocument {
  createElement(tag: string): StudioElement;
  getElementById(id: string): StudioElement | null;
  body: StudioElement;
}

export const page = globalThis as unknown as { document: StudioDocument } & Record<string, unknown>;

/** An element with attributes and text (text as textContent only). */
export function el(tag: string, attrs: Readonly<Record<string, string | number>> | null = null, text?: string): StudioElement {
  const node = page.document.createElement(tag);
  if (attrs !== null) for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, String(v));
  if (text !== undefined) node.textContent = text;
  return node;
}

/** A button that runs `onClick`. */
export function button(text: string, attrs: Readonly<Record<string, string | number>>, onClick: () => void): StudioElement {
  const b = el('button', { type: 'button', ...attrs }, text);
  b.addEventListener('click', onClick);
  return b;
}

export function byId(id: string): StudioElement {
  const found = page.document.getElementById(id);
  if (found === null) throw new Error(`the studio page has no #${id}`);
  return found;
}

export function secs(t: number): string {
  return `${(t / 1e6).toFixed(6)}s`;
}
