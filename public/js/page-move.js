// Move form: when the space or parent changes, the position list is refetched for that parent,
// and parent titles are suggested while typing. Without this script the server re-lists on error.
(() => {
  const form = document.querySelector('form.page-move-form');
  if (!form) return;
  const space = form.querySelector('#spaceKey');
  const parent = form.querySelector('#parentTitle');
  const position = form.querySelector('#position');
  const suggestions = form.querySelector('#parent-suggestions');
  const json = { headers: { Accept: 'application/json' } };
  let timer = null;

  function option(value, label) {
    const o = document.createElement('option');
    o.value = value;
    o.textContent = label;
    return o;
  }

  async function refreshPositions() {
    const query = new URLSearchParams({ spaceKey: space.value, parentTitle: parent.value });
    const response = await fetch(`${form.dataset.siblingsUrl}?${query}`, json);
    const children = response.ok ? (await response.json()).children : [];
    const options = [option('first', 'First'), ...children.map((c) => option(`after:${c.id}`, `After “${c.title}”`)), option('last', 'Last')];
    position.replaceChildren(...options);
    position.value = 'last';
  }

  async function suggestParents() {
    const q = parent.value.trim();
    if (q.length < 3) return suggestions.replaceChildren();
    const response = await fetch(`/search/quick?q=${encodeURIComponent(q)}`, json);
    if (!response.ok) return;
    const { results } = await response.json();
    const titles = results.filter((r) => r.spaceKey === space.value).map((r) => option(r.title, r.title));
    suggestions.replaceChildren(...titles);
  }

  space.addEventListener('change', refreshPositions);
  parent.addEventListener('change', refreshPositions);
  parent.addEventListener('input', () => {
    clearTimeout(timer);
    timer = setTimeout(suggestParents, 200);
  });
})();
