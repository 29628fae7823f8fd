// 隔壁邻舍 admin console: a small page over /api/v1. Every text from the server is put in the
// page with textContent (never innerHTML), so a rule or template containing <script> shows as
// text. No external requests; the session is an HttpOnly cookie, writes carry X-CSRF-Token.
'use strict';

const state = { csrf: '', account: null, handlers: [], templateKeys: [], editing: null };
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
    super((body && body.error) || ('HTTP ' + status));
    this.status = status;
    this.field = body && body.field;
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

function errorText(e) {
  return (e.field ? '「' + e.field + '」' : '') + e.message;
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

// ---------- login ----------
function showLogin(message) {
  $('#nav').hidden = true;
  $('#who').textContent = '';
  const err = el('p', { class: 'error', id: 'login-error', text: message || '' });
  const name = el('input', { id: 'login-name', autocomplete: 'username', required: true });
  const pw = el('input', { id: 'login-password', type: 'password', autocomplete: 'current-password', required: true });
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
    el('label', { for: 'login-name', text: '用户名' }), name,
    el('label', { for: 'login-password', text: '密码' }), pw,
    el('button', { type: 'submit', id: 'login-submit', text: '登录' }));
  main().replaceChildren(el('section', { class: 'card' }, el('h2', { text: '登录' }), form, err));
}

// A one-time password (from `gebi admin add` / `passwd` / `demo`) is replaced before anything
// else: whoever ran the command saw it too.
function showFirstPassword() {
  $('#nav').hidden = true;
  $('#who').textContent = state.account ? state.account.name : '';
  const err = el('p', { class: 'error', id: 'pw-error' });
  const old = el('input', { id: 'pw-old', type: 'password', autocomplete: 'current-password', required: true });
  const nw = el('input', { id: 'pw-new', type: 'password', autocomplete: 'new-password', required: true, minlength: 10 });
  const again = el('input', { id: 'pw-again', type: 'password', autocomplete: 'new-password', required: true });
  const form = el('form', { id: 'first-password-form', onsubmit: async (ev) => {
    ev.preventDefault();
    err.textContent = '';
    if (nw.value !== again.value) { err.textContent = '两次输入的新密码不一样'; return; }
    try {
      await api('POST', '/me/password', { old_password: old.value, new_password: nw.value });
      state.account = null;
      showLogin('密码已修改，请用新密码登录');
    } catch (e) { err.textContent = errorText(e); }
  } },
    el('label', { for: 'pw-old', text: '初始密码（管理员给您的那个）' }), old,
    el('label', { for: 'pw-new', text: '新密码（至少 10 个字符）' }), nw,
    el('label', { for: 'pw-again', text: '再输一次新密码' }), again,
    el('button', { type: 'submit', id: 'pw-submit', text: '修改密码' }));
  main().replaceChildren(el('section', { class: 'card' },
    el('h2', { text: '请先修改初始密码' }),
    el('p', { class: 'muted', text: '这是管理员给您的一次性密码。请换成只有您自己知道的新密码，改好后用新密码重新登录。' }),
    form, err,
    el('button', { class: 'danger', id: 'logout', type: 'button', text: '退出登录', onclick: () => guarded(async () => { await api('POST', '/logout', {}); showLogin('已退出'); }) })));
}

function enter() {
  $('#nav').hidden = false;
  const a = state.account;
  $('#who').textContent = `${a.name}（${a.role === 'district' ? '区级管理员' : '社区管理员 · 社区 ' + a.unit_id}）`;
  if (!location.hash || location.hash === '#') location.hash = '#rules';
  else route();
}

// ---------- rules ----------
const KIND_NAMES = { exact: '完全匹配', prefix: '开头匹配', contains: '包含', regex: '正则', event: '事件' };
const TARGET_NAMES = { text: '文字回复', template: '回复模板', handler: '处理程序' };

function optionList(map, selected) {
  return Object.entries(map).map(([v, t]) => el('option', { value: v, selected: v === selected, text: t }));
}

