// Bundles the browser editor (editor/src) and the page-screen highlighter into public/, which
// Atrium serves under /static: npm packages in, same-origin files out (no CDN, CSP 'self').
import { build } from 'esbuild';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));

await build({
  absWorkingDir: root,
  entryPoints: {
    'js/editor': 'editor/src/main.ts',
    'js/highlight': 'editor/src/highlight.ts',
    'css/editor': 'editor/src/editor.css',
    'css/highlight': 'editor/src/highlight.css',
  },
  outdir: 'public',
  bundle: true,
  minify: true,
  format: 'iife',
  target: ['es2022', 'chrome110', 'firefox110', 'safari16'],
  legalComments: 'eof',
  logLevel: 'warning',
});
