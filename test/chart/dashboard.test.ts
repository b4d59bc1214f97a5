import { strict as assert } from 'node:assert';
import { PRODUCTION_VALUES, dryRunInstallArgs, helm, only, ofKind, renderCases, templateArgs, type RenderOptions, type RenderedObject } from './helm';

// The guards come from kubernetes-models (ESM-only, so import()); render.test.ts validates the full objects.
type Models = Awaited<ReturnType<typeof loadModels>>;
async function loadModels() {
  const [core, apps, networking] = await Promise.all([
    import('kubernetes-models/v1'),
    import('kubernetes-models/apps/v1'),
    import('kubernetes-models/networking.k8s.io/v1'),
  ]);
  return { core, apps, networking };
}

const CLIENT_ID = '123456789012345678';
/** The dashboard on, with a token (it needs real Discord) and its client secret in values. */
const DASHBOARD: RenderOptions = {
  set: ['discord.token=abc', 'dashboard.enabled=true', 'dashboard.url=https://music.example.com', 'dashboard.clientSecret=oauth-secret'],
  setString: [`dashboard.clientId=${CLIENT_ID}`],
};
function withDashboard(set: readonly string[]): RenderOptions {
  return { ...DASHBOARD, set: [...(DASHBOARD.set ?? []), ...set] };
}

async function renderFailure(options: RenderOptions): Promise<string> {
  const result = await helm(templateArgs(options));
  assert.notEqual(result.code, 0, `helm template accepted ${JSON.stringify(options)}`);
  return result.stderr;
}