function ruleForm(onSaved) {
  const r = state.editing || { match_kind: 'exact', target_kind: 'text', priority: 100, enabled: true, pattern: '', target: '', note: '', community_id: state.account.role === 'community' ? state.account.unit_id : null };
  const kind = el('select', { id: 'rule-kind' }, optionList(KIND_NAMES, r.match_kind));
  const pattern = el('input', { id: 'rule-pattern', value: r.pattern, placeholder: '例如：办事时间' });
  const tkind = el('select', { id: 'rule-target-kind' }, optionList(TARGET_NAMES, r.target_kind));
  const targetBox = el('div');
  const priority = el('input', { id: 'rule-priority', type: 'number', value: r.priority, min: 0 });
  const note = el('input', { id: 'rule-note', value: r.note });
  const community = el('input', { id: 'rule-community', type: 'number', min: 1, value: r.community_id ?? '', placeholder: '留空 = 全区通用', disabled: state.account.role !== 'district' });
  let target;
  function drawTarget(value) {
    if (tkind.value === 'text') target = el('textarea', { id: 'rule-target', placeholder: '回复给居民的文字' });
    else target = el('select', { id: 'rule-target' }, (tkind.value === 'handler' ? state.handlers : state.templateKeys).map((k) => el('option', { value: k, text: k })));
    target.value = value || '';
    targetBox.replaceChildren(el('label', { for: 'rule-target', text: tkind.value === 'text' ? '回复内容' : '目标' }), target);
  }
  tkind.addEventListener('change', () => drawTarget(''));
  drawTarget(r.target);
  const err = el('p', { class: 'error', id: 'rule-error' });
  const save = el('button', { id: 'rule-save', type: 'submit', text: state.editing ? '保存修改' : '添加规则' });
  const form = el('form', { id: 'rule-form', onsubmit: (ev) => {
    ev.preventDefault();
    err.textContent = '';
    const body = { match_kind: kind.value, pattern: pattern.value, target_kind: tkind.value, target: target.value, priority: Number(priority.value || 100), note: note.value };
    if (state.account.role === 'district') body.community_id = community.value ? Number(community.value) : null;
    guarded(async () => {
      try {
        if (state.editing) await api('PUT', '/rules/' + state.editing.id, body);
        else await api('POST', '/rules', body);
      } catch (e) { err.textContent = errorText(e); throw e; }
      toast(state.editing ? '规则已保存，机器人马上生效' : '规则已添加，机器人马上生效');
      state.editing = null;
      onSaved();
    });
  } },
    el('div', { class: 'row' },
      el('div', {}, el('label', { for: 'rule-kind', text: '匹配方式' }), kind),
      el('div', {}, el('label', { for: 'rule-pattern', text: '关键词' }), pattern)),
    el('div', { class: 'row' },
      el('div', {}, el('label', { for: 'rule-target-kind', text: '回复方式' }), tkind),
      el('div', {}, el('label', { for: 'rule-priority', text: '优先级（小的先匹配）' }), priority)),
    targetBox,
    el('div', { class: 'row' },
      el('div', {}, el('label', { for: 'rule-community', text: '只用于社区（编号）' }), community),
      el('div', {}, el('label', { for: 'rule-note', text: '备注' }), note)),
    save,
    state.editing ? el('button', { type: 'button', class: 'secondary', text: '取消编辑', onclick: () => { state.editing = null; onSaved(); } }) : null,
    err);
  return el('section', { class: 'card' }, el('h3', { text: state.editing ? `编辑规则 #${state.editing.id}` : '添加规则' }), form);
}

