// The official Cloudflare TypeScript SDK against the emulator, unmodified: every widget operation, token
// verification, auto-pagination, and the SDK's typed errors. Runs against a running emulator named by the variables
// the SDK itself reads, CLOUDFLARE_BASE_URL and CLOUDFLARE_API_TOKEN, with CLOUDFLARE_ACCOUNT_ID (the build starts
// one through the shared launcher, tests/TurnstileWidgets.TestSupport). Prints a line per check and writes the counts
// to the file given with --results <file> as {"passed":N,"failed":N,"skipped":0}.
import Cloudflare from 'cloudflare';
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { strict as assert } from 'node:assert';

const { values: options } = parseArgs({ options: { results: { type: 'string' } } });
const baseURL = process.env.CLOUDFLARE_BASE_URL;
const apiToken = process.env.CLOUDFLARE_API_TOKEN;
const accountId = process.env.CLOUDFLARE_ACCOUNT_ID;
if (!options.results || !baseURL || !apiToken || !accountId) {
  console.error('Usage: CLOUDFLARE_BASE_URL=<emulator>/client/v4 CLOUDFLARE_API_TOKEN=<token> CLOUDFLARE_ACCOUNT_ID=<id> node compat.mjs --results <file>');
  process.exit(2);
}

const checks = [];
const check = (name, body) => checks.push({ name, body });

check('create returns the widget with a secret, sorted domains and the defaults', async (cf) => {
  const widget = await cf.turnstile.widgets.create({ account_id: accountId, name: 'login form', mode: 'managed', domains: ['www.example.com', 'example.com'] });
  assert.match(widget.sitekey, /^0x4AAAAAAA/);
  assert.ok(widget.sitekey.length >= 24 && widget.sitekey.length <= 25);
  assert.ok(widget.secret && widget.secret.length > 0);
  assert.deepEqual(widget.domains, ['example.com', 'www.example.com']);
  assert.equal(widget.region, 'world');
  assert.equal(widget.clearance_level, 'no_clearance');
  assert.equal(widget.bot_fight_mode, false);
  assert.ok(!Number.isNaN(Date.parse(widget.created_on)));
});

check('get returns the full widget, secret included', async (cf) => {
  const created = await cf.turnstile.widgets.create({ account_id: accountId, name: 'get me', mode: 'invisible', domains: ['example.org'] });
  const widget = await cf.turnstile.widgets.get(created.sitekey, { account_id: accountId });
  assert.equal(widget.name, 'get me');
  assert.equal(widget.mode, 'invisible');
  assert.equal(widget.secret, created.secret);
});

check('update (PUT) changes the given fields and keeps omitted optional ones', async (cf) => {
  const created = await cf.turnstile.widgets.create({ account_id: accountId, name: 'to update', mode: 'managed', domains: ['example.net'], clearance_level: 'interactive', bot_fight_mode: true });
  const widget = await cf.turnstile.widgets.update(created.sitekey, { account_id: accountId, name: 'updated', mode: 'non-interactive', domains: ['example.net', 'a.example.net'] });
  assert.equal(widget.name, 'updated');
  assert.equal(widget.mode, 'non-interactive');
  assert.deepEqual(widget.domains, ['a.example.net', 'example.net']);
  assert.equal(widget.clearance_level, 'interactive');
  assert.equal(widget.bot_fight_mode, true);
});

check('rotateSecret issues a new secret; a second rotation inside the grace period is refused', async (cf) => {
  const created = await cf.turnstile.widgets.create({ account_id: accountId, name: 'rotate', mode: 'managed', domains: ['example.com'] });
  const rotated = await cf.turnstile.widgets.rotateSecret(created.sitekey, { account_id: accountId });
  assert.notEqual(rotated.secret, created.secret);
  await assert.rejects(cf.turnstile.widgets.rotateSecret(created.sitekey, { account_id: accountId }), (error) => error instanceof Cloudflare.BadRequestError);
});

