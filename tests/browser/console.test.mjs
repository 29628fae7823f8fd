// Browser test of the admin console: the real `gebi serve` on a free loopback port with a
// fresh database (seeded by `gebi demo`), driven by headless Debian Chromium through
// playwright-core. Covers: log in, replace the one-time password, add a keyword rule and see
// the bot answer with it through the signed webhook (`gebi chat`), the dry-run tester, a rule
// and a template containing <script> shown as text (never run), approve a join request made
// by chat and see the resident's membership take effect, the tickets board, and the numbers
// page with its SVG charts. Screenshots go to the output folder.
// Usage: node console.test.mjs <gebi binary> <source dir> <screenshot dir>
import { chromium } from 'playwright-core';
import { spawn, execFile } from 'node:child_process';
import { promisify } from 'node:util';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

const run = promisify(execFile);
const [gebi, sourceDir, outDir] = process.argv.slice(2);
if (!gebi || !sourceDir || !outDir) {
  console.error('usage: node console.test.mjs <gebi> <source dir> <screenshot dir>');
  process.exit(2);
}
const TOTAL_MS = 150000;  // the whole test; ctest's TIMEOUT is a little longer
const killer = setTimeout(() => { console.error('FAIL: timed out'); cleanup().finally(() => process.exit(1)); }, TOTAL_MS);

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'gebi-browser-'));
let server = null;
let context = null;

async function cleanup() {
  try { if (context) await context.close(); } catch (e) { /* already gone */ }
  if (server && server.exitCode === null) {
    server.kill('SIGTERM');
    await new Promise((r) => { server.once('exit', r); setTimeout(r, 5000); });
  }
  fs.rmSync(tmp, { recursive: true, force: true });
}

function check(cond, what) {
  if (!cond) throw new Error('check failed: ' + what);
  console.log('ok -', what);
}

async function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.listen(0, '127.0.0.1', () => { const { port } = s.address(); s.close(() => resolve(port)); });
    s.on('error', reject);
  });
}

async function gebiCmd(...args) {
  const { stdout } = await run(gebi, args, { timeout: 30000 });
  return stdout.trim();
}

