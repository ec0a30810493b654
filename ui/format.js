// Formatting of API values for display. Values that pick a CSS class go through a fixed list, so
// a hostile value can never choose a class (or anything else) by itself.

import {h} from './dom.js';

const SEVERITIES = ['critical', 'high', 'medium', 'low', 'info'];

export function text(value) {
  if (value === undefined || value === null) return '';
  return typeof value === 'string' ? value : JSON.stringify(value);
}

export function severityBadge(severity) {
  const s = SEVERITIES.includes(severity) ? severity : 'unknown';
  return h('span', {class: `badge sev-${s}`}, s);
}

export function flag(on, label) {
  return on ? h('span', {class: 'badge warn'}, label) : '';
}

export function statusBadge(status) {
  const known = ['ok', 'pending', 'approved', 'executing', 'executed', 'rejected', 'expired', 'failed', 'dead', 'done'];
  const s = known.includes(status) ? status : 'other';
  return h('span', {class: `badge st-${s}`}, text(status));
}

export function percent(x) {
  return typeof x === 'number' && Number.isFinite(x) ? `${Math.round(x * 100)}%` : '—';
}

export function age(seconds) {
  if (typeof seconds !== 'number' || !Number.isFinite(seconds) || seconds < 0) return '—';
  if (seconds < 90) return `${Math.round(seconds)} s`;
  if (seconds < 5400) return `${Math.round(seconds / 60)} min`;
  if (seconds < 172800) return `${(seconds / 3600).toFixed(1)} h`;
  return `${(seconds / 86400).toFixed(1)} d`;
}

export function when(rfc3339) {
  if (typeof rfc3339 !== 'string' || !rfc3339) return '—';
  return rfc3339.replace('T', ' ').replace(/\.\d+Z$/, 'Z');
}

export function list(values) {
  return Array.isArray(values) ? values : [];
}

export function pretty(value) {
  return h('pre', {class: 'json'}, JSON.stringify(value ?? null, null, 2));
}
