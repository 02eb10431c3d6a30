import {
  createServer,
  IncomingMessage,
  Server,
  ServerResponse,
} from 'node:http';
import { AddressInfo } from 'node:net';
import { KubeObject } from '../client';

/** A request the fake API server received. */
export type RecordedRequest = {
  method: string;
  path: string;
  query: Record<string, string>;
  contentType?: string;
  authorization?: string;
  body?: string;
};

// The resource paths the module uses, as the API server serves them.
const ROUTES: Array<{ pattern: RegExp; resource: string }> = [
  {
    pattern:
      /^\/apis\/argoproj\.io\/v1alpha1\/namespaces\/([^/]+)\/rollouts(?:\/([^/]+))?(\/status)?$/,
    resource: 'rollouts',
  },
  {
    pattern:
      /^\/apis\/apps\/v1\/namespaces\/([^/]+)\/deployments(?:\/([^/]+))?(\/status)?$/,
    resource: 'deployments',
  },
  {
    pattern:
      /^\/apis\/apps\/v1\/namespaces\/([^/]+)\/replicasets(?:\/([^/]+))?(\/status)?$/,
    resource: 'replicasets',
  },
  {
    pattern:
      /^\/apis\/flagger\.app\/v1beta1\/namespaces\/([^/]+)\/canaries(?:\/([^/]+))?(\/status)?$/,
    resource: 'canaries',
  },
];

function status(
  res: ServerResponse,
  code: number,
  reason: string,
  message: string,
) {
  res.writeHead(code, { 'Content-Type': 'application/json' });
  res.end(
    JSON.stringify({
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message,
      reason,
      code,
    }),
  );
}

/**
 * Equality-based label selectors (`a=b`, `a==b`, `a!=b`, `a`, `!a`, comma
 * separated), as the API server reads them; set-based ones are refused.
 */
export function matchesSelector(
  labels: Record<string, string> | undefined,
  selector: string,
): boolean | 'unsupported' {
  const have = labels ?? {};
  for (const raw of selector
    .split(',')
    .map(s => s.trim())
    .filter(Boolean)) {
    const notEqual = /^([^!=\s]+)\s*!=\s*(\S*)$/.exec(raw);
    const equal = /^([^!=\s]+)\s*==?\s*(\S*)$/.exec(raw);
    const absent = /^!([^!=\s]+)$/.exec(raw);
    const present = /^([^!=\s()]+)$/.exec(raw);
    if (notEqual) {
      if (have[notEqual[1]] === notEqual[2]) return false;
    } else if (equal) {
      if (have[equal[1]] !== equal[2]) return false;
    } else if (absent) {
      if (absent[1] in have) return false;
    } else if (present) {
      if (!(present[1] in have)) return false;
    } else {
      return 'unsupported';
    }
  }
  return true;
}

/** RFC 7386 JSON merge patch. */
export function mergePatch(target: any, patch: any): any {
  if (patch === null || typeof patch !== 'object' || Array.isArray(patch)) {
    return patch;
  }
  const result =
    target && typeof target === 'object' && !Array.isArray(target)
      ? { ...target }
      : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete result[key];
    else result[key] = mergePatch(result[key], value);
  }
  return result;
}

function pointer(path: string): string[] {
  if (path === '') return [];
  if (!path.startsWith('/')) throw new Error(`bad JSON pointer ${path}`);
  return path
    .slice(1)
    .split('/')
    .map(p => p.replace(/~1/g, '/').replace(/~0/g, '~'));
}