check('rotateSecret with invalidate_immediately allows another rotation at once', async (cf) => {
  const created = await cf.turnstile.widgets.create({ account_id: accountId, name: 'rotate now', mode: 'managed', domains: ['example.com'] });
  const first = await cf.turnstile.widgets.rotateSecret(created.sitekey, { account_id: accountId, invalidate_immediately: true });
  const second = await cf.turnstile.widgets.rotateSecret(created.sitekey, { account_id: accountId, invalidate_immediately: true });
  assert.notEqual(first.secret, second.secret);
});

check('delete returns the widget, and a get afterwards is a NotFoundError', async (cf) => {
  const created = await cf.turnstile.widgets.create({ account_id: accountId, name: 'to delete', mode: 'managed', domains: ['example.com'] });
  const deleted = await cf.turnstile.widgets.delete(created.sitekey, { account_id: accountId });
  assert.equal(deleted.sitekey, created.sitekey);
  await assert.rejects(cf.turnstile.widgets.get(created.sitekey, { account_id: accountId }), (error) => error instanceof Cloudflare.NotFoundError);
});

check('list auto-pagination walks every page, without secrets, and stops', async (cf) => {
  const before = [];
  for await (const widget of cf.turnstile.widgets.list({ account_id: accountId })) before.push(widget);
  for (let i = 0; i < 12; i++) {
    await cf.turnstile.widgets.create({ account_id: accountId, name: `page-${i}`, mode: 'managed', domains: ['example.com'] });
  }
  const seen = [];
  for await (const widget of cf.turnstile.widgets.list({ account_id: accountId, per_page: 5 })) seen.push(widget);
  assert.equal(seen.length, before.length + 12);
  assert.equal(new Set(seen.map((w) => w.sitekey)).size, seen.length);
  assert.ok(seen.every((w) => w.secret === undefined));
});

check('list passes order, direction and filter through', async (cf) => {
  const page = await cf.turnstile.widgets.list({ account_id: accountId, filter: 'name:PAGE-1', order: 'name', direction: 'desc', per_page: 50 });
  const names = page.result.map((w) => w.name);
  assert.deepEqual(names, [...names].sort().reverse());
  assert.ok(names.length >= 3 && names.every((n) => n.toLowerCase().includes('page-1')));
});

check('validation failures are BadRequestErrors with Cloudflare error codes', async (cf) => {
  await assert.rejects(
    cf.turnstile.widgets.create({ account_id: accountId, name: 'bad', mode: 'managed', domains: ['https://example.com/path'] }),
    (error) => error instanceof Cloudflare.BadRequestError && Array.isArray(error.errors) && error.errors.length > 0 && typeof error.errors[0].code === 'number');
});

check('user.tokens.verify answers active for the emulator token', async (cf) => {
  const verification = await cf.user.tokens.verify();
  assert.equal(verification.status, 'active');
});

check('a wrong token is a PermissionDeniedError (403), not a crash', async (_cf, baseURL) => {
  const wrong = new Cloudflare({ apiToken: 'not-the-token', baseURL, maxRetries: 0 });
  await assert.rejects(wrong.turnstile.widgets.list({ account_id: accountId }).then((page) => page), (error) => error instanceof Cloudflare.PermissionDeniedError);
});

const cf = new Cloudflare({ apiToken, baseURL, maxRetries: 0 });
let passed = 0;
let failed = 0;
for (const { name, body } of checks) {
  try {
    await body(cf, baseURL);
    passed++;
    console.log(`ok    ${name}`);
  } catch (error) {
    failed++;
    console.log(`FAIL  ${name}\n      ${String(error && error.stack || error).split('\n').slice(0, 4).join('\n      ')}`);
  }
}
console.log(`sdk compat: ${passed} passed, ${failed} failed`);
writeFileSync(options.results, JSON.stringify({ passed, failed, skipped: 0 }) + '\n');
process.exitCode = failed === 0 ? 0 : 1;
