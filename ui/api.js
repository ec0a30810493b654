// The operator API as the UI uses it. The token lives in sessionStorage only (gone when the tab
// closes, never shared with other tabs or written to disk like localStorage) and goes out as a
// bearer header, never in a URL.
//
//   const job = await api('GET', `/v1/jobs/${encodeURIComponent(id)}`);
//   await api('POST', `/v1/approvals/${id}/approve`, {reason, action_hash});

const TOKEN_KEY = 'triagent.token';

export const session = {
  token: () => sessionStorage.getItem(TOKEN_KEY) || '',
  save: (token) => sessionStorage.setItem(TOKEN_KEY, token),
  clear: () => sessionStorage.removeItem(TOKEN_KEY),
};

export class ApiError extends Error {
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

export async function api(method, path, body, {auth = true} = {}) {
  const headers = {Accept: 'application/json'};
  if (auth) headers.Authorization = `Bearer ${session.token()}`;
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  const response = await fetch(path, {
    method, headers, body: body === undefined ? undefined : JSON.stringify(body),
    cache: 'no-store', credentials: 'omit', redirect: 'error',
  });
  const raw = await response.text();
  let data = null;
  try {
    data = raw ? JSON.parse(raw) : null;
  } catch {
    data = {error: raw.slice(0, 300)};
  }
  if (!response.ok) {
    const message = data && typeof data.error === 'string' ? data.error : `HTTP ${response.status}`;
    const error = new ApiError(response.status, message);
    error.data = data;
    throw error;
  }
  return data;
}

export const jobPath = (id) => `/v1/jobs/${encodeURIComponent(id)}`;
// Approvals and results name a job by the pipeline's key ("job-42"); the jobs API wants 42.
export const jobIdOf = (key) => {
  const m = /^job-(\d+)$/.exec(String(key ?? ''));
  return m ? m[1] : String(key ?? '');
};
export const approvalPath = (id) => `/v1/approvals/${encodeURIComponent(id)}`;

const RANK = {viewer: 1, approver: 2, admin: 3};
export const allows = (who, role) => (RANK[who?.role] || 0) >= RANK[role];

// Who holds the token. A daemon from before roles has no /v1/whoami: there the only token is the
// admin token, so a token that can list jobs is an admin.
export async function whoami() {
  try {
    return await api('GET', '/v1/whoami');
  } catch (e) {
    if (e.status !== 404) throw e;
    await api('GET', '/v1/jobs?state=dead&limit=1');
    return {name: 'admin', role: 'admin', legacy: true};
  }
}