function dryRunCard() {
  const text = el('input', { id: 'dry-text', placeholder: '输入居民会发的话，例如：办事时间' });
  const role = el('select', { id: 'dry-role' }, optionList({ resident: '居民', grid_worker: '网格员', volunteer: '志愿者', floor_leader: '楼道长', community_staff: '社区工作人员', street_staff: '街道工作人员', district_admin: '区级管理员' }, 'resident'));
  const out = el('div', { id: 'dry-result' });
  const form = el('form', { onsubmit: (ev) => {
    ev.preventDefault();
    guarded(async () => {
      const r = await api('POST', '/rules/dry-run', { text: text.value, role: role.value });
      out.replaceChildren(el('div', { class: 'result' },
        el('div', {}, el('strong', { text: '命中：' }), r.why),
        el('div', { class: 'pre', id: 'dry-reply' }, el('strong', { text: '回复：' }), r.reply),
        r.allowed ? null : el('div', { class: 'error', text: '这个身份不能用这条命令' }),
        r.candidates.length > 1 ? el('div', { class: 'muted' }, '所有匹配的规则：', r.candidates.map((c) => `#${c.rule.id}（${c.why}）${c.winner ? '✔' : ''}`).join('，')) : null));
    });
  } }, el('div', { class: 'row' }, el('div', {}, el('label', { for: 'dry-text', text: '测试一句话' }), text), el('div', {}, el('label', { for: 'dry-role', text: '发送人身份' }), role)), el('button', { id: 'dry-run', type: 'submit', text: '测试' }));
  return el('section', { class: 'card' }, el('h3', { text: '规则测试（不会真的发送）' }), form, out);
}

function importCard(reload) {
  const box = el('textarea', { id: 'import-json', placeholder: '粘贴公众平台 get_current_autoreply_info 接口返回的 JSON' });
  const out = el('div');
  const run = (dry) => guarded(async () => {
    let body;
    try { body = JSON.parse(box.value); } catch (e) { toast('不是有效的 JSON', true); return; }
    const r = await api('POST', '/rules/import' + (dry ? '?dry_run=1' : ''), body);
    out.replaceChildren(el('div', { class: 'result' },
      el('div', { text: `${dry ? '将导入' : '已导入'} ${r.rules.length} 条规则` + (r.templates.length ? `，并设置模板：${r.templates.join('、')}` : '') }),
      r.rules.map((x) => el('div', { class: 'muted', text: `${KIND_NAMES[x.match_kind]}「${x.pattern}」→ ${x.target}` })),
      r.skipped.map((s) => el('div', { class: 'warn', text: '跳过：' + s }))));
    if (!dry) reload();
  });
  return el('section', { class: 'card' }, el('h3', { text: '从公众平台导入自动回复' }), box,
    el('button', { type: 'button', class: 'secondary', text: '预览导入', onclick: () => run(true) }),
    el('button', { type: 'button', text: '导入', onclick: () => run(false) }), out);
}

async function historyOf(rule, box, reload) {
  const h = await api('GET', `/rules/${rule.id}/history`);
  box.replaceChildren(el('div', { class: 'result' },
    h.history.length ? null : el('div', { class: 'muted', text: '没有修改记录（系统自带的规则）' }),
    h.history.map((e) => el('div', { class: 'item' },
      el('div', { class: 'meta', text: `${fmtTime(e.created_at)} ${e.account} ${e.action}` }),
      el('div', { class: 'pre', text: e.rule ? `${KIND_NAMES[e.rule.match_kind] || ''}「${e.rule.pattern}」→ ${e.rule.target}${e.rule.enabled ? '' : '（停用）'}` : '' }),
      rule.editable ? el('button', { class: 'secondary', text: '回滚到这个版本', onclick: () => guarded(async () => {
        await api('POST', `/rules/${rule.id}/rollback`, { history_id: e.id });
        toast('已回滚');
        reload();
      }) }) : null))));
}

