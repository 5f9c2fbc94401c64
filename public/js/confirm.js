// Forms that destroy something ask first: <form data-confirm="Question?">. Without script they
// submit directly, as before. Served from /static, allowed by the CSP.
document.addEventListener('submit', (event) => {
  const question = event.target instanceof HTMLFormElement ? event.target.dataset.confirm : undefined;
  if (question && !window.confirm(question)) event.preventDefault();
});
