/** Deterministic pseudo-random content for the demo wiki: varied sizes and structures. */
export class DemoRandom {
  private state: number;

  constructor(seed = 42) {
    this.state = seed >>> 0;
  }

  next(): number {
    // mulberry32
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)];
  }
}

const WORDS = (
  'release deployment database migration service latency customer onboarding checklist architecture ' +
  'incident review roadmap quarterly planning security audit backup restore network gateway cache ' +
  'queue worker cluster kubernetes terraform budget hiring interview policy handbook benefits travel ' +
  'expense invoice contract vendor support escalation ticket monitoring alert dashboard metric report ' +
  'design review prototype feedback research accessibility performance testing coverage pipeline ' +
  'build artifact registry storage encryption compliance privacy retention archive search index'
).split(' ');

export const LABELS = ['howto', 'meeting-notes', 'decision', 'runbook', 'draft', 'archived', 'team', 'onboarding', 'faq', 'spec'];

function sentence(r: DemoRandom, min = 6, max = 16): string {
  const words = Array.from({ length: r.int(min, max) }, () => r.pick(WORDS));
  const text = words.join(' ');
  return text[0].toUpperCase() + text.slice(1) + '.';
}

function paragraph(r: DemoRandom): string {
  return `<p>${Array.from({ length: r.int(1, 5) }, () => sentence(r)).join(' ')}</p>`;
}

export function demoTitle(r: DemoRandom, n: number): string {
  return `${sentence(r, 2, 5).slice(0, -1)} ${n}`;
}

/** A page body in storage format: a few hundred bytes to tens of KB, with the usual blocks. */
export function demoBody(r: DemoRandom): string {
  const size = r.pick(['small', 'small', 'medium', 'medium', 'medium', 'large'] as const);
  const sections = size === 'small' ? 1 : size === 'medium' ? r.int(2, 5) : r.int(8, 20);
  const parts: string[] = [];
  if (sections > 3) parts.push('<ac:structured-macro ac:name="toc" />');
  for (let s = 0; s < sections; s++) {
    parts.push(`<h2>${sentence(r, 2, 4).slice(0, -1)}</h2>`);
    for (let p = r.int(1, 4); p > 0; p--) parts.push(paragraph(r));
    const extra = r.int(0, 9);
    if (extra === 0) parts.push(`<ul>${Array.from({ length: r.int(2, 6) }, () => `<li>${sentence(r, 3, 8)}</li>`).join('')}</ul>`);
    if (extra === 1) {
      parts.push(
        `<table><tbody><tr><th>Item</th><th>Owner</th><th>Status</th></tr>${Array.from(
          { length: r.int(2, 8) },
          () => `<tr><td>${r.pick(WORDS)}</td><td>${r.pick(WORDS)}</td><td>${r.pick(['open', 'done', 'blocked'])}</td></tr>`,
        ).join('')}</tbody></table>`,
      );
    }
    if (extra === 2) parts.push(`<pre><code class="language-js">const ${r.pick(WORDS)} = await load('${r.pick(WORDS)}');</code></pre>`);
    if (extra === 3) {
      parts.push(`<ac:structured-macro ac:name="${r.pick(['info', 'note', 'warning', 'tip'])}"><ac:rich-text-body>${paragraph(r)}</ac:rich-text-body></ac:structured-macro>`);
    }
    if (extra === 4) {
      parts.push(`<ac:task-list><ac:task><ac:task-status>${r.pick(['complete', 'incomplete'])}</ac:task-status><ac:task-body>${sentence(r, 3, 6)}</ac:task-body></ac:task></ac:task-list>`);
    }
  }
  return parts.join('');
}

/** A 1×1 PNG for demo image attachments. */
export const DEMO_PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==',
  'base64',
);
