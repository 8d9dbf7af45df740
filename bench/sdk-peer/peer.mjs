// Benchmark peer: the official Cloudflare TypeScript SDK (npm "cloudflare", pinned in package.json)
// pointed at the TurnstileWidgets emulator. Run by bench/TurnstileWidgets.Benchmarks; prints one JSON object.
//
//   node peer.mjs <list|first> --base-url <url> --account-id <hex32> [--per-page <n>] [--expect <n>]
//                 [--runs <n>] [--warmup <n>] [--warmup-ms <ms>] [--min-measured-ms <ms>] [--max-runs <n>]
//
// The API token comes from CLOUDFLARE_API_TOKEN, never from the command line.
// "list" walks the SDK's auto-pagination to the end; "first" stops at the first widget.
// Without --per-page the SDK's defaults apply (the API's 25 per page; the SDK stops on an empty page).

import Cloudflare from 'cloudflare';
import { performance } from 'node:perf_hooks';
import { readFileSync } from 'node:fs';

function usage(message) {
  process.stderr.write(`peer.mjs: ${message}\n`);
  process.exit(2);
}

function parseArgs(argv) {
  const [scenario, ...rest] = argv;
  if (scenario !== 'list' && scenario !== 'first') {
    usage(`unknown scenario '${scenario ?? ''}'; use list or first.`);
  }
  const options = { scenario, runs: 1, warmup: 0, warmupMs: 0, minMeasuredMs: 0, maxRuns: 50, perPage: undefined, expect: undefined };
  for (let i = 0; i < rest.length; i += 2) {
    const name = rest[i];
    const value = rest[i + 1];
    if (value === undefined) usage(`${name} needs a value.`);
    switch (name) {
      case '--base-url': options.baseURL = value; break;
      case '--account-id': options.accountId = value; break;
      case '--per-page': options.perPage = Number.parseInt(value, 10); break;
      case '--expect': options.expect = Number.parseInt(value, 10); break;
      case '--runs': options.runs = Number.parseInt(value, 10); break;
      case '--warmup': options.warmup = Number.parseInt(value, 10); break;
      case '--warmup-ms': options.warmupMs = Number.parseInt(value, 10); break;
      case '--min-measured-ms': options.minMeasuredMs = Number.parseInt(value, 10); break;
      case '--max-runs': options.maxRuns = Number.parseInt(value, 10); break;
      default: usage(`unknown option '${name}'.`);
    }
  }
  if (!options.baseURL) usage('--base-url is required.');
  if (!options.accountId) usage('--account-id is required.');
  return options;
}

// Timed runs count requests only: wrapping the body in a counting stream adds promise hops per chunk and
// slowed the SDK measurably. Bytes are counted in one extra, untimed run whose fetch reads each body whole
// (the SDK parses each body whole anyway). Counting the body works whether or not a response has Content-Length.
const counters = { requests: 0, bytes: 0 };
function countingFetch(url, init) {
  counters.requests++;
  return fetch(url, init);
}
async function byteCountingFetch(url, init) {
  counters.requests++;
  const response = await fetch(url, init);
  if (response.body === null) {
    return response;
  }
  const body = await response.arrayBuffer();
  counters.bytes += body.byteLength;
  return new Response(body, { status: response.status, statusText: response.statusText, headers: response.headers });
}

async function runOnce(client, options) {
  const params = { account_id: options.accountId };
  if (options.perPage !== undefined) params.per_page = options.perPage;
  const before = { ...counters };
  const start = performance.now();
  let items = 0;
  let firstMs = null;
  for await (const widget of client.turnstile.widgets.list(params)) {
    if (items === 0) {
      firstMs = performance.now() - start;
      if (typeof widget.sitekey !== 'string') throw new Error('a listed widget had no sitekey');
    }
    items++;
    if (options.scenario === 'first') break;
  }
  const elapsedMs = performance.now() - start;
  return {
    elapsed_ms: elapsedMs,
    first_ms: firstMs,
    items,
    requests: counters.requests - before.requests,
    bytes: counters.bytes - before.bytes,
  };
}

async function main() {
  const options = parseArgs(process.argv.slice(2));
  const apiToken = process.env.CLOUDFLARE_API_TOKEN;
  if (!apiToken) usage('set CLOUDFLARE_API_TOKEN to the emulator\'s API token.');
  const client = new Cloudflare({ apiToken, baseURL: options.baseURL, fetch: countingFetch });
  const byteClient = new Cloudflare({ apiToken, baseURL: options.baseURL, fetch: byteCountingFetch });
  const sdkVersion = JSON.parse(readFileSync(new URL('./node_modules/cloudflare/package.json', import.meta.url), 'utf8')).version;

  // At least --warmup runs and at least --warmup-ms, so V8 has optimised the hot paths before measuring.
  let warmupRuns = 0;
  const warmupStart = performance.now();
  while (warmupRuns < options.warmup || (options.warmup > 0 && performance.now() - warmupStart < options.warmupMs)) {
    await runOnce(client, options);
    warmupRuns++;
  }
  const runs = [];
  const cpuStart = process.cpuUsage();
  // At least --runs, and more (up to --max-runs) while the measured time is under --min-measured-ms.
  let measuredMs = 0;
  while (runs.length < options.runs || (runs.length < options.maxRuns && measuredMs < options.minMeasuredMs)) {
    const run = await runOnce(client, options);
    measuredMs += options.scenario === 'first' ? run.first_ms : run.elapsed_ms;
    runs.push(run);
  }
  const bytesRun = await runOnce(byteClient, options);
  const cpu = process.cpuUsage(cpuStart);
  const expected = options.scenario === 'first' ? 1 : options.expect;
  const wrong = expected === undefined ? [] : [...runs, bytesRun].filter((r) => r.items !== expected);
  process.stdout.write(JSON.stringify({
    sdk: 'cloudflare',
    sdk_version: sdkVersion,
    node_version: process.version,
    scenario: options.scenario,
    per_page: options.perPage ?? null,
    warmup_runs: warmupRuns,
    runs: runs.map(({ bytes, ...run }) => run),
    // Response body bytes of one run (counted in the extra untimed run), and the CPU the measured runs used.
    bytes_per_run: bytesRun.bytes,
    requests_per_run: bytesRun.requests,
    cpu_ms_per_run: (cpu.user + cpu.system) / 1000 / runs.length,
    error: wrong.length > 0 ? `expected ${expected} widgets, got ${wrong.map((r) => r.items).join(', ')}` : null,
  }) + '\n');
}

main().catch((error) => {
  // The SDK's error text names the request, not the token.
  process.stdout.write(JSON.stringify({ error: String(error && error.message ? error.message : error) }) + '\n');
  process.exit(1);
});
