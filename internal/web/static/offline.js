// 离线走访: the grid worker's phone with no network. On the worker's list
// (online) it registers the service worker and keeps the offline page, the
// scripts, the stylesheet and the package (today's list and the households
// of the worker's grids, masked as on the pages) in the cache. On the
// offline page the service worker answers when there is no network, it
// opens households from the package and records visits with the same
// fields as the visit form into a queue on the phone (IndexedDB):
// append-only observations with their own id (client_uuid), the phone's
// clock, the author and the versions of what they correct. When the
// network is back the queue is sent to the server, which saves each
// record once and keeps corrections that met a newer register as
// conflicts for the worker or the supervisor to decide. Without this
// script every page works online as before.
(function () {
  'use strict';
  var app = document.getElementById('offline-app');
  if (!app) return;
  var CACHE = 'shequ-visits-v1';
  var PACKAGE = '/visits/offline.json';
  var SHELL = '/visits/offline';
  var script = document.currentScript ? document.currentScript.src : '';
  var pkg = null;
  var syncing = false;

  // --- the queue on the phone ---------------------------------------
  var dbp = null;
  function db() {
    if (!dbp) {
      dbp = new Promise(function (ok, fail) {
        var rq = indexedDB.open('shequ-visits', 1);
        rq.onupgradeneeded = function () {
          rq.result.createObjectStore('queue', { keyPath: 'client_uuid' });   // the observations, never changed
          rq.result.createObjectStore('results', { keyPath: 'client_uuid' }); // what the server answered
        };
        rq.onsuccess = function () { ok(rq.result); };
        rq.onerror = function () { fail(rq.error); };
      });
    }
    return dbp;
  }
  function tx(store, mode, fn) {
    return db().then(function (d) {
      return new Promise(function (ok, fail) {
        var t = d.transaction(store, mode);
        var out = fn(t.objectStore(store));
        t.oncomplete = function () { ok(out && out.result !== undefined ? out.result : out); };
        t.onerror = function () { fail(t.error); };
      });
    });
  }
  function all(store) { return tx(store, 'readonly', function (s) { return s.getAll(); }); }
  function append(o) { return tx('queue', 'readwrite', function (s) { return s.add(o); }); }
  function answer(r) { return tx('results', 'readwrite', function (s) { return s.put(r); }); }

  // --- small helpers -------------------------------------------------
  function el(tag, attrs, kids) {
    var e = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) {
      if (k === 'text') e.textContent = attrs[k];
      else if (k === 'class') e.className = attrs[k];
      else if (attrs[k] !== false && attrs[k] != null) e.setAttribute(k, attrs[k] === true ? '' : attrs[k]);
    });
    (kids || []).forEach(function (c) { if (c) e.appendChild(typeof c === 'string' ? document.createTextNode(c) : c); });
    return e;
  }
  function uuid() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    var b = crypto.getRandomValues(new Uint8Array(16));
    b[6] = b[6] & 0x0f | 0x40; b[8] = b[8] & 0x3f | 0x80;
    var h = Array.prototype.map.call(b, function (x) { return (x + 256).toString(16).slice(1); }).join('');
    return h.slice(0, 8) + '-' + h.slice(8, 12) + '-' + h.slice(12, 16) + '-' + h.slice(16, 20) + '-' + h.slice(20);
  }
  function pad(n) { return (n < 10 ? '0' : '') + n; }
  function today() { var d = new Date(); return d.getFullYear() + '-' + pad(d.getMonth() + 1) + '-' + pad(d.getDate()); }
  function deviceTime() {
    var d = new Date(), off = -d.getTimezoneOffset(), s = off >= 0 ? '+' : '-';
    off = Math.abs(off);
    return today() + 'T' + pad(d.getHours()) + ':' + pad(d.getMinutes()) + ':' + pad(d.getSeconds()) + s +
      pad(Math.floor(off / 60)) + ':' + pad(off % 60);
  }
  // A stored time (UTC, "2026-01-05 02:00:00.000000") or a phone's clock,
  // shown in the phone's time.
  function shown(t) {
    if (!t) return '';
    if (t.length <= 10) return t;
    var d = new Date(/Z|[+-]\d\d:\d\d$/.test(t) ? t : t.replace(' ', 'T').replace(/(\.\d{3})\d*$/, '$1') + 'Z');
    if (isNaN(d)) return t;
    return d.getFullYear() + '-' + pad(d.getMonth() + 1) + '-' + pad(d.getDate()) + ' ' + pad(d.getHours()) + ':' + pad(d.getMinutes());
  }
  var OUTCOMES = [['met', '见到住户'], ['absent', '无人在家'], ['refused', '拒绝入户']];
  function outcomeName(o) { for (var i = 0; i < OUTCOMES.length; i++) if (OUTCOMES[i][0] === o) return OUTCOMES[i][1]; return o; }

  // --- the package ---------------------------------------------------
  // From the server when there is a network (the service worker or this
  // script copies it into the cache), else the copy in the cache.
  function fromCache() {
    if (!window.caches) return Promise.resolve(null);
    return caches.open(CACHE).then(function (c) { return c.match(PACKAGE); })
      .then(function (r) { return r ? r.json() : null; });
  }
  function loadPackage() {
    if (!navigator.onLine) return fromCache();
    return fetch(PACKAGE, { credentials: 'same-origin', cache: 'no-store' }).then(function (r) {
      if (!r.ok || (r.headers.get('Content-Type') || '').indexOf('application/json') !== 0) throw new Error('package ' + r.status);
      var copy = r.clone();
      return (window.caches ? caches.open(CACHE).then(function (c) { return c.put(PACKAGE, copy); }) : Promise.resolve())
        .then(function () { return r.json(); });
    }).catch(fromCache);
  }
  // Keeps what the offline page needs: the page itself, its script and the
  // stylesheet.
  function keepShell() {
    if (!window.caches || !navigator.onLine) return Promise.resolve();
    var css = document.querySelector('link[rel=stylesheet]');
    var urls = [SHELL];
    if (script) urls.push(script);
    if (css) urls.push(css.href);
    return caches.open(CACHE).then(function (c) { return c.addAll(urls); });
  }
  function household(id) {
    if (!pkg) return null;
    for (var i = 0; i < pkg.households.length; i++) if (pkg.households[i].id === id) return pkg.households[i];
    return null;
  }

  // --- sync ----------------------------------------------------------
  function pending() {
    return Promise.all([all('queue'), all('results')]).then(function (x) {
      var done = {};
      x[1].forEach(function (r) { done[r.client_uuid] = r; });
      return { queue: x[0].sort(function (a, b) { return a.queued_at < b.queued_at ? -1 : 1; }), results: done };
    });
  }
  function post(batch) {
    var body = new URLSearchParams();
    body.set('csrf', pkg ? pkg.csrf : '');
    body.set('batch', JSON.stringify(batch));
    return fetch('/visits/sync', { method: 'POST', credentials: 'same-origin', body: body, redirect: 'manual' })
      .then(function (r) {
        if (r.ok) return r.json();
        throw new Error(r.status === 403 || r.type === 'opaqueredirect' ? 'login' : 'status ' + r.status);
      });
  }
  // A sync asked for while one runs (the 同步 button pressed as the
  // network comes back and the page syncs by itself) runs again after it:
  // the first may have failed while the network was still coming up.
  var again = false;
  function sync() {
    if (!navigator.onLine) return Promise.resolve();
    if (syncing) { again = true; return Promise.resolve(); }
    syncing = true;
    again = false;
    if (retryTimer) { clearTimeout(retryTimer); retryTimer = null; } // this run is the retry
    say('正在同步……');
    return pending().then(function (p) {
      var todo = p.queue.filter(function (o) {
        var r = p.results[o.client_uuid];
        return !r || r.status === 'error';
      });
      var chain = Promise.resolve(0);
      for (var i = 0; i < todo.length; i += 100) {
        (function (batch) {
          chain = chain.then(function (n) {
            return post(batch).catch(function (err) {
              if (err.message !== 'login') throw err;
              // The session changed since the package: a fresh package
              // carries the session's token.
              return loadPackage().then(function (p2) { if (p2) pkg = p2; return post(batch); });
            }).then(function (res) {
              return Promise.all(res.results.map(answer)).then(function () { return n + res.results.length; });
            });
          });
        })(todo.slice(i, i + 100));
      }
      return chain;
    }).then(function (n) {
      syncing = false;
      say(n ? '已同步 ' + n + ' 条' : '没有待同步的走访');
      return loadPackage().then(function (p2) { if (p2) pkg = p2; return render(); });
    }).then(function (x) { retryIn = 0; return x; }, function (err) {
      syncing = false;
      var login = err && err.message === 'login';
      say(login ? '同步失败:请重新登录后再同步,记录仍保存在本机' : '同步失败,记录仍保存在本机,稍后自动再试');
      if (!login) retryLater();
    }).then(function () {
      if (again) return sync();
    });
  }
  // The page hears 'online' before the network really carries (and before
  // the service worker's fetches do): a sync that failed then is tried
  // again by itself, after 2, 4, 8 … up to 60 seconds, while the phone
  // says it is online, so the worker need not press 同步 again.
  var retryIn = 0, retryTimer = null;
  function retryLater() {
    if (retryTimer || !navigator.onLine) return;
    retryIn = Math.min(retryIn ? retryIn * 2 : 2000, 60000);
    retryTimer = setTimeout(function () { retryTimer = null; sync(); }, retryIn);
  }
  function say(text) {
    var s = document.getElementById('offline-say');
    if (s) s.textContent = text;
  }

  // --- the pages -----------------------------------------------------
  var formMatch = /^\/visits\/households\/(\d+)\/new$/.exec(location.pathname);
  var shell = app.dataset.mode === 'shell';

  function statusBox(p) {
    var n = p.queue.filter(function (o) { var r = p.results[o.client_uuid]; return !r || r.status === 'error'; }).length;
    var box = el('section', { class: 'offline-status', 'aria-labelledby': 'h-offline', 'data-pending': n }, [
      el('h2', { id: 'h-offline', text: '离线走访' }),
      el('p', { id: 'offline-package', class: 'muted small', text: pkg ? '离线包:' + pkg.households.length + ' 户,下载于 ' + shown(pkg.made) : '尚未下载离线包' }),
      el('p', {}, [el('span', { id: 'offline-pending', text: '本机待同步 ' + n + ' 条' }), ' ',
        el('button', { type: 'button', class: 'btn', id: 'offline-sync', text: '同步' })]),
      el('p', { id: 'offline-say', role: 'status', class: 'muted small', text: navigator.onLine ? '' : '当前无网络,走访保存在本机' })
    ]);
    box.querySelector('#offline-sync').addEventListener('click', sync);
    return box;
  }

  function queueList(p) {
    if (!p.queue.length) return null;
    var list = el('ul', { class: 'list offline-queue' });
    p.queue.slice().reverse().forEach(function (o) {
      var r = p.results[o.client_uuid];
      var state = !r ? '待同步' : r.status === 'recorded' || r.status === 'already' ? '已同步' : '未保存:' + r.message;
      var li = el('li', { class: 'queued', 'data-uuid': o.client_uuid }, [
        el('p', {}, [el('strong', { text: '户号 ' + o.number }), ' · ' + o.visited_on + ' · ' + outcomeName(o.outcome) + ' · ',
          el('span', { class: 'queued-state', text: state })]),
        o.summary ? el('p', { class: 'muted small', text: o.summary }) : null
      ]);
      if (r && r.conflicts && r.conflicts.length) {
        var cl = el('ul', { class: 'conflicts' });
        r.conflicts.forEach(function (c) {
          cl.appendChild(el('li', { class: 'conflict' }, [
            el('strong', { text: '冲突 · ' + c.label }),
            el('br'), '登记信息:' + (c.register_value || '(空)') + '(' + (c.register_by || '他人') + ' 于 ' + shown(c.register_at) + ' 修改)',
            el('br'), '走访发现:' + (c.visit_value || '(空)') + '(' + c.visit_by + ' 于 ' + shown(c.visit_at) + ' 记录)'
          ]));
        });
        li.appendChild(cl);
        li.appendChild(el('p', {}, [el('a', { href: '/visits/conflicts', text: '去决定' })]));
      }
      list.appendChild(li);
    });
    return el('section', { 'aria-labelledby': 'h-queue' }, [el('h2', { id: 'h-queue', text: '本机登记的走访' }), list]);
  }

  function worklist(p) {
    var box = el('div');
    box.appendChild(el('h1', { text: (pkg ? pkg.worker.name : '') + ' 走访清单(离线)' }));
    if (!pkg) {
      box.appendChild(el('p', { text: '手机中没有离线包。请在有网络时打开走访清单,离线包会自动下载。' }));
      return box;
    }
    box.appendChild(el('p', { class: 'subtitle', text: pkg.list.day + ' · ' + pkg.worker.grid_names + ' · 今日 ' + pkg.list.stops.length + ' 户' }));
    var ol = el('ol', { class: 'list worklist' });
    pkg.list.stops.forEach(function (st) {
      ol.appendChild(el('li', { class: 'stop' + (st.overdue ? ' overdue' : '') }, [
        el('p', {}, [el('strong', { text: st.building + ' ' + st.house }), ' · 户号 ' + st.number]),
        el('p', {}, [el('a', { class: 'btn', href: '/visits/households/' + st.household_id + '/new', text: '登记走访' })])
      ]));
    });
    box.appendChild(ol);
    // Any household of the grids, by 户号 or address.
    var q = el('input', { id: 'offline-find', type: 'search', placeholder: '户号或地址' });
    var found = el('ul', { class: 'list' });
    q.addEventListener('input', function () {
      found.textContent = '';
      var t = q.value.trim();
      if (!t) return;
      pkg.households.filter(function (h) { return h.number.indexOf(t) >= 0 || (h.address || '').indexOf(t) >= 0; })
        .slice(0, 30).forEach(function (h) {
          found.appendChild(el('li', {}, [el('a', { href: '/visits/households/' + h.id + '/new', text: h.number + ' ' + (h.address || '') })]));
        });
    });
    box.appendChild(el('section', { 'aria-labelledby': 'h-find' }, [el('h2', { id: 'h-find', text: '查找辖区住户' }),
      el('label', { for: 'offline-find', text: '户号或地址' }), q, found]));
    return box;
  }

  function field(name, label, input, hint) {
    return el('div', { class: 'field', id: 'fld-' + name }, [el('label', { for: 'f-' + name, text: label }), input,
      hint ? el('p', { class: 'hint', text: hint }) : null]);
  }
  function options(list, blank) {
    var out = blank ? [el('option', { value: '', text: blank })] : [];
    list.forEach(function (o) { out.push(el('option', { value: o[0], text: o[1] })); });
    return out;
  }
  function fail(form, name, text) {
    var f = form.querySelector('#fld-' + name) || form;
    f.classList.add('has-error');
    f.appendChild(el('p', { class: 'field-error', text: text }));
  }

  function visitForm(h) {
    var box = el('div');
    box.appendChild(el('nav', { class: 'crumbs', 'aria-label': '位置' }, [el('ol', {}, [
      el('li', {}, [el('a', { href: '/visits', text: '走访清单' })]), el('li', {}, [el('span', { text: '登记走访(离线)' })])])]));
    box.appendChild(el('h1', { text: '入户走访 · 户号 ' + h.number }));
    box.appendChild(el('p', { class: 'subtitle', text: h.address || '' }));
    box.appendChild(el('p', { class: 'muted small', text: '当前无网络:保存在本机,有网络后同步。' }));
    var form = el('form', { class: 'form', novalidate: true, id: 'offline-form' });
    var members = h.members.map(function (m) { return [String(m.id), m.name]; });
    form.appendChild(field('visited_on', '走访日期', el('input', { id: 'f-visited_on', name: 'visited_on', type: 'date', value: today() })));
    var oc = el('fieldset', { class: 'field', id: 'fld-outcome' }, [el('legend', { text: '走访结果(必填)' })]);
    OUTCOMES.forEach(function (o, i) {
      oc.appendChild(el('label', { class: 'choice' }, [el('input', { type: 'radio', name: 'outcome', value: o[0], checked: i === 0 }), ' ' + o[1]]));
    });
    form.appendChild(oc);
    form.appendChild(field('met', '见到了谁', el('input', { id: 'f-met', name: 'met', type: 'text' }), '如:户主本人、老人的女儿'));
    var pr = el('fieldset', { class: 'field', id: 'fld-present' }, [el('legend', { text: '在场成员' })]);
    h.members.forEach(function (m) {
      pr.appendChild(el('label', { class: 'choice' }, [el('input', { type: 'checkbox', name: 'present', value: m.id }), ' ' + m.name]));
    });
    form.appendChild(pr);
    var ph = el('fieldset', { class: 'field' }, [el('legend', { text: '核对电话(有变化时改写)' })]);
    ph.appendChild(field('household_phone', '住户电话', el('input', { id: 'f-household_phone', name: 'household_phone', type: 'tel', inputmode: 'tel', value: h.phone || '' })));
    h.members.forEach(function (m) {
      ph.appendChild(field('phone_' + m.id, m.name + ' 的电话', el('input', { id: 'f-phone_' + m.id, name: 'phone_' + m.id, type: 'tel', inputmode: 'tel', value: m.phone || '' })));
    });
    form.appendChild(ph);
    form.appendChild(el('fieldset', { class: 'field', id: 'fld-leaving' }, [el('legend', { text: '成员迁出或死亡' }),
      field('leave_person', '成员', el('select', { id: 'f-leave_person', name: 'leave_person' }, options(members, '(无)'))),
      field('leave_status', '情况', el('select', { id: 'f-leave_status', name: 'leave_status' }, options([['moved_out', '迁出'], ['deceased', '死亡']]))),
      field('left_on', '日期', el('input', { id: 'f-left_on', name: 'left_on', type: 'date' })),
      field('left_to', '迁往地(迁出时填)', el('input', { id: 'f-left_to', name: 'left_to', type: 'text' }))]));
    var women = h.members.filter(function (m) { return m.gender === 'F'; }).map(function (m) { return [String(m.id), m.name]; });
    if (women.length) {
      form.appendChild(el('fieldset', { class: 'field', id: 'fld-pregnant' }, [el('legend', { text: '发现孕情' }),
        field('pregnant_person', '成员', el('select', { id: 'f-pregnant_person', name: 'pregnant_person' }, options(women, '(无)'))),
        field('pregnant_on', '登记日期', el('input', { id: 'f-pregnant_on', name: 'pregnant_on', type: 'date' }))]));
    }
    form.appendChild(field('findings', '发现的情况和需求', el('textarea', { id: 'f-findings', name: 'findings', rows: 3 })));
    form.appendChild(field('notes', '民情日记', el('textarea', { id: 'f-notes', name: 'notes', rows: 4 })));
    form.appendChild(el('div', { class: 'form-actions' }, [el('button', { type: 'submit', class: 'btn btn-primary', text: '保存到本机' }),
      ' ', el('a', { href: '/visits', text: '取消' })]));
    form.addEventListener('submit', function (e) {
      e.preventDefault();
      save(form, h);
    });
    box.appendChild(form);
    return box;
  }

  // save checks what the server would refuse at once, then appends the
  // observation to the queue and goes back to the list.
  function save(form, h) {
    Array.prototype.forEach.call(form.querySelectorAll('.field-error'), function (e) { e.remove(); });
    Array.prototype.forEach.call(form.querySelectorAll('.has-error'), function (e) { e.classList.remove('has-error'); });
    var v = function (n) { var i = form.elements[n]; return i ? i.value.trim() : ''; };
    var outcome = (form.querySelector('input[name=outcome]:checked') || {}).value || '';
    var present = Array.prototype.map.call(form.querySelectorAll('input[name=present]:checked'), function (i) { return +i.value; });
    var o = {
      client_uuid: uuid(), household_id: h.id, number: h.number, visited_on: v('visited_on') || today(),
      device_time: deviceTime(), author: pkg.author, staff_id: pkg.worker.staff_id, outcome: outcome, met: v('met'),
      present: present, findings: v('findings'), notes: v('notes'), household_version: h.version,
      person_phones: [], leavings: [], pregnancies: [], queued_at: Date.now()
    };
    var summary = [];
    var bad = false;
    if (!outcome) { fail(form, 'outcome', '请选择走访结果'); bad = true; }
    if (outcome === 'met' && !o.met && !present.length) { fail(form, 'met', '请填写见到了谁,或勾选在场的成员'); bad = true; }
    if (o.visited_on > today()) { fail(form, 'visited_on', '走访日期不能晚于今天'); bad = true; }
    if (v('household_phone') !== (h.phone || '')) { o.household_phone = v('household_phone'); summary.push('住户电话改为 ' + o.household_phone); }
    h.members.forEach(function (m) {
      var p = v('phone_' + m.id);
      if (p !== (m.phone || '')) { o.person_phones.push({ person_id: m.id, version: m.version, phone: p }); summary.push(m.name + ' 的电话改为 ' + p); }
    });
    var lp = +v('leave_person');
    if (lp) {
      var m = h.members.filter(function (x) { return x.id === lp; })[0];
      if (!v('left_on')) { fail(form, 'left_on', '请填写迁出或死亡的日期'); bad = true; }
      o.leavings.push({ person_id: lp, version: m.version, status: v('leave_status'), on: v('left_on'), to: v('left_to') });
      summary.push(m.name + (v('leave_status') === 'deceased' ? ' 死亡' : ' 迁出'));
    }
    var pp = +v('pregnant_person');
    if (pp) {
      if (!v('pregnant_on')) { fail(form, 'pregnant_on', '请填写孕情登记日期'); bad = true; }
      o.pregnancies.push({ person_id: pp, started_on: v('pregnant_on') });
      summary.push('发现孕情');
    }
    if (bad) { (form.querySelector('.has-error input, .has-error select') || form).focus(); return; }
    o.summary = summary.join(';');
    append(o).then(function () {
      if (navigator.onLine) sync().then(function () { location.href = '/visits'; });
      else location.href = '/visits';
    }, function () { fail(form, 'notes', '未能保存到本机,请重试'); });
  }

  function render() {
    return pending().then(function (p) {
      if (!shell) {
        var box = statusBox(p);
        var q = queueList(p);
        app.textContent = '';
        app.appendChild(box);
        if (q) app.appendChild(q);
        return;
      }
      app.textContent = '';
      var h = formMatch ? household(+formMatch[1]) : null;
      if (formMatch && h) {
        app.appendChild(visitForm(h));
        return;
      }
      if (formMatch) app.appendChild(el('p', { class: 'alert alert-error', text: '离线包中没有这一户。' }));
      app.appendChild(worklist(p));
      app.appendChild(statusBox(p));
      var q2 = queueList(p);
      if (q2) app.appendChild(q2);
    });
  }

  function ready() {
    var sw = 'serviceWorker' in navigator
      ? navigator.serviceWorker.register('/visits/sw.js', { scope: '/visits' }).then(function () { return navigator.serviceWorker.ready; })
      : Promise.resolve();
    return Promise.all([sw, keepShell()]).then(function () {
      if (!('serviceWorker' in navigator) || navigator.serviceWorker.controller) return;
      return new Promise(function (ok) { navigator.serviceWorker.addEventListener('controllerchange', ok); });
    });
  }

  window.addEventListener('online', function () { say('网络已恢复'); sync(); });
  window.addEventListener('offline', function () { say('当前无网络,走访保存在本机'); });
  // Logging out clears what the phone kept (the server answers with
  // Clear-Site-Data): unsynced visits would go with it, so the worker is
  // asked first. form.submit() fires no submit event, so it runs once.
  var logout = document.querySelector('form[action="/logout"]');
  if (logout) logout.addEventListener('submit', function (e) {
    e.preventDefault();
    pending().then(function (p) {
      var n = p.queue.filter(function (o) {
        var r = p.results[o.client_uuid];
        return !r || r.status === 'error';
      }).length;
      if (n === 0 || window.confirm('还有 ' + n + ' 条走访没有同步,退出后将从本机删除。确定退出吗?')) logout.submit();
    }, function () { logout.submit(); });
  });
  loadPackage().then(function (p) { pkg = p; return render(); })
    .then(ready)
    .then(function () { app.setAttribute('data-ready', '1'); }, function () { app.setAttribute('data-ready', 'error'); });
})();