/** RFC 6902 JSON patch: add, remove, replace, test. */
export function jsonPatch(doc: any, ops: any[]): any {
  const result = JSON.parse(JSON.stringify(doc));
  for (const op of ops) {
    const parts = pointer(op.path);
    const last = parts.pop()!;
    let parent = result;
    for (const p of parts) {
      if (parent === null || typeof parent !== 'object' || !(p in parent)) {
        throw new Error(`path ${op.path} does not exist`);
      }
      parent = parent[p];
    }
    switch (op.op) {
      case 'add':
        if (Array.isArray(parent)) {
          parent.splice(
            last === '-' ? parent.length : Number(last),
            0,
            op.value,
          );
        } else parent[last] = op.value;
        break;
      case 'replace':
        if (!(last in parent))
          throw new Error(`path ${op.path} does not exist`);
        parent[last] = op.value;
        break;
      case 'remove':
        if (!(last in parent))
          throw new Error(`path ${op.path} does not exist`);
        if (Array.isArray(parent)) parent.splice(Number(last), 1);
        else delete parent[last];
        break;
      case 'test':
        if (JSON.stringify(parent[last]) !== JSON.stringify(op.value)) {
          throw new Error(`test failed at ${op.path}`);
        }
        break;
      default:
        throw new Error(`unsupported op ${op.op}`);
    }
  }
  return result;
}

/**
 * An HTTP server that answers the Kubernetes API paths the module uses the
 * way the API server does: GET and LIST (with `labelSelector`), PATCH with
 * merge-patch, strategic-merge-patch (for the bodies used here, the same as a
 * merge patch) and json-patch, the `status` subresource (only status changes
 * there, only the rest elsewhere), optimistic concurrency (`resourceVersion`
 * in a patch that differs from the stored one: 409 Conflict), 404 NotFound,
 * 401 without a valid token and 403 for a token that may only read. Errors
 * are `Status` objects, as the API server sends them.
 */
