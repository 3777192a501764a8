// The Payment Page in a real browser: the harness (examples/merchant/examples/payment_page_harness.rs)
// starts the mock and the merchant example on loopback and prints a Payment Page URL built by the
// crate; headless Chromium opens it, checks the amount, presses "Pay" and waits for the result;
// then the merchant example must have received and verified the signed callback (the order is
// paid, and the harness confirms it and exits 0).
//
// Usage: node tests/browser/pay.mjs <harness binary> [screenshot prefix]
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { chromium } from 'playwright-core';

const [harnessPath, screenshots] = process.argv.slice(2);
if (!harnessPath) {
  console.error('usage: node pay.mjs <harness binary> [screenshot prefix]');
  process.exit(2);
}
const STEP_MS = 30_000;

const harness = spawn(harnessPath, [], { stdio: ['pipe', 'pipe', 'inherit'] });
const lines = createInterface({ input: harness.stdout });
const pending = [];
const received = [];
lines.on('line', (line) => (pending.length ? pending.shift()(line) : received.push(line)));
const harnessExit = new Promise((resolve) => harness.on('exit', (code) => resolve(code)));

function nextLine(what) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no ${what} from the harness in ${STEP_MS} ms`)), STEP_MS);
    const take = (line) => { clearTimeout(timer); resolve(JSON.parse(line)); };
    if (received.length) take(received.shift()); else pending.push(take);
    harnessExit.then((code) => reject(new Error(`the harness exited (${code}) before its ${what}`)));
  });
}

function check(condition, message) {
  if (!condition) throw new Error(message);
}

const userDataDir = mkdtempSync(join(tmpdir(), 'ecommpay-chromium-'));
let browser;
try {
  const { url, merchant_url: merchantUrl, payment_id: paymentId } = await nextLine('Payment Page URL');
  // A fresh profile directory per run (Playwright passes it as --user-data-dir).
  browser = await chromium.launchPersistentContext(userDataDir, {
    executablePath: '/usr/bin/chromium',
    args: [
      '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync',
    ],
    timeout: STEP_MS,
  });
  const page = await browser.newPage();
  page.setDefaultTimeout(STEP_MS);
  const response = await page.goto(url);
  check(response.status() === 200, `the Payment Page answered ${response.status()}`);
  const amount = await page.locator('#amount').innerText();
  check(amount.includes('1000 BRL'), `the page shows the amount as ${JSON.stringify(amount)}`);
  console.log(`page shows amount ${JSON.stringify(amount)}`);

  if (screenshots) await page.screenshot({ path: `${screenshots}-page.png`, fullPage: true });
  await page.getByRole('button', { name: 'Pay' }).click();
  await page.locator('#result').waitFor();
  const result = await page.locator('#result').innerText();
  const answer = await page.locator('#merchant-answer').innerText();
  console.log(`result: ${result} / ${answer}`);
  if (screenshots) await page.screenshot({ path: `${screenshots}-result.png`, fullPage: true });
  check(result === 'Payment succeeded', `the page says ${JSON.stringify(result)}`);
  check(answer.includes('HTTP 200'), `the merchant's answer: ${JSON.stringify(answer)}`);

  // The merchant example's own view of the order.
  const order = await (await fetch(`${merchantUrl}/orders/${encodeURIComponent(paymentId)}`)).json();
  check(order.status === 'paid', `the merchant's order is ${JSON.stringify(order)}`);

  const confirmation = await nextLine('confirmation');
  check(confirmation.merchant_received === true, `harness: ${JSON.stringify(confirmation)}`);
  harness.stdin.end(); // the harness stops the servers and exits
  const code = await harnessExit;
  check(code === 0, `the harness exited with ${code}`);
  console.log(`merchant received and verified the callback: ${JSON.stringify(confirmation)}`);
} catch (error) {
  console.error(`browser test failed: ${error.message}${error.cause ? ` (${error.cause.message ?? error.cause})` : ""}`);
  process.exitCode = 1;
} finally {
  if (browser) await browser.close();
  harness.kill();
  rmSync(userDataDir, { recursive: true, force: true });
}
