// 隔壁邻舍 admin console: a small page over /api/v1, in plain Chinese, phone first. Every text
// from the server is put in the page with textContent (never innerHTML), so a rule or template
// containing <script> shows as text. No external requests; the session is an HttpOnly cookie,
// writes carry X-CSRF-Token. Communities, grids and people are picked by name, never by id.
'use strict';

const state = { csrf: '', account: null, units: [], editing: null, lists: {} };
const API = '/api/v1';

function el(tag, attrs, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith('on')) e.addEventListener(k.slice(2), v);
    else if (k === 'text') e.textContent = v;
    else e.setAttribute(k, v === true ? '' : String(v));
  }
  for (const c of children.flat()) {
    if (c === null || c === undefined || c === false) continue;
    e.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return e;
}
const $ = (sel) => document.querySelector(sel);
// Replaces box's children; lists are flattened and null / false skipped, as in el().
function fill(box, ...children) {
  box.replaceChildren(...children.flat().filter((c) => c !== null && c !== undefined && c !== false));
}
const main = () => $('#main');

function toast(msg, isError) {
  const t = $('#toast');
  t.textContent = msg;
  t.className = 'show' + (isError ? ' error' : '');
  clearTimeout(toast.timer);
  toast.timer = setTimeout(() => { t.className = ''; }, 3500);
}

class ApiError extends Error {
  constructor(status, body) {
    super((body && body.error) || '服务器没有回应，请稍后再试');
    this.status = status;
    this.field = body && body.field;
    this.fieldLabel = body && body.field_label;
    this.confirm = body && body.confirm;  // a flag that saves it anyway, asked of the admin
    this.command = body && body.command;
  }
}

async function api(method, path, body) {
  const opts = { method, credentials: 'same-origin', headers: {} };
  if (method !== 'GET') {
    opts.headers['X-CSRF-Token'] = state.csrf;
    if (body !== undefined) {
      opts.headers['Content-Type'] = 'application/json';
      opts.body = JSON.stringify(body);
    }
  }
  const res = await fetch(API + path, opts);
  let data = null;
  try { data = await res.json(); } catch (e) { data = null; }
  if (res.status === 401 && path !== '/login') {
    state.account = null;
    showLogin('登录已过期，请重新登录');
  }
  // The account still has its one-time password: the server allows nothing else until then.
  if (res.status === 403 && data && data.field === 'password' && state.account) {
    showFirstPassword();
  }
  if (!res.ok) throw new ApiError(res.status, data);
  return data;
}

// An error line: the field's Chinese name first, then what is wrong with it.
function errorText(e) {
  return (e.fieldLabel ? '「' + e.fieldLabel + '」' : '') + e.message;
}

async function guarded(fn) {
  try { await fn(); } catch (e) { if (e.status !== 401) toast(errorText(e), true); }
}

