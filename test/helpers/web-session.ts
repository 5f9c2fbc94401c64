import type { Server } from 'node:http';
import request from 'supertest';
import type TestAgent from 'supertest/lib/agent.js';

/** Pulls the CSRF token out of a rendered form. */
export function csrfTokenFrom(html: string): string {
  const match = /name="_csrf" value="([^"]+)"/.exec(html);
  if (!match) throw new Error('no CSRF token in page');
  return match[1];
}

/** A browser-like client: keeps cookies and sends each form with the page's CSRF token. */
export class WebSession {
  readonly agent: TestAgent;

  constructor(private readonly http: Server) {
    this.agent = request.agent(http);
  }

  async csrfToken(path = '/login'): Promise<string> {
    const page = await this.agent.get(path);
    return csrfTokenFrom(page.text);
  }

  async login(username: string, password: string, next?: string) {
    const token = await this.csrfToken('/login');
    return this.agent
      .post('/login')
      .type('form')
      .send({ _csrf: token, username, password, ...(next ? { next } : {}) });
  }

  /** Posts a form the way a browser would after loading `fromPage`. */
  async submit(path: string, fields: Record<string, string | string[]>, fromPage = '/') {
    const token = await this.csrfToken(fromPage);
    return this.agent.post(path).type('form').send({ _csrf: token, ...fields });
  }

  sessionCookie(): string | undefined {
    const cookies = this.agent.jar.getCookies({ domain: '127.0.0.1', path: '/', secure: false, script: false });
    return cookies.find((c) => c.name === 'atrium.sid')?.value;
  }
}
