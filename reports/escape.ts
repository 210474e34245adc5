// Escaping for everything reports write: HTML text and attributes, XML (JUnit), and JSON embedded in
// a <script type="application/json"> element. Trace content (znode data, notes, messages) is
// untrusted text and goes through one of these, always.

const HTML_ESCAPES: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Escapes text for HTML element content and quoted attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (ch) => HTML_ESCAPES[ch] ?? ch);
}

// XML 1.0 allows tab, LF, CR and U+0020 and above, except lone surrogates, U+FFFE and U+FFFF.
const XML_INVALID = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** Escapes text for XML content and attributes; characters XML 1.0 cannot carry become U+FFFD. */
export function escapeXml(text: string): string {
  return text.replace(XML_INVALID, '\uFFFD').replace(/[&<>"']/g, (ch) => (ch === "'" ? '&apos;' : (HTML_ESCAPES[ch] ?? ch)));
}

/**
 * JSON that is safe inside <script type="application/json">: `<`, `>` and `&` become \u escapes, so
 * no `</script>` or `<!--` can end the element early, and U+2028/U+2029 are escaped too.
 */
export function jsonForScript(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/>/g, '\\u003e')
    .replace(/&/g, '\\u0026')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}
