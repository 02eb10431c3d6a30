import fs from 'node:fs';
import { createServer, Server } from 'node:https';
import { AddressInfo } from 'node:net';
import path from 'node:path';
import { KubernetesCallError, KubernetesClient } from './client';

// A self-signed certificate for 127.0.0.1, as a cluster's own CA would sign
// its API server's (generated with openssl for this test, valid to 2126).
const tls = (name: string) =>
  fs.readFileSync(path.join(__dirname, '__fixtures__', 'tls', name), 'utf8');

describe('KubernetesClient over TLS', () => {
  let server: Server;
  let url: URL;
  const seen: Array<string | undefined> = [];

  beforeAll(async () => {
    server = createServer(
      { cert: tls('cert.pem'), key: tls('key.pem') },
      (req, res) => {
        seen.push(req.headers.authorization);
        res.writeHead(200, { 'Content-Type': 'application/json' });
        res.end(
          JSON.stringify({
            kind: 'List',
            apiVersion: 'v1',
            items: [{ metadata: { name: 'a' } }],
          }),
        );
      },
    );
    await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
    url = new URL(
      `https://127.0.0.1:${(server.address() as AddressInfo).port}`,
    );
  });
  afterAll(() => new Promise(resolve => server.close(resolve)));

  it('trusts the cluster CA from caData, sending the token', async () => {
    const client = new KubernetesClient(
      {
        name: 'prod',
        url,
        token: 'sa',
        ca: tls('cert.pem'),
        allowPrivateAddresses: true,
      },
      2000,
    );
    expect(
      await client.list('/apis/apps/v1/namespaces/x/deployments', 'a=b'),
    ).toEqual([{ metadata: { name: 'a' } }]);
    expect(seen).toEqual(['Bearer sa']);
  });

  it('refuses a server its CA did not sign, before sending anything', async () => {
    seen.length = 0;
    const client = new KubernetesClient(
      { name: 'prod', url, token: 'sa', allowPrivateAddresses: true },
      2000,
    );
    const error = await client
      .list('/apis/apps/v1/namespaces/x/deployments', '')
      .catch(e => e);
    expect(error).toBeInstanceOf(KubernetesCallError);
    expect(error.message).toMatch(
      /^GET \/apis\/apps\/v1\/namespaces\/x\/deployments on cluster prod: TLS with cluster prod failed: /,
    );
    expect(seen).toEqual([]);
  });
});
