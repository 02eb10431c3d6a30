import { TemplateExample } from '@backstage/plugin-scaffolder-node';
import yaml from 'yaml';

export const annotateExamples: TemplateExample[] = [
  {
    description:
      "Annotates the skeleton's catalog-info.yaml: environments, image repository, action webhook and database dialect",
    example: yaml.stringify({
      steps: [
        {
          id: 'rollback-guard',
          action: 'rollback-guard:annotate',
          name: 'Make the service rollback-ready',
          input: {
            environments: ['staging', 'production'],
            artifact: 'registry.example.com/payments/${{ parameters.name }}',
            actionWebhook: 'deploy-production',
            databaseDialect: 'postgresql',
            migrator: 'flyway',
          },
        },
      ],
    }),
  },
  {
    description:
      "Checks the annotations a repository's catalog-info.yaml already has, failing on any the backend would reject",
    example: yaml.stringify({
      steps: [
        {
          id: 'check',
          action: 'rollback-guard:annotate',
          name: 'Check the Rollback Guard annotations',
          input: { path: 'catalog-info.yaml', check: true },
        },
      ],
    }),
  },
];