export async function startFakeKubernetesApi(options: {
  /** token → what it may do */
  tokens: Record<string, 'read' | 'write'>;
}) {
  const store = new Map<string, KubeObject>(); // resource/ns/name → object
  const requests: RecordedRequest[] = [];
  let resourceVersion = 1000;
  /** Answers the next matching request with this status instead. */
  const faults: Array<{ method: string; status: number; message: string }> = [];
  /** Runs once before the next PATCH is applied: a controller's write in between. */
  const hooks: {
    beforePatch?: () => void;
    /** Answers the next request with this method this many ms late. */
    delay?: { method: string; ms: number };
  } = {};

  const key = (resource: string, ns: string, name: string) =>
    `${resource}/${ns}/${name}`;

  const load = (resource: string, objects: KubeObject[]) => {
    for (const object of objects) {
      const copy = JSON.parse(JSON.stringify(object));
      copy.metadata.resourceVersion = String(++resourceVersion);
      store.set(
        key(resource, copy.metadata.namespace, copy.metadata.name),
        copy,
      );
    }
  };

  const handle = (req: IncomingMessage, res: ServerResponse, body: string) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const recorded: RecordedRequest = {
      method: req.method ?? 'GET',
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      contentType: req.headers['content-type'],
      authorization: req.headers.authorization,
      ...(body ? { body } : {}),
    };
    requests.push(recorded);
    const token = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
    const grant = token ? options.tokens[token] : undefined;
    if (!grant) {
      status(res, 401, 'Unauthorized', 'Unauthorized');
      return;
    }
    const route = ROUTES.map(r => ({
      r,
      m: r.pattern.exec(url.pathname),
    })).find(x => x.m);
    if (!route) {
      status(
        res,
        404,
        'NotFound',
        'the server could not find the requested resource',
      );
      return;
    }
    const [, ns, name, sub] = route.m!;
    const resource = route.r.resource;
    const fault = faults.findIndex(f => f.method === req.method);
    if (fault >= 0) {
      const [f] = faults.splice(fault, 1);
      status(res, f.status, 'InternalError', f.message);
      return;
    }
    if (req.method === 'GET' && !name) {
      const selector = url.searchParams.get('labelSelector') ?? '';
      const items: KubeObject[] = [];
      for (const [k, object] of store) {
        if (!k.startsWith(`${resource}/${ns}/`)) continue;
        const match = matchesSelector(object.metadata.labels, selector);
        if (match === 'unsupported') {
          status(
            res,
            400,
            'BadRequest',
            `unable to parse requirement: ${selector}`,
          );
          return;
        }
        if (match) items.push(object);
      }
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end(
        JSON.stringify({
          kind: 'List',
          apiVersion: 'v1',
          metadata: { resourceVersion: String(resourceVersion) },
          items,
        }),
      );
      return;
    }
    const stored = name ? store.get(key(resource, ns, name)) : undefined;
    if (!stored) {
      status(res, 404, 'NotFound', `${resource} "${name}" not found`);
      return;
    }
    if (req.method === 'GET') {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify(stored));
      return;
    }
    if (req.method !== 'PATCH') {
      status(res, 405, 'MethodNotAllowed', `${req.method} is not allowed here`);
      return;
    }
    if (grant !== 'write') {
      status(
        res,
        403,
        'Forbidden',
        `${resource} "${name}" is forbidden: User cannot patch resource "${resource}${
          sub ?? ''
        }"`,
      );
      return;
    }
    hooks.beforePatch?.();
    hooks.beforePatch = undefined;
    let patched: KubeObject;
    try {
      const parsed = JSON.parse(body);
      const type = (req.headers['content-type'] ?? '').split(';')[0];
      if (
        type === 'application/merge-patch+json' ||
        type === 'application/strategic-merge-patch+json'
      ) {
        patched = mergePatch(stored, parsed);
      } else if (type === 'application/json-patch+json') {
        if (!Array.isArray(parsed)) throw new Error('a JSON patch is an array');
        patched = jsonPatch(stored, parsed);
      } else {
        status(
          res,
          415,
          'UnsupportedMediaType',
          `the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml`,
        );
        return;
      }
    } catch (error) {
      status(res, 422, 'Invalid', String((error as Error).message));
      return;
    }
    if (patched.metadata.resourceVersion !== stored.metadata.resourceVersion) {
      status(
        res,
        409,
        'Conflict',
        `Operation cannot be fulfilled on ${resource} "${name}": the object has been modified; please apply your changes to the latest version and try again`,
      );
      return;
    }
    // The status subresource changes only status; the main resource all but status.
    const next: KubeObject = sub
      ? { ...stored, status: patched.status }
      : { ...patched, status: stored.status };
    next.metadata = { ...(sub ? stored.metadata : patched.metadata) };
    next.metadata.resourceVersion = String(++resourceVersion);
    if (!sub && JSON.stringify(patched.spec) !== JSON.stringify(stored.spec)) {
      next.metadata.generation = (stored.metadata.generation ?? 0) + 1;
    }
    store.set(key(resource, ns, name), next);
    res.writeHead(200, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify(next));
  };

  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', c => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const delay =
        hooks.delay?.method === req.method ? hooks.delay : undefined;
      if (!delay) {
        handle(req, res, body);
        return;
      }
      // Received, never answered in time: the connection drops later, and
      // what it asked for is not applied (each test's state stays its own).
      hooks.delay = undefined;
      const url = new URL(req.url ?? '/', 'http://localhost');
      requests.push({
        method: req.method ?? 'GET',
        path: url.pathname,
        query: Object.fromEntries(url.searchParams),
        contentType: req.headers['content-type'],
        authorization: req.headers.authorization,
        ...(body ? { body } : {}),
      });
      setTimeout(() => res.destroy(), delay.ms);
    });
  });
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    load,
    get: (resource: string, ns: string, name: string) =>
      store.get(key(resource, ns, name)),
    /** Changes an object as a controller would (new resourceVersion). */
    touch: (resource: string, ns: string, name: string) => {
      const o = store.get(key(resource, ns, name))!;
      o.metadata.resourceVersion = String(++resourceVersion);
    },
    hooks,
    failNext: (method: string, code: number, message: string) =>
      faults.push({ method, status: code, message }),
    clear: () => {
      store.clear();
      requests.length = 0;
    },
    patches: () => requests.filter(r => r.method === 'PATCH'),
    close: () => new Promise<void>(resolve => server.close(() => resolve())),
  };
}
