// The review UI end to end in Debian's headless Chromium, driven by playwright-core. Started by
// tests/integration/review_ui_test.cpp once a daemon has a finished job and a pending approval:
//
//   TRIAGENT_UI_BASE_URL=http://127.0.0.1:8080 TRIAGENT_UI_TOKEN=... TRIAGENT_UI_JOB_ID=1 \
//   TRIAGENT_UI_APPROVAL_ID=ab12... TRIAGENT_UI_ARTIFACTS=/tmp/x node tests/ui/review_ui.mjs
//
// Logs in, checks the overview, compares the incident page with the API's result (ATT&CK list,
// note, evidence), checks a screenshot is a real render, approves the approval through the UI with
// a reason, and logs out. Exit 0 on success; anything else prints why and exits 1.
import {chromium} from 'playwright-core';
import {mkdirSync, writeFileSync} from 'node:fs';
import {join} from 'node:path';
import assert from 'node:assert/strict';

const env = process.env;
const base = env.TRIAGENT_UI_BASE_URL;
const token = env.TRIAGENT_UI_TOKEN;
const jobId = env.TRIAGENT_UI_JOB_ID;
const approvalId = env.TRIAGENT_UI_APPROVAL_ID;
const artifacts = env.TRIAGENT_UI_ARTIFACTS || '.';
const reason = env.TRIAGENT_UI_REASON || 'Confirmed in the review UI end-to-end test';
const chromiumPath = env.TRIAGENT_CHROMIUM || '/usr/bin/chromium';

// A hung browser must fail the test, not wait for ctest's timeout.
setTimeout(() => { console.error('review_ui: timed out'); process.exit(2); }, 120_000).unref();

async function apiGet(path) {
  const r = await fetch(base + path, {headers: {Authorization: `Bearer ${token}`}});
  assert.equal(r.status, 200, `GET ${path}: ${r.status}`);
  return r.json();
}

// The screenshot must be a rendered page, not a blank or single-colour one: a PNG, bigger than a
// blank page's, with many distinct colours (decoded by the browser itself on about:blank).
async function checkScreenshot(browser, png, blankPng) {
  assert.equal(png.subarray(1, 4).toString('latin1'), 'PNG', 'the screenshot is not a PNG');
  assert.ok(png.length > 15_000, `the screenshot is only ${png.length} bytes`);
  assert.ok(png.length > 3 * blankPng.length, `screenshot ${png.length} bytes vs blank page ${blankPng.length}`);
  const page = await browser.newPage();
  const colours = await page.evaluate(async (b64) => {
    const img = new Image();
    img.src = `data:image/png;base64,${b64}`;
    await img.decode();
    const canvas = document.createElement('canvas');
    canvas.width = img.width;
    canvas.height = img.height;
    const ctx = canvas.getContext('2d');
    ctx.drawImage(img, 0, 0);
    const data = ctx.getImageData(0, 0, img.width, img.height).data;
    const seen = new Set();
    for (let i = 0; i < data.length; i += 4 * 7) seen.add((data[i] << 16) | (data[i + 1] << 8) | data[i + 2]);
    return seen.size;
  }, png.toString('base64'));
  await page.close();
  assert.ok(colours >= 16, `the screenshot has only ${colours} colours`);
  return colours;
}

