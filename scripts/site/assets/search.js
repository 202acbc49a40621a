// Client-side search over every chapter. The index is a script that sets a global
// (assets/search-index.js, loaded just before this one) because pages opened from file:// may not
// fetch local JSON. All links in the index are relative to the site root, where every page lives.
(() => {
  const input = document.getElementById("search-input");
  const list = document.getElementById("search-results");
  if (!input || !list) return;
  const MAX_RESULTS = 20;
  const sections = (globalThis.FDL_SEARCH_INDEX ?? []).map((section) => ({
    ...section,
    headingLower: section.heading.toLowerCase(),
    haystack: `${section.chapterTitle} ${section.heading} ${section.text}`.toLowerCase(),
  }));

  /** Sections containing every word of the query; heading matches first. */
  function search(query) {
    const terms = query.toLowerCase().split(/\s+/).filter((t) => t !== "");
    if (terms.length === 0) return [];
    return sections
      .filter((s) => terms.every((t) => s.haystack.includes(t)))
      .map((s) => ({ s, score: terms.filter((t) => s.headingLower.includes(t)).length }))
      .sort((a, b) => b.score - a.score || a.s.chapter - b.s.chapter)
      .slice(0, MAX_RESULTS)
      .map(({ s }) => ({ section: s, snippet: snippet(s.text, terms[0]) }));
  }

  /** A short stretch of `text` around the first place `term` occurs. */
  function snippet(text, term) {
    const at = Math.max(0, text.toLowerCase().indexOf(term));
    const start = Math.max(0, at - 60);
    const end = Math.min(text.length, at + term.length + 100);
    return (start > 0 ? "…" : "") + text.slice(start, end) + (end < text.length ? "…" : "");
  }

  function show(results, query) {
    // Built with textContent, never innerHTML, so text from the notebooks cannot inject markup.
    const items = results.map(({ section, snippet }) => {
      const item = document.createElement("li");
      const link = document.createElement("a");
      link.href = section.href;
      link.textContent = `${section.chapter}. ${section.chapterTitle} › ${section.heading}`;
      const text = document.createElement("p");
      text.textContent = snippet;
      item.append(link, text);
      return item;
    });
    if (items.length === 0 && query.trim() !== "") {
      const item = document.createElement("li");
      item.className = "no-results";
      item.textContent = "No matches.";
      items.push(item);
    }
    list.replaceChildren(...items);
    list.hidden = items.length === 0;
  }

  input.addEventListener("input", () => show(search(input.value), input.value));
  input.addEventListener("focus", () => show(search(input.value), input.value));
  document.addEventListener("click", (event) => {
    if (!input.parentElement.contains(event.target)) list.hidden = true;
  });
  input.addEventListener("keydown", (event) => {
    if (event.key === "Escape") {
      input.value = "";
      show([], "");
    } else if (event.key === "Enter") {
      list.querySelector("a")?.click();
    }
  });
})();
