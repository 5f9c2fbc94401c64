import request from 'supertest';
import { ADMIN_PASSWORD, startTestApp, type TestApp } from './helpers/test-app.js';
import { WebSession } from './helpers/web-session.js';

describe('smoke', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  it('serves /status without login', async () => {
    const res = await request(t.http).get('/status').expect(200);
    expect(res.body).toEqual({ state: 'RUNNING' });
  });

  it('logs the admin in', async () => {
    const s = new WebSession(t.http);
    const res = await s.login('admin', ADMIN_PASSWORD);
    expect(res.status).toBe(303);
    const me = await s.agent.get('/rest/api/user/current').expect(200);
    expect(me.body.username).toBe('admin');
    expect(s.sessionCookie()).toBeTruthy();
  });
});
