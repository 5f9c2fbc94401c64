import 'reflect-metadata';
import { runCli } from './cli/cli.js';

const code = await runCli(process.argv.slice(2), process.env, {
  out: (line) => console.log(line),
  err: (line) => console.error(line),
});
process.exit(code);
