import { notificationSubject, unreadBadge } from './notification-text.js';

describe('notification text', () => {
  it('names the actor, what they did and the page', () => {
    expect(notificationSubject('Jane Doe', 'updated', 'Setup guide')).toBe('Jane Doe edited "Setup guide"');
    expect(notificationSubject('Jane Doe', 'commented', 'Setup guide')).toBe('Jane Doe commented on "Setup guide"');
    expect(notificationSubject(null, 'trashed', 'Old')).toBe('Someone moved to the trash "Old"');
    expect(notificationSubject('Jo', 'created', 'New')).toBe('Jo created "New"');
  });

  it('shows no badge at zero and caps it at 99+', () => {
    expect(unreadBadge(0)).toBeNull();
    expect(unreadBadge(7)).toBe('7');
    expect(unreadBadge(99)).toBe('99');
    expect(unreadBadge(100)).toBe('99+');
  });
});
