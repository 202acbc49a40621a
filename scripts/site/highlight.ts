/**
 * Syntax highlighting at build time with highlight.js, so pages need no script to colour code.
 * Only the languages the course uses are registered, which keeps the build fast.
 *
 * @module
 */

import hljs from "highlight.js/lib/core";
import typescript from "highlight.js/lib/languages/typescript";
import javascript from "highlight.js/lib/languages/javascript";
import json from "highlight.js/lib/languages/json";
import bash from "highlight.js/lib/languages/bash";
import { escapeHtml } from "./html.ts";

hljs.registerLanguage("typescript", typescript);
hljs.registerLanguage("javascript", javascript);
hljs.registerLanguage("json", json);
hljs.registerLanguage("bash", bash);

/**
 * `code` as a highlighted `<pre><code>` block. `language` is a highlight.js name or alias (`ts`,
 * `js`, `sh` …); any other language, or none, gives the code escaped but uncoloured.
 */
export function highlightCode(code: string, language = "typescript"): string {
  const known = language !== "" && hljs.getLanguage(language) !== undefined;
  const body = known
    ? hljs.highlight(code, { language, ignoreIllegals: true }).value
    : escapeHtml(code);
  const cls = known ? ` class="language-${escapeHtml(language)}"` : "";
  return `<pre class="hljs"><code${cls}>${body}</code></pre>`;
}