async function pageRules() {
  const data = await api('GET', '/rules');
  state.handlers = data.handlers;
  state.templateKeys = data.templates;
  const reload = () => pageRules();
  const warnings = new Map();
  for (const w of data.warnings) warnings.set(w.rule_id, [...(warnings.get(w.rule_id) || []), w]);
  const list = el('section', { class: 'card', id: 'rule-list' }, el('h3', { text: `全部规则（${data.rules.length}）` }),
    data.rules.map((r) => {
      const hist = el('div');
      return el('div', { class: 'item', 'data-rule-id': r.id },
        el('div', {},
          el('span', { class: 'tag' + (r.enabled ? '' : ' off'), text: r.enabled ? KIND_NAMES[r.match_kind] : '已停用' }),
          el('span', { class: 'tag', text: r.community_id ? '社区 ' + r.community_id : '全区' }),
          el('strong', { class: 'rule-pattern', text: r.pattern })),
        el('div', { class: 'pre rule-target', text: `${TARGET_NAMES[r.target_kind]}：${r.target}` }),
        el('div', { class: 'meta', text: `#${r.id} · 优先级 ${r.priority} · 命中 ${r.hits} 次${r.note ? ' · ' + r.note : ''}` }),
        (warnings.get(r.id) || []).map((w) => el('div', { class: 'warn', text: '⚠ ' + w.message })),
        r.editable ? el('div', {},
          el('button', { class: 'secondary', text: '编辑', onclick: () => { state.editing = r; pageRules(); window.scrollTo(0, 0); } }),
          el('button', { class: 'secondary', text: r.enabled ? '停用' : '启用', onclick: () => guarded(async () => { await api('PUT', '/rules/' + r.id, { enabled: !r.enabled }); reload(); }) }),
          el('button', { class: 'danger', text: '删除', onclick: () => guarded(async () => { if (!confirm(`删除规则「${r.pattern}」？可在操作记录里找回。`)) return; await api('DELETE', '/rules/' + r.id); toast('已删除'); reload(); }) }),
          el('button', { class: 'secondary', text: '历史', onclick: () => guarded(() => historyOf(r, hist, reload)) }))
          : el('div', { class: 'muted', text: '全区通用规则，只有区级管理员能改' }),
        hist);
    }));
  main().replaceChildren(el('h2', { text: '关键词规则' }), dryRunCard(), ruleForm(reload), list, importCard(reload));
}

// ---------- templates ----------
async function pageTemplates() {
  const isDistrict = state.account.role === 'district';
  const params = new URLSearchParams(location.hash.split('?')[1] || '');
  const community = isDistrict ? (params.get('community') || '') : String(state.account.unit_id);
  const data = await api('GET', '/templates' + (community ? '?community_id=' + encodeURIComponent(community) : ''));
  const picker = el('input', { id: 'tpl-community', type: 'number', min: 1, value: community, placeholder: '留空 = 全区通用文字', disabled: !isDistrict });
  const head = el('section', { class: 'card' },
    el('label', { for: 'tpl-community', text: '编辑哪个社区的回复（社区编号）' }), picker,
    isDistrict ? el('button', { class: 'secondary', text: '切换', onclick: () => { location.hash = '#templates' + (picker.value ? '?community=' + picker.value : ''); } }) : null,
    el('p', { class: 'muted', text: '占位符写成 {名字}，只能用列出的占位符；大括号本身写成 {{ 或 }}。社区的文字优先于全区文字，全区文字优先于默认文字。' }));
  const scopeBody = community ? Number(community) : null;
  const items = data.templates.map((t) => {
    const own = community ? t.community_override : t.all_override;
    const area = el('textarea', { 'data-key': t.key, class: 'tpl-text' });
    area.value = t.effective;
    const preview = el('div', { class: 'pre result tpl-preview', hidden: true });
    return el('div', { class: 'item', 'data-template': t.key },
      el('div', {}, el('strong', { text: t.key }), ' ', own !== null ? el('span', { class: 'tag', text: '已修改' }) : null,
        t.placeholders.length ? el('span', { class: 'muted', text: ' 可用占位符：' + t.placeholders.map((p) => '{' + p + '}').join(' ') }) : null),
      area,
      el('button', { class: 'secondary', text: '预览', onclick: () => guarded(async () => {
        const r = await api('POST', '/templates/preview', { key: t.key, text: area.value });
        preview.hidden = false;
        preview.textContent = r.preview;
      }) }),
      data.editable ? el('button', { text: '保存', onclick: () => guarded(async () => {
        await api('PUT', '/templates/' + encodeURIComponent(t.key), { text: area.value, community_id: scopeBody });
        toast('已保存，机器人马上使用新文字');
        pageTemplates();
      }) }) : null,
      data.editable && own !== null ? el('button', { class: 'secondary', text: '恢复默认', onclick: () => guarded(async () => {
        await api('DELETE', '/templates/' + encodeURIComponent(t.key) + (community ? '?community_id=' + community : ''));
        toast('已恢复');
        pageTemplates();
      }) }) : null,
      preview,
      el('details', {}, el('summary', { class: 'muted', text: '默认文字' }), el('div', { class: 'pre muted', text: t.base })));
  });
  main().replaceChildren(el('h2', { text: '回复模板' }), head, el('section', { class: 'card', id: 'template-list' }, items));
}

