// DOM building for the review UI. Everything shown comes from the API and is untrusted (log text
// is attacker-controlled), so nodes are made with createElement and text with text nodes only:
// nothing here ever parses HTML.
//
//   h('td', {class: 'mono'}, job.id)    h('button', {type: 'button', onclick: go}, 'Replay')

export function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (key.startsWith('on') && typeof value === 'function') el.addEventListener(key.slice(2), value);
    else if (key === 'class') el.className = value;
    else el.setAttribute(key, value === true ? '' : String(value));
  }
  append(el, children);
  return el;
}

export function append(el, children) {
  for (const child of children.flat(Infinity)) {
    if (child === undefined || child === null || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return el;
}

export function clear(el) {
  while (el.firstChild) el.firstChild.remove();
  return el;
}

// A table from column headings and rows of cells (strings or nodes).
export function table(headings, rows, attrs = {}) {
  return h('table', attrs,
    h('thead', null, h('tr', null, headings.map((t) => h('th', {scope: 'col'}, t)))),
    h('tbody', null, rows.length ? rows : h('tr', null, h('td', {colspan: headings.length, class: 'muted'}, 'Nothing here.'))));
}

export function section(title, ...children) {
  return h('section', {class: 'panel'}, h('h2', null, title), children);
}

// A definition list from [label, value] pairs; empty values show as a dash.
export function facts(pairs) {
  return h('dl', {class: 'facts'}, pairs.map(([k, v]) => [h('dt', null, k), h('dd', null, v === '' || v === undefined || v === null ? '—' : v)]));
}
