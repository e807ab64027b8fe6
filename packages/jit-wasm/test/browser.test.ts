/**
 * @ebpf/core, @ebpf/interp and @ebpf/jit-wasm in a real browser: `browser/scenario.ts` is
 * bundled with esbuild (browser platform; a `node:` import anywhere in it fails the build) into
 * a page of Debian's headless Chromium, driven by playwright-core with the flags of
 * interfaces.md. The seed's two filter examples and a sample of conformance programs must give
 * the same r0 in the page as in Node, under both the interpreter and the wasm JIT.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { chromium, type BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runConformanceSample, runSeedExample, type ScenarioResult } from './browser/scenario.js';

const CHROMIUM = '/usr/bin/chromium';
const HERE = fileURLToPath(new URL('.', import.meta.url));
const CORE_TESTDATA = fileURLToPath(new URL('../../core/testdata/', import.meta.url));

/** Every 7th conformance file, plus the ones with helpers, local calls and loops. */
function conformanceSample(): Array<{ name: string; text: string }> {
  const dir = join(CORE_TESTDATA, 'conformance');
  const must = new Set(['call_local', 'callx', 'call_unwind_fail', 'prime', 'subnet', 'lock_cmpxchg', 'sdiv64-intmin-by-negone-reg', 'be64']);
  return readdirSync(dir)
    .filter((f) => f.endsWith('.data'))
    .sort()
    .filter((f, i) => i % 7 === 0 || must.has(f.replace(/\.data$/, '')))
    .map((f) => ({ name: f.replace(/\.data$/, ''), text: readFileSync(join(dir, f), 'utf8') }));
}

const SEEDS = [
  { name: 'filter_ex1', dev: 'lo' },
  { name: 'filter_ex1', dev: 'eth0' },
  { name: 'filter_ex2', dev: 'eth0' },
];

describe('in headless Chromium', () => {
  let context: BrowserContext | undefined;
  let profile = '';
  let bundle = '';

  beforeAll(async () => {
    const out = await build({
      entryPoints: [join(HERE, 'browser/scenario.ts')],
      bundle: true,
      format: 'iife',
      globalName: 'ebpfScenario',
      platform: 'browser',
      conditions: ['@ebpf/source'],
      write: false,
      logLevel: 'silent',
    });
    bundle = out.outputFiles[0]!.text;
    profile = mkdtempSync(join(tmpdir(), 'ebpf-chromium-'));
    context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      chromiumSandbox: false,
      args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
  });

  afterAll(async () => {
    await context?.close();
    if (profile) rmSync(profile, { recursive: true, force: true });
  });

  it('has Chromium at /usr/bin/chromium', () => {
    expect(existsSync(CHROMIUM)).toBe(true);
  });

  it('bundles without Node built-ins', () => {
    expect(bundle.length).toBeGreaterThan(10_000);
    expect(bundle).not.toMatch(/require\(["']node:/);
  });

  async function inPage<T>(fn: string, ...args: unknown[]): Promise<T> {
    const page = await context!.newPage();
    try {
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(e.message));
      await page.setContent('<!doctype html><title>ebpf</title>');
      await page.addScriptTag({ content: bundle });
      const result = await page.evaluate(
        ([name, a]) => (globalThis as unknown as Record<string, Record<string, (...x: unknown[]) => unknown>>)['ebpfScenario']![name as string]!(...(a as unknown[])),
        [fn, args] as const,
      );
      expect(errors).toEqual([]);
      return result as T;
    } finally {
      await page.close();
    }
  }

  it('runs a sample of conformance programs with the same r0 as Node', async () => {
    const sample = conformanceSample();
    expect(sample.length).toBeGreaterThan(40);
    const node = runConformanceSample(sample);
    const browser = await inPage<ScenarioResult[]>('runConformanceSample', sample);
    expect(browser).toEqual(node);
    // Both engines agree, and programs actually ran (most return a value, not an error).
    for (const r of node) expect(r.wasm, r.name).toBe(r.interp);
    expect(node.filter((r) => r.wasm.startsWith('0x')).length).toBeGreaterThan(sample.length * 0.8);
  });

  it.each(SEEDS)('runs the seed example $name (dev $dev) with the same r0 and output as Node', async ({ name, dev }) => {
    const image = readFileSync(join(CORE_TESTDATA, 'seed', `${name}.bpf`));
    const node = runSeedExample(name, image, dev);
    const browser = await inPage<ReturnType<typeof runSeedExample>>('runSeedExample', name, Array.from(image), dev);
    expect(browser).toEqual(node);
    expect(node.wasm).toBe(node.interp);
    expect(node.wasm).toMatch(/^0x/);
    expect(node.lines['jit-wasm']).toEqual(node.lines['interp']);
  });
});