// ---------- operations ----------
const JOIN_STATUS = { pending: '待审核', approved: '已通过', rejected: '已拒绝', all: '全部' };
const TICKET_STATUS = { active: '未完成', open: '待接单', claimed: '处理中', done: '已完成', closed: '已关闭', reopened: '重新打开', cancelled: '已取消', all: '全部' };

async function pageJoins(box, status) {
  const data = await api('GET', '/joins?status=' + status);
  const sel = el('select', { id: 'join-status' }, optionList(JOIN_STATUS, status));
  sel.addEventListener('change', () => guarded(() => pageJoins(box, sel.value)));
  fill(box, el('h3', { text: `入格申请（${data.joins.length}）` }), sel,
    data.joins.length ? null : el('p', { class: 'muted', text: '没有这类申请。' }),
    data.joins.map((j) => {
      const reason = el('input', { placeholder: '拒绝原因（居民会收到）', class: 'join-reason' });
      return el('div', { class: 'item', 'data-join-id': j.id },
        el('div', {}, el('strong', { class: 'join-name', text: j.name }), ` ${j.building}${j.room}`, el('span', { class: 'tag', text: JOIN_STATUS[j.status] })),
        el('div', { class: 'meta', text: `#${j.id} · ${j.community}${j.grid} · ${fmtTime(j.created_at)}${j.reason ? ' · 原因：' + j.reason : ''}` }),
        j.status === 'pending' ? el('div', {},
          el('button', { class: 'join-approve', text: '通过', onclick: () => guarded(async () => { await api('POST', `/joins/${j.id}/approve`, {}); toast('已通过，已通知居民'); pageJoins(box, status); }) }),
          reason,
          el('button', { class: 'danger', text: '拒绝', onclick: () => guarded(async () => { await api('POST', `/joins/${j.id}/reject`, { reason: reason.value }); toast('已拒绝，已通知居民'); pageJoins(box, status); }) })) : null);
    }));
}

async function ticketDetail(id, box) {
  const t = await api('GET', '/tickets/' + id);
  box.replaceChildren(el('div', { class: 'result' },
    el('div', { class: 'pre', text: t.description }),
    t.timeline.map((e) => el('div', { class: 'meta', text: `${fmtTime(e.at)} ${e.action}${e.to ? ' → ' + (TICKET_STATUS[e.to] || e.to) : ''}${e.note ? '：' + e.note : ''}` })),
    t.media.map((m) => el('div', { class: 'meta', text: m.kind === 'image' ? '照片：' + m.pic_url : '位置：' + m.label }))));
}