async function waitHealthy(port) {
  for (let i = 0; i < 100; i++) {
    try {
      const r = await fetch(`http://127.0.0.1:${port}/healthz`);
      if (r.ok) return;
    } catch (e) { /* not yet */ }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('gebi serve did not become healthy');
}

async function main() {
  fs.mkdirSync(outDir, { recursive: true });
  const port = await freePort();
  const config = path.join(tmp, 'gebi.toml');
  const example = fs.readFileSync(path.join(sourceDir, 'deploy/gebi.example.toml'), 'utf8');
  fs.writeFileSync(config, example
    .replace(/^port = 8080/m, `port = ${port}`)
    .replace(/^sqlite = .*$/m, `sqlite = "${path.join(tmp, 'gebi.db')}"`)
    .replace(/^data_dir = .*$/m, `data_dir = "${tmp}"`)
    .replace(/^templates = .*$/m, `templates = "${path.join(sourceDir, 'templates')}"`)
    .replace(/^level = .*$/m, 'level = "warn"'));
  const demo = await gebiCmd('demo', '--config', config);
  const login = demo.match(/admin login: (\S+) \/ (\S+)/);
  check(login, 'gebi demo prints a demo admin login');
  const [, user, password] = login;

  server = spawn(gebi, ['serve', '--demo', '--config', config], { stdio: ['ignore', 'inherit', 'inherit'] });
  await waitHealthy(port);
  const chat = (openid, text) => gebiCmd('chat', '--config', config, '--openid', openid, text);

  context = await chromium.launchPersistentContext(path.join(tmp, 'profile'), {
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    viewport: { width: 390, height: 844 },  // a phone screen
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
           '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    timeout: 30000,
  });
  const page = context.pages()[0] || await context.newPage();
  page.setDefaultTimeout(15000);
  // The console makes no request outside our server.
  const foreign = [];
  page.on('request', (r) => { if (!r.url().startsWith(`http://127.0.0.1:${port}/`)) foreign.push(r.url()); });
  page.on('pageerror', (e) => console.error('page error:', e.message));
  page.on('console', (m) => { if (m.type() === 'error') console.error('console:', m.text()); });
  const dialogs = [];
  page.on('dialog', (d) => { dialogs.push(d.message()); d.accept(); });
  const base = `http://127.0.0.1:${port}/admin/`;

  // Log in (a wrong password first).
  await page.goto(base);
  await page.fill('#login-name', user);
  await page.fill('#login-password', 'wrong-password');
  await page.click('#login-submit');
  await page.waitForFunction(() => document.querySelector('#login-error')?.textContent.length > 0);
  check((await page.textContent('#login-error')).includes('不对'), 'a wrong password is refused in Chinese');
  await page.fill('#login-password', password);
  await page.click('#login-submit');
  // The demo password is one-time: the console asks for a new one before anything else.
  await page.waitForSelector('#first-password-form');
  check((await page.textContent('main h2')).includes('请先修改初始密码'), 'a one-time password must be changed first');
  check(await page.locator('#nav').isHidden(), 'nothing else is offered before the change');
  const refused = await page.evaluate(async () => (await fetch('/api/v1/rules', { credentials: 'same-origin' })).status);
  check(refused === 403, 'the API refuses other calls before the change');
  const newPassword = 'browser-test-' + Date.now();
  await page.fill('#pw-old', password);
  await page.fill('#pw-new', newPassword);
  await page.fill('#pw-again', newPassword);
  await page.click('#pw-submit');
  await page.waitForSelector('#login-form');
  check((await page.textContent('#login-error')).includes('新密码'), 'after the change the console asks to log in again');
  await page.fill('#login-name', user);
  await page.fill('#login-password', newPassword);
  await page.click('#login-submit');
  await page.waitForSelector('#rule-list');
  check((await page.textContent('#who')).includes(user), 'logged in as the demo admin');

  // Add a rule; the bot answers with it at once through the webhook.
  const before = await chat('o_demo_resident', '停车费多少');
  check(!before.includes('每月 150 元'), 'before the rule the bot does not know');
  await page.selectOption('#rule-kind', 'contains');
  await page.fill('#rule-pattern', '停车费');
  await page.fill('#rule-target', '小区停车费每月 150 元，到社区一楼缴费。');
  await page.click('#rule-save');
  await page.waitForSelector('.rule-pattern:text("停车费")');
  check(await chat('o_demo_resident', '停车费多少') === '小区停车费每月 150 元，到社区一楼缴费。',
        'gebi chat gets the new rule\'s answer at once');

  // The dry-run tester says which rule fires and why.
  await page.fill('#dry-text', '请问停车费');
  await page.click('#dry-run');
  await page.waitForSelector('#dry-reply');
  check((await page.textContent('#dry-result')).includes('contains'), 'dry run names the matching rule kind');

  // A rule whose answer contains <script> is shown as text and never runs.
  await page.selectOption('#rule-kind', 'exact');
  await page.fill('#rule-pattern', '脚本测试');
  await page.fill('#rule-target', '<script>window.__pwned = 1</script><img src=x onerror="window.__pwned=2">');
  await page.click('#rule-save');
  await page.waitForSelector('.rule-pattern:text("脚本测试")');
  const shown = await page.locator('.rule-target', { hasText: '<script>' }).first().textContent();
  check(shown.includes('<script>window.__pwned = 1</script>'), 'the <script> rule is shown as text');
  check(await page.evaluate(() => window.__pwned === undefined), 'the <script> rule did not run');
  await page.screenshot({ path: path.join(outDir, 'admin-rules.png'), fullPage: true });

  // A template with markup: saved, previewed and shown as text.
  await page.click('a[data-page="templates"]');
  const area = page.locator('[data-template="default"] textarea');
  await area.fill('<script>window.__pwned = 3</script>没看懂，回复「帮助」。');
  await page.locator('[data-template="default"] button', { hasText: '预览' }).click();
  await page.waitForFunction(() => !document.querySelector('[data-template="default"] .tpl-preview').hidden);
  await page.locator('[data-template="default"] button', { hasText: '保存' }).click();
  await page.waitForSelector('[data-template="default"] .tag');
  check((await page.locator('[data-template="default"] textarea').inputValue()).startsWith('<script>'),
        'the <script> template is shown as text');
  check(await page.evaluate(() => window.__pwned === undefined), 'the <script> template did not run');
  check((await chat('o_demo_resident', '随便说一句')).startsWith('<script>window.__pwned = 3</script>'),
        'the bot answers with the edited template');

  // A join request made through chat, approved in the console.
  const newcomer = 'o_browser_newcomer';
  await chat(newcomer, '加入网格 桂柑小区5幢');
  await chat(newcomer, '张三 5幢301');
  const submitted = await chat(newcomer, '是');
  const id = (submitted.match(/（(\d+)号）/) || [])[1];
  check(id, 'the newcomer\'s join request was submitted by chat: ' + submitted);
  await page.click('a[data-page="ops"]');
  const row = page.locator(`[data-join-id="${id}"]`);
  await row.waitFor();
  check((await row.locator('.join-name').textContent()) === '张三', 'the join request is listed');
  await row.locator('.join-approve').click();
  await page.waitForSelector(`[data-join-id="${id}"]`, { state: 'detached' });
  const after = await chat(newcomer, '加入网格 桂柑小区5幢');
  check(after.includes('已经是'), 'the approved newcomer is now a member: ' + after);
  const worker = await chat('o_demo_worker1', `通过 ${id}`);
  check(worker.includes('已经'), 'the grid worker\'s 通过 sees it decided');

  // A repair shows on the tickets board; the numbers page draws its charts.
  await chat(newcomer, '报修 楼道灯坏了');
  await page.click('a[data-page="audit"]');
  await page.click('a[data-page="ops"]');
  await page.locator('#tickets .item', { hasText: '楼道灯坏了' }).waitFor();
  check(true, 'the repair is on the tickets board');
  await page.click('a[data-page="numbers"]');
  await page.waitForSelector('#unit-numbers');
  await page.waitForFunction(() => ['#chart-messages', '#chart-tickets'].every((s) => {
    const i = document.querySelector(s);
    return i && i.complete && i.naturalWidth > 0;
  }));
  check((await page.textContent('#messages-total')).match(/共收到 \d+ 条消息/), 'numbers show the messages received');
  check((await page.textContent('#unit-numbers')).includes('桂柑社区'), 'numbers list the communities');
  await page.screenshot({ path: path.join(outDir, 'admin-numbers.png'), fullPage: true });
  check(foreign.length === 0, 'no request left the server: ' + foreign.join(' '));
  check(dialogs.length === 0, 'no dialog opened');
  console.log('screenshots:', path.join(outDir, 'admin-rules.png'), path.join(outDir, 'admin-numbers.png'));
}

main()
  .then(async () => { await cleanup(); clearTimeout(killer); console.log('PASS'); })
  .catch(async (e) => {
    console.error('FAIL:', e.message);
    try {
      const page = context && context.pages()[0];
      if (page) {
        console.error('toast:', await page.textContent('#toast'));
        await page.screenshot({ path: path.join(outDir, 'admin-failure.png'), fullPage: true });
      }
    } catch (e2) { /* the page is gone */ }
    await cleanup(); clearTimeout(killer); process.exit(1); });
