import { TemplateExample } from '@backstage/plugin-scaffolder-node';
import yaml from 'yaml';

export const requestActionExamples: TemplateExample[] = [
  {
    description:
      'Requests a roll-back to a candidate on behalf of the person running the template; it then waits for approval where policy says so',
    example: yaml.stringify({
      steps: [
        {
          id: 'request',
          action: 'rollback-guard:request-action',
          name: 'Request the roll-back',
          input: {
            entityRef: '${{ parameters.entity }}',
            environment: '${{ parameters.environment }}',
            kind: 'roll-back',
            targetVersion: '${{ parameters.candidate }}',
            reason: '${{ parameters.reason }}',
          },
        },
      ],
    }),
  },
  {
    description: 'Pauses a canary (no target version)',
    example: yaml.stringify({
      steps: [
        {
          id: 'pause',
          action: 'rollback-guard:request-action',
          name: 'Pause the canary',
          input: {
            entityRef: 'component:default/payments-api',
            environment: 'production',
            kind: 'pause',
            reason: 'Error rate above budget at 20% traffic',
          },
        },
      ],
    }),
  },
];