async function pageTickets(box, status) {
  const data = await api('GET', '/tickets?status=' + status);
  const sel = el('select', { id: 'ticket-status' }, optionList(TICKET_STATUS, status));
  sel.addEventListener('change', () => guarded(() => pageTickets(box, sel.value)));
  fill(box, el('h3', { text: `工单（${data.tickets.length}）` }), sel,
    data.tickets.length ? null : el('p', { class: 'muted', text: '没有这类工单。' }),
    data.tickets.map((t) => {
      const detail = el('div');
      return el('div', { class: 'item' },
        el('div', {}, el('span', { class: 'tag', text: TICKET_STATUS[t.status] || t.status }), t.priority ? el('span', { class: 'tag', text: '独居老人优先' }) : null, el('strong', { text: `#${t.id} ` }), t.description),
        el('div', { class: 'meta', text: `${t.community}${t.grid} · ${t.category} · ${fmtTime(t.created_at)}${t.rating ? ' · 评分 ' + t.rating : ''}` }),
        el('button', { class: 'secondary', text: '进度', onclick: () => guarded(() => ticketDetail(t.id, detail)) }), detail);
    }));
}

async function pageVolunteers(box) {
  const data = await api('GET', '/volunteers');
  fill(box, el('h3', { text: `志愿者（${data.volunteers.length}）` }),
    data.volunteers.length ? el('table', {}, el('tr', {}, ['社区', '技能', '时间', '接单', '完成', '点赞', '状态'].map((h) => el('th', { text: h }))),
      data.volunteers.map((v) => el('tr', {}, el('td', { text: v.community }), el('td', { text: v.skills.join('、') }), el('td', { text: v.availability }),
        el('td', { text: v.claimed }), el('td', { text: v.completed }), el('td', { text: v.likes }), el('td', { text: v.active ? '在岗' : '已退出' }))))
      : el('p', { class: 'muted', text: '还没有志愿者。' }));
}

async function pageDead(box) {
  const dead = await api('GET', '/outbox/dead');
  const rows = dead.dead.map((d) => el('tr', {},
    el('td', { text: '#' + d.id }), el('td', { text: d.kind }), el('td', { class: 'pre', text: d.text }),
    el('td', { text: `${d.attempts} 次：${d.last_error}` }),
    el('td', {}, el('button', { class: 'secondary', text: '重发', onclick: () => guarded(async () => { await api('POST', `/outbox/${d.id}/retry`, {}); toast('已重新排队'); pageDead(box); }) }))));
  fill(box, el('h3', { text: `发送失败的通知（${dead.dead.length}）` }),
    rows.length ? el('table', {}, el('tr', {}, ['编号', '类型', '内容', '失败', ''].map((h) => el('th', { text: h }))), rows)
      : el('p', { class: 'muted', text: '没有发送失败的通知。' }));
}

