// The page-view baseline of the wiki bench: a minimal Express + pg + Handlebars route that reads
// the same page row Atrium shows and renders it in a small layout. No sessions, no permission
// checks, no sanitising, no page tree: the floor a Node page view costs on this machine.
//   node bench/wiki-baseline-server.mjs <port> <databaseUrl>
// Listens on 127.0.0.1 only and prints "listening" when ready.
import express from 'express';
import Handlebars from 'handlebars';
import pg from 'pg';

const [port, databaseUrl] = process.argv.slice(2);
if (!port || !databaseUrl) {
  console.error('usage: node bench/wiki-baseline-server.mjs <port> <databaseUrl>');
  process.exit(2);
}

// The same pool size as the app (src/database/database.module.ts).
const pool = new pg.Pool({ connectionString: databaseUrl, max: 10 });
const page = Handlebars.compile(`<!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8"><title>{{title}} - Baseline</title><link rel="stylesheet" href="/static/css/atrium.css"></head>
<body>
<main class="content">
  <nav class="breadcrumbs"><a href="/spaces">Spaces</a> / <a href="/spaces/{{key}}">{{key}}</a></nav>
  <h1>{{title}}</h1>
  <p class="muted page-meta">Version {{version}}, last updated on {{updated}}.</p>
  <div class="page-body">{{{body}}}</div>
</main>
</body>
</html>`);

const app = express();
app.disable('x-powered-by');
app.get('/spaces/:key/pages/:id/:slug', async (req, res, next) => {
  try {
    const { rows } = await pool.query(
      `SELECT p.id::text, p.title, p.body, p.version, p.updated_at, s.key
         FROM pages p JOIN spaces s ON s.id = p.space_id WHERE p.id = $1 AND p.status = 'current'`,
      [req.params.id],
    );
    if (!rows.length) return res.status(404).send('Not found');
    const row = rows[0];
    res.type('html').send(page({ ...row, updated: row.updated_at.toISOString().slice(0, 10) }));
  } catch (error) {
    next(error);
  }
});

const server = app.listen(Number(port), '127.0.0.1', () => console.log('listening'));
const stop = () => server.close(() => pool.end().then(() => process.exit(0)));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
