import { ConfigReader } from '@backstage/config';
import { PrometheusSettings } from './PrometheusConfig';
import { escapeRegex, escapeString, QueryTemplate } from './promql';

const values = {
  entity: 'payments-api',
  environment: 'production',
  version: '1.5.0',
};

describe('QueryTemplate', () => {
  it('fills the placeholders inside label values', () => {
    const template = QueryTemplate.parse(
      'sum(rate(http_requests_total{service="${entity}",env="${environment}",version="${version}"}[1m]))',
    );
    expect(template.fill(values)).toBe(
      'sum(rate(http_requests_total{service="payments-api",env="production",version="1.5.0"}[1m]))',
    );
  });

  it('escapes a value so it stays inside its string literal', () => {
    const template = QueryTemplate.parse('up{service="${entity}"}');
    expect(template.fill({ ...values, entity: 'x"} or vector(1) #' })).toBe(
      'up{service="x\\"} or vector(1) #"}',
    );
    expect(template.fill({ ...values, entity: 'a\\"b\nc' })).toBe(
      'up{service="a\\\\\\"b\\nc"}',
    );
  });

  it('escapes regex metacharacters in a regex matcher, so a value matches only itself', () => {
    const template = QueryTemplate.parse('up{version=~"${version}"}');
    expect(template.fill({ ...values, version: '1.5.0+build.*' })).toBe(
      'up{version=~"1\\\\.5\\\\.0\\\\+build\\\\.\\\\*"}',
    );
  });

  it('refuses a placeholder outside a double-quoted string', () => {
    expect(() => QueryTemplate.parse('up{service=${entity}}')).toThrow(
      'has ${entity} outside a double-quoted string',
    );
    expect(() => QueryTemplate.parse("up{service='${entity}'}")).toThrow(
      /outside a double-quoted string/,
    );
  });

  it('refuses an unknown placeholder and an unterminated string', () => {
    expect(() => QueryTemplate.parse('up{x="${namespace}"}')).toThrow(
      'uses ${namespace}; the placeholders are ${entity}, ${environment}, ${version}',
    );
    expect(() => QueryTemplate.parse('up{x="${entity}}')).toThrow(
      /unterminated/,
    );
  });

  it('keeps escaped quotes inside a literal as text', () => {
    const template = QueryTemplate.parse('up{a="say \\"hi\\"",b="${entity}"}');
    expect(template.fill(values)).toBe('up{a="say \\"hi\\"",b="payments-api"}');
  });
});

describe('escapes', () => {
  it('escapeString and escapeRegex', () => {
    expect(escapeString('a"b\\c')).toBe('a\\"b\\\\c');
    expect(escapeRegex('a.b|c')).toBe('a\\.b\\|c');
  });
});

describe('PrometheusSettings', () => {
  const config = (prometheus: object) =>
    new ConfigReader({ rollbackGuard: { prometheus } });

  it('reads servers and query sets, and keeps credentials out of sight', () => {
    const settings = PrometheusSettings.fromConfig(
      config({
        servers: [
          {
            name: 'main',
            baseUrl: 'https://prom.example.com/prometheus',
            token: 's3cret',
          },
          {
            name: 'basic',
            baseUrl: 'https://other.example.com',
            username: 'u',
            password: 'p',
          },
        ],
        querySets: {
          web: { server: 'main', queries: { errorRate: 'up{s="${entity}"}' } },
        },
      }),
    );
    const web = settings.querySets.get('web')!;
    expect(web.server.baseUrl.href).toBe('https://prom.example.com/prometheus');
    expect(settings.authorization(web.server)).toBe('Bearer s3cret');
    expect(JSON.stringify(settings)).not.toContain('s3cret');
    expect(JSON.stringify(web)).not.toContain('s3cret');
  });

  it.each([
    [
      { servers: [{ name: 'a', baseUrl: 'prom:9090' }] },
      /baseUrl must be http or https|absolute URL/,
    ],
    [
      { servers: [{ name: 'a', baseUrl: 'https://u:p@prom' }] },
      /no credentials/,
    ],
    [
      { servers: [{ name: 'a', baseUrl: 'https://prom', username: 'u' }] },
      /both username and password/,
    ],
    [
      { querySets: { web: { server: 'nope', queries: {} } } },
      /names "nope", which is not in rollbackGuard.prometheus.servers/,
    ],
    [
      {
        servers: [{ name: 'a', baseUrl: 'https://prom' }],
        querySets: {
          web: { server: 'a', queries: { errorRate: 'up{s=${entity}}' } },
        },
      },
      /querySets.web.queries.errorRate has \$\{entity\} outside a double-quoted string/,
    ],
    [{ defaultQuerySet: 'web' }, /defaultQuerySet names "web"/],
  ])('refuses a bad configuration: %j', (prometheus, message) => {
    expect(() => PrometheusSettings.fromConfig(config(prometheus))).toThrow(
      message,
    );
  });
});
