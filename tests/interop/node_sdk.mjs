// The official Node SDK (npm `ecommpay`, pinned in package-lock.json) for sdk_flows.py:
//   node node_sdk.mjs urls KEY BASE_URL PARAMS.json   prints {operation: Payment Page URL}
//   node node_sdk.mjs verify KEY CALLBACKS.jsonl      prints the callbacks it refuses (JSON list)
import fs from 'node:fs';
import ecommpay from 'ecommpay';

const { Payment, Callback } = ecommpay;
const [command, key, ...rest] = process.argv.slice(2);

if (command === 'urls') {
  const [baseUrl, paramsPath] = rest;
  const sets = JSON.parse(fs.readFileSync(paramsPath, 'utf8'));
  const urls = {};
  for (const [operation, params] of Object.entries(sets)) {
    const { project_id: projectId, ...others } = params;
    // The SDK appends `/payment` to its base URL.
    const payment = new Payment(String(projectId), key, others, baseUrl);
    urls[operation] = payment.getUrl();
  }
  console.log(JSON.stringify(urls));
} else if (command === 'verify') {
  const [callbacksPath] = rest;
  const lines = fs.readFileSync(callbacksPath, 'utf8').split('\n').filter((line) => line);
  const failures = [];
  for (const raw of lines) {
    try {
      new Callback(key, raw); // throws when the signature does not verify
    } catch (error) {
      failures.push(`${error}: ${raw.slice(0, 300)}`);
    }
  }
  console.log(JSON.stringify(failures));
} else {
  console.error('usage: node_sdk.mjs urls KEY BASE_URL PARAMS.json | verify KEY CALLBACKS.jsonl');
  process.exit(2);
}
