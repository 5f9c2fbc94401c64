// Preloaded into the app (`node --import`) when `bench/wiki.mjs --profile DIR` asks for a CPU
// profile: V8's sampling profiler runs from start-up and the profile is written at exit to
// $ATRIUM_BENCH_PROFILE (NODE_OPTIONS may not carry --cpu-prof).
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';

const file = process.env.ATRIUM_BENCH_PROFILE;
if (file) {
  const session = new Session();
  session.connect();
  session.post('Profiler.enable');
  session.post('Profiler.setSamplingInterval', { interval: 500 });
  session.post('Profiler.start');
  // A same-thread inspector session answers synchronously, so this works in an exit handler.
  process.on('exit', () => {
    session.post('Profiler.stop', (error, result) => {
      if (!error) writeFileSync(file, JSON.stringify(result.profile));
    });
  });
}