describe('chart: the dashboard (Service, Ingress, OAuth2 secret)', () => {
  let models: Models;
  const cases: Record<string, RenderOptions> = {
    off: {},
    on: DASHBOARD,
    ingress: withDashboard(['dashboard.ingress.enabled=true', 'dashboard.ingress.className=nginx', 'dashboard.ingress.tls.secretName=music-tls', 'dashboard.ingress.annotations.cert-manager\\.io/cluster-issuer=letsencrypt']),
    extraPaths: withDashboard(['dashboard.ingress.enabled=true', 'dashboard.ingress.host=internal.example.com', 'dashboard.ingress.extraPaths={/api/v1,/dashboard}']),
    production: { valuesFiles: [PRODUCTION_VALUES] },
  };
  before(async () => {
    models = await loadModels();
  });
  const objects = renderCases(cases);
  const env = (name: string) => {
    const container = only(objects(name), models.apps.Deployment.is, 'Deployment').spec?.template.spec?.containers.find((c) => c.name === 'hiqty');
    assert.ok(container, 'no hiqty container');
    return new Map((container.env ?? []).map((e) => [e.name, e]));
  };
  const ingresses = (name: string) => ofKind(objects(name), models.networking.Ingress.is);
  const ingress = (name: string) => only(objects(name), models.networking.Ingress.is, 'Ingress');
  const botPolicy = (name: string) => {
    const found = ofKind(objects(name), models.networking.NetworkPolicy.is).find((p) => p.metadata?.name === 'hq-hiqty');
    assert.ok(found, 'no NetworkPolicy for the bot');
    return found;
  };

  it('is off by default: no dashboard variables, no client secret, no Ingress', () => {
    const vars = env('off');
    for (const name of ['HIQTY_DASHBOARD_URL', 'HIQTY_DISCORD_CLIENT_ID', 'HIQTY_DISCORD_CLIENT_SECRET']) assert.equal(vars.get(name), undefined, name);
    const secret = only(objects('off'), models.core.Secret.is, 'Secret');
    assert.deepEqual(Object.keys(secret.stringData ?? {}), ['redis-password']);
    assert.equal(ingresses('off').length, 0);
  });

  it('renders the origin and client id as values and the client secret from the chart Secret', () => {
    const vars = env('on');
    assert.equal(vars.get('HIQTY_DASHBOARD_URL')?.value, 'https://music.example.com');
    assert.equal(vars.get('HIQTY_DISCORD_CLIENT_ID')?.value, CLIENT_ID);
    assert.deepEqual(vars.get('HIQTY_DISCORD_CLIENT_SECRET'), {
      name: 'HIQTY_DISCORD_CLIENT_SECRET',
      valueFrom: { secretKeyRef: { name: 'hq-hiqty', key: 'discord-client-secret' } },
    });
    const secret = only(objects('on'), models.core.Secret.is, 'Secret');
    assert.equal(secret.stringData?.['discord-client-secret'], 'oauth-secret');
    // The secret never sits in the pod spec as a plain value.
    assert.doesNotMatch(JSON.stringify(only(objects('on'), models.apps.Deployment.is, 'Deployment')), /oauth-secret/);
    assert.equal(ingresses('on').length, 0, 'an Ingress without dashboard.ingress.enabled');
  });

  it('is served by the Service on the same http port as the API (the container listens there)', () => {
    const service = only(objects('on'), (o): o is RenderedObject => models.core.Service.is(o) && o.metadata?.name === 'hq-hiqty', 'bot Service');
    assert.ok(models.core.Service.is(service));
    assert.deepEqual(service.spec?.ports?.map((p) => [p.name, p.port, p.targetPort]), [['http', 8080, 'http']]);
    assert.equal(env('on').get('HIQTY_HTTP_PORT')?.value, '8080');
  });

  it('has a helm test pod that asks /dashboard through the Service only when the dashboard is on', () => {
    const dashboardTests = (name: string) => ofKind(objects(name), models.core.Pod.is).filter((p) => p.metadata?.name === 'hq-hiqty-test-dashboard');
    assert.equal(dashboardTests('off').length, 0);
    const [test] = dashboardTests('on');
    assert.ok(test, 'no dashboard test pod');
    assert.equal(test.metadata?.annotations?.['helm.sh/hook'], 'test');
    assert.notEqual(test.metadata?.labels?.['app.kubernetes.io/component'], 'bot', 'the Service would route to the test pod');
    const command = test.spec?.containers[0]?.command ?? [];
    assert.equal(command.at(-1), 'http://hq-hiqty:8080/dashboard');
    assert.match(command.join(' '), /redirect: 'manual'.*r\.status === 302/);
  });

  it('routes only /dashboard of the url\'s host to the Service\'s http port, with the class, TLS and annotations', () => {
    const spec = ingress('ingress').spec;
    assert.equal(spec?.ingressClassName, 'nginx');
    assert.deepEqual(spec?.tls, [{ hosts: ['music.example.com'], secretName: 'music-tls' }]);
    assert.equal(ingress('ingress').metadata?.annotations?.['cert-manager.io/cluster-issuer'], 'letsencrypt');
    assert.equal(spec?.rules?.length, 1);
    const rule = spec?.rules?.[0];
    assert.equal(rule?.host, 'music.example.com');
    assert.deepEqual(rule?.http?.paths, [{ path: '/dashboard', pathType: 'Prefix', backend: { service: { name: 'hq-hiqty', port: { name: 'http' } } } }]);
  });

  it('adds only the extra paths the operator names, each once, and takes an explicit host', () => {
    const spec = ingress('extraPaths').spec;
    assert.equal(spec?.tls, undefined, 'a tls block without tls.secretName');
    assert.equal(spec?.ingressClassName, undefined);
    assert.equal(spec?.rules?.[0]?.host, 'internal.example.com');
    assert.deepEqual(spec?.rules?.[0]?.http?.paths.map((p) => p.path), ['/dashboard', '/api/v1']);
    for (const name of ['ingress', 'extraPaths', 'production']) {
      for (const path of ingress(name).spec?.rules?.flatMap((r) => r.http?.paths ?? []) ?? []) assert.notEqual(path.path, '/metrics', name);
    }
  });

  it('takes the client secret from existingSecret under its key, and renders no Secret', () => {
    assert.deepEqual(env('production').get('HIQTY_DISCORD_CLIENT_SECRET')?.valueFrom, { secretKeyRef: { name: 'hiqty-credentials', key: 'oauth2-client-secret' } });
    assert.equal(env('production').get('HIQTY_DISCORD_CLIENT_ID')?.value, '1234567890123456789');
    assert.equal(ofKind(objects('production'), models.core.Secret.is).length, 0);
    assert.equal(ingress('production').spec?.rules?.[0]?.host, 'music.example.com');
  });

  it('lets the Ingress controller through a NetworkPolicy that restricts the http port', () => {
    // No ingressFrom: one rule for the port from any source, which the controller is part of.
    assert.deepEqual(botPolicy('ingress').spec?.ingress, [{ ports: [{ port: 'http', protocol: 'TCP' }] }]);
    const rules = botPolicy('production').spec?.ingress ?? [];
    assert.equal(rules.length, 2);
    assert.deepEqual(rules[0]?.from?.map((peer) => peer.namespaceSelector?.matchLabels), [{ 'kubernetes.io/metadata.name': 'monitoring' }]);
    assert.deepEqual(rules[1]?.ports, [{ port: 'http', protocol: 'TCP' }]);
    assert.deepEqual(rules[1]?.from?.map((peer) => peer.namespaceSelector?.matchLabels), [{ 'kubernetes.io/metadata.name': 'ingress-nginx' }]);
  });

  it('refuses settings that cannot work, with a message saying what to set', async () => {
    assert.match(await renderFailure({ set: ['dashboard.enabled=true', 'dashboard.url=https://music.example.com', 'dashboard.clientSecret=s'], setString: [`dashboard.clientId=${CLIENT_ID}`] }), /set discord.token \(or secrets.existingSecret\)/);
    assert.match(await renderFailure({ ...DASHBOARD, set: (DASHBOARD.set ?? []).filter((s) => !s.startsWith('dashboard.clientSecret')) }), /set dashboard.clientSecret/);
    assert.match(await renderFailure(withDashboard(['secrets.existingSecret=creds', 'discord.token='])), /existingSecret is set/);
    assert.match(await renderFailure({ set: ['dashboard.ingress.enabled=true'] }), /dashboard.ingress.enabled needs dashboard.enabled/);
    assert.match(await renderFailure(withDashboard(['dashboard.ingress.enabled=true', 'dashboard.url=http://127.0.0.1:8080'])), /cannot be an IP address \(127.0.0.1\)/);
    assert.match(
      await renderFailure(withDashboard(['dashboard.ingress.enabled=true', 'networkPolicy.ingressFrom[0].podSelector.matchLabels.app=prometheus'])),
      /set networkPolicy.ingressControllerFrom/,
    );
  });

  it('NOTES.txt prints the dashboard URL and the redirect URI to register, only when the dashboard is on', async () => {
    const on = await helm(dryRunInstallArgs(withDashboard(['dashboard.ingress.enabled=true'])));
    assert.equal(on.code, 0, on.stderr);
    const notes = on.stdout.slice(on.stdout.indexOf('NOTES:'));
    assert.match(notes, /^Dashboard: https:\/\/music\.example\.com\/dashboard\/$/m);
    assert.match(notes, /Discord application 123456789012345678/);
    assert.match(notes, /^ {4}https:\/\/music\.example\.com\/dashboard\/callback$/m);
    assert.match(notes, /Ingress hq-hiqty: host music\.example\.com, paths \/dashboard \(no tls block/);

    const local = await helm(dryRunInstallArgs(withDashboard(['dashboard.url=http://localhost:8080'])));
    assert.equal(local.code, 0, local.stderr);
    assert.match(local.stdout, /^ {4}http:\/\/localhost:8080\/dashboard\/callback$/m);
    assert.match(local.stdout, /No Ingress \(dashboard.ingress.enabled=false\)/);

    const off = await helm(dryRunInstallArgs({}));
    assert.equal(off.code, 0, off.stderr);
    assert.ok(off.stdout.includes('NOTES:'));
    assert.doesNotMatch(off.stdout, /Dashboard:|callback/);
  });
});