async function pageOps() {
  const joins = el('section', { class: 'card', id: 'joins' });
  const tickets = el('section', { class: 'card', id: 'tickets' });
  const volunteers = el('section', { class: 'card', id: 'volunteers' });
  const dead = el('section', { class: 'card', id: 'dead-letters' });
  main().replaceChildren(el('h2', { text: '运营' }), joins, tickets, volunteers, dead);
  await Promise.all([pageJoins(joins, 'pending'), pageTickets(tickets, 'active'), pageVolunteers(volunteers), pageDead(dead)]);
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
  const comm = el('input', { id: 'num-community', type: 'number', min: 1, value: community, placeholder: '留空 = 全区', disabled: !isDistrict });
  const go = () => { location.hash = '#numbers?days=' + daysSel.value + (comm.value ? '&community=' + comm.value : ''); };
  daysSel.addEventListener('change', go);
  main().replaceChildren(el('h2', { text: '数据' }),
    el('section', { class: 'card' }, el('div', { class: 'row' },
      el('div', {}, el('label', { for: 'num-days', text: '时间' }), daysSel),
      el('div', {}, el('label', { for: 'num-community', text: '社区编号' }), comm)),
      el('button', { class: 'secondary', text: '查看', onclick: go }),
      el('a', { href: API + '/stats.csv?' + q, download: 'gebi-numbers.csv', id: 'csv-link' }, el('button', { type: 'button', class: 'secondary', text: '导出 CSV' }))),
    el('section', { class: 'card', id: 'numbers' },
      el('p', { id: 'messages-total', text: `共收到 ${n.messages_total} 条消息` }),
      el('img', { class: 'chart', id: 'chart-messages', alt: '每天收到的消息', src: API + '/stats/messages.svg?' + q }),
      el('a', { href: API + '/stats/messages.csv?' + q, download: 'gebi-messages.csv', class: 'muted', text: '每天消息数 CSV' }),
      el('img', { class: 'chart', id: 'chart-tickets', alt: '新增工单', src: API + '/stats/tickets.svg?' + q })),
    el('section', { class: 'card' }, el('h3', { text: '各社区、网格' }),
      el('table', { id: 'unit-numbers' }, el('tr', {}, ['社区 / 网格', '新增工单', '完成', '接单用时中位数', '完成用时中位数', '在岗志愿者', '待审核入格'].map((h) => el('th', { text: h }))),
        n.units.map((u) => el('tr', {},
          el('td', { text: (u.kind === 'grid' ? '　' : '') + u.name }), el('td', { text: u.tickets_opened }), el('td', { text: u.tickets_closed }),
          el('td', { text: minutes(u.median_claim_minutes) }), el('td', { text: minutes(u.median_done_minutes) }),
          el('td', { text: u.active_volunteers ?? '' }), el('td', { text: u.pending_joins }))))));
}

function minutes(m) {
  if (m === null || m === undefined) return '—';
  return m < 120 ? `${Math.round(m)} 分钟` : `${(m / 60).toFixed(1)} 小时`;
}

// ---------- audit & account ----------
async function pageAudit() {
  const a = await api('GET', '/audit?limit=200');
  main().replaceChildren(el('h2', { text: '操作记录' }), el('section', { class: 'card' },
    el('table', { id: 'audit' }, el('tr', {}, ['时间', '谁', '做了什么', '对象', '改动'].map((h) => el('th', { text: h }))),
      a.audit.map((e) => el('tr', {}, el('td', { text: fmtTime(e.created_at) }), el('td', { text: e.account }), el('td', { text: e.action }), el('td', { text: e.object }),
        el('td', { class: 'pre', text: (e.before ? '原：' + e.before + '\n' : '') + (e.after ? '新：' + e.after : '') }))))));
}

function pageAccount() {
  const old = el('input', { id: 'pw-old', type: 'password', autocomplete: 'current-password' });
  const nw = el('input', { id: 'pw-new', type: 'password', autocomplete: 'new-password' });
  main().replaceChildren(el('h2', { text: '我的账号' }),
    el('section', { class: 'card' },
      el('p', { text: `用户名：${state.account.name}` }),
      el('form', { onsubmit: (ev) => { ev.preventDefault(); guarded(async () => {
        await api('POST', '/me/password', { old_password: old.value, new_password: nw.value });
        toast('密码已修改，请重新登录');
        showLogin('密码已修改，请用新密码登录');
      }); } },
        el('label', { for: 'pw-old', text: '旧密码' }), old,
        el('label', { for: 'pw-new', text: '新密码（至少 10 个字符）' }), nw,
        el('button', { type: 'submit', text: '修改密码' }))),
    el('button', { class: 'danger', id: 'logout', text: '退出登录', onclick: () => guarded(async () => { await api('POST', '/logout', {}); showLogin('已退出'); }) }));
}

const PAGES = { rules: pageRules, templates: pageTemplates, ops: pageOps, numbers: pageNumbers, audit: pageAudit, account: pageAccount };

function route() {
  if (!state.account) return;
  const page = (location.hash.slice(1).split('?')[0]) || 'rules';
  for (const a of document.querySelectorAll('#nav a')) a.classList.toggle('active', a.dataset.page === page);
  const fn = PAGES[page] || pageRules;
  guarded(async () => { await fn(); });
}

window.addEventListener('hashchange', route);
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
