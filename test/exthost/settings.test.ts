// Settings (Trilium's and VS Code's http.*) and SecretStorage → the NetworkOptions the sync core gets.
import * as assert from 'assert';
import * as vscode from 'vscode';
import { activate } from './uiFixture';

describe('extension host: settings → NetworkOptions (issue 6)', function () {
  this.timeout(60_000);
  const trilium = () => vscode.workspace.getConfiguration('trilium');
  const http = () => vscode.workspace.getConfiguration('http');
  const G = vscode.ConfigurationTarget.Global;
  const touched: Array<[() => vscode.WorkspaceConfiguration, string]> = [
    [trilium, 'sync.proxy'], [trilium, 'sync.caFile'], [trilium, 'sync.pfxFile'], [trilium, 'sync.trustedCertificates'],
    [trilium, 'sync.timeoutSeconds'], [http, 'proxy'], [http, 'noProxy'], [http, 'proxyStrictSSL'],
  ];

  after(async () => {
    for (const [config, key] of touched) await config().update(key, undefined, G);
    await vscode.commands.executeCommand('trilium.setCertificatePassphrase', '');
  });

  it('has the documented defaults', async () => {
    const api = await activate();
    const options = await api.services.session.networkOptions();
    assert.strictEqual(options.timeoutMs, 120_000);
    assert.strictEqual(options.proxy, undefined);
    assert.strictEqual(options.proxyStrictSSL, true);
    assert.strictEqual(trilium().get('sync.autoSync'), true);
    assert.strictEqual(trilium().get('sync.intervalSeconds'), 60);
    assert.strictEqual(trilium().get('tree.showHidden'), false);
  });

  it('hands Trilium\'s and VS Code\'s proxy, TLS and timeout settings to the core', async () => {
    const api = await activate();
    await trilium().update('sync.proxy', 'http://proxy.test:3128', G);
    await trilium().update('sync.caFile', '/etc/ssl/company-ca.pem', G);
    await trilium().update('sync.trustedCertificates', { '127.0.0.1:8443': 'AB:CD' }, G);
    await trilium().update('sync.timeoutSeconds', 30, G);
    await http().update('proxy', 'http://vscode-proxy.test:8080', G);
    await http().update('noProxy', ['localhost', '.internal'], G);
    await http().update('proxyStrictSSL', false, G);
    const options = await api.services.session.networkOptions();
    assert.strictEqual(options.proxy, 'http://proxy.test:3128');
    assert.strictEqual(options.vscodeProxy, 'http://vscode-proxy.test:8080');
    assert.deepStrictEqual(options.noProxy, ['localhost', '.internal']);
    assert.strictEqual(options.proxyStrictSSL, false);
    assert.strictEqual(options.caFile, '/etc/ssl/company-ca.pem');
    assert.deepStrictEqual(options.trustedCertificates, { '127.0.0.1:8443': 'AB:CD' });
    assert.strictEqual(options.timeoutMs, 30_000);
    assert.strictEqual(options.env?.PATH, process.env.PATH, 'the environment (HTTPS_PROXY, NO_PROXY, …) is passed on');
  });

  it('takes the certificate passphrase from SecretStorage, never from settings', async () => {
    const api = await activate();
    await trilium().update('sync.pfxFile', '/home/me/client.p12', G);
    await vscode.commands.executeCommand('trilium.setCertificatePassphrase', 'p12-secret');
    const options = await api.services.session.networkOptions();
    assert.strictEqual(options.pfxFile, '/home/me/client.p12');
    assert.strictEqual(options.passphrase, 'p12-secret');
    assert.ok(!JSON.stringify(vscode.workspace.getConfiguration('trilium')).includes('p12-secret'));
    assert.strictEqual(await api.services.context.secrets.get('trilium.sync.pfxPassphrase'), 'p12-secret');
  });
});
