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

  /** Opens a node, loading its children the first time; resolves when they show. */
  async function expand(li) {
    const toggle = li.querySelector(':scope > .tree-toggle');
    if (!toggle) return;
    toggle.setAttribute('aria-expanded', 'true');
    toggle.textContent = '▾';
    const existing = li.querySelector(':scope > ul');
    if (existing) return existing.removeAttribute('hidden');
    const response = await fetch(`/spaces/${encodeURIComponent(space)}/tree?parent=${li.dataset.pageId}`, {
      headers: { Accept: 'application/json' },
    });
    if (!response.ok) return;
    const { children } = await response.json();
    if (li.querySelector(':scope > ul')) return; // opened twice while loading
    const ul = document.createElement('ul');
    for (const child of children) ul.append(node(child));
    li.append(ul);
  }

  tree.addEventListener('click', (event) => {
    const toggle = event.target.closest('.tree-toggle');
    if (!toggle) return;
    const li = toggle.parentElement;
    if (toggle.getAttribute('aria-expanded') === 'true') {
      toggle.setAttribute('aria-expanded', 'false');
      toggle.textContent = '▸';
      li.querySelector(':scope > ul')?.setAttribute('hidden', '');
      return;
    }
    void expand(li);
  });

  // As in Confluence, the tree opens down to the page being viewed: its ancestors, level by level.
  (async () => {
    const path = (tree.getAttribute('data-tree-path') || '').split(' ').filter(Boolean);
    const current = tree.getAttribute('data-tree-current');
    let level = tree;
    for (const id of path) {
      const li = [...level.children].find((item) => item.dataset.pageId === id);
      if (!li) return;
      await expand(li);
      level = li.querySelector(':scope > ul');
      if (!level) return;
    }
    const here = [...level.children].find((item) => item.dataset.pageId === current);
    here?.querySelector(':scope > a')?.setAttribute('aria-current', 'page');
  })();
})();
