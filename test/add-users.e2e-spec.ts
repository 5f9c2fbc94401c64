import bcrypt from 'bcrypt';
import { startTestApp, type TestApp } from './helpers/test-app.js';
import {
  countUsers,
  createUser,
  escapeHtml,
  fieldBlock,
  groupsOf,
  inputValue,
  loginAs,
  loginAsAdmin,
  newUserForm,
  postForm,
  type UserForm,
} from './helpers/admin-fixtures.js';
import { csrfTokenFrom, type WebSession } from './helpers/web-session.js';

const ADD = '/admin/users/add';

describe('Add Users', () => {
  let t: TestApp;
  let admin: WebSession;

  beforeAll(async () => {
    t = await startTestApp();
    admin = await loginAsAdmin(t);
    await createUser(t, { username: 'Existing.User', fullName: 'Existing User', email: 'Existing@Example.com' });
  });
  afterAll(() => t.close());

  it('shows the seed form: labelled Username, Full Name, Email, Password, Confirm Password and an Add button', async () => {
    const res = await admin.agent.get(ADD).expect(200);
    expect(res.headers['content-type']).toMatch(/text\/html/);
    const html = res.text;
    const fields: [string, string, string][] = [
      ['username', 'Username', 'text'],
      ['fullName', 'Full Name', 'text'],
      ['email', 'Email', 'email'],
      ['password', 'Password', 'password'],
      ['confirmPassword', 'Confirm Password', 'password'],
    ];
    for (const [id, label, type] of fields) {
      expect(html).toContain(`<label for="${id}">${label}</label>`);
      expect(html).toMatch(new RegExp(`<input id="${id}" name="${id}" type="${type}"`));
    }
    expect(html).toMatch(/<form method="post" action="\/admin\/users\/add"/);
    expect(html).toMatch(/<button type="submit"[^>]*>Add<\/button>/);
    expect(html).toMatch(/name="_csrf" value="[^"]+"/);
    // The tab the seed's steps name.
    expect(html).toMatch(/<a href="\/admin\/users\/add" class="active" aria-current="page">Add Users<\/a>/);
  });

  it('has exactly those inputs, besides the CSRF token', async () => {
    const html = (await admin.agent.get(ADD).expect(200)).text;
    const form = /<form method="post" action="\/admin\/users\/add"[\s\S]*?<\/form>/.exec(html)![0];
    const names = [...form.matchAll(/<input[^>]* name="([^"]+)"/g)].map((m) => m[1]);
    expect(names).toEqual(['_csrf', 'username', 'fullName', 'email', 'password', 'confirmPassword']);
  });

  // The seed's steps: cog > User management > Add Users tab > "Add a User", then the user logs in.
  it('adds Britta Simon as the seed does; she logs in and sees her username at /rest/api/user/current', async () => {
    const home = (await admin.agent.get('/').expect(200)).text;
    const cogLink = /<a href="([^"]+)">User management<\/a>/.exec(home)![1];
    const list = (await admin.agent.get(cogLink).expect(200)).text;
    const addTab = /<a href="([^"]+)"[^>]*>Add Users<\/a>/.exec(list)![1];
    expect(addTab).toBe(ADD);
    const addPage = (await admin.agent.get(addTab).expect(200)).text;
    expect(addPage).toContain('<h2>Add a User</h2>');

    const form = newUserForm({ username: 'Brittasimon@contoso.com', fullName: 'Britta Simon', email: 'Brittasimon@contoso.com' });
    const before = await countUsers(t.db);
    const res = await admin.agent
      .post(ADD)
      .type('form')
      .send({ _csrf: csrfTokenFrom(addPage), ...form });
    expect(res.status).toBe(303);

    const [row] = await t.db.query(
      `SELECT id, username, full_name, email, password_hash, active FROM users WHERE username = $1`,
      [form.username],
    );
    expect(row).toMatchObject({ full_name: 'Britta Simon', email: 'Brittasimon@contoso.com', active: true });
    expect(res.headers.location).toBe(`/admin/users/${row.id}`);
    expect(await countUsers(t.db)).toBe(before + 1);
    expect(row.password_hash).toMatch(/^\$2[aby]\$04\$/);
    expect(row.password_hash).not.toContain(form.password);
    expect(await bcrypt.compare(form.password, row.password_hash)).toBe(true);
    expect(await groupsOf(t.db, form.username)).toEqual(['confluence-users']);

    const page = await admin.agent.get(res.headers.location).expect(200);
    expect(page.text).toContain('User Brittasimon@contoso.com was added.');
    expect(page.text).toContain('<h2>Brittasimon@contoso.com <span class="badge">Active</span></h2>');

    const britta = await loginAs(t, form.username, form.password);
    const me = await britta.agent.get('/rest/api/user/current').expect(200);
    expect(me.body).toMatchObject({
      type: 'known',
      username: 'Brittasimon@contoso.com',
      userKey: row.id,
      displayName: 'Britta Simon',
      email: 'Brittasimon@contoso.com',
    });
    // A normal user: no admin console.
    expect((await britta.agent.get(ADD)).status).toBe(403);
  });

  it('keeps the username and email as typed, without surrounding spaces', async () => {
    const form = newUserForm({ username: '  padded  ', fullName: '  Padded Name ', email: ' padded@example.com ' });
    const res = await postForm(admin, ADD, form, ADD);
    expect(res.status).toBe(303);
    const [row] = await t.db.query(`SELECT username, full_name, email FROM users WHERE username = 'padded'`);
    expect(row).toEqual({ username: 'padded', full_name: 'Padded Name', email: 'padded@example.com' });
  });

  describe('refuses bad input with a 400, the message by its field, the typed values kept and no row', () => {
    const long = (n: number) => 'x'.repeat(n);
    const cases: { name: string; form: Partial<UserForm>; field: keyof UserForm; message: string }[] = [
      {
        name: 'a duplicate username',
        form: { username: 'Existing.User' },
        field: 'username',
        message: 'A user with this username already exists.',
      },
      {
        name: 'a username that differs only in case',
        form: { username: 'existing.USER' },
        field: 'username',
        message: 'A user with this username already exists.',
      },
      {
        name: 'a duplicate email in another case',
        form: { email: 'EXISTING@example.COM' },
        field: 'email',
        message: 'A user with this email already exists.',
      },
      {
        name: 'passwords that differ',
        form: { password: 'First-Secret-111', confirmPassword: 'Second-Secret-222' },
        field: 'confirmPassword',
        message: 'Passwords do not match.',
      },
      {
        name: 'an invalid email',
        form: { email: 'not-an-email' },
        field: 'email',
        message: 'Enter a valid email address, like name@example.com.',
      },
      {
        name: 'a 256-character username',
        form: { username: long(256) },
        field: 'username',
        message: 'Username must be at most 255 characters.',
      },
      {
        name: 'a 256-character full name',
        form: { fullName: long(256) },
        field: 'fullName',
        message: 'Full name must be at most 255 characters.',
      },
      {
        name: 'a 256-character email',
        form: { email: `${long(244)}@example.com` },
        field: 'email',
        message: 'Email must be at most 255 characters.',
      },
      {
        name: 'a username with a space',
        form: { username: 'john smith' },
        field: 'username',
        message: 'Username cannot contain spaces or control characters.',
      },
      { name: 'an empty username', form: { username: '' }, field: 'username', message: 'Enter a username.' },
      { name: 'an empty full name', form: { fullName: '   ' }, field: 'fullName', message: 'Enter a full name.' },
      { name: 'an empty email', form: { email: '' }, field: 'email', message: 'Enter an email address.' },
      {
        name: 'an empty password',
        form: { password: '', confirmPassword: '' },
        field: 'password',
        message: 'Enter a password.',
      },
      {
        name: 'a too-short password',
        form: { password: 'Sh0rt!x', confirmPassword: 'Sh0rt!x' },
        field: 'password',
        message: 'Password must be at least 8 characters.',
      },
    ];

    it.each(cases)('$name', async ({ form: overrides, field, message }) => {
      const form = newUserForm({ password: 'Never-Echo-Me-9', confirmPassword: 'Never-Echo-Me-9', ...overrides });
      const before = await countUsers(t.db);

      const res = await postForm(admin, ADD, form, ADD);

      expect(res.status).toBe(400);
      const html = res.text;
      expect(fieldBlock(html, field)).toContain(`<p class="field-error" id="${field}-error">${escapeHtml(message)}</p>`);
      // Only the field at fault carries a message.
      expect(html.match(/class="field-error"/g)).toHaveLength(1);
      expect(inputValue(html, 'username')).toBe(escapeHtml(form.username.trim()));
      expect(inputValue(html, 'fullName')).toBe(escapeHtml(form.fullName.trim()));
      expect(inputValue(html, 'email')).toBe(escapeHtml(form.email.trim()));
      // Passwords are never sent back.
      for (const secret of [form.password, form.confirmPassword].filter(Boolean)) expect(html).not.toContain(secret);
      expect(inputValue(html, 'password')).toBeUndefined();
      expect(inputValue(html, 'confirmPassword')).toBeUndefined();
      expect(html).toMatch(/name="_csrf" value="[^"]+"/);

      expect(await countUsers(t.db)).toBe(before);
      const written = await t.db.query(`SELECT 1 FROM users WHERE lower(email) = lower($1) AND username <> 'Existing.User'`, [
        form.email.trim(),
      ]);
      expect(written).toHaveLength(0);
    });

    it('reports every bad field at once when the form is empty', async () => {
      const before = await countUsers(t.db);
      const res = await postForm(admin, ADD, { username: '', fullName: '', email: '', password: '', confirmPassword: '' }, ADD);
      expect(res.status).toBe(400);
      expect(fieldBlock(res.text, 'username')).toContain('Enter a username.');
      expect(fieldBlock(res.text, 'fullName')).toContain('Enter a full name.');
      expect(fieldBlock(res.text, 'email')).toContain('Enter an email address.');
      expect(fieldBlock(res.text, 'password')).toContain('Enter a password.');
      expect(await countUsers(t.db)).toBe(before);
    });

    it('escapes what was typed when it shows the form again', async () => {
      const before = await countUsers(t.db);
      const fullName = '<script>alert("x")</script>';
      const res = await postForm(admin, ADD, newUserForm({ fullName, email: 'bad' }), ADD);
      expect(res.status).toBe(400);
      expect(res.text).not.toContain(fullName);
      expect(inputValue(res.text, 'fullName')).toBe(escapeHtml(fullName));
      expect(await countUsers(t.db)).toBe(before);
    });

    it('treats a field sent twice as bad input, not a server error', async () => {
      const before = await countUsers(t.db);
      const res = await postForm(admin, ADD, { ...newUserForm(), username: ['twice-a', 'twice-b'] }, ADD);
      expect(res.status).toBe(400);
      expect(fieldBlock(res.text, 'username')).toContain('Enter a username.');
      expect(await countUsers(t.db)).toBe(before);
    });
  });

  it('lets the admin correct the form shown again and send it with its own CSRF token', async () => {
    const form = newUserForm({ email: 'broken' });
    const refused = await postForm(admin, ADD, form, ADD);
    expect(refused.status).toBe(400);
    const token = csrfTokenFrom(refused.text);

    const fixed = { ...form, email: `${form.username}@example.com` };
    const res = await admin.agent.post(ADD).type('form').send({ _csrf: token, ...fixed });
    expect(res.status).toBe(303);
    expect(await t.db.query(`SELECT 1 FROM users WHERE username = $1`, [form.username])).toHaveLength(1);
  });

  it('accepts 255-character username and full name, the documented maximum', async () => {
    const form = newUserForm({ username: 'u'.repeat(255), fullName: 'F'.repeat(255) });
    const res = await postForm(admin, ADD, form, ADD);
    expect(res.status).toBe(303);
    const [row] = await t.db.query(`SELECT length(username) AS u, length(full_name) AS f FROM users WHERE email = $1`, [
      form.email,
    ]);
    expect(row).toEqual({ u: 255, f: 255 });
  });
});
