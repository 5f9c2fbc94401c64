// Preloaded into the app process (`node --import ./bench/probe.mjs dist/src/main.js`), so the
// event loop is measured from inside the real server process. The bench talks to it over IPC:
//   { bench: 'reset' }  -> clears the histogram
//   { bench: 'report' } -> replies with event-loop delay figures and memory
// Without an IPC channel (a normal start) it does nothing.
import { monitorEventLoopDelay, PerformanceObserver } from 'node:perf_hooks';

if (process.send) {
  const histogram = monitorEventLoopDelay({ resolution: 10 });
  histogram.enable();
  // Garbage-collection pauses, to tell a GC stall from a busy CPU or synchronous app code.
  let gcMaxMs = 0;
  let gcTotalMs = 0;
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      gcMaxMs = Math.max(gcMaxMs, entry.duration);
      gcTotalMs += entry.duration;
    }
  }).observe({ entryTypes: ['gc'] });
  const ms = (ns) => ns / 1e6;
  process.on('message', (message) => {
    if (message?.bench === 'reset') {
      histogram.reset();
      gcMaxMs = 0;
      gcTotalMs = 0;
      process.send({ bench: 'reset', id: message.id });
    } else if (message?.bench === 'report') {
      process.send({
        bench: 'report',
        id: message.id,
        maxMs: ms(histogram.max),
        p99Ms: ms(histogram.percentile(99)),
        p50Ms: ms(histogram.percentile(50)),
        meanMs: ms(histogram.mean),
        samples: histogram.count,
        gcMaxMs,
        gcTotalMs,
        memory: process.memoryUsage(),
      });
    }
  });
  // The channel must not keep the process alive; the app's own shutdown decides that.
  process.channel?.unref();
}
