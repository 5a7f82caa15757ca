/*
 * kiemtra explorer: pick a unit and a period, see its children's rollup as a table and its own as bar charts,
 * drill down and back up, switch Vietnamese/English, download the table. Talks only to this server: POST /graphql
 * and /export.csv|xlsx. Every domain word (tiers, bodies, forms, measures…) comes from the `labels` query; only
 * the page's own controls are worded here.
 */
'use strict';
(function () {
  const TOKEN_KEY = 'kiemtra.token';

  /** The words of the page's controls (domain labels come from the API). */
  const CHROME = {
    vi: {
      title: 'Tra cứu số liệu kiểm tra, giám sát, kỷ luật', language: 'Ngôn ngữ', code: 'Mã đơn vị', year: 'Năm',
      fromMonth: 'Từ tháng', toMonth: 'Đến tháng', asOf: 'Cây đơn vị ngày', show: 'Xem', token: 'Mã truy cập (token)',
      tokenHint: 'Dán token nếu máy chủ yêu cầu; chỉ lưu trong phiên làm việc này.', forget: 'Xóa token',
      csv: 'Tải CSV', xlsx: 'Tải XLSX', roots: 'Các đơn vị gốc', code_: 'Mã', totalOf: 'Tổng cộng: ', loading: 'Đang tải…',
      notFound: 'Không có đơn vị mã "{code}" vào ngày {day}.', asOfHint: 'cuối kỳ', noChildren: 'Đơn vị không có đơn vị trực thuộc.',
      downloading: 'Đang tải tệp…', exportTree: 'Tệp tải về theo cây đơn vị ngày {day}.',
    },
    en: {
      title: 'Inspection, supervision and discipline explorer', language: 'Language', code: 'Unit code', year: 'Year',
      fromMonth: 'From month', toMonth: 'To month', asOf: 'Tree as of', show: 'Show', token: 'Access token',
      tokenHint: 'Paste a token if the server asks for one; kept for this session only.', forget: 'Forget token',
      csv: 'Download CSV', xlsx: 'Download XLSX', roots: 'Root units', code_: 'Code', totalOf: 'Total: ', loading: 'Loading…',
      notFound: 'No unit with code "{code}" on {day}.', asOfHint: 'end of period', noChildren: 'The unit has no child units.',
      downloading: 'Downloading…', exportTree: 'Downloads use the tree of {day}.',
    },
  };
  const LOCALES = { vi: 'vi-VN', en: 'en-US' };

  const HEADLINE = `campaigns { total completed } discipline { organizations members membersByCategory { category { code } count } } documents { directives guidance }`;
  const UNIT_QUERY = `query ExplorerUnit($code: String!, $asOf: Date, $period: PeriodInput!) {
  unit(code: $code, asOf: $asOf) {
    code name kind tier asOf
    ancestors { code name }
    rollup(period: $period) {
      campaigns { total completed byTier { tier total completed } byBody { body total completed } }
      discipline {
        organizations members
        byAuthority { authority organizations members }
        byForm { form organizations members }
        membersByCategory { category { code } count }
      }
      documents { directives guidance }
    }
    children { code name tier descendantCount rollup(period: $period) { ${HEADLINE} } }
  }
  cadreCategories { code name }
}`;
  const ROOTS_QUERY = `query ExplorerRoots($asOf: Date, $period: PeriodInput!) {
  roots(asOf: $asOf) { code name tier descendantCount rollup(period: $period) { ${HEADLINE} } }
  cadreCategories { code name }
}`;
  const LABELS_QUERY = `query ExplorerLabels($lang: Lang!) { labels(lang: $lang) { enum values { value label } } }`;

  const $ = (id) => document.getElementById(id);
  // code: what was asked; shown: the code of the unit on screen ('' for the roots), once its data arrived.
  const state = { lang: 'vi', code: '', year: new Date().getFullYear() - 1, fromMonth: 1, toMonth: 12, asOf: '', data: null, shown: null, loading: false };
  const labelCache = {};
  const charts = [];
  let sequence = 0;

  // ---------------------------------------------------------------------------------------------------------------
  // Talking to the server

  function authHeaders() {
    const token = sessionStorage.getItem(TOKEN_KEY);
    return token ? { authorization: 'Bearer ' + token } : {};
  }

  async function gql(query, variables) {
    const response = await fetch('/graphql', {
      method: 'POST',
      headers: Object.assign({ 'content-type': 'application/json', accept: 'application/graphql-response+json, application/json' }, authHeaders()),
      body: JSON.stringify({ query, variables }),
    });
    let body;
    try {
      body = await response.json();
    } catch (e) {
      throw new Error('HTTP ' + response.status);
    }
    if (body.errors && body.errors.length) throw new Error(body.errors.map((e) => e.message).join(' '));
    if (!response.ok) throw new Error('HTTP ' + response.status);
    return body.data;
  }

  /** enum name → value → label, in `lang` (fetched once per language). */
  async function labels(lang) {
    if (!labelCache[lang]) {
      const data = await gql(LABELS_QUERY, { lang: lang.toUpperCase() });
      const byEnum = {};
      for (const e of data.labels) {
        byEnum[e.enum] = {};
        for (const v of e.values) byEnum[e.enum][v.value] = v.label;
      }
      labelCache[lang] = byEnum;
    }
    return labelCache[lang];
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Helpers

  const t = (key) => CHROME[state.lang][key];
  const L = (enumName, value) => (labelCache[state.lang][enumName] || {})[value] || value;
  const number = (n) => new Intl.NumberFormat(LOCALES[state.lang]).format(n);
  const pad = (n) => String(n).padStart(2, '0');

  /** The period's last day: the tree the table shows when no asOf is given (as the exports do). */
  function periodEnd() {
    const last = new Date(Date.UTC(state.year, state.toMonth, 0)).getUTCDate();
    return `${state.year}-${pad(state.toMonth)}-${pad(last)}`;
  }

  function el(tag, attrs, children) {
    const node = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v === undefined || v === null) continue;
      if (k === 'text') node.textContent = v;
      else if (k === 'class') node.className = v;
      else if (k.startsWith('on')) node.addEventListener(k.slice(2), v);
      else node.setAttribute(k, v);
    }
    for (const child of children || []) node.append(child);
    return node;
  }

  function setStatus(message, isError) {
    const status = $('status');
    status.textContent = message || '';
    status.classList.toggle('error', !!isError);
  }

  function readForm() {
    state.code = $('code').value.trim();
    state.year = Number($('year').value);
    state.fromMonth = Number($('fromMonth').value) || 1;
    state.toMonth = Number($('toMonth').value) || 12;
    state.asOf = $('asOf').value;
  }

  function writeForm() {
    $('code').value = state.code;
    $('year').value = state.year;
    $('fromMonth').value = state.fromMonth;
    $('toMonth').value = state.toMonth;
    $('asOf').value = state.asOf;
    $('lang').value = state.lang;
  }

  /** The selection in the address bar, so that a view can be bookmarked or shared. */
  function writeUrl() {
    const params = new URLSearchParams();
    if (state.code) params.set('code', state.code);
    params.set('year', state.year);
    if (state.fromMonth !== 1) params.set('fromMonth', state.fromMonth);
    if (state.toMonth !== 12) params.set('toMonth', state.toMonth);
    if (state.asOf) params.set('asOf', state.asOf);
    params.set('lang', state.lang);
    history.replaceState(null, '', '?' + params.toString());
  }

  function readUrl() {
    const params = new URLSearchParams(location.search);
    if (params.get('code')) state.code = params.get('code');
    if (Number(params.get('year'))) state.year = Number(params.get('year'));
    if (Number(params.get('fromMonth'))) state.fromMonth = Number(params.get('fromMonth'));
    if (Number(params.get('toMonth'))) state.toMonth = Number(params.get('toMonth'));
    if (params.get('asOf')) state.asOf = params.get('asOf');
    if (params.get('lang') === 'en' || params.get('lang') === 'vi') state.lang = params.get('lang');
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Loading and drawing

  async function load() {
    const mine = ++sequence;
    state.loading = true;
    delete document.body.dataset.ready;
    renderChrome();
    setStatus(t('loading'));
    writeUrl();
    try {
      await labels(state.lang);
      const period = { year: state.year, fromMonth: state.fromMonth, toMonth: state.toMonth };
      const asOf = state.asOf || periodEnd();
      const data = state.code ? await gql(UNIT_QUERY, { code: state.code, asOf, period }) : await gql(ROOTS_QUERY, { asOf, period });
      if (mine !== sequence) return; // a newer selection was made meanwhile
      if (state.code && !data.unit) throw new Error(t('notFound').replace('{code}', state.code).replace('{day}', asOf));
      state.data = data;
      state.shown = data.unit ? data.unit.code : '';
      render();
      setStatus('');
      document.body.dataset.ready = [state.shown, state.lang].join('|');
    } catch (err) {
      if (mine !== sequence) return;
      setStatus(err.message, true);
    } finally {
      if (mine === sequence) state.loading = false;
    }
  }

  /** The page's own words in the current language. */
  function renderChrome() {
    document.documentElement.lang = state.lang;
    document.title = 'kiemtra — ' + t('title');
    for (const node of document.querySelectorAll('[data-t]')) node.textContent = t(node.dataset.t);
    $('asOf').title = t('asOfHint');
  }

  function render() {
    renderChrome();
    const data = state.data;
    if (!data) return;
    const unit = data.unit || null;
    renderBreadcrumb(unit);
    renderTitle(unit);
    renderSummary(unit);
    renderTable(unit ? unit.children : data.roots, unit, data.cadreCategories);
    renderDownloads(unit);
    renderCharts(unit, data.cadreCategories);
  }

  function go(code) {
    state.code = code;
    writeForm();
    load();
  }

  function renderBreadcrumb(unit) {
    const nav = $('breadcrumb');
    nav.replaceChildren();
    const link = (code, text) => el('a', { href: '?code=' + encodeURIComponent(code), 'data-code': code, onclick: (e) => { e.preventDefault(); go(code); } }, [text]);
    nav.append(unit ? link('', t('roots')) : el('span', { text: t('roots') }));
    if (!unit) return;
    for (const a of unit.ancestors) nav.append(el('span', { class: 'sep', text: '›' }), link(a.code, a.name));
    nav.append(el('span', { class: 'sep', text: '›' }), el('strong', { text: unit.name }));
  }

  function renderTitle(unit) {
    const title = $('unit-title');
    title.replaceChildren();
    title.dataset.code = unit ? unit.code : '';
    if (!unit) {
      title.textContent = t('roots');
      return;
    }
    title.append(unit.name, el('span', { class: 'meta', text: `${unit.code} · ${L('Tier', unit.tier)} · ${L('UnitKind', unit.kind)}` }));
  }

  function renderSummary(unit) {
    const box = $('summary');
    box.replaceChildren();
    box.hidden = !unit;
    if (!unit) return;
    const r = unit.rollup;
    const items = [
      ['CAMPAIGNS_TOTAL', r.campaigns.total],
      ['CAMPAIGNS_COMPLETED', r.campaigns.completed],
      ['DISCIPLINED_ORGANIZATIONS', r.discipline.organizations],
      ['DISCIPLINED_MEMBERS', r.discipline.members],
      ['DOCUMENTS_DIRECTIVES', r.documents.directives],
      ['DOCUMENTS_GUIDANCE', r.documents.guidance],
    ];
    for (const [metric, value] of items) {
      box.append(el('div', { 'data-metric': metric }, [el('div', { class: 'value', text: number(value) }), el('div', { class: 'label', text: L('HeadlineMetric', metric) })]));
    }
  }

  /** The table's columns: header, class, field name (for tests and CSS) and the value of a rollup. */
  function columns(categories) {
    const count = (r, code) => (r.discipline.membersByCategory.find((m) => m.category.code === code) || { count: 0 }).count;
    return [
      { field: 'campaigns.total', header: L('HeadlineMetric', 'CAMPAIGNS_TOTAL'), value: (r) => r.campaigns.total },
      { field: 'campaigns.completed', header: L('HeadlineMetric', 'CAMPAIGNS_COMPLETED'), value: (r) => r.campaigns.completed },
      { field: 'discipline.organizations', header: L('HeadlineMetric', 'DISCIPLINED_ORGANIZATIONS'), value: (r) => r.discipline.organizations },
      { field: 'discipline.members', header: L('HeadlineMetric', 'DISCIPLINED_MEMBERS'), value: (r) => r.discipline.members },
      ...categories.map((c) => ({ field: 'category.' + c.code, header: `${L('Dimension', 'CADRE_CATEGORY')}: ${c.name}`, value: (r) => count(r, c.code) })),
      { field: 'documents.directives', header: L('HeadlineMetric', 'DOCUMENTS_DIRECTIVES'), value: (r) => r.documents.directives },
      { field: 'documents.guidance', header: L('HeadlineMetric', 'DOCUMENTS_GUIDANCE'), value: (r) => r.documents.guidance },
    ];
  }

  function renderTable(rows, unit, categories) {
    const cols = columns(categories);
    const table = $('children');
    $('table-title').textContent = unit ? L('Dimension', 'CHILD_UNIT') : t('roots');
    const head = el('tr', {}, [
      el('th', { 'data-field': 'code', text: t('code_') }),
      el('th', { 'data-field': 'name', text: unit ? L('Dimension', 'CHILD_UNIT') : t('roots') }),
      el('th', { 'data-field': 'tier', text: L('Dimension', 'TIER') }),
      ...cols.map((c) => el('th', { class: 'num', 'data-field': c.field, text: c.header })),
    ]);
    const figures = (r) => cols.map((c) => el('td', { class: 'num', 'data-field': c.field, 'data-value': c.value(r), text: number(c.value(r)) }));
    const body = rows.map((row) =>
      el('tr', { 'data-code': row.code }, [
        el('td', { 'data-field': 'code', text: row.code }),
        el('td', { 'data-field': 'name' }, [
          row.descendantCount > 0 ? el('a', { href: '?code=' + encodeURIComponent(row.code), onclick: (e) => { e.preventDefault(); go(row.code); } }, [row.name]) : row.name,
        ]),
        el('td', { 'data-field': 'tier', text: L('Tier', row.tier) }),
        ...figures(row.rollup),
      ]),
    );
    if (rows.length === 0) body.push(el('tr', {}, [el('td', { colspan: String(cols.length + 3), text: t('noChildren') })]));
    const foot = unit
      ? [el('tr', { 'data-code': unit.code, 'data-total': 'true' }, [el('td', { text: unit.code }), el('td', { text: t('totalOf') + unit.name }), el('td', { text: L('Tier', unit.tier) }), ...figures(unit.rollup)])]
      : [];
    table.replaceChildren(el('thead', {}, [head]), el('tbody', {}, body), el('tfoot', {}, foot));
  }

  /** The children table as the server exports it (src/export/args.ts): report=children, root, year, months, lang. */
  function exportUrl(format) {
    const params = new URLSearchParams({ report: 'children', root: state.shown, year: String(state.year), fromMonth: String(state.fromMonth), toMonth: String(state.toMonth), lang: state.lang });
    return `/export.${format}?${params}`;
  }

  function renderDownloads(unit) {
    $('downloads').hidden = !unit;
    if (!unit) return;
    for (const format of ['csv', 'xlsx']) $(format).href = exportUrl(format);
    // Exports show the tree of the period's last day: say so when the table shows another day's.
    const end = periodEnd();
    $('export-note').textContent = state.asOf && state.asOf !== end ? t('exportTree').replace('{day}', end) : '';
  }

  /** With a token, a plain link cannot send it: fetch the file with the header and save the blob. */
  async function download(event) {
    if (!sessionStorage.getItem(TOKEN_KEY)) return; // the browser follows the link
    event.preventDefault();
    const link = event.currentTarget;
    setStatus(t('downloading'));
    try {
      const response = await fetch(link.href, { headers: authHeaders() });
      if (!response.ok) {
        const body = await response.json().catch(() => null);
        throw new Error(body && body.errors ? body.errors.map((e) => e.message).join(' ') : 'HTTP ' + response.status);
      }
      const disposition = response.headers.get('content-disposition') || '';
      const match = /filename\*=UTF-8''([^;]+)/.exec(disposition);
      const url = URL.createObjectURL(await response.blob());
      const a = el('a', { href: url, download: match ? decodeURIComponent(match[1]) : 'export.' + link.id });
      document.body.append(a);
      a.click();
      a.remove();
      setTimeout(() => URL.revokeObjectURL(url), 10000);
      setStatus('');
    } catch (err) {
      setStatus(err.message, true);
    }
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Charts (Chart.js, from the server's node_modules)

  const COLORS = ['#b3261e', '#0b57d0', '#1e8e3e', '#e37400', '#7b1fa2', '#5f6368'];

  function bar(canvasId, title, categories, datasets) {
    const chart = new Chart($(canvasId), {
      type: 'bar',
      data: { labels: categories, datasets: datasets.map((d, i) => ({ label: d.label, data: d.data, backgroundColor: COLORS[i % COLORS.length] })) },
      options: {
        animation: false,
        responsive: true,
        maintainAspectRatio: false,
        locale: LOCALES[state.lang],
        plugins: { title: { display: true, text: title, font: { size: 14 } }, legend: { display: datasets.length > 1, position: 'bottom' } },
        scales: { y: { beginAtZero: true, ticks: { precision: 0 } }, x: { ticks: { autoSkip: false } } },
      },
    });
    charts.push(chart);
  }

  function renderCharts(unit, categories) {
    while (charts.length) charts.pop().destroy();
    $('charts').hidden = !unit;
    if (!unit || typeof Chart === 'undefined') return;
    const r = unit.rollup;
    const campaigns = L('Measure', 'CAMPAIGNS');
    const total = L('HeadlineMetric', 'CAMPAIGNS_TOTAL');
    const completed = L('HeadlineMetric', 'CAMPAIGNS_COMPLETED');
    const orgs = L('HeadlineMetric', 'DISCIPLINED_ORGANIZATIONS');
    const members = L('HeadlineMetric', 'DISCIPLINED_MEMBERS');
    const by = (dimension) => `${L('Dimension', dimension)}`;
    bar('chart-tier', `${campaigns} — ${by('TIER')}`, r.campaigns.byTier.map((x) => L('Tier', x.tier)), [
      { label: total, data: r.campaigns.byTier.map((x) => x.total) },
      { label: completed, data: r.campaigns.byTier.map((x) => x.completed) },
    ]);
    bar('chart-body', `${campaigns} — ${by('BODY')}`, r.campaigns.byBody.map((x) => L('Body', x.body)), [
      { label: total, data: r.campaigns.byBody.map((x) => x.total) },
      { label: completed, data: r.campaigns.byBody.map((x) => x.completed) },
    ]);
    bar('chart-authority', by('AUTHORITY'), r.discipline.byAuthority.map((x) => L('Authority', x.authority)), [
      { label: orgs, data: r.discipline.byAuthority.map((x) => x.organizations) },
      { label: members, data: r.discipline.byAuthority.map((x) => x.members) },
    ]);
    bar('chart-form', by('FORM'), r.discipline.byForm.map((x) => L('DisciplineForm', x.form)), [
      { label: orgs, data: r.discipline.byForm.map((x) => x.organizations) },
      { label: members, data: r.discipline.byForm.map((x) => x.members) },
    ]);
    const count = (code) => (r.discipline.membersByCategory.find((m) => m.category.code === code) || { count: 0 }).count;
    bar('chart-category', `${members} — ${by('CADRE_CATEGORY')}`, categories.map((c) => c.name), [{ label: members, data: categories.map((c) => count(c.code)) }]);
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Wiring

  readUrl();
  writeForm();
  $('token').value = sessionStorage.getItem(TOKEN_KEY) || '';
  $('query').addEventListener('submit', (e) => {
    e.preventDefault();
    readForm();
    load();
  });
  // Another language needs other labels, not other figures: redraw what is shown.
  $('lang').addEventListener('change', async () => {
    state.lang = $('lang').value;
    if (!state.data || state.loading) return load();
    const mine = ++sequence;
    delete document.body.dataset.ready;
    writeUrl();
    try {
      await labels(state.lang);
      if (mine !== sequence) return;
      render();
      setStatus('');
      document.body.dataset.ready = [state.shown, state.lang].join('|');
    } catch (err) {
      if (mine === sequence) setStatus(err.message, true);
    }
  });
  $('token').addEventListener('change', () => {
    const token = $('token').value.trim();
    if (token) sessionStorage.setItem(TOKEN_KEY, token);
    else sessionStorage.removeItem(TOKEN_KEY);
    load();
  });
  $('forget').addEventListener('click', () => {
    sessionStorage.removeItem(TOKEN_KEY);
    $('token').value = '';
    load();
  });
  $('csv').addEventListener('click', download);
  $('xlsx').addEventListener('click', download);
  load();
})();
