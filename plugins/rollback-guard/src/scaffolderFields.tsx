import { makeFieldSchema } from '@backstage/plugin-scaffolder-react';
import {
  createFormField,
  FormFieldBlueprint,
} from '@backstage/plugin-scaffolder-react/alpha';

const schema = makeFieldSchema({
  output: z => z.string(),
  uiOptions: z =>
    z.object({
      entityField: z
        .string()
        .optional()
        .describe('The form field holding the entity ref (default: entity)'),
      environmentField: z
        .string()
        .optional()
        .describe(
          'The form field holding the environment (default: environment)',
        ),
    }),
});

/**
 * The scaffolder form field `RollbackGuardEnvironmentPicker`: an environment
 * of the entity chosen in the `entity` field, with what runs there now.
 *
 * @alpha
 */
export const rollbackGuardEnvironmentPickerField = FormFieldBlueprint.make({
  name: 'environment-picker',
  params: {
    field: () =>
      import('./components/ScaffolderFields').then(m =>
        createFormField({
          name: 'RollbackGuardEnvironmentPicker',
          component: m.RollbackGuardEnvironmentPicker,
          schema,
        }),
      ),
  },
});

/**
 * The scaffolder form field `RollbackGuardCandidatePicker`: the versions to
 * go back to in the chosen environment, each with its risk and reasons.
 *
 * @alpha
 */
export const rollbackGuardCandidatePickerField = FormFieldBlueprint.make({
  name: 'candidate-picker',
  params: {
    field: () =>
      import('./components/ScaffolderFields').then(m =>
        createFormField({
          name: 'RollbackGuardCandidatePicker',
          component: m.RollbackGuardCandidatePicker,
          schema,
        }),
      ),
  },
});