function fmtTime(sec) {
  if (!sec) return '';
  const d = new Date(sec * 1000);
  const p = (n) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}`;
}

function optionList(map, selected) {
  return Object.entries(map).map(([v, t]) => el('option', { value: v, selected: v === selected, text: t }));
}

function field(id, label, control, hint) {
  return el('div', { class: 'field' }, el('label', { for: id, text: label }), control,
    hint ? el('div', { class: 'muted', text: hint }) : null);
}

// A list that becomes cards on a phone: headers label each cell (data-label) so the card
// still says what each value is.
function cardTable(id, headers, rows) {
  return el('table', { class: 'cards', id: id || null },
    el('thead', {}, el('tr', {}, headers.map((h) => el('th', { text: h })))),
    el('tbody', {}, rows.map((cells) => el('tr', {}, cells.map((c, i) =>
      el('td', { 'data-label': headers[i] }, c === null || c === undefined || c === '' ? null : c))))));
}

function unitName(id) {
  const u = state.units.find((x) => x.id === id);
  return u ? u.name : '';
}

// Picks a community or grid by name: type part of the name, choose from what is left.
// value: the unit id or '' (emptyText names what '' means). Returns { box, select }.
function unitPicker(id, kind, value, emptyText) {
  const units = state.units.filter((u) => u.kind === kind);
  const label = (u) => kind === 'grid' ? `${unitName(u.community_id)} ${u.name}` : u.name;
  const select = el('select', { id });
  const search = el('input', { type: 'search', id: id + '-search', placeholder: '输入名称查找', class: 'picker-search' });
  function draw() {
    const q = search.value.trim();
    const keep = select.value || String(value || '');
    select.replaceChildren(emptyText ? el('option', { value: '', text: emptyText }) : null,
      ...units.filter((u) => !q || label(u).includes(q) || String(u.id) === keep)
        .map((u) => el('option', { value: u.id, text: label(u), selected: String(u.id) === keep })));
    if (q && select.options.length > (emptyText ? 1 : 0)) {
      const first = [...select.options].find((o) => o.value !== '' && label(units.find((u) => String(u.id) === o.value)).includes(q));
      if (first) select.value = first.value;
    }
  }
  search.addEventListener('input', draw);
  draw();
  return { box: el('div', { class: 'picker' }, search, select), select };
}

// ---------- login ----------
function showLogin(message) {
  $('#nav').hidden = true;
  $('#banner').hidden = true;
  $('#who').textContent = '';
  const err = el('p', { class: 'error', id: 'login-error', text: message || '' });
  const name = el('input', { id: 'login-name', autocomplete: 'username' });
  const pw = el('input', { id: 'login-password', type: 'password', autocomplete: 'current-password' });
  const form = el('form', { id: 'login-form', onsubmit: async (ev) => {
    ev.preventDefault();
    err.textContent = '';
    try {
      const r = await api('POST', '/login', { name: name.value.trim(), password: pw.value });
      state.csrf = r.csrf_token;
      state.account = r.account;
      if (r.must_change_password) showFirstPassword();
      else enter();
    } catch (e) { err.textContent = e.message; }
  } },
    field('login-name', '用户名', name),
    field('login-password', '密码', pw),
    el('button', { type: 'submit', id: 'login-submit', text: '登录' }));
  main().replaceChildren(el('section', { class: 'card narrow' }, el('h2', { text: '登录管理后台' }), form, err));
}

// A one-time password (from `gebi admin add` / `passwd` / `demo`) is replaced before anything
// else: whoever ran the command saw it too.
function showFirstPassword() {
  $('#nav').hidden = true;
  $('#banner').hidden = true;
  $('#who').textContent = state.account ? state.account.name : '';
  const err = el('p', { class: 'error', id: 'pw-error' });
  const old = el('input', { id: 'pw-old', type: 'password', autocomplete: 'current-password' });
  const nw = el('input', { id: 'pw-new', type: 'password', autocomplete: 'new-password' });
  const again = el('input', { id: 'pw-again', type: 'password', autocomplete: 'new-password' });
  const form = el('form', { id: 'first-password-form', onsubmit: async (ev) => {
    ev.preventDefault();
    err.textContent = '';
    if (nw.value !== again.value) { err.textContent = '「再输一次新密码」和新密码不一样'; return; }
    try {
      await api('POST', '/me/password', { old_password: old.value, new_password: nw.value });
      state.account = null;
      showLogin('密码已修改，请用新密码登录');
    } catch (e) { err.textContent = errorText(e); }
  } },
    field('pw-old', '初始密码（管理员给您的那个）', old),
    field('pw-new', '新密码（至少 10 个字符）', nw),
    field('pw-again', '再输一次新密码', again),
    el('button', { type: 'submit', id: 'pw-submit', text: '修改密码' }));
  main().replaceChildren(el('section', { class: 'card narrow' },
    el('h2', { text: '请先修改初始密码' }),
    el('p', { class: 'muted', text: '这是管理员给您的一次性密码。请换成只有您自己知道的新密码，改好后用新密码重新登录。' }),
    form, err,
    el('button', { class: 'danger', id: 'logout', type: 'button', text: '退出登录', onclick: () => guarded(async () => { await api('POST', '/logout', {}); showLogin('已退出'); }) })));
}

async function enter() {
  $('#nav').hidden = false;
  const a = state.account;
  try { state.units = (await api('GET', '/units')).units; } catch (e) { state.units = []; }
  $('#who').textContent = `${a.name}（${a.role === 'district' ? '区级管理员' : '社区管理员 · ' + (unitName(a.unit_id) || '本社区')}）`;
  refreshBanner();
  if (!location.hash || location.hash === '#') location.hash = '#rules';
  else route();
}

// A banner on every page while pushes cannot leave, saying what to do.
async function refreshBanner() {
  const b = $('#banner');
  try {
    const n = await api('GET', '/notices');
    const lines = [...n.problems];
    if (n.counts.dead) lines.push(`有 ${n.counts.dead} 条通知发送失败，居民和网格员没有收到。请到“通知”页查看并重发。`);
    fill(b, lines.map((l) => el('div', { text: '⚠ ' + l })));
    b.hidden = lines.length === 0;
  } catch (e) { b.hidden = true; }
}

// ---------- rules ----------
const KIND_NAMES = { exact: '完全是这句话', prefix: '以这句话开头', contains: '包含这个词', regex: '正则表达式（高级）' };
const KIND_SHORT = { exact: '完全匹配', prefix: '开头匹配', contains: '包含', regex: '正则', event: '事件' };
const TARGET_NAMES = { text: '回复一段文字', template: '用回复模板', handler: '交给系统命令' };
const ROLE_NAMES = { resident: '居民', grid_worker: '网格员', volunteer: '志愿者', floor_leader: '楼道长', community_staff: '社区工作人员', street_staff: '街道工作人员', district_admin: '区级管理员' };

function targetText(r) {
  if (r.target_kind === 'text') return '回复：' + r.target;
  if (r.target_kind === 'handler') return `交给系统命令「${r.target_title}」`;
  const t = (state.lists.templates || []).find((x) => x.key === r.target);
  return `用回复模板「${t ? t.title : '未知模板'}」`;
}

function ruleForm(onSaved) {
  const isDistrict = state.account.role === 'district';
  const r = state.editing || { match_kind: 'contains', target_kind: 'text', priority: 100, enabled: true, pattern: '', target: '', note: '', community_id: isDistrict ? null : state.account.unit_id };
  const kind = el('select', { id: 'rule-kind' }, optionList(KIND_NAMES, r.match_kind));
  const pattern = el('input', { id: 'rule-pattern', value: r.pattern, placeholder: '例如：停车费' });
  const tkind = el('select', { id: 'rule-target-kind' }, optionList(TARGET_NAMES, r.target_kind));
  const targetBox = el('div');
  const priority = el('input', { id: 'rule-priority', type: 'number', value: r.priority, min: 0, inputmode: 'numeric' });
  const note = el('input', { id: 'rule-note', value: r.note });
  const community = isDistrict ? unitPicker('rule-community', 'community', r.community_id ?? '', '全区通用') : null;
  const confirmBox = el('input', { type: 'checkbox', id: 'rule-confirm' });
  const confirmRow = el('label', { class: 'confirm', hidden: true }, confirmBox, el('span', { id: 'rule-confirm-text', text: '我知道会抢走系统命令，仍然保存' }));
  let target;
  function drawTarget(value) {
    if (tkind.value === 'text') target = el('textarea', { id: 'rule-target', placeholder: '回复给居民的文字' });
    else if (tkind.value === 'handler') target = el('select', { id: 'rule-target' }, state.lists.handlers.map((h) => el('option', { value: h.name, text: h.title })));
    else target = el('select', { id: 'rule-target' }, (state.lists.templates || []).map((t) => el('option', { value: t.key, text: `${t.group} · ${t.title}` })));
    if (value) target.value = value;
    targetBox.replaceChildren(field('rule-target', tkind.value === 'text' ? '回复内容' : (tkind.value === 'handler' ? '哪个系统命令' : '哪个回复模板'), target));
  }
  tkind.addEventListener('change', () => drawTarget(''));
  drawTarget(r.target);
  const err = el('p', { class: 'error', id: 'rule-error' });
  const save = el('button', { id: 'rule-save', type: 'submit', text: state.editing ? '保存修改' : '添加规则' });
  const form = el('form', { id: 'rule-form', onsubmit: (ev) => {
    ev.preventDefault();
    err.textContent = '';
    const body = { match_kind: kind.value, pattern: pattern.value, target_kind: tkind.value, target: target.value, priority: Number(priority.value || 100), note: note.value };
    if (isDistrict) body.community_id = community.select.value ? Number(community.select.value) : null;
    if (!confirmRow.hidden && confirmBox.checked) body.confirm_shadow = true;
    guarded(async () => {
      try {
        if (state.editing && state.editing.id) await api('PUT', '/rules/' + state.editing.id, body);
        else await api('POST', '/rules', body);
      } catch (e) {
        err.textContent = errorText(e);
        // The rule would take over a system command: ask before saving it anyway.
        if (e.status === 409 && e.confirm === 'confirm_shadow') {
          $('#rule-confirm-text').textContent = `我知道会抢走系统命令「${e.command}」，仍然保存`;
          confirmRow.hidden = false;
          confirmBox.checked = false;
        }
        throw e;
      }
      toast(state.editing && state.editing.id ? '规则已保存，机器人马上生效' : '规则已添加，机器人马上生效');
      state.editing = null;
      onSaved();
    });
  } },
    el('div', { class: 'row' }, field('rule-kind', '居民发的话怎样算匹配', kind), field('rule-pattern', '关键词', pattern)),
    el('div', { class: 'row' }, field('rule-target-kind', '怎样回复', tkind), field('rule-priority', '优先级（数字小的先匹配）', priority)),
    targetBox,
    el('div', { class: 'row' }, isDistrict ? field('rule-community', '用在哪个社区', community.box) : null, field('rule-note', '备注（只有管理员看得到）', note)),
    confirmRow, err, save,
    state.editing ? el('button', { type: 'button', class: 'secondary', text: '不改了', onclick: () => { state.editing = null; onSaved(); } }) : null);
  return el('section', { class: 'card', id: 'rule-form-card' }, el('h3', { text: state.editing && state.editing.id ? `修改规则「${state.editing.pattern}」` : '添加规则' }), form);
}

function dryRunCard() {
  const text = el('input', { id: 'dry-text', placeholder: '输入居民会发的话，例如：报修 楼道灯坏了' });
  const role = el('select', { id: 'dry-role' }, optionList(ROLE_NAMES, 'resident'));
  const out = el('div', { id: 'dry-result' });
  const form = el('form', { onsubmit: (ev) => {
    ev.preventDefault();
    guarded(async () => {
      const r = await api('POST', '/rules/dry-run', { text: text.value, role: role.value });
      out.replaceChildren(el('div', { class: 'result' },
        el('div', {}, el('strong', { text: '命中：' }), r.why),
        el('div', { class: 'pre', id: 'dry-reply' }, el('strong', { text: '回复：' }), r.reply),
        r.allowed ? null : el('div', { class: 'error', text: '这个身份不能用这条命令' }),
        r.candidates.length > 1 ? el('div', { class: 'muted' }, '所有匹配的规则：', r.candidates.map((c) => `「${c.rule.pattern}」（${c.why}）${c.winner ? '✔' : ''}`).join('，')) : null));
    });
  } }, el('div', { class: 'row' }, field('dry-text', '测试一句话', text), field('dry-role', '发送人身份', role)), el('button', { id: 'dry-run', type: 'submit', text: '测试' }));
  return el('section', { class: 'card' }, el('h3', { text: '试一试：居民发这句话会收到什么（不会真的发送）' }), form, out);
}

function importCard(reload) {
  const box = el('textarea', { id: 'import-json', placeholder: '把公众平台“自动回复”导出的内容粘贴在这里' });
  const out = el('div', { id: 'import-result' });
  const run = (dry) => guarded(async () => {
    let body;
    try { body = JSON.parse(box.value); } catch (e) { out.replaceChildren(el('p', { class: 'error', text: '「导入内容」格式不对，请整段复制粘贴' })); return; }
    const r = await api('POST', '/rules/import' + (dry ? '?dry_run=1' : ''), body);
    out.replaceChildren(el('div', { class: 'result' },
      el('div', { text: `${dry ? '将导入' : '已导入'} ${r.rules.length} 条规则${r.templates.length ? '，以及关注回复和默认回复' : ''}` }),
      r.skipped.map((s) => el('div', { class: 'muted', text: '跳过：' + s }))));
    if (!dry) reload();
  });
  return el('details', { class: 'card' }, el('summary', { text: '从公众平台导入自动回复' }), box,
    el('button', { class: 'secondary', type: 'button', text: '先看看会导入什么', onclick: () => run(true) }),
    el('button', { type: 'button', text: '导入', onclick: () => run(false) }), out);
}

async function historyOf(r, box, reload) {
  const h = await api('GET', `/rules/${r.id}/history`);
  const ACTIONS = { create: '添加', update: '修改', delete: '删除', rollback: '恢复', import: '导入' };
  fill(box, el('div', { class: 'result' },
    h.history.length ? null : el('div', { class: 'muted', text: '还没有修改记录（系统自带的规则）。' }),
    h.history.map((e) => el('div', { class: 'item' },
      el('div', { class: 'meta', text: `${fmtTime(e.created_at)} ${e.account} ${ACTIONS[e.action] || '改动'}` }),
      e.rule ? el('div', { class: 'pre', text: `${KIND_SHORT[e.rule.match_kind] || ''}「${e.rule.pattern}」→ ${targetText({ ...e.rule, target_title: (state.lists.handlers.find((x) => x.name === e.rule.target) || {}).title })}` }) : null,
      e.action !== 'delete' ? el('button', { class: 'secondary', text: '恢复成这个版本', onclick: () => guarded(async () => { await api('POST', `/rules/${r.id}/rollback`, { history_id: e.id }); toast('已恢复'); reload(); }) }) : null))));
}

function ruleItem(r, warnings, reload) {
  const hist = el('div');
  return el('div', { class: 'item', 'data-rule-id': r.id },
    el('div', {},
      el('span', { class: 'tag' + (r.enabled ? '' : ' off'), text: r.enabled ? KIND_SHORT[r.match_kind] : '已停用' }),
      el('span', { class: 'tag', text: r.community_id ? (unitName(r.community_id) || '本社区') : '全区' }),
      el('strong', { class: 'rule-pattern', text: r.pattern })),
    el('div', { class: 'pre rule-target', text: targetText(r) }),
    el('div', { class: 'meta', text: `优先级 ${r.priority} · 用过 ${r.hits} 次${r.note ? ' · 备注：' + r.note : ''}` }),
    (warnings.get(r.id) || []).map((w) => el('div', { class: 'warn', text: '⚠ ' + w.message })),
    r.editable ? el('div', { class: 'actions' },
      el('button', { class: 'secondary', text: '修改', onclick: () => { state.editing = r; pageRules(); window.scrollTo(0, 0); } }),
      el('button', { class: 'secondary', text: r.enabled ? '停用' : '启用', onclick: () => guarded(async () => { await api('PUT', '/rules/' + r.id, { enabled: !r.enabled }); reload(); }) }),
      el('button', { class: 'danger rule-delete', text: '删除', onclick: () => guarded(async () => { await api('DELETE', '/rules/' + r.id); toast(`已删除「${r.pattern}」，可在下面“已删除的规则”里恢复`); reload(); }) }),
      el('button', { class: 'secondary', text: '修改记录', onclick: () => guarded(() => historyOf(r, hist, reload)) }))
      : el('div', { class: 'muted', text: '全区通用的规则，只有区级管理员能改' }),
    hist);
}

// The system's own commands: read-only, with what they do and their keywords. A keyword may
// be switched off or on, or a new keyword added; none is deleted.
function commandsCard(data, reload) {
  const byHandler = new Map();
  for (const r of data.rules) if (r.system) byHandler.set(r.target, [...(byHandler.get(r.target) || []), r]);
  const district = state.account.role === 'district';
  const shown = data.commands.filter((c) => byHandler.has(c.handler));
  return el('details', { class: 'card', id: 'system-commands' },
    el('summary', {}, el('strong', { text: `系统命令（${shown.length} 个，机器人自带，不能删除）` })),
    el('p', { class: 'muted', text: '居民发这些关键词时由系统处理（生成工单、审核入格等）。可以停用某个关键词，或添加新的关键词；办公室自己的规则不要抢走它们。' }),
    shown.map((c) => el('div', { class: 'item command', 'data-command': c.handler },
      el('div', {}, el('strong', { text: c.title }), c.description ? el('span', { class: 'muted', text: ' — ' + c.description }) : null),
      c.examples.length ? el('div', { class: 'meta', text: '例如：' + c.examples.join('、') }) : null,
      el('div', { class: 'keywords' }, '关键词：', byHandler.get(c.handler).map((r) => el('span', { class: 'kw' + (r.enabled ? '' : ' off'), 'data-rule-id': r.id },
        r.pattern, r.enabled ? '' : '（已停用）',
        district ? el('button', { class: 'mini secondary', text: r.enabled ? '停用' : '启用', onclick: () => guarded(async () => { await api('PUT', '/rules/' + r.id, { enabled: !r.enabled }); reload(); }) }) : null))),
      el('button', { class: 'secondary', text: '给它加关键词', onclick: () => { state.editing = { match_kind: 'prefix', target_kind: 'handler', target: c.handler, priority: 20, enabled: true, pattern: '', note: '', community_id: district ? null : state.account.unit_id }; pageRules(); window.scrollTo(0, 0); } }))));
}

async function deletedCard(reload) {
  const d = await api('GET', '/rules/deleted');
  return el('section', { class: 'card', id: 'deleted-rules' }, el('h3', { text: `已删除的规则（${d.deleted.length}）` }),
    d.deleted.length ? null : el('p', { class: 'muted', text: '没有删除过的规则。' }),
    d.deleted.map((x) => el('div', { class: 'item', 'data-deleted-rule': x.rule.id },
      el('strong', { class: 'rule-pattern', text: x.rule.pattern }),
      el('div', { class: 'pre', text: targetText(x.rule) }),
      el('div', { class: 'meta', text: `${x.deleted_by} 在 ${fmtTime(x.deleted_at)} 删除` }),
      x.rule.editable ? el('button', { class: 'rule-restore', text: '恢复这条规则', onclick: () => guarded(async () => { await api('POST', `/rules/${x.rule.id}/rollback`, { history_id: x.history_id }); toast(`已恢复「${x.rule.pattern}」`); reload(); }) }) : null)));
}

async function pageRules() {
  const [data, tpl] = await Promise.all([api('GET', '/rules'), state.lists.templates ? null : api('GET', '/templates')]);
  if (tpl) state.lists.templates = tpl.templates;
  state.lists.handlers = data.handlers;
  const reload = () => pageRules();
  const warnings = new Map();
  for (const w of data.warnings) warnings.set(w.rule_id, [...(warnings.get(w.rule_id) || []), w]);
  // The office's own rules first (its community's before the shared ones), then by priority.
  const own = data.rules.filter((r) => !r.system).sort((a, b) => (b.editable - a.editable) || (a.priority - b.priority) || (a.id - b.id));
  const list = el('section', { class: 'card', id: 'rule-list' }, el('h3', { text: `办公室的规则（${own.length}）` }),
    own.length ? null : el('p', { class: 'muted', text: '还没有自己的规则。在上面添加一条，例如：包含“停车费”，回复收费标准。' }),
    own.map((r) => ruleItem(r, warnings, reload)));
  main().replaceChildren(el('h2', { text: '关键词规则' }), ruleForm(reload), dryRunCard(), list, await deletedCard(reload), commandsCard(data, reload), importCard(reload));
}

// ---------- templates ----------
async function pageTemplates() {
  const isDistrict = state.account.role === 'district';
  const params = new URLSearchParams(location.hash.split('?')[1] || '');
  const community = isDistrict ? (params.get('community') || '') : String(state.account.unit_id);
  const data = await api('GET', '/templates' + (community ? '?community_id=' + encodeURIComponent(community) : ''));
  state.lists.templates = data.templates;
  const picker = isDistrict ? unitPicker('tpl-community', 'community', community, '全区通用的文字') : null;
  if (picker) picker.select.addEventListener('change', () => { location.hash = '#templates' + (picker.select.value ? '?community=' + picker.select.value : ''); });
  const search = el('input', { type: 'search', id: 'tpl-search', placeholder: '搜索标题或文字，例如：报修' });
  const head = el('section', { class: 'card' },
    picker ? field('tpl-community', '编辑哪个社区的回复', picker.box) : el('p', { text: '这里改的是本社区的回复文字。' }),
    field('tpl-search', '查找', search),
    el('p', { class: 'muted' }, '按用在哪里分组，点开一组、再点开一条就能修改。花括号里的替换词（例如 ', el('span', { class: 'ph', text: '{id}' }),
      ' 会换成工单号码）要原样保留；社区的文字优先于全区文字，全区文字优先于默认文字。'));
  const scopeBody = community ? Number(community) : null;
  const groups = new Map();
  for (const t of data.templates) groups.set(t.group, [...(groups.get(t.group) || []), t]);
  const sections = [...groups.entries()].map(([g, items]) => el('details', { class: 'card tpl-group' }, el('summary', {}, el('strong', { class: 'tpl-group-title', text: `${g}（${items.length} 条）` })),
    items.map((t) => {
      const own = community ? t.community_override : t.all_override;
      const area = el('textarea', { 'data-key': t.key, class: 'tpl-text' });
      area.value = t.effective;
      const preview = el('div', { class: 'pre result tpl-preview', hidden: true });
      const d = el('details', { class: 'item tpl', 'data-template': t.key, 'data-search': t.title + ' ' + t.effective },
        el('summary', {}, el('strong', { class: 'tpl-title', text: t.title }), own !== null ? el('span', { class: 'tag', text: '已修改' }) : null,
          el('div', { class: 'muted one-line', text: '例如：' + t.example })),
        t.placeholders.length ? el('div', { class: 'muted' }, '可用的替换词：', t.placeholders.map((p, i) => el('span', { class: 'ph', text: `{${p}} ${t.placeholder_labels[i]}` }))) : null,
        area,
        el('button', { class: 'secondary', type: 'button', text: '预览', onclick: () => guarded(async () => {
          const r = await api('POST', '/templates/preview', { key: t.key, text: area.value });
          preview.hidden = false;
          preview.textContent = r.preview;
        }) }),
        data.editable ? el('button', { type: 'button', text: '保存', onclick: () => guarded(async () => {
          await api('PUT', '/templates/' + encodeURIComponent(t.key), { text: area.value, community_id: scopeBody });
          toast('已保存，机器人马上使用新文字');
          await pageTemplates();
          const again = document.querySelector(`[data-template="${CSS.escape(t.key)}"]`);
          if (again) { again.open = true; again.closest('details.tpl-group').open = true; }
        }) }) : null,
        data.editable && own !== null ? el('button', { class: 'secondary', type: 'button', text: '恢复默认', onclick: () => guarded(async () => {
          await api('DELETE', '/templates/' + encodeURIComponent(t.key) + (community ? '?community_id=' + community : ''));
          toast('已恢复');
          pageTemplates();
        }) }) : null,
        preview,
        el('div', { class: 'muted' }, '默认文字：', el('span', { class: 'pre tpl-raw', text: t.base })));
      return d;
    })));
  search.addEventListener('input', () => {
    const q = search.value.trim();
    for (const d of document.querySelectorAll('.tpl')) d.hidden = q !== '' && !d.dataset.search.includes(q);
    for (const s of document.querySelectorAll('.tpl-group')) {
      s.hidden = ![...s.querySelectorAll('.tpl')].some((d) => !d.hidden);
      s.open = q !== '' && !s.hidden;
    }
  });
  main().replaceChildren(el('h2', { text: '回复模板' }), head, el('div', { id: 'template-list' }, sections));
}

// ---------- tickets ----------
const TICKET_STATUS = { active: '未完成', open: '待接单', reopened: '重新打开', claimed: '处理中', done: '已修好', closed: '已关闭', cancelled: '已取消', all: '全部' };
const LEVELS = { all: '全部层级', grid: '网格', community: '社区', street: '街道', district: '区' };
const TIMELINE = { created: '报修', media: '补充了照片或位置', claimed: '接单', assigned: '被指派处理', done: '修好了', rated: '评价', liked: '点赞', reopened: '说没修好', cancelled: '取消了', closed: '关闭了', escalated: '上报' };

async function ticketDetail(id, box) {
  const t = await api('GET', '/tickets/' + id);
  fill(box, el('div', { class: 'result ticket-detail' },
    el('div', { class: 'pre', text: t.description }),
    el('h4', { text: '经过' }),
    el('ol', { class: 'timeline' }, t.timeline.map((e) => el('li', { text: `${fmtTime(e.at)} ${e.actor_name} ${TIMELINE[e.action] || '处理'}${e.to && e.action !== 'created' ? '（' + (TICKET_STATUS[e.to] || '') + '）' : ''}${e.note ? '：' + e.note : ''}` }))),
    t.media.length ? el('h4', { text: '照片和位置' }) : null,
    el('div', { class: 'thumbs' }, t.media.map((m) => m.kind === 'image'
      ? (m.fetched ? el('a', { href: `${API}/tickets/${id}/photos/${m.id}`, target: '_blank' }, el('img', { class: 'thumb', alt: '报修照片', src: `${API}/tickets/${id}/photos/${m.id}` }))
        : el('span', { class: 'muted', text: '（照片还在从微信下载）' }))
      : el('span', { class: 'tag', text: '位置：' + (m.label || '居民发来的位置') })))));
}

function ticketActions(t, box, reload) {
  const panel = el('div', { class: 'ticket-panel' });
  const active = ['open', 'reopened', 'claimed'].includes(t.status);
  const assign = () => guarded(async () => {
    const a = await api('GET', `/tickets/${t.id}/assignees`);
    const sel = el('select', { class: 'assignee', id: `assignee-${t.id}` }, a.assignees.map((p) => el('option', { value: p.openid,
      text: `${p.name || '未登记姓名'}（${p.kind === 'worker' ? '网格员' : '志愿者' + (p.vetted ? '·已认证' : '·未认证')}${p.skills.length ? '·' + p.skills.join('、') : ''}）` })));
    const search = el('input', { type: 'search', placeholder: '输入姓名或技能查找' });
    search.addEventListener('input', () => { for (const o of sel.options) o.hidden = !o.text.includes(search.value.trim()); const f = [...sel.options].find((o) => !o.hidden); if (f) sel.value = f.value; });
    const err = el('p', { class: 'error' });
    fill(panel, a.assignees.length ? [search, sel, el('button', { class: 'ticket-assign-ok', text: '交给这个人', onclick: () => guarded(async () => {
      try { await api('POST', `/tickets/${t.id}/action`, { action: 'assign', assignee: sel.value }); } catch (e) { err.textContent = errorText(e); throw e; }
      toast('已指派，已通知对方和报修的居民'); reload();
    }) })] : el('p', { class: 'muted', text: '本社区还没有能接单的志愿者或网格员。' }), err);
  });
  const withNote = (action, label, hint) => () => {
    const note = el('input', { class: 'ticket-note', placeholder: hint });
    const err = el('p', { class: 'error ticket-error' });
    fill(panel, note, el('button', { class: action === 'cancel' ? 'danger ticket-ok' : 'ticket-ok', text: label, onclick: () => guarded(async () => {
      try { await api('POST', `/tickets/${t.id}/action`, { action, message: note.value }); } catch (e) { err.textContent = errorText(e); throw e; }
      toast(action === 'close' ? '已关闭，已通知居民' : '已取消，已通知居民'); reload();
    }) }), err);
  };
  return [el('div', { class: 'actions' },
    el('button', { class: 'secondary', text: '详情', onclick: () => guarded(() => ticketDetail(t.id, box)) }),
    active && t.editable !== false ? el('button', { class: 'secondary ticket-assign', text: t.status === 'claimed' ? '改派' : '指派', onclick: assign }) : null,
    !['closed', 'cancelled'].includes(t.status) ? el('button', { class: 'secondary ticket-close', text: '关闭', onclick: withNote('close', '确认关闭', '写一句处理结果，居民会收到') }) : null,
    active ? el('button', { class: 'danger ticket-cancel', text: '取消', onclick: withNote('cancel', '确认取消', '写一句取消原因，居民会收到') }) : null), panel];
}

async function pageTickets() {
  const params = new URLSearchParams(location.hash.split('?')[1] || '');
  const f = { status: params.get('status') || 'active', category: params.get('category') || '', level: params.get('level') || 'all', grid: params.get('grid') || '' };
  const q = `?status=${encodeURIComponent(f.status)}&level=${encodeURIComponent(f.level)}` + (f.category ? '&category=' + encodeURIComponent(f.category) : '') + (f.grid ? '&grid_id=' + encodeURIComponent(f.grid) : '');
  const data = await api('GET', '/tickets' + q);
  const go = () => { location.hash = '#tickets?' + new URLSearchParams({ status: status.value, category: cat.value, level: level.value, grid: grid.select.value }).toString(); };
  const status = el('select', { id: 'ticket-status' }, optionList(TICKET_STATUS, f.status));
  const cat = el('select', { id: 'ticket-category' }, el('option', { value: '', text: '全部类别' }), data.categories.map((c) => el('option', { value: c.name, text: c.label, selected: c.name === f.category })));
  const level = el('select', { id: 'ticket-level' }, optionList(LEVELS, f.level));
  const grid = unitPicker('ticket-grid', 'grid', f.grid, '全部网格');
  for (const s of [status, cat, level, grid.select]) s.addEventListener('change', go);
  const apply = el('button', { class: 'secondary', type: 'button', text: '筛选', onclick: go });
  const reload = () => pageTickets();
  main().replaceChildren(el('h2', { text: '报修工单' }),
    el('section', { class: 'card filters' }, el('div', { class: 'row' }, field('ticket-status', '状态', status), field('ticket-category', '类别', cat)),
      el('div', { class: 'row' }, field('ticket-level', '层级', level), field('ticket-grid', '网格', grid.box)), apply),
    el('section', { class: 'card', id: 'tickets' }, el('h3', { text: `工单（${data.tickets.length}）` }),
      el('p', { class: 'muted', text: '独居老人的报修排在最前，其次是超时没人接或没修好的。' }),
      data.tickets.length ? null : el('p', { class: 'muted', text: '没有这类工单。' }),
      data.tickets.map((t) => {
        const detail = el('div');
        return el('div', { class: 'item ticket' + (t.priority ? ' priority' : '') + (t.overdue ? ' overdue' : ''), 'data-ticket-id': t.id },
          el('div', {}, el('span', { class: 'tag', text: TICKET_STATUS[t.status] || '' }), t.priority ? el('span', { class: 'tag hot', text: '独居老人优先' }) : null,
            t.overdue ? el('span', { class: 'tag hot', text: t.status === 'claimed' ? '超时未修好' : '超时没人接' }) : null,
            t.level !== 'grid' ? el('span', { class: 'tag', text: '已上报到' + LEVELS[t.level] }) : null,
            el('strong', { text: `${t.id}号 ` }), el('span', { class: 'ticket-description', text: t.description })),
          el('div', { class: 'meta', text: `${t.community} ${t.grid} · ${t.category_label} · ${fmtTime(t.created_at)}${t.rating ? ' · 评分 ' + t.rating : ''}` }),
          el('div', { class: 'meta reporter', text: `报修人：${t.reporter_name || '未登记姓名'}${t.building || t.room ? ' · ' + t.building + t.room : ''}` }, t.phone ? el('a', { href: 'tel:' + t.phone, text: ' · ' + t.phone }) : null),
          t.claimed_by_name || t.claimed_by ? el('div', { class: 'meta', text: `处理人：${t.claimed_by_name || '未登记姓名'}` }) : null,
          t.done_note ? el('div', { class: 'meta', text: '处理说明：' + t.done_note }) : null,
          ticketActions(t, detail, reload), detail);
      })));
}

// ---------- join requests and residents ----------
const JOIN_STATUS = { pending: '待审核', approved: '已通过', rejected: '已拒绝', all: '全部' };

async function pageJoins(box, status) {
  const data = await api('GET', '/joins?status=' + status);
  const sel = el('select', { id: 'join-status' }, optionList(JOIN_STATUS, status));
  sel.addEventListener('change', () => guarded(() => pageJoins(box, sel.value)));
  const search = el('input', { type: 'search', id: 'join-search', placeholder: '姓名、楼幢或网格' });
  const items = data.joins.map((j) => {
    const reason = el('input', { placeholder: '拒绝原因（居民会收到）', class: 'join-reason' });
    const err = el('p', { class: 'error' });
    return el('div', { class: 'item', 'data-join-id': j.id, 'data-search': `${j.name} ${j.building}${j.room} ${j.grid} ${j.phone}` },
      el('div', {}, el('strong', { class: 'join-name', text: j.name }), ` ${j.building}${j.room}`, el('span', { class: 'tag', text: JOIN_STATUS[j.status] })),
      el('div', { class: 'meta', text: `${j.community} ${j.grid} · ${fmtTime(j.created_at)}${j.phone ? ' · ' + j.phone : ''}${j.reason ? ' · 原因：' + j.reason : ''}` }),
      j.status === 'pending' ? el('div', { class: 'actions' },
        el('button', { class: 'join-approve', text: '通过', onclick: () => guarded(async () => { await api('POST', `/joins/${j.id}/approve`, {}); toast('已通过，已通知居民'); pageJoins(box, status); }) }),
        reason,
        el('button', { class: 'danger join-reject', text: '拒绝', onclick: () => guarded(async () => {
          try { await api('POST', `/joins/${j.id}/reject`, { reason: reason.value }); } catch (e) { err.textContent = errorText(e); throw e; }
          toast('已拒绝，已通知居民'); pageJoins(box, status);
        }) }), err) : null);
  });
  search.addEventListener('input', () => { for (const i of items) i.hidden = !i.dataset.search.includes(search.value.trim()); });
  fill(box, el('h3', { text: `入格申请（${data.joins.length}）` }), el('div', { class: 'row' }, field('join-status', '状态', sel), field('join-search', '查找', search)),
    data.joins.length ? null : el('p', { class: 'muted', text: '没有这类申请。' }), items);
}

async function residentList(box, q) {
  const data = await api('GET', '/residents?q=' + encodeURIComponent(q));
  const search = el('input', { type: 'search', id: 'resident-search', value: q, placeholder: '姓名、房号、电话或网格' });
  const form = el('form', { onsubmit: (ev) => { ev.preventDefault(); guarded(() => residentList(box, search.value.trim())); } }, field('resident-search', '查找居民', search), el('button', { type: 'submit', text: '查找' }));
  fill(box, el('h3', { text: `居民（${data.residents.length}）` }), form,
    data.residents.length ? cardTable('residents', ['姓名', '住址', '电话', '网格', '备注'], data.residents.map((r) => [
      el('strong', { text: r.name }), `${r.building}${r.room}`, r.phone ? el('a', { href: 'tel:' + r.phone, text: r.phone }) : '', `${r.community} ${r.grid}`, r.elderly_alone ? '独居老人' : ''])) : el('p', { class: 'muted', text: '没有找到。' }));
}

async function pagePeople() {
  const joins = el('section', { class: 'card', id: 'joins' });
  const residents = el('section', { class: 'card', id: 'residents-card' });
  main().replaceChildren(el('h2', { text: '入格申请和居民' }), joins, residents);
  await Promise.all([pageJoins(joins, 'pending'), residentList(residents, '')]);
}

// ---------- volunteers ----------
async function pageVolunteers() {
  const data = await api('GET', '/volunteers');
  const search = el('input', { type: 'search', id: 'volunteer-search', placeholder: '姓名、技能或社区' });
  const items = data.volunteers.map((v) => el('div', { class: 'item volunteer', 'data-search': `${v.name} ${v.skills.join(' ')} ${v.community}` },
    el('div', {}, el('strong', { class: 'volunteer-name', text: v.name || '未登记姓名' }), ' ',
      el('span', { class: 'tag' + (v.vetted ? '' : ' off'), text: v.vetted ? '已认证' : '未认证' }),
      v.active ? null : el('span', { class: 'tag off', text: '已退出' })),
    el('div', { class: 'meta', text: `${v.community} · 会：${v.skills.join('、') || '未填'}${v.availability ? ' · 有空：' + v.availability : ''}${v.phone ? ' · ' + v.phone : ''}` }),
    el('div', { class: 'meta', text: `接单 ${v.claimed} 次 · 修好 ${v.completed} 次 · 收到点赞 ${v.likes} 个 · 好评 ${v.good_ratings} 个${v.vetted ? ' · ' + fmtTime(v.vetted_at) + ' 认证' : ''}` }),
    el('div', { class: 'actions' }, el('button', { class: v.vetted ? 'secondary volunteer-unvet' : 'volunteer-vet', text: v.vetted ? '取消认证' : '认证（核实过身份）', onclick: () => guarded(async () => {
      await api('POST', '/volunteers/vetting', { openid: v.openid, vetted: !v.vetted });
      toast(v.vetted ? '已取消认证' : '已认证，可以接独居老人的报修了'); pageVolunteers();
    }) }))));
  search.addEventListener('input', () => { for (const i of items) i.hidden = !i.dataset.search.includes(search.value.trim()); });
  main().replaceChildren(el('h2', { text: '志愿者' }),
    el('section', { class: 'card' }, el('p', { class: 'muted', text: '独居老人的报修，社区只能指派给认证过的志愿者。认证前请当面核实本人身份。' }), field('volunteer-search', '查找', search)),
    el('section', { class: 'card', id: 'volunteers' }, el('h3', { text: `志愿者（${data.volunteers.length}）` }),
      items.length ? items : el('p', { class: 'muted', text: '还没有志愿者。居民发「志愿者 技能」就能报名。' })));
}

// ---------- notices ----------
const OUTBOX_STATUS = { pending: '等待发送', sending: '正在发送', sent: '已送达', inbox: '存入消息盒', dead: '发送失败' };
const NOTICE_KIND = { join_request: '入格申请提醒', join_approved: '入格通过', join_rejected: '入格被拒', ticket_new: '新报修', ticket_claimed: '已接单', ticket_done: '已修好', ticket_rated: '收到评价', ticket_liked: '收到点赞', ticket_reopened: '说没修好', ticket_cancelled: '报修取消', ticket_assigned: '指派工单', ticket_reassigned: '工单改派', ticket_closed: '工单关闭', media_fetch: '下载照片' };

async function pageNotices() {
  const n = await api('GET', '/notices');
  main().replaceChildren(el('h2', { text: '通知' }),
    n.problems.length ? el('section', { class: 'card warn', id: 'notice-problems' }, n.problems.map((p) => el('p', { text: '⚠ ' + p }))) : null,
    el('section', { class: 'card' }, el('h3', { text: '通知发送情况' }),
      el('div', { class: 'counts', id: 'notice-counts' }, Object.entries(OUTBOX_STATUS).filter(([k]) => n.counts[k] !== undefined).map(([k, label]) =>
        el('div', { class: 'count' + (k === 'dead' && n.counts[k] ? ' bad' : '') }, el('strong', { text: n.counts[k] }), el('span', { text: label }))))),
    el('section', { class: 'card', id: 'dead-letters' }, el('h3', { text: `发送失败的通知（${n.dead.length}）` }),
      n.dead.length ? el('p', { class: 'muted', text: '这些通知微信一直不肯送达（对方取消关注、48 小时没说过话、接口凭证有问题等）。问题解决后可以重发。' }) : el('p', { class: 'muted', text: '没有发送失败的通知。' + (n.counts.pending ? `另有 ${n.counts.pending} 条在等待发送${n.problems.length ? '，原因见上面' : ''}。` : '') }),
      n.dead.map((d) => el('div', { class: 'item', 'data-dead-id': d.id },
        el('div', {}, el('span', { class: 'tag', text: NOTICE_KIND[d.kind] || '通知' }), el('strong', { text: '发给 ' + (d.recipient_name || '未登记姓名的人') })),
        el('div', { class: 'pre', text: d.text }),
        el('div', { class: 'meta', text: `${fmtTime(d.created_at)} · 试了 ${d.attempts} 次` }),
        el('details', {}, el('summary', { class: 'muted', text: '微信返回的原因' }), el('div', { class: 'pre muted code', text: d.last_error })),
        el('button', { class: 'secondary dead-retry', text: '重发', onclick: () => guarded(async () => { await api('POST', `/outbox/${d.id}/retry`, {}); toast('已重新排队'); pageNotices(); refreshBanner(); }) })))));
}

// ---------- numbers ----------
async function pageNumbers() {
  const isDistrict = state.account.role === 'district';
  const params = new URLSearchParams(location.hash.split('?')[1] || '');
  const days = params.get('days') || '30';
  const community = isDistrict ? (params.get('community') || '') : '';
  const q = `days=${encodeURIComponent(days)}` + (community ? `&community_id=${encodeURIComponent(community)}` : '');
  const n = await api('GET', '/stats?' + q);
  const daysSel = el('select', { id: 'num-days' }, ['7', '30', '90', '365'].map((d) => el('option', { value: d, selected: d === days, text: `最近 ${d} 天` })));
  const comm = isDistrict ? unitPicker('num-community', 'community', community, '全区') : null;
  const go = () => { location.hash = '#numbers?days=' + daysSel.value + (comm && comm.select.value ? '&community=' + comm.select.value : ''); };
  daysSel.addEventListener('change', go);
  if (comm) comm.select.addEventListener('change', go);
  main().replaceChildren(el('h2', { text: '数据' }),
    el('section', { class: 'card' }, el('div', { class: 'row' },
      field('num-days', '时间', daysSel),
      comm ? field('num-community', '社区', comm.box) : null),
      el('button', { class: 'secondary', id: 'num-go', type: 'button', text: '查看', onclick: go }),
      el('a', { href: API + '/stats.csv?' + q, download: '隔壁邻舍数据.csv', id: 'csv-link', class: 'button secondary', text: '导出 CSV 表格' })),
    el('section', { class: 'card', id: 'numbers' },
      el('p', { id: 'messages-total', text: `共收到 ${n.messages_total} 条消息` }),
      chart('chart-messages', '每天收到的消息', API + '/stats/messages.svg?' + q),
      el('a', { href: API + '/stats/messages.csv?' + q, download: '每天消息数.csv', class: 'muted', text: '下载每天消息数（CSV 表格）' }),
      chart('chart-tickets', '新增工单', API + '/stats/tickets.svg?' + q)),
    el('section', { class: 'card', id: 'unit-numbers' }, el('h3', { text: '各社区' }),
      cardTable('community-numbers', UNIT_HEADERS, n.units.filter((u) => u.kind === 'community').map(unitRow)),
      // Each community's grids fold away: thirteen grids of cards would bury the communities.
      n.units.filter((u) => u.kind === 'community').map((c) => {
        const grids = n.units.filter((u) => u.kind === 'grid' && u.community_id === c.unit_id);
        return grids.length ? el('details', { class: 'grid-numbers' }, el('summary', { text: `${c.name}的 ${grids.length} 个网格` }),
          cardTable('', UNIT_HEADERS, grids.map(unitRow))) : null;
      })));
  main().append(suggestionNumbersCard(await api('GET', '/suggestions/numbers')));
}

const UNIT_HEADERS = ['名称', '新增工单', '修好', '取消', '多久有人接（中位数）', '多久修好（中位数）', '在岗志愿者', '待审核入格'];
function unitRow(u) {
  return [el('strong', { text: u.name }), u.tickets_opened, u.tickets_closed, u.tickets_cancelled ?? 0, minutes(u.median_claim_minutes),
    minutes(u.median_done_minutes), u.active_volunteers ?? '', u.pending_joins];
}

// A server-drawn chart: the narrow drawing on a phone keeps its text readable.
function chart(id, alt, src) {
  return el('picture', {}, el('source', { media: '(max-width: 640px)', srcset: src + '&narrow=1' }),
    el('img', { class: 'chart', id, alt, src }));
}

function minutes(m) {
  if (m === null || m === undefined) return '—';
  return m < 120 ? `${Math.round(m)} 分钟` : `${(m / 60).toFixed(1)} 小时`;
}

// ---------- audit & account ----------
const AUDIT_VERBS = {
  'rule.create': '添加了规则', 'rule.update': '修改了规则', 'rule.delete': '删除了规则', 'rule.rollback': '恢复了规则', 'rule.import': '导入了规则',
  'template.set': '修改了回复文字', 'template.reset': '把回复文字恢复成默认', 'join.approve': '通过了入格申请', 'join.reject': '拒绝了入格申请',
  'outbox.retry': '重发了通知', 'ticket.assign': '指派了工单', 'ticket.close': '关闭了工单', 'ticket.cancel': '取消了工单',
  'volunteer.vet': '认证了志愿者', 'volunteer.unvet': '取消了志愿者认证', 'account.create': '开了管理员账号', 'account.reset_password': '重置了管理员密码',
  'account.change_password': '修改了自己的密码', login: '登录了后台', 'person.forget': '按居民要求删除了个人信息',
  'account.disable': '停用了管理员账号', 'suggestion.reply': '答复了建议', 'suggestion.adopt': '采纳了建议', 'suggestion.decline': '不采纳建议',
  'circle.update': '修改了圈子', 'circle.manager_add': '设了圈子管理员', 'circle.manager_remove': '取消了圈子管理员',
  'notice.remind': '提醒了没回复的人', 'notice.withdraw': '撤回了通知', 'plate.confirm': '确认了车牌', 'parking.spot_sharing': '修改了空位转发设置',
  'ladder.deadline': '修改了办理期限', 'ladder.deadline_reset': '把办理期限恢复成默认', 'apikey.add': '开了对接账号', 'apikey.revoke': '停用了对接账号',
  'lookback.export': '导出了聊天记录',
  'care.elder_add': '添加了关爱的老人', 'care.volunteer_assign': '指派了关爱志愿者', 'care.volunteer_unassign': '取消了关爱志愿者',
  'care.family_approve': '同意了家属加入关爱圈', 'care.family_reject': '拒绝了家属加入关爱圈',
  'moderation.hold': '的内容被拦下待审核', 'moderation.release': '放行了内容', 'moderation.reject': '驳回了内容',
  'moderation.propose_removal': '提议踢出成员', 'moderation.confirm_removal': '确认踢出成员', 'moderation.appeal': '提出了申诉',
  'moderation.category': '修改了审核规则', 'moderation.lift_strike': '撤销了一次违规', 'moderation.close_appeal': '处理了申诉',
};

// The thing a row names as people wrote it (a plate, a resident's or a district account's
// name): shown after the sentence, as written.
function auditWritten(e) {
  const [kind, ...rest] = (e.object || '').split(':');
  return ['plate', 'apikey', 'person'].includes(kind) ? `「${rest.join(':')}」` : '';
}

// One audit row as a sentence: who did what to which thing (its name, never its code).
function auditSentence(e) {
  const who = e.account === 'cli' ? '技术人员（命令行）' : e.account;
  const verb = AUDIT_VERBS[e.action] || '做了一项操作';
  const [kind, ...rest] = (e.object || '').split(':');
  let what = '';
  const snap = (() => { try { return JSON.parse(e.after || e.before); } catch (x) { return null; } })();
  if (kind === 'rule' && snap && snap.pattern) what = `「${snap.pattern}」`;
  else if (kind === 'template') {
    const t = (state.lists.templates || []).find((x) => x.key === rest[rest.length - 1]);
    what = t ? `「${t.title}」` : '';
  } else if (kind === 'join' || kind === 'ticket' || kind === 'outbox') what = ` ${rest[0]}号`;
  else if (kind === 'volunteer' && e.after) what = `「${e.after}」`;
  else if (kind === 'account' && (e.action === 'account.create' || e.action === 'account.reset_password')) what = `「${rest.join(':')}」`;
  else if (kind === 'suggestion' || kind === 'notice') what = ` ${rest[0]}号`;

  let detail = '';
  if (kind === 'join' && e.after.startsWith('rejected: ')) detail = '，原因：' + e.after.slice(10);
  if (kind === 'ticket' && e.after) detail = '：' + e.after;
  return `${who} ${verb}${what}${detail}`;
}

async function pageAudit() {
  if (!state.lists.templates) state.lists.templates = (await api('GET', '/templates')).templates;
  const a = await api('GET', '/audit?limit=200');
  main().replaceChildren(el('h2', { text: '操作记录' }), el('section', { class: 'card', id: 'audit' },
    a.audit.length ? null : el('p', { class: 'muted', text: '还没有操作记录。' }),
    a.audit.map((e) => el('div', { class: 'item' }, el('div', { class: 'audit-line' }, auditSentence(e),
      auditWritten(e) ? el('span', { class: 'as-written', text: auditWritten(e) }) : null),
      el('div', { class: 'meta', text: `${fmtTime(e.created_at)}${e.community_id ? ' · ' + (unitName(e.community_id) || '') : ''}` })))));
}

function pageAccount() {
  const old = el('input', { id: 'pw-old', type: 'password', autocomplete: 'current-password' });
  const nw = el('input', { id: 'pw-new', type: 'password', autocomplete: 'new-password' });
  const err = el('p', { class: 'error', id: 'pw-error' });
  main().replaceChildren(el('h2', { text: '我的账号' }),
    el('section', { class: 'card narrow' },
      el('p', { text: `用户名：${state.account.name}` }),
      el('form', { id: 'password-form', onsubmit: (ev) => { ev.preventDefault(); err.textContent = ''; guarded(async () => {
        try { await api('POST', '/me/password', { old_password: old.value, new_password: nw.value }); } catch (e) { err.textContent = errorText(e); throw e; }
        toast('密码已修改，请重新登录');
        showLogin('密码已修改，请用新密码登录');
      }); } },
        field('pw-old', '旧密码', old),
        field('pw-new', '新密码（至少 10 个字符）', nw),
        err,
        el('button', { type: 'submit', id: 'pw-submit', text: '修改密码' }))),
    el('button', { class: 'danger', id: 'logout', text: '退出登录', onclick: () => guarded(async () => { await api('POST', '/logout', {}); showLogin('已退出'); }) }));
}

// ---------- escalation ladder ----------
const LADDER_LEVELS = { grid: '网格', community: '社区', street: '街道', district: '区' };
const WAITS_FOR = { claim: '等人受理', reminder: '已受理，等办好', resolve: '已提醒过，等办好' };
Object.assign(NOTICE_KIND, { ticket_level: '报修转级', ticket_urged: '居民催办', ticket_reminder: '超时提醒', district_handoff: '交给区平台' });
Object.assign(AUDIT_VERBS, { 'ladder.deadline': '修改了升级期限', 'ladder.deadline_reset': '把升级期限恢复成默认', 'apikey.add': '发放了接口密钥', 'apikey.revoke': '停用了接口密钥' });

// "还剩 3.5 小时" / "超时 20 分钟".
function timeLeft(sec) {
  const a = Math.abs(sec);
  const t = a < 3600 ? `${Math.max(1, Math.round(a / 60))} 分钟` : a < 48 * 3600 ? `${(a / 3600).toFixed(1)} 小时` : `${(a / 86400).toFixed(1)} 天`;
  return sec <= 0 ? '超时 ' + t : '还剩 ' + t;
}
function hoursText(sec) { return sec ? (sec < 7200 ? `${Math.round(sec / 60)} 分钟` : `${(sec / 3600).toFixed(1)} 小时`) : '—'; }

async function pageLadder() {
  const b = await api('GET', '/ladder');
  const boards = Object.entries(LADDER_LEVELS).map(([lv, name]) => {
    const rows = b.tickets.filter((t) => t.level === lv);
    const late = rows.filter((t) => t.overdue).length;
    return el('section', { class: 'card ladder-level', 'data-level': lv },
      el('h3', { text: `${name}（${rows.length}${late ? `，超时 ${late}` : ''}）` }),
      rows.length ? rows.map((t) => el('div', { class: 'item ladder-ticket' + (t.overdue ? ' overdue' : ''), 'data-ticket-id': t.id },
        el('div', {}, el('span', { class: 'tag' + (t.overdue ? ' hot' : ''), text: timeLeft(t.seconds_left) }), el('strong', { text: `${t.id}号 ${t.description}` })),
        el('div', { class: 'meta', text: `${t.grid} · ${t.category} · 现在由${t.where}处理 · ${WAITS_FOR[t.waits_for] || ''} · 期限 ${fmtTime(t.deadline_at)}` })))
        : el('p', { class: 'muted', text: '这一级没有在办的报修。' }));
  });
  const parts = [el('h2', { text: '升级和期限' }),
    el('section', { class: 'card' }, el('p', { class: 'muted', text: '报修先在网格办，办不了依次交给社区、街道项目执行组、区里。超过期限没人受理会自动升一级；受理后超过期限没办好先提醒，再过一个期限也会升一级。下面超时的排在最前。' })),
    boards];
  if (b.district) parts.push(ladderNumbers(b), ladderSettings(b), await apiKeysCard());
  main().replaceChildren(...parts.flat());
}

function ladderNumbers(b) {
  return el('section', { class: 'card', id: 'ladder-numbers' }, el('h3', { text: '各级的数据' }),
    cardTable('ladder-numbers-table', ['层级', '正在办', '每级停留（中位数）', '算了多少次', '超时被自动升级'],
      b.numbers.map((n) => [el('strong', { text: LADDER_LEVELS[n.level] }), n.active, hoursText(n.median_seconds), n.stays, n.missed])));
}

function ladderSettings(b) {
  const catNames = Object.fromEntries([['*', '所有类别'], ...b.categories.map((c) => [c.name, c.label])]);
  const err = el('p', { class: 'error', id: 'deadline-error' });
  const cat = el('select', { id: 'deadline-category' }, optionList(catNames, '*'));
  const lv = el('select', { id: 'deadline-level' }, optionList(LADDER_LEVELS, 'grid'));
  const claim = el('input', { id: 'deadline-claim', type: 'number', min: 1, max: 2160, inputmode: 'numeric', value: b.defaults.claim_hours });
  const resolve = el('input', { id: 'deadline-resolve', type: 'number', min: 1, max: 2160, inputmode: 'numeric', value: b.defaults.resolve_hours });
  const save = (remove, row) => guarded(async () => {
    err.textContent = '';
    const body = row ? { category: row.category, level: row.level, remove: true }
      : { category: cat.value, level: lv.value, claim_hours: Number(claim.value), resolve_hours: Number(resolve.value), remove };
    try { await api('POST', '/ladder/deadlines', body); } catch (e) { err.textContent = errorText(e); throw e; }
    toast(row ? '已恢复成默认期限' : '期限已保存'); pageLadder();
  });
  return el('section', { class: 'card', id: 'ladder-settings' }, el('h3', { text: '期限设置' }),
    el('p', { class: 'muted', text: `没单独设置的，按默认：${b.defaults.claim_hours} 小时没人受理就升级，受理后 ${b.defaults.resolve_hours} 小时没办好先提醒。` }),
    b.deadlines.length ? cardTable('deadline-table', ['类别', '层级', '没人受理多久升级', '受理后多久要办好', ''], b.deadlines.map((d) => [
      catNames[d.category] || d.category, LADDER_LEVELS[d.level], `${d.claim_hours} 小时`, `${d.resolve_hours} 小时`,
      el('button', { class: 'secondary deadline-reset', text: '恢复默认', onclick: () => save(true, d) })])) : el('p', { class: 'muted', text: '还没有单独设置的期限。' }),
    el('form', { id: 'deadline-form', novalidate: true, onsubmit: (ev) => { ev.preventDefault(); save(false); } },
      el('div', { class: 'row' }, field('deadline-category', '报修类别', cat), field('deadline-level', '层级', lv)),
      el('div', { class: 'row' }, field('deadline-claim', '没人受理多久升级（小时）', claim), field('deadline-resolve', '受理后多久要办好（小时）', resolve)),
      err, el('button', { type: 'submit', id: 'deadline-save', text: '保存期限' })));
}

// newKey: a key just issued, shown once above the form.
async function apiKeysCard(newKey) {
  const k = await api('GET', '/apikeys');
  const name = el('input', { id: 'apikey-name', placeholder: '例如：区12345平台' });
  const err = el('p', { class: 'error', id: 'apikey-error' });
  const shown = el('div', { id: 'apikey-new' }, newKey ? el('div', { class: 'warn' }, el('p', { text: '新密钥（只显示这一次，请马上复制给对方）：' }), el('div', { class: 'pre code kw', id: 'apikey-value', text: newKey })) : null);
  const card = el('section', { class: 'card', id: 'apikeys' }, el('h3', { text: `接口密钥（${k.keys.length}）` }),
    el('p', { class: 'muted', text: '给区里的平台等别的系统调用本系统的报修接口用。密钥只显示一次，系统只保存加密后的样子；不用了请停用。居民的微信号和电话不会通过接口传出去。' }),
    k.keys.map((x) => el('div', { class: 'item apikey', 'data-name': x.name },
      el('div', {}, el('strong', { text: x.name }), ' ', el('span', { class: 'tag' + (x.revoked ? ' off' : ''), text: x.revoked ? '已停用' : '使用中' })),
      el('div', { class: 'meta' }, '开头 ', el('span', { class: 'kw', text: x.prefix }), ` · ${fmtTime(x.created_at)} 发放 · ${x.last_used_at ? '最近使用 ' + fmtTime(x.last_used_at) : '还没用过'} · 最近一天调用 ${x.calls_today} 次${x.refused_today ? `（被拒 ${x.refused_today} 次）` : ''}`),
      x.revoked ? null : el('button', { class: 'danger apikey-revoke', text: '停用', onclick: () => guarded(async () => {
        await api('POST', '/apikeys/revoke', { consumer: x.name }); toast('已停用'); pageLadder();
      }) }))),
    el('form', { id: 'apikey-form', onsubmit: (ev) => { ev.preventDefault(); err.textContent = ''; guarded(async () => {
      let r;
      try { r = await api('POST', '/apikeys', { consumer: name.value.trim() }); } catch (e) { err.textContent = errorText(e); throw e; }
      card.replaceWith(await apiKeysCard(r.key));
      toast('密钥已发放');
    }); } }, field('apikey-name', '使用方名称', name), err, el('button', { type: 'submit', id: 'apikey-add', text: '发放新密钥' })),
    shown);
  return card;
}

const PAGES = { rules: pageRules, tickets: pageTickets, people: pagePeople, volunteers: pageVolunteers, notices: pageNotices, templates: pageTemplates, numbers: pageNumbers, audit: pageAudit, account: pageAccount, ladder: pageLadder };

function route() {
  if (!state.account) return;
  const page = (location.hash.slice(1).split('?')[0]) || 'rules';
  for (const a of document.querySelectorAll('#nav a')) a.classList.toggle('active', a.dataset.page === page);
  const fn = PAGES[page] || pageRules;
  main().setAttribute('data-page', page);
  guarded(async () => { await fn(); main().setAttribute('data-loaded', page); });
}

window.addEventListener('hashchange', () => { main().removeAttribute('data-loaded'); route(); });
window.addEventListener('DOMContentLoaded', async () => {
  try {
    const me = await api('GET', '/me');
    state.csrf = me.csrf_token;
    state.account = me.account;
    if (me.must_change_password) showFirstPassword();
    else enter();
  } catch (e) {
    showLogin('');
  }
});

// ---------- suggestions (S9) and parking (S8) ----------
const SUGGESTION_STATUS = { open: '等待答复', replied: '已回复', adopted: '已采纳', declined: '不采纳' };
Object.assign(NOTICE_KIND, { suggestion_new: '新建议', suggestion_overdue: '建议超时提醒', suggestion_answer: '建议的答复',
  parking_new: '停车反映', parking_joined: '停车反映（又有邻居）', parking_move: '请挪车', parking_moved: '车已挪走',
  plate_registered: '车牌登记', plate_confirmed: '车牌已确认', free_spot: '空车位' });
Object.assign(AUDIT_VERBS, { 'suggestion.reply': '回复了建议', 'suggestion.adopt': '采纳了建议', 'suggestion.decline': '不采纳建议',
  'plate.confirm': '确认了车牌', 'parking.spot_sharing': '改了空车位推送设置' });

// Per community: how many suggestions, answered, answered within the days.
function suggestionNumbersCard(n) {
  return el('section', { class: 'card', id: 'suggestion-numbers' }, el('h3', { text: `居民建议按时答复（${n.answer_days} 天内）` }),
    n.communities.length ? cardTable('suggestion-numbers-table', ['社区', '建议', '已答复', '按时答复', '按时答复率'], n.communities.map((c) => [
      el('strong', { text: c.community }), c.total, c.answered, c.on_time, c.total ? Math.round(100 * c.on_time / c.total) + '%' : '—']))
      : el('p', { class: 'muted', text: '还没有居民提过建议。' }));
}

function suggestionItem(s, reload) {
  const message = el('input', { class: 'suggestion-message', placeholder: '写给居民的话（不采纳一定要写原因）' });
  const err = el('p', { class: 'error suggestion-error' });
  const answer = (action, done) => () => guarded(async () => {
    try { await api('POST', `/suggestions/${s.id}/answer`, { action, message: message.value }); } catch (e) { err.textContent = errorText(e); throw e; }
    toast(done); reload();
  });
  const open = s.status === 'open' || s.status === 'replied';
  return el('div', { class: 'item suggestion' + (s.overdue ? ' overdue' : ''), 'data-suggestion-id': s.id },
    el('div', {}, el('span', { class: 'tag suggestion-status', text: SUGGESTION_STATUS[s.status] || '' }),
      s.overdue ? el('span', { class: 'tag hot', text: '超时未答复' }) : null,
      el('strong', { text: `${s.id}号 ` }), el('span', { class: 'suggestion-content as-written', text: s.content })),
    el('div', { class: 'meta', text: `${s.community} ${s.grid} · ${s.author_name || '未登记姓名的居民'} · ${fmtTime(s.created_at)}` }),
    s.answer ? el('div', { class: 'meta suggestion-answer', text: `答复（${s.answered_by_name || '社区'}）：${s.answer}` }) : null,
    open && s.editable ? el('div', { class: 'actions' }, message,
      el('button', { class: 'suggestion-reply', text: '回复', onclick: answer('reply', '已回复，居民会收到') }),
      el('button', { class: 'secondary suggestion-adopt', text: '采纳', onclick: answer('adopt', '已采纳，居民会收到') }),
      el('button', { class: 'danger suggestion-decline', text: '不采纳', onclick: answer('decline', '已答复不采纳，居民会收到原因') }), err) : null);
}

async function pageSuggestions() {
  const [data, numbers] = await Promise.all([api('GET', '/suggestions'), api('GET', '/suggestions/numbers')]);
  const reload = () => pageSuggestions();
  const overdue = data.suggestions.filter((s) => s.overdue).length;
  main().replaceChildren(el('h2', { text: '居民建议' }),
    el('section', { class: 'card', id: 'suggestions' }, el('h3', { text: `建议（${data.suggestions.length}）` }),
      el('p', { class: 'muted', text: `每条建议都要答复。超过 ${data.answer_days} 天没答复的排在最前，也会再提醒社区工作人员${overdue ? `（现在有 ${overdue} 条）` : ''}。` }),
      data.suggestions.length ? data.suggestions.map((s) => suggestionItem(s, reload)) : el('p', { class: 'muted', text: '还没有建议。居民发「建议 内容」就能提。' })),
    suggestionNumbersCard(numbers));
}

const PARKING_STATUS = { open: '处理中', moved: '已挪走' };
const PLATE_STATUS = { pending: '等社区确认', confirmed: '已确认' };

async function pageParking() {
  const d = await api('GET', '/parking');
  const reload = () => pageParking();
  main().replaceChildren(el('h2', { text: '停车' }),
    el('section', { class: 'card', id: 'parking-reports' }, el('h3', { text: `停车反映（${d.reports.length}）` }),
      el('p', { class: 'muted', text: '同一辆车 30 分钟内再被反映，算在同一条里。登记过的车主会收到挪车提醒，但不会知道是谁反映的。' }),
      d.reports.length ? d.reports.map((r) => el('div', { class: 'item parking-report', 'data-report-id': r.id },
        el('div', {}, el('span', { class: 'tag', text: PARKING_STATUS[r.status] || '' }), el('strong', { text: `${r.id}号 ` }), el('strong', { class: 'as-written', text: r.plate }), el('span', { text: ' ' + r.location })),
        el('div', { class: 'meta', text: `${r.community} · ${r.reporters} 位邻居反映 · ${r.photos ? '照片 ' + r.photos + ' 张 · ' : ''}${r.owner_known ? '已提醒车主挪车' : '车主没登记或还没确认'} · ${fmtTime(r.created_at)}${r.moved_at ? ' · ' + fmtTime(r.moved_at) + ' 挪走' : ''}` })))
        : el('p', { class: 'muted', text: '还没有停车反映。居民发「停车 车牌 位置」就能反映。' })),
    el('section', { class: 'card', id: 'parking-spots' }, el('h3', { text: `空车位（${d.spots.filter((s) => s.active).length} 个还有效）` }),
      el('p', { class: 'muted', text: `居民报的空车位 ${d.spot_minutes} 分钟后自动失效。` }),
      d.spots.length ? cardTable('spots', ['位置', '社区', '谁报的', '时间', '状态'], d.spots.map((s) => [
        el('strong', { text: s.location }), s.community, s.reporter_name || '未登记姓名的居民', fmtTime(s.created_at), s.active ? '有效' + (s.photos ? '（有照片）' : '') : '已失效']))
        : el('p', { class: 'muted', text: '还没有人报空车位。' })),
    el('section', { class: 'card', id: 'parking-plates' }, el('h3', { text: `登记的车（${d.plates.length}）` }),
      d.plates.length ? d.plates.map((p) => el('div', { class: 'item plate', 'data-plate-id': p.id },
        el('div', {}, el('span', { class: 'tag plate-status', text: PLATE_STATUS[p.status] || '' }), el('strong', { class: 'as-written', text: p.plate }), el('span', { text: ' ' + (p.owner_name || '未登记姓名的居民') })),
        el('div', { class: 'meta', text: `${p.community} ${p.grid} · ${fmtTime(p.created_at)} 登记` }),
        p.status === 'pending' && p.editable ? el('button', { class: 'plate-confirm', text: '核实过，确认', onclick: () => guarded(async () => {
          await api('POST', `/parking/plates/${p.id}/confirm`, {}); toast('已确认，已通知车主'); reload();
        }) }) : null))
        : el('p', { class: 'muted', text: '还没有人登记车辆。居民发「我的车 车牌」就能登记。' })),
    el('section', { class: 'card', id: 'parking-settings' }, el('h3', { text: '空车位推送' }),
      el('p', { class: 'muted', text: '打开后，居民报的空车位会推送给本社区车友圈的成员。' }),
      d.settings.map((s) => {
        const box = el('input', { type: 'checkbox', class: 'spot-sharing', id: `spot-sharing-${s.community_id}`, checked: s.spots_to_car_owners, disabled: !s.editable });
        box.addEventListener('change', () => guarded(async () => {
          await api('POST', '/parking/spot-sharing', { community_id: s.community_id, on: box.checked }); toast(box.checked ? '已打开' : '已关闭'); reload();
        }));
        return el('label', { class: 'confirm', for: `spot-sharing-${s.community_id}` }, box, `${s.community}：空车位推送给车友圈`);
      })));
}

Object.assign(PAGES, { suggestions: pageSuggestions, parking: pageParking });

// ---------- looking back (S11) ----------
const MESSAGE_KIND = { text: '文字', voice: '语音', image: '照片', location: '位置', link: '链接', event: '操作', video: '视频', shortvideo: '小视频' };
// What a recorded message said, as a person reads it: photos and events without their codes.
function recordText(kind, content) {
  if (kind === 'image') return '（发来一张照片）';
  if (kind === 'event') return '（关注、扫码或点了菜单）';
  if (kind === 'link') return '（发来一个链接）';
  if (kind === 'location') return '（发来一个位置）';
  return content || '（已按保存期限清除）';
}
function dayStart(v) { return v ? Math.floor(new Date(v + 'T00:00:00').getTime() / 1000) : ''; }
function dayEnd(v) { return v ? dayStart(v) + 86399 : ''; }

async function showConversation(box, openid, from, to) {
  const q = new URLSearchParams({ openid });
  if (from) q.set('from', from);
  if (to) q.set('to', to);
  const c = await api('GET', '/lookback/conversation?' + q.toString());
  const who = c.name || '这位居民';
  const line = (e) => {
    if (e.kind === 'in') return [`${who}：`, e.text || '（已按保存期限清除）'];
    if (e.kind === 'reply') return ['公众号回复：', e.text];
    if (e.kind === 'push') return ['公众号通知：', e.text];
    return [`${who}在工单 ${e.ticket_id} 号 ${TIMELINE[e.action] || '处理'}`, e.text ? '：' + e.text : ''];
  };
  fill(box, el('h3', { text: `${who}的对话记录（${c.entries.length} 条）` }),
    el('p', { class: 'muted', text: '按时间先后。电话和身份证号按记录时的样子遮住，过了保存期限的内容已清除。' }),
    el('a', { id: 'lb-export', class: 'button secondary', href: `${API}/lookback/conversation.csv?${q.toString()}`, download: `${who}的对话记录.csv`, text: '导出这段对话（CSV 表格）' }),
    c.entries.length ? el('ol', { class: 'timeline lb-timeline' }, c.entries.map((e) => {
      const [head, body] = line(e);
      return el('li', { class: 'lb-entry lb-' + e.kind }, el('span', { class: 'meta', text: fmtTime(e.at) + ' ' }), el('strong', { text: head }), el('span', { class: 'pre as-written', text: body }));
    })) : el('p', { class: 'muted', text: '这段时间没有记录。' }));
  box.hidden = false;
  box.scrollIntoView();
}

async function pageLookback() {
  const person = el('input', { id: 'lb-person', type: 'search', placeholder: '居民姓名' });
  const ticket = el('input', { id: 'lb-ticket', type: 'number', min: 1, inputmode: 'numeric', placeholder: '工单号' });
  const text = el('input', { id: 'lb-text', type: 'search', placeholder: '消息里的几个字' });
  const from = el('input', { id: 'lb-from', type: 'date' });
  const to = el('input', { id: 'lb-to', type: 'date' });
  const results = el('section', { class: 'card', id: 'lb-results' });
  const conversation = el('section', { class: 'card', id: 'lb-conversation', hidden: true });
  const search = () => guarded(async () => {
    const q = new URLSearchParams();
    if (person.value.trim()) q.set('person', person.value.trim());
    if (ticket.value.trim()) q.set('ticket', ticket.value.trim());
    if (text.value.trim()) q.set('text', text.value.trim());
    if (from.value) q.set('from', dayStart(from.value));
    if (to.value) q.set('to', dayEnd(to.value));
    const r = await api('GET', '/lookback?' + q.toString());
    fill(results, el('h3', { text: `找到 ${r.messages.length} 条消息` }),
      r.messages.length ? r.messages.map((m) => el('div', { class: 'item lb-message' },
        el('div', {}, el('span', { class: 'tag', text: MESSAGE_KIND[m.kind] || '消息' }), el('strong', { text: (m.name || '未登记姓名的人') + ' ' }), el('span', { class: 'meta', text: fmtTime(m.created_at) })),
        el('div', { class: 'pre lb-content as-written', text: recordText(m.kind, m.content) }),
        m.reply ? el('div', { class: 'meta pre' }, '回复：', el('span', { class: 'as-written', text: m.reply })) : null,
        el('button', { class: 'secondary lb-open', text: '看这个人的对话', onclick: () => guarded(() => showConversation(conversation, m.openid, dayStart(from.value), dayEnd(to.value))) })))
        : el('p', { class: 'muted', text: '没有找到。可以少填几个条件再试。' }));
  });
  main().replaceChildren(el('h2', { text: '查看记录' }),
    el('section', { class: 'card' },
      el('p', { class: 'muted', text: '有纠纷时用：按人、工单、内容和日期找到当时的消息，看完整对话，也可以导出。' }),
      el('form', { id: 'lb-form', onsubmit: (ev) => { ev.preventDefault(); search(); } },
        el('div', { class: 'row' }, field('lb-person', '谁', person), field('lb-ticket', '工单号', ticket)),
        field('lb-text', '内容', text),
        el('div', { class: 'row' }, field('lb-from', '从哪天', from), field('lb-to', '到哪天', to)),
        el('button', { type: 'submit', id: 'lb-search', text: '查找' }))),
    results, conversation);
}

Object.assign(PAGES, { lookback: pageLookback });

// ---------- circles, notices with receipts, recruitments (S6) ----------
const CIRCLE_KIND = { grid: '网格', building: '楼栋', neighbour: '邻里', party: '党员', elderly_care: '关爱', car_owner: '车友', interest: '兴趣' };
const CIRCLE_ROLE = { owner: '圈主', manager: '管理员', member: '成员' };
const JOIN_MODE = { open: '凭邀请码或扫码直接加入', approval: '实名：管理员同意后加入' };
Object.assign(NOTICE_KIND, { notice: '圈子通知', notice_withdrawn: '通知撤回', recruit: '招募', recruit_full: '招募报满', recruit_promoted: '候补转正', circle_join_request: '入圈申请', circle_join_result: '入圈结果' });
Object.assign(AUDIT_VERBS, { 'circle.update': '修改了圈子设置', 'circle.manager_add': '设了圈子管理员', 'circle.manager_remove': '取消了圈子管理员', 'notice.remind': '提醒了没回复的人', 'notice.withdraw': '撤回了通知' });

function circleCard(c) {
  const mode = el('select', { id: `circle-mode-${c.id}` }, optionList(JOIN_MODE, c.join_mode));
  const convention = el('textarea', { id: `circle-convention-${c.id}`, maxlength: 300 });
  convention.value = c.convention;
  const isGrid = c.kind === 'grid';
  return el('div', { class: 'item circle', 'data-circle': c.name },
    el('div', {}, el('span', { class: 'tag', text: CIRCLE_KIND[c.kind] || '圈子' }), el('strong', { class: 'circle-name', text: c.name })),
    el('div', { class: 'meta', text: `${c.unit || '未归属'} · ${c.member_count} 人` + (isGrid ? ' · 居民入格后自动加入' : ` · 邀请码 ${c.invite_code || '无'} · ${JOIN_MODE[c.join_mode]}`) }),
    c.pending.length ? el('div', { class: 'warn', text: `等管理员同意：${c.pending.map((r) => r.name).join('、')}（管理员在微信里回复「入圈通过 号码」）` }) : null,
    el('details', {}, el('summary', { class: 'muted', text: `成员（${c.member_count}）` }),
      c.members.map((m) => el('div', { class: 'actions member' }, el('span', { text: m.name || '未留名居民' }), el('span', { class: 'tag' + (m.role === 'member' ? ' off' : ''), text: CIRCLE_ROLE[m.role] }),
        c.editable && m.role !== 'owner' && !isGrid ? el('button', { class: 'mini secondary circle-manager', text: m.role === 'manager' ? '取消管理员' : '设为管理员', onclick: () => guarded(async () => {
          await api('POST', `/circles/${c.id}/managers`, { openid: m.openid, manager: m.role !== 'manager' });
          toast(m.role === 'manager' ? '已取消管理员' : '已设为管理员，可以在微信里发通知了'); pageCircles();
        }) }) : null))),
    !isGrid ? el('a', { class: 'button secondary', href: `${API}/circles/${c.id}/poster.svg`, target: '_blank', rel: 'noopener', text: '打印二维码海报' }) : null,
    c.editable && !isGrid ? el('details', {}, el('summary', { class: 'muted', text: '修改公约和加入方式' }),
      field(`circle-mode-${c.id}`, '加入方式', mode),
      field(`circle-convention-${c.id}`, '圈子公约（加入时看到）', convention),
      el('button', { class: 'circle-save', text: '保存', onclick: () => guarded(async () => {
        await api('PUT', `/circles/${c.id}`, { convention: convention.value, join_mode: mode.value });
        toast('已保存'); pageCircles();
      }) })) : null);
}

async function pageCircles() {
  const data = await api('GET', '/circles');
  const search = el('input', { type: 'search', id: 'circle-search', placeholder: '圈子名称或所属网格' });
  // The circles people made come first; the grid circles (one per grid) follow.
  const items = [...data.circles].sort((a, b) => (a.kind === 'grid') - (b.kind === 'grid')).map(circleCard);
  search.addEventListener('input', () => { for (const i of items) i.hidden = !(i.dataset.circle + i.textContent).includes(search.value.trim()); });
  main().replaceChildren(el('h2', { text: '圈子' }),
    el('section', { class: 'card' }, el('p', { class: 'muted', text: '网格员或社区工作人员在微信里发「建圈 类型 名称」建圈子，谁建谁负责。邻居凭邀请码（「加入圈子 邀请码」）或扫海报上的二维码加入。' }),
      field('circle-search', '查找', search)),
    el('section', { class: 'card', id: 'circles' }, el('h3', { text: `圈子（${data.circles.length}）` }),
      items.length ? items : el('p', { class: 'muted', text: '还没有圈子。' })));
}

function percent(part, whole) { return whole ? Math.round((part * 100) / whole) + '%' : '—'; }

function noticeCard(n) {
  const waiting = n.people.filter((p) => !p.received);
  const got = n.people.filter((p) => p.received);
  const withdrawn = n.status === 'withdrawn';
  return el('div', { class: 'item circle-notice', 'data-notice-id': n.id },
    el('div', {}, el('strong', { text: `通知 ${n.id}号` }), ' ', el('span', { class: 'tag' + (withdrawn ? ' off' : ''), text: withdrawn ? '已撤回' : '已发出' }),
      el('span', { class: 'muted', text: `${n.circles} · ${fmtTime(n.created_at)}` })),
    el('div', { class: 'pre', text: n.body }),
    el('div', { class: 'receipt-rate', text: `已收到 ${n.received}/${n.recipients} 人（${percent(n.received, n.recipients)}）` }),
    el('details', {}, el('summary', { class: 'muted', text: `还没回复 ${n.recipients - n.received} 人` }),
      el('p', { class: 'notice-waiting', text: waiting.map((p) => p.name).join('、') || '没有' })),
    el('details', {}, el('summary', { class: 'muted', text: `已收到 ${n.received} 人` }),
      el('p', { class: 'notice-received', text: got.map((p) => `${p.name}（${fmtTime(p.received_at)}）`).join('、') || '还没有' })),
    n.editable && !withdrawn ? el('div', { class: 'actions' },
      el('button', { class: 'secondary notice-remind', disabled: n.reminded || n.received >= n.recipients, text: n.reminded ? '已提醒过' : '提醒没回复的人', onclick: () => guarded(async () => {
        const r = await api('POST', `/circle-notices/${n.id}/remind`, {});
        toast(`已再提醒 ${r.reminded} 人`); pageCircleNotices();
      }) }),
      el('button', { class: 'danger notice-withdraw', text: '撤回', onclick: () => guarded(async () => {
        if (!confirm(`撤回通知 ${n.id}号？还没送到的不再发送，已经看到的人会收到撤回说明。`)) return;
        const r = await api('POST', `/circle-notices/${n.id}/withdraw`, {});
        toast(`已撤回：${r.cancelled} 条没送出的已取消，${r.told} 人会收到撤回说明`); pageCircleNotices();
      }) })) : null);
}

function recruitmentCard(r) {
  const signed = r.signups.filter((s) => s.status === 'signed').map((s) => s.name);
  const waiting = r.signups.filter((s) => s.status === 'waiting').map((s) => s.name);
  return el('div', { class: 'item recruitment', 'data-recruitment-id': r.id },
    el('div', {}, el('strong', { text: `招募 ${r.id}号` }), ' ', el('span', { class: 'tag' + (r.status === 'open' ? '' : ' off'), text: r.status === 'open' ? '报名中' : '已结束' }),
      el('span', { class: 'muted', text: `${r.organiser || '发起人'} · ${r.circles || '不限圈子'} · ${fmtTime(r.created_at)}` })),
    el('div', { class: 'pre', text: r.body }),
    el('div', { class: 'signup-count', text: `已报 ${r.signed_up}/${r.quota} 人${r.waiting ? `，候补 ${r.waiting} 人` : ''}` }),
    el('p', { class: 'meta', text: '名单：' + (signed.join('、') || '还没有人报名') }),
    waiting.length ? el('p', { class: 'meta', text: '候补：' + waiting.join('、') }) : null);
}

async function pageCircleNotices() {
  const [n, r] = await Promise.all([api('GET', '/circle-notices'), api('GET', '/recruitments')]);
  main().replaceChildren(el('h2', { text: '圈子通知和招募' }),
    el('section', { class: 'card', id: 'circle-notices' }, el('h3', { text: `圈子通知（${n.notices.length}）` }),
      el('p', { class: 'muted', text: '圈子管理员在微信里发「通知 圈子名称 内容」。成员回复「收到」就算收到了。' }),
      n.notices.length ? n.notices.map(noticeCard) : el('p', { class: 'muted', text: '还没有发过圈子通知。' })),
    el('section', { class: 'card', id: 'recruitments' }, el('h3', { text: `招募（${r.recruitments.length}）` }),
      r.recruitments.length ? r.recruitments.map(recruitmentCard) : el('p', { class: 'muted', text: '还没有招募。管理员在微信里发「招募 人数 内容 @圈子」。' })));
}

PAGES.circles = pageCircles;
PAGES['circle-notices'] = pageCircleNotices;
// The numbers page also shows notices sent and their receipt rate per community.
const pageNumbersBeforeCircles = PAGES.numbers;
PAGES.numbers = async () => {
  await pageNumbersBeforeCircles();
  const s = await api('GET', '/stats/circle-notices');
  main().append(el('section', { class: 'card', id: 'notice-numbers' }, el('h3', { text: '圈子通知回执' }),
    s.communities.length ? cardTable('notice-number-table', ['社区', '发出通知', '应收人次', '已收到', '收到比例'],
      s.communities.map((c) => [el('strong', { text: c.community || '未归属社区' }), c.notices, c.recipients, c.received, percent(c.received, c.recipients)]))
      : el('p', { class: 'muted', text: '还没有发过圈子通知。' })));
};

// ---------- elderly-care relays (S7) ----------
Object.assign(NOTICE_KIND, { care_relay: '关爱消息', care_assigned: '关爱指派', care_thanks: '家属感谢' });
Object.assign(AUDIT_VERBS, { 'care.elder_add': '登记了关爱老人', 'care.volunteer_assign': '指派了关爱志愿者', 'care.volunteer_unassign': '取消了关爱志愿者', 'care.family_approve': '同意了家属加入', 'care.family_reject': '拒绝了家属加入' });

function careCard(e, all) {
  const volunteers = all.filter((v) => v.community_id === e.community_id);
  const names = (list, none) => list.map((p) => p.name).join('、') || none;
  const pick = el('select', { id: `care-volunteer-${e.id}` }, el('option', { value: '', text: '选一位志愿者' }),
    volunteers.filter((v) => !e.volunteers.some((a) => a.openid === v.openid)).map((v) => el('option', { value: v.openid, text: v.name })));
  return el('div', { class: 'item care-elder', 'data-elder': e.name },
    el('div', {}, el('span', { class: 'tag', text: '关爱' }), el('strong', { class: 'care-name', text: e.name }),
      el('span', { class: 'muted', text: ` ${e.circle} · ${e.unit || '未归属'}` })),
    el('div', { class: 'meta care-month', text: `本月关爱消息 ${e.relays_month} 条，照片 ${e.photos_month} 张，家属感谢 ${e.thanks_month} 次` }),
    el('p', { class: 'meta care-family', text: '家属：' + names(e.family, `还没有（请家属发「加入圈子 ${e.invite_code || '邀请码'} ${e.name}家属」）`) }),
    el('div', { class: 'care-volunteers' }, el('span', { class: 'meta', text: '志愿者：' + (e.volunteers.length ? '' : '还没有指派') }),
      e.volunteers.map((v) => el('span', { class: 'actions member' }, el('span', { text: v.name }),
        e.editable ? el('button', { class: 'mini secondary care-unassign', text: '取消指派', onclick: () => guarded(async () => {
          if (!confirm(`不再请${v.name}关爱${e.name}？`)) return;
          await api('POST', `/care/elders/${e.id}/volunteers`, { openid: v.openid, assign: false });
          toast('已取消指派'); pageCare();
        }) }) : null))),
    e.pending.map((r) => el('div', { class: 'warn care-request', 'data-request-id': r.id },
      el('span', { text: `${r.name} 申请作为${e.name}的家属加入（${fmtTime(r.created_at)}）` }),
      e.editable ? el('div', { class: 'actions' },
        el('button', { class: 'mini care-approve', text: '同意', onclick: () => guarded(async () => {
          await api('POST', `/care/requests/${r.id}`, { approve: true });
          toast('已同意，家属会收到通知'); pageCare();
        }) }),
        el('button', { class: 'mini danger care-reject', text: '不同意', onclick: () => guarded(async () => {
          const reason = prompt('不同意的原因（会告诉申请人）：');
          if (!reason) return;
          await api('POST', `/care/requests/${r.id}`, { approve: false, reason });
          toast('已拒绝，申请人会收到原因'); pageCare();
        }) })) : null)),
    e.editable && volunteers.length ? el('div', { class: 'actions' }, field(`care-volunteer-${e.id}`, '指派志愿者', pick),
      el('button', { class: 'secondary care-assign', text: '指派', onclick: () => guarded(async () => {
        if (!pick.value) { toast('请先选一位志愿者', true); return; }
        await api('POST', `/care/elders/${e.id}/volunteers`, { openid: pick.value, assign: true });
        toast('已指派，志愿者会收到通知'); pageCare();
      }) })) : null);
}

async function pageCare() {
  const data = await api('GET', '/care');
  const circle = el('select', { id: 'care-circle' },
    data.circles.map((c) => el('option', { value: c.id, text: c.name })),
    state.account && state.account.role === 'community' ? el('option', { value: '0', text: '新建一个「称呼+关爱圈」' }) : null);
  const name = el('input', { id: 'care-elder-name', maxlength: 12, placeholder: '例如：金阿婆' });
  const canAdd = data.circles.length > 0 || (state.account && state.account.role === 'community');
  main().replaceChildren(el('h2', { text: '关爱' }),
    el('section', { class: 'card' }, el('p', { class: 'muted', text: '网格员在微信里发「添加老人 称呼」登记老人，「指派志愿者 称呼 姓名」指派志愿者。志愿者发「关爱 称呼 内容」和照片，只有这位老人的家属收到；家属回复「谢谢」。' }),
      canAdd ? el('div', { id: 'care-add' }, field('care-circle', '关爱圈', circle), field('care-elder-name', '老人称呼', name),
        el('button', { class: 'care-add', text: '登记老人', onclick: () => guarded(async () => {
          await api('POST', '/care/elders', { circle_id: Number(circle.value), elder_name: name.value });
          toast('已登记，把邀请码告诉家属'); pageCare();
        }) })) : null),
    el('section', { class: 'card', id: 'care-elders' }, el('h3', { text: `关爱的老人（${data.elders.length}）` }),
      data.elders.length ? data.elders.map((e) => careCard(e, data.volunteers)) : el('p', { class: 'muted', text: '还没有登记老人。' })));
}

PAGES.care = pageCare;
// The numbers page also shows relays and thanks per community.
const pageNumbersBeforeCare = PAGES.numbers;
PAGES.numbers = async () => {
  await pageNumbersBeforeCare();
  const s = await api('GET', '/stats/care');
  main().append(el('section', { class: 'card', id: 'care-numbers' }, el('h3', { text: '关爱消息' }),
    s.communities.length ? cardTable('care-number-table', ['社区', '关爱消息', '家属感谢'],
      s.communities.map((c) => [el('strong', { text: c.community || '未归属社区' }), c.relays, c.thanks]))
      : el('p', { class: 'muted', text: '还没有关爱消息。' })));
};

// ---------- moderation under the circle convention (S10) ----------
const HELD_STATUS = { held: '待审核', released: '已放行', rejected: '已驳回', all: '全部' };
const STRIKE_STATUS = { active: '有效', lifted: '已撤销' };
const REMOVAL_STATUS = { proposed: '等网格员确认', confirmed: '已移出' };
const APPEAL_STATUS = { open: '待处理', closed: '已处理' };
Object.assign(NOTICE_KIND, { moderation_held: '内容待审核', moderation_released: '内容已放行', moderation_rejected: '内容被驳回',
  moderation_removal: '踢出提议', moderation_removed: '被移出圈子', moderation_removal_done: '踢出已确认', moderation_appeal: '申诉',
  recruit: '招募', notice: '圈子通知', relay: '转发' });

function heldItem(h, reload) {
  const reason = el('input', { class: 'held-reason', placeholder: '驳回原因（发的人会看到，可以不写）' });
  const err = el('p', { class: 'error held-error' });
  const decide = (action, done) => () => guarded(async () => {
    let r;
    try { r = await api('POST', `/moderation/held/${h.id}/${action}`, action === 'reject' ? { reason: reason.value } : {}); } catch (e) { err.textContent = errorText(e); throw e; }
    toast(action === 'release' ? `${done}，已发给 ${r.count} 人` : `${done}，这是第 ${r.strikes} 次违规${r.muted_until ? '，已禁言到 ' + fmtTime(r.muted_until) : ''}`);
    reload();
  });
  return el('div', { class: 'item held-item', 'data-held-id': h.id },
    el('div', {}, el('span', { class: 'tag held-status', text: HELD_STATUS[h.status] || '' }), el('span', { class: 'tag hot', text: h.rule }),
      el('strong', { text: `${h.id}号 ` }), el('span', { text: h.kind_label })),
    el('div', { class: 'held-text as-written', text: h.text }),
    el('div', { class: 'meta', text: `${h.sender_name}${h.circle ? ' · ' + h.circle : ''}${h.community ? ' · ' + h.community : ''} · ${fmtTime(h.created_at)}${h.decided_by_name ? ' · 处理人：' + h.decided_by_name : ''}` }),
    h.editable ? el('div', { class: 'actions' },
      el('button', { class: 'held-release', text: '放行', onclick: decide('release', '已放行') }),
      reason,
      el('button', { class: 'danger held-reject', text: '驳回', onclick: decide('reject', '已驳回') }), err) : null);
}

async function pageModeration() {
  const status = new URLSearchParams(location.hash.split('?')[1] || '').get('status') || 'held';
  const d = await api('GET', `/moderation/queue?status=${encodeURIComponent(status)}`);
  const reload = () => pageModeration();
  const pick = el('select', { id: 'held-status' }, optionList(HELD_STATUS, status));
  pick.addEventListener('change', () => { location.hash = 'moderation?status=' + pick.value; });
  main().replaceChildren(el('h2', { text: '内容审核' }),
    el('section', { class: 'card', id: 'held-queue' }, el('h3', { text: `${HELD_STATUS[status] || ''}（${d.items.length}）` }),
      el('p', { class: 'muted', text: '通知、招募、建议答复、报修和停车反映里有违反圈子公约的字眼，或新成员发电话、链接，会先拦下。放行后照常发出；驳回会告诉发的人，并记一次违规。' }),
      field('held-status', '看哪些', pick),
      d.items.length ? d.items.map((h) => heldItem(h, reload)) : el('p', { class: 'muted', text: '没有要审核的内容。' })));
}

function categoryCard(c, editable, reload) {
  const title = el('input', { class: 'category-title', value: c.title, disabled: !editable });
  const keywords = el('textarea', { class: 'category-keywords', rows: 4, disabled: !editable }, c.keywords);
  const patterns = el('textarea', { class: 'category-patterns', rows: 2, disabled: !editable }, c.patterns);
  const on = el('input', { type: 'checkbox', class: 'category-enabled', id: `category-on-${c.id}`, checked: c.enabled, disabled: !editable });
  const err = el('p', { class: 'error category-error' });
  return el('details', { class: 'item category', 'data-category-id': c.id },
    el('summary', {}, el('span', { class: 'tag', text: c.enabled ? '启用' : '停用' }), el('strong', { text: c.title })),
    field(`category-title-${c.id}`, '名称（发的人和管理员会看到）', title),
    field(`category-keywords-${c.id}`, '关键词（一行一个，包含就拦下）', keywords),
    field(`category-patterns-${c.id}`, '正则表达式（高级，一行一个）', patterns),
    el('label', { class: 'confirm', for: `category-on-${c.id}` }, on, '启用这一类'),
    editable ? el('button', { class: 'category-save', text: '保存', onclick: () => guarded(async () => {
      try {
        await api('PUT', `/moderation/categories/${c.id}`, { title: title.value, keywords: keywords.value, patterns: patterns.value, enabled: on.checked });
      } catch (e) { err.textContent = errorText(e); throw e; }
      toast('已保存，马上生效'); reload();
    }) }) : null, err);
}

async function pageModerationRules() {
  const d = await api('GET', '/moderation/categories');
  const reload = () => pageModerationRules();
  const text = el('textarea', { id: 'moderation-try-text', rows: 3, placeholder: '写一段话试试，比如：加我微信 abc12345 领优惠券' });
  const out = el('div', { class: 'result', id: 'moderation-try-result', hidden: true });
  main().replaceChildren(el('h2', { text: '审核规则' }),
    el('section', { class: 'card', id: 'moderation-try' }, el('h3', { text: '试一试' }),
      field('moderation-try-text', '这段话会不会被拦下', text),
      el('button', { id: 'moderation-try-go', text: '试一试', onclick: () => guarded(async () => {
        const r = await api('POST', '/moderation/try', { text: text.value });
        out.hidden = false;
        out.textContent = (r.hit ? `会被拦下：属于「${r.rule}」。` : '不会被拦下。') + (r.contact ? '里面有电话或链接：入圈不满 7 天的新成员发会被拦下。' : '');
      }) }), out),
    el('section', { class: 'card', id: 'moderation-categories' }, el('h3', { text: `违规内容分类（${d.categories.length}）` }),
      el('p', { class: 'muted', text: d.editable ? `每类最多 ${d.max_lines} 行，每行最多 ${d.max_pattern_bytes} 个字节。保存后马上生效。` : '审核规则全区通用，由区级管理员修改。' }),
      d.categories.map((c) => categoryCard(c, d.editable, reload))));
}

async function pageViolations() {
  const d = await api('GET', '/moderation/violations');
  const reload = () => pageViolations();
  main().replaceChildren(el('h2', { text: '违规处理' }),
    el('section', { class: 'card', id: 'strikes' }, el('h3', { text: `违规记录（${d.strikes.length}）` }),
      d.strikes.length ? d.strikes.map((s) => el('div', { class: 'item strike', 'data-strike-id': s.id },
        el('div', {}, el('span', { class: 'tag', text: STRIKE_STATUS[s.status] || '' }), s.muted_until ? el('span', { class: 'tag hot', text: '禁言到 ' + fmtTime(s.muted_until) }) : null,
          el('strong', { text: s.name }), el('span', { text: ` ${s.circle || '社区'} · ${s.rule}` })),
        el('div', { class: 'meta', text: `${fmtTime(s.created_at)}${s.held_id ? ' · 第 ' + s.held_id + ' 号内容' : ''}` }),
        s.editable ? el('button', { class: 'secondary strike-lift', text: '撤销这次违规', onclick: () => guarded(async () => {
          await api('POST', `/moderation/strikes/${s.id}/lift`, {}); toast('已撤销'); reload();
        }) }) : null))
        : el('p', { class: 'muted', text: '还没有违规记录。' })),
    el('section', { class: 'card', id: 'removals' }, el('h3', { text: `踢出提议（${d.removals.length}）` }),
      d.removals.length ? cardTable('removal-table', ['谁', '圈子', '原因', '提议人', '状态'], d.removals.map((r) => [
        el('strong', { text: r.name }), r.circle, r.reason, r.proposed_by_name, (REMOVAL_STATUS[r.status] || '') + (r.confirmed_by_name ? `（${r.confirmed_by_name}）` : '')]))
        : el('p', { class: 'muted', text: '还没有踢出提议。圈子管理员在微信里发「踢出 名字 原因」。' })),
    el('section', { class: 'card', id: 'appeals' }, el('h3', { text: `申诉（${d.appeals.length}）` }),
      d.appeals.length ? d.appeals.map((a) => el('div', { class: 'item appeal', 'data-appeal-id': a.id },
        el('div', {}, el('span', { class: 'tag', text: APPEAL_STATUS[a.status] || '' }), el('strong', { text: a.name }),
          el('span', { text: a.held_id ? ` 对第 ${a.held_id} 号内容` : ' 对被移出圈子' })),
        el('div', { class: 'as-written', text: a.reason || '（没写理由）' }),
        el('div', { class: 'meta', text: fmtTime(a.created_at) }),
        a.editable ? el('button', { class: 'secondary appeal-close', text: '已处理', onclick: () => guarded(async () => {
          await api('POST', `/moderation/appeals/${a.id}/close`, {}); toast('已标记处理'); reload();
        }) }) : null))
        : el('p', { class: 'muted', text: '还没有申诉。' })));
}

Object.assign(PAGES, { moderation: pageModeration, 'moderation-rules': pageModerationRules, violations: pageViolations });
