import { Entity } from '@backstage/catalog-model';
import {
  ANNOTATION_HEALTH_LABEL,
  ANNOTATION_HEALTH_QUERY_SET,
  HEALTH_LABEL_VALUE,
} from '@rollback-guard/plugin-rollback-guard-common';
import {
  HealthSource,
  HealthSourceRequest,
  HealthSourceSeries,
} from '@rollback-guard/plugin-rollback-guard-node';
import { PrometheusClient } from './PrometheusClient';
import { PrometheusSettings, QuerySet } from './PrometheusConfig';

/**
 * Reads the health signals of a deployment from Prometheus: each query of
 * the entity's query set, for the current version and (behind a canary or
 * blue/green) the stable one, over the window. The entity chooses a query
 * set and a label value by annotation; servers and queries come from
 * configuration only.
 *
 * @public
 */
export class PrometheusHealthSource implements HealthSource {
  readonly id = 'prometheus';
  readonly title = 'Prometheus';

  constructor(
    private readonly settings: PrometheusSettings,
    private readonly client: PrometheusClient = new PrometheusClient(settings),
  ) {}

  appliesTo(entity: Entity): boolean {
    return Boolean(
      entity.metadata.annotations?.[ANNOTATION_HEALTH_QUERY_SET] ??
        this.settings.defaultQuerySet,
    );
  }

  /** The entity's query set and label value, or why they are refused. */
  private choose(entity: Entity): { set: QuerySet; label: string } {
    const annotations = entity.metadata.annotations ?? {};
    const name = (
      annotations[ANNOTATION_HEALTH_QUERY_SET] ?? this.settings.defaultQuerySet
    )?.trim();
    const set = name ? this.settings.querySets.get(name) : undefined;
    if (!set) {
      throw new Error(
        `${ANNOTATION_HEALTH_QUERY_SET} names "${name}", which is not in rollbackGuard.prometheus.querySets (${
          [...this.settings.querySets.keys()].join(', ') || 'none configured'
        })`,
      );
    }
    const label = (
      annotations[ANNOTATION_HEALTH_LABEL] ?? entity.metadata.name
    ).trim();
    if (!HEALTH_LABEL_VALUE.test(label)) {
      throw new Error(
        `${ANNOTATION_HEALTH_LABEL} "${label.slice(
          0,
          60,
        )}" was refused: a label value is letters, digits and _ . : / - only, so that it can never change a query`,
      );
    }
    return { set, label };
  }

  async read(request: HealthSourceRequest): Promise<HealthSourceSeries[]> {
    const { set, label } = this.choose(request.entity);
    const { current, stable, environment, window, signal } = request;
    const fill = (version: string) => ({
      entity: label,
      environment,
      version,
    });
    return Promise.all(
      [...set.queries].map(async ([name, template]) => {
        const read = (version: string) =>
          this.client.queryRange(
            set.server,
            template.fill(fill(version)),
            window,
            signal,
          );
        try {
          const [mine, theirs] = await Promise.all([
            read(current.version),
            stable ? read(stable.version) : undefined,
          ]);
          return {
            signal: name,
            current: mine,
            ...(theirs ? { stable: theirs } : {}),
          };
        } catch (error) {
          return {
            signal: name,
            current: [],
            error: (error as Error).message,
          };
        }
      }),
    );
  }
}
