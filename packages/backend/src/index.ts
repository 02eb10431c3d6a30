/*
 * The example backend that hosts Rollback Guard, with the plugins it works
 * alongside: catalog, auth (guest), permission, scaffolder, notifications and
 * signals.
 */

import { createBackend } from '@backstage/backend-defaults';
import { exampleKubernetesPlugin } from './exampleKubernetes';
import { exampleMetricsPlugin } from './exampleMetrics';
import { examplePipelinePlugin } from './examplePipeline';

const backend = createBackend();

backend.add(import('@backstage/plugin-app-backend'));

// auth, with the guest provider for local use
backend.add(import('@backstage/plugin-auth-backend'));
backend.add(import('@backstage/plugin-auth-backend-module-guest-provider'));

// catalog
backend.add(import('@backstage/plugin-catalog-backend'));
backend.add(
  import('@backstage/plugin-catalog-backend-module-scaffolder-entity-model'),
);
backend.add(import('@backstage/plugin-catalog-backend-module-logs'));

// permission
backend.add(import('@backstage/plugin-permission-backend'));
backend.add(
  import('@backstage/plugin-permission-backend-module-allow-all-policy'),
);

// scaffolder
backend.add(import('@backstage/plugin-scaffolder-backend'));
backend.add(
  import('@backstage/plugin-scaffolder-backend-module-notifications'),
);
// The Rollback Guard actions: rollback-guard:annotate, :readiness, :request-action
backend.add(
  import('@rollback-guard/plugin-scaffolder-backend-module-rollback-guard'),
);

// notifications and signals
backend.add(import('@backstage/plugin-notifications-backend'));
backend.add(import('@backstage/plugin-signals-backend'));

// Rollback Guard
backend.add(import('@rollback-guard/plugin-rollback-guard-backend'));
backend.add(
  import('@rollback-guard/plugin-rollback-guard-backend-module-oci-registry'),
);
backend.add(
  import(
    '@rollback-guard/plugin-rollback-guard-backend-module-schema-compatibility'
  ),
);
backend.add(
  import(
    '@rollback-guard/plugin-rollback-guard-backend-module-api-compatibility'
  ),
);
backend.add(
  import('@rollback-guard/plugin-rollback-guard-backend-module-prometheus'),
);
backend.add(
  import('@rollback-guard/plugin-rollback-guard-backend-module-github-actions'),
);
backend.add(
  import(
    '@rollback-guard/plugin-rollback-guard-backend-module-vulnerabilities'
  ),
);
backend.add(
  import('@rollback-guard/plugin-rollback-guard-backend-module-kubernetes'),
);
// Answers the Prometheus HTTP API from example series (examples only)
backend.add(exampleMetricsPlugin);
// Answers the Kubernetes API for an example Argo Rollout (examples only)
backend.add(exampleKubernetesPlugin);
// Receives the example services' approved actions (examples only)
backend.add(examplePipelinePlugin);

backend.start();
