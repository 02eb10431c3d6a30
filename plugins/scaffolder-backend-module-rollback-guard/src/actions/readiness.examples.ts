import { TemplateExample } from '@backstage/plugin-scaffolder-node';
import yaml from 'yaml';

export const readinessExamples: TemplateExample[] = [
  {
    description:
      'Reads how risky going back is in production, and shows it on the task page',
    example: yaml.stringify({
      steps: [
        {
          id: 'readiness',
          action: 'rollback-guard:readiness',
          name: 'Rollback readiness',
          input: {
            entityRef: '${{ parameters.entity }}',
            environment: 'production',
          },
        },
      ],
      output: {
        text: [
          {
            title: 'Rollback readiness',
            content:
              'Risk **${{ steps.readiness.output.risk }}**: ${{ steps.readiness.output.recommendationReason }}',
          },
        ],
      },
    }),
  },
  {
    description:
      'Fails the template when going back to 1.4.2 would be high risk or worse, with the checks run again first',
    example: yaml.stringify({
      steps: [
        {
          id: 'gate',
          action: 'rollback-guard:readiness',
          name: 'Gate on readiness',
          input: {
            entityRef: 'component:default/payments-api',
            environment: 'production',
            candidate: '1.4.2',
            refresh: true,
            failOn: 'high',
          },
        },
      ],
    }),
  },
];
