import { mockServices } from '@backstage/backend-test-utils';
import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { createRouter } from '../router/router';

type Layer = {
  route?: { path: string; methods: Record<string, boolean> };
};

describe('openapi.yaml', () => {
  it('documents exactly the routes the router serves', async () => {
    const spec = parse(
      fs.readFileSync(path.join(__dirname, 'openapi.yaml'), 'utf8'),
    );
    const documented = Object.entries(
      spec.paths as Record<string, Record<string, unknown>>,
    )
      .flatMap(([route, methods]) =>
        Object.keys(methods).map(
          method =>
            `${method.toUpperCase()} ${route.replace(/\{(\w+)\}/g, ':$1')}`,
        ),
      )
      .sort();

    const router = await createRouter({
      httpAuth: mockServices.httpAuth(),
      annotationReports: {} as any,
      rolloutService: {} as any,
      ledgerService: {} as any,
      readinessService: {} as any,
      actionService: {} as any,
      maxBodyBytes: 1024,
    });
    const served = (router.stack as Layer[])
      .filter(layer => layer.route)
      .flatMap(layer =>
        Object.keys(layer.route!.methods).map(
          method => `${method.toUpperCase()} ${layer.route!.path}`,
        ),
      )
      .sort();

    expect(served.length).toBeGreaterThan(0);
    expect(documented).toEqual(served);
  });
});
