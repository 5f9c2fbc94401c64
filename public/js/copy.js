// "Copy" buttons: <button data-copy="#element-id">Copy</button>. Served from /static, allowed by the CSP.
document.addEventListener('click', (event) => {
  const button = event.target.closest('[data-copy]');
  if (!button) return;
  const source = document.querySelector(button.getAttribute('data-copy'));
  if (!source) return;
  const text = source.value ?? source.textContent;
  navigator.clipboard.writeText(text.trim()).then(
    () => (button.textContent = 'Copied'),
    () => {
      source.select?.();
      button.textContent = 'Press Ctrl+C';
    },
  );
});
