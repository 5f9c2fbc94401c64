// Header search box: page titles while typing (GET /search/quick), Enter without a pick runs the full search.
(() => {
  const form = document.querySelector('form.quick-search');
  if (!form) return;
  const input = form.querySelector('input[name="q"]');
  const list = form.querySelector('.quick-search-results');
  const MIN_CHARS = 3;
  let timer = null;
  let pending = null;
  let active = -1;

  const items = () => [...list.querySelectorAll('[role="option"]')];

  function close() {
    list.hidden = true;
    list.replaceChildren();
    active = -1;
    input.removeAttribute('aria-activedescendant');
  }

  function highlight(index) {
    const options = items();
    if (!options.length) return;
    active = (index + options.length) % options.length;
    options.forEach((option, i) => option.setAttribute('aria-selected', String(i === active)));
    input.setAttribute('aria-activedescendant', options[active].id);
  }

  function show(results) {
    list.replaceChildren();
    active = -1;
    results.forEach((result, i) => {
      const li = document.createElement('li');
      li.id = `quick-search-option-${i}`;
      li.setAttribute('role', 'option');
      li.setAttribute('aria-selected', 'false');
      const a = document.createElement('a');
      a.href = result.url;
      a.textContent = result.title;
      const space = document.createElement('span');
      space.className = 'quick-search-space';
      space.textContent = result.spaceName;
      a.append(space);
      li.append(a);
      list.append(li);
    });
    list.hidden = results.length === 0;
  }

  async function lookUp(text) {
    pending?.abort();
    pending = new AbortController();
    try {
      const response = await fetch(`/search/quick?q=${encodeURIComponent(text)}`, {
        headers: { Accept: 'application/json' },
        signal: pending.signal,
      });
      if (!response.ok) return close();
      const { results } = await response.json();
      if (input.value.trim() === text) show(results);
    } catch (error) {
      if (error.name !== 'AbortError') close();
    }
  }

  input.addEventListener('input', () => {
    clearTimeout(timer);
    const text = input.value.trim();
    if (text.length < MIN_CHARS) {
      pending?.abort();
      return close();
    }
    timer = setTimeout(() => lookUp(text), 150);
  });

  input.addEventListener('keydown', (event) => {
    if (list.hidden) return;
    if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
      event.preventDefault();
      highlight(active + (event.key === 'ArrowDown' ? 1 : -1));
    } else if (event.key === 'Enter' && active >= 0) {
      event.preventDefault();
      window.location.assign(items()[active].querySelector('a').href);
    } else if (event.key === 'Escape') {
      close();
    }
  });

  // Pressing on a suggestion keeps the focus in the box, so the click lands before blur closes the list.
  list.addEventListener('mousedown', (event) => event.preventDefault());
  input.addEventListener('blur', close);
})();
