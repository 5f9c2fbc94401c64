import { PageEventsService, type PageEvent } from './page-events.service.js';

describe('PageEventsService', () => {
  const event: PageEvent = { kind: 'updated', pageId: '7', actorId: null };

  it('hands each event to every listener and waits for them', async () => {
    const events = new PageEventsService();
    const seen: string[] = [];
    events.subscribe(async (e) => void seen.push(`a:${e.kind}`));
    events.subscribe(async (e) => void seen.push(`b:${e.pageId}`));
    await events.emit(event);
    expect(seen).toEqual(['a:updated', 'b:7']);
  });

  it('never fails the change when a listener fails, and still runs the others', async () => {
    const events = new PageEventsService();
    const seen: string[] = [];
    events.subscribe(async () => {
      throw new Error('listener failed (expected in this test)');
    });
    events.subscribe(async () => void seen.push('ran'));
    await expect(events.emit(event)).resolves.toBeUndefined();
    expect(seen).toEqual(['ran']);
  });
});