async function main() {
  assert.ok(base && token && jobId && approvalId, 'TRIAGENT_UI_BASE_URL, _TOKEN, _JOB_ID and _APPROVAL_ID are required');
  mkdirSync(artifacts, {recursive: true});
  const job = await apiGet(`/v1/jobs/${jobId}`);
  const approval = await apiGet(`/v1/approvals/${approvalId}`);
  assert.equal(approval.status, 'pending');
  const expectedTechniques = job.result.analysis.techniques.map((t) => t.id).sort();
  assert.ok(expectedTechniques.length > 0, 'the job has no ATT&CK technique to compare');

  const browser = await chromium.launch({executablePath: chromiumPath, headless: true,
                                         args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage']});
  try {
    const page = await browser.newPage({viewport: {width: 1280, height: 900}});
    const problems = [];
    page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
    page.on('console', (m) => {
      if (m.type() === 'error' && /Content Security Policy|Refused to/i.test(m.text())) problems.push(`CSP: ${m.text()}`);
    });
    const waitPage = (name) => page.waitForSelector(`main[data-page="${name}"]`);

    // Login.
    const response = await page.goto(`${base}/ui/`);
    assert.equal(response.status(), 200);
    assert.match(response.headers()['content-security-policy'] || '', /default-src 'self'/);
    await page.fill('#token', token);
    await page.click('#login-submit');
    await waitPage('overview');
    const stored = await page.evaluate(() => [sessionStorage.getItem('triagent.token'), localStorage.length]);
    assert.deepEqual(stored, [token, 0], 'the token belongs in sessionStorage only');

    // Overview: the queue figures and the health checks are drawn.
    const done = Number(await page.textContent('[data-testid="queue-done"] .tile-value'));
    assert.ok(done >= 1, `overview shows ${done} done jobs`);
    assert.ok(await page.locator('#checks tbody tr').count() >= 1, 'no health checks shown');
    writeFileSync(join(artifacts, 'overview.png'), await page.screenshot());  // for a human to look at

    // Incidents list, then the incident.
    await page.click('nav a[data-route="incidents"]');
    await waitPage('incidents');
    await page.click(`#incidents tr[data-job-id="${jobId}"] td.title a`);
    await waitPage('incident');
    const shownTechniques = (await page.locator('#attack td.technique-id').allTextContents()).sort();
    assert.deepEqual(shownTechniques, expectedTechniques, 'the ATT&CK list differs from the API result');
    assert.equal(await page.textContent('#note'), job.result.note, 'the note differs from the API result');
    assert.equal(await page.locator('#evidence tbody tr[data-evidence-id]').count(), job.result.evidence.length);
    assert.equal(await page.locator('script').count(), 1, 'a script element appeared beyond the module entry');

    const blank = await browser.newPage({viewport: {width: 1280, height: 900}});
    const blankPng = await blank.screenshot();
    await blank.close();
    const png = await page.screenshot();
    writeFileSync(join(artifacts, 'incident.png'), png);
    const colours = await checkScreenshot(browser, png, blankPng);

    // Approvals: a decision without a reason is refused in the page; with one it is sent.
    await page.click('nav a[data-route="approvals"]');
    await waitPage('approvals');
    const card = page.locator(`article[data-approval-id="${approvalId}"]`);
    await card.waitFor();
    assert.ok((await card.textContent()).includes(approval.action_hash), 'the card does not show the action hash');
    writeFileSync(join(artifacts, 'approvals.png'), await page.screenshot({fullPage: true}));
    await card.locator('button.approve').click();
    await page.waitForSelector('#flash.error:has-text("reason is required")');
    await card.locator('textarea.approval-reason').fill(reason);
    await card.locator('button.approve').click();
    await card.waitFor({state: 'detached'});
    const decided = await apiGet(`/v1/approvals/${approvalId}`);
    assert.ok(['approved', 'executing', 'executed'].includes(decided.status), `approval is ${decided.status}`);
    assert.equal(decided.decision_reason, reason);

    // Logout forgets the token.
    await page.click('#logout');
    await page.waitForSelector('#login-form');
    assert.equal(await page.evaluate(() => sessionStorage.getItem('triagent.token')), null);

    assert.deepEqual(problems, [], 'the page reported errors');
    console.log(`review_ui: ok (${shownTechniques.join(', ')}; screenshot ${png.length} bytes, ${colours} colours)`);
  } finally {
    await browser.close();
  }
}

main().then(() => process.exit(0), (e) => {
  console.error(`review_ui: FAILED: ${e.stack || e}`);
  process.exit(1);
});
