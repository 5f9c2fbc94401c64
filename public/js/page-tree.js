// Lazy page tree: children load when a node is opened. Served from /static, allowed by the CSP.
(() => {
  const tree = document.querySelector('[data-tree-space]');
  if (!tree) return;
  const space = tree.getAttribute('data-tree-space');

  function node(child) {
    const li = document.createElement('li');
    li.dataset.pageId = child.id;
    if (child.hasChildren) {
      const toggle = document.createElement('button');
      toggle.type = 'button';
      toggle.className = 'tree-toggle';
      toggle.setAttribute('aria-expanded', 'false');
      toggle.setAttribute('aria-label', 'Show children');
      toggle.textContent = '▸';
      li.append(toggle);
    }
    const a = document.createElement('a');
    a.href = child.url;
    a.textContent = child.title;
    li.append(a);
    return li;
  }

  tree.addEventListener('click', async (event) => {
    const toggle = event.target.closest('.tree-toggle');
    if (!toggle) return;
    const li = toggle.parentElement;
    const open = toggle.getAttribute('aria-expanded') === 'true';
    const existing = li.querySelector(':scope > ul');
    if (open) {
      toggle.setAttribute('aria-expanded', 'false');
      toggle.textContent = '▸';
      existing?.setAttribute('hidden', '');
      return;
    }
    toggle.setAttribute('aria-expanded', 'true');
    toggle.textContent = '▾';
    if (existing) return existing.removeAttribute('hidden');
    const response = await fetch(`/spaces/${encodeURIComponent(space)}/tree?parent=${li.dataset.pageId}`, {
      headers: { Accept: 'application/json' },
    });
    if (!response.ok) return;
    const { children } = await response.json();
    const ul = document.createElement('ul');
    for (const child of children) ul.append(node(child));
    li.append(ul);
  });
})();
